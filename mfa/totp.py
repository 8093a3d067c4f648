"""
Authenticator apps (TOTP, RFC 6238): setting one up, confirming it, turning
it off, and checking a code, each code accepted once.

Codes are 6 digits for 30-second steps; one step of clock drift is allowed
either way. A code is accepted only for a time step later than the last one
accepted (`TOTPDevice.last_used_step`, moved forward by one conditional
UPDATE), so a code seen over a shoulder or phished cannot be replayed within
its window, not even by two requests at once.
"""

import time

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.events import auth_event_log
from mfa.encryption import secret_decrypt, secret_encrypt
from mfa.errors import CodedConflict
from mfa.models import TOTPDevice

DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1


class TOTPAlreadyEnabled(CodedConflict):
    default_detail = "An authenticator app is already on; turn it off first."
    default_code = "totp_enabled"


def totp_setup(*, user) -> dict:
    """
    Start (or restart) setting up an authenticator app: a new secret for a
    pending device, as a secret, an `otpauth://` URI and a QR code of it.

    Refused while an app is already on: turning it off first is the
    explicit way to replace it.
    """
    if totp_is_enabled(user):
        raise TOTPAlreadyEnabled
    secret = pyotp.random_base32(length=32)
    TOTPDevice.objects.update_or_create(
        user=user,
        confirmed_at__isnull=True,
        defaults={
            "encrypted_secret": secret_encrypt(secret.encode()),
            "created_at": timezone.now(),
            "last_used_step": None,
        },
    )
    uri = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=user.get_username(), issuer_name=settings.MFA_TOTP_ISSUER
    )
    return {
        "secret": secret,
        "otpauth_uri": uri,
        "qr_svg": segno.make(uri, error="m").svg_inline(scale=4),
    }


def totp_is_enabled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()


def totp_confirm(*, user, code: str) -> bool:
    """Turn a pending app on if `code` is right for it; False otherwise."""
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None or not _code_accept(device, code):
        return False
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    auth_event_log("totp_enabled", user_id=user.pk)
    return True


def totp_verify(*, user, code: str) -> bool:
    """True, once, for a right code of the user's confirmed app."""
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    return device is not None and _code_accept(device, code)


def totp_disable(*, user) -> bool:
    """Remove the user's app, pending or confirmed; False if there was none."""
    with transaction.atomic():
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        auth_event_log("totp_disabled", user_id=user.pk)
    return bool(deleted)


def _code_accept(device: TOTPDevice, code: str) -> bool:
    code = (code or "").strip().replace(" ", "")
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return False
    totp = pyotp.TOTP(
        secret_decrypt(device.encrypted_secret).decode(),
        digits=DIGITS,
        interval=STEP_SECONDS,
    )
    now_step = int(time.time()) // STEP_SECONDS
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return _step_claim(device, step)
    return False


def _step_claim(device: TOTPDevice, step: int) -> bool:
    """Record `step` as used unless it, or a later one, already was."""
    claimed = (
        TOTPDevice.objects.filter(pk=device.pk)
        .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
        .update(last_used_step=step)
    )
    if not claimed:
        auth_event_log("totp_replay_refused", level=30, user_id=device.user_id)
    return bool(claimed)
