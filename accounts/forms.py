"""The admin's sign-in form, under the same limits as the API's."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy

from accounts.limits import LimitsUnavailable, SignInThrottled


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
