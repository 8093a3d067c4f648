"""The settings module, run as a real process with a real environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "api.example.com",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
    "DJANGO_SECURE_HSTS_SECONDS": "31536000",
    "DJANGO_SECURE_COOKIES": "true",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "JWT_", "TASKS_"))
        and k != "PYTEST_CURRENT_TEST"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
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
    assert "ImproperlyConfigured: TASKS_BACKEND must be one of immediate, database" in (
        result.stderr
    )
