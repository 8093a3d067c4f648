from unittest import mock

import pytest
import yaml
from django.db import OperationalError
from django.urls import reverse
from openapi_spec_validator import OpenAPIV30SpecValidator

HEALTH_URL = reverse("api:health")


@pytest.fixture
def schema(api_client, db) -> dict:
    response = api_client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/auth/token/", "post"),
        ("/api/auth/token/refresh/", "post"),
        ("/api/auth/token/verify/", "post"),
        ("/api/auth/logout/", "post"),
        ("/api/auth/logout-all/", "post"),
        ("/api/auth/register/", "post"),
        ("/api/auth/password/change/", "post"),
        ("/api/auth/password/reset/", "post"),
        ("/api/auth/password/reset/confirm/", "post"),
        ("/api/auth/sessions/", "get"),
        ("/api/auth/sessions/{id}/", "delete"),
        ("/api/users/me/", "get"),
        ("/api/users/me/", "patch"),
        ("/api/items/", "get"),
        ("/api/items/", "post"),
        ("/api/items/{id}/", "get"),
        ("/api/items/{id}/", "put"),
        ("/api/items/{id}/", "patch"),
        ("/api/items/{id}/", "delete"),
        ("/token", "post"),
        ("/users/me", "get"),
        ("/.well-known/jwks.json", "get"),
        ("/.well-known/openid-configuration", "get"),
    ],
)
def test_schema_describes_the_operation(schema, path, method):
    assert method in schema["paths"][path]


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_the_served_schema_is_valid_openapi_3(api_client, db, fmt):
    query = {"format": "json"} if fmt == "json" else {}

    response = api_client.get(reverse("schema"), query)

    assert response.status_code == 200
    spec = yaml.safe_load(response.content)  # JSON is YAML as well
    assert spec["openapi"].startswith("3.0")
    errors = [error.message for error in OpenAPIV30SpecValidator(spec).iter_errors()]
    assert errors == []


def test_schema_describes_token_bodies_and_bearer_security(schema):
    components = schema["components"]
    login = schema["paths"]["/api/auth/token/"]["post"]
    response_ref = login["responses"]["200"]["content"]["application/json"]["schema"]
    result = components["schemas"][response_ref["$ref"].rsplit("/", 1)[1]]
    # Tokens, or the second step of a user with a second factor.
    pair, second_step = (
        components["schemas"][choice["$ref"].rsplit("/", 1)[1]]
        for choice in result["oneOf"]
    )
    assert set(pair["properties"]) == {"access", "refresh"}
    assert set(second_step["properties"]) == {"mfa_required", "mfa_token", "methods"}
    assert components["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    flow = components["securitySchemes"]["oauth2PasswordFlow"]["flows"]["password"]
    assert flow["tokenUrl"] == "/token"
    me = schema["paths"]["/api/users/me/"]["get"]
    assert {"jwtAuth": []} in me["security"]


def test_schema_never_exposes_a_password_in_a_response(schema):
    for name, component in schema["components"]["schemas"].items():
        if name.endswith("Request"):
            continue
        assert "password" not in component.get("properties", {}), name


@pytest.mark.parametrize("name", ["swagger-ui", "redoc"])
def test_api_docs_pages_load(api_client, db, name):
    response = api_client.get(reverse(name))

    assert response.status_code == 200
    assert b"/api/schema/" in response.content


def test_health_is_ok_when_the_database_answers(api_client, db):
    response = api_client.get(HEALTH_URL)

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_is_503_when_the_database_is_unreachable(api_client, db):
    with mock.patch(
        "api.views.connection.cursor", side_effect=OperationalError("gone")
    ):
        response = api_client.get(HEALTH_URL)

    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
    assert response.json()["status"] == "unavailable"


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/users/me/", "get", {"200", "401"}),
        ("/api/items/", "get", {"200", "401", "404"}),
        ("/items/", "get", {"200", "401", "404"}),
        ("/api/items/", "post", {"201", "400", "401", "413", "415"}),
        ("/api/items/{id}/", "delete", {"204", "401", "404"}),
        ("/api/auth/token/", "post", {"200", "400", "401", "429"}),
        ("/api/auth/register/", "post", {"201", "400", "429"}),
    ],
)
def test_schema_documents_the_errors_a_client_must_handle(schema, path, method, codes):
    responses = schema["paths"][path][method]["responses"]

    assert codes <= set(responses)
    if "401" in responses:
        ref = responses["401"]["content"]["application/json"]["schema"]["$ref"]
        assert ref.endswith("/Error")


def test_schema_does_not_promise_a_401_where_no_one_signs_in(schema):
    assert "401" not in schema["paths"]["/api/auth/register/"]["post"]["responses"]
    assert "401" not in schema["paths"]["/api/health/"]["get"]["responses"]


def test_health_is_503_when_the_cache_is_unreachable(api_client, db):
    with mock.patch("api.views.cache.set", side_effect=ConnectionError("redis down")):
        response = api_client.get(HEALTH_URL)

    assert response.status_code == 503
    assert response.json()["cache"] == "unavailable"
    assert response.json()["database"] == "ok"
