"""
Sessions end when a user's password really changes or the user is
deactivated, however it is done, and only then.
"""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Session
from accounts.sessions import session_open
from tests.conftest import PASSWORD
from tests.helpers import bearer

User = get_user_model()

ME_URL = reverse("api:user-me")
TOKEN_URL = reverse("accounts:token-obtain")
SESSIONS_URL = reverse("accounts:session-list")


def test_a_rehash_on_sign_in_signs_no_one_out(api_client, user, settings):
    """A hasher upgrade rewrites the stored hash of the same password."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    device_a = session_open(user=user)

    device_b = api_client.post(TOKEN_URL, {"username": "john", "password": PASSWORD})

    user.refresh_from_db()
    assert device_b.status_code == 200
    assert user.password.startswith("md5$")  # rehashed
    assert api_client.get(ME_URL, **bearer(device_a["access"])).status_code == 200
    listed = api_client.get(SESSIONS_URL, **bearer(device_a["access"])).json()
    assert len(listed) == 2


def test_a_password_set_in_a_shell_ends_every_session(api_client, user, tokens):
    user.set_password("An0ther-long-password")
    user.save()

    assert not Session.objects.active().filter(user=user).exists()
    response = api_client.post(
        reverse("accounts:token-refresh"), {"refresh": tokens["refresh"]}
    )
    assert response.status_code == 401


def test_changepassword_command_ends_every_session(user, tokens):
    with mock.patch("getpass.getpass", return_value="An0ther-long-password"):
        call_command("changepassword", "john", stdout=mock.Mock())

    session = Session.objects.get(user=user)
    assert session.revoked_reason == Session.RevokeReason.PASSWORD_CHANGE


def test_saving_other_fields_ends_no_session(user, tokens):
    user.first_name = "Johnny"
    user.save()

    assert Session.objects.active().filter(user=user).count() == 1


def test_deactivation_through_any_save_ends_every_session(api_client, user, tokens):
    shell_user = User.objects.get(pk=user.pk)
    shell_user.is_active = False
    shell_user.save()

    session = Session.objects.get(user=user)
    assert session.revoked_reason == Session.RevokeReason.DEACTIVATED
    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 401


def test_reactivation_revives_no_session(api_client, user, tokens):
    user.is_active = False
    user.save()
    user.is_active = True
    user.save()

    assert not Session.objects.active().filter(user=user).exists()
    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 401
    refreshed = api_client.post(
        reverse("accounts:token-refresh"), {"refresh": tokens["refresh"]}
    )
    assert refreshed.status_code == 401


# Revoking from the admin needs more than viewing
# ------------------------------------------------------------------------------


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("boss", "boss@example.com", "Adm1n-pass-word")


def staff_with(*codenames) -> User:
    staff = User.objects.create_user("viewer", password="Staff-pass-word-1")
    staff.is_staff = True
    staff.save()
    staff.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=staff.pk)  # no stale permission cache


@pytest.mark.parametrize(
    ("url_name", "action"),
    [
        ("admin:auth_user_changelist", "revoke_all_sessions"),
        ("admin:accounts_session_changelist", "revoke_sessions"),
    ],
)
def test_view_only_staff_cannot_sign_anyone_out(client, superuser, url_name, action):
    session_open(user=superuser)
    client.force_login(staff_with("view_user", "view_session"))
    session = Session.objects.get(user=superuser)
    selected = superuser.pk if action == "revoke_all_sessions" else session.pk

    listing = client.get(reverse(url_name))
    response = client.post(
        reverse(url_name), {"action": action, "_selected_action": [str(selected)]}
    )

    assert listing.status_code == 200
    assert action not in listing.content.decode()
    assert response.status_code in (200, 302)
    assert Session.objects.get(pk=session.pk).revoked_at is None


@pytest.mark.parametrize(
    ("url_name", "action"),
    [
        ("admin:auth_user_changelist", "revoke_all_sessions"),
        ("admin:accounts_session_changelist", "revoke_sessions"),
    ],
)
def test_staff_with_the_revoke_permission_can_sign_users_out(
    client, superuser, url_name, action
):
    session_open(user=superuser)
    client.force_login(staff_with("view_user", "view_session", "revoke_session"))
    session = Session.objects.get(user=superuser)
    selected = superuser.pk if action == "revoke_all_sessions" else session.pk

    client.post(
        reverse(url_name), {"action": action, "_selected_action": [str(selected)]}
    )

    assert Session.objects.get(pk=session.pk).revoked_reason == "admin"


# Races with a password change
# ------------------------------------------------------------------------------


def test_a_sign_in_that_raced_a_password_change_opens_no_session(user):
    """The sign-in checked the old hash; the change committed before it saved."""
    from rest_framework.exceptions import AuthenticationFailed

    signing_in = User.objects.get(pk=user.pk)  # as authenticate() loaded it
    user.set_password("An0ther-long-password")
    user.save()

    with pytest.raises(AuthenticationFailed) as refused:
        session_open(user=signing_in)

    assert refused.value.detail["code"] == "credentials_changed"
    assert not Session.objects.active().filter(user=user).exists()


def test_a_sign_in_that_raced_a_deactivation_or_deletion_opens_no_session(user):
    from rest_framework.exceptions import AuthenticationFailed

    signing_in = User.objects.get(pk=user.pk)
    User.objects.filter(pk=user.pk).update(is_active=False)
    with pytest.raises(AuthenticationFailed):
        session_open(user=signing_in)

    User.objects.filter(pk=user.pk).delete()
    with pytest.raises(AuthenticationFailed):
        session_open(user=signing_in)
    assert not Session.objects.exists()


def test_a_password_change_that_lost_a_race_changes_nothing(api_client, user, tokens):
    """Two changes checked the same old password; the second one is refused."""
    from accounts.passwords import user_change_password

    first, second = User.objects.get(pk=user.pk), User.objects.get(pk=user.pk)
    user_change_password(user=first, new_password="First-new-passphrase-1")

    from rest_framework.exceptions import AuthenticationFailed

    with pytest.raises(AuthenticationFailed):
        user_change_password(user=second, new_password="Second-new-passphrase-2")

    user.refresh_from_db()
    assert user.check_password("First-new-passphrase-1")
    assert Session.objects.active().filter(user=user).count() == 1


def test_a_reset_link_used_twice_at_once_sets_one_password(api_client, user):
    from accounts.passwords import password_reset_confirm

    first, second = User.objects.get(pk=user.pk), User.objects.get(pk=user.pk)
    password_reset_confirm(user=first, new_password="First-new-passphrase-1")

    from rest_framework.exceptions import ValidationError

    with pytest.raises(ValidationError):
        password_reset_confirm(user=second, new_password="Second-new-passphrase-2")

    user.refresh_from_db()
    assert user.check_password("First-new-passphrase-1")


def test_disabling_the_password_ends_every_session(api_client, user, tokens):
    user.set_unusable_password()
    user.save()

    assert Session.objects.get(user=user).revoked_reason == "password_change"
    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 401


def test_saving_a_user_without_a_usable_password_ends_no_new_session(user):
    user.set_unusable_password()
    user.save()
    session_open(user=user)

    user.first_name = "Still here"
    user.save()

    assert Session.objects.active().filter(user=user).count() == 1
