"""
The settings module, run with a real environment.

Each bad value runs config/settings.py in this process (runpy, as an import
would), which is fast enough to try one per variable; a few also run
`django.setup()` in a process of their own, to show what an operator sees.
"""

import os
import re
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import ImproperlyConfigured

from config.env import StrictEnv

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "config" / "settings.py"

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "api.example.com",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_COOKIES": "true",
}


def clean_environ() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "JWT_", "TASKS_"))
        and k != "PYTEST_CURRENT_TEST"
    }


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_environ(), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="false")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false" in result.stderr


def test_development_starts_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_check_deploy_is_silent_with_the_production_variables():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_https_settings_are_off():
    """They are off by default so that plain HTTP on 127.0.0.1 works."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if "SECURE" not in k}

    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode != 0
    assert "security.W004" in result.stderr


@pytest.mark.parametrize("grace", ["-1", "5"])
def test_refresh_grace_period_cannot_exceed_two_seconds(grace):
    result = manage("check", DJANGO_DEBUG="true", REFRESH_REUSE_GRACE_SECONDS=grace)

    assert result.returncode != 0
    assert "REFRESH_REUSE_GRACE_SECONDS" in result.stderr


# For every variable settings.py reads, values it must refuse.
BAD_VALUES = [
    ("DJANGO_DEBUG", "yes please"),
    ("LOG_FORMAT", "xml"),
    ("DJANGO_SECRET_KEY", "   "),
    ("DJANGO_ALLOWED_HOSTS", "https://api.example.com"),
    ("DATABASE_URL", "mongodb://db.example.com/app"),
    ("DATABASE_URL", "postgres://db.example.com:five/app"),
    ("DJANGO_CONN_MAX_AGE", "abc"),
    ("DJANGO_CONN_MAX_AGE", "-1"),
    ("DJANGO_CONN_HEALTH_CHECKS", "sometimes"),
    ("REDIS_URL", "localhost:6379"),
    ("REDIS_URL", "redis://cache.example.com/zero"),
    ("DJANGO_SECURE_SSL_REDIRECT", "enabled"),
    ("DJANGO_SECURE_HSTS_SECONDS", "1 year"),
    ("DJANGO_SECURE_HSTS_SECONDS", "-1"),
    ("DJANGO_SECURE_COOKIES", "y"),
    ("DJANGO_SECURE_PROXY_SSL_HEADER", "https"),
    ("DJANGO_CSRF_TRUSTED_ORIGINS", "admin.example.com"),
    ("DJANGO_MAX_BODY_BYTES", "256k"),
    ("DJANGO_MAX_BODY_BYTES", "0"),
    ("TRUSTED_PROXY", "one"),
    ("TRUSTED_PROXY", "-1"),
    ("CORS_ALLOWED_ORIGINS", "http://localhost:3000/"),
    ("CORS_ALLOWED_ORIGINS", "localhost:3000"),
    ("JWT_ACCESS_LIFETIME_SECONDS", "30m"),
    ("JWT_ACCESS_LIFETIME_SECONDS", "0"),
    ("JWT_REFRESH_LIFETIME_SECONDS", "-604800"),
    ("REGISTRATION_OPEN", "nope"),
    ("FRONTEND_URL", "localhost:3000"),
    ("PASSWORD_RESET_PATH", "/reset-password?uid={uid}"),
    ("REFRESH_REUSE_GRACE_SECONDS", "2 seconds"),
    ("REFRESH_REUSE_GRACE_SECONDS", "5"),
    ("LOGIN_RATE_LIMIT", "5/fortnight"),
    ("REAUTH_SECONDS", "5 minutes"),
    ("REAUTH_SECONDS", "0"),
    ("TASKS_BACKEND", "celery"),
    ("EMAIL_VERIFY_PATH", "/verify-email?key={token}"),
    ("EMAIL_CHANGE_PATH", "confirm?key={key}"),
    ("EMAIL_KEY_LIFETIME_SECONDS", "3 days"),
    ("REQUIRE_VERIFIED_EMAIL", "sometimes"),
    ("EMAIL_URL", "gmail://smtp.example.com"),
    ("EMAIL_URL", "filemail:///var/mail"),
    ("EMAIL_URL", "smtp+tls://smtp.example.com:submission"),
    ("DEFAULT_FROM_EMAIL", "noreply"),
    ("JWT_ALGORITHM", "HS512"),
    ("JWT_ALGORITHM", "none"),
    ("JWT_SIGNING_KEYS", "-----BEGIN PRIVATE KEY-----"),
    ("JWT_SIGNING_KEYS_FILE", "/nonexistent/jwt-keys.pem"),
    ("JWT_ISSUER", "api.example.com"),
    ("JWT_ISSUER", "https://api.example.com/"),
    ("JWT_ISSUER", "https://api.example.com?tenant=1"),
    ("JWT_AUDIENCE", "api, web"),
    ("JWT_AUDIENCE", ""),
    ("MFA_ENCRYPTION_KEY", "too-short"),
    ("MFA_TOTP_ISSUER", "Acme: Sign-in"),
    ("MFA_CHALLENGE_SECONDS", "5"),
    ("MFA_REQUIRED_FOR_STAFF", "for admins"),
    ("WEBAUTHN_RP_ID", "127.0.0.1"),
    ("WEBAUTHN_RP_ID", "https://example.com"),
    ("WEBAUTHN_RP_NAME", ""),
    ("WEBAUTHN_ORIGINS", "http://localhost:3000/"),
    ("WEBAUTHN_ORIGINS", "https://evil.example"),
]
SETTINGS_VARIABLES = {variable for variable, _ in BAD_VALUES}
SECRET = "hunter2-never-shown"


@pytest.fixture
def environment(monkeypatch) -> pytest.MonkeyPatch:
    """No settings variable but a valid key, as a production server starts."""
    for variable in SETTINGS_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    return monkeypatch


def run_settings() -> dict:
    """Run config/settings.py afresh and return the settings it defines."""
    return runpy.run_path(str(SETTINGS_FILE))


def test_every_variable_settings_reads_has_a_bad_value_in_the_table():
    """A variable added to settings.py needs a line in BAD_VALUES."""
    read = set(re.findall(r'env\.\w+\(\s*"(\w+)"', SETTINGS_FILE.read_text()))

    assert read == SETTINGS_VARIABLES


def test_the_settings_load_without_any_variable(environment):
    settings = run_settings()

    assert settings["DEBUG"] is False
    assert settings["LOGIN_RATE_LIMIT"] == ""
    assert settings["LOGIN_RATE_LIMITS"]["ip"] == (20, 60)


@pytest.mark.parametrize(
    ("variable", "value"), BAD_VALUES, ids=[f"{v}={x}" for v, x in BAD_VALUES]
)
def test_a_bad_value_stops_the_settings_naming_the_variable_and_value(
    environment, variable, value
):
    environment.setenv(variable, value)

    with pytest.raises(ImproperlyConfigured) as caught:
        run_settings()

    message = str(caught.value)
    assert message.startswith(variable)
    if variable in StrictEnv.SECRETS:
        assert not value.strip() or value.strip() not in message
    else:
        assert repr(value) in message
    if variable != "DJANGO_SECRET_KEY":
        assert "expected" in message


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", f"postgres://app:{SECRET}@db.example.com:five/app"),
        ("DATABASE_URL", f"postgres://app:{SECRET}/x@db.example.com/app"),
        ("DATABASE_URL", f"mongodb://app:{SECRET}@db.example.com/app"),
        ("EMAIL_URL", f"gmail://me:{SECRET}@smtp.example.com"),
        ("EMAIL_URL", f"smtp://me:{SECRET}@:587"),
        ("REDIS_URL", f"redis://:{SECRET}@cache.example.com/zero"),
        ("REDIS_URL", f"http://cache.example.com/0?password={SECRET}"),
    ],
)
def test_a_refused_url_never_shows_its_password(environment, variable, value):
    environment.setenv(variable, value)

    with pytest.raises(ImproperlyConfigured) as caught:
        run_settings()

    assert str(caught.value).startswith(variable)
    assert SECRET not in str(caught.value)


@pytest.mark.parametrize(
    ("variable", "value", "setting", "expected"),
    [
        ("DJANGO_DEBUG", "Yes", "DEBUG", True),
        ("DJANGO_DEBUG", "OFF", "DEBUG", False),
        ("DJANGO_SECRET_KEY", "$HOME-" + SECRET, "SECRET_KEY", "$HOME-" + SECRET),
        (
            "DJANGO_ALLOWED_HOSTS",
            ".example.com, [::1]",
            "ALLOWED_HOSTS",
            [
                ".example.com",
                "[::1]",
            ],
        ),
        (
            "CORS_ALLOWED_ORIGINS",
            "https://app.example.com, http://localhost:3000",
            "CORS_ALLOWED_ORIGINS",
            ["https://app.example.com", "http://localhost:3000"],
        ),
        (
            "DJANGO_CSRF_TRUSTED_ORIGINS",
            "https://*.example.com",
            "CSRF_TRUSTED_ORIGINS",
            ["https://*.example.com"],
        ),
        (
            "REDIS_URL",
            "rediss://:pw@cache.example.com:6380/1",
            "REDIS_URL",
            ("rediss://:pw@cache.example.com:6380/1"),
        ),
        ("LOGIN_RATE_LIMIT", "5/min", "LOGIN_RATE_LIMIT", "5/min"),
        (
            "JWT_ISSUER",
            "https://example.com/auth",
            "JWT_ISSUER",
            "https://example.com/auth",
        ),
        (
            "JWT_AUDIENCE",
            "https://api.example.com",
            "JWT_AUDIENCE",
            "https://api.example.com",
        ),
        ("REFRESH_REUSE_GRACE_SECONDS", "0.5", "REFRESH_REUSE_GRACE_SECONDS", 0.5),
        (
            "DEFAULT_FROM_EMAIL",
            "Auth <a@example.com>",
            "DEFAULT_FROM_EMAIL",
            ("Auth <a@example.com>"),
        ),
    ],
)
def test_a_good_value_is_read(environment, variable, value, setting, expected):
    environment.setenv(variable, value)

    assert run_settings()[setting] == expected


def test_a_bare_drf_rate_limits_sign_ins_per_ip(environment):
    environment.setenv("LOGIN_RATE_LIMIT", "5/min")

    assert run_settings()["LOGIN_RATE_LIMITS"]["ip"] == (5, 60)


def test_login_rate_limit_off_turns_the_limits_off(environment):
    environment.setenv("LOGIN_RATE_LIMIT", "off")

    assert run_settings()["LOGIN_RATE_LIMITS"] is None


def pem(private_key, password: bytes | None = None) -> str:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode()


def public_pem(pem_text: str) -> str:
    private = serialization.load_pem_private_key(pem_text.encode(), password=None)
    return (
        private.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


@pytest.fixture(scope="module")
def odd_keys(private_keys) -> dict[str, str]:
    """PEM text that is not a usable signing key for the algorithm it is given to."""
    return {
        "p384": pem(ec.generate_private_key(ec.SECP384R1())),
        "rsa1024": pem(
            rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
        ),
        "encrypted": pem(
            serialization.load_pem_private_key(
                private_keys["EdDSA"][0].encode(), password=None
            ),
            password=b"a passphrase",
        ),
        "public": public_pem(private_keys["EdDSA"][0]),
    }


KEY_ERRORS = {
    "no key for EdDSA": (
        {"JWT_ALGORITHM": "EdDSA"},
        "JWT_SIGNING_KEYS (or JWT_SIGNING_KEYS_FILE) is required",
    ),
    "an RSA key for EdDSA": (
        {"JWT_ALGORITHM": "EdDSA", "JWT_SIGNING_KEYS": "rs256"},
        "JWT_SIGNING_KEYS is not valid (value hidden): expected Ed25519 private"
        " keys in PEM (JWT_ALGORITHM=EdDSA); key 1 is an RSA key",
    ),
    "an Ed25519 key for ES256": (
        {"JWT_ALGORITHM": "ES256", "JWT_SIGNING_KEYS": "eddsa"},
        "key 1 is an Ed25519 key",
    ),
    "a P-384 key for ES256, second": (
        {"JWT_ALGORITHM": "ES256", "JWT_SIGNING_KEYS": "es256+p384"},
        "key 2 is an EC secp384r1 key",
    ),
    "a 1024-bit RSA key": (
        {"JWT_ALGORITHM": "RS256", "JWT_SIGNING_KEYS": "rsa1024"},
        "key 1 has only 1024 bits",
    ),
    "a public key": (
        {"JWT_ALGORITHM": "EdDSA", "JWT_SIGNING_KEYS": "public"},
        "key 1 is a PUBLIC KEY block, not a private key",
    ),
    "an encrypted key": (
        {"JWT_ALGORITHM": "EdDSA", "JWT_SIGNING_KEYS": "encrypted"},
        "key 1 is encrypted: give it unencrypted",
    ),
    "text around the key": (
        {"JWT_ALGORITHM": "EdDSA", "JWT_SIGNING_KEYS": "eddsa+junk"},
        "with nothing but spaces between them",
    ),
    "the same key twice": (
        {"JWT_ALGORITHM": "EdDSA", "JWT_SIGNING_KEYS": "eddsa+eddsa"},
        "the same key is given twice",
    ),
    "keys with HS256": (
        {"JWT_SIGNING_KEYS": "eddsa"},
        "JWT_SIGNING_KEYS is not valid (value hidden): expected nothing when"
        " JWT_ALGORITHM is HS256",
    ),
    "an unreadable file": (
        {"JWT_ALGORITHM": "EdDSA", "JWT_SIGNING_KEYS_FILE": "/nonexistent/k.pem"},
        "JWT_SIGNING_KEYS_FILE='/nonexistent/k.pem' is not valid: expected a"
        " readable file of PEM private keys; it cannot be read: No such file",
    ),
    "an empty file": (
        {"JWT_ALGORITHM": "EdDSA", "JWT_SIGNING_KEYS_FILE": "<empty>"},
        "it is empty",
    ),
    "a file of the wrong keys": (
        {"JWT_ALGORITHM": "ES256", "JWT_SIGNING_KEYS_FILE": "<eddsa>"},
        "key 1 is an Ed25519 key",
    ),
    "both the keys and a file": (
        {
            "JWT_ALGORITHM": "EdDSA",
            "JWT_SIGNING_KEYS": "eddsa",
            "JWT_SIGNING_KEYS_FILE": "<eddsa>",
        },
        "expected no JWT_SIGNING_KEYS beside it",
    ),
}


@pytest.mark.parametrize("case", KEY_ERRORS)
def test_a_missing_unreadable_or_wrong_key_stops_the_settings(
    environment, tmp_path, private_keys, odd_keys, case
):
    variables, expected = KEY_ERRORS[case]
    texts = {
        "eddsa": private_keys["EdDSA"][0],
        "es256": private_keys["ES256"][0],
        "rs256": private_keys["RS256"][0],
        "junk": "trailing words\n",
        **odd_keys,
    }
    secrets_given = []
    for variable, value in variables.items():
        if value.startswith("<"):
            path = tmp_path / "keys.pem"
            name = value.strip("<>")
            path.write_text(texts.get(name, ""))
            value = str(path)
        elif variable == "JWT_SIGNING_KEYS":
            value = "".join(texts[name] for name in value.split("+"))
            secrets_given.append(value)
        environment.setenv(variable, value)

    with pytest.raises(ImproperlyConfigured) as caught:
        run_settings()

    message = str(caught.value)
    assert message.startswith("JWT_SIGNING_KEYS")
    assert expected in message
    for pem_text in [*texts.values(), *secrets_given]:
        assert pem_text.strip() not in message
        assert all(line not in message for line in pem_text.splitlines()[1:-1])


@pytest.mark.parametrize("algorithm", ["EdDSA", "ES256", "RS256"])
def test_private_keys_in_the_variable_or_in_a_file_load(
    environment, tmp_path, private_keys, algorithm
):
    keys = "".join(private_keys[algorithm][:2])
    path = tmp_path / "keys.pem"
    path.write_text(keys)
    environment.setenv("JWT_ALGORITHM", algorithm)

    environment.setenv("JWT_SIGNING_KEYS_FILE", str(path))
    from_file = run_settings()
    environment.delenv("JWT_SIGNING_KEYS_FILE")
    # As an env file holds them: one line, with "\n" for each line break.
    environment.setenv("JWT_SIGNING_KEYS", keys.replace("\n", "\\n"))
    from_variable = run_settings()

    assert from_file["JWT_SIGNING_KEYS"] == keys
    assert from_variable["JWT_SIGNING_KEYS"] == keys
    assert from_file["SIMPLE_JWT"]["ALGORITHM"] == algorithm
    assert from_file["SIMPLE_JWT"]["SIGNING_KEY"] is None


def test_django_setup_names_an_unreadable_key_file(tmp_path):
    result = manage(
        "check",
        DJANGO_DEBUG="true",
        JWT_ALGORITHM="EdDSA",
        JWT_SIGNING_KEYS_FILE=str(tmp_path / "missing.pem"),
    )

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: ")
    assert "JWT_SIGNING_KEYS_FILE=" in last_line


# What an operator sees: `django.setup()` in a process of its own.
PROCESS_CASES = {
    "conn-max-age": {"DJANGO_CONN_MAX_AGE": "abc"},
    "debug": {"DJANGO_DEBUG": "yes please"},
    "rate": {"LOGIN_RATE_LIMIT": "5/fortnight"},
    "database": {"DATABASE_URL": f"postgres://app:{SECRET}@db.example.com:x/app"},
}


@pytest.fixture(scope="module")
def setups() -> dict[str, subprocess.CompletedProcess]:
    """Start every case's process at once: each pays for a Python start-up."""
    command = [sys.executable, "-c", "import django; django.setup()"]
    base = {
        **clean_environ(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    }
    processes = {
        case: subprocess.Popen(
            command,
            cwd=ROOT,
            env={**base, **variables},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for case, variables in PROCESS_CASES.items()
    }
    results = {}
    for case, process in processes.items():
        stdout, stderr = process.communicate(timeout=60)
        results[case] = subprocess.CompletedProcess(
            command, process.returncode, stdout, stderr
        )
    return results


@pytest.mark.parametrize("case", PROCESS_CASES)
def test_django_setup_exits_with_the_bad_variable_named(setups, case):
    (variable,) = PROCESS_CASES[case]
    result = setups[case]

    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        f"django.core.exceptions.ImproperlyConfigured: {variable}"
    )


def test_django_setup_never_prints_a_database_password(setups):
    assert "DATABASE_URL" in setups["database"].stderr
    assert SECRET not in setups["database"].stderr


PRINT_TASKS_BACKEND = (
    "from django_tasks import task_backends; "
    "print(type(task_backends['default']).__name__)"
)


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({"DJANGO_DEBUG": "true"}, "ImmediateBackend"),
        (PRODUCTION_ENV, "DatabaseBackend"),
        ({**PRODUCTION_ENV, "TASKS_BACKEND": "immediate"}, "ImmediateBackend"),
        ({"DJANGO_DEBUG": "true", "TASKS_BACKEND": "database"}, "DatabaseBackend"),
    ],
)
def test_tasks_run_in_the_request_in_development_and_queue_in_production(env, backend):
    result = manage("shell", "--no-imports", "-c", PRINT_TASKS_BACKEND, **env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == backend


def test_an_unknown_tasks_backend_refuses_to_start():
    result = manage("check", DJANGO_DEBUG="true", TASKS_BACKEND="celery")

    assert result.returncode != 0
    assert "ImproperlyConfigured: TASKS_BACKEND='celery' is not valid" in (
        result.stderr
    )
