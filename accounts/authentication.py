"""Authenticate API requests with an access token whose session is alive."""

from rest_framework_simplejwt.authentication import JWTAuthentication

from accounts.sessions import session_authenticate


class SessionJWTAuthentication(JWTAuthentication):
    """
    SimpleJWT's Bearer authentication, checked against the token's session.

    A revoked session, a deactivated or deleted user or a changed password
    shut the token out on the next request, not when it expires. The check
    replaces SimpleJWT's user query with one query for session and user.
    """

    def get_user(self, validated_token):
        return session_authenticate(validated_token)
