"""Accounts: registration, and the rules an account's identity follows."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from accounts.email_addresses import (
    email_is_verified,
    email_verification_request,
    sign_in_verified_email_check,
)
from accounts.events import auth_event_log
from accounts.network import client_ip_for_storage, user_agent
from accounts.permissions import CodedPermissionDenied
from accounts.sessions import TokenPair, session_open
from accounts.tasks import account_deleted_notice_send
from accounts.usernames import username_normalize
from mfa.sign_in import SecondFactorRequired, second_factor_challenge

User = get_user_model()

USERNAME_TAKEN = "A user with that username already exists."


def user_sign_in(*, request, user: User) -> TokenPair | SecondFactorRequired:
    """
    Open a session for a user whose password a sign-in door just checked
    (`/api/auth/token/` and `/token` alike), if their address may sign in;
    for a user with a second factor, ask for it instead (mfa/sign_in.py).
    """
    sign_in_verified_email_check(user=user)
    second_step = second_factor_challenge(user=user)
    if second_step is not None:
        return second_step
    return session_open(
        user=user,
        ip_address=client_ip_for_storage(request),
        user_agent=user_agent(request),
    )


def user_register(*, username: str, password: str, email: str = "") -> User:
    """
    Create an active user; the serializer has validated the password.

    The database's folded-username index has the last word: of two
    registrations of one name (or of two case or width variants of it) that
    race past the serializer's check, the second fails here with the same
    400 as a sequential duplicate.
    """
    user = User(
        username=username_normalize(username),
        email=User.objects.normalize_email(email),
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:
        raise ValidationError({"username": [USERNAME_TAKEN]}) from exc
    auth_event_log("user_registered", user_id=user.pk)
    email_verification_request(user=user)
    return user


class StaffCannotDeleteThemselves(CodedPermissionDenied):
    default_detail = "Staff accounts are deleted by another administrator."
    default_code = "staff_account"


def user_delete(*, user: User) -> None:
    """
    Delete an account with everything it owns: its items and its sessions,
    so every token of it is refused on its next use.

    Deleted, not anonymised: nothing of the person stays behind, and the
    username becomes free again. Staff are refused, so that an access token
    of an administrator cannot erase the account (and its audit trail) by
    itself.
    """
    if user.is_staff or user.is_superuser:
        raise StaffCannotDeleteThemselves
    user_id, username = user.pk, user.get_username()
    verified_address = user.email if email_is_verified(user) else ""
    with transaction.atomic():
        user.delete()
    auth_event_log("user_deleted", user_id=user_id)
    if verified_address:
        account_deleted_notice_send.enqueue(email=verified_address, username=username)
