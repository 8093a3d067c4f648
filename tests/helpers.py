"""Small helpers shared by the tests: headers and hand-made tokens."""

import base64
import json

import jwt
from django.conf import settings

from accounts.signing_keys import key_set


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def sign(claims: dict, key: str | None = None, algorithm: str = "HS256") -> str:
    """
    Sign claims with HS256 and another key, or, without one, as the server
    does: with DJANGO_SECRET_KEY and its `kid`, whatever the algorithm.
    """
    if key is not None:
        return jwt.encode(claims, key, algorithm=algorithm)
    kid = key_set().signing_key.kid if settings.JWT_ALGORITHM == "HS256" else "none"
    return jwt.encode(
        claims, settings.SECRET_KEY, algorithm=algorithm, headers={"kid": kid}
    )


def unsigned(claims: dict) -> str:
    """A token with `alg: none` and no signature."""

    def part(data: dict) -> str:
        raw = json.dumps(data).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def tampered(token: str, **changes) -> str:
    """The same token with changed claims and its original signature."""
    header, _, signature = token.split(".")
    claims = {**claims_of(token), **changes}
    raw = json.dumps(claims).encode()
    payload = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}"
