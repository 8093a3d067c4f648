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


def frontend_link(path_template: str, **fields) -> str:
    return settings.FRONTEND_URL.rstrip("/") + path_template.format(**fields)


def masked(email: str) -> str:
    """`n***@example.com`: enough to recognise an address, not to harvest it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def email_verification_mail_send(*, user: AbstractBaseUser, key: str) -> None:
    link = frontend_link(settings.EMAIL_VERIFY_PATH, key=key)
    send_mail(
        subject="Verify your email address",
        message=(
            f"Hello {user.get_username()},\n\n"
            "Open this link to confirm that this is your email address:\n\n"
            f"{link}\n\n"
            "If you did not create an account, ignore this email."
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def email_change_mail_send(*, user: AbstractBaseUser, new_email: str, key: str) -> None:
    link = frontend_link(settings.EMAIL_CHANGE_PATH, key=key)
    send_mail(
        subject="Confirm your new email address",
        message=(
            f"Hello {user.get_username()},\n\n"
            "Someone signed in to your account asked to use this address for "
            f"it. If it was you, open this link to confirm:\n\n{link}\n\n"
            "If it was not you, ignore this email: nothing changes."
        ),
        from_email=None,
        recipient_list=[new_email],
    )


def email_changed_notice_send(*, old_email: str, new_email: str) -> None:
    send_mail(
        subject="Your email address was changed",
        message=(
            f"The email address of your account was changed to {masked(new_email)}.\n\n"
            "If it wasn't you, reset your password now and contact us."
        ),
        from_email=None,
        recipient_list=[old_email],
    )


def account_deleted_notice_send(*, email: str, username: str) -> None:
    send_mail(
        subject="Your account was deleted",
        message=(
            f"Hello {username},\n\n"
            "Your account and everything in it was deleted, as asked from a "
            "signed-in session. If it wasn't you, contact us at once."
        ),
        from_email=None,
        recipient_list=[email],
    )
