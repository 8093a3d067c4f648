"""
The OAuth 2.0 endpoints that standard clients speak: the token endpoint at
`/token` (RFC 6749 section 4.3, the password grant, and section 6,
refresh), and revocation at `/revoke` (RFC 7009). What another service
needs to check this API's tokens is in accounts/discovery.py.

authlib, requests-oauthlib and httpx-auth decide what happened from the
body's `error` member, not from the status: a failure without one is stored
as if it were a token. So every failure here carries RFC 6749 section 5.2's
`error` and `error_description`, and keeps the `detail` of DRF's shape (the
FastAPI guide's clients read `detail`).
"""

from collections.abc import Mapping

from django.conf import settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import sessions
from accounts.limits import LimitsUnavailable
from accounts.serializers import LoginSerializer
from accounts.users import user_sign_in
from config.parsers import SafeJSONParser

FORM = "application/x-www-form-urlencoded"
# The guide's message for a wrong password, which its clients display.
WRONG_CREDENTIALS = "Incorrect username or password"


def no_store(response: Response) -> Response:
    """
    Keep a response that carries tokens out of every cache (RFC 6749
    section 5.1): browsers, proxies and the Next.js data cache alike.
    """
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


class NoStoreMixin:
    """For views whose answers carry tokens."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        return no_store(response)


class OAuth2Error(Exception):
    """An error of RFC 6749 section 5.2, and the response that states it."""

    def __init__(
        self,
        error: str,
        description: str,
        *,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        wait: float | None = None,
        fields=None,
        code: str | None = None,
        extra: dict | None = None,
    ):
        super().__init__(description)
        self.code = code
        self.error = error
        self.description = description
        self.status_code = status_code
        self.wait = wait
        self.fields = fields
        self.extra = extra

    def response(self) -> Response:
        body = {
            "error": self.error,
            "error_description": self.description,
            "detail": self.description,
        }
        if self.fields:
            body["fields"] = self.fields
        if self.code:
            body["code"] = self.code
        if self.extra:
            body.update(self.extra)
        headers = {"Retry-After": str(int(self.wait))} if self.wait else None
        return Response(body, status=self.status_code, headers=headers)


class PasswordGrantSerializer(LoginSerializer):
    """`grant_type=password`: the guide's `OAuth2PasswordRequestForm`."""

    default_error_messages = {"no_active_account": WRONG_CREDENTIALS}

    # Accepted and ignored: this API has no scopes, and public clients
    # (Swagger UI, the guide's) send an empty client id and secret.
    scope = serializers.CharField(required=False, allow_blank=True)
    client_id = serializers.CharField(required=False, allow_blank=True)
    client_secret = serializers.CharField(required=False, allow_blank=True)


class RefreshGrantSerializer(serializers.Serializer):
    """`grant_type=refresh_token` (RFC 6749 section 6)."""

    refresh_token = serializers.CharField()
    scope = serializers.CharField(required=False, allow_blank=True)


class TokenResponseSerializer(serializers.Serializer):
    """RFC 6749 section 5.1, as FastAPI's guide answers it, plus the refresh token."""

    access_token = serializers.CharField()
    token_type = serializers.CharField(default="bearer")
    expires_in = serializers.IntegerField()
    refresh_token = serializers.CharField()


class OAuth2ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(required=False, help_text="e.g. email_unverified")
    error = serializers.ChoiceField(
        [
            "invalid_request",
            "invalid_grant",
            "mfa_required",
            "unsupported_grant_type",
            "slow_down",
            "temporarily_unavailable",
        ]
    )
    error_description = serializers.CharField()
    detail = serializers.CharField()
    # With `mfa_required` (403): finish at /api/auth/mfa/verify/.
    mfa_token = serializers.CharField(required=False)
    methods = serializers.ListField(child=serializers.CharField(), required=False)


class TokenGrantSerializer(serializers.Serializer):
    """Both grants' fields, as the schema shows the one form (not validated)."""

    grant_type = serializers.ChoiceField(
        ["password", "refresh_token"], required=False, help_text="Default: password"
    )
    username = serializers.CharField(required=False)
    password = serializers.CharField(required=False, style={"input_type": "password"})
    refresh_token = serializers.CharField(required=False)
    scope = serializers.CharField(required=False, allow_blank=True)
    client_id = serializers.CharField(required=False, allow_blank=True)
    client_secret = serializers.CharField(required=False, allow_blank=True)


class RevocationSerializer(serializers.Serializer):
    token = serializers.CharField()
    token_type_hint = serializers.CharField(required=False, allow_blank=True)


class OAuth2View(NoStoreMixin, APIView):
    """
    An OAuth 2.0 endpoint: form-encoded requests (JSON is taken too), no
    Bearer authentication, and every failure in RFC 6749's shape.
    """

    authentication_classes = ()
    permission_classes = ()
    parser_classes = [FormParser, SafeJSONParser]

    def handle_exception(self, exc):
        error = _as_oauth2_error(exc)
        if error is None:
            return super().handle_exception(exc)
        return error.response()

    def validated(self, serializer_class, data):
        serializer = serializer_class(data=data, context={"request": self.request})
        serializer.is_valid(raise_exception=True)
        return serializer


class TokenEndpointView(OAuth2View):
    """
    Sign in with the password grant or refresh with the refresh-token grant.

    `grant_type` may be left out and means `password`, as the FastAPI
    guide's form allows. A refresh is single-use with reuse detection, as at
    `/api/auth/token/refresh/`; the answer carries the new refresh token.
    """

    # For the schema: 429 and 503 come from the sign-in backend.
    sign_in_limited = True

    @extend_schema(
        operation_id="oauth2_token",
        request={FORM: TokenGrantSerializer},
        responses={
            200: TokenResponseSerializer,
            400: OAuth2ErrorSerializer,
            403: OAuth2ErrorSerializer,
            429: OAuth2ErrorSerializer,
            503: OAuth2ErrorSerializer,
        },
    )
    def post(self, request):
        if not isinstance(request.data, Mapping):
            raise OAuth2Error("invalid_request", "The body must be a form (or object).")
        grant_type = request.data.get("grant_type") or "password"
        if grant_type == "password":
            tokens = self.password_grant(request)
        elif grant_type == "refresh_token":
            tokens = self.refresh_grant(request)
        else:
            raise OAuth2Error(
                "unsupported_grant_type",
                "Only the password and refresh_token grants are supported.",
            )
        lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
        return Response(
            {
                "access_token": tokens["access"],
                "token_type": "bearer",
                "expires_in": int(lifetime.total_seconds()),
                "refresh_token": tokens["refresh"],
            }
        )

    def password_grant(self, request) -> sessions.TokenPair:
        serializer = self.validated(PasswordGrantSerializer, request.data)
        result = user_sign_in(request=request, user=serializer.user)
        if result.get("mfa_required"):
            # Not a 200: an OAuth client would store the answer as a token.
            # As Auth0's token endpoint does, 403 `mfa_required`, which
            # authlib and requests-oauthlib raise as an error.
            raise OAuth2Error(
                "mfa_required",
                "A second factor is required: POST the mfa_token with a code "
                "to /api/auth/mfa/verify/.",
                status_code=status.HTTP_403_FORBIDDEN,
                extra=result,
            )
        return result

    def refresh_grant(self, request) -> sessions.TokenPair:
        serializer = self.validated(RefreshGrantSerializer, request.data)
        return sessions.session_refresh(
            raw_refresh=serializer.validated_data["refresh_token"]
        )


class RevocationView(OAuth2View):
    """
    End the session of a refresh or an access token (RFC 7009).

    Holding either token is proof enough to end its session. An unknown,
    expired or malformed token is answered 200 too, as the RFC says: the
    client's aim, a token that no longer works, is met either way.
    """

    @extend_schema(
        operation_id="oauth2_revoke",
        request={FORM: RevocationSerializer},
        responses={
            200: OpenApiResponse(description="Revoked, or the token was unknown."),
            400: OAuth2ErrorSerializer,
        },
    )
    def post(self, request):
        serializer = self.validated(RevocationSerializer, request.data)
        sessions.session_revoke_by_token(raw_token=serializer.validated_data["token"])
        return Response(status=status.HTTP_200_OK)


def _as_oauth2_error(exc) -> OAuth2Error | None:
    """Translate what DRF and SimpleJWT raise into RFC 6749's errors."""
    if isinstance(exc, OAuth2Error):
        return exc
    if isinstance(exc, exceptions.Throttled):
        return OAuth2Error(
            "slow_down",
            "Too many attempts; try again later.",
            status_code=status.HTTP_429_TOO_MANY_REQUESTS,
            wait=exc.wait,
        )
    if isinstance(exc, LimitsUnavailable):
        return OAuth2Error(
            "temporarily_unavailable",
            str(exc.detail),
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    if isinstance(exc, exceptions.PermissionDenied):
        # A refusal with its own code, such as `email_unverified`.
        return OAuth2Error(
            "invalid_grant",
            _message(exc.detail),
            status_code=exc.status_code,
            code=str(exc.detail["code"]) if isinstance(exc.detail, dict) else None,
        )
    if isinstance(exc, exceptions.AuthenticationFailed):
        return OAuth2Error("invalid_grant", _message(exc.detail))
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else None
        return OAuth2Error("invalid_request", _message(exc.detail), fields=fields)
    if isinstance(exc, (exceptions.ParseError, exceptions.UnsupportedMediaType)):
        return OAuth2Error(
            "invalid_request", _message(exc.detail), status_code=exc.status_code
        )
    return None


def _message(detail) -> str:
    """One readable sentence out of a DRF error detail."""
    if isinstance(detail, dict):
        if "detail" in detail:
            return str(detail["detail"])
        field, messages = next(iter(detail.items()))
        return f"{field}: {_message(messages)}"
    if isinstance(detail, list):
        return _message(detail[0]) if detail else "Invalid request."
    return str(detail)
