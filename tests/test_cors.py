import pytest
from django.urls import reverse

ME_URL = reverse("api:user-me")


def test_allowed_origin_gets_cors_headers(auth_client, settings):
    response = auth_client.get(ME_URL, HTTP_ORIGIN="http://localhost:3000")

    assert response["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_other_origins_get_no_cors_headers(auth_client):
    response = auth_client.get(ME_URL, HTTP_ORIGIN="https://evil.example")

    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("path", [ME_URL, "/token", "/users/me"])
def test_preflight_allows_authorization_and_content_type(api_client, db, path):
    response = api_client.options(
        path,
        HTTP_ORIGIN="http://localhost:3000",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
    )

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "http://localhost:3000"
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed
    assert "content-type" in allowed


def test_preflight_from_another_origin_is_not_allowed(api_client, db):
    response = api_client.options(
        ME_URL,
        HTTP_ORIGIN="https://evil.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )

    assert "Access-Control-Allow-Origin" not in response


def test_no_wildcard_origin(settings):
    assert "*" not in settings.CORS_ALLOWED_ORIGINS
    assert not getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)


def test_a_request_without_an_origin_gets_only_vary_origin(auth_client):
    response = auth_client.get(ME_URL)

    assert response.status_code == 200
    assert "origin" in response["Vary"].lower()
    assert not [h for h in response.headers if h.lower().startswith("access-control")]


def test_paths_outside_the_api_get_no_cors_headers(client, db):
    response = client.get(reverse("admin:login"), HTTP_ORIGIN="http://localhost:3000")

    assert "Access-Control-Allow-Origin" not in response
    assert "origin" not in response.get("Vary", "").lower()
