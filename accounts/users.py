"""Accounts: registration, and the rules an account's identity follows."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from rest_framework.exceptions import ValidationError

from accounts.events import auth_event_log
from accounts.usernames import username_normalize

User = get_user_model()

USERNAME_TAKEN = "A user with that username already exists."


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
    return user
