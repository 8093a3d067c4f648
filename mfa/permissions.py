"""MFA_REQUIRED_FOR_STAFF: staff use the API with a second factor, or set one up."""

from django.conf import settings
from rest_framework.permissions import BasePermission

from accounts.permissions import CodedPermissionDenied


class SecondFactorEnrollmentRequired(CodedPermissionDenied):
    default_detail = (
        "Staff accounts need a second factor: set up an authenticator app or a "
        "passkey, then sign in again with it."
    )
    default_code = "mfa_enrollment_required"


class SecondFactorForStaff(BasePermission):
    """
    With MFA_REQUIRED_FOR_STAFF, a staff session opened without a second
    factor (no "mfa" in its tokens' `amr`) reaches only the views that let
    its user set one up and look after their account: those with
    `second_factor_enrollment = True`. The check reads the token, no query.
    """

    def has_permission(self, request, view):
        if not settings.MFA_REQUIRED_FOR_STAFF or request.auth is None:
            return True
        if not getattr(request.user, "is_staff", False):
            return True
        if "mfa" in (request.auth.get("amr") or ()):
            return True
        if getattr(view, "second_factor_enrollment", False):
            return True
        raise SecondFactorEnrollmentRequired
