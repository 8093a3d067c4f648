"""Authenticate API requests with an access token whose session is alive."""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed

from accounts.sessions import session_authenticate

BEARER = b"bearer"


class SessionJWTAuthentication(JWTAuthentication):
    """
    SimpleJWT's Bearer authentication, checked against the token's session.

    A revoked session, a deactivated or deleted user or a changed password
    shut the token out on the next request, not when it expires. The check
    replaces SimpleJWT's user query with one query for session and user.

    The scheme is matched case-insensitively (RFC 7235 section 2.1), so
    `bearer <token>`, as `/token`'s own `token_type: "bearer"` invites, works;
    and a 401 for a token that was presented but cannot be used says so in
    `WWW-Authenticate` (RFC 6750 section 3), where a missing token gets the
    bare challenge.
    """

    def __init__(self):
        # Not SimpleJWT's, which looks the user model up for its get_user():
        # session_authenticate replaces that, and DRF makes an instance for
        # every request.
        pass

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed as exc:
            request.bearer_error = exc
            raise

    def get_raw_token(self, header: bytes) -> bytes | None:
        parts = header.split()
        if parts and parts[0].lower() == BEARER:
            header = b"Bearer" + header.lstrip()[len(parts[0]) :]
        return super().get_raw_token(header)

    def get_user(self, validated_token):
        return session_authenticate(validated_token)

    def authenticate_header(self, request) -> str:
        challenge = super().authenticate_header(request)
        error = getattr(request, "bearer_error", None)
        if error is None:
            return challenge
        return (
            f'{challenge}, error="invalid_token", error_description="{_quoted(error)}"'
        )


def _quoted(error: AuthenticationFailed) -> str:
    """The error's message as the content of an RFC 7230 quoted-string."""
    detail = error.detail
    message = detail.get("detail", "") if isinstance(detail, dict) else detail
    text = str(message).encode("ascii", "replace").decode()
    printable = "".join(char for char in text if " " <= char <= "~")
    return printable.replace("\\", "\\\\").replace('"', '\\"')
