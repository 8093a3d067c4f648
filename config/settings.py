"""
One settings module, driven by the environment (12-factor).

Every variable is optional in development; README.md lists them all. Without
any of them the project runs on an embedded SQLite database and a
local-memory cache. Production switches to PostgreSQL and Redis by setting
DATABASE_URL and REDIS_URL, and refuses to start without a real
DJANGO_SECRET_KEY.
"""

from datetime import timedelta
from functools import partial
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from accounts import signing_keys
from config.env import StrictEnv
from config.rates import login_rate_limits
from config.validators import (
    audience,
    display_name,
    email_address,
    host,
    http_url,
    issuer_url,
    key_path,
    origin,
    redis_url,
    reset_path,
    trusted_origin,
    webauthn_rp_id,
)

BASE_DIR = Path(__file__).resolve().parent.parent

# A value that does not parse stops the process here, naming the variable.
env = StrictEnv()

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# https://docs.djangoproject.com/en/5.2/ref/settings/#secret-key
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY.strip():
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is false. "
            "Generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
    # Only ever used with DJANGO_DEBUG=true; tokens signed with it are
    # worthless outside this machine.
    SECRET_KEY = "django-insecure-dev-only-never-use-in-production"  # noqa: S105

# https://docs.djangoproject.com/en/5.2/ref/settings/#allowed-hosts
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"], validate=host
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

INSTALLED_APPS = [
    # django.contrib.admin, whose site checks passwords under the API's
    # limits (accounts/admin_site.py).
    "accounts.apps.AccountsAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "accounts",
    "mfa",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.RequestBodyLimitMiddleware",
    # On API_PATHS, what follows runs without SITE_MIDDLEWARE.
    "config.middleware.APIPathsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# The admin's middleware, and the static files of the admin and the API docs.
# The API reads no cookie (it authenticates by Bearer token only), so its
# paths skip these (config/middleware.py).
SITE_MIDDLEWARE = [
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
API_PATHS = ["/api/", "/token", "/revoke", "/users/me", "/items/", "/.well-known/"]

# The admin's messages go in its session. The default storage tries a cookie
# first and builds a cookie signer for it on every request.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASES
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
# Reusing connections saves a connect per request. Health checks drop the
# ones the database closed behind the server's back, at the price of a
# `SELECT 1` at the start of each request on PostgreSQL; without them, the
# first request on a dead connection fails once per worker.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "DJANGO_CONN_MAX_AGE", default=60, min_value=0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool(
    "DJANGO_CONN_HEALTH_CHECKS", default=True
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write
    # lock when a transaction starts instead of failing half-way with
    # "database is locked"; the timeout makes concurrent writers queue.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHES
# ------------------------------------------------------------------------------
# The cache holds the login rate-limit counters: with REDIS_URL every worker
# and every server shares them.
REDIS_URL = env.str("REDIS_URL", default="", validate=redis_url)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# AUTHENTICATION
# ------------------------------------------------------------------------------
# One backend behind every sign-in door (API, /token, admin): usernames
# compared folded, every attempt under the brute-force limits.
AUTHENTICATION_BACKENDS = ["accounts.backends.LimitedModelBackend"]

# PASSWORDS
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/5.2/topics/auth/passwords/
# Argon2id first; PBKDF2 stays so that existing hashes still verify and are
# upgraded to Argon2id on the next login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# STATIC FILES (the admin's and the API docs')
# ------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# SECURITY
# ------------------------------------------------------------------------------
# HTTPS-only behaviour is opt-in, so that a production-mode server still
# answers plain HTTP on 127.0.0.1 behind a TLS-terminating proxy or in tests.
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0, min_value=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool(
    "DJANGO_SECURE_COOKIES", default=False
)
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", default=[], validate=trusted_origin
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Requests larger than this are refused with 400 before a view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "DJANGO_MAX_BODY_BYTES", default=256 * 1024, min_value=1
)
# Honour X-Forwarded-For only for this many trusted proxies in front of the
# app; 0 (the default) means REMOTE_ADDR is the client.
TRUSTED_PROXY = env.int("TRUSTED_PROXY", default=0, min_value=0)

# CORS (django-cors-headers): only the Next.js origins may call the API.
# ------------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list(
    "CORS_ALLOWED_ORIGINS", default=["http://localhost:3000"], validate=origin
)
CORS_URLS_REGEX = r"^/(api/|token$|revoke$|users/me/?$|items/)"

# DJANGO REST FRAMEWORK
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # JWT first: DRF takes WWW-Authenticate from the first class, which makes
    # missing credentials a 401 with "Bearer" instead of a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.SessionJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "mfa.permissions.SecondFactorForStaff",
    ],
    "DEFAULT_RENDERER_CLASSES": ["config.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    # OPTIONS on a view without a request body (logout-all) is not a 500.
    "DEFAULT_METADATA_CLASS": "config.metadata.APIMetadata",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "config.negotiation.ContentNegotiation",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# SIGNING KEYS (accounts/signing_keys.py, docs/keys.md)
# ------------------------------------------------------------------------------
# HS256 signs with DJANGO_SECRET_KEY and needs nothing else. EdDSA, ES256 and
# RS256 sign with private keys in PEM, given in JWT_SIGNING_KEYS (a literal
# "\n" is read as a line break) or in the file JWT_SIGNING_KEYS_FILE: the
# first signs, all of them verify, so a new key goes first to rotate.
JWT_ALGORITHM = env.str(
    "JWT_ALGORITHM", default="HS256", choices=signing_keys.ALGORITHMS
)
JWT_SIGNING_KEYS = env.str(
    "JWT_SIGNING_KEYS",
    default="",
    multiline=True,
    validate=partial(signing_keys.private_keys_check, algorithm=JWT_ALGORITHM),
)
JWT_SIGNING_KEYS_FILE = env.str(
    "JWT_SIGNING_KEYS_FILE",
    default="",
    validate=partial(signing_keys.private_keys_file_check, algorithm=JWT_ALGORITHM),
)
if JWT_SIGNING_KEYS_FILE:
    if JWT_SIGNING_KEYS.strip():
        raise env.refusal(
            "JWT_SIGNING_KEYS_FILE",
            JWT_SIGNING_KEYS_FILE,
            "no JWT_SIGNING_KEYS beside it: give the keys in one or the other",
        )
    JWT_SIGNING_KEYS = Path(JWT_SIGNING_KEYS_FILE).read_text(encoding="ascii")
elif JWT_ALGORITHM != "HS256" and not JWT_SIGNING_KEYS.strip():
    raise ImproperlyConfigured(
        f"JWT_SIGNING_KEYS (or JWT_SIGNING_KEYS_FILE) is required when "
        f"JWT_ALGORITHM is {JWT_ALGORITHM}. Generate a key with: "
        f"python manage.py jwt_keys generate --algorithm {JWT_ALGORITHM}"
    )
# Every token carries `iss` and `aud`, and one without both, or with other
# values, is refused: the issuer is this API's public URL, from which other
# services find its keys (/.well-known/openid-configuration).
JWT_ISSUER = env.str("JWT_ISSUER", default="http://localhost:8000", validate=issuer_url)
JWT_AUDIENCE = env.str("JWT_AUDIENCE", default="api", validate=audience)

# SIMPLE JWT
# ------------------------------------------------------------------------------
# Refresh tokens rotate on every use; accounts.sessions keeps one session row
# per login so that a rotated token can never be used again.
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        seconds=env.int("JWT_ACCESS_LIFETIME_SECONDS", default=1800, min_value=1)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(
        seconds=env.int("JWT_REFRESH_LIFETIME_SECONDS", default=604800, min_value=1)
    ),
    "ROTATE_REFRESH_TOKENS": True,
    "UPDATE_LAST_LOGIN": True,
    # accounts/tokens.py signs and verifies through accounts.signing_keys,
    # with a `kid` in every token. SimpleJWT's own backend, which no code
    # here uses, is left unable to sign with an asymmetric algorithm rather
    # than falling back to DJANGO_SECRET_KEY.
    "ALGORITHM": JWT_ALGORITHM,
    "SIGNING_KEY": SECRET_KEY if JWT_ALGORITHM == "HS256" else None,
    "ISSUER": JWT_ISSUER,
    "AUDIENCE": JWT_AUDIENCE,
    "AUTH_HEADER_TYPES": ("Bearer",),
    # Checks each token's signature once per process, its expiry every time.
    "AUTH_TOKEN_CLASSES": ("accounts.tokens.AccessToken",),
    # No password fingerprint in tokens (CHECK_REVOKE_TOKEN): a password
    # change revokes the user's sessions instead (accounts/signals.py), so a
    # rehash on sign-in signs no one out and the sessions list and the
    # tokens always agree.
}

# ACCOUNTS
# ------------------------------------------------------------------------------
REGISTRATION_OPEN = env.bool("REGISTRATION_OPEN", default=True)
FRONTEND_URL = env.str(
    "FRONTEND_URL", default="http://localhost:3000", validate=http_url
)
PASSWORD_RESET_PATH = env.str(
    "PASSWORD_RESET_PATH",
    default="/reset-password?uid={uid}&token={token}",
    validate=reset_path,
)
# Links mailed to prove an address: at sign-up (and on request), and to
# confirm a change of address. Keys are signed, and expire.
EMAIL_VERIFY_PATH = env.str(
    "EMAIL_VERIFY_PATH", default="/verify-email?key={key}", validate=key_path
)
EMAIL_CHANGE_PATH = env.str(
    "EMAIL_CHANGE_PATH", default="/confirm-email-change?key={key}", validate=key_path
)
EMAIL_KEY_LIFETIME_SECONDS = env.int(
    "EMAIL_KEY_LIFETIME_SECONDS", default=3 * 86400, min_value=60
)
# Sign-in with an unverified address answers 403 `email_unverified`.
REQUIRE_VERIFIED_EMAIL = env.bool("REQUIRE_VERIFIED_EMAIL", default=False)
# A refresh token reused within this many seconds of its rotation is refused
# without revoking the session: two browser tabs refreshing at once.
REFRESH_REUSE_GRACE_SECONDS = env.float(
    "REFRESH_REUSE_GRACE_SECONDS", default=2, min_value=0, max_value=2
)
# Email change, account deletion and turning factors on or off need a
# session whose password was proved within this many seconds.
REAUTH_SECONDS = env.int("REAUTH_SECONDS", default=300, min_value=1)
LOGIN_RATE_LIMIT = env.str("LOGIN_RATE_LIMIT", default="")
# {scope: (count, period in seconds)}, or None when LOGIN_RATE_LIMIT is "off".
# Parsed here so that a bad rate stops the process rather than every sign-in.
LOGIN_RATE_LIMITS = login_rate_limits(LOGIN_RATE_LIMIT)

# TWO-FACTOR SIGN-IN AND PASSKEYS (mfa/, docs/mfa.md)
# ------------------------------------------------------------------------------
# The TOTP seeds are encrypted with a key derived from this (at least 32
# characters), else from DJANGO_SECRET_KEY.
MFA_ENCRYPTION_KEY = env.str("MFA_ENCRYPTION_KEY", default="")
if MFA_ENCRYPTION_KEY and len(MFA_ENCRYPTION_KEY) < 32:
    raise env.refusal(
        "MFA_ENCRYPTION_KEY", MFA_ENCRYPTION_KEY, "at least 32 characters"
    )
# The name authenticator apps show beside the username.
MFA_TOTP_ISSUER = env.str(
    "MFA_TOTP_ISSUER", default="Django JWT API", validate=display_name
)
# How long an `mfa_token` and a passkey challenge stay usable.
MFA_CHALLENGE_SECONDS = env.int(
    "MFA_CHALLENGE_SECONDS", default=300, min_value=30, max_value=900
)
# Staff without a second factor may sign in to the API only to set one up,
# and not to the admin at all (docs/mfa.md).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)
# The relying party of passkeys: the site's domain (never an IP address), and
# the origins of the pages that create and use them (the Next.js client).
WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default="localhost", validate=webauthn_rp_id)
WEBAUTHN_RP_NAME = env.str(
    "WEBAUTHN_RP_NAME", default=MFA_TOTP_ISSUER, validate=display_name
)
WEBAUTHN_ORIGINS = env.list(
    "WEBAUTHN_ORIGINS", default=["http://localhost:3000"], validate=origin
)
for _origin in WEBAUTHN_ORIGINS:
    _host = _origin.split("://", 1)[1].split(":", 1)[0]
    if _host != WEBAUTHN_RP_ID and not _host.endswith("." + WEBAUTHN_RP_ID):
        raise env.refusal(
            "WEBAUTHN_ORIGINS",
            _origin,
            f"an origin on WEBAUTHN_RP_ID={WEBAUTHN_RP_ID!r} or a subdomain of it",
            entry=True,
        )

# EMAIL
# ------------------------------------------------------------------------------
# SMTP when EMAIL_URL is set (smtp+tls://user:password@host:587), else the
# console. https://django-environ.readthedocs.io/en/latest/types.html#email-url
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="noreply@localhost", validate=email_address
)
EMAIL_TIMEOUT = 10

# TASKS (django-tasks, the backport of Django 6's django.tasks)
# ------------------------------------------------------------------------------
# Account mail goes out from a task, so that a request does the same work
# whether or not its address has an account. "database" (django-tasks-db)
# queues tasks in a table that bin/serve's worker (manage.py db_worker)
# drains, so a queued mail survives a crash; "immediate" runs them inside the
# request, for development and tests.
# https://github.com/RealOrangeOne/django-tasks-db
TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env.str(
    "TASKS_BACKEND",
    default="immediate" if DEBUG else "database",
    choices=tuple(TASKS_BACKENDS),
)
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}

# OPENAPI (drf-spectacular)
# ------------------------------------------------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "Auth API",
    "DESCRIPTION": "JWT authentication, accounts, sessions and items.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
    # Swagger UI and ReDoc served from this app, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"HealthStateEnum": ["ok", "unavailable"]},
}

# LOGGING: everything to stdout; one JSON object per line in production,
# readable lines in development (LOG_FORMAT=json|plain). Both escape values.
# ------------------------------------------------------------------------------
LOG_FORMAT = env.str(
    "LOG_FORMAT", default="plain" if DEBUG else "json", choices=("json", "plain")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"()": "config.logging.PlainFormatter"},
        "json": {"()": "config.logging.JsonLineFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
