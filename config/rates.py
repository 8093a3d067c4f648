"""
Parse LOGIN_RATE_LIMIT once, when the settings load.

Parsed per request, a rate written wrong made every sign-in a 500; parsed
here, it stops the process at startup with a message that names it.
"""

import re

from django.core.exceptions import ImproperlyConfigured

# (count, period in seconds): at most `count` events per `period`.
Rate = tuple[int, int]

DEFAULT_LOGIN_RATES = {
    # Sign-in attempts from one IP address, successful or not.
    "ip": "20/min",
    # Failed sign-ins for one username, from anywhere.
    "username": "5/15min",
    # Accounts created from one IP address.
    "register": "10/h",
    # Reset emails requested from one IP address, and for one email address.
    "reset": "10/h",
    "reset_email": "3/h",
    # Password changes (right or wrong old password) by one user.
    "password_change": "5/min",
    # Re-authentications (right or wrong password) by one user.
    "reauthenticate": "5/min",
    # Verification mails one user asks to be sent again.
    "verify_resend": "3/h",
    # Changes of address one user asks for (each mails the new address).
    "email_change": "5/h",
    # Wrong second-factor codes (TOTP, recovery code, passkey) for one user;
    # they also count toward the username's limit above.
    "mfa": "5/5min",
    # Passkey sign-in challenges asked for and answered from one IP address.
    "passkey_sign_in": "30/min",
}

# DRF's spellings (it reads only the first letter: s, m, h, d), their
# plurals, and the project's "min".
UNITS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
}

_RATE = re.compile(r"([0-9]+)\s*/\s*([0-9]*)\s*([a-z]+)")


def parse_rate(text: str) -> Rate:
    """
    Parse "<count>/<period>": "5/min", "100/day", or "5/15min" for 5 per 15 min.

    Raise ValueError saying what is wrong.
    """
    match = _RATE.fullmatch(text.strip().lower())
    if not match:
        raise ValueError("expected <count>/<period>, such as 5/min or 5/15min")
    count, multiple, unit = match.groups()
    if unit not in UNITS:
        raise ValueError(
            f"unknown unit {unit!r}; expected s, sec, m, min, h, hour, d or day "
            "(or their plurals), after an optional multiple as in 15min"
        )
    if int(count) < 1:
        raise ValueError("the count must be at least 1")
    if multiple and int(multiple) < 1:
        raise ValueError("the period must be at least 1 unit long")
    return int(count), int(multiple or 1) * UNITS[unit]


def parse_rate_limits(text: str) -> dict[str, Rate] | None:
    """
    Return every scope's rate, or None when text is "off".

    Empty keeps the defaults; "name=rate,name=rate" sets any subset; a bare
    rate such as "5/min" (how DRF writes one) sets the per-IP sign-in limit.
    Raise ValueError naming the part that is wrong.
    """
    value = text.strip()
    if value.lower() == "off":
        return None
    rates = {name: parse_rate(rate) for name, rate in DEFAULT_LOGIN_RATES.items()}
    if value and "=" not in value:
        rates["ip"] = _parse_part(value, value)
        return rates
    seen = set()
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, equals, rate = (s.strip() for s in part.partition("="))
        if not equals:
            raise ValueError(f"{part!r}: expected name=rate, such as ip=20/min")
        if name not in DEFAULT_LOGIN_RATES:
            scopes = ", ".join(DEFAULT_LOGIN_RATES)
            raise ValueError(f"{part!r}: unknown scope {name!r}; expected {scopes}")
        if name in seen:
            raise ValueError(f"{part!r}: {name} is set twice")
        seen.add(name)
        rates[name] = _parse_part(part, rate)
    return rates


def _parse_part(part: str, rate: str) -> Rate:
    try:
        return parse_rate(rate)
    except ValueError as exc:
        raise ValueError(f"{part!r}: {exc}") from None


def login_rate_limits(text: str) -> dict[str, Rate] | None:
    """Return LOGIN_RATE_LIMITS for LOGIN_RATE_LIMIT, refusing a bad one."""
    try:
        return parse_rate_limits(text)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"LOGIN_RATE_LIMIT={text!r} is not valid: {exc}."
        ) from None
