"""
Email addresses: proving one (verification) and moving to another (a change
confirmed from the new inbox, with a notice to the old one).

Keys are signed with SECRET_KEY (django.core.signing), expire after
EMAIL_KEY_LIFETIME_SECONDS and carry the state they were issued for, so
they need no table and work once: a verification key names the address it
proves, which is then verified; a change key names the old address, which
is then gone.
"""

import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework.exceptions import ValidationError

from accounts.events import auth_event_log
from accounts.models import Session, VerifiedEmail
from accounts.permissions import CodedPermissionDenied
from accounts.sessions import user_sessions_revoke
from accounts.tasks import (
    email_change_mail_send,
    email_changed_notice_send,
    email_verification_mail_send,
)

User = get_user_model()

VERIFY_SALT = "accounts.email.verify"
CHANGE_SALT = "accounts.email.change"
INVALID_KEY = "This link is invalid, has expired or has already been used."
_UNSET = object()


class EmailUnverified(CodedPermissionDenied):
    default_detail = (
        "Verify your email address first: a new link is on its way to your inbox."
    )
    default_code = "email_unverified"


# Verification
# ------------------------------------------------------------------------------


def email_is_verified(user: AbstractBaseUser) -> bool:
    """True when the user's current address is the one they verified."""
    # Read by the session lookup of every request (accounts/selectors.py), or
    # by select_related("verified_email"); else one query.
    address = getattr(user, "verified_email_address", _UNSET)
    if address is _UNSET and "verified_email" in user._state.fields_cache:
        record = user._state.fields_cache["verified_email"]
        address = record.address if record is not None else None
    if address is _UNSET:
        address = (
            VerifiedEmail.objects.filter(user=user)
            .values_list("address", flat=True)
            .first()
        )
    return (
        bool(user.email)
        and address is not None
        and address.lower() == (user.email.lower())
    )


def email_verification_key(user: AbstractBaseUser) -> str:
    return signing.dumps({"u": user.pk, "e": user.email.lower()}, salt=VERIFY_SALT)


def email_verification_request(*, user: AbstractBaseUser) -> None:
    """Queue a verification link to the user's address, unless it is verified."""
    if user.email and not email_is_verified(user):
        email_verification_mail_send.enqueue(user_id=user.pk)


def email_verify(*, key: str) -> AbstractBaseUser:
    """Mark the address a key was issued for as verified; the key then is spent."""
    data = _load(key, salt=VERIFY_SALT)
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or user.email.lower() != data.get("e") or email_is_verified(user):
        raise ValidationError({"key": [INVALID_KEY]})
    try:
        with transaction.atomic():
            email_mark_verified(user=user)
    except IntegrityError as exc:  # another account proved this address
        raise ValidationError({"key": [INVALID_KEY]}) from exc
    auth_event_log("email_verified", user_id=user.pk)
    return user


def email_mark_verified(*, user: AbstractBaseUser) -> None:
    VerifiedEmail.objects.update_or_create(
        user=user, defaults={"address": user.email, "verified_at": timezone.now()}
    )


def sign_in_verified_email_check(*, user: AbstractBaseUser) -> None:
    """
    With REQUIRE_VERIFIED_EMAIL, refuse to sign in an unverified address
    (403 `email_unverified`) and mail the link again, at most once an hour.
    """
    if not settings.REQUIRE_VERIFIED_EMAIL or email_is_verified(user):
        return
    if cache.add(f"verify-on-sign-in:{user.pk}", 1, timeout=3600):
        email_verification_request(user=user)
    auth_event_log("sign_in_refused_unverified", user_id=user.pk)
    raise EmailUnverified


# Change of address
# ------------------------------------------------------------------------------


def email_change_key(*, user: AbstractBaseUser, new: str, session_id: str) -> str:
    """
    The key of the link that moves `user` to `new`.

    It names the old address only by a keyed digest (the link goes to the new
    address), and carries the user's verification stamp, which every change
    of address renews: so it works once, even if the account later comes
    back to the same address.
    """
    payload = {
        "u": user.pk,
        "o": _digest(user.email),
        "n": new,
        "s": session_id,
        "v": _verification_stamp(user),
    }
    return signing.dumps(payload, salt=CHANGE_SALT)


def email_change_request(
    *, user: AbstractBaseUser, new_email: str, session_id: str
) -> None:
    """
    Queue a confirmation link to the new address; nothing changes until it
    is opened.

    Whether to send it is the task's decision (email_change_mail_prepare):
    the request does the same work whatever the address, so neither its
    answer nor its timing tells which addresses belong to other accounts.
    """
    email_change_mail_send.enqueue(
        user_id=user.pk,
        new_email=User.objects.normalize_email(new_email),
        session_id=session_id,
    )
    auth_event_log("email_change_requested", user_id=user.pk)


def email_change_mail_prepare(
    *, user_id: int, new_email: str, session_id: str
) -> tuple[AbstractBaseUser, str] | None:
    """
    Return the user and the key to mail to `new_email`, or None when no mail
    may go: the address is the user's own, or another account proved it.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or new_email.lower() == user.email.lower():
        return None
    if _taken(new_email, by_other=user):
        auth_event_log("email_change_not_sent", user_id=user.pk)
        return None
    return user, email_change_key(user=user, new=new_email, session_id=session_id)


def email_change_confirm(*, key: str) -> AbstractBaseUser:
    """
    Move the account to the new address (verified: the link proved it), tell
    the old address, and end every session but the one that asked.
    """
    data = _load(key, salt=CHANGE_SALT)
    try:
        with transaction.atomic():
            user = _user_changing_address(data)
            old_email = user.email
            user.email = data["n"]
            user.save(update_fields=["email"])
            # The unique index on verified addresses settles a race between
            # two accounts confirming the same new address.
            email_mark_verified(user=user)
            keep = _session_of(user, data["s"])
            user_sessions_revoke(
                user=user, reason=Session.RevokeReason.EMAIL_CHANGE, keep=keep
            )
    except IntegrityError as exc:
        raise ValidationError({"key": [INVALID_KEY]}) from exc
    if old_email:
        email_changed_notice_send.enqueue(old_email=old_email, new_email=user.email)
    auth_event_log("email_changed", user_id=user.pk)
    return user


def _user_changing_address(data: dict) -> AbstractBaseUser:
    """The key's user, locked, if the key still fits their state."""
    user = User.objects.select_for_update().filter(pk=data["u"], is_active=True).first()
    if (
        user is None
        or data.get("o") != _digest(user.email)
        or data.get("v") != _verification_stamp(user)
        or _taken(data["n"], by_other=user)
    ):
        raise ValidationError({"key": [INVALID_KEY]})
    return user


def _session_of(user: AbstractBaseUser, session_id: str) -> Session | None:
    try:
        return Session.objects.filter(pk=uuid.UUID(session_id), user=user).first()
    except ValueError:
        return None


def _verification_stamp(user: AbstractBaseUser) -> str:
    verified_at = (
        VerifiedEmail.objects.filter(user=user)
        .values_list("verified_at", flat=True)
        .first()
    )
    return verified_at.isoformat() if verified_at else ""


def _digest(email: str) -> str:
    return salted_hmac(CHANGE_SALT, email.lower()).hexdigest()[:32]


def _taken(email: str, *, by_other: AbstractBaseUser) -> bool:
    """Whether another account has proved this address."""
    return (
        VerifiedEmail.objects.filter(address__iexact=email)
        .exclude(user=by_other)
        .exists()
    )


def _load(key: str, *, salt: str) -> dict:
    try:
        data = signing.loads(
            key, salt=salt, max_age=settings.EMAIL_KEY_LIFETIME_SECONDS
        )
    except signing.BadSignature as exc:  # SignatureExpired is one
        raise ValidationError({"key": [INVALID_KEY]}) from exc
    # Signed by this server, but checked all the same: a key is only ever a
    # dict of a user id and strings.
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("u"), int)
        or not all(isinstance(v, str) for k, v in data.items() if k != "u")
    ):
        raise ValidationError({"key": [INVALID_KEY]})
    if salt == CHANGE_SALT and not {"n", "s"} <= data.keys():
        raise ValidationError({"key": [INVALID_KEY]})
    return data
