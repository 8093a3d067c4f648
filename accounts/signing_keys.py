"""
The keys that sign and verify tokens, and the public half others check with.

JWT_ALGORITHM picks the algorithm. HS256, the zero-configuration default,
signs with DJANGO_SECRET_KEY, so only this project can check a token. EdDSA
(Ed25519, recommended), ES256 (P-256) and RS256 (RSA, 2048 bits or more)
sign with private keys from JWT_SIGNING_KEYS or JWT_SIGNING_KEYS_FILE: PEM
blocks one after the other, the first signs and all of them verify, so a
new key can be put first while tokens signed with the old one still work.
Their public halves are published as a JWK set (RFC 7517) for any service
to verify tokens with, and never with DJANGO_SECRET_KEY.

Every token names its key in the `kid` header: for an asymmetric key the
RFC 7638 thumbprint of its public key, which anyone holding the JWK set can
recompute. For HS256 the id is a keyed digest of the secret (Django's
salted_hmac under a label of its own), truncated to 96 bits: not the
RFC 7638 thumbprint of the `oct` key, which is a plain SHA-256 of the
secret, a value any tool computes the same way from the same secret and so
links it wherever else it is used. An HS256 key is never published, so no
one but this project needs to compute its id.

The parsing functions here raise ValueError saying what was expected, for
config/env.py to turn into ImproperlyConfigured naming the variable; they
run when the settings load, so a bad key stops the process at startup.
"""

import base64
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.crypto import salted_hmac
from jwt import algorithms

HMAC = "HS256"
ALGORITHMS = (HMAC, "EdDSA", "ES256", "RS256")
RSA_MIN_BITS = 2048

# What each asymmetric algorithm signs with, as said in error messages.
KEY_TYPES = {
    "EdDSA": "Ed25519",
    "ES256": "EC P-256",
    "RS256": f"RSA ({RSA_MIN_BITS} bits or more)",
}
# The members of each key type's public JWK that RFC 7638 hashes.
THUMBPRINT_MEMBERS = {
    "OKP": ("crv", "kty", "x"),
    "EC": ("crv", "kty", "x", "y"),
    "RSA": ("e", "kty", "n"),
}
_PEM_BLOCK = re.compile(
    r"-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?-----END \1-----", re.DOTALL
)
_PRIVATE_LABELS = frozenset({"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"})
_HMAC_KID_SALT = "accounts.signing_keys.kid"
_ENCRYPTED = "is encrypted: give it unencrypted (there is no passphrase to ask for)"
_KEYS_WITH_HMAC = (
    "nothing when JWT_ALGORITHM is HS256, which signs with DJANGO_SECRET_KEY: "
    "set JWT_ALGORITHM to EdDSA, ES256 or RS256 to sign with these keys"
)


@dataclass(frozen=True)
class SigningKey:
    """One key: its id, its algorithm, what signs and what verifies."""

    kid: str
    algorithm: str
    # A private key object, or the secret itself for HS256.
    private: Any
    # The public key object, or the secret itself for HS256.
    public: Any

    @property
    def is_symmetric(self) -> bool:
        return self.algorithm == HMAC

    def public_jwk(self) -> dict:
        """The public key as a JWK (RFC 7517), with its `kid`, `alg` and `use`."""
        if self.is_symmetric:
            raise ValueError("An HS256 key is a secret and has no public part.")
        return {
            **_jwk_of(self.public),
            "kid": self.kid,
            "alg": self.algorithm,
            "use": "sig",
        }


@dataclass(frozen=True)
class KeySet:
    """The keys in force: the first signs, every one verifies."""

    algorithm: str
    keys: tuple[SigningKey, ...]

    @property
    def signing_key(self) -> SigningKey:
        return self.keys[0]

    @functools.cached_property
    def _by_kid(self) -> dict[str, SigningKey]:
        return {key.kid: key for key in self.keys}

    def find(self, kid: str) -> SigningKey | None:
        """The key a token's `kid` names, or None when none is in force."""
        return self._by_kid.get(kid) if isinstance(kid, str) else None

    def jwks(self) -> dict:
        """
        The JWK set of the public keys (RFC 7517 section 5): empty for HS256,
        whose key is the secret.
        """
        return {"keys": [key.public_jwk() for key in self.keys if not key.is_symmetric]}


@functools.cache
def key_set() -> KeySet:
    """
    The keys in force, from the settings; built once per process.

    The settings have already checked them when they loaded (see
    private_keys_check), so a ValueError here means they were changed
    afterwards with values that would not have started the process.
    """
    algorithm = settings.JWT_ALGORITHM
    if algorithm == HMAC:
        return KeySet(HMAC, (hmac_key(settings.SECRET_KEY),))
    keys = private_keys_parse(settings.JWT_SIGNING_KEYS, algorithm=algorithm)
    return KeySet(algorithm, tuple(keys))


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs):
    """Let tests change the keys with override_settings."""
    if setting in {"JWT_ALGORITHM", "JWT_SIGNING_KEYS", "SECRET_KEY"}:
        key_set.cache_clear()


def hmac_key(secret: str) -> SigningKey:
    """The HS256 key for a secret, with an id that does not reveal it."""
    digest = salted_hmac(_HMAC_KID_SALT, HMAC, secret=secret, algorithm="sha256")
    kid = _b64url(digest.digest()[:12])
    return SigningKey(kid=kid, algorithm=HMAC, private=secret, public=secret)


def private_keys_check(text: str, *, algorithm: str) -> None:
    """
    Accept what JWT_SIGNING_KEYS may hold with this algorithm: nothing for
    HS256 (its key is DJANGO_SECRET_KEY, and keys given there would suggest
    that JWT_ALGORITHM was forgotten), else one or more private keys.
    """
    if algorithm == HMAC:
        if text.strip():
            raise ValueError(_KEYS_WITH_HMAC)
        return
    if text.strip():
        private_keys_parse(text, algorithm=algorithm)


def private_keys_file_check(path: str, *, algorithm: str) -> None:
    """
    Accept the path of a readable file that private_keys_check accepts, or
    no path at all.
    """
    if not path:
        return
    if algorithm == HMAC:
        raise ValueError(_KEYS_WITH_HMAC)
    try:
        with open(path, encoding="ascii") as file:
            text = file.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not ASCII text"
        raise ValueError(
            f"a readable file of PEM private keys; it cannot be read: {reason}"
        ) from None
    if not text.strip():
        raise ValueError("a file of PEM private keys; it is empty")
    private_keys_parse(text, algorithm=algorithm)


def private_keys_parse(text: str, *, algorithm: str) -> list[SigningKey]:
    """
    Load PEM private keys, one after the other, for an asymmetric algorithm.

    Raise ValueError, saying which key is wrong but never showing any of it,
    for text that is not PEM private keys of the algorithm's type,
    for an encrypted key (there is no passphrase to give) and for the same
    key twice.
    """
    kind = KEY_TYPES[algorithm]
    expected = f"{kind} private keys in PEM (JWT_ALGORITHM={algorithm})"
    blocks = list(_PEM_BLOCK.finditer(text))
    if not blocks:
        raise ValueError(f"{expected}, one after the other; found no PEM block")
    if _PEM_BLOCK.sub("", text).strip():
        raise ValueError(f"{expected}, with nothing but spaces between them")
    keys = []
    for number, block in enumerate(blocks, start=1):
        label = block[1]
        if label == "ENCRYPTED PRIVATE KEY":
            raise ValueError(f"{expected}; key {number} {_ENCRYPTED}")
        if label not in _PRIVATE_LABELS:
            raise ValueError(
                f"{expected}; key {number} is a {label} block, not a private key"
            )
        try:
            private = serialization.load_pem_private_key(
                block[0].encode(), password=None
            )
        except TypeError:
            raise ValueError(f"{expected}; key {number} {_ENCRYPTED}") from None
        except (ValueError, serialization.UnsupportedAlgorithm):
            raise ValueError(f"{expected}; key {number} does not load") from None
        problem = _type_problem(private, algorithm)
        if problem:
            raise ValueError(f"{expected}; key {number} {problem}")
        public = private.public_key()
        keys.append(
            SigningKey(
                kid=thumbprint(public),
                algorithm=algorithm,
                private=private,
                public=public,
            )
        )
    kids = [key.kid for key in keys]
    if len(set(kids)) != len(kids):
        raise ValueError(f"{expected}; the same key is given twice")
    return keys


def private_key_generate(algorithm: str) -> str:
    """A new private key for the algorithm, in PEM (PKCS #8, unencrypted)."""
    if algorithm == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
    elif algorithm == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    elif algorithm == "RS256":
        private = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    else:
        raise ValueError(f"{algorithm} has no key to generate: it signs with a secret")
    return private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def thumbprint(public_key) -> str:
    """The RFC 7638 JWK thumbprint (SHA-256) of a public key."""
    jwk = _jwk_of(public_key)
    members = {name: jwk[name] for name in THUMBPRINT_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode()).digest())


def _type_problem(private, algorithm: str) -> str:
    """What is wrong with a private key for the algorithm, or ""."""
    if algorithm == "EdDSA" and not isinstance(private, ed25519.Ed25519PrivateKey):
        return f"is {_kind_of(private)}"
    if algorithm == "ES256" and not (
        isinstance(private, ec.EllipticCurvePrivateKey)
        and isinstance(private.curve, ec.SECP256R1)
    ):
        return f"is {_kind_of(private)}"
    if algorithm == "RS256":
        if not isinstance(private, rsa.RSAPrivateKey):
            return f"is {_kind_of(private)}"
        if private.key_size < RSA_MIN_BITS:
            return f"has only {private.key_size} bits"
    return ""


def _kind_of(private) -> str:
    if isinstance(private, rsa.RSAPrivateKey):
        return "an RSA key"
    if isinstance(private, ec.EllipticCurvePrivateKey):
        return f"an EC {private.curve.name} key"
    if isinstance(private, ed25519.Ed25519PrivateKey):
        return "an Ed25519 key"
    return f"a {type(private).__name__.removeprefix('_')}"


def _jwk_of(public_key) -> dict:
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        jwk = algorithms.OKPAlgorithm.to_jwk(public_key, as_dict=True)
    elif isinstance(public_key, ec.EllipticCurvePublicKey):
        jwk = algorithms.ECAlgorithm.to_jwk(public_key, as_dict=True)
    else:
        jwk = algorithms.RSAAlgorithm.to_jwk(public_key, as_dict=True)
    return {
        name: value
        for name, value in jwk.items()
        if name not in ("alg", "kid", "key_ops")
    }


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
