"""
The public keys at /.well-known/jwks.json and the discovery document that
points to them: exactly the public halves of the keys in force, never a
private part, and enough for another service to check a token on its own.
"""

import jwt
import pytest
from django.urls import reverse

from accounts.sessions import session_open

JWKS_URL = reverse("jwks")
METADATA_URL = reverse("openid-configuration")
# The members of a private JWK that a public one must never carry.
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}
PUBLIC_MEMBERS = {
    "EdDSA": {"kty", "crv", "x", "kid", "alg", "use"},
    "ES256": {"kty", "crv", "x", "y", "kid", "alg", "use"},
    "RS256": {"kty", "n", "e", "kid", "alg", "use"},
}


def test_the_jwks_is_empty_with_hs256_whose_key_is_a_secret(api_client, use_keys):
    use_keys("HS256")

    response = api_client.get(JWKS_URL)

    assert response.status_code == 200
    assert response.json() == {"keys": []}
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("algorithm", ["EdDSA", "ES256", "RS256"])
def test_the_jwks_holds_exactly_the_public_keys_in_force(
    algorithm, api_client, private_keys, use_keys
):
    keys = use_keys(algorithm, *private_keys[algorithm][:2])

    published = api_client.get(JWKS_URL).json()["keys"]

    assert [jwk["kid"] for jwk in published] == [key.kid for key in keys.keys]
    for jwk in published:
        assert set(jwk) == PUBLIC_MEMBERS[algorithm]
        assert (jwk["alg"], jwk["use"]) == (algorithm, "sig")
        assert not PRIVATE_MEMBERS & set(jwk)


@pytest.mark.parametrize("algorithm", ["EdDSA", "ES256", "RS256"])
def test_a_token_verifies_with_the_published_key_its_kid_names(
    algorithm, api_client, user, private_keys, use_keys
):
    use_keys(algorithm, *private_keys[algorithm][:2])
    access = session_open(user=user)["access"]
    published = jwt.PyJWKSet.from_dict(api_client.get(JWKS_URL).json())

    key = published[jwt.get_unverified_header(access)["kid"]]
    claims = jwt.decode(
        access,
        key,
        algorithms=[algorithm],
        audience="api",
        issuer="http://localhost:8000",
    )

    assert claims["user_id"] == str(user.pk)


def test_the_jwks_never_shows_the_secret_key_or_a_private_key(
    api_client, private_keys, use_keys, settings
):
    pems = private_keys["EdDSA"][:2]
    use_keys("EdDSA", *pems)

    body = api_client.get(JWKS_URL).content.decode()

    assert settings.SECRET_KEY not in body
    for pem in pems:
        assert all(line not in body for line in pem.splitlines()[1:-1])


@pytest.mark.parametrize(("url", "max_age"), [(JWKS_URL, 300), (METADATA_URL, 3600)])
def test_both_documents_are_public_and_cacheable_without_credentials(
    api_client, db, url, max_age
):
    response = api_client.get(url)

    assert response.status_code == 200
    assert response["Cache-Control"] == f"public, max-age={max_age}"
    assert "Set-Cookie" not in response
    assert api_client.head(url).status_code == 200
    assert api_client.options(url).status_code == 200
    assert api_client.post(url, {}).status_code == 405


def test_a_refusal_is_not_cached_as_public(api_client, db):
    response = api_client.post(JWKS_URL, {})

    assert response.status_code == 405
    assert "public" not in response.get("Cache-Control", "")


def test_the_discovery_document_names_the_issuer_and_its_jwks_uri(
    api_client, db, settings
):
    settings.JWT_ISSUER = "https://auth.example.com"

    metadata = api_client.get(METADATA_URL).json()

    assert metadata["issuer"] == "https://auth.example.com"
    assert metadata["jwks_uri"] == "https://auth.example.com/.well-known/jwks.json"
    assert metadata["token_endpoint"] == "https://auth.example.com/token"
    assert metadata["revocation_endpoint"] == "https://auth.example.com/revoke"


@pytest.mark.parametrize("algorithm", ["HS256", "EdDSA"])
def test_the_discovery_document_names_the_signing_algorithm(
    algorithm, api_client, private_keys, use_keys
):
    use_keys(algorithm, *private_keys.get(algorithm, [])[:1])

    metadata = api_client.get(METADATA_URL).json()

    assert metadata["token_signing_alg_values_supported"] == [algorithm]
