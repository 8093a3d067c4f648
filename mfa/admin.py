"""
What staff see of a user's second factors, and the reset for a user who lost
them. A reset needs the permission to change users; it removes every factor
and recovery code and ends all the user's sessions (mfa/factors.py).
"""

from django.contrib import admin, messages

from mfa.factors import factors_reset
from mfa.models import Passkey, TOTPDevice
from mfa.recovery_codes import recovery_codes_left


class TOTPDeviceInline(admin.TabularInline):
    model = TOTPDevice
    fields = ("created_at", "confirmed_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "authenticator app"

    def has_add_permission(self, request, obj=None):
        return False


class PasskeyInline(admin.TabularInline):
    model = Passkey
    fields = ("name", "created_at", "last_used_at", "backed_up", "sign_count")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class SecondFactorAdminMixin:
    """For the user admin: the factors inline, a summary column, the reset."""

    second_factor_inlines = [TOTPDeviceInline, PasskeyInline]
    readonly_second_factor_fields = ("recovery_codes_left",)

    @admin.display(description="recovery codes left")
    def recovery_codes_left(self, user):
        return recovery_codes_left(user) if user.pk else 0

    @admin.action(
        description="Reset two-factor sign-in (app, passkeys, recovery codes)",
        permissions=["change"],
    )
    def reset_second_factors(self, request, queryset):
        for user in queryset:
            factors_reset(user=user, by=request.user)
        self.message_user(
            request,
            f"Reset two-factor sign-in of {queryset.count()} user(s); "
            "they are signed out everywhere.",
            messages.SUCCESS,
        )
