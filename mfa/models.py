"""
A user's second factors: an authenticator app (TOTP), recovery codes and
passkeys; and the pending steps of a sign-in that needs one.

No secret is stored in the clear: the TOTP secret is encrypted
(mfa/encryption.py), recovery codes and pending-sign-in tokens are kept as
keyed hashes, and a passkey is only its public key.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TOTPDevice(models.Model):
    """
    An authenticator app. It is pending until the user proves it works by
    sending a code (`confirmed_at`); only a confirmed one is a factor.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="totp_device",
    )
    encrypted_secret = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The time step (unix time // 30) of the last code accepted: a code is
    # accepted only for a later step, so none is accepted twice.
    last_used_step = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "authenticator app"

    def __str__(self):
        state = "on" if self.confirmed_at else "pending"
        return f"Authenticator app of {self.user} ({state})"


class RecoveryCode(models.Model):
    """One single-use recovery code, kept only as a keyed hash."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recovery_codes",
    )
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "code_hash"], name="recovery_code_unique_per_user"
            )
        ]

    def __str__(self):
        return f"Recovery code of {self.user}"


class Passkey(models.Model):
    """A WebAuthn credential: a discoverable key that signs in by itself."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=64)
    credential_id = models.BinaryField(max_length=1023, unique=True, editable=False)
    public_key = models.BinaryField(editable=False)
    sign_count = models.BigIntegerField(default=0, editable=False)
    aaguid = models.CharField(max_length=36, blank=True, editable=False)
    # A synced passkey (iCloud Keychain, Google Password Manager) is "backed
    # up"; a device-bound one (a security key) is not: RFC 8176's swk vs hwk.
    backed_up = models.BooleanField(default=False, editable=False)
    transports = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.name} ({self.user})"


class Challenge(models.Model):
    """
    A single-use step that expires: the `mfa_token` of a sign-in whose
    password was right and whose second factor is awaited, or a WebAuthn
    challenge handed out for a passkey to sign.

    Only a hash of the token or challenge is stored; `used_at` is set by one
    conditional UPDATE, so of two concurrent uses exactly one wins.
    """

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", "second factor awaited"
        PASSKEY_REGISTER = "passkey_register", "passkey registration"
        PASSKEY_SIGN_IN = "passkey_sign_in", "passkey sign-in"

    digest = models.CharField(max_length=64, unique=True, editable=False)
    purpose = models.CharField(max_length=16, choices=Purpose.choices, editable=False)
    # Unset for a passwordless sign-in, whose user the passkey will tell.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # SIGN_IN: a keyed hash of the password hash the first step checked, so a
    # password changed in between voids the pending sign-in.
    password_digest = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self):
        return f"{self.get_purpose_display()} until {self.expires_at:%H:%M:%S}"
