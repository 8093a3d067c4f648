"""
Rotating signing keys signs no one out: a new key goes first and signs, the
old one stays second and still verifies, and only removing it refuses the
tokens it signed, access and refresh alike. Revocation holds throughout.
"""

import jwt
import pytest
from django.urls import reverse

from accounts.sessions import session_open
from tests.helpers import bearer

ME_URL = reverse("api:user-me")
REFRESH_URL = reverse("accounts:token-refresh")
LOGOUT_URL = reverse("accounts:logout")
JWKS_URL = reverse("jwks")


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


@pytest.fixture(params=["EdDSA", "ES256", "RS256"])
def rotation(request, private_keys, use_keys):
    """An algorithm, its old and new key, and the old key in force alone."""
    algorithm = request.param
    old, new = private_keys[algorithm][:2]
    use_keys(algorithm, old)
    return algorithm, old, new


def test_a_new_key_put_first_signs_while_the_old_one_still_verifies(
    rotation, api_client, user, use_keys
):
    algorithm, old, new = rotation
    before = session_open(user=user)
    assert api_client.get(ME_URL, **bearer(before["access"])).status_code == 200

    keys = use_keys(algorithm, new, old)
    after = session_open(user=user)

    old_kid, new_kid = keys.keys[1].kid, keys.keys[0].kid
    assert {kid_of(t) for t in before.values()} == {old_kid}
    assert {kid_of(t) for t in after.values()} == {new_kid}
    assert api_client.get(ME_URL, **bearer(before["access"])).status_code == 200
    assert api_client.get(ME_URL, **bearer(after["access"])).status_code == 200
    refreshed = api_client.post(REFRESH_URL, {"refresh": before["refresh"]})
    assert refreshed.status_code == 200
    assert kid_of(refreshed.json()["access"]) == new_kid
    assert kid_of(refreshed.json()["refresh"]) == new_kid


def test_a_key_published_second_verifies_before_it_signs(
    rotation, api_client, user, use_keys
):
    """The first step of a rotation: caches learn the new key before it signs."""
    algorithm, old, new = rotation

    keys = use_keys(algorithm, old, new)

    assert kid_of(session_open(user=user)["access"]) == keys.keys[0].kid
    published = [jwk["kid"] for jwk in api_client.get(JWKS_URL).json()["keys"]]
    assert published == [keys.keys[0].kid, keys.keys[1].kid]


def test_removing_the_old_key_refuses_its_access_and_refresh_tokens(
    rotation, api_client, user, use_keys
):
    algorithm, old, new = rotation
    before = session_open(user=user)
    # Verified once, so the process remembers it: removal must still count.
    assert api_client.get(ME_URL, **bearer(before["access"])).status_code == 200
    use_keys(algorithm, new, old)
    after = session_open(user=user)

    use_keys(algorithm, new)

    assert api_client.get(ME_URL, **bearer(before["access"])).status_code == 401
    assert api_client.post(REFRESH_URL, {"refresh": before["refresh"]}).status_code == (
        401
    )
    assert api_client.get(ME_URL, **bearer(after["access"])).status_code == 200
    assert api_client.post(REFRESH_URL, {"refresh": after["refresh"]}).status_code == (
        200
    )
    published = [jwk["kid"] for jwk in api_client.get(JWKS_URL).json()["keys"]]
    assert published == [kid_of(after["access"])]


def test_a_revoked_session_is_refused_whichever_key_signed_its_token(
    rotation, api_client, user, use_keys
):
    algorithm, old, new = rotation
    before = session_open(user=user)
    use_keys(algorithm, new, old)
    after = session_open(user=user)
    for pair in (before, after):
        assert api_client.get(ME_URL, **bearer(pair["access"])).status_code == 200

    for pair in (before, after):
        logout = api_client.post(LOGOUT_URL, {"refresh": pair["refresh"]})
        assert logout.status_code == 204

    for pair in (before, after):
        response = api_client.get(ME_URL, **bearer(pair["access"]))
        assert response.status_code == 401
        assert response.json()["code"] == "session_ended"


def test_moving_from_hs256_to_eddsa_refuses_the_hs256_tokens(
    api_client, user, private_keys, use_keys
):
    """The algorithm is one at a time: changing it signs everyone out."""
    use_keys("HS256")
    before = session_open(user=user)
    assert api_client.get(ME_URL, **bearer(before["access"])).status_code == 200

    use_keys("EdDSA", private_keys["EdDSA"][0])

    assert api_client.get(ME_URL, **bearer(before["access"])).status_code == 401
    assert api_client.post(REFRESH_URL, {"refresh": before["refresh"]}).status_code == (
        401
    )
