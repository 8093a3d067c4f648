"""
Work that a request hands over to the task worker (django-tasks).

A task takes only JSON values and looks up what it needs when it runs, so a
request enqueues the same thing whatever the database holds. With
TASKS_BACKEND=database the worker that bin/serve starts (manage.py
db_worker) runs the queued tasks; with "immediate" they run inside the
request that enqueues them.
"""

import logging

from django.contrib.auth import get_user_model
from django_tasks import task

from accounts.mail import MailNotSentError, password_reset_mail_send

User = get_user_model()
logger = logging.getLogger("accounts.auth")


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
    users = [
        user
        for user in User.objects.filter(email__iexact=email, is_active=True)
        if user.has_usable_password()
    ]
    failed = 0
    for user in users:
        try:
            password_reset_mail_send(user=user)
        except Exception:
            failed += 1
            logger.exception(
                "password_reset_mail_failed user_id=%s",
                user.pk,
                extra={"event": "password_reset_mail_failed", "user_id": user.pk},
            )
        else:
            logger.info(
                "password_reset_requested user_id=%s",
                user.pk,
                extra={"event": "password_reset_requested", "user_id": user.pk},
            )
    if failed:
        raise MailNotSentError(f"{failed} of {len(users)} reset mails not sent")
    return len(users)
