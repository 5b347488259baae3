"""The one settings file: every knob is an environment variable with a default that works."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from platformdirs import user_data_dir

from fourfold.lib.files import file_kept

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    # A typo such as DEBUG=ture must not silently mean "off" (or "on").
    raise ValueError(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw.strip())
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("FOURFOLD_DATA_DIR") or user_data_dir("fourfold", appauthor=False))


def _secret_key() -> str:
    configured = os.environ.get("FOURFOLD_SECRET_KEY")
    if configured:
        return configured
    # Without a configured key, keep a random one beside the default database so that sessions
    # survive restarts and no installation shares a key with another.
    return file_kept(DATA_DIR / "secret_key", lambda: secrets.token_urlsafe(64))


DEBUG = env_bool("DEBUG", False)
HTTPS = env_bool("FOURFOLD_HTTPS", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves Swagger UI from our own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "fourfold.accounts",
    "fourfold.coops",
    "fourfold.ledger",
    "fourfold.production",
    "fourfold.consumption",
    "fourfold.governance",
    "fourfold.insights",
    "fourfold.reminders",
    "fourfold.api",
    "fourfold.web",
    "fourfold.cli",
]

MIDDLEWARE = [
    "fourfold.web.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "fourfold.api.middleware.ApiErrorsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a logged-in member's saved language wins over the browser's.
    "fourfold.web.middleware.MemberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "fourfold.web.middleware.ResetTimezoneMiddleware",
    "fourfold.api.middleware.RefuseNulMiddleware",
]

ROOT_URLCONF = "fourfold.urls"
WSGI_APPLICATION = "fourfold.wsgi.application"

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
                "fourfold.web.context_processors.navigation",
                "fourfold.web.context_processors.notifications",
            ],
        },
    },
]

DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'fourfold.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
if DATABASE_URL == DEFAULT_DATABASE_URL:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except ValueError as error:
    # One line naming the setting, not a traceback from inside the URL parser.
    raise ImproperlyConfigured(
        f"DATABASE_URL is not a database address such as "
        f"postgres://user@host:5432/name ({str(error).split('. ')[0]})."
    ) from None
if env_bool("FOURFOLD_PGBOUNCER", False):
    # PgBouncer in transaction pooling hands each transaction any server connection: nothing
    # may outlive a transaction there, neither a server-side cursor nor a prepared statement.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # IMMEDIATE makes a writing transaction take the lock when it begins, so two writers
    # queue up instead of one failing half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# The first logs members in; Django's own stays for sessions it started before.
AUTHENTICATION_BACKENDS = [
    "fourfold.web.auth.MemberBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:week"
LOGOUT_REDIRECT_URL = "web:home"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "fourfold.accounts.validators.NotOnlyWhitespaceValidator"},
]

# Failed logins within the window before further attempts are refused (accounts/services.py):
# per username from one client address; per address across usernames (password spraying);
# per username from every address, except from the owner's known browser or address.
# The client address is REMOTE_ADDR: behind a reverse proxy, the proxy's unless it sets it.
LOGIN_FAILURE_LIMIT = 5
LOGIN_ADDRESS_FAILURE_LIMIT = 20
LOGIN_ACCOUNT_FAILURE_LIMIT = 50
LOGIN_FAILURE_WINDOW_MINUTES = 15
# Password-reset e-mails sent to one address per hour.
PASSWORD_RESET_LIMIT_PER_HOUR = 3

LANGUAGE_CODE = "en"
# Each named in the reader's language in lists; the switcher names each in itself.
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("pt-br", _("Brazilian Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
# The installation's zone; each co-op's pages are shown in the co-op's own zone.
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")

STATIC_URL = "static/"
# None in the tests: nothing is collected there.
STATIC_ROOT: Path | None = Path(os.environ.get("FOURFOLD_STATIC_ROOT") or DATA_DIR / "static")
# Receipts (never served from here: no MEDIA_URL; members fetch them through a view that checks
# membership). In an S3 bucket when one is named (`pip install 'fourfold[s3]'`; credentials
# from boto3's usual environment variables), else on disk beside the database.
MEDIA_ROOT = Path(os.environ.get("FOURFOLD_MEDIA_ROOT") or DATA_DIR / "media")
S3_BUCKET = os.environ.get("FOURFOLD_S3_BUCKET", "")
STORAGES = {
    "default": (
        {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": S3_BUCKET, "default_acl": "private"},
        }
        if S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail goes to the console until an SMTP server is named: EMAIL_HOST alone switches to SMTP.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_PORT = env_int("EMAIL_PORT", 587 if EMAIL_USE_TLS else 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fourfold@localhost")
# Where members reach this installation, for the links in reminder e-mails (e.g.
# https://coop.example.org); without it, the e-mails give paths only.
SITE_URL = os.environ.get("FOURFOLD_SITE_URL", "").rstrip("/")

# Web Push (VAPID, RFC 8292): the installation's P-256 private key, PEM or base64url. Without
# one, a key is made on first use and kept in DATA_DIR, as the secret key is.
VAPID_PRIVATE_KEY = os.environ.get("FOURFOLD_VAPID_PRIVATE_KEY", "")
# Push services answer over HTTPS only; a push endpoint on this machine over plain HTTP is
# allowed for development (DEBUG) and for tests that run their own push service.
PUSH_ALLOW_HTTP = env_bool("FOURFOLD_PUSH_ALLOW_HTTP", False)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    # The load balancer checks each server over plain HTTP, behind the TLS it ends itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FOURFOLD_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("FOURFOLD_HSTS_PRELOAD", True)

# Background tasks (closing proposals when their deadline comes) are rows in the database, so
# they survive restarts; `fourfold manage db_worker` runs them. Cron can use
# `fourfold manage close_due_proposals` instead: both are idempotent. Reminders likewise:
# `fourfold manage send_reminders --hourly` starts an hourly task, or cron runs the command.
# The facilitators of the coming months: `fourfold manage plan_facilitators --daily` (or cron).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
