"""Sessions: one per login, single-use refresh tokens, reuse detection."""

import logging
import uuid
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.urls import reverse
from django.utils import timezone

from accounts import sessions
from accounts.models import Session, VerifiedEmail
from accounts.selectors import user_for_session
from tests.helpers import bearer, claims_of

User = get_user_model()

SESSIONS_URL = reverse("accounts:session-list")
REFRESH_URL = reverse("accounts:token-refresh")
LOGOUT_ALL_URL = reverse("accounts:logout-all")
ME_URL = reverse("api:user-me")


def session_url(session_id) -> str:
    return reverse("accounts:session-detail", args=[session_id])


def rotate(client, refresh: str) -> dict:
    response = client.post(REFRESH_URL, {"refresh": refresh})
    assert response.status_code == 200
    return response.json()


def age_rotation(seconds: float) -> None:
    """Pretend the last rotation happened `seconds` ago."""
    Session.objects.update(rotated_at=timezone.now() - timedelta(seconds=seconds))


def test_sessions_lists_the_callers_active_sessions_and_marks_this_one(
    api_client, user, other_user, tokens
):
    sessions.session_open(user=user, ip_address="10.0.0.9", user_agent="Phone")
    sessions.session_open(user=other_user)
    ended = sessions.session_open(user=user)
    sessions.session_revoke_by_refresh(raw_refresh=ended["refresh"])

    response = api_client.get(SESSIONS_URL, **bearer(tokens["access"]))

    assert response.status_code == 200
    body = response.json()
    assert len(body) == 2
    assert set(body[0]) == {
        "id",
        "created_at",
        "last_used_at",
        "expires_at",
        "ip_address",
        "user_agent",
        "current",
    }
    current = [s for s in body if s["current"]]
    assert len(current) == 1
    assert current[0]["ip_address"] == "127.0.0.1"
    assert {s["user_agent"] for s in body} == {"", "Phone"}


def test_deleting_a_session_signs_that_client_out(api_client, user, tokens):
    phone = sessions.session_open(user=user)
    phone_id = Session.objects.get(refresh_jti=_jti(phone["refresh"])).pk

    response = api_client.delete(session_url(phone_id), **bearer(tokens["access"]))

    assert response.status_code == 204
    assert api_client.get(ME_URL, **bearer(phone["access"])).status_code == 401
    assert (
        api_client.post(REFRESH_URL, {"refresh": phone["refresh"]}).status_code == 401
    )
    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 200


def test_another_users_session_is_a_404_and_stays_active(
    api_client, other_user, tokens
):
    theirs = sessions.session_open(user=other_user)
    their_id = Session.objects.get(user=other_user).pk

    response = api_client.delete(session_url(their_id), **bearer(tokens["access"]))

    assert response.status_code == 404
    assert api_client.get(ME_URL, **bearer(theirs["access"])).status_code == 200


def test_sessions_need_a_token(api_client, user, tokens):
    session_id = Session.objects.get(user=user).pk

    assert api_client.get(SESSIONS_URL).status_code == 401
    assert api_client.delete(session_url(session_id)).status_code == 401
    assert Session.objects.get(pk=session_id).is_active


def test_malformed_session_id_is_a_404(auth_client):
    assert auth_client.delete(session_url("not-a-uuid")).status_code == 404


def test_logout_all_ends_every_session_of_the_caller_only(
    api_client, user, other_user, tokens
):
    laptop = sessions.session_open(user=user)
    theirs = sessions.session_open(user=other_user)

    response = api_client.post(LOGOUT_ALL_URL, **bearer(tokens["access"]))

    assert response.status_code == 204
    for pair in (tokens, laptop):
        assert api_client.get(ME_URL, **bearer(pair["access"])).status_code == 401
    assert api_client.get(ME_URL, **bearer(theirs["access"])).status_code == 200
    assert not Session.objects.active().filter(user=user).exists()


def test_access_token_is_refused_right_after_its_session_is_revoked(
    api_client, user, tokens
):
    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 200
    sessions.user_sessions_revoke(user=user, reason="admin")

    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 401


def test_reusing_a_rotated_refresh_token_revokes_the_whole_session(
    api_client, user, tokens
):
    newest = rotate(api_client, tokens["refresh"])
    age_rotation(6)

    reused = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]})

    assert reused.status_code == 401
    assert reused.json()["code"] == "token_reused"
    session = Session.objects.get(user=user)
    assert session.revoked_reason == Session.RevokeReason.REUSE
    assert (
        api_client.post(REFRESH_URL, {"refresh": newest["refresh"]}).status_code == 401
    )
    assert api_client.get(ME_URL, **bearer(newest["access"])).status_code == 401


def test_reusing_an_older_refresh_token_revokes_even_within_the_grace_period(
    api_client, user, tokens
):
    second = rotate(api_client, tokens["refresh"])
    rotate(api_client, second["refresh"])

    reused = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]})

    assert reused.status_code == 401
    assert Session.objects.get(user=user).revoked_reason == Session.RevokeReason.REUSE


def test_a_double_submit_within_the_grace_period_is_refused_without_revoking(
    api_client, user, tokens
):
    """Two tabs refreshing at once: one wins, the other must not sign both out."""
    newest = rotate(api_client, tokens["refresh"])

    duplicate = api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]})

    assert duplicate.status_code == 401
    assert Session.objects.get(user=user).is_active
    assert (
        api_client.post(REFRESH_URL, {"refresh": newest["refresh"]}).status_code == 200
    )


@pytest.mark.parametrize("grace", [0, 2])
def test_a_reuse_more_than_five_seconds_after_rotation_always_revokes(
    api_client, user, tokens, settings, grace
):
    settings.REFRESH_REUSE_GRACE_SECONDS = grace
    rotate(api_client, tokens["refresh"])
    age_rotation(5.1)

    api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]})

    assert not Session.objects.get(user=user).is_active


def test_without_grace_an_immediate_reuse_revokes(api_client, user, tokens, settings):
    settings.REFRESH_REUSE_GRACE_SECONDS = 0
    rotate(api_client, tokens["refresh"])

    api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]})

    assert not Session.objects.get(user=user).is_active


def test_refresh_updates_last_use_and_slides_expiry(api_client, user, tokens):
    before = Session.objects.get(user=user)
    Session.objects.update(last_used_at=before.last_used_at - timedelta(hours=1))

    rotate(api_client, tokens["refresh"])

    after = Session.objects.get(user=user)
    assert after.last_used_at > before.last_used_at - timedelta(minutes=1)
    assert after.expires_at >= before.expires_at


def test_session_rows_never_hold_a_token(user, tokens):
    row = Session.objects.filter(user=user).values().get()

    for value in row.values():
        assert tokens["refresh"] not in str(value)
        assert tokens["access"] not in str(value)


def test_expired_session_is_refused(api_client, user, tokens):
    Session.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 401


def test_the_session_lookup_loads_the_user_exactly_as_the_orm_does(user, tokens):
    user.last_login = timezone.now()
    user.first_name = "Zoë"
    user.save()
    session = Session.objects.get(user=user)

    loaded = user_for_session(session.pk)

    expected = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        value = getattr(loaded, field.attname)
        assert value == getattr(expected, field.attname), field.name
        assert type(value) is type(getattr(expected, field.attname)), field.name
    assert timezone.is_aware(loaded.date_joined)
    assert loaded.session_live is True
    assert loaded.session_refresh_jti == session.refresh_jti
    assert loaded._state.adding is False


def test_the_session_lookup_reports_an_ended_session_and_no_session(user, tokens):
    session = Session.objects.get(user=user)
    Session.objects.update(revoked_at=timezone.now())

    assert user_for_session(session.pk).session_live is False
    assert user_for_session(uuid.uuid4()) is None


def test_the_session_lookup_refuses_to_run_in_a_broken_transaction(user, tokens):
    session = Session.objects.get(user=user)

    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            user_for_session(session.pk)


def test_the_session_lookup_raises_djangos_database_errors(user, tokens):
    session = Session.objects.get(user=user)
    table = connection.ops.quote_name(VerifiedEmail._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")  # rolled back with the test

    with pytest.raises(DatabaseError):
        user_for_session(session.pk)


def test_the_session_lookup_goes_through_execute_wrappers(user, tokens):
    session = Session.objects.get(user=user)
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        loaded = user_for_session(session.pk)

    assert loaded.pk == user.pk
    assert len(seen) == 1
    assert Session._meta.db_table in seen[0]


def test_purge_sessions_deletes_only_long_ended_sessions(user, capsys):
    sessions.session_open(user=user)
    sessions.session_open(user=user)
    sessions.session_open(user=user)
    old, revoked_old, live = Session.objects.order_by("created_at")
    long_ago = timezone.now() - timedelta(days=31)
    Session.objects.filter(pk=old.pk).update(expires_at=long_ago)
    Session.objects.filter(pk=revoked_old.pk).update(revoked_at=long_ago)

    call_command("purge_sessions")

    assert list(Session.objects.all()) == [live]
    assert "Deleted 2 ended session(s)." in capsys.readouterr().out


def test_auth_events_are_logged_without_secrets(api_client, user, caplog):
    caplog.set_level(logging.INFO, logger="accounts.auth")
    api_client.post(
        reverse("accounts:token-obtain"), {"username": "john", "password": "nope"}
    )
    tokens = sessions.session_open(user=user, ip_address="10.9.8.7")
    rotate(api_client, tokens["refresh"])
    age_rotation(10)
    api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]})

    records = [r for r in caplog.records if hasattr(r, "event")]
    events = [r.event for r in records]
    assert events[:4] == [
        "login_failed",
        "login_succeeded",
        "token_refreshed",
        "session_revoked",
    ]
    assert "refresh_reuse_detected" in events
    login = records[1]
    assert (login.user_id, login.ip) == (user.pk, "10.9.8.7")
    assert login.session_id == Session.objects.get().pk
    text = caplog.text
    assert "nope" not in text
    assert tokens["refresh"] not in text
    assert tokens["access"] not in text


def _jti(token: str) -> str:
    return claims_of(token)["jti"]
