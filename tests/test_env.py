"""config.env: the strict environment reader and its validators."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import validators as checks
from config.env import StrictEnv, hide_credentials


def reader(**environ: str) -> StrictEnv:
    """A StrictEnv that reads `environ` instead of the process's environment."""
    env = StrictEnv()
    env.ENVIRON = environ
    return env


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("True", True),
        ("YES", True),
        ("on", True),
        ("1", True),
        (" true ", True),
        ("false", False),
        ("No", False),
        ("OFF", False),
        ("0", False),
    ],
)
def test_a_boolean_accepts_the_usual_spellings_in_any_case(text, expected):
    assert reader(FLAG=text).bool("FLAG", default=not expected) is expected


@pytest.mark.parametrize("text", ["yes please", "", "2", "enabled", "y", "ok"])
def test_a_boolean_refuses_any_other_word(text):
    """django-environ read "yes please" as False, and "y" and "ok" as True."""
    with pytest.raises(ImproperlyConfigured) as caught:
        reader(DJANGO_DEBUG=text).bool("DJANGO_DEBUG", default=False)

    message = str(caught.value)
    assert message.startswith(f"DJANGO_DEBUG={text!r} is not valid")
    assert "expected true or false" in message


@pytest.mark.parametrize("text", ["abc", "", "1.5", "60s", "1_000", "٣"])
def test_an_integer_refuses_anything_but_digits(text):
    with pytest.raises(ImproperlyConfigured, match=r"DJANGO_CONN_MAX_AGE=.*integer"):
        reader(DJANGO_CONN_MAX_AGE=text).int("DJANGO_CONN_MAX_AGE", default=60)


def test_an_integer_below_its_minimum_is_refused_with_the_range():
    with pytest.raises(ImproperlyConfigured) as caught:
        reader(AGE="-1").int("AGE", default=60, min_value=0)

    assert str(caught.value) == (
        "AGE='-1' is not valid: expected an integer of at least 0."
    )


def test_an_integer_within_its_range_is_read():
    assert reader(AGE=" 0 ").int("AGE", default=60, min_value=0) == 0


@pytest.mark.parametrize("text", ["2 seconds", "1,5", "nan", "inf", "", "."])
def test_a_number_refuses_what_django_environ_would_have_guessed_at(text):
    """django-environ kept only the digits: "2 seconds" was 2.0, "1,5" was 1.5."""
    with pytest.raises(ImproperlyConfigured, match=r"GRACE=.*a number"):
        reader(GRACE=text).float("GRACE", default=2)


def test_a_number_outside_its_range_is_refused_with_the_range():
    with pytest.raises(ImproperlyConfigured, match="expected a number from 0 to 2"):
        reader(GRACE="2.5").float("GRACE", default=2, min_value=0, max_value=2)


def test_a_number_is_read():
    assert reader(GRACE="-0.5").float("GRACE", default=2) == -0.5


def test_a_text_outside_its_choices_is_refused_with_the_choices():
    """django-environ's own message did not name the variable."""
    with pytest.raises(ImproperlyConfigured) as caught:
        reader(LOG_FORMAT="xml").str("LOG_FORMAT", choices=("json", "plain"))

    assert str(caught.value) == (
        "LOG_FORMAT='xml' is not valid: expected one of 'json', 'plain'."
    )


def test_a_text_among_its_choices_is_read():
    env = reader(LOG_FORMAT="plain")

    assert env.str("LOG_FORMAT", choices=("json", "plain")) == "plain"


def test_a_list_drops_the_spaces_around_each_entry():
    """django-environ kept them: "a, b" gave " b", which matched nothing."""
    assert reader(HOSTS=" a.example, b.example ,,").list("HOSTS") == [
        "a.example",
        "b.example",
    ]


def test_a_list_entry_that_fails_its_check_is_named():
    env = reader(DJANGO_ALLOWED_HOSTS="api.example.com,https://www.example.com")

    with pytest.raises(ImproperlyConfigured) as caught:
        env.list("DJANGO_ALLOWED_HOSTS", validate=checks.host)

    assert str(caught.value).startswith(
        "DJANGO_ALLOWED_HOSTS entry 'https://www.example.com' is not valid: "
        "expected a host name"
    )


def test_an_unset_variable_gives_its_default_unchecked_by_the_cast():
    assert reader().int("AGE", default=None) is None


def test_an_unset_variable_without_a_default_is_named():
    with pytest.raises(
        ImproperlyConfigured, match=r"^Set the AGE environment variable"
    ):
        reader().int("AGE")


def test_a_value_that_starts_with_a_dollar_is_taken_literally():
    """django-environ looked up the variable named by the rest of the value."""
    env = reader(DJANGO_SECRET_KEY="$HOME-is-not-a-reference", HOME="/root")

    assert env.str("DJANGO_SECRET_KEY") == "$HOME-is-not-a-reference"


def test_a_secret_is_never_shown_when_refused():
    env = reader(DJANGO_SECRET_KEY="hunter2-hunter2")

    with pytest.raises(ImproperlyConfigured) as caught:
        env.int("DJANGO_SECRET_KEY")

    assert "DJANGO_SECRET_KEY is not valid (value hidden)" in str(caught.value)
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgres://app:hunter2@db.example.com:five/app",
        "postgres://app:hunter2/x@db.example.com/app",
        "mongodb://app:hunter2@db.example.com/app",
    ],
)
def test_a_refused_database_url_hides_its_credentials(url):
    with pytest.raises(ImproperlyConfigured) as caught:
        reader(DATABASE_URL=url).db_url("DATABASE_URL")

    message = str(caught.value)
    assert message.startswith("DATABASE_URL='")
    assert "(credentials hidden)" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysqlx://db.example.com/app", "with a scheme among"),
        ("db.example.com/app", "with a scheme among"),
        ("postgres://db.example.com:99999/app", "with a numeric port"),
        ("postgres://db.example.com", "with the name as its path"),
    ],
)
def test_a_database_url_is_refused_saying_what_was_expected(url, expected):
    with pytest.raises(ImproperlyConfigured, match=expected) as caught:
        reader(DATABASE_URL=url).db_url("DATABASE_URL")

    assert str(caught.value).startswith(f"DATABASE_URL={url!r} is not valid")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("postgres://app:pw@db.example.com:5432/app", "app"),
        ("postgres:///app", "app"),
        ("sqlite:////srv/app/db.sqlite3", "/srv/app/db.sqlite3"),
        ("sqlite://:memory:", ":memory:"),
    ],
)
def test_a_database_url_is_read(url, name):
    assert reader(DATABASE_URL=url).db_url("DATABASE_URL")["NAME"] == name


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("gmail://me:hunter2@smtp.example.com", "with a scheme among"),
        ("smtp+tls://me:hunter2@smtp.example.com:tls", "with a numeric port"),
        ("smtp://me:hunter2@:587", "with a host"),
        ("filemail://", "an absolute directory"),
    ],
)
def test_a_bad_email_url_is_refused_without_its_password(url, expected):
    with pytest.raises(ImproperlyConfigured, match=expected) as caught:
        reader(EMAIL_URL=url).email_url("EMAIL_URL")

    assert str(caught.value).startswith("EMAIL_URL=")
    assert "hunter2" not in str(caught.value)


def test_an_email_url_is_read():
    config = reader(EMAIL_URL="smtp+tls://me:pw@smtp.example.com:587").email_url(
        "EMAIL_URL"
    )

    assert config["EMAIL_HOST"] == "smtp.example.com"
    assert config["EMAIL_PORT"] == 587
    assert config["EMAIL_USE_TLS"] is True


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:pw@cache:6379/0", "redis://***@cache:6379/0"),
        ("postgres://u:p@ss/w@rd@db/app", "postgres://***@db/app"),
        ("redis://cache/0?password=pw", "redis://cache/0?***"),
        ("user:pw@host", "***@host"),
        ("redis://cache:6379/0", "redis://cache:6379/0"),
    ],
)
def test_hiding_credentials_keeps_only_the_host_and_path(url, shown):
    assert hide_credentials(url) == shown


@pytest.mark.parametrize(
    "value",
    [
        "",
        "redis://cache.example.com",
        "rediss://:pw@cache.example.com:6380/1",
        "unix:///run/redis.sock",
        "redis://a.example.com:6379,redis://b.example.com:6379",
    ],
)
def test_a_redis_url_is_accepted(value):
    checks.redis_url(value)


@pytest.mark.parametrize(
    "value",
    [
        "localhost:6379",
        "http://cache.example.com",
        "redis://",
        "redis://cache.example.com:port",
        "redis://cache.example.com/zero",
        "unix://",
    ],
)
def test_a_malformed_redis_url_is_refused(value):
    with pytest.raises(ValueError, match="redis://"):
        checks.redis_url(value)


@pytest.mark.parametrize(
    "value",
    ["http://localhost:3000", "https://app.example.com", "http://[::1]:3000"],
)
def test_an_origin_is_accepted(value):
    checks.origin(value)


@pytest.mark.parametrize(
    "value",
    [
        "localhost:3000",
        "http://localhost:3000/",
        "https://app.example.com/login",
        "https://app.example.com?x",
        "ftp://app.example.com",
        "https://user@app.example.com",
        "https://*.example.com",
        "https://",
        "https://app.example.com:https",
    ],
)
def test_anything_but_an_origin_is_refused(value):
    with pytest.raises(ValueError, match="an origin"):
        checks.origin(value)


def test_a_trusted_origin_may_have_a_subdomain_wildcard_as_django_allows():
    checks.trusted_origin("https://*.example.com")

    with pytest.raises(ValueError, match="an origin"):
        checks.trusted_origin("*.example.com")


@pytest.mark.parametrize(
    "value", ["https://app.example.com/", "http://localhost:3000/app"]
)
def test_an_absolute_http_url_is_accepted(value):
    checks.http_url(value)


@pytest.mark.parametrize(
    "value", ["localhost:3000", "/reset", "mailto:me@example.com", "https:///x"]
)
def test_anything_but_an_absolute_http_url_is_refused(value):
    with pytest.raises(ValueError, match="an absolute http"):
        checks.http_url(value)


@pytest.mark.parametrize(
    "value", ["api.example.com", ".example.com", "*", "127.0.0.1", "[::1]"]
)
def test_a_host_pattern_is_accepted(value):
    checks.host(value)


@pytest.mark.parametrize(
    "value", ["https://api.example.com", "api.example.com:8000", "example.com/api"]
)
def test_a_url_or_port_in_allowed_hosts_is_refused(value):
    with pytest.raises(ValueError, match="a host name"):
        checks.host(value)


@pytest.mark.parametrize(
    "value", ["noreply@localhost", "Auth API <noreply@example.com>"]
)
def test_a_sender_address_is_accepted(value):
    checks.email_address(value)


@pytest.mark.parametrize("value", ["noreply", "Auth API", "<>", "a@b@c"])
def test_anything_but_a_sender_address_is_refused(value):
    with pytest.raises(ValueError, match="an email address"):
        checks.email_address(value)


def test_a_reset_path_with_uid_and_token_is_accepted():
    checks.reset_path("/account/reset/{uid}/{token}/")


@pytest.mark.parametrize(
    "value",
    [
        "/reset-password?uid={uid}",
        "reset-password?uid={uid}&token={token}",
        "/reset?uid={uid}&token={token}&next={next}",
        "/reset?uid={uid}&token={token",
        "/reset?uid={uid}&token={token}&x={0}",
    ],
)
def test_a_reset_path_that_str_format_would_fail_on_is_refused(value):
    """The first reset email would have raised KeyError or IndexError."""
    with pytest.raises(ValueError, match=r"contains \{uid\} and \{token\}"):
        checks.reset_path(value)
