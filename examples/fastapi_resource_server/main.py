"""
A resource server that is not Django: the FastAPI guide's `/users/me` and
`/items/`, accepting the Django API's access tokens by checking them against
its published keys, with no shared secret and no call to the API per request.

A token is accepted when all of these hold, and refused with 401 otherwise:

- its `kid` names a key of the API's JWK set (PyJWKClient fetches
  AUTH_JWKS_URL, keeps it for 5 minutes, and fetches again, at most every
  30 seconds, when a token names a key it does not know: a rotated key);
- its `alg` is the algorithm that key is published for, and one of
  AUTH_ALGORITHMS (never HS256 or `none`: an HS256 token can only be
  checked by the API that holds its secret);
- its signature verifies with that key;
- `exp` is in the future, `iss` is AUTH_ISSUER and `aud` includes
  AUTH_AUDIENCE;
- `token_type` is `access`: a refresh token, signed by the same key with the
  same issuer and audience, is not a credential for this API.

What it cannot know: that the session behind the token was revoked. The
token stays good here until it expires (30 minutes by default); ask the API
(`POST /api/auth/token/verify/`) where that matters.

    AUTH_ISSUER=https://api.example.com uvicorn main:app --port 8001
"""

import os
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

ISSUER = os.environ.get("AUTH_ISSUER", "http://localhost:8000")
AUDIENCE = os.environ.get("AUTH_AUDIENCE", "api")
JWKS_URL = os.environ.get("AUTH_JWKS_URL", ISSUER + "/.well-known/jwks.json")
ALGORITHMS = [
    name.strip()
    for name in os.environ.get("AUTH_ALGORITHMS", "EdDSA,ES256,RS256").split(",")
]
if not set(ALGORITHMS) <= {"EdDSA", "ES256", "RS256"}:
    raise SystemExit("AUTH_ALGORITHMS may list EdDSA, ES256 and RS256 only")

# The guide's token URL: the Django API answers the same form at /token.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl=ISSUER + "/token")
jwks_client = jwt.PyJWKClient(JWKS_URL, lifespan=300, timeout=5)

app = FastAPI()


def credentials_exception() -> HTTPException:
    return HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": "Bearer"},
    )


def verify_access_token(token: str) -> dict:
    """Return the claims of an access token of the API, or raise a 401."""
    try:
        key = jwks_client.get_signing_key_from_jwt(token)
    except jwt.PyJWKClientConnectionError:
        raise HTTPException(
            status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
            detail="The keys to check tokens with cannot be fetched",
        ) from None
    except (jwt.PyJWKClientError, jwt.InvalidTokenError):
        raise credentials_exception() from None
    if key.algorithm_name not in ALGORITHMS:
        raise credentials_exception()
    try:
        claims = jwt.decode(
            token,
            key,
            # The one algorithm the key is for, whatever the header says.
            algorithms=[key.algorithm_name],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iss", "aud"]},
        )
    except jwt.InvalidTokenError:
        raise credentials_exception() from None
    if claims.get("token_type") != "access" or "user_id" not in claims:
        raise credentials_exception()
    return claims


# A plain `def`: FastAPI runs it in a thread, so a JWK set fetch does not
# hold up the event loop.
def get_current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> dict:
    claims = verify_access_token(token)
    return {"user_id": claims["user_id"], "session_id": claims.get("sid")}


CurrentUser = Annotated[dict, Depends(get_current_user)]


@app.get("/users/me")
async def read_users_me(current_user: CurrentUser):
    return current_user


@app.get("/items/")
async def read_items(current_user: CurrentUser):
    return [{"item": "item1"}, {"item": "item2"}]
