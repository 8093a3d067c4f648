"""OPTIONS on every route of the project answers 2xx-4xx, never a 5xx."""

import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from rest_framework.test import APIClient

from accounts.models import Session
from api.models import Item
from tests.helpers import bearer

_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<regex>(?:[^()]|\([^()]*\))*)\)")


def _url_patterns(patterns=None, prefix=""):
    """Every URL pattern of config.urls, with the regex of its full path."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        regex = prefix + re.sub(r"^\^|(\\Z|\$)$", "", pattern.pattern.regex.pattern)
        if isinstance(pattern, URLResolver):
            yield from _url_patterns(pattern.url_patterns, regex)
        else:
            yield regex, pattern


URL_PATTERNS = dict(_url_patterns())


def _paths(regex: str, values: list[str]) -> list[str]:
    """
    The URLs a pattern matches, its path parameters filled with `values`.

    Each parameter takes each value its regex accepts, so that an `{id}`
    is tried as an int and as a uuid; app labels only fill a parameter
    that no id fits (the admin's `<app_label>`).
    """
    labels = [app.label for app in apps.get_app_configs()]

    def fitting(group: re.Match) -> list[str]:
        accepted = [v for v in values if re.fullmatch(group["regex"], v)]
        return accepted or [v for v in labels if re.fullmatch(group["regex"], v)]

    choices = [fitting(group) for group in _GROUP.finditer(regex)]
    rounds = max([len(c) for c in choices], default=1)
    return sorted(
        {_fill(regex, [c[n % len(c)] for c in choices]) for n in range(rounds)}
    )


def _fill(regex: str, values: list[str]) -> str:
    """The path `regex` matches with its groups, in order, set to `values`."""
    values = iter(values)
    filled = _GROUP.sub(lambda _: next(values), regex)
    return "/" + re.sub(r"\\(.)", r"\1", filled)


@pytest.fixture
def identities(user, access_token, admin_user) -> dict:
    """No credentials, the Bearer token of a user, a staff member's session."""
    staff = Client(raise_request_exception=False)
    staff.force_login(admin_user)
    return {
        "anonymous": APIClient(raise_request_exception=False),
        "bearer": APIClient(raise_request_exception=False, **bearer(access_token)),
        "staff": staff,
    }


@pytest.fixture
def path_values(user, access_token) -> list[str]:
    """Ids that exist (the caller's item and session) and ids that do not."""
    item = Item.objects.create(owner=user, name="Milk")
    session = Session.objects.get(user=user)
    return [
        str(item.pk),
        str(session.pk),
        "999999",
        "00000000-0000-4000-8000-000000000000",
    ]


def test_the_walk_reaches_api_guide_admin_and_docs_routes():
    regexes = set(URL_PATTERNS)

    assert {
        r"api/auth/logout\-all/",
        r"api/auth/sessions/(?P<pk>[^/.]+)/",
        r"api/items/(?P<pk>[0-9]{1,18})/",
        "token",
        "users/me",
        "items/",
        "api/schema/",
        "api/docs/",
        "admin/",
        r"admin/api/item/(?P<object_id>.+)/change/",
    } <= regexes
    assert len(regexes) > 50


@pytest.mark.parametrize("regex", list(URL_PATTERNS))
def test_options_on_every_route_is_never_a_server_error(regex, identities, path_values):
    paths = _paths(regex, path_values)
    failures = []
    for path in paths:
        assert resolve(path).func is URL_PATTERNS[regex].callback, path
        for who, client in identities.items():
            status = client.options(path).status_code
            if status >= 500:
                failures.append(f"OPTIONS {path} as {who}: {status}")

    assert paths
    assert failures == []


def test_options_on_logout_all_with_a_token_describes_the_view(auth_client):
    response = auth_client.options(reverse("accounts:logout-all"))

    assert response.status_code == 200
    assert response.json()["name"] == "Logout All"
    assert "actions" not in response.json()


def test_options_on_an_own_item_still_describes_its_fields(auth_client, user):
    item = Item.objects.create(owner=user, name="Milk")

    response = auth_client.options(reverse("api:item-detail", args=[item.pk]))

    assert response.status_code == 200
    assert {"name", "description"} <= set(response.json()["actions"]["PUT"])
