"""
The admin and staff: the admin's login asks a user with a second factor for
it, staff can see and reset a user's factors, and MFA_REQUIRED_FOR_STAFF
keeps staff without one to setting one up.
"""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Session
from accounts.sessions import session_open
from mfa.models import Passkey, RecoveryCode, TOTPDevice
from tests.mfa_fixtures import totp_turn_on

User = get_user_model()

ADMIN_PASSWORD = "Adm1n-pass-word"
pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("admin", "admin@example.com", ADMIN_PASSWORD)


def admin_sign_in(client, code=""):
    return client.post(
        f"{reverse('admin:login')}?next=/admin/",
        {
            "username": "admin",
            "password": ADMIN_PASSWORD,
            "otp_code": code,
            "next": "/admin/",
        },
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


class TestAdminLogin:
    def test_the_login_page_has_an_authentication_code_field(self, client, db):
        page = client.get(reverse("admin:login")).content.decode()
        assert 'name="otp_code"' in page and "Authentication code" in page

    def test_without_a_factor_the_password_is_enough(self, client, admin_user):
        assert signed_in(admin_sign_in(client))

    def test_with_a_factor_the_password_alone_is_refused(self, client, admin_user):
        totp_turn_on(admin_user)
        response = admin_sign_in(client)
        assert not signed_in(response)
        assert "Enter a valid authentication code" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_with_a_factor_a_right_code_signs_in_once(self, client, admin_user):
        admin = totp_turn_on(admin_user)
        code = admin.code()
        assert signed_in(admin_sign_in(client, code))
        client.logout()
        assert not signed_in(admin_sign_in(client, code))

    def test_a_recovery_code_signs_in(self, client, admin_user):
        admin = totp_turn_on(admin_user)
        assert signed_in(admin_sign_in(client, admin.recovery_codes[0]))

    def test_wrong_codes_are_limited(self, client, admin_user):
        admin = totp_turn_on(admin_user)
        for _ in range(5):
            admin_sign_in(client, "000000")
        response = admin_sign_in(client, admin.code())
        assert not signed_in(response)
        assert "Too many" in response.content.decode()

    def test_staff_without_a_factor_are_refused_when_mfa_is_required(
        self, client, admin_user, settings
    ):
        settings.MFA_REQUIRED_FOR_STAFF = True
        response = admin_sign_in(client)
        assert not signed_in(response)
        assert "Set up two-factor sign-in" in response.content.decode()


class TestStaffManageFactors:
    def test_the_user_page_shows_the_factors(self, client, admin_user, user):
        totp_turn_on(user)
        Passkey.objects.create(
            user=user, name="Laptop key", credential_id=b"c", public_key=b"k"
        )
        client.force_login(admin_user)

        page = client.get(reverse("admin:auth_user_change", args=[user.pk]))

        assert page.status_code == 200
        text = page.content.decode()
        assert "Laptop key" in text and "Recovery codes left" in text

    def test_the_reset_removes_every_factor_and_ends_every_session(
        self, client, admin_user, user, caplog
    ):
        totp_turn_on(user)
        Passkey.objects.create(user=user, name="k", credential_id=b"c", public_key=b"k")
        session_open(user=user)
        client.force_login(admin_user)

        with caplog.at_level(logging.INFO, logger="accounts.auth"):
            response = client.post(
                reverse("admin:auth_user_changelist"),
                {"action": "reset_second_factors", "_selected_action": [user.pk]},
            )

        assert response.status_code == 302
        assert not TOTPDevice.objects.filter(user=user).exists()
        assert not Passkey.objects.filter(user=user).exists()
        assert not RecoveryCode.objects.filter(user=user).exists()
        assert not Session.objects.filter(user=user, revoked_at__isnull=True).exists()
        assert "mfa_reset_by_staff" in [r.getMessage() for r in caplog.records]

    def test_the_reset_needs_the_change_permission(self, client, user):
        from django.contrib.auth.models import Permission

        viewer = User.objects.create_user("viewer", password=ADMIN_PASSWORD)
        viewer.is_staff = True
        viewer.save()
        viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
        totp_turn_on(user)
        client.force_login(viewer)

        client.post(
            reverse("admin:auth_user_changelist"),
            {"action": "reset_second_factors", "_selected_action": [user.pk]},
        )

        assert TOTPDevice.objects.filter(user=user).exists()


class TestMfaRequiredForStaff:
    @pytest.fixture
    def staff_client(self, admin_user, settings):
        settings.MFA_REQUIRED_FOR_STAFF = True
        client = APIClient()
        body = client.post(
            reverse("accounts:token-obtain"),
            {"username": "admin", "password": ADMIN_PASSWORD},
        ).json()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
        return client

    def test_staff_without_a_factor_can_only_set_one_up(self, staff_client):
        items = staff_client.get(reverse("api:item-list"))
        assert items.status_code == 403
        assert items.json()["code"] == "mfa_enrollment_required"
        assert staff_client.get(reverse("mfa:factors")).status_code == 200
        assert staff_client.post(reverse("mfa:totp-setup")).status_code == 200
        assert staff_client.get(reverse("api:user-me")).status_code == 200

    def test_email_change_is_refused_too(self, staff_client):
        response = staff_client.post(
            reverse("accounts:email-change"), {"new_email": "new@example.com"}
        )
        assert response.status_code == 403

    def test_staff_signed_in_with_a_factor_use_the_api(self, admin_user, settings):
        settings.MFA_REQUIRED_FOR_STAFF = True
        admin = totp_turn_on(admin_user)
        client = APIClient()
        first = client.post(
            reverse("accounts:token-obtain"),
            {"username": "admin", "password": ADMIN_PASSWORD},
        ).json()
        tokens = client.post(
            reverse("mfa:verify"),
            {"mfa_token": first["mfa_token"], "code": admin.code()},
        ).json()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")

        assert client.get(reverse("api:item-list")).status_code == 200

    def test_normal_users_are_not_concerned(self, auth_client, settings):
        settings.MFA_REQUIRED_FOR_STAFF = True
        assert auth_client.get(reverse("api:item-list")).status_code == 200
