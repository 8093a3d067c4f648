"""
Read the environment strictly: a bad value stops the process at startup.

django-environ is lenient where a typo should be fatal. env.bool reads any
word it does not know as False ("yes please" turns DEBUG off), env.float
keeps only the digits ("2 seconds" is 2.0), a value that starts with "$" is
taken as the name of another variable (a secret key that starts with "$"
silently becomes something else), and a failed cast raises a ValueError that
does not say which variable caused it. StrictEnv keeps the interface that
settings.py uses and raises ImproperlyConfigured instead, naming the
variable, its value (hidden for secrets) and what was expected.

The validators of values (config/validators.py) check what a type cannot:
that a URL is absolute, that an origin has no path.
"""

import re
from collections.abc import Callable

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
FALSE_WORDS = frozenset({"false", "0", "no", "off"})

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*)://", re.I)

Validator = Callable[[str], None]
NOTSET = environ.Env.NOTSET


class StrictEnv(environ.Env):
    """An environ.Env whose casts refuse what they do not understand."""

    # Never shown in a message.
    SECRETS = frozenset({"DJANGO_SECRET_KEY", "JWT_SIGNING_KEYS", "MFA_ENCRYPTION_KEY"})
    # Shown with everything before the host's "@" and after "?" hidden.
    URLS_WITH_CREDENTIALS = frozenset({"DATABASE_URL", "EMAIL_URL", "REDIS_URL"})

    def get_value(self, var, cast=None, default=NOTSET, parse_default=False):
        """
        Return var cast to `cast`, or the default when var is unset.

        The value is taken literally: no "$OTHER" proxying. A value that does
        not cast raises ImproperlyConfigured naming var.
        """
        name = f"{self.prefix}{var}"
        try:
            text = self.ENVIRON[name]
        except KeyError:
            if default is self.NOTSET:
                raise ImproperlyConfigured(
                    f"Set the {name} environment variable."
                ) from None
            if not parse_default or default is None:
                return default
            text = default
        if cast is None and default is not None and default is not self.NOTSET:
            cast = type(default)
        try:
            return parse_strictly(text, cast)
        except ValueError as exc:
            raise self.refusal(name, text, str(exc)) from None

    def int(self, var, default=NOTSET, *, min_value=None, max_value=None):
        value = super().int(var, default=default)
        self._check_range(var, value, min_value, max_value, "an integer")
        return value

    def float(self, var, default=NOTSET, *, min_value=None, max_value=None):
        value = super().float(var, default=default)
        self._check_range(var, value, min_value, max_value, "a number")
        return value

    def str(
        self,
        var,
        default=NOTSET,
        multiline=False,
        choices=NOTSET,
        *,
        validate: Validator | None = None,
    ):
        """Return var as text, one of `choices` and passing `validate` if given."""
        value = super().str(var, default, multiline)
        if choices is not NOTSET and value not in choices:
            expected = "one of " + ", ".join(repr(choice) for choice in choices)
            raise self.refusal(var, value, expected)
        if validate is not None and value is not None:
            try:
                validate(value)
            except ValueError as exc:
                raise self.refusal(var, value, str(exc)) from None
        return value

    def list(
        self,
        var,
        cast=None,
        default=NOTSET,
        *,
        validate: Validator | None = None,
    ):
        """
        Return var split on commas, each entry stripped of spaces.

        django-environ keeps the spaces, so "a, b" used to give " b", which
        then matched nothing. `validate` checks each entry.
        """
        values = super().list(var, cast=cast, default=default)
        for value in values if validate is not None else ():
            try:
                validate(value)
            except ValueError as exc:
                raise self.refusal(var, value, str(exc), entry=True) from None
        return values

    def db_url(
        self,
        var=environ.Env.DEFAULT_DATABASE_ENV,
        default=NOTSET,
        engine=None,
    ):
        """Return the DATABASES entry for var, a database URL."""
        url = self.get_value(var, cast=str, default=default)
        example = "such as postgres://user:password@host:5432/name"
        if url_scheme(url) not in self.DB_SCHEMES:
            schemes = ", ".join(sorted(self.DB_SCHEMES))
            raise self.refusal(
                var, url, f"a database URL {example}, with a scheme among {schemes}"
            )
        try:
            config = self.db_url_config(url, engine=engine)
        except ValueError:  # a port that is not a number from 0 to 65535
            raise self.refusal(
                var, url, f"a database URL {example}, with a numeric port"
            ) from None
        if not config.get("NAME"):
            raise self.refusal(
                var, url, f"a database URL {example}, with the name as its path"
            )
        return config

    def email_url(
        self,
        var=environ.Env.DEFAULT_EMAIL_ENV,
        default=NOTSET,
        backend=None,
    ):
        """Return the EMAIL_* settings for var, an email URL."""
        url = self.get_value(var, cast=str, default=default)
        example = "such as smtp+tls://user:password@mail.example.com:587"
        scheme = url_scheme(url)
        if backend is None and scheme not in self.EMAIL_SCHEMES:
            schemes = ", ".join(sorted(self.EMAIL_SCHEMES))
            raise self.refusal(
                var, url, f"an email URL {example}, with a scheme among {schemes}"
            )
        try:
            config = self.email_url_config(url, backend=backend)
        except ValueError:  # a port that is not a number from 0 to 65535
            raise self.refusal(
                var, url, f"an email URL {example}, with a numeric port"
            ) from None
        if scheme.startswith("smtp") and not config["EMAIL_HOST"]:
            raise self.refusal(var, url, f"an email URL {example}, with a host")
        # django-environ drops the URL's first slash: filemail:////var/mail
        # is /var/mail, and filemail:///var/mail a relative var/mail.
        file_path = str(config["EMAIL_FILE_PATH"] or "")
        if scheme == "filemail" and not file_path.startswith("/"):
            raise self.refusal(
                var, url, "an absolute directory, as in filemail:////var/mail"
            )
        return config

    def refusal(self, var, value, expected, *, entry=False) -> ImproperlyConfigured:
        """Return the error for var's value, without showing a secret."""
        if var in self.SECRETS:
            return ImproperlyConfigured(
                f"{var} is not valid (value hidden): expected {expected}."
            )
        note = ""
        if var in self.URLS_WITH_CREDENTIALS and hide_credentials(value) != value:
            value, note = hide_credentials(value), " (credentials hidden)"
        shown = f"{var} entry {value!r}" if entry else f"{var}={value!r}"
        return ImproperlyConfigured(f"{shown}{note} is not valid: expected {expected}.")

    def _check_range(self, var, value, min_value, max_value, kind):
        too_low = min_value is not None and value < min_value
        too_high = max_value is not None and value > max_value
        if not (too_low or too_high):
            return
        if min_value is not None and max_value is not None:
            expected = f"{kind} from {min_value} to {max_value}"
        elif min_value is not None:
            expected = f"{kind} of at least {min_value}"
        else:
            expected = f"{kind} of at most {max_value}"
        text = self.ENVIRON.get(f"{self.prefix}{var}", value)
        raise self.refusal(var, text, expected)


def parse_strictly(text, cast):
    """
    Cast text as django-environ would, but refuse what it would guess at.

    Raise ValueError saying what was expected.
    """
    if cast is bool:
        return parse_bool(text)
    if cast is int:
        return parse_int(text)
    if cast is float:
        return parse_float(text)
    if cast is list or isinstance(cast, list):
        items = [item.strip() for item in text.split(",") if item.strip()]
        if cast is list:
            return items
        return [parse_strictly(item, cast[0]) for item in items]
    try:
        return environ.Env.parse_value(text, cast)
    except (ValueError, TypeError, SyntaxError):
        name = getattr(cast, "__name__", repr(cast))
        raise ValueError(f"a value that {name} accepts") from None


def parse_bool(text: str) -> bool:
    word = text.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError("true or false (or 1/0, yes/no, on/off, in any case)")


def parse_int(text: str) -> int:
    if not _INTEGER.fullmatch(text.strip()):
        raise ValueError("an integer")
    return int(text)


def parse_float(text: str) -> float:
    if not _DECIMAL.fullmatch(text.strip()):
        raise ValueError("a number such as 1.5")
    return float(text)


def url_scheme(url: str) -> str:
    """Return the scheme before "://", or "" when there is none."""
    match = _SCHEME.match(url)
    return match[1].lower() if match else ""


def hide_credentials(url: str) -> str:
    """
    Return url with its user, password and query string replaced by ***.

    Everything up to the last "@" goes, so that a password with an unescaped
    "/" or "@" in it is hidden too.
    """
    match = _SCHEME.match(url)
    prefix = match[0] if match else ""
    rest = url[len(prefix) :]
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    path, question, _ = rest.partition("?")
    return prefix + path + ("?***" if question else "")
