"""
What another service needs to check this API's tokens: the public keys at
`/.well-known/jwks.json` (RFC 7517) and where to find them and the OAuth 2.0
endpoints at `/.well-known/openid-configuration` (OpenID Connect Discovery,
RFC 8414).
"""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.signing_keys import key_set

JWKS_PATH = "/.well-known/jwks.json"
# How long another service may keep the key set without asking again. A new
# key is published (second in JWT_SIGNING_KEYS) at least this long before it
# signs, so that every cache knows it by then (docs/keys.md).
JWKS_MAX_AGE = 300
METADATA_MAX_AGE = 3600


def server_metadata() -> dict:
    """
    What a resource server needs to find and check this API's tokens
    (RFC 8414 section 2, under OpenID Connect Discovery's well-known name,
    which more libraries look up): the issuer, the key set and the
    endpoints, as absolute URLs on JWT_ISSUER.
    """
    issuer = settings.JWT_ISSUER
    return {
        "issuer": issuer,
        "jwks_uri": issuer + JWKS_PATH,
        "token_endpoint": issuer + reverse("oauth2-token"),
        "revocation_endpoint": issuer + reverse("oauth2-revoke"),
        "grant_types_supported": ["password", "refresh_token"],
        "token_endpoint_auth_methods_supported": ["none"],
        "revocation_endpoint_auth_methods_supported": ["none"],
        "token_signing_alg_values_supported": [key_set().algorithm],
    }


class JWKSerializer(serializers.Serializer):
    """A public key (RFC 7517 section 4; RFC 8037 for OKP)."""

    kty = serializers.ChoiceField(["OKP", "EC", "RSA"])
    kid = serializers.CharField(help_text="RFC 7638 thumbprint of the key.")
    alg = serializers.ChoiceField(["EdDSA", "ES256", "RS256"])
    use = serializers.ChoiceField(["sig"])
    crv = serializers.CharField(required=False, help_text="OKP and EC keys.")
    x = serializers.CharField(required=False, help_text="OKP and EC keys.")
    y = serializers.CharField(required=False, help_text="EC keys.")
    n = serializers.CharField(required=False, help_text="RSA keys.")
    e = serializers.CharField(required=False, help_text="RSA keys.")


class JWKSetSerializer(serializers.Serializer):
    keys = JWKSerializer(many=True)


class ServerMetadataSerializer(serializers.Serializer):
    issuer = serializers.URLField()
    jwks_uri = serializers.URLField()
    token_endpoint = serializers.URLField()
    revocation_endpoint = serializers.URLField()
    grant_types_supported = serializers.ListField(child=serializers.CharField())
    token_endpoint_auth_methods_supported = serializers.ListField(
        child=serializers.CharField()
    )
    revocation_endpoint_auth_methods_supported = serializers.ListField(
        child=serializers.CharField()
    )
    token_signing_alg_values_supported = serializers.ListField(
        child=serializers.CharField()
    )


class PublicDocumentView(APIView):
    """A public JSON document that any cache may keep for `max_age` seconds."""

    authentication_classes = ()
    permission_classes = ()
    renderer_classes = [JSONRenderer]
    max_age = 0

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == status.HTTP_200_OK:
            response["Cache-Control"] = f"public, max-age={self.max_age}"
        return response


class JWKSView(PublicDocumentView):
    """
    The public keys that verify this API's tokens, each named by its `kid`.

    Empty with HS256, whose key is a secret: such tokens can be checked
    only here (`/api/auth/token/verify/`).
    """

    max_age = JWKS_MAX_AGE

    @extend_schema(operation_id="jwks", auth=[], responses={200: JWKSetSerializer})
    def get(self, request):
        return Response(JWKSetSerializer(key_set().jwks()).data)


class ServerMetadataView(PublicDocumentView):
    """Where this API's keys and endpoints are: issuer and `jwks_uri` first."""

    max_age = METADATA_MAX_AGE

    @extend_schema(
        operation_id="openid_configuration",
        auth=[],
        responses={200: ServerMetadataSerializer},
    )
    def get(self, request):
        return Response(ServerMetadataSerializer(server_metadata()).data)
