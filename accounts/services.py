"""
Business rules of accounts: sessions, token rotation and revocation, and the
password lifecycle. Views parse and respond; everything that decides who is
signed in happens here.
"""

import logging
import uuid
from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, update_last_login
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import (
    AuthenticationFailed,
    InvalidToken,
    TokenError,
)
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import RefreshToken, Token, UntypedToken
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from accounts.models import Session
from accounts.selectors import user_for_session
from accounts.tasks import password_reset_mails_send
from accounts.throttling import login_failures_clear

User = get_user_model()
logger = logging.getLogger("accounts.auth")

# The claim that ties every access and refresh token to its Session row.
SESSION_CLAIM = "sid"


class TokenPair(TypedDict):
    access: str
    refresh: str


def auth_event_log(event: str, **fields) -> None:
    """
    Log an auth event as a structured record (also readable as one line).

    Callers pass ids and addresses only: never a password or a token.
    """
    text = " ".join(f"{key}={value}" for key, value in fields.items())
    logger.info("%s %s", event, text, extra={"event": event, **fields})


# Sessions
# ------------------------------------------------------------------------------


def session_open(
    *, user: AbstractBaseUser, ip_address: str | None = None, user_agent: str = ""
) -> TokenPair:
    """Start a session for a user who just proved their credentials."""
    session = Session(
        id=uuid.uuid4(),
        user=user,
        ip_address=ip_address,
        user_agent=user_agent[:512],
    )
    refresh = _refresh_token_for(user=user, session=session)
    session.refresh_jti = refresh[jwt_settings.JTI_CLAIM]
    session.expires_at = datetime_from_epoch(refresh["exp"])
    session.save()
    if jwt_settings.UPDATE_LAST_LOGIN:
        update_last_login(None, user)
    auth_event_log(
        "login_succeeded", user_id=user.pk, session_id=session.pk, ip=ip_address
    )
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def session_refresh(*, raw_refresh: str) -> TokenPair:
    """
    Exchange a refresh token for a new pair, exactly once.

    The swap of the session's current token id is a compare-and-swap in one
    UPDATE, so of two concurrent refreshes of the same token exactly one
    wins, on SQLite and PostgreSQL alike. A token that has already been
    rotated past is a stolen or replayed one (RFC 9700 section 4.14): the
    whole session is revoked, unless it is the immediately previous token
    replayed within REFRESH_REUSE_GRACE_SECONDS (two tabs refreshing at
    once), which is refused without revoking.
    """
    token = _decode(RefreshToken, raw_refresh)
    session = _session_for_token(token)
    user = session.user
    jti = token[jwt_settings.JTI_CLAIM]

    new_refresh = _refresh_token_for(user=user, session=session)
    now = timezone.now()
    swapped = Session.objects.filter(
        pk=session.pk, refresh_jti=jti, revoked_at__isnull=True
    ).update(
        refresh_jti=new_refresh[jwt_settings.JTI_CLAIM],
        previous_jti=jti,
        rotated_at=now,
        last_used_at=now,
        expires_at=datetime_from_epoch(new_refresh["exp"]),
    )
    if swapped:
        auth_event_log("token_refreshed", user_id=user.pk, session_id=session.pk)
        return {"access": str(new_refresh.access_token), "refresh": str(new_refresh)}

    session.refresh_from_db()
    grace = timedelta(seconds=settings.REFRESH_REUSE_GRACE_SECONDS)
    if (
        session.revoked_at is None
        and session.previous_jti == jti
        and session.rotated_at is not None
        and now - session.rotated_at <= grace
    ):
        raise InvalidToken("Token has already been rotated", code="token_rotated")
    session_revoke(session=session, reason=Session.RevokeReason.REUSE)
    logger.warning(
        "refresh_reuse_detected user_id=%s session_id=%s",
        user.pk,
        session.pk,
        extra={"event": "refresh_reuse_detected", "user_id": user.pk},
    )
    raise InvalidToken(
        "Token has already been used; the session is revoked", code="token_reused"
    )


def session_revoke(*, session: Session, reason: str) -> bool:
    """Revoke one session; return False if it had already ended."""
    revoked = Session.objects.filter(pk=session.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason
    )
    if revoked:
        auth_event_log(
            "session_revoked",
            user_id=session.user_id,
            session_id=session.pk,
            reason=reason,
        )
    return bool(revoked)


def session_revoke_by_refresh(*, raw_refresh: str) -> None:
    """
    Sign out the session a refresh token belongs to.

    Any genuine refresh token of the session will do, even a rotated one:
    holding it is proof enough to end the session, and ending it is the safe
    outcome either way.
    """
    token = _decode(RefreshToken, raw_refresh)
    session = Session.objects.filter(
        pk=_session_id(token), user_id=token.get(jwt_settings.USER_ID_CLAIM)
    ).first()
    if session is not None:
        session_revoke(session=session, reason=Session.RevokeReason.LOGOUT)


def user_sessions_revoke(
    *, user: AbstractBaseUser, reason: str, keep: Session | None = None
) -> int:
    """Revoke every active session of a user, except `keep`."""
    sessions = Session.objects.filter(user=user, revoked_at__isnull=True)
    if keep is not None:
        sessions = sessions.exclude(pk=keep.pk)
    count = sessions.update(revoked_at=timezone.now(), revoked_reason=reason)
    auth_event_log("sessions_revoked", user_id=user.pk, count=count, reason=reason)
    return count


def session_authenticate(token: Token) -> AbstractBaseUser:
    """
    Return the user of a validated token whose session is alive.

    One indexed query fetches user and session state together. Raise
    AuthenticationFailed when the session is revoked or expired, the user
    is deactivated or deleted, or the password changed after the token was
    issued; a refresh token must also be the session's current one.
    """
    session_id = _session_id(token)
    if session_id is None:
        raise InvalidToken("Token is not bound to a session", code="no_session")
    user = user_for_session(session_id)
    _ensure_usable(token, user=user, live=user is not None and user.session_live)
    if (
        token.get(jwt_settings.TOKEN_TYPE_CLAIM) == RefreshToken.token_type
        and token.get(jwt_settings.JTI_CLAIM) != user.session_refresh_jti
    ):
        raise AuthenticationFailed("Token has been rotated", code="token_rotated")
    return user


def token_verify(*, raw_token: str) -> None:
    """Check that a token is genuine and that its session is still alive."""
    session_authenticate(_decode(UntypedToken, raw_token))


def sessions_purge_expired(*, older_than: timedelta = timedelta(days=30)) -> int:
    """
    Delete sessions that ended more than `older_than` ago.

    Recently ended ones stay for a while so that staff can see why a user was
    signed out.
    """
    cutoff = timezone.now() - older_than
    deleted, _ = Session.objects.filter(expires_at__lt=cutoff).delete()
    revoked, _ = Session.objects.filter(revoked_at__lt=cutoff).delete()
    return deleted + revoked


def _decode(token_class: type[Token], raw: str) -> Token:
    try:
        return token_class(raw)
    except TokenError as exc:
        raise InvalidToken(exc.args[0]) from exc


def _session_id(token: Token) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(token[SESSION_CLAIM]))
    except (KeyError, ValueError):
        return None


def _session_for_token(token: Token) -> Session:
    session_id = _session_id(token)
    if session_id is None:
        raise InvalidToken("Token is not bound to a session", code="no_session")
    session = Session.objects.select_related("user").filter(pk=session_id).first()
    user = session.user if session is not None else None
    _ensure_usable(token, user=user, live=session is not None and session.is_active)
    return session


def _ensure_usable(token: Token, *, user, live: bool) -> None:
    """Refuse a token whose session ended or whose user may no longer sign in."""
    if not live or str(user.pk) != str(token.get(jwt_settings.USER_ID_CLAIM)):
        raise AuthenticationFailed("Session has ended", code="session_ended")
    if not user.is_active:
        raise AuthenticationFailed("User is inactive", code="user_inactive")
    if token.get(jwt_settings.REVOKE_TOKEN_CLAIM) != get_md5_hash_password(
        user.password
    ):
        raise AuthenticationFailed(
            "The user's password has been changed.", code="password_changed"
        )


def _refresh_token_for(*, user: AbstractBaseUser, session: Session) -> RefreshToken:
    refresh = RefreshToken.for_user(user)
    refresh[SESSION_CLAIM] = str(session.pk)
    return refresh


# Accounts
# ------------------------------------------------------------------------------


def user_register(*, username: str, password: str, email: str = "") -> User:
    """Create an active user; the serializer has validated the password."""
    user = User(username=username, email=User.objects.normalize_email(email))
    user.set_password(password)
    user.save()
    auth_event_log("user_registered", user_id=user.pk)
    return user


@transaction.atomic
def user_change_password(
    *,
    user: AbstractBaseUser,
    new_password: str,
    ip_address: str | None = None,
    user_agent: str = "",
) -> TokenPair:
    """
    Set a new password, sign out every session, and open a fresh one.

    The caller's own session ends too (its tokens carry the old password's
    fingerprint), so the new pair returned here keeps that client signed in.
    """
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_sessions_revoke(user=user, reason=Session.RevokeReason.PASSWORD_CHANGE)
    auth_event_log("password_changed", user_id=user.pk, ip=ip_address)
    return session_open(user=user, ip_address=ip_address, user_agent=user_agent)


def password_reset_request(*, email: str) -> None:
    """
    Queue a reset link for every active user with this address.

    The request enqueues one task carrying only the address, known or not,
    and the worker looks the users up and sends the mail
    (accounts.tasks.password_reset_mails_send). So neither the answer nor
    its timing tells whether the address belongs to an account, and a slow
    or unreachable mail server never holds a request up.
    """
    password_reset_mails_send.enqueue(email=User.objects.normalize_email(email))


@transaction.atomic
def password_reset_confirm(*, user: AbstractBaseUser, new_password: str) -> None:
    """
    Set the password chosen through a reset link and end all sessions.

    Changing the password changes the hash that the reset token is derived
    from, which is what makes the link single-use.
    """
    user.set_password(new_password)
    user.save(update_fields=["password"])
    user_sessions_revoke(user=user, reason=Session.RevokeReason.PASSWORD_RESET)
    # The owner proved control of the account: lift a lockout that someone
    # else's guessing may have caused.
    login_failures_clear(user.get_username())
    auth_event_log("password_reset", user_id=user.pk)
