from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from accounts.network import client_ip
from accounts.services import auth_event_log
from accounts.throttling import login_failure_record


@receiver(user_login_failed)
def record_login_failure(sender, credentials, request=None, **kwargs):
    """Log a failed sign-in and count it toward its username's limit."""
    username = credentials.get("username")
    login_failure_record(username)
    auth_event_log(
        "login_failed",
        username=str(username)[:150],
        ip=client_ip(request) if request is not None else None,
    )
