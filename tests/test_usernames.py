"""
One person, one username: NFKC normalisation and case folding on
registration and sign-in, enforced by the database's folded unique index.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.usernames import FOLDED_INDEX_NAME, user_by_username
from config.rates import login_rate_limits
from tests.conftest import PASSWORD

User = get_user_model()

REGISTER_URL = reverse("accounts:register")
TOKEN_URL = reverse("accounts:token-obtain")
TAKEN = {"username": ["A user with that username already exists."]}


def register(api_client, username):
    return api_client.post(REGISTER_URL, {"username": username, "password": PASSWORD})


@pytest.mark.parametrize(
    ("existing", "twin"),
    [
        ("alice", "ALICE"),
        ("alice", "Alice"),
        ("alice", "\uff41\uff4c\uff49\uff43\uff45"),  # fullwidth alice
        ("alice", "\uff21\uff2c\uff29\uff23\uff25"),  # fullwidth ALICE
        ("josé", "JOSÉ"),
        ("josé", "jose\u0301"),  # e + combining acute accent
        ("ǆemal", "ǅemal"),  # Latin dz digraph, titlecase
        ("straße", "STRAßE"),
    ],
)
def test_a_case_or_width_twin_cannot_register(api_client, db, existing, twin):
    assert register(api_client, existing).status_code == 201

    response = register(api_client, twin)

    assert response.status_code == 400
    assert response.json() == TAKEN
    assert User.objects.count() == 1


def test_registration_stores_the_nfkc_form_and_keeps_the_case(api_client, db):
    response = register(api_client, "\uff22\uff4f\uff42")  # fullwidth Bob

    assert response.status_code == 201
    assert response.json()["username"] == "Bob"
    assert User.objects.get().username == "Bob"


@pytest.mark.parametrize(
    "typed",
    ["john", "JOHN", "John", "\uff4a\uff4f\uff48\uff4e", "\uff2a\uff2f\uff28\uff2e"],
)
def test_sign_in_with_any_case_or_width_variant_reaches_the_same_account(
    api_client, user, typed
):
    response = api_client.post(TOKEN_URL, {"username": typed, "password": PASSWORD})

    assert response.status_code == 200
    assert user_by_username(typed) == user


def test_case_and_width_variants_share_one_lock(api_client, user, settings):
    settings.LOGIN_RATE_LIMITS = login_rate_limits("ip=100/min,username=3/15min")
    for typed in ("JOHN", "\uff4a\uff4f\uff48\uff4e", "John"):
        api_client.post(TOKEN_URL, {"username": typed, "password": "wrong"})

    response = api_client.post(TOKEN_URL, {"username": "john", "password": PASSWORD})

    assert response.status_code == 429


@pytest.mark.parametrize(
    ("existing", "twin"),
    [("john", "JOHN"), ("josé", "JOSÉ"), ("john", "\uff4a\uff4f\uff48\uff4e")],
)
def test_the_database_itself_refuses_a_twin(user, existing, twin):
    """Even past every check of the application: a shell, a race."""
    if existing != "john":
        User.objects.create(username=existing)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username=twin)


def test_the_folded_index_exists(db):
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, "auth_user")

    assert indexes[FOLDED_INDEX_NAME]["unique"]


def test_a_registration_that_loses_a_race_gets_the_sequential_400(
    api_client, user, monkeypatch
):
    """The serializer's check passes (the twin is not there yet); the insert fails."""
    monkeypatch.setattr("accounts.serializers.username_taken", lambda name: False)

    response = register(api_client, "JOHN")

    assert response.status_code == 400
    assert response.json() == TAKEN
    assert User.objects.count() == 1


def test_the_migration_names_existing_twins_instead_of_failing_obscurely():
    from importlib import import_module
    from types import SimpleNamespace

    migration = import_module("accounts.migrations.0002_username_folded_index")
    names = ["Twin", "other", "TWIN", "\uff54\uff57\uff49\uff4e"]
    users = SimpleNamespace(values_list=lambda *args, **kwargs: names)
    apps = SimpleNamespace(get_model=lambda *args: SimpleNamespace(objects=users))

    with pytest.raises(RuntimeError, match="Twin, TWIN, \uff54\uff57\uff49\uff4e"):
        migration.create_folded_index(apps, schema_editor=None)
