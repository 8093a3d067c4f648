"""config.rates: LOGIN_RATE_LIMIT, parsed when the settings load."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.rates import login_rate_limits, parse_rate

DEFAULTS = {
    "ip": (20, 60),
    "username": (5, 900),
    "register": (10, 3600),
    "reset": (10, 3600),
    "reset_email": (3, 3600),
    "password_change": (5, 60),
    "reauthenticate": (5, 60),
    "verify_resend": (3, 3600),
    "email_change": (5, 3600),
    "mfa": (5, 300),
    "passkey_sign_in": (30, 60),
}


@pytest.mark.parametrize("text", ["", "  "])
def test_an_empty_value_keeps_every_default(text):
    assert login_rate_limits(text) == DEFAULTS


@pytest.mark.parametrize("text", ["off", "OFF", " Off "])
def test_off_turns_every_limit_off(text):
    assert login_rate_limits(text) is None


def test_a_bare_rate_sets_the_per_ip_sign_in_limit_only():
    """5/min is how DRF and every Django user write a rate."""
    assert login_rate_limits("5/min") == {**DEFAULTS, "ip": (5, 60)}


def test_named_rates_set_a_subset_and_the_rest_keep_their_defaults():
    rates = login_rate_limits("ip=100/30s, username=10/h,password_change=3/15min")

    assert rates == {
        **DEFAULTS,
        "ip": (100, 30),
        "username": (10, 3600),
        "password_change": (3, 900),
    }


@pytest.mark.parametrize(
    ("text", "rate"),
    [
        ("5/s", (5, 1)),
        ("5/sec", (5, 1)),
        ("5/second", (5, 1)),
        ("5/seconds", (5, 1)),
        ("5/m", (5, 60)),
        ("5/min", (5, 60)),
        ("5/minute", (5, 60)),
        ("5/mins", (5, 60)),
        ("5/h", (5, 3600)),
        ("5/hour", (5, 3600)),
        ("5/hours", (5, 3600)),
        ("5/d", (5, 86400)),
        ("5/day", (5, 86400)),
        ("5/days", (5, 86400)),
        ("5/15min", (5, 900)),
        ("5/2h", (5, 7200)),
        ("1000/DAY", (1000, 86400)),
        (" 5 / 15 min ", (5, 900)),
    ],
)
def test_a_rate_is_read_in_drf_and_project_spellings(text, rate):
    assert parse_rate(text) == rate


@pytest.mark.parametrize(
    ("text", "bad_part", "reason"),
    [
        ("5/fortnight", "5/fortnight", "unknown unit 'fortnight'"),
        ("ip=5/week", "ip=5/week", "unknown unit 'week'"),
        ("ip=0/min", "ip=0/min", "the count must be at least 1"),
        ("ip=-5/min", "ip=-5/min", "expected <count>/<period>"),
        ("ip=5/0min", "ip=5/0min", "the period must be at least 1 unit"),
        ("ip=5", "ip=5", "expected <count>/<period>"),
        ("ip=five/min", "ip=five/min", "expected <count>/<period>"),
        ("login=5/min", "login=5/min", "unknown scope 'login'"),
        ("ip=5/min,ip=6/min", "ip=6/min", "ip is set twice"),
        ("ip=5/min,10/h", "10/h", "expected name=rate"),
        ("off,ip=5/min", "off", "expected name=rate"),
        ("5/min,10/h", "5/min,10/h", "expected <count>/<period>"),
        ("yes", "yes", "expected <count>/<period>"),
    ],
)
def test_a_bad_value_is_refused_naming_the_variable_and_the_bad_part(
    text, bad_part, reason
):
    with pytest.raises(ImproperlyConfigured) as caught:
        login_rate_limits(text)

    message = str(caught.value)
    assert message.startswith(f"LOGIN_RATE_LIMIT={text!r} is not valid: ")
    assert f"{bad_part!r}: {reason}" in message
