"""
The two-factor and passkey endpoints. Changing a factor needs a fresh
session (POST /api/auth/reauthenticate/ within REAUTH_SECONDS); finishing a
sign-in needs only the `mfa_token` the password step answered.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from accounts.oauth2 import NoStoreMixin
from accounts.permissions import FreshSession
from accounts.serializers import TokenPairSerializer
from accounts.sessions import session_id_of
from api.schema import ErrorSerializer
from mfa import factors, passkeys, sign_in, totp
from mfa.limits import PasskeySignInRateThrottle, SecondFactorRateThrottle
from mfa.models import Passkey
from mfa.permissions import SecondFactorForStaff
from mfa.serializers import (
    CodeSerializer,
    CredentialSerializer,
    FactorsSerializer,
    PasskeyCreatedSerializer,
    PasskeyRegisterSerializer,
    PasskeySerializer,
    RecoveryCodesSerializer,
    SecondFactorVerifySerializer,
    TOTPSetupSerializer,
)

CHANGES_FACTORS = [IsAuthenticated, SecondFactorForStaff, FreshSession]


class FactorView(GenericAPIView):
    """A view of the signed-in user's factors, open to staff who must set one up."""

    second_factor_enrollment = True

    def session_id(self):
        return session_id_of(self.request.auth)


class FactorsView(FactorView):
    """Which second factors are on: never a secret or a code."""

    serializer_class = FactorsSerializer

    def get(self, request):
        return Response(factors.factors_summary(request.user))


class TOTPSetupView(NoStoreMixin, FactorView):
    """Start setting up an authenticator app: its secret, once, as a QR code too."""

    permission_classes = CHANGES_FACTORS
    serializer_class = TOTPSetupSerializer

    @extend_schema(
        request=None, responses={200: TOTPSetupSerializer, 409: ErrorSerializer}
    )
    def post(self, request):
        return Response(totp.totp_setup(user=request.user))


class TOTPConfirmView(NoStoreMixin, FactorView):
    """Turn the app on with a code from it; the answer holds the recovery codes."""

    permission_classes = CHANGES_FACTORS
    serializer_class = CodeSerializer
    throttle_classes = [SecondFactorRateThrottle]

    @extend_schema(responses={200: RecoveryCodesSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        codes = factors.totp_enable(
            user=request.user,
            code=serializer.validated_data["code"],
            session_id=self.session_id(),
        )
        return Response({"recovery_codes": codes})


class TOTPView(FactorView):
    """Turn the authenticator app off."""

    permission_classes = CHANGES_FACTORS
    serializer_class = None

    @extend_schema(responses={204: None, 409: ErrorSerializer})
    def delete(self, request):
        factors.totp_turn_off(user=request.user, session_id=self.session_id())
        return Response(status=status.HTTP_204_NO_CONTENT)


class RecoveryCodesView(NoStoreMixin, FactorView):
    """Replace the recovery codes; the old ones stop working."""

    permission_classes = CHANGES_FACTORS
    serializer_class = None

    @extend_schema(
        request=None, responses={200: RecoveryCodesSerializer, 409: ErrorSerializer}
    )
    def post(self, request):
        codes = factors.recovery_codes_renew(
            user=request.user, session_id=self.session_id()
        )
        return Response({"recovery_codes": codes})


class SecondFactorVerifyView(NoStoreMixin, GenericAPIView):
    """
    Finish a sign-in that answered `mfa_required`: its `mfa_token` with a
    code (authenticator app or recovery code) or a passkey's assertion.
    """

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = SecondFactorVerifySerializer
    sign_in_limited = True  # for the schema: 429 and 503

    @extend_schema(responses={200: TokenPairSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(
            sign_in.second_factor_verify(request=request, **serializer.validated_data)
        )


class PasskeyRegistrationOptionsView(NoStoreMixin, FactorView):
    """Options for `navigator.credentials.create()`."""

    permission_classes = CHANGES_FACTORS
    serializer_class = None

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        return Response(passkeys.passkey_registration_options(user=request.user))


class PasskeyRegisterView(NoStoreMixin, FactorView):
    """Add the passkey the browser created; with the first factor, recovery codes."""

    permission_classes = CHANGES_FACTORS
    serializer_class = PasskeyRegisterSerializer

    @extend_schema(responses={201: PasskeyCreatedSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        passkey, codes = factors.passkey_add(
            user=request.user, session_id=self.session_id(), **serializer.validated_data
        )
        passkey.recovery_codes = codes
        return Response(
            PasskeyCreatedSerializer(passkey).data, status=status.HTTP_201_CREATED
        )


class PasskeyViewSet(
    mixins.ListModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's passkeys: renaming or removing one needs a fresh session."""

    serializer_class = PasskeySerializer
    pagination_class = None
    queryset = Passkey.objects.none()  # for the schema
    http_method_names = ["get", "patch", "delete", "head", "options"]
    second_factor_enrollment = True

    def get_queryset(self):
        return passkeys.passkeys_of(self.request.user)

    def get_permissions(self):
        if self.request is not None and self.request.method in ("PATCH", "DELETE"):
            return [permission() for permission in CHANGES_FACTORS]
        return super().get_permissions()

    def perform_update(self, serializer):
        passkeys.passkey_rename(
            passkey=serializer.instance, name=serializer.validated_data["name"]
        )

    def perform_destroy(self, instance):
        factors.passkey_delete(
            user=self.request.user,
            passkey=instance,
            session_id=session_id_of(self.request.auth),
        )


class PasskeySignInOptionsView(GenericAPIView):
    """A challenge for signing in with a passkey: no username needed."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = None
    throttle_classes = [PasskeySignInRateThrottle]

    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request):
        return Response(passkeys.passkey_sign_in_options())


class PasskeySignInView(NoStoreMixin, GenericAPIView):
    """Sign in with a passkey's assertion of a sign-in challenge."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = CredentialSerializer
    throttle_classes = [PasskeySignInRateThrottle]

    @extend_schema(responses={200: TokenPairSerializer, 403: ErrorSerializer})
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(
            sign_in.passkey_sign_in(
                request=request, credential=serializer.validated_data["credential"]
            )
        )
