"""
Work that a request hands over to the task worker (django-tasks).

A task takes only JSON values and looks up what it needs when it runs, so a
request enqueues the same thing whatever the database holds. With
TASKS_BACKEND=database the worker that bin/serve starts (manage.py
db_worker) runs the queued tasks; with "immediate" they run inside the
request that enqueues them.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django_tasks import task

from accounts import mail
from accounts.events import auth_event_log
from accounts.mail import MailNotSentError, password_reset_mail_send

User = get_user_model()


@task()
def password_reset_mails_send(email: str) -> int:
    """
    Email a reset link to every active user with this address.

    Return how many mails went out. Users without a usable password (made
    with set_unusable_password, e.g. for single sign-on) get none. A mail the
    server refuses is logged and the other users still get theirs; then the
    task fails, so that its result (in the admin, with the database backend)
    records it.
    """
    from accounts.email_addresses import email_is_verified

    users = [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password()
        # With REQUIRE_VERIFIED_EMAIL only a proven address may take over an
        # account.
        and (not settings.REQUIRE_VERIFIED_EMAIL or email_is_verified(user))
    ]
    failed = 0
    for user in users:
        try:
            password_reset_mail_send(user=user)
        except Exception:
            failed += 1
            auth_event_log(
                "password_reset_mail_failed",
                level=logging.ERROR,
                exc_info=True,
                user_id=user.pk,
            )
        else:
            auth_event_log("password_reset_requested", user_id=user.pk)
    if failed:
        raise MailNotSentError(f"{failed} of {len(users)} reset mails not sent")
    return len(users)


@task()
def email_verification_mail_send(user_id: int) -> bool:
    """Mail a verification link for the user's current address, if still unverified."""
    from accounts.email_addresses import email_is_verified, email_verification_key

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or email_is_verified(user):
        return False
    mail.email_verification_mail_send(user=user, key=email_verification_key(user))
    auth_event_log("email_verification_sent", user_id=user.pk)
    return True


@task()
def email_change_mail_send(user_id: int, new_email: str, session_id: str) -> bool:
    """Mail the link that confirms a change of address to the new address."""
    from accounts.email_addresses import email_change_mail_prepare

    prepared = email_change_mail_prepare(
        user_id=user_id, new_email=new_email, session_id=session_id
    )
    if prepared is None:
        return False
    user, key = prepared
    mail.email_change_mail_send(user=user, new_email=new_email, key=key)
    return True


@task()
def email_changed_notice_send(old_email: str, new_email: str) -> None:
    """Tell the old address that the account moved away from it."""
    mail.email_changed_notice_send(old_email=old_email, new_email=new_email)


@task()
def account_deleted_notice_send(email: str, username: str) -> None:
    mail.account_deleted_notice_send(email=email, username=username)
