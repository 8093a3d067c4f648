import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts import sessions
from accounts.signing_keys import KeySet, key_set, private_key_generate
from tests.live import LiveDatabase, server_env

User = get_user_model()

PASSWORD = "Correct-horse-battery-42"


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    """Hash with MD5 in tests: Argon2 is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """
    Run tasks inside the request, so that a test reads their mail in
    mail.outbox at once. Set here rather than through TASKS_BACKEND in the
    environment, which the live servers the tests start would inherit.
    """
    settings.TASKS = {
        "default": {"BACKEND": settings.TASKS_BACKENDS["immediate"]},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user(db) -> User:
    return User.objects.create_user(
        username="john", email="john@example.com", password=PASSWORD
    )


@pytest.fixture
def other_user(db) -> User:
    return User.objects.create_user(
        username="mallory", email="mallory@example.com", password=PASSWORD
    )


@pytest.fixture
def tokens(user) -> sessions.TokenPair:
    """A signed-in session of `user`."""
    return sessions.session_open(user=user, ip_address="127.0.0.1")


@pytest.fixture
def access_token(tokens) -> str:
    return tokens["access"]


@pytest.fixture
def refresh_token(tokens) -> str:
    return tokens["refresh"]


@pytest.fixture
def auth_client(api_client, access_token) -> APIClient:
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return api_client


@pytest.fixture
def other_client(other_user) -> APIClient:
    client = APIClient()
    access = sessions.session_open(user=other_user)["access"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


@pytest.fixture(scope="module")
def live_db(tmp_path_factory) -> LiveDatabase:
    """A migrated database for one live test module's servers, dropped after."""
    database = LiveDatabase.create(tmp_path_factory.mktemp("live"))
    database.migrate(server_env())
    yield database
    database.drop()


@pytest.fixture(scope="session")
def private_keys() -> dict[str, list[str]]:
    """Three PEM private keys per algorithm, made once: RSA takes a while."""
    return {
        algorithm: [private_key_generate(algorithm) for _ in range(3)]
        for algorithm in ("EdDSA", "ES256", "RS256")
    }


@pytest.fixture
def use_keys(settings):
    """Put an algorithm and its PEM keys in force, the first one signing."""

    def use(algorithm: str, *pems: str) -> KeySet:
        settings.JWT_SIGNING_KEYS = "".join(pems)
        settings.JWT_ALGORITHM = algorithm
        return key_set()

    return use


from tests.mfa_fixtures import mallory_key, two_factor_user  # noqa: E402, F401
