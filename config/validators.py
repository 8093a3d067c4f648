"""
The checks settings.py runs on values a type cannot vouch for: that a URL is
absolute, that an origin has no path, that a relying-party id is a domain.
Each raises ValueError saying what it expected; StrictEnv (config/env.py)
turns that into a startup error naming the variable.
"""

import re
import string
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# What Django's ALLOWED_HOSTS matches: a host name or IP address, "*", or a
# leading dot for a domain and its subdomains. Never a scheme, port or path.
_HOST_PATTERN = re.compile(r"\*|\.?[a-z0-9_.-]+|\[[a-f0-9]*:[a-f0-9.:]+\]", re.I)


def http_url(value: str) -> None:
    """Accept an absolute http(s) URL: links in emails are built on it."""
    expected = "an absolute http:// or https:// URL, such as https://app.example.com"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError when it is not a number
    except ValueError:
        raise ValueError(expected) from None
    if parts.scheme not in ("http", "https") or not is_host_name(parts.hostname):
        raise ValueError(expected)


def issuer_url(value: str) -> None:
    """
    Accept a token issuer: an http(s) URL with no query, fragment or
    trailing "/", since discovery documents live at its path plus
    "/.well-known/…" (RFC 8414 section 3).
    """
    expected = (
        "an http:// or https:// URL with no query, fragment or trailing /, "
        "such as https://api.example.com"
    )
    try:
        http_url(value)
    except ValueError:
        raise ValueError(expected) from None
    if value.endswith("/") or "?" in value or "#" in value:
        raise ValueError(expected)


def audience(value: str) -> None:
    """Accept one audience name: a word or URL, with no space or comma."""
    if not value or re.search(r"[\s,]", value):
        raise ValueError("one audience, such as api or https://api.example.com")


def is_host_name(name: str | None) -> bool:
    """Tell whether name, as urlsplit gives a URL's host, is a host name or IP."""
    if not name or name.startswith(("*", ".")):
        return False
    return bool(_HOST_PATTERN.fullmatch(f"[{name}]" if ":" in name else name))


def origin(value: str, *, wildcard: bool = False) -> None:
    """Accept scheme://host[:port], the form a browser's Origin header has."""
    expected = (
        "an origin such as https://app.example.com: scheme, host and optional "
        "port, with no path (not even a trailing /)"
    )
    candidate = value.replace("://*.", "://", 1) if wildcard else value
    try:
        http_url(candidate)
        parts = urlsplit(candidate)
    except ValueError:
        raise ValueError(expected) from None
    if parts.path or "?" in value or "#" in value or parts.username is not None:
        raise ValueError(expected)


def trusted_origin(value: str) -> None:
    """Accept an origin, or one with a "*." subdomain wildcard as Django allows."""
    try:
        origin(value, wildcard=True)
    except ValueError:
        raise ValueError(
            "an origin such as https://admin.example.com or https://*.example.com,"
            " with no path"
        ) from None


def host(value: str) -> None:
    """Accept what ALLOWED_HOSTS matches; a URL there would match nothing."""
    if not _HOST_PATTERN.fullmatch(value):
        raise ValueError(
            "a host name such as api.example.com, .example.com or *, "
            "with no scheme, port or path"
        )


def redis_url(value: str) -> None:
    """
    Accept redis://, rediss:// or unix:// URLs, comma-separated as Django allows.

    Empty is accepted too: no Redis, the local-memory cache.
    """
    expected = (
        "redis://[:password@]host[:port][/db], rediss://… or unix:///path/to.sock"
    )
    for url in filter(None, re.split("[;,]", value)):
        try:
            parts = urlsplit(url.strip())
            parts.port  # noqa: B018 - raises ValueError when it is not a number
        except ValueError:
            raise ValueError(expected) from None
        if parts.scheme in ("redis", "rediss"):
            database = parts.path.removeprefix("/")
            if not parts.hostname or not (database == "" or database.isdigit()):
                raise ValueError(expected)
        elif parts.scheme != "unix" or not parts.path:
            raise ValueError(expected)


def email_address(value: str) -> None:
    """Accept an address, with or without a display name: Name <a@example.com>."""
    _, address = parseaddr(value)
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError(
            "an email address such as noreply@example.com "
            "or Auth API <noreply@example.com>"
        ) from None


def reset_path(value: str) -> None:
    """
    Accept a path that has the fields {uid} and {token} and no other.

    Any other field would fail str.format when the first reset email is sent.
    """
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name}
    except ValueError:
        fields = None
    if not value.startswith("/") or fields != {"uid", "token"}:
        raise ValueError(
            "a path starting with / that contains {uid} and {token} and no "
            "other {…} field, such as /reset-password?uid={uid}&token={token}"
        )


def display_name(value: str) -> None:
    """A name shown to users: an authenticator app's issuer, a site's name."""
    if not value.strip() or ":" in value or len(value) > 64:
        raise ValueError("a name of 1 to 64 characters without ':'")


def webauthn_rp_id(value: str) -> None:
    """A WebAuthn relying-party id: a domain name (never an IP address)."""
    if not is_host_name(value) or value.replace(".", "").isdigit() or ":" in value:
        raise ValueError(
            "a domain name such as example.com or localhost (an IP address "
            "cannot be a WebAuthn relying-party id)"
        )


def key_path(value: str) -> None:
    """Accept a path that has the one field {key}, for an emailed link."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(value) if name}
    except ValueError:
        fields = None
    if not value.startswith("/") or fields != {"key"}:
        raise ValueError(
            "a path starting with / that contains {key} and no other {…} "
            "field, such as /verify-email?key={key}"
        )
