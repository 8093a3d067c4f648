import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class SessionQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class Session(models.Model):
    """
    One sign-in: the family of refresh tokens that one login started.

    Only the id (`jti`) of the refresh token currently valid for the session
    is kept, never a token. Access tokens carry the session id, so revoking
    the row signs the client out on its next request.
    """

    class RevokeReason(models.TextChoices):
        LOGOUT = "logout", "signed out"
        LOGOUT_ALL = "logout_all", "signed out everywhere"
        REUSE = "reuse", "refresh token reused"
        PASSWORD_CHANGE = "password_change", "password changed"
        PASSWORD_RESET = "password_reset", "password reset"
        DEACTIVATED = "deactivated", "user deactivated"
        ADMIN = "admin", "revoked by staff"
        USER = "user", "revoked by the user"
        EMAIL_CHANGE = "email_change", "email changed"
        MFA_CHANGE = "mfa_change", "two-factor settings changed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="auth_sessions",
    )
    refresh_jti = models.CharField(
        "current refresh token id", max_length=64, editable=False
    )
    previous_jti = models.CharField(max_length=64, blank=True, editable=False)
    rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True, editable=False)
    user_agent = models.CharField(max_length=512, blank=True, editable=False)
    # The last time the user proved their password again in this session
    # (POST /api/auth/reauthenticate/); sign-in itself counts as one.
    reauthenticated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How the user proved who they are at sign-in, as RFC 8176's `amr`
    # values separated by spaces ("pwd", "pwd otp mfa", "hwk mfa"); every
    # token of the session carries them.
    amr = models.CharField(max_length=64, default="pwd", editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_reason = models.CharField(
        max_length=32, choices=RevokeReason.choices, blank=True, editable=False
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-last_used_at"]
        indexes = [models.Index(fields=["user", "revoked_at"])]
        permissions = [("revoke_session", "Can revoke sessions")]

    def __str__(self):
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class VerifiedEmail(models.Model):
    """
    The address a user proved to receive mail at, and when.

    Verification belongs to an address, not to the account: once the user's
    email is another one, this row no longer vouches for it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="verified_email",
    )
    address = models.EmailField(max_length=254)
    verified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "verified email"
        constraints = [
            # One account per proven address: two accounts racing to confirm
            # the same new address cannot both win.
            models.UniqueConstraint(
                Lower("address"), name="verified_email_address_unique"
            )
        ]

    def __str__(self):
        return f"{self.address} since {self.verified_at:%Y-%m-%d %H:%M}"
