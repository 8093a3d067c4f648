"""
Single-use, short-lived steps (mfa/models.py's Challenge): the `mfa_token`
of a half-done sign-in and the challenges passkeys sign.

Only a SHA-256 of each is stored, so a copy of the table hands out nothing
usable; spending one is a conditional UPDATE, so it is spent once even
under concurrent requests.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from mfa.models import Challenge

Purpose = Challenge.Purpose


def challenge_issue(
    *, purpose: str, user=None, value: bytes | None = None, password_digest: str = ""
) -> bytes:
    """Store a new challenge (random unless `value` is given) and return it."""
    value = value if value is not None else secrets.token_bytes(32)
    now = timezone.now()
    Challenge.objects.create(
        digest=_digest(value),
        purpose=purpose,
        user=user,
        password_digest=password_digest,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.MFA_CHALLENGE_SECONDS),
    )
    return value


def challenge_find(*, purpose: str, value: bytes) -> Challenge | None:
    """The challenge if it is unused and unexpired, without spending it."""
    return (
        Challenge.objects.select_related("user")
        .filter(
            digest=_digest(value),
            purpose=purpose,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )


def challenge_spend(challenge: Challenge) -> bool:
    """Mark the challenge used; False if it already was or has expired."""
    return bool(
        Challenge.objects.filter(
            pk=challenge.pk, used_at__isnull=True, expires_at__gt=timezone.now()
        ).update(used_at=timezone.now())
    )


def challenges_purge_expired() -> int:
    deleted, _ = Challenge.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def challenges_of_user_void(*, user) -> None:
    """End every pending step of a user: their password or factors changed."""
    Challenge.objects.filter(user=user, used_at__isnull=True).update(
        used_at=timezone.now()
    )


def _digest(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()
