"""
Recovery codes: ten single-use codes for when the authenticator app or the
passkey is lost, shown once when made and stored only as keyed hashes.

A code is 10 characters from a 32-letter alphabet without look-alikes
(50 bits): too many to guess under the second-factor limit, so a fast keyed
hash (HMAC-SHA256 with mfa/encryption.py's key, so that the codes outlive a
rotation of DJANGO_SECRET_KEY as TOTP secrets do) is enough, and a code is
found by its hash with one indexed query. Spending one is a conditional
UPDATE: two requests with the same code cannot both succeed.
"""

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.events import auth_event_log
from mfa.encryption import mfa_keys
from mfa.models import RecoveryCode

COUNT = 10
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i
LENGTH = 10


def recovery_codes_replace(*, user) -> list[str]:
    """Make a new set of codes for the user; the old ones stop working."""
    codes = [_code_new() for _ in range(COUNT)]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=_code_hash(code, key=mfa_keys()[0]))
            for code in codes
        )
    auth_event_log("recovery_codes_created", user_id=user.pk)
    return [_code_display(code) for code in codes]


def recovery_code_spend(*, user, code: str) -> bool:
    """True, once, for one of the user's unused codes."""
    normalized = _code_normalize(code)
    if len(normalized) != LENGTH:
        return False
    hashes = [_code_hash(normalized, key=key) for key in mfa_keys()]
    spent = RecoveryCode.objects.filter(
        user=user, code_hash__in=hashes, used_at__isnull=True
    ).update(used_at=timezone.now())
    if spent:
        auth_event_log(
            "recovery_code_used", user_id=user.pk, left=recovery_codes_left(user)
        )
    return bool(spent)


def recovery_codes_left(user) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def recovery_codes_delete(*, user) -> None:
    RecoveryCode.objects.filter(user=user).delete()


def _code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def _code_display(code: str) -> str:
    """`abcde-fghjk`: easier to copy by hand."""
    return f"{code[:5]}-{code[5:]}"


def _code_normalize(code: str) -> str:
    return "".join(ch for ch in str(code).lower() if ch.isalnum() and ch.isascii())


def _code_hash(normalized: str, *, key: str) -> str:
    return salted_hmac(
        "mfa.recovery_code", normalized, secret=key, algorithm="sha256"
    ).hexdigest()
