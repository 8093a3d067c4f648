"""
Reactions to changes of a user, however they are made: the API, the admin,
`manage.py changepassword`, or `set_password()` and `save()` in a shell.
"""

from django.conf import settings
from django.contrib.auth.hashers import is_password_usable
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from accounts.events import auth_event_log, username_digest
from accounts.models import Session
from accounts.network import client_ip
from accounts.sessions import user_sessions_revoke
from accounts.usernames import username_fold


@receiver(user_login_failed)
def log_login_failure(sender, credentials, request=None, **kwargs):
    """
    Log a failed sign-in. accounts/limits.py has already counted it.

    What was typed as the username may be a password typed into the wrong
    box: it is logged as a keyed digest, never as text.
    """
    auth_event_log(
        "login_failed",
        username_digest=username_digest(username_fold(credentials.get("username"))),
        ip=client_ip(request) if request is not None else None,
    )


@receiver(pre_save, sender=settings.AUTH_USER_MODEL)
def note_a_disabled_password(sender, instance, update_fields=None, **kwargs):
    """
    Remember whether this save turns a usable password into an unusable one
    (`set_unusable_password()`, the admin's "disable password-based
    authentication"), which leaves no raw password on the instance to see.
    """
    instance._password_disabled = False
    if instance.pk is None or instance.has_usable_password():
        return
    if update_fields is not None and "password" not in update_fields:
        return
    stored = (
        sender._default_manager.filter(pk=instance.pk)
        .values_list("password", flat=True)
        .first()
    )
    instance._password_disabled = stored is not None and is_password_usable(stored)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def revoke_sessions_on_password_change_or_deactivation(
    sender, instance, created, **kwargs
):
    """
    End every session of a user whose password changed (or was disabled) or
    who was deactivated, so that reactivating them later brings none back.

    `set_password()` leaves the new raw password on the instance until the
    save that stores it has run; a rehash on sign-in (a hasher upgrade)
    clears it before saving, so it signs no one out.
    """
    if created:
        return
    if getattr(instance, "_password", None) is not None or getattr(
        instance, "_password_disabled", False
    ):
        user_sessions_revoke(user=instance, reason=Session.RevokeReason.PASSWORD_CHANGE)
    elif not instance.is_active:
        user_sessions_revoke(user=instance, reason=Session.RevokeReason.DEACTIVATED)
