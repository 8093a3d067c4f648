from django.conf import settings
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework_simplejwt.views import TokenViewBase

from accounts import email_addresses, passwords, sessions, users
from accounts.limits import (
    EmailChangeRateThrottle,
    PasswordChangeRateThrottle,
    PasswordResetRateThrottle,
    ReauthenticateRateThrottle,
    RegisterRateThrottle,
    VerifyResendRateThrottle,
)
from accounts.models import Session
from accounts.network import client_ip_for_storage, user_agent
from accounts.oauth2 import NoStoreMixin
from accounts.permissions import FreshSession
from accounts.serializers import (
    DetailSerializer,
    EmailChangeSerializer,
    EmailKeySerializer,
    LoginSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    PasswordResetSerializer,
    ReauthenticateSerializer,
    RefreshInputSerializer,
    RegisterSerializer,
    SessionSerializer,
    TokenPairSerializer,
    UserSerializer,
    VerifyInputSerializer,
)
from api.schema import ErrorSerializer
from mfa.permissions import SecondFactorForStaff
from mfa.serializers import SecondFactorRequiredSerializer

# What a right password answers: tokens, or (for a user with a second factor)
# `mfa_required` with the `mfa_token` to finish at /api/auth/mfa/verify/.
SIGN_IN_RESULT = PolymorphicProxySerializer(
    component_name="SignInResult",
    serializers=[TokenPairSerializer, SecondFactorRequiredSerializer],
    resource_type_field_name=None,
)

# SimpleJWT's TokenViewBase: no authentication, no permission, and a 401 that
# carries `WWW-Authenticate: Bearer realm="api"`.


class LoginView(NoStoreMixin, TokenViewBase):
    """
    Sign in with username and password and open a session.

    The limits are counted by the authentication backend
    (accounts/backends.py) that every sign-in door shares: over them, 429.
    """

    serializer_class = LoginSerializer
    # For the schema: 429 and 503 come from the backend, not a DRF throttle.
    sign_in_limited = True

    @extend_schema(responses={200: SIGN_IN_RESULT, 403: ErrorSerializer})
    def post(self, request):
        return Response(self.sign_in(request))

    def sign_in(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return users.user_sign_in(request=request, user=serializer.user)


class TokenRefreshView(NoStoreMixin, TokenViewBase):
    """Exchange a refresh token for a new pair; the old one stops working."""

    serializer_class = RefreshInputSerializer

    @extend_schema(responses={200: TokenPairSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = sessions.session_refresh(
            raw_refresh=serializer.validated_data["refresh"]
        )
        return Response(tokens)


class TokenVerifyView(TokenViewBase):
    """Answer 200 if a token is genuine and its session still alive."""

    serializer_class = VerifyInputSerializer

    @extend_schema(responses={200: OpenApiResponse(description="The token is valid.")})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sessions.token_verify(raw_token=serializer.validated_data["token"])
        return Response({})


class LogoutView(TokenViewBase):
    """
    End the session a refresh token belongs to.

    No Bearer header is needed: holding the refresh token is enough to end
    its session, so a client whose access token expired can still sign out.
    """

    serializer_class = RefreshInputSerializer

    @extend_schema(responses={204: None})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sessions.session_revoke_by_refresh(
            raw_refresh=serializer.validated_data["refresh"]
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(GenericAPIView):
    """Sign the caller out of every session, this one included."""

    second_factor_enrollment = True

    serializer_class = None

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        sessions.user_sessions_revoke(
            user=request.user, reason=Session.RevokeReason.LOGOUT_ALL
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegisterView(GenericAPIView):
    """Create an account; switched off with REGISTRATION_OPEN=false."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = RegisterSerializer
    throttle_classes = [RegisterRateThrottle]

    @extend_schema(responses={201: UserSerializer})
    def post(self, request):
        if not settings.REGISTRATION_OPEN:
            raise NotFound("Registration is closed.")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = users.user_register(**serializer.validated_data)
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class PasswordChangeView(NoStoreMixin, GenericAPIView):
    """Change the password; every other session ends, this client gets new tokens."""

    serializer_class = PasswordChangeSerializer
    throttle_classes = [PasswordChangeRateThrottle]

    @extend_schema(responses={200: TokenPairSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        tokens = passwords.user_change_password(
            user=request.user,
            new_password=serializer.validated_data["new_password"],
            ip_address=client_ip_for_storage(request),
            user_agent=user_agent(request),
            amr=request.auth.get("amr") or ["pwd"],
        )
        return Response(tokens)


class ReauthenticateView(GenericAPIView):
    """
    Prove the password again, so that this session may, for REAUTH_SECONDS,
    change the email, delete the account or change factors.

    A wrong password is a failed sign-in: it counts toward the same limits.
    """

    serializer_class = ReauthenticateSerializer
    throttle_classes = [ReauthenticateRateThrottle]
    second_factor_enrollment = True

    @extend_schema(responses={204: None})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sessions.session_reauthenticate(session_id=sessions.session_id_of(request.auth))
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailLinkView(GenericAPIView):
    """
    Act on the key of a link mailed to prove an address. No Bearer needed:
    the link may be opened on a device that is not signed in.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = EmailKeySerializer

    @extend_schema(responses={204: None})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.follow_link(key=serializer.validated_data["key"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    def follow_link(self, *, key: str) -> None:
        raise NotImplementedError


class EmailVerifyView(EmailLinkView):
    """Mark an address verified with the key from its link."""

    def follow_link(self, *, key):
        email_addresses.email_verify(key=key)


class EmailVerifyResendView(GenericAPIView):
    """Mail the verification link again (3 an hour)."""

    serializer_class = None
    throttle_classes = [VerifyResendRateThrottle]

    @extend_schema(request=None, responses={202: DetailSerializer})
    def post(self, request):
        email_addresses.email_verification_request(user=request.user)
        return Response(
            {"detail": "If your address is not verified yet, a link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class EmailChangeView(GenericAPIView):
    """
    Ask to move the account to another address; a fresh session is needed.
    The change happens when the link mailed to the new address is opened.
    """

    serializer_class = EmailChangeSerializer
    permission_classes = [IsAuthenticated, SecondFactorForStaff, FreshSession]
    throttle_classes = [EmailChangeRateThrottle]

    @extend_schema(responses={202: DetailSerializer, 403: ErrorSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        email_addresses.email_change_request(
            user=request.user,
            new_email=serializer.validated_data["new_email"],
            session_id=str(sessions.session_id_of(request.auth)),
        )
        return Response(
            {"detail": "Check your new inbox for a link to confirm the change."},
            status=status.HTTP_202_ACCEPTED,
        )


class EmailChangeConfirmView(EmailLinkView):
    """Move the account to its new address with the key from the link."""

    def follow_link(self, *, key):
        email_addresses.email_change_confirm(key=key)


class PasswordResetView(GenericAPIView):
    """
    Email a reset link if the address belongs to an account.

    The answer is the same either way, so accounts cannot be enumerated.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PasswordResetSerializer
    throttle_classes = [PasswordResetRateThrottle]

    @extend_schema(responses={202: DetailSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        passwords.password_reset_request(email=serializer.validated_data["email"])
        return Response(
            {"detail": "If an account uses this email, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


class PasswordResetConfirmView(GenericAPIView):
    """Set a new password with the uid and token from a reset link."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PasswordResetConfirmSerializer

    @extend_schema(responses={204: None})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        passwords.password_reset_confirm(
            user=serializer.validated_data["user"],
            new_password=serializer.validated_data["new_password"],
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionViewSet(
    mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """The caller's active sessions; deleting one signs it out."""

    serializer_class = SessionSerializer
    pagination_class = None
    queryset = Session.objects.none()  # for the schema: ids are UUIDs
    second_factor_enrollment = True

    def get_queryset(self):
        return Session.objects.active().filter(user=self.request.user)

    def perform_destroy(self, instance):
        sessions.session_revoke(session=instance, reason=Session.RevokeReason.USER)


class UserViewSet(viewsets.GenericViewSet):
    """The signed-in user's own account."""

    serializer_class = UserSerializer
    second_factor_enrollment = True

    def get_object(self):
        return self.request.user

    @action(detail=False, methods=["get"])
    def me(self, request):
        return Response(self.get_serializer(request.user).data)

    @me.mapping.patch
    def update_me(self, request):
        serializer = self.get_serializer(request.user, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)

    @extend_schema(request=None, responses={204: None, 403: ErrorSerializer})
    @me.mapping.delete
    def delete_me(self, request):
        """
        Delete the account, its items and its sessions; needs a fresh session.
        Staff and superusers cannot delete themselves here (403).
        """
        users.user_delete(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_permissions(self):
        if self.request is not None and self.request.method == "DELETE":
            return [*super().get_permissions(), FreshSession()]
        return super().get_permissions()


@extend_schema(exclude=True)
class GuideUserMeSlashView(UserViewSet):
    """`/users/me/`, as FastAPI's JWT tutorial spells it; `/users/me` in the schema."""
