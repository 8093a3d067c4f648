"""Email verification and the confirmed change of address."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.email_addresses import CHANGE_SALT, VERIFY_SALT
from accounts.models import Session, VerifiedEmail
from accounts.sessions import session_open
from config.rates import login_rate_limits
from tests.conftest import PASSWORD
from tests.helpers import bearer

User = get_user_model()

REGISTER_URL = reverse("accounts:register")
VERIFY_URL = reverse("accounts:email-verify")
RESEND_URL = reverse("accounts:email-verify-resend")
CHANGE_URL = reverse("accounts:email-change")
CONFIRM_URL = reverse("accounts:email-change-confirm")
REAUTH_URL = reverse("accounts:reauthenticate")
ME_URL = reverse("api:user-me")
TOKEN_URL = reverse("accounts:token-obtain")
RESET_URL = reverse("accounts:password-reset")
INVALID = {"key": ["This link is invalid, has expired or has already been used."]}


def key_in(message) -> str:
    return re.search(r"key=([^\s&]+)", message.body).group(1)


def register(api_client, email="ann@example.com", username="ann"):
    return api_client.post(
        REGISTER_URL, {"username": username, "password": PASSWORD, "email": email}
    )


# Verification
# ------------------------------------------------------------------------------


def test_registration_mails_a_verification_link(api_client, db, settings):
    settings.FRONTEND_URL = "https://app.example.com"

    response = register(api_client)

    assert response.status_code == 201
    assert response.json()["email_verified"] is False
    (message,) = mail.outbox
    assert message.to == ["ann@example.com"]
    assert "https://app.example.com/verify-email?key=" in message.body


def test_registration_without_an_email_mails_nothing(api_client, db):
    api_client.post(REGISTER_URL, {"username": "ann", "password": PASSWORD})

    assert mail.outbox == []


def test_the_link_verifies_the_address_once(api_client, db):
    register(api_client)
    key = key_in(mail.outbox[0])

    first = api_client.post(VERIFY_URL, {"key": key})
    again = api_client.post(VERIFY_URL, {"key": key})

    assert first.status_code == 204
    assert again.status_code == 400
    assert again.json() == INVALID
    user = User.objects.get(username="ann")
    assert VerifiedEmail.objects.get(user=user).address == "ann@example.com"
    tokens = session_open(user=user)
    me = api_client.get(ME_URL, **bearer(tokens["access"]))
    assert me.json()["email_verified"] is True


@pytest.mark.parametrize(
    "key",
    [
        "garbage",
        "",
        "x" * 1025,
        signing.dumps({"u": 1, "e": "ann@example.com"}, salt="another.salt"),
        signing.dumps({"u": 1, "e": "ann@example.com"}, salt=VERIFY_SALT, key="k"),
        signing.dumps(["not", "a", "dict"], salt=VERIFY_SALT),
        signing.dumps({"u": "1 OR 1=1", "e": "x"}, salt=VERIFY_SALT),
    ],
)
def test_a_forged_key_is_a_400(api_client, db, key):
    register(api_client)

    response = api_client.post(VERIFY_URL, {"key": key})

    assert response.status_code == 400
    assert "key" in response.json()
    assert not VerifiedEmail.objects.exists()


def test_an_expired_key_is_a_400(api_client, db, settings):
    register(api_client)
    key = key_in(mail.outbox[0])
    settings.EMAIL_KEY_LIFETIME_SECONDS = 60
    signer_time = timezone.now() + timedelta(seconds=61)

    from unittest import mock

    with mock.patch("time.time", return_value=signer_time.timestamp()):
        response = api_client.post(VERIFY_URL, {"key": key})

    assert response.status_code == 400
    assert response.json() == INVALID


def test_a_key_for_an_address_the_user_no_longer_has_is_a_400(api_client, db):
    register(api_client)
    key = key_in(mail.outbox[0])
    User.objects.filter(username="ann").update(email="other@example.com")

    response = api_client.post(VERIFY_URL, {"key": key})

    assert response.status_code == 400


def test_resend_mails_again_and_is_limited_to_3_an_hour(api_client, db):
    register(api_client)
    access = api_client.post(
        TOKEN_URL, {"username": "ann", "password": PASSWORD}
    ).json()["access"]

    answers = [api_client.post(RESEND_URL, **bearer(access)) for _ in range(4)]

    assert [a.status_code for a in answers] == [202, 202, 202, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert len(mail.outbox) == 4  # the registration's and three resends


def test_resend_needs_a_token(api_client, db):
    assert api_client.post(RESEND_URL).status_code == 401


def test_resend_for_a_verified_address_mails_nothing(auth_client, user):
    VerifiedEmail.objects.create(user=user, address=user.email)

    response = auth_client.post(RESEND_URL)

    assert response.status_code == 202
    assert mail.outbox == []


# REQUIRE_VERIFIED_EMAIL
# ------------------------------------------------------------------------------


@pytest.fixture
def required(settings):
    settings.REQUIRE_VERIFIED_EMAIL = True


@pytest.mark.parametrize("door", ["api", "token"])
def test_required_verification_refuses_an_unverified_sign_in(
    api_client, user, required, door
):
    if door == "api":
        response = api_client.post(
            TOKEN_URL, {"username": "john", "password": PASSWORD}
        )
    else:
        response = api_client.post(
            "/token",
            f"username=john&password={PASSWORD}",
            content_type="application/x-www-form-urlencoded",
        )

    assert response.status_code == 403
    assert response.json()["code"] == "email_unverified"
    assert not Session.objects.filter(user=user).exists()
    assert [m.to for m in mail.outbox] == [["john@example.com"]]


def test_a_refused_sign_in_mails_the_link_at_most_once_an_hour(
    api_client, user, required
):
    for _ in range(3):
        api_client.post(TOKEN_URL, {"username": "john", "password": PASSWORD})

    assert len(mail.outbox) == 1


def test_a_verified_address_signs_in_when_required(api_client, user, required):
    VerifiedEmail.objects.create(user=user, address="JOHN@example.com")

    response = api_client.post(TOKEN_URL, {"username": "john", "password": PASSWORD})

    assert response.status_code == 200


def test_a_wrong_password_is_still_a_plain_401_when_required(
    api_client, user, required
):
    response = api_client.post(TOKEN_URL, {"username": "john", "password": "nope"})

    assert response.status_code == 401
    assert mail.outbox == []


def test_registration_requires_an_email_when_verification_is_required(
    api_client, db, required
):
    response = api_client.post(REGISTER_URL, {"username": "ann", "password": PASSWORD})

    assert response.status_code == 400
    assert "email" in response.json()


def test_password_reset_mails_only_verified_addresses_when_required(
    api_client, user, other_user, required
):
    VerifiedEmail.objects.create(user=other_user, address=other_user.email)

    api_client.post(RESET_URL, {"email": user.email})
    api_client.post(RESET_URL, {"email": other_user.email})

    assert [m.to for m in mail.outbox] == [[other_user.email]]


# Change of address
# ------------------------------------------------------------------------------


def request_change(client, new_email="new@example.com"):
    return client.post(CHANGE_URL, {"new_email": new_email})


def test_a_change_mails_a_link_to_the_new_address_only(auth_client, user):
    response = request_change(auth_client)

    assert response.status_code == 202
    (message,) = mail.outbox
    assert message.to == ["new@example.com"]
    assert "/confirm-email-change?key=" in message.body
    user.refresh_from_db()
    assert user.email == "john@example.com"


def test_confirming_moves_the_account_and_tells_the_old_address(
    api_client, auth_client, user
):
    other_device = session_open(user=user)
    request_change(auth_client)
    key = key_in(mail.outbox[0])

    response = api_client.post(CONFIRM_URL, {"key": key})

    assert response.status_code == 204
    user.refresh_from_db()
    assert user.email == "new@example.com"
    notice = mail.outbox[1]
    assert notice.to == ["john@example.com"]
    assert "n***@example.com" in notice.body
    assert "new@example.com" not in notice.body
    assert "reset your password" in notice.body
    # Every session ends but the one that asked for the change.
    assert auth_client.get(ME_URL).json()["email_verified"] is True
    other = APIClient().get(ME_URL, **bearer(other_device["access"]))
    assert other.status_code == 401
    assert api_client.post(CONFIRM_URL, {"key": key}).status_code == 400


def test_an_address_another_account_proved_gets_the_same_202_and_no_mail(
    auth_client, user, other_user
):
    VerifiedEmail.objects.create(user=other_user, address=other_user.email)

    response = request_change(auth_client, new_email="MALLORY@example.com")

    assert response.status_code == 202
    assert response.json() == request_change(auth_client, "free@example.com").json()
    assert [m.to for m in mail.outbox] == [["free@example.com"]]


def test_a_change_needs_a_fresh_session(auth_client, user, settings):
    Session.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(seconds=settings.REAUTH_SECONDS + 1)
    )

    refused = request_change(auth_client)
    auth_client.post(REAUTH_URL, {"password": PASSWORD})
    accepted = request_change(auth_client)

    assert refused.status_code == 403
    assert refused.json()["code"] == "reauthentication_required"
    assert accepted.status_code == 202
    assert len(mail.outbox) == 1


def test_an_address_taken_after_the_request_cannot_be_confirmed(
    api_client, auth_client, user, other_user
):
    request_change(auth_client)
    key = key_in(mail.outbox[0])
    User.objects.filter(pk=other_user.pk).update(email="new@example.com")
    VerifiedEmail.objects.create(user=other_user, address="new@example.com")

    response = api_client.post(CONFIRM_URL, {"key": key})

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.email == "john@example.com"


def test_a_change_key_cannot_verify_and_a_verify_key_cannot_change(
    api_client, auth_client, user
):
    request_change(auth_client)
    change_key = key_in(mail.outbox[0])
    verify_key = signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)
    forged = signing.dumps(
        {"u": user.pk, "o": user.email, "n": "evil@example.com", "s": ""},
        salt=CHANGE_SALT + "x",
    )

    assert api_client.post(VERIFY_URL, {"key": change_key}).status_code == 400
    assert api_client.post(CONFIRM_URL, {"key": verify_key}).status_code == 400
    assert api_client.post(CONFIRM_URL, {"key": forged}).status_code == 400


@pytest.mark.parametrize("body", [{}, {"new_email": "not-an-email"}, {"new_email": 5}])
def test_a_change_with_a_bad_address_is_a_400(auth_client, user, body):
    assert auth_client.post(CHANGE_URL, body).status_code == 400
    assert mail.outbox == []


def test_a_change_needs_a_token(api_client, user):
    assert request_change(api_client).status_code == 401


def test_the_deletion_notice_goes_to_a_verified_address(auth_client, user):
    VerifiedEmail.objects.create(user=user, address=user.email)

    auth_client.delete(ME_URL)

    assert [m.to for m in mail.outbox] == [["john@example.com"]]
    assert "deleted" in mail.outbox[0].subject


def test_no_deletion_notice_goes_to_an_unverified_address(auth_client, user):
    auth_client.delete(ME_URL)

    assert mail.outbox == []


def test_a_change_link_works_once_even_when_the_account_comes_back(
    api_client, auth_client, user
):
    """john@ → new@ → john@: the first link must not move the account again."""
    request_change(auth_client)
    first_key = key_in(mail.outbox[-1])
    assert api_client.post(CONFIRM_URL, {"key": first_key}).status_code == 204
    request_change(auth_client, "john@example.com")
    assert (
        api_client.post(CONFIRM_URL, {"key": key_in(mail.outbox[-1])}).status_code
        == 204
    )

    replay = api_client.post(CONFIRM_URL, {"key": first_key})

    assert replay.status_code == 400
    user.refresh_from_db()
    assert user.email == "john@example.com"


def test_two_accounts_cannot_both_prove_one_address(api_client, user, other_user):
    from accounts.email_addresses import email_change_key

    keys = [
        email_change_key(user=someone, new="shared@example.com", session_id="")
        for someone in (user, other_user)
    ]

    answers = [api_client.post(CONFIRM_URL, {"key": key}).status_code for key in keys]

    assert answers == [204, 400]
    assert (
        VerifiedEmail.objects.filter(address__iexact="shared@example.com").count() == 1
    )
    other_user.refresh_from_db()
    assert other_user.email == "mallory@example.com"


def test_the_change_link_does_not_carry_the_old_address(auth_client, user):
    import base64

    request_change(auth_client)
    key = key_in(mail.outbox[0])
    payload = key.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))

    assert b"john@example.com" not in decoded


def test_changes_of_address_are_limited_per_user(auth_client, user, settings):
    settings.LOGIN_RATE_LIMITS = login_rate_limits("email_change=2/h")

    answers = [request_change(auth_client, f"n{n}@example.com") for n in range(3)]

    assert [a.status_code for a in answers] == [202, 202, 429]
    assert len(mail.outbox) == 2
