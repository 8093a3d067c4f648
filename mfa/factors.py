"""
A user's second factors as a whole: which they have, and what changing one
does to their sessions.

Every change of a factor (an app turned on or off, a passkey added or
removed, new recovery codes, a reset by staff) signs out the user's other
sessions: whoever holds one of them may be the reason for the change. The
session that made the change stays signed in.
"""

from rest_framework.exceptions import ValidationError

from accounts.events import auth_event_log
from accounts.models import Session
from accounts.sessions import user_sessions_revoke
from mfa import passkeys, recovery_codes, totp
from mfa.challenges import challenges_of_user_void
from mfa.errors import CodedConflict
from mfa.models import Passkey, RecoveryCode, TOTPDevice

WRONG_CODE = "The code is wrong or has already been used."


class NoSecondFactor(CodedConflict):
    default_detail = "Turn on an authenticator app or add a passkey first."
    default_code = "no_second_factor"


def user_has_second_factor(user) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def second_factor_methods(user) -> list[str]:
    """The ways this user can finish a sign-in, in the order a client offers them."""
    methods = []
    if totp.totp_is_enabled(user):
        methods.append("totp")
    if recovery_codes.recovery_codes_left(user):
        methods.append("recovery_code")
    if Passkey.objects.filter(user=user).exists():
        methods.append("webauthn")
    return methods


def factors_summary(user) -> dict:
    """What `GET /api/auth/mfa/` shows: never a secret or a code."""
    return {
        "totp": totp.totp_is_enabled(user),
        "passkeys": Passkey.objects.filter(user=user).count(),
        "recovery_codes_left": recovery_codes.recovery_codes_left(user),
    }


def totp_enable(*, user, code: str, session_id) -> list[str]:
    """Turn the pending app on with a right code; return new recovery codes."""
    if not totp.totp_confirm(user=user, code=code):
        raise ValidationError({"code": [WRONG_CODE]}, code="wrong_code")
    codes = recovery_codes.recovery_codes_replace(user=user)
    _factor_changed(user=user, session_id=session_id)
    return codes


def totp_turn_off(*, user, session_id) -> None:
    if not totp.totp_disable(user=user):
        raise NoSecondFactor("No authenticator app is on.")
    _recovery_codes_drop_if_last(user)
    _factor_changed(user=user, session_id=session_id)


def recovery_codes_renew(*, user, session_id) -> list[str]:
    if not user_has_second_factor(user):
        raise NoSecondFactor
    codes = recovery_codes.recovery_codes_replace(user=user)
    _factor_changed(user=user, session_id=session_id)
    return codes


def passkey_add(*, user, credential: dict, name: str, session_id):
    """
    Register a passkey. The first factor of an account comes with recovery
    codes, as an authenticator app's does; return them (else None).
    """
    passkey = passkeys.passkey_register(user=user, credential=credential, name=name)
    codes = None
    if not RecoveryCode.objects.filter(user=user, used_at__isnull=True).exists():
        codes = recovery_codes.recovery_codes_replace(user=user)
    _factor_changed(user=user, session_id=session_id)
    return passkey, codes


def passkey_delete(*, user, passkey: Passkey, session_id) -> None:
    passkeys.passkey_remove(passkey=passkey)
    _recovery_codes_drop_if_last(user)
    _factor_changed(user=user, session_id=session_id)


def factors_reset(*, user, by) -> None:
    """
    Staff remove every factor of a user who lost them (after checking who
    they are, outside this system); all the user's sessions end.
    """
    TOTPDevice.objects.filter(user=user).delete()
    Passkey.objects.filter(user=user).delete()
    recovery_codes.recovery_codes_delete(user=user)
    challenges_of_user_void(user=user)
    user_sessions_revoke(user=user, reason=Session.RevokeReason.MFA_CHANGE)
    auth_event_log("mfa_reset_by_staff", user_id=user.pk, staff_id=by.pk)


def _recovery_codes_drop_if_last(user) -> None:
    """Recovery codes stand in for a factor: with none left they go too."""
    if not user_has_second_factor(user):
        recovery_codes.recovery_codes_delete(user=user)


def _factor_changed(*, user, session_id) -> None:
    challenges_of_user_void(user=user)
    keep = Session(pk=session_id) if session_id is not None else None
    user_sessions_revoke(user=user, reason=Session.RevokeReason.MFA_CHANGE, keep=keep)
