"""The FastAPI guide's paths work as that guide's clients expect."""

import pytest
from django.urls import reverse

from accounts.models import Session
from api.models import Item
from tests.conftest import PASSWORD
from tests.helpers import bearer


def form_login(client, username="john", password=PASSWORD):
    return client.post(
        "/token",
        f"username={username}&password={password}&grant_type=password",
        content_type="application/x-www-form-urlencoded",
    )


def test_token_alias_answers_the_oauth2_password_flow(api_client, user):
    response = form_login(api_client)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 1800
    assert {"access_token", "refresh_token"} <= set(body)
    assert Session.objects.filter(user=user).count() == 1
    me = api_client.get("/users/me", **bearer(body["access_token"]))
    assert me.status_code == 200


def test_token_alias_refuses_bad_credentials_with_the_guides_detail(api_client, user):
    """RFC 6749's 400 `invalid_grant`, with the guide's `detail` kept."""
    response = form_login(api_client, password="wrong")

    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "Incorrect username or password",
        "detail": "Incorrect username or password",
    }


def test_token_alias_refuses_another_grant_type(api_client, user):
    response = api_client.post(
        "/token",
        f"username=john&password={PASSWORD}&grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


def test_token_alias_with_non_string_json_values_is_a_400(api_client, user):
    response = api_client.post(
        "/token", {"username": {"$ne": None}, "password": ["x"]}, format="json"
    )

    assert response.status_code == 400


def test_token_alias_is_served_without_a_trailing_slash_redirect(api_client, user):
    assert api_client.post("/token/", {}).status_code == 404
    assert form_login(api_client).status_code == 200


@pytest.mark.parametrize("path", ["/users/me", "/users/me/"])
def test_users_me_alias_returns_the_same_user_as_the_api(auth_client, path):
    alias = auth_client.get(path)

    assert alias.status_code == 200
    assert alias.json() == auth_client.get(reverse("api:user-me")).json()


def test_users_me_alias_needs_a_token(api_client, db):
    response = api_client.get("/users/me")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_items_alias_lists_only_the_callers_items(auth_client, user, other_user):
    Item.objects.create(owner=user, name="mine")
    Item.objects.create(owner=other_user, name="theirs")

    response = auth_client.get("/items/")

    assert response.status_code == 200
    assert [i["name"] for i in response.json()["results"]] == ["mine"]


def test_token_alias_accepts_swagger_uis_authorize_form(api_client, user):
    """Swagger UI's Authorize dialog sends these fields, some empty."""
    response = api_client.post(
        "/token",
        f"grant_type=password&username=john&password={PASSWORD}"
        "&scope=&client_id=&client_secret=",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
