import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import sessions
from accounts.models import Session
from api.models import Item

User = get_user_model()

CHANGELISTS = [
    "admin:auth_user_changelist",
    "admin:api_item_changelist",
    "admin:accounts_session_changelist",
]


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("boss", "boss@example.com", "Adm1n-pass-word")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_admin_changelists_load_for_a_superuser(admin_client, user, tokens, name):
    Item.objects.create(owner=user, name="Milk")

    response = admin_client.get(reverse(name))

    assert response.status_code == 200


def test_admin_item_search_by_name_and_owner(admin_client, user, other_user):
    Item.objects.create(owner=user, name="Milk")
    Item.objects.create(owner=other_user, name="Bread")
    url = reverse("admin:api_item_changelist")

    by_name = admin_client.get(url, {"q": "milk"}).context["cl"].result_list
    by_owner = admin_client.get(url, {"q": "mallory"}).context["cl"].result_list

    assert [i.name for i in by_name] == ["Milk"]
    assert [i.name for i in by_owner] == ["Bread"]


@pytest.mark.parametrize("name", CHANGELISTS)
def test_admin_is_refused_to_a_normal_user(client, user, name):
    client.force_login(user)

    response = client.get(reverse(name))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_user_page_shows_the_users_sessions(admin_client, user, tokens):
    response = admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))

    assert response.status_code == 200
    assert b"127.0.0.1" in response.content


def test_admin_action_revokes_selected_sessions(admin_client, user, tokens):
    session = Session.objects.get(user=user)

    response = admin_client.post(
        reverse("admin:accounts_session_changelist"),
        {"action": "revoke_sessions", "_selected_action": [str(session.pk)]},
        follow=True,
    )

    session.refresh_from_db()
    assert session.revoked_reason == Session.RevokeReason.ADMIN
    assert "Revoked 1 session(s)." in response.content.decode()


def test_admin_action_signs_selected_users_out_everywhere(
    admin_client, user, other_user
):
    sessions.session_open(user=user)
    sessions.session_open(user=user)
    sessions.session_open(user=other_user)

    admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "revoke_all_sessions", "_selected_action": [str(user.pk)]},
    )

    assert not Session.objects.active().filter(user=user).exists()
    assert Session.objects.active().filter(user=other_user).count() == 1


def test_admin_session_filter_and_search(admin_client, user, other_user):
    sessions.session_open(user=user)
    sessions.session_open(user=other_user)
    sessions.user_sessions_revoke(user=other_user, reason="admin")
    url = reverse("admin:accounts_session_changelist")

    active = admin_client.get(url, {"state": "active"}).context["cl"].result_list
    found = admin_client.get(url, {"q": "mallory"}).context["cl"].result_list

    assert [s.user for s in active] == [user]
    assert [s.user for s in found] == [other_user]


def test_deactivating_a_user_in_the_admin_signs_them_out(admin_client, user, tokens):
    url = reverse("admin:auth_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in {"password", "groups", "user_permissions"}
    }
    data.update(
        {
            "is_active": "",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
            "auth_sessions-TOTAL_FORMS": "1",
            "auth_sessions-INITIAL_FORMS": "1",
            "auth_sessions-MIN_NUM_FORMS": "0",
            "auth_sessions-MAX_NUM_FORMS": "1000",
            "auth_sessions-0-id": str(Session.objects.get(user=user).pk),
            "auth_sessions-0-user": str(user.pk),
            "verified_email-TOTAL_FORMS": "0",
            "verified_email-INITIAL_FORMS": "0",
            "verified_email-MIN_NUM_FORMS": "0",
            "verified_email-MAX_NUM_FORMS": "1",
            **{
                f"{prefix}-{field}": value
                for prefix in ("totp_device", "passkeys")
                for field, value in (
                    ("TOTAL_FORMS", "0"),
                    ("INITIAL_FORMS", "0"),
                    ("MIN_NUM_FORMS", "0"),
                    ("MAX_NUM_FORMS", "1000"),
                )
            },
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()
    assert not user.is_active
    session = Session.objects.get(user=user)
    assert session.revoked_reason == Session.RevokeReason.DEACTIVATED


def test_seed_demo_creates_a_user_who_can_sign_in_once(api_client, db, settings):
    settings.DEBUG = True

    call_command("seed_demo")
    call_command("seed_demo")

    demo = User.objects.get(username="demo")
    assert demo.items.count() == 3
    response = api_client.post(
        reverse("accounts:token-obtain"),
        {"username": "demo", "password": "demo-password-2026"},
    )
    assert response.status_code == 200


def test_seed_demo_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.filter(username="demo").exists()


def test_the_user_page_shows_whether_and_when_the_email_was_verified(
    admin_client, user
):
    from accounts.models import VerifiedEmail

    VerifiedEmail.objects.create(user=user, address=user.email)

    page = admin_client.get(reverse("admin:auth_user_change", args=[user.pk]))
    listing = admin_client.get(reverse("admin:auth_user_changelist"))

    assert page.status_code == 200
    assert "Verified email" in page.content.decode()
    assert user.email in page.content.decode()
    assert listing.status_code == 200
    assert "email verified" in listing.content.decode().lower()


def test_staff_can_mark_an_email_verified(admin_client, user, other_user):
    from accounts.email_addresses import email_is_verified

    response = admin_client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "mark_email_verified", "_selected_action": [str(user.pk)]},
        follow=True,
    )

    assert "Marked 1 address(es) verified." in response.content.decode()
    assert email_is_verified(User.objects.get(pk=user.pk))
    assert not email_is_verified(User.objects.get(pk=other_user.pk))


def test_view_only_staff_cannot_mark_an_email_verified(client, user):
    from django.contrib.auth.models import Permission

    from accounts.email_addresses import email_is_verified

    viewer = User.objects.create_user("viewer", password="Staff-pass-word-1")
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.set(Permission.objects.filter(codename="view_user"))
    client.force_login(viewer)

    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "mark_email_verified", "_selected_action": [str(user.pk)]},
    )

    assert not email_is_verified(User.objects.get(pk=user.pk))


@pytest.mark.parametrize("twin", ["JOHN", "\uff4a\uff4f\uff48\uff4e"])
def test_the_admin_refuses_a_case_twin_with_a_form_error(admin_client, user, twin):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": twin,
            "password1": "",
            "password2": "",
            "usable_password": "false",
        },
    )

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username__iexact="john").count() == 1


def test_renaming_to_a_twin_in_the_admin_is_a_form_error(
    admin_client, user, other_user
):
    url = reverse("admin:auth_user_change", args=[other_user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        key: value
        for key, value in form.initial.items()
        if value is not None and key not in {"password", "groups", "user_permissions"}
    }
    data.update(
        {
            "username": "JOHN",
            "date_joined_0": other_user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": other_user.date_joined.strftime("%H:%M:%S"),
            "auth_sessions-TOTAL_FORMS": "0",
            "auth_sessions-INITIAL_FORMS": "0",
            "verified_email-TOTAL_FORMS": "0",
            "verified_email-INITIAL_FORMS": "0",
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    other_user.refresh_from_db()
    assert other_user.username == "mallory"


def test_the_admins_password_change_counts_wrong_old_passwords(
    admin_client, admin_user, api_client, settings
):
    from config.rates import login_rate_limits

    settings.LOGIN_RATE_LIMITS = login_rate_limits("ip=100/min,username=3/15min")
    for _ in range(3):
        admin_client.post(
            reverse("admin:password_change"),
            {
                "old_password": "wrong",
                "new_password1": "N3w-admin-passphrase",
                "new_password2": "N3w-admin-passphrase",
            },
        )

    locked = admin_client.post(
        reverse("admin:password_change"),
        {
            "old_password": "Adm1n-pass-word",
            "new_password1": "N3w-admin-passphrase",
            "new_password2": "N3w-admin-passphrase",
        },
    )
    sign_in = api_client.post(
        reverse("accounts:token-obtain"),
        {"username": "boss", "password": "Adm1n-pass-word"},
    )

    assert "Too many attempts" in locked.content.decode()
    assert sign_in.status_code == 429
    admin_user.refresh_from_db()
    assert admin_user.check_password("Adm1n-pass-word")
