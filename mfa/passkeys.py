"""
Passkeys (WebAuthn Level 3, with Duo's py_webauthn): registering one,
signing in with one (no username needed), and listing, renaming and
removing them.

Every passkey must be discoverable (a resident key) and verify its user (a
PIN or a biometric), so a passkey alone is two factors. The relying party id
and the accepted origins come from WEBAUTHN_RP_ID and WEBAUTHN_ORIGINS.
Each challenge is single-use and expires (mfa/challenges.py). A signature
counter that fails to move forward means two copies of one authenticator
exist: the sign-in is refused and logged.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from rest_framework.exceptions import ValidationError
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    options_to_json_dict,
    parse_client_data_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from accounts.events import auth_event_log
from mfa.challenges import Purpose, challenge_find, challenge_issue, challenge_spend
from mfa.models import Passkey

PASSKEY_REFUSED = "The passkey could not be verified."
# What py_webauthn and base64 decoding raise for answers that are not what a
# browser sends: each is a refusal (400), never a 500. RecursionError: the
# json module's answer to a deeply nested clientDataJSON, which py_webauthn
# parses and config/parsers.py never sees (it is inside the base64).
_MALFORMED = (
    WebAuthnException,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    OverflowError,
    RecursionError,
)


class PasskeyRefused(ValidationError):
    def __init__(self, detail: str = PASSKEY_REFUSED):
        super().__init__({"credential": [detail]}, code="passkey_refused")


def passkey_registration_options(*, user) -> dict:
    """Options for `navigator.credentials.create()`, its challenge stored."""
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        rp_name=settings.WEBAUTHN_RP_NAME,
        user_id=user_handle(user),
        user_name=user.get_username(),
        user_display_name=user.get_username(),
        timeout=settings.MFA_CHALLENGE_SECONDS * 1000,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=bytes(credential_id))
            for credential_id in Passkey.objects.filter(user=user).values_list(
                "credential_id", flat=True
            )
        ],
    )
    challenge_issue(
        purpose=Purpose.PASSKEY_REGISTER, user=user, value=options.challenge
    )
    return options_to_json_dict(options)


def passkey_register(*, user, credential: dict, name: str) -> Passkey:
    """Verify a new credential against its challenge and keep it."""
    challenge = _challenge_of(credential, purpose=Purpose.PASSKEY_REGISTER)
    if challenge.user_id != user.pk or not challenge_spend(challenge):
        raise PasskeyRefused("The challenge is unknown, used or expired.")
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge.value,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGINS,
            require_user_verification=True,
        )
    except _MALFORMED as exc:
        auth_event_log("passkey_registration_refused", user_id=user.pk, reason=str(exc))
        raise PasskeyRefused from exc
    try:
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user,
                name=name,
                credential_id=verified.credential_id,
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                aaguid=verified.aaguid,
                backed_up=verified.credential_backed_up,
                transports=_transports(credential),
            )
    except IntegrityError as exc:
        raise PasskeyRefused("This passkey is already registered.") from exc
    auth_event_log("passkey_added", user_id=user.pk, passkey_id=passkey.pk)
    return passkey


def passkey_sign_in_options() -> dict:
    """
    Options for `navigator.credentials.get()` with no username: the browser
    offers every passkey it holds for this site.
    """
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        timeout=settings.MFA_CHALLENGE_SECONDS * 1000,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    challenge_issue(purpose=Purpose.PASSKEY_SIGN_IN, value=options.challenge)
    return options_to_json_dict(options)


def passkey_authenticate(*, credential: dict) -> Passkey:
    """
    The passkey that signed a sign-in challenge, its use recorded; or
    PasskeyRefused. The challenge is spent whatever the outcome.
    """
    challenge = _challenge_of(credential, purpose=Purpose.PASSKEY_SIGN_IN)
    if not challenge_spend(challenge):
        raise PasskeyRefused("The challenge is unknown, used or expired.")
    passkey = _passkey_of(credential)
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge.value,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=settings.WEBAUTHN_ORIGINS,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except _MALFORMED as exc:
        _refusal_log(passkey, exc)
        raise PasskeyRefused from exc
    # Only forward: of two concurrent sign-ins with one counter value, one
    # moves it and the other is refused as a clone would be.
    moved = Passkey.objects.filter(pk=passkey.pk, sign_count=passkey.sign_count).update(
        sign_count=verified.new_sign_count,
        backed_up=verified.credential_backed_up,
        last_used_at=timezone.now(),
    )
    if not moved:
        raise PasskeyRefused
    passkey.backed_up = verified.credential_backed_up
    return passkey


def passkeys_of(user):
    return Passkey.objects.filter(user=user)


def passkey_rename(*, passkey: Passkey, name: str) -> Passkey:
    passkey.name = name
    passkey.save(update_fields=["name"])
    return passkey


def passkey_remove(*, passkey: Passkey) -> None:
    user_id, passkey_id = passkey.user_id, passkey.pk
    passkey.delete()
    auth_event_log("passkey_removed", user_id=user_id, passkey_id=passkey_id)


def user_handle(user) -> bytes:
    """
    The WebAuthn user handle: stable per account, and no personal data (the
    spec forbids usernames or addresses there).
    """
    return salted_hmac(
        "mfa.webauthn.user_handle", str(user.pk), algorithm="sha256"
    ).digest()


def amr_of(passkey: Passkey) -> str:
    """RFC 8176: a synced passkey is a software key, a device-bound one hardware."""
    return "swk" if passkey.backed_up else "hwk"


def _challenge_of(credential: dict, *, purpose: str):
    """The stored challenge that the credential's client data signed."""
    try:
        client_data = parse_client_data_json(
            base64url_to_bytes(credential["response"]["clientDataJSON"])
        )
    except _MALFORMED as exc:
        raise PasskeyRefused("The credential is malformed.") from exc
    challenge = challenge_find(purpose=purpose, value=client_data.challenge)
    if challenge is None:
        raise PasskeyRefused("The challenge is unknown, used or expired.")
    challenge.value = client_data.challenge
    return challenge


def _passkey_of(credential: dict) -> Passkey:
    try:
        credential_id = base64url_to_bytes(credential["rawId"])
    except _MALFORMED as exc:
        raise PasskeyRefused("The credential is malformed.") from exc
    passkey = (
        Passkey.objects.select_related("user")
        .filter(credential_id=credential_id)
        .first()
    )
    if passkey is None:
        raise PasskeyRefused("This passkey is not registered here.")
    return passkey


def _refusal_log(passkey: Passkey, exc: Exception) -> None:
    clone = "sign count" in str(exc).lower()
    auth_event_log(
        "passkey_clone_suspected" if clone else "passkey_sign_in_refused",
        level=logging.WARNING,
        user_id=passkey.user_id,
        passkey_id=passkey.pk,
        reason=str(exc),
    )


def _transports(credential: dict) -> list[str]:
    transports = (credential.get("response") or {}).get("transports") or []
    if not isinstance(transports, list):
        return []
    return [str(t)[:32] for t in transports[:8]]
