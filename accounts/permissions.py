"""Who may do what beyond being signed in."""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts.sessions import session_id_of, session_is_fresh


class CodedPermissionDenied(PermissionDenied):
    """A 403 whose body names its reason: `{"detail", "code"}`, as SimpleJWT's do."""

    def __init__(self):
        super().__init__({"detail": self.default_detail, "code": self.default_code})


class ReauthenticationRequired(CodedPermissionDenied):
    default_detail = (
        "This action needs your password again: POST /api/auth/reauthenticate/ first."
    )
    default_code = "reauthentication_required"


class FreshSession(BasePermission):
    """
    The caller's session proved its password within REAUTH_SECONDS.

    A stolen access token is worth less: it cannot change the email, delete
    the account or turn a factor off without the password as well.
    """

    def has_permission(self, request, view):
        session_id = session_id_of(request.auth) if request.auth else None
        if session_id is None or not session_is_fresh(session_id=session_id):
            raise ReauthenticationRequired
        return True
