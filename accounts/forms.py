"""The admin's forms: sign-in, password change and users, under the API's rules."""

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm, AdminPasswordChangeForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy

from accounts.limits import LimitsUnavailable, SignInThrottled
from accounts.passwords import password_verify
from accounts.usernames import username_normalize, username_taken
from mfa.factors import user_has_second_factor
from mfa.sign_in import second_factor_code_check


class LimitedAdminAuthenticationForm(AdminAuthenticationForm):
    """
    The admin's login form, with the sign-in limits' refusal as a form error,
    and the second factor of a user who has one.

    The form signs in through `authenticate()`, whose backend counts the
    attempt and raises when a limit is reached; without this the admin would
    answer a locked username with a 500 (or, with ModelBackend, let it in).
    A user with a second factor also needs a code from their authenticator
    app, or a recovery code (a passkey-only user has those too), counted as
    at /api/auth/mfa/verify/: the admin is no way around two-factor sign-in.
    """

    otp_code = forms.CharField(
        label="Authentication code",
        required=False,
        max_length=32,
        help_text="If two-factor sign-in is on: from your app, or a recovery code.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}
        ),
    )

    def clean(self):
        try:
            cleaned_data = super().clean()
            if self.user_cache is not None:
                self.second_factor_clean()
            return cleaned_data
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

    def second_factor_clean(self):
        user = self.user_cache
        if user_has_second_factor(user):
            code = self.cleaned_data.get("otp_code") or ""
            if not second_factor_code_check(user=user, code=code):
                raise ValidationError(
                    "Enter a valid authentication code (or a recovery code).",
                    code="second_factor",
                )
        elif settings.MFA_REQUIRED_FOR_STAFF:
            raise ValidationError(
                "Set up two-factor sign-in (an authenticator app or a passkey) "
                "in the app first, then sign in here with it.",
                code="mfa_enrollment_required",
            )


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
