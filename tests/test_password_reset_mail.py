"""
Password-reset mail goes out from a task: what the request queues, and what
the worker then sends.
"""

import re
import signal
import smtplib
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.tasks import password_reset_mails_send
from tests.conftest import PASSWORD

User = get_user_model()

RESET_URL = reverse("accounts:password-reset")
CONFIRM_URL = reverse("accounts:password-reset-confirm")


@pytest.fixture
def database_tasks(settings):
    """Queue tasks in the database, as production does, instead of running them."""
    settings.TASKS = {"default": {"BACKEND": settings.TASKS_BACKENDS["database"]}}


def run_worker() -> None:
    """
    Run the database worker until the queue is empty (its --batch mode).

    The worker installs its own SIGINT and SIGTERM handlers; pytest's are put
    back afterwards.
    """
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    try:
        call_command("db_worker", batch=True, reload=False, startup_delay=False)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def reloaded(tasks: list[DBTaskResult]) -> list[DBTaskResult]:
    """The same task rows, as the worker left them."""
    return [DBTaskResult.objects.get(pk=task.pk) for task in tasks]


@pytest.mark.django_db(transaction=True)
def test_the_request_only_queues_the_address_and_the_worker_sends_the_mail(
    api_client, user, database_tasks
):
    known = api_client.post(RESET_URL, {"email": "John@EXAMPLE.com"})
    unknown = api_client.post(RESET_URL, {"email": "nobody@example.com"})

    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert mail.outbox == []
    queued = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [(t.task_path, t.status, t.args_kwargs) for t in queued] == [
        (
            "accounts.tasks.password_reset_mails_send",
            TaskResultStatus.READY,
            {"args": [], "kwargs": {"email": email}},
        )
        for email in ["John@example.com", "nobody@example.com"]
    ]

    run_worker()

    assert [message.to for message in mail.outbox] == [["john@example.com"]]
    assert [(t.status, t.return_value) for t in reloaded(queued)] == [
        (TaskResultStatus.SUCCESSFUL, 1),
        (TaskResultStatus.SUCCESSFUL, 0),
    ]
    uid, token = re.search(r"uid=([\w-]+)&token=([\w-]+)", mail.outbox[0].body).groups()
    confirm = api_client.post(
        CONFIRM_URL, {"uid": uid, "token": token, "new_password": "Brand-new-pass-77"}
    )
    assert confirm.status_code == 204


def test_the_reset_task_writes_to_every_active_user_with_a_usable_password(user):
    twin = User.objects.create_user("john2", "JOHN@example.com", PASSWORD)
    User.objects.create_user("gone", "john@example.com", PASSWORD, is_active=False)
    User.objects.create_user("sso", "john@example.com", password=None)

    result = password_reset_mails_send.enqueue(email="john@example.com")

    assert (result.status, result.return_value) == (TaskResultStatus.SUCCESSFUL, 2)
    greetings = {m.to[0]: m.body.splitlines()[0] for m in mail.outbox}
    assert greetings == {
        "john@example.com": f"Hello {user.username},",
        "JOHN@example.com": f"Hello {twin.username},",
    }


def test_a_refused_mail_fails_the_task_after_the_other_users_got_theirs(user):
    User.objects.create_user("john2", "john@example.com", PASSWORD)
    refused = smtplib.SMTPRecipientsRefused({"john@example.com": (550, b"No")})

    with mock.patch("accounts.mail.send_mail", side_effect=[refused, 1]) as send_mail:
        result = password_reset_mails_send.enqueue(email="john@example.com")

    assert send_mail.call_count == 2
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "accounts.mail.MailNotSentError"
    assert "1 of 2 reset mails not sent" in result.errors[0].traceback
