"""Auth events in the logs: one record per line, never a password."""

import json
import logging

import pytest
from django.urls import reverse

from config.logging import JsonLineFormatter, PlainFormatter
from tests.conftest import PASSWORD

TOKEN_URL = reverse("accounts:token-obtain")


@pytest.fixture
def auth_log(settings):
    """Capture the accounts.auth logger through one of the real formatters."""
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("accounts.auth")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def lines_of(records, formatter) -> list[str]:
    return "\n".join(formatter.format(record) for record in records).split("\n")


FORGED = "x\n2026-12-02 10:00:00 INFO accounts.auth login_succeeded user_id=1"


def test_a_username_with_a_newline_cannot_forge_a_json_record(
    api_client, user, auth_log
):
    api_client.post(TOKEN_URL, {"username": FORGED, "password": "wrong"})

    lines = lines_of(auth_log, JsonLineFormatter())

    events = [json.loads(line)["event"] for line in lines]
    assert events == ["login_failed"]


def test_a_username_with_a_newline_cannot_forge_a_plain_line(
    api_client, user, auth_log
):
    api_client.post(TOKEN_URL, {"username": FORGED, "password": "wrong"})

    lines = lines_of(auth_log, PlainFormatter())

    assert len(lines) == 1
    assert "login_succeeded" not in lines[0]


def test_a_password_typed_as_the_username_is_never_logged(api_client, user, auth_log):
    api_client.post(TOKEN_URL, {"username": PASSWORD, "password": "x"})

    text = "\n".join(lines_of(auth_log, JsonLineFormatter()))

    assert PASSWORD not in text
    record = json.loads(text)
    assert record["event"] == "login_failed"
    assert len(record["username_digest"]) == 16


def test_failures_for_one_name_share_a_digest_whatever_the_case(
    api_client, user, auth_log
):
    for typed in ("john", "JOHN"):
        api_client.post(TOKEN_URL, {"username": typed, "password": "wrong"})

    digests = {record.username_digest for record in auth_log}

    assert len(digests) == 1


def test_a_successful_sign_in_is_logged_with_ids_only(api_client, user, auth_log):
    api_client.post(TOKEN_URL, {"username": "john", "password": PASSWORD})

    record = json.loads(JsonLineFormatter().format(auth_log[-1]))

    assert record["event"] == "login_succeeded"
    assert record["user_id"] == user.pk
    assert record["ip"] == "127.0.0.1"
    assert PASSWORD not in json.dumps(record)


def test_plain_lines_escape_control_characters_in_messages_and_values():
    record = logging.LogRecord("x", logging.INFO, "", 0, "a\nb", (), None)
    record.value = "c\rd\x1b[31m"

    line = PlainFormatter().format(record)

    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert "a\\nb" in line and "value=c\\rd\\x1b[31m" in line


def test_production_settings_log_json_lines():
    """Tests run with DJANGO_DEBUG off, as production does."""
    from django.conf import settings

    assert not settings.DEBUG
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
