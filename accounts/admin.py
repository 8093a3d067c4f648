from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.email_addresses import email_is_verified, email_mark_verified
from accounts.forms import AccountUserChangeForm, AccountUserCreationForm
from accounts.models import Session, VerifiedEmail
from accounts.sessions import session_revoke, user_sessions_revoke
from mfa.admin import SecondFactorAdminMixin

User = get_user_model()


class RevokePermissionMixin:
    """Ending sessions is a change: it needs `accounts.revoke_session`."""

    def has_revoke_permission(self, request):
        return request.user.has_perm("accounts.revoke_session")


class SessionStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Active"), ("revoked", "Revoked"), ("expired", "Expired")]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        if self.value() == "expired":
            return queryset.filter(
                revoked_at__isnull=True, expires_at__lte=timezone.now()
            )
        return queryset


@admin.register(Session)
class SessionAdmin(RevokePermissionMixin, admin.ModelAdmin):
    list_display = (
        "user",
        "created_at",
        "last_used_at",
        "ip_address",
        "short_user_agent",
        "is_active",
        "revoked_reason",
    )
    list_filter = (SessionStateFilter, "revoked_reason", "created_at")
    search_fields = ("user__username", "user__email", "ip_address")
    list_select_related = ("user",)
    readonly_fields = [field.name for field in Session._meta.fields]
    actions = ["revoke_sessions"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description="active")
    def is_active(self, session):
        return session.is_active

    @admin.display(description="user agent")
    def short_user_agent(self, session):
        return session.user_agent[:60]

    @admin.action(description="Revoke selected sessions", permissions=["revoke"])
    def revoke_sessions(self, request, queryset):
        revoked = sum(
            session_revoke(session=session, reason=Session.RevokeReason.ADMIN)
            for session in queryset
        )
        self.message_user(request, f"Revoked {revoked} session(s).", messages.SUCCESS)


class VerifiedEmailInline(admin.StackedInline):
    """Which address the user proved, and when; staff may vouch for one."""

    model = VerifiedEmail
    fields = ("address", "verified_at")
    readonly_fields = fields
    can_delete = True
    extra = 0
    max_num = 1

    def has_add_permission(self, request, obj=None):
        return False


class SessionInline(admin.TabularInline):
    model = Session
    fields = ("created_at", "last_used_at", "ip_address", "user_agent", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-last_used_at",)

    def has_add_permission(self, request, obj=None):
        return False


admin.site.unregister(User)


@admin.register(User)
class AccountUserAdmin(RevokePermissionMixin, SecondFactorAdminMixin, UserAdmin):
    """
    Django's UserAdmin, with the user's sessions and a way to end them, and
    their second factors and a way to reset them (mfa/admin.py).

    Deactivating a user or setting their password here ends their sessions
    (accounts/signals.py), as it does from anywhere else.
    """

    form = AccountUserChangeForm
    add_form = AccountUserCreationForm
    inlines = [
        *UserAdmin.inlines,
        VerifiedEmailInline,
        *SecondFactorAdminMixin.second_factor_inlines,
        SessionInline,
    ]
    actions = ["revoke_all_sessions", "mark_email_verified", "reset_second_factors"]
    readonly_fields = SecondFactorAdminMixin.readonly_second_factor_fields
    fieldsets = [
        *UserAdmin.fieldsets,
        ("Two-factor sign-in", {"fields": readonly_fields}),
    ]
    list_display = (*UserAdmin.list_display, "email_verified")

    @admin.display(boolean=True, description="email verified")
    def email_verified(self, user):
        return email_is_verified(user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("verified_email")

    @admin.action(
        description="Mark their email addresses verified", permissions=["change"]
    )
    def mark_email_verified(self, request, queryset):
        marked, taken = 0, []
        for user in queryset.exclude(email=""):
            try:
                with transaction.atomic():
                    email_mark_verified(user=user)
                marked += 1
            except IntegrityError:  # another account has proved the address
                taken.append(user.get_username())
        self.message_user(
            request, f"Marked {marked} address(es) verified.", messages.SUCCESS
        )
        if taken:
            self.message_user(
                request,
                "Another account has proved the address of: " + ", ".join(taken),
                messages.WARNING,
            )

    @admin.action(
        description="Sign selected users out everywhere", permissions=["revoke"]
    )
    def revoke_all_sessions(self, request, queryset):
        revoked = sum(
            user_sessions_revoke(user=user, reason=Session.RevokeReason.ADMIN)
            for user in queryset
        )
        self.message_user(request, f"Revoked {revoked} session(s).", messages.SUCCESS)
