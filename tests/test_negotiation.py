import pytest
from django.urls import reverse
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from config.negotiation import ContentNegotiation

ME_URL = reverse("api:user-me")

ACCEPT = [
    None,
    "*/*",
    "application/json",
    "text/html",
    "application/json; indent=4",
    "text/html, application/json;q=0.9, */*;q=0.8",
    "application/xml",
    "application/*",
]


@pytest.mark.parametrize("accept", ACCEPT)
@pytest.mark.parametrize("query", ["", "?format=json", "?cursor=abc"])
@pytest.mark.parametrize(
    "renderers",
    [[JSONRenderer()], [JSONRenderer(), BrowsableAPIRenderer()]],
    ids=["production", "debug"],
)
def test_the_renderer_is_the_one_drf_would_choose(accept, query, renderers):
    headers = {"HTTP_ACCEPT": accept} if accept is not None else {}
    request = Request(APIRequestFactory().get(f"/api/users/me/{query}", **headers))

    def choice(negotiation):
        try:
            renderer, media_type = negotiation.select_renderer(request, renderers)
        except Exception as exc:
            return type(exc)
        return type(renderer), media_type

    assert choice(ContentNegotiation()) == choice(DefaultContentNegotiation())


@pytest.mark.parametrize("accept", ["*/*", "application/json", "application/*"])
def test_json_is_served_to_clients_that_take_it(auth_client, accept):
    response = auth_client.get(ME_URL, HTTP_ACCEPT=accept)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_a_type_the_api_cannot_serve_is_a_406(auth_client):
    response = auth_client.get(ME_URL, HTTP_ACCEPT="application/xml")

    assert response.status_code == 406
