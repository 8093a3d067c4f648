"""The admin's forms: sign-in, password change and users, under the API's rules."""

from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy

from accounts.limits import LimitsUnavailable, SignInThrottled
from accounts.passwords import password_verify
from accounts.usernames import username_normalize, username_taken


class LimitedAdminAuthenticationForm(AdminAuthenticationForm):
    """
    The admin's login form, with the sign-in limits' refusal as a form error.

    The form signs in through `authenticate()`, whose backend counts the
    attempt and raises when a limit is reached; without this the admin would
    answer a locked username with a 500 (or, with ModelBackend, let it in).
    """

    def clean(self):
        try:
            return super().clean()
        except SignInThrottled as exc:
            minutes = max(1, round((exc.wait or 60) / 60))
            raise ValidationError(
                format_lazy(
                    "Too many sign-in attempts. Try again in {} minute(s).", minutes
                ),
                code="throttled",
            ) from exc
        except LimitsUnavailable as exc:
            raise ValidationError(
                "Sign-in is temporarily unavailable. Try again shortly.",
                code="unavailable",
            ) from exc


class FoldedUsernameMixin:
    """A username unique after NFKC and lower-casing, as the database wants it."""

    def clean_username(self):
        username = username_normalize(self.cleaned_data["username"])
        others = get_user_model()._default_manager.exclude(pk=self.instance.pk)
        if username_taken(username, among=others):
            raise ValidationError(
                "A user with that username already exists.", code="unique"
            )
        return username


class AccountUserCreationForm(FoldedUsernameMixin, AdminUserCreationForm):
    """The admin's "Add user" form."""


class AccountUserChangeForm(FoldedUsernameMixin, UserChangeForm):
    """The admin's user form."""


class LimitedPasswordChangeForm(AdminPasswordChangeForm):
    """
    The admin's own "Change password" form: the old password counts as a
    sign-in attempt, under the same limits as every other door.
    """

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        try:
            right = password_verify(request=None, user=self.user, password=old_password)
        except SignInThrottled as exc:
            raise ValidationError(
                "Too many attempts. Try again later.", code="throttled"
            ) from exc
        except LimitsUnavailable as exc:
            raise ValidationError(
                "Temporarily unavailable. Try again shortly.", code="unavailable"
            ) from exc
        if not right:
            raise ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password
