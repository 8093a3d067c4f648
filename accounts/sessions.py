"""
Sessions and tokens: a login opens a session, its tokens follow it.

Every access and refresh token carries its session's id (`sid`); a session
is revoked by one UPDATE and its tokens are refused on their next use.
Refresh tokens rotate exactly once each, and a replayed one revokes its
session (RFC 9700 section 4.14).
"""

import logging
import uuid
from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, update_last_login
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import (
    AuthenticationFailed,
    InvalidToken,
    TokenError,
)
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from accounts.events import auth_event_log
from accounts.models import Session
from accounts.selectors import user_for_session
from accounts.tokens import RefreshToken, UntypedToken

# The claim that ties every access and refresh token to its Session row.
SESSION_CLAIM = "sid"
# How the user signed in (RFC 8176), copied from the session into its tokens.
AMR_CLAIM = "amr"


class TokenPair(TypedDict):
    access: str
    refresh: str


def session_open(
    *,
    user: AbstractBaseUser,
    ip_address: str | None = None,
    user_agent: str = "",
    amr: list[str] | tuple[str, ...] = ("pwd",),
) -> TokenPair:
    """
    Start a session for a user who just proved their credentials, in the
    ways `amr` lists (RFC 8176: "pwd", "otp", "hwk", "swk", "mfa").

    The session is opened only if the password hash the caller checked is
    still the stored one and the user is still active, with the user's row
    locked: a sign-in that raced a password change, a deactivation or a
    deletion would otherwise open a session after they revoked all the
    others, and outlive them.
    """
    session = Session(
        id=uuid.uuid4(),
        user=user,
        ip_address=ip_address,
        user_agent=user_agent[:512],
        amr=" ".join(amr),
    )
    refresh = _refresh_token_for(user=user, session=session)
    session.refresh_jti = refresh[jwt_settings.JTI_CLAIM]
    session.expires_at = datetime_from_epoch(refresh["exp"])
    with transaction.atomic():
        user_credentials_lock(user=user)
        session.save()
    if jwt_settings.UPDATE_LAST_LOGIN:
        update_last_login(None, user)
    auth_event_log(
        "login_succeeded",
        user_id=user.pk,
        session_id=session.pk,
        ip=ip_address,
        amr=session.amr,
    )
    return {"access": str(refresh.access_token), "refresh": str(refresh)}


def user_credentials_lock(*, user: AbstractBaseUser) -> None:
    """
    Lock the user's row until the transaction ends, and raise
    AuthenticationFailed unless its stored password hash is still the one on
    `user` (the one a caller has checked) and the user is still active.
    """
    stored = (
        type(user)
        ._default_manager.select_for_update()
        .filter(pk=user.pk)
        .values_list("password", "is_active")
        .first()
    )
    if stored is None or stored != (user.password, True):
        raise AuthenticationFailed(
            "The account's credentials changed; sign in again.",
            code="credentials_changed",
        )


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

    try:
        session.refresh_from_db()
    except Session.DoesNotExist as exc:  # the account was deleted meanwhile
        raise AuthenticationFailed("Session has ended", code="session_ended") from exc
    grace = timedelta(seconds=settings.REFRESH_REUSE_GRACE_SECONDS)
    if (
        session.revoked_at is None
        and session.previous_jti == jti
        and session.rotated_at is not None
        and now - session.rotated_at <= grace
    ):
        raise InvalidToken("Token has already been rotated", code="token_rotated")
    session_revoke(session=session, reason=Session.RevokeReason.REUSE)
    auth_event_log(
        "refresh_reuse_detected",
        level=logging.WARNING,
        user_id=user.pk,
        session_id=session.pk,
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
    _session_of_token_revoke(_decode(RefreshToken, raw_refresh))


def session_revoke_by_token(*, raw_token: str) -> bool:
    """
    Sign out the session of a genuine access or refresh token (RFC 7009).

    Return False, without raising, for a token that is malformed, forged,
    expired or whose session has already ended: revocation's aim, a token
    that no longer works, is met either way.
    """
    try:
        token = UntypedToken(raw_token)
    except TokenError:
        return False
    return _session_of_token_revoke(token)


def _session_of_token_revoke(token: Token) -> bool:
    session = Session.objects.filter(
        pk=_session_id(token), user_id=token.get(jwt_settings.USER_ID_CLAIM)
    ).first()
    if session is None:
        return False
    return session_revoke(session=session, reason=Session.RevokeReason.LOGOUT)


def user_sessions_revoke(
    *, user: AbstractBaseUser, reason: str, keep: Session | None = None
) -> int:
    """Revoke every active session of a user, except `keep`."""
    sessions = Session.objects.filter(user=user, revoked_at__isnull=True)
    if keep is not None:
        sessions = sessions.exclude(pk=keep.pk)
    count = sessions.update(revoked_at=timezone.now(), revoked_reason=reason)
    if count:
        auth_event_log("sessions_revoked", user_id=user.pk, count=count, reason=reason)
    return count


def session_authenticate(token: Token) -> AbstractBaseUser:
    """
    Return the user of a validated token whose session is alive.

    One indexed query fetches user and session state together. Raise
    AuthenticationFailed when the session is revoked (a password change
    revokes them all) or expired, or the user is deactivated or deleted; a
    refresh token must also be the session's current one.
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


def session_reauthenticate(*, session_id: uuid.UUID) -> None:
    """Record that the user proved their password again in this session."""
    Session.objects.filter(pk=session_id).update(reauthenticated_at=timezone.now())


def session_is_fresh(*, session_id: uuid.UUID) -> bool:
    """
    True when the session's user proved who they are within REAUTH_SECONDS:
    at sign-in (with a password, with or without a second factor, or with a
    passkey alone, which is possession and user verification) or by
    re-authenticating with their password.
    """
    session = (
        Session.objects.filter(pk=session_id)
        .only("created_at", "reauthenticated_at")
        .first()
    )
    if session is None:
        return False
    proved = max(filter(None, (session.created_at, session.reauthenticated_at)))
    return timezone.now() - proved <= timedelta(seconds=settings.REAUTH_SECONDS)


def session_id_of(token: Token) -> uuid.UUID | None:
    """The session a validated token belongs to."""
    return _session_id(token)


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
    """
    Refuse a token whose session ended or whose user may no longer sign in.

    A password change revokes the user's sessions (accounts/signals.py), so
    the session's state is the one thing to check; a rehash of the same
    password on sign-in (a hasher upgrade) changes the stored hash and ends
    nothing.
    """
    if user is None or str(user.pk) != str(token.get(jwt_settings.USER_ID_CLAIM)):
        raise AuthenticationFailed("Session has ended", code="session_ended")
    # Deactivation also revokes the sessions; the more telling reason wins.
    if not user.is_active:
        raise AuthenticationFailed("User is inactive", code="user_inactive")
    if not live:
        raise AuthenticationFailed("Session has ended", code="session_ended")


def _refresh_token_for(*, user: AbstractBaseUser, session: Session) -> RefreshToken:
    refresh = RefreshToken.for_user(user)
    refresh[SESSION_CLAIM] = str(session.pk)
    refresh[AMR_CLAIM] = session.amr.split()
    return refresh
