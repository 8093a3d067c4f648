"""Bad input gets a clear 4xx in DRF's JSON shape, never a 5xx."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import Item
from tests.conftest import PASSWORD

ITEMS_URL = reverse("api:item-list")
TOKEN_URL = reverse("accounts:token-obtain")
ME_URL = reverse("api:user-me")
REGISTER_URL = reverse("accounts:register")


def post_raw(client, url, body, content_type="application/json"):
    return client.generic("POST", url, body, content_type=content_type)


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"name": "x",}',
        b"\xff\xfe\x00garbage",
        b'{"name": "caf\xe9"}',
        b"[" * 50_000 + b"]" * 50_000,
        b"null",
        b"[]",
        b'"just a string"',
        b"NaN",
    ],
    ids=[
        "truncated",
        "trailing-comma",
        "binary",
        "latin-1",
        "deep-nesting",
        "null",
        "list",
        "string",
        "nan",
    ],
)
def test_malformed_json_is_a_400(auth_client, body):
    response = post_raw(auth_client, ITEMS_URL, body)

    assert response.status_code == 400
    assert "detail" in response.json() or response.json()
    assert Item.objects.count() == 0


def test_malformed_json_on_login_is_a_400(api_client, user):
    response = post_raw(api_client, TOKEN_URL, b'{"username": "john", "password"')

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "multipart/form-data; x"]
)
def test_unsupported_content_type_is_a_415(auth_client, content_type):
    response = post_raw(auth_client, ITEMS_URL, b"name=x", content_type=content_type)

    assert response.status_code == 415
    assert "detail" in response.json()
    assert Item.objects.count() == 0


def test_a_body_over_the_limit_is_a_413(auth_client, settings):
    body = b'{"name": "x", "description": "' + b"a" * 300_000 + b'"}'

    response = post_raw(auth_client, ITEMS_URL, body)

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]
    assert Item.objects.count() == 0


def test_a_body_under_the_limit_is_accepted(auth_client):
    response = auth_client.post(ITEMS_URL, {"name": "x", "description": "a" * 200_000})

    assert response.status_code == 201


def test_a_100_kb_authorization_header_is_a_401(api_client, db):
    response = api_client.get(ME_URL, HTTP_AUTHORIZATION="Bearer " + "a" * 100_000)

    assert response.status_code == 401


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer a b", "Basic am9objpwdw==", "bearer x.y.z", "Bearer \x00"],
)
def test_odd_authorization_headers_are_a_401(api_client, db, header):
    assert api_client.get(ME_URL, HTTP_AUTHORIZATION=header).status_code == 401


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (ITEMS_URL, {"name": "nul\x00byte"}),
        (ITEMS_URL, {"name": "ok", "description": "nul\x00byte"}),
        (TOKEN_URL, {"username": "jo\x00hn", "password": PASSWORD}),
        (TOKEN_URL, {"username": "john", "password": "pass\x00word"}),
        (REGISTER_URL, {"username": "nul\x00", "password": PASSWORD}),
    ],
)
def test_nul_characters_and_lone_surrogates_are_a_400(auth_client, url, body):
    response = auth_client.post(url, body, format="json")

    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_lone_surrogates_are_a_400(auth_client):
    response = post_raw(auth_client, ITEMS_URL, b'{"name": "\\ud800 lone"}')

    assert response.status_code == 400
    assert Item.objects.count() == 0


def test_nul_characters_in_patch_me_are_a_400(auth_client, user):
    response = auth_client.patch(ME_URL, {"first_name": "a\x00b"}, format="json")

    assert response.status_code == 400
    user.refresh_from_db()
    assert user.first_name == ""


@pytest.mark.parametrize(
    "body",
    [
        {"username": 12345, "password": 12345},
        {"username": True, "password": False},
        {"username": None, "password": None},
        {"username": ["john"], "password": [PASSWORD]},
        {"username": {"john": 1}, "password": PASSWORD},
        {"username": "x" * 100_000, "password": PASSWORD},
    ],
)
def test_wrong_types_on_login_are_a_4xx(api_client, user, body):
    response = api_client.post(TOKEN_URL, body, format="json")

    assert response.status_code in (400, 401)


@pytest.mark.parametrize("path", ["/api/nope/", "/api/items/1/extra/", "/nothing"])
def test_unknown_urls_are_a_json_404(auth_client, path):
    response = auth_client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_bad_host_header_is_a_400_without_details(db):
    response = Client().get(ME_URL, HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


def test_a_server_error_shows_no_traceback(db, monkeypatch):
    def explode(self, request, *args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("api.views.HealthView.get", explode)
    client = Client(raise_request_exception=False)

    response = client.get(reverse("api:health"))

    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content


@pytest.mark.parametrize(
    ("header", "value"),
    [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "same-origin"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("X-Frame-Options", "DENY"),
    ],
)
def test_security_headers_are_on_api_responses(auth_client, header, value):
    response = auth_client.get(ME_URL)

    assert response[header] == value


def test_query_strings_with_garbage_are_harmless(auth_client):
    for query in (
        "?cursor=%00",
        "?page_size=-5",
        "?page_size=abc",
        "?page_size=99999999999999999999",
    ):
        assert auth_client.get(ITEMS_URL + query).status_code in (200, 404)
