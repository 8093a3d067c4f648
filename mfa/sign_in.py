"""
Signing in with a second factor, and with a passkey alone.

A right password for a user with a second factor opens no session: it
answers `mfa_required` with an `mfa_token`, an opaque single-use value that
expires in MFA_CHALLENGE_SECONDS and is good for nothing but finishing this
sign-in (it is not a JWT, so no Bearer check accepts it). The second step
opens the session, whose tokens say how the user proved who they are in
RFC 8176's `amr` claim:

    password + authenticator app or recovery code   ["pwd", "otp", "mfa"]
    password + passkey                              ["pwd", "hwk" | "swk", "mfa"]
    passkey alone (user verification required)      ["hwk" | "swk", "mfa"]
    password alone (no second factor)               ["pwd"]

A wrong code does not spend the `mfa_token`; every try counts toward the
user's second-factor limit and toward their username's sign-in limit
(accounts/limits.py).
"""

from typing import TypedDict

from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac
from rest_framework.exceptions import ValidationError

from accounts.email_addresses import sign_in_verified_email_check
from accounts.limits import second_factor_attempt_start
from accounts.network import client_ip_for_storage, user_agent
from accounts.sessions import TokenPair, session_open
from mfa import passkeys, recovery_codes, totp
from mfa.challenges import Purpose, challenge_find, challenge_issue, challenge_spend
from mfa.factors import WRONG_CODE, second_factor_methods, user_has_second_factor

SIGN_IN_UNFINISHABLE = "The sign-in has expired or was already finished; sign in again."


class SecondFactorRequired(TypedDict):
    mfa_required: bool
    mfa_token: str
    methods: list[str]


class MfaTokenInvalid(ValidationError):
    def __init__(self):
        super().__init__(
            {"detail": SIGN_IN_UNFINISHABLE, "code": "mfa_token_invalid"},
            code="mfa_token_invalid",
        )


def second_factor_challenge(*, user) -> SecondFactorRequired | None:
    """
    After a right password: None if the user has no second factor, else the
    `mfa_required` answer that the client finishes at /api/auth/mfa/verify/.
    """
    if not user_has_second_factor(user):
        return None
    token = challenge_issue(
        purpose=Purpose.SIGN_IN,
        user=user,
        password_digest=_password_digest(user.password),
    )
    return {
        "mfa_required": True,
        "mfa_token": token.hex(),
        "methods": second_factor_methods(user),
    }


def second_factor_verify(
    *, request, mfa_token: str, code: str = "", credential: dict | None = None
) -> TokenPair:
    """Finish a sign-in with a TOTP code, a recovery code or a passkey."""
    challenge = _sign_in_challenge(mfa_token)
    user = challenge.user
    attempt = second_factor_attempt_start(user=user)
    if credential is not None:
        # Not in the transaction below, which a refusal rolls back: a
        # passkey's challenge is spent whatever the outcome, so an assertion
        # refused here cannot be replayed at /api/auth/passkeys/login/.
        passkey = passkeys.passkey_authenticate(credential=credential)
        if passkey.user_id != user.pk:
            raise passkeys.PasskeyRefused("This passkey belongs to another account.")
        amr = ["pwd", passkeys.amr_of(passkey), "mfa"]
    with transaction.atomic():
        if credential is None:
            if not _code_accept(user=user, code=code):
                raise ValidationError({"code": [WRONG_CODE]}, code="wrong_code")
            amr = ["pwd", "otp", "mfa"]
        if not challenge_spend(challenge):
            raise MfaTokenInvalid
    attempt.succeeded()
    return _session_open(request=request, user=user, amr=amr)


def second_factor_code_check(*, user, code: str) -> bool:
    """
    For a door that asks for the password and the code in one form (the
    admin's login): True, once, for a right TOTP or recovery code, under the
    same limits as /api/auth/mfa/verify/.
    """
    attempt = second_factor_attempt_start(user=user)
    accepted = _code_accept(user=user, code=code)
    if accepted:
        attempt.succeeded()
    return accepted


def passkey_sign_in(*, request, credential: dict) -> TokenPair:
    """Sign in with a passkey alone: it is possession and user verification."""
    passkey = passkeys.passkey_authenticate(credential=credential)
    user = passkey.user
    if not user.is_active:
        raise passkeys.PasskeyRefused
    sign_in_verified_email_check(user=user)
    return _session_open(
        request=request, user=user, amr=[passkeys.amr_of(passkey), "mfa"]
    )


def _code_accept(*, user, code: str) -> bool:
    return totp.totp_verify(user=user, code=code) or recovery_codes.recovery_code_spend(
        user=user, code=code
    )


def _sign_in_challenge(mfa_token: str):
    try:
        value = bytes.fromhex(mfa_token)
    except (TypeError, ValueError):
        raise MfaTokenInvalid from None
    challenge = challenge_find(purpose=Purpose.SIGN_IN, value=value)
    if challenge is None or not challenge.user.is_active:
        raise MfaTokenInvalid
    # A password changed since the first step voids the half-done sign-in.
    if not constant_time_compare(
        challenge.password_digest, _password_digest(challenge.user.password)
    ):
        raise MfaTokenInvalid
    return challenge


def _session_open(*, request, user, amr: list[str]) -> TokenPair:
    return session_open(
        user=user,
        ip_address=client_ip_for_storage(request),
        user_agent=user_agent(request),
        amr=amr,
    )


def _password_digest(password_hash: str) -> str:
    return salted_hmac("mfa.sign_in", password_hash, algorithm="sha256").hexdigest()
