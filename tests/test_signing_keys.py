"""
Signing keys: every algorithm signs tokens the API accepts, every token
names its key, and a token is checked only with the key its `kid` names and
only with that key's algorithm.
"""

import base64
import hashlib
import hmac
import io
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from django.conf import settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.sessions import session_open
from accounts.signing_keys import hmac_key, key_set, private_keys_parse, thumbprint
from tests.helpers import bearer, claims_of

ME_URL = reverse("api:user-me")
REFRESH_URL = reverse("accounts:token-refresh")
ASYMMETRIC = ["EdDSA", "ES256", "RS256"]


def header_of(token: str) -> dict:
    return jwt.get_unverified_header(token)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hmac_signed(claims: dict, secret: bytes, header: dict) -> str:
    """An HS256 token made by hand: PyJWT refuses a PEM key as an HMAC secret."""
    signing_input = (
        f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    )
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def public_pem(pem: str) -> bytes:
    private = serialization.load_pem_private_key(pem.encode(), password=None)
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.mark.parametrize("algorithm", ["HS256", *ASYMMETRIC])
def test_each_algorithm_signs_tokens_that_the_api_accepts_and_refreshes(
    algorithm, api_client, user, private_keys, use_keys
):
    pems = private_keys[algorithm][:1] if algorithm != "HS256" else []
    keys = use_keys(algorithm, *pems)

    pair = session_open(user=user)

    for token in pair.values():
        assert header_of(token) == {
            "alg": algorithm,
            "kid": keys.signing_key.kid,
            "typ": "JWT",
        }
    assert api_client.get(ME_URL, **bearer(pair["access"])).status_code == 200
    refreshed = api_client.post(REFRESH_URL, {"refresh": pair["refresh"]})
    assert refreshed.status_code == 200
    new_access = refreshed.json()["access"]
    assert api_client.get(ME_URL, **bearer(new_access)).status_code == 200


@pytest.mark.parametrize("algorithm", ASYMMETRIC)
def test_an_asymmetric_token_is_signed_by_the_private_key_never_the_secret_key(
    algorithm, user, private_keys, use_keys
):
    keys = use_keys(algorithm, private_keys[algorithm][0])

    access = session_open(user=user)["access"]

    public = keys.signing_key.public
    claims = jwt.decode(access, public, algorithms=[algorithm], audience="api")
    assert claims["user_id"] == str(user.pk)
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(access, settings.SECRET_KEY, algorithms=["HS256"])


def test_the_kid_is_the_rfc_7638_thumbprint_of_the_public_key():
    """The Ed25519 example of RFC 8037 appendix A.3, and RSA of RFC 7638 3.1."""
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    ed = ed25519.Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "="))
    n = (
        "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPF"
        "FxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93l"
        "qt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHz"
        "u6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPks"
        "INHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
    )
    modulus = int.from_bytes(base64.urlsafe_b64decode(n + "=" * (-len(n) % 4)))
    rsa_key = rsa.RSAPublicNumbers(65537, modulus).public_key()

    assert thumbprint(ed) == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
    assert thumbprint(rsa_key) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_the_hs256_kid_is_not_a_plain_hash_of_the_secret():
    secret = "a-secret-key-for-this-test-" * 3
    oct_jwk = json.dumps(
        {"k": b64url(secret.encode()), "kty": "oct"}, separators=(",", ":")
    )
    rfc_7638 = b64url(hashlib.sha256(oct_jwk.encode()).digest())

    kid = hmac_key(secret).kid

    assert kid != rfc_7638
    assert kid not in rfc_7638
    assert kid == hmac_key(secret).kid
    assert kid != hmac_key(secret + "x").kid


def test_keys_given_twice_or_in_the_wrong_order_keep_their_ids(private_keys):
    first, second = private_keys["EdDSA"][:2]

    forward = private_keys_parse(first + second, algorithm="EdDSA")
    backward = private_keys_parse(second + "\n\n" + first, algorithm="EdDSA")

    assert [k.kid for k in forward] == [k.kid for k in reversed(backward)]


@pytest.mark.parametrize("algorithm", ASYMMETRIC)
def test_a_token_whose_kid_names_no_key_in_force_is_refused(
    algorithm, api_client, user, private_keys, use_keys
):
    ours, theirs = private_keys[algorithm][:2]
    use_keys(algorithm, ours)
    genuine = session_open(user=user)["access"]
    assert api_client.get(ME_URL, **bearer(genuine)).status_code == 200
    stranger = private_keys_parse(theirs, algorithm=algorithm)[0]

    own_kid = jwt.encode(
        claims_of(genuine), stranger.private, algorithm, headers={"kid": stranger.kid}
    )
    made_up_kid = jwt.encode(
        claims_of(genuine), stranger.private, algorithm, headers={"kid": "k1"}
    )

    assert api_client.get(ME_URL, **bearer(own_kid)).status_code == 401
    assert api_client.get(ME_URL, **bearer(made_up_kid)).status_code == 401


@pytest.mark.parametrize("algorithm", ASYMMETRIC)
def test_an_asymmetric_token_without_kid_is_refused_even_with_the_right_key(
    algorithm, api_client, user, private_keys, use_keys
):
    keys = use_keys(algorithm, private_keys[algorithm][0])
    claims = claims_of(session_open(user=user)["access"])
    private = keys.signing_key.private

    with_kid = jwt.encode(
        claims, private, algorithm, headers={"kid": keys.signing_key.kid}
    )
    without_kid = jwt.encode(claims, private, algorithm)

    assert api_client.get(ME_URL, **bearer(with_kid)).status_code == 200
    assert api_client.get(ME_URL, **bearer(without_kid)).status_code == 401


def test_an_hs256_token_from_before_keys_had_ids_is_still_accepted(
    api_client, user, use_keys
):
    """No kid, iss nor aud, signed with DJANGO_SECRET_KEY, as every token was."""
    use_keys("HS256")
    claims = claims_of(session_open(user=user)["access"])
    del claims["iss"], claims["aud"]

    legacy = jwt.encode(claims, settings.SECRET_KEY, "HS256")

    assert "kid" not in header_of(legacy)
    assert api_client.get(ME_URL, **bearer(legacy)).status_code == 200


@pytest.mark.parametrize("claim", ["iss", "aud"])
def test_an_hs256_token_without_kid_but_with_iss_or_aud_is_refused(
    api_client, user, use_keys, claim
):
    """Every token with `iss` and `aud` has been issued with a `kid` too."""
    use_keys("HS256")
    claims = claims_of(session_open(user=user)["access"])
    del claims["aud" if claim == "iss" else "iss"]

    unnamed = jwt.encode(claims, settings.SECRET_KEY, "HS256")

    assert api_client.get(ME_URL, **bearer(unnamed)).status_code == 401


@pytest.mark.parametrize("algorithm", ["HS256", "EdDSA"])
def test_tokens_carry_the_configured_issuer_and_audience(
    algorithm, user, private_keys, use_keys, settings
):
    settings.JWT_ISSUER = "https://auth.example.com"
    settings.JWT_AUDIENCE = "orders"
    use_keys(algorithm, *private_keys.get(algorithm, [])[:1])

    pair = session_open(user=user)

    for token in pair.values():
        claims = claims_of(token)
        assert (claims["iss"], claims["aud"]) == ("https://auth.example.com", "orders")


OTHER_CLAIMS = {
    "another audience": {"aud": "billing"},
    "audiences without ours": {"aud": ["billing", "web"]},
    "no audience": {"aud": None},
    "another issuer": {"iss": "https://evil.example.com"},
    "the issuer with a slash": {"iss": "http://localhost:8000/"},
    "no issuer": {"iss": None},
}


@pytest.mark.parametrize("algorithm", ["HS256", "EdDSA"])
@pytest.mark.parametrize("change", OTHER_CLAIMS)
def test_a_token_for_another_audience_or_from_another_issuer_is_refused(
    algorithm, change, api_client, user, private_keys, use_keys
):
    keys = use_keys(algorithm, *private_keys.get(algorithm, [])[:1])
    genuine = session_open(user=user)["access"]
    key = keys.signing_key
    claims = {**claims_of(genuine), **OTHER_CLAIMS[change]}
    claims = {name: value for name, value in claims.items() if value is not None}
    resigned = jwt.encode(claims, key.private, algorithm, headers={"kid": key.kid})
    assert api_client.get(ME_URL, **bearer(genuine)).status_code == 200

    response = api_client.get(ME_URL, **bearer(resigned))

    assert response.status_code == 401


def test_a_token_listing_our_audience_among_others_is_accepted(
    api_client, user, private_keys, use_keys
):
    keys = use_keys("EdDSA", private_keys["EdDSA"][0])
    claims = claims_of(session_open(user=user)["access"])
    key = keys.signing_key

    token = jwt.encode(
        {**claims, "aud": ["web", "api"]},
        key.private,
        "EdDSA",
        headers={"kid": key.kid},
    )

    assert api_client.get(ME_URL, **bearer(token)).status_code == 200


def test_tokens_issued_for_an_audience_no_longer_served_are_refused(
    api_client, user, settings
):
    access = session_open(user=user)["access"]
    assert api_client.get(ME_URL, **bearer(access)).status_code == 200

    settings.JWT_AUDIENCE = "api-v2"

    assert api_client.get(ME_URL, **bearer(access)).status_code == 401


@pytest.mark.parametrize("algorithm", ["EdDSA", "RS256", "ES256"])
def test_alg_confusion_with_the_right_kid_is_refused(
    algorithm, api_client, user, private_keys, use_keys
):
    keys = use_keys(algorithm, private_keys[algorithm][0])
    genuine = session_open(user=user)["access"]
    claims, kid = claims_of(genuine), keys.signing_key.kid
    other = "RS256" if algorithm != "RS256" else "EdDSA"
    other_key = private_keys_parse(private_keys[other][0], algorithm=other)[0]
    forged = {
        # The public key, which the JWK set publishes, as an HMAC secret.
        "public key as HS256 secret": hmac_signed(
            claims,
            public_pem(private_keys[algorithm][0]),
            {"alg": "HS256", "typ": "JWT", "kid": kid},
        ),
        "HS256 with the secret key": jwt.encode(
            claims, settings.SECRET_KEY, "HS256", headers={"kid": kid}
        ),
        "alg none": hmac_signed(claims, b"", {"alg": "none", "kid": kid})[:-43],
        "another algorithm's key": jwt.encode(
            claims, other_key.private, other, headers={"kid": kid}
        ),
    }
    assert api_client.get(ME_URL, **bearer(genuine)).status_code == 200

    statuses = {
        name: api_client.get(ME_URL, **bearer(token)).status_code
        for name, token in forged.items()
    }

    assert statuses == dict.fromkeys(forged, 401)


def test_an_asymmetric_token_is_refused_when_hs256_is_configured(
    api_client, user, private_keys, use_keys
):
    """A key pair an attacker made, naming the HS256 key's id."""
    keys = use_keys("HS256")
    claims = claims_of(session_open(user=user)["access"])
    attacker = private_keys_parse(private_keys["EdDSA"][0], algorithm="EdDSA")[0]

    forged = jwt.encode(
        claims, attacker.private, "EdDSA", headers={"kid": keys.signing_key.kid}
    )

    assert api_client.get(ME_URL, **bearer(forged)).status_code == 401


def test_the_key_set_follows_the_settings(private_keys, use_keys):
    first, second = private_keys["ES256"][:2]

    keys = use_keys("ES256", first, second)

    assert key_set() is keys
    assert [k.kid for k in keys.keys] == [
        k.kid for k in private_keys_parse(first + second, algorithm="ES256")
    ]
    assert keys.signing_key.kid == keys.keys[0].kid


@pytest.mark.parametrize("algorithm", ASYMMETRIC)
def test_jwt_keys_generate_prints_a_key_the_settings_accept(algorithm, use_keys):
    use_keys("HS256")
    out = io.StringIO()

    call_command("jwt_keys", "generate", "--algorithm", algorithm, stdout=out)

    (key,) = private_keys_parse(out.getvalue(), algorithm=algorithm)
    assert key.algorithm == algorithm


def test_jwt_keys_generate_uses_the_configured_algorithm(private_keys, use_keys):
    use_keys("ES256", private_keys["ES256"][0])
    out = io.StringIO()

    call_command("jwt_keys", "generate", stdout=out)

    assert private_keys_parse(out.getvalue(), algorithm="ES256")


def test_jwt_keys_generate_refuses_hs256(use_keys):
    use_keys("HS256")

    with pytest.raises(CommandError, match="DJANGO_SECRET_KEY"):
        call_command("jwt_keys", "generate", stdout=io.StringIO())


def test_jwt_keys_show_lists_the_kids_in_force_and_nothing_private(
    private_keys, use_keys
):
    first, second = private_keys["EdDSA"][:2]
    keys = use_keys("EdDSA", first, second)
    out = io.StringIO()

    call_command("jwt_keys", "show", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines == [
        f"{keys.keys[0].kid}  EdDSA  signs and verifies",
        f"{keys.keys[1].kid}  EdDSA  verifies",
    ]
    for pem in (first, second):
        assert all(line not in out.getvalue() for line in pem.splitlines()[1:-1])


def test_jwt_keys_show_names_the_hs256_key_without_its_secret(use_keys):
    keys = use_keys("HS256")
    out = io.StringIO()

    call_command("jwt_keys", "show", stdout=out)

    assert out.getvalue() == (
        f"{keys.signing_key.kid}  HS256  signs and verifies (DJANGO_SECRET_KEY)\n"
    )
    assert settings.SECRET_KEY not in out.getvalue()
