"""The admin site, with its two password doors under the API's limits."""

from django.contrib import admin
from django.contrib.auth.views import PasswordChangeView
from django.urls import reverse

from accounts.forms import LimitedAdminAuthenticationForm, LimitedPasswordChangeForm


class AccountsAdminSite(admin.AdminSite):
    """
    Django's admin site whose login and "change password" forms count their
    passwords toward the sign-in limits (accounts/limits.py).

    AdminSite takes a login form as an attribute but builds its password
    change view with a fixed form, so that view is Django's own with the
    form swapped.
    """

    login_form = LimitedAdminAuthenticationForm
    # The login page with a row for the second factor (mfa/templates/).
    login_template = "admin/login_second_factor.html"

    def password_change(self, request, extra_context=None):
        defaults = {
            "form_class": LimitedPasswordChangeForm,
            "success_url": reverse("admin:password_change_done", current_app=self.name),
            "extra_context": {**self.each_context(request), **(extra_context or {})},
        }
        if self.password_change_template is not None:
            defaults["template_name"] = self.password_change_template
        request.current_app = self.name
        return PasswordChangeView.as_view(**defaults)(request)
