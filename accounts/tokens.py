"""
Tokens signed and verified with the keys in force (accounts/signing_keys.py).

SimpleJWT's TokenBackend has one algorithm and one key, and neither sets nor
reads a `kid`. KeyedTokenBackend signs with the first key of the key set,
naming it in the header, and verifies a token only with the key its `kid`
names and only with that key's algorithm, so that several keys can be in
force during a rotation and `alg` confusion has nothing to work with. Every
token class of this project goes through it: sessions.py uses the classes
below, never SimpleJWT's own.
"""

import functools
import time

import jwt
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import (
    TokenBackendError,
    TokenBackendExpiredToken,
)
from rest_framework_simplejwt.settings import api_settings

from accounts.signing_keys import HMAC, KeySet, SigningKey, key_set


class KeyedTokenBackend(TokenBackend):
    """
    SimpleJWT's token backend over a key set, remembering verified tokens.

    A client sends the same access token with every request for as long as
    it lives, and its bytes cannot change: once its key, signature,
    algorithm, audience and issuer check out against a fixed key set, they
    always will. So each process checks them once per token (PyJWT's decode
    is about 45 µs, a third of what authenticating a request costs) and
    expiry on every use. The memory belongs to this backend, and a backend
    to one key set: a key withdrawn from the settings starts a new backend
    that remembers nothing. Revocation does not depend on this: the session
    is looked up on every request.
    """

    def __init__(
        self,
        keys: KeySet,
        *,
        audience: str,
        issuer: str,
        leeway=None,
        json_encoder=None,
        cache_size: int = 2048,
    ):
        super().__init__(
            keys.algorithm,
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            json_encoder=json_encoder,
        )
        self.keys = keys
        # Failures raise, so only genuine tokens are remembered.
        self._verified_payload = functools.lru_cache(maxsize=cache_size)(self._verify)

    def encode(self, payload: dict) -> str:
        """Sign with the first key, naming it in the `kid` header."""
        claims = {**payload, "aud": self.audience, "iss": self.issuer}
        key = self.keys.signing_key
        return jwt.encode(
            claims,
            key.private,
            algorithm=key.algorithm,
            headers={"kid": key.kid},
            json_encoder=self.json_encoder,
        )

    def decode(self, token, verify: bool = True) -> dict:
        if not verify:
            try:
                return jwt.decode(token, options={"verify_signature": False})
            except jwt.InvalidTokenError as exc:
                raise TokenBackendError(_("Token is invalid")) from exc
        payload = self._verified_payload(token)
        # The same test PyJWT makes, with the same error when it fails; PyJWT
        # has already made sure `exp`, if present, is an integer.
        expires = payload.get("exp")
        if expires is not None and int(expires) <= time.time() - self.leeway_seconds:
            raise TokenBackendExpiredToken(_("Token is expired"))
        return dict(payload)

    def _verify(self, token) -> dict:
        """
        Check a token's signature with the key its `kid` names, with that
        key's algorithm only, and its `iss` and `aud`; return its claims.

        A `kid` that names no key in force is refused, and so is a token
        without one, except with HS256: see _verify_unnamed.
        """
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError(_("Token is invalid")) from exc
        if "kid" not in header and self.keys.algorithm == HMAC:
            return self._verify_unnamed(token)
        key = self.keys.find(header.get("kid"))
        if key is None:
            raise TokenBackendError(_("Token is invalid"))
        return self._decode_with(token, key, audience=self.audience, issuer=self.issuer)

    def _verify_unnamed(self, token) -> dict:
        """
        Accept an HS256 token from before tokens named their key: signed with
        DJANGO_SECRET_KEY, and with neither `kid` nor `iss` nor `aud`, as
        every token was. Sessions then signed in stay signed in; one refresh
        lifetime after the upgrade, no such token is left unexpired.
        """
        claims = self._decode_with(token, self.keys.signing_key)
        if "iss" in claims or "aud" in claims:
            raise TokenBackendError(_("Token is invalid"))
        return claims

    def _decode_with(self, token, key: SigningKey, **expected) -> dict:
        try:
            return jwt.decode(
                token,
                key.public,
                # The key's own algorithm only, whatever the header claims.
                algorithms=[key.algorithm],
                # Expiry is checked on every use, in decode().
                options={
                    "verify_exp": False,
                    "verify_aud": bool(expected),
                    "verify_iss": bool(expected),
                    "require": ["iss", "aud"] if expected else [],
                },
                **expected,
            )
        except jwt.InvalidTokenError as exc:
            raise TokenBackendError(_("Token is invalid")) from exc

    @functools.cached_property
    def leeway_seconds(self) -> float:
        return self.get_leeway().total_seconds()


@functools.cache
def token_backend() -> KeyedTokenBackend:
    """The backend of the keys in force; one per process."""
    return KeyedTokenBackend(
        key_set(),
        audience=settings.JWT_AUDIENCE,
        issuer=settings.JWT_ISSUER,
        leeway=api_settings.LEEWAY,
        json_encoder=api_settings.JSON_ENCODER,
    )


@receiver(setting_changed)
def _forget_backend(*, setting, **kwargs):
    """A test that changes the keys gets a backend, and a memory, of its own."""
    if setting in {
        "JWT_ALGORITHM",
        "JWT_SIGNING_KEYS",
        "SECRET_KEY",
        "JWT_ISSUER",
        "JWT_AUDIENCE",
        "SIMPLE_JWT",
    }:
        token_backend.cache_clear()


class KeyedTokenMixin:
    """Sign and verify through token_backend() instead of SimpleJWT's own."""

    @property
    def token_backend(self) -> TokenBackend:
        return token_backend()


class AccessToken(KeyedTokenMixin, tokens.AccessToken):
    """SimpleJWT's access token, signed with the key set."""


class RefreshToken(KeyedTokenMixin, tokens.RefreshToken):
    """SimpleJWT's refresh token, signed with the key set."""

    access_token_class = AccessToken


class UntypedToken(KeyedTokenMixin, tokens.UntypedToken):
    """A token of either type, verified with the key set."""
