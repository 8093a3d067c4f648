"""
Mail to account holders: each message composed and handed to the mail server.

These functions run in a task (accounts.tasks), not inside a request: how
long the mail server takes, and whether there is anyone to write to at all,
must not show in the API's response times.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


class MailNotSentError(Exception):
    """The mail server refused or could not be reached for some account mail."""


def password_reset_link(user: AbstractBaseUser) -> str:
    """
    Return the frontend's reset page for the user, with a uid and a token.

    The token is derived from the password hash, so setting a password
    through the link (or in any other way) makes the link useless.
    """
    return settings.FRONTEND_URL.rstrip("/") + settings.PASSWORD_RESET_PATH.format(
        uid=urlsafe_base64_encode(force_bytes(user.pk)),
        token=default_token_generator.make_token(user),
    )


def password_reset_mail_send(*, user: AbstractBaseUser) -> None:
    """Email the user a reset link; raise if the mail server does not take it."""
    send_mail(
        subject="Reset your password",
        message=(
            f"Hello {user.get_username()},\n\n"
            "Someone asked to reset the password of your account. "
            f"If it was you, open this link:\n\n{password_reset_link(user)}\n\n"
            "If it was not you, ignore this email."
        ),
        from_email=None,
        recipient_list=[user.email],
    )
