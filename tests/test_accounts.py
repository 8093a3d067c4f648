"""Registration, password change and password reset."""

import re
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Session
from tests.conftest import PASSWORD
from tests.helpers import bearer

User = get_user_model()

REGISTER_URL = reverse("accounts:register")
CHANGE_URL = reverse("accounts:password-change")
RESET_URL = reverse("accounts:password-reset")
CONFIRM_URL = reverse("accounts:password-reset-confirm")
TOKEN_URL = reverse("accounts:token-obtain")
REFRESH_URL = reverse("accounts:token-refresh")
ME_URL = reverse("api:user-me")
NEW_PASSWORD = "Brand-new-passphrase-7"


def login(client, username="john", password=PASSWORD):
    return client.post(TOKEN_URL, {"username": username, "password": password})


# Registration
# ------------------------------------------------------------------------------


def test_register_creates_a_user_and_returns_it_without_password(api_client, db):
    response = api_client.post(
        REGISTER_URL,
        {"username": "alice", "email": "Alice@Example.COM", "password": PASSWORD},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "alice"
    assert "password" not in body
    user = User.objects.get(username="alice")
    assert user.check_password(PASSWORD)
    assert user.email == "Alice@example.com"
    assert not user.is_staff
    assert login(api_client, "alice").status_code == 200


def test_register_without_email_is_fine(api_client, db):
    response = api_client.post(REGISTER_URL, {"username": "bob", "password": PASSWORD})

    assert response.status_code == 201
    assert User.objects.get(username="bob").email == ""


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password123", "This password is too common."),
        ("12345678", "This password is entirely numeric."),
        ("short7!", "This password is too short."),
        ("alice-wonder", "The password is too similar to the username."),
    ],
)
def test_register_applies_djangos_password_validators(
    api_client, db, password, message
):
    response = api_client.post(
        REGISTER_URL, {"username": "alice-wonder", "password": password}
    )

    assert response.status_code == 400
    assert any(message in m for m in response.json()["password"])
    assert not User.objects.exists()


def test_usernames_are_unique_ignoring_case(api_client, user):
    response = api_client.post(REGISTER_URL, {"username": "JOHN", "password": PASSWORD})

    assert response.status_code == 400
    assert "username" in response.json()
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"password": PASSWORD},
        {"username": "", "password": PASSWORD},
        {"username": "has space", "password": PASSWORD},
        {"username": "x" * 151, "password": PASSWORD},
        {"username": ["alice"], "password": PASSWORD},
        {"username": "alice", "password": PASSWORD, "email": "nope"},
        {"username": "alice"},
    ],
)
def test_register_rejects_bad_input(api_client, db, body):
    assert api_client.post(REGISTER_URL, body, format="json").status_code == 400
    assert not User.objects.exists()


def test_register_accepts_unicode_usernames(api_client, db):
    response = api_client.post(
        REGISTER_URL, {"username": "zoë_日本", "password": PASSWORD}
    )

    assert response.status_code == 201
    assert login(api_client, "zoë_日本").status_code == 200


def test_register_cannot_create_staff(api_client, db):
    api_client.post(
        REGISTER_URL,
        {"username": "eve", "password": PASSWORD, "is_staff": True, "is_superuser": 1},
    )

    eve = User.objects.get(username="eve")
    assert not eve.is_staff
    assert not eve.is_superuser


def test_registration_can_be_closed(api_client, db, settings):
    settings.REGISTRATION_OPEN = False

    response = api_client.post(
        REGISTER_URL, {"username": "alice", "password": PASSWORD}
    )

    assert response.status_code == 404
    assert not User.objects.exists()


# Password change
# ------------------------------------------------------------------------------


def test_password_change_keeps_the_caller_signed_in_and_ends_other_sessions(
    api_client, user, tokens
):
    other_device = login(api_client).json()

    response = api_client.post(
        CHANGE_URL,
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        **bearer(tokens["access"]),
    )

    assert response.status_code == 200
    fresh = response.json()
    assert api_client.get(ME_URL, **bearer(fresh["access"])).status_code == 200
    assert (
        api_client.post(REFRESH_URL, {"refresh": fresh["refresh"]}).status_code == 200
    )
    for old in (tokens, other_device):
        assert api_client.get(ME_URL, **bearer(old["access"])).status_code == 401
        assert (
            api_client.post(REFRESH_URL, {"refresh": old["refresh"]}).status_code == 401
        )
    assert Session.objects.active().filter(user=user).count() == 1
    assert login(api_client).status_code == 401
    assert login(api_client, password=NEW_PASSWORD).status_code == 200


def test_password_change_with_a_wrong_old_password_is_a_400(auth_client, user):
    response = auth_client.post(
        CHANGE_URL, {"old_password": "wrong", "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert "old_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_validates_the_new_password(auth_client, user):
    response = auth_client.post(
        CHANGE_URL, {"old_password": PASSWORD, "new_password": "john"}
    )

    assert response.status_code == 400
    assert "new_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_needs_a_token(api_client, user):
    response = api_client.post(
        CHANGE_URL, {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 401
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# Password reset
# ------------------------------------------------------------------------------


def reset_link_params(message) -> dict:
    match = re.search(r"uid=([\w-]+)&token=([\w-]+)", message.body)
    return {"uid": match.group(1), "token": match.group(2)}


def test_password_reset_answers_the_same_for_known_and_unknown_emails(api_client, user):
    known = api_client.post(RESET_URL, {"email": "JOHN@example.com"})
    unknown = api_client.post(RESET_URL, {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["john@example.com"]
    assert "http://localhost:3000/reset-password?uid=" in mail.outbox[0].body


def test_password_reset_sends_nothing_for_inactive_users(api_client, user):
    user.is_active = False
    user.save()

    assert api_client.post(RESET_URL, {"email": user.email}).status_code == 202
    assert mail.outbox == []


def test_password_reset_survives_a_mail_server_that_is_down(api_client, user, caplog):
    with mock.patch("accounts.mail.send_mail", side_effect=ConnectionRefusedError):
        response = api_client.post(RESET_URL, {"email": user.email})

    unknown = api_client.post(RESET_URL, {"email": "nobody@example.com"})
    assert response.status_code == 202
    assert response.content == unknown.content
    events = [r for r in caplog.records if hasattr(r, "event")]
    assert [(r.levelname, r.event, r.user_id) for r in events] == [
        ("ERROR", "password_reset_mail_failed", user.pk)
    ]


def test_password_reset_with_a_bad_email_is_a_400(api_client, db):
    assert api_client.post(RESET_URL, {"email": "not-an-email"}).status_code == 400
    assert api_client.post(RESET_URL, {}).status_code == 400


def test_password_reset_link_sets_the_password_once_and_ends_all_sessions(
    api_client, user, tokens
):
    api_client.post(RESET_URL, {"email": user.email})
    params = reset_link_params(mail.outbox[0])

    response = api_client.post(CONFIRM_URL, {**params, "new_password": NEW_PASSWORD})

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not Session.objects.active().filter(user=user).exists()
    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 401
    again = api_client.post(CONFIRM_URL, {**params, "new_password": "Th1rd-password-x"})
    assert again.status_code == 400
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_confirm_validates_the_new_password(api_client, user):
    api_client.post(RESET_URL, {"email": user.email})
    params = reset_link_params(mail.outbox[0])

    response = api_client.post(CONFIRM_URL, {**params, "new_password": "12345678"})

    assert response.status_code == 400
    assert "new_password" in response.json()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "params",
    [
        {"uid": "MQ", "token": "bad-token"},
        {"uid": "!!!", "token": "x"},
        {"uid": "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "token": "x"},
        {"uid": "", "token": ""},
    ],
)
def test_password_reset_confirm_refuses_bad_links(api_client, user, params):
    response = api_client.post(CONFIRM_URL, {**params, "new_password": NEW_PASSWORD})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
