"""Access tokens as API requests present them."""

import functools
import time

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendExpiredToken
from rest_framework_simplejwt.settings import api_settings


class VerifiedTokenBackend(TokenBackend):
    """
    SimpleJWT's token backend, remembering the tokens it has verified.

    A client sends the same access token with every request for as long as
    it lives, and its bytes cannot change: once the signature, algorithm,
    audience and issuer check out against a fixed key, they always will. So
    each process checks them once per token (PyJWT's decode is about 45 µs,
    a third of what authenticating a request costs) and expiry on every use.
    Revocation does not depend on this: the session is looked up on every
    request. Keys fetched from a JWK set can be withdrawn, so with
    `JWK_URL` every token is checked in full.
    """

    def __init__(self, *args, cache_size: int = 2048, **kwargs):
        super().__init__(*args, **kwargs)
        # Failures raise, so only genuine tokens are remembered.
        self._verified_payload = functools.lru_cache(maxsize=cache_size)(super().decode)

    def decode(self, token, verify=True):
        if not verify or self.jwks_client is not None:
            return super().decode(token, verify=verify)
        payload = self._verified_payload(token)
        # The same test PyJWT makes, with the same error when it fails; PyJWT
        # has already made sure `exp`, if present, is an integer.
        expires = payload.get("exp")
        if expires is not None and int(expires) <= time.time() - self.leeway_seconds:
            raise TokenBackendExpiredToken(_("Token is expired"))
        return dict(payload)

    @functools.cached_property
    def leeway_seconds(self) -> float:
        return self.get_leeway().total_seconds()


verified_token_backend = VerifiedTokenBackend(
    api_settings.ALGORITHM,
    api_settings.SIGNING_KEY,
    api_settings.VERIFYING_KEY,
    api_settings.AUDIENCE,
    api_settings.ISSUER,
    api_settings.JWK_URL,
    api_settings.LEEWAY,
    api_settings.JSON_ENCODER,
)


class AccessToken(tokens.AccessToken):
    """SimpleJWT's access token, verified through `verified_token_backend`."""

    @property
    def token_backend(self) -> TokenBackend:
        return verified_token_backend
