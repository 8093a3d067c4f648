"""
The password lifecycle: checking one for a signed-in user, changing it,
and resetting it by email.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from rest_framework.exceptions import AuthenticationFailed, ValidationError

from accounts.events import auth_event_log
from accounts.limits import login_failures_clear, sign_in_attempt_start
from accounts.models import Session
from accounts.sessions import (
    TokenPair,
    session_open,
    user_credentials_lock,
    user_sessions_revoke,
)
from accounts.tasks import password_reset_mails_send

User = get_user_model()


def password_verify(*, request, user: AbstractBaseUser, password: str) -> bool:
    """
    Check the password of a signed-in user, as a sign-in would.

    A stolen access token must not become an unlimited password oracle, so
    the check counts toward the same username limit as sign-in (raising
    SignInThrottled past it), and a wrong password is a failed sign-in.
    """
    attempt = sign_in_attempt_start(request=request, username=user.get_username())
    if user.check_password(password):
        attempt.succeeded()
        return True
    auth_event_log("password_check_failed", user_id=user.pk)
    return False


@transaction.atomic
def user_change_password(
    *,
    user: AbstractBaseUser,
    new_password: str,
    ip_address: str | None = None,
    user_agent: str = "",
    amr: list[str] | tuple[str, ...] = ("pwd",),
) -> TokenPair:
    """
    Set a new password, sign out every session, and open a fresh one.

    Saving the new password revokes every session (accounts/signals.py), the
    caller's own included, so the new pair returned here keeps that client
    signed in, with the factors (`amr`) its session had proved.
    """
    # The old password was checked against this hash: a change that raced
    # this one (or a reset) makes it stale, and this one is refused.
    user_credentials_lock(user=user)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    auth_event_log("password_changed", user_id=user.pk, ip=ip_address)
    return session_open(
        user=user, ip_address=ip_address, user_agent=user_agent, amr=amr
    )


def password_reset_request(*, email: str) -> None:
    """
    Queue a reset link for every active user with this address.

    The request enqueues one task carrying only the address, known or not,
    and the worker looks the users up and sends the mail
    (accounts.tasks.password_reset_mails_send). So neither the answer nor
    its timing tells whether the address belongs to an account, and a slow
    or unreachable mail server never holds a request up.
    """
    password_reset_mails_send.enqueue(email=User.objects.normalize_email(email))


@transaction.atomic
def password_reset_confirm(*, user: AbstractBaseUser, new_password: str) -> None:
    """
    Set the password chosen through a reset link and end all sessions.

    Changing the password changes the hash that the reset token is derived
    from, which is what makes the link single-use.
    """
    # The link was checked against this hash: a second use racing this one
    # finds it changed, and is the same 400 as any used link.
    try:
        user_credentials_lock(user=user)
    except AuthenticationFailed as exc:
        raise ValidationError(
            {"non_field_errors": ["The reset link is invalid or has expired."]}
        ) from exc
    # Revoked first, so the sessions record why they ended; the save below
    # then finds none left to revoke.
    user_sessions_revoke(user=user, reason=Session.RevokeReason.PASSWORD_RESET)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The owner proved control of the account: lift a lockout that someone
    # else's guessing may have caused.
    login_failures_clear(user.get_username())
    auth_event_log("password_reset", user_id=user.pk)
