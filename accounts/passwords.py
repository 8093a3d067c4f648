"""
The password lifecycle: checking one for a signed-in user, changing it,
and resetting it by email.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.events import auth_event_log
from accounts.limits import login_failures_clear, sign_in_attempt_start
from accounts.models import Session
from accounts.sessions import TokenPair, session_open, user_sessions_revoke

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
) -> TokenPair:
    """
    Set a new password, sign out every session, and open a fresh one.

    Saving the new password revokes every session (accounts/signals.py), the
    caller's own included, so the new pair returned here keeps that client
    signed in.
    """
    user.set_password(new_password)
    user.save(update_fields=["password"])
    auth_event_log("password_changed", user_id=user.pk, ip=ip_address)
    return session_open(user=user, ip_address=ip_address, user_agent=user_agent)


def password_reset_request(*, email: str) -> None:
    """
    Email a reset link to every active user with this address.

    Nothing is returned or raised either way, so the caller cannot tell
    whether the address belongs to an account; a mail server that is down is
    logged, not reported.
    """
    users = User.objects.filter(email__iexact=email, is_active=True)
    for user in users:
        if not user.has_usable_password():
            continue
        link = settings.FRONTEND_URL.rstrip("/") + settings.PASSWORD_RESET_PATH.format(
            uid=urlsafe_base64_encode(force_bytes(user.pk)),
            token=default_token_generator.make_token(user),
        )
        try:
            send_mail(
                subject="Reset your password",
                message=(
                    f"Hello {user.get_username()},\n\n"
                    "Someone asked to reset the password of your account. "
                    f"If it was you, open this link:\n\n{link}\n\n"
                    "If it was not you, ignore this email."
                ),
                from_email=None,
                recipient_list=[user.email],
            )
        except Exception:
            auth_event_log("password_reset_mail_failed", level=40, user_id=user.pk)
        else:
            auth_event_log("password_reset_requested", user_id=user.pk)


@transaction.atomic
def password_reset_confirm(*, user: AbstractBaseUser, new_password: str) -> None:
    """
    Set the password chosen through a reset link and end all sessions.

    Changing the password changes the hash that the reset token is derived
    from, which is what makes the link single-use.
    """
    # Revoked first, so the sessions record why they ended; the save below
    # then finds none left to revoke.
    user_sessions_revoke(user=user, reason=Session.RevokeReason.PASSWORD_RESET)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    # The owner proved control of the account: lift a lockout that someone
    # else's guessing may have caused.
    login_failures_clear(user.get_username())
    auth_event_log("password_reset", user_id=user.pk)
