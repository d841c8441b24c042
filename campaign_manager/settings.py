"""Settings for the Campaign Manager, read from the environment.

Every variable has an embedded default so that ``make run`` works on a bare machine
(SQLite under var/, a filesystem Celery broker under var/). Production sets DEBUG=false
and real values; .env.example lists every variable, docs/operations.md tells how to run
it. Any variable may also come from a file: NAME_FILE=/run/secrets/name (envconf.py).
"""

import datetime as dt
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from . import logs
from .envconf import (
    BROKER_SCHEMES,
    export_from_files,
    read_bool,
    read_choice,
    read_database,
    read_int,
    read_ip_networks,
    read_list,
    read_proxy_ssl_header,
    read_str,
    read_time_zone,
    read_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(read_str("CM_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = read_bool("DEBUG", default=False)
SECRET_KEY = read_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string (or set DEBUG=true "
            "for a development run, which uses an insecure built-in key)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = read_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_celery_beat",
    "ops",
    "scheduling",
    "callbacks",
    "uccx_integration",
    "reporting",
]

MIDDLEWARE = [
    "campaign_manager.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Production: static files (admin, gadget, API docs) from STATIC_ROOT, under gunicorn
    # too; with DEBUG, runserver serves them from the apps as before.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The admin's language: the user's choice (the header's switch, a cookie), else the
    # browser's Accept-Language among LANGUAGES, else English (LANGUAGE_CODE).
    "django.middleware.locale.LocaleMiddleware",
    # The API's messages: English unless the client's Accept-Language asks (not the cookie).
    "campaign_manager.middleware.ApiLanguageMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "campaign_manager.middleware.GadgetFramingMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "campaign_manager.urls"
WSGI_APPLICATION = "campaign_manager.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
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

DATABASES = {
    "default": read_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'campaign_manager.sqlite3'}")
}
# Keep connections between requests (the IVR API answers within UCCX's 5 s timeout
# and should not pay a new connection each time); checked before reuse.
DATABASES["default"]["CONN_MAX_AGE"] = read_int("DB_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Operations: /readyz, /metrics, admin login lockout ----------------------------------
# (docs/operations.md, "Health, readiness and metrics" and "Access control")
INSTALLED_APPS += ["axes"]
MIDDLEWARE = [
    # First, so that it times the whole request, whatever answers it.
    "campaign_manager.metrics.RequestMetricsMiddleware",
    *MIDDLEWARE,
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out user name + address before any password is checked. API keys
    # never pass through here (callbacks.api.auth), so they are never locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = read_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=read_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "campaign_manager.views.login_locked_out"
# Whether a failing or stale integration task (one that has succeeded before) makes
# /readyz answer 503; the tasks are reported either way.
READYZ_REQUIRE_TASKS = read_bool("READYZ_REQUIRE_TASKS", default=True)
READYZ_BROKER_TIMEOUT = read_int("READYZ_BROKER_TIMEOUT", 3, minimum=1)
# Who may scrape /metrics: these addresses (REMOTE_ADDR), or anyone with the token.
METRICS_ALLOWED_IPS = read_ip_networks("METRICS_ALLOWED_IPS", ["127.0.0.1", "::1"])
METRICS_TOKEN = read_str("METRICS_TOKEN", "")
# prometheus_client's multi-process mode (read by the library itself): the web server's
# processes and the Celery worker's write their metrics there, /metrics adds them up.
METRICS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if METRICS_MULTIPROC_DIR:
    os.makedirs(METRICS_MULTIPROC_DIR, exist_ok=True)

# Times are stored in UTC; TIME_ZONE is only how the admin shows them. Business hours
# carry their own IANA zone, and customers are reached in their number's zone.
USE_TZ = True
TIME_ZONE = read_time_zone("TIME_ZONE", "Europe/Warsaw")
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("pl", "Polski")]
USE_I18N = True
# Our translations (locale/pl/LC_MESSAGES/django.po); the .mo files are built by
# `make` (scripts/bootstrap.sh runs msgfmt) and never committed.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date and time inputs are ISO and 24-hour in every language (campaign_manager/formats).
FORMAT_MODULE_PATH = ["campaign_manager.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(read_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production: `manage.py collectstatic` writes compressed copies with a content hash
    # in their names, which whitenoise serves with far-future cache headers.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- HTTPS and security headers ------------------------------------------------------
# Production defaults (DEBUG=false) pass `manage.py check --deploy`; each can be turned
# off where the site's proxy already does it. Behind a TLS-terminating proxy, set
# SECURE_PROXY_SSL_HEADER to the header it sets (X-Forwarded-Proto) and make sure it
# overwrites that header from clients.
SECURE_PROXY_SSL_HEADER = read_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
SECURE_SSL_REDIRECT = read_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Probes and scrapers inside the data center may use plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = read_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = read_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = read_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = read_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_TRUSTED_ORIGINS = read_list("CSRF_TRUSTED_ORIGINS", [])
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Nothing may be framed, except the gadget's pages by the Finesse servers
# (middleware.GadgetFramingMiddleware: Content-Security-Policy frame-ancestors).
X_FRAME_OPTIONS = "DENY"

# --- HTTP API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "callbacks.api.auth.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_THROTTLE_CLASSES": ["callbacks.api.auth.ApiKeyRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "gadget": read_str("API_RATE_GADGET", "600/min"),
        "ivr": read_str("API_RATE_IVR", "6000/min"),
        "staff": read_str("API_RATE_STAFF", "600/min"),
    },
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "callbacks.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Campaign Manager API",
    "DESCRIPTION": "Callbacks for Cisco UCCX outbound IVR campaigns: the Finesse gadget "
    "API (scope gadget) and the callback IVR script API (scope ivr). Authenticate with "
    "`Authorization: Api-Key <key>`; the IVR may also use HTTP Basic with the key as "
    "password.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CallbackStatusEnum": "callbacks.models.Status",
        "ViolationCodeEnum": "scheduling.codes.ViolationCode",
    },
    # Swagger UI from our own static files: servers next to UCCX often have no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Only the Finesse servers' origins may call the API from a browser (the gadget).
# Database users or roles (e.g. the CUIC login) that get SELECT on the report views each
# time migrate rebuilds them (reporting/sql.py). Ignored on SQLite.
REPORT_VIEW_READERS = read_list("REPORT_VIEW_READERS", [])

CORS_ALLOWED_ORIGINS = read_list("FINESSE_ORIGINS", [])

# Agent identity (docs/security.md "Agent identity"): the gadget sends the agent's Finesse
# credentials once; the server checks them with Finesse's User API and answers a signed
# agent session. AGENT_AUTH=key_only keeps the old trust-the-client behaviour for sites
# whose server cannot reach Finesse (the admin's health box shows it as weaker).
AGENT_AUTH = read_choice("AGENT_AUTH", "finesse", ("finesse", "key_only"))
FINESSE_URL = read_str("FINESSE_URL", "").rstrip("/")
FINESSE_VERIFY_TLS = read_bool("FINESSE_VERIFY_TLS", True)
FINESSE_TIMEOUT = read_int("FINESSE_TIMEOUT", 5, minimum=1)
AGENT_SESSION_HOURS = read_int("AGENT_SESSION_HOURS", 8, minimum=1)
# The Campaign Manager's own Finesse account for the dial-time check of a personal
# callback's agent (callbacks/dialing/agent_away.py): a Finesse administrator, which may
# read any agent's User. Unset: no check, personal callbacks are dialed as booked.
FINESSE_USERNAME = read_str("FINESSE_USERNAME", "")
FINESSE_PASSWORD = read_str("FINESSE_PASSWORD", "")
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "idempotency-key",
    "x-agent-session",
]
CORS_EXPOSE_HEADERS = ["idempotent-replay", "x-request-id"]

CELERY_BROKER_URL = read_url("CELERY_BROKER_URL", "filesystem://", BROKER_SCHEMES)
if CELERY_BROKER_URL == "filesystem://":
    # The embedded broker: messages are files under var/, no server needed.
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        # Exchange tables too (kombu's default is ./control in the working directory).
        "control_folder": str(_broker_dir / "control"),
    }
CELERY_TIMEZONE = "UTC"
# The schedule lives in the database (django-celery-beat), editable in the admin; the
# defaults are written by uccx_integration's migration 0002.
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Every task is idempotent: a message is acknowledged after the task ran, so a worker
# killed mid-task leaves it to another worker instead of dropping it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 540
CELERY_TASK_TIME_LIMIT = 600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Logs on the console (stderr): JSON lines with the request id, account number and task
# id in production (LOG_FORMAT=json), text lines with DEBUG (logs.py).
LOG_FORMAT = logs.log_format()
LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
LOGGING = logs.logging_config(
    level=read_choice("LOG_LEVEL", "info", LOG_LEVELS).upper(), fmt=LOG_FORMAT, access_log=not DEBUG
)
# With text logs the worker keeps Celery's own format; with JSON, Django's handler.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT == "text"

# Read by the UCCX and Informix clients (uccx_integration) from os.environ, not from
# these settings; listed so that their NAME_FILE form works as everywhere else.
INTEGRATION_ENVIRONMENT = (
    "UCCX_URL",
    "UCCX_SECONDARY_URL",
    "UCCX_USERNAME",
    "UCCX_USER",
    "UCCX_PASSWORD",
    "UCCX_CA_BUNDLE",
    "UCCX_VERIFY_TLS",
    "UCCX_CONNECT_TIMEOUT",
    "UCCX_READ_TIMEOUT",
    "UCCX_IMPORT_WAIT_SECONDS",
    "UCCX_IMPORT_TIMEOUT_MINUTES",
    "UCCX_UNDECIDED_ALERT_MINUTES",
    "INFORMIX_DSN",
    "INFORMIX_TIMEOUT",
)
export_from_files(INTEGRATION_ENVIRONMENT)
# UCCX imports contacts after answering the POST: how long an export waits for the
# import status before it leaves the batch to the next run (seconds); after how long a
# POST whose import UCCX never reported counts as not imported (minutes); how long a
# callback may stay undecided (UCCX may or may not have it) before reconcile turns red.
UCCX_IMPORT_WAIT_SECONDS = read_int("UCCX_IMPORT_WAIT_SECONDS", 10, minimum=0)
UCCX_IMPORT_TIMEOUT_MINUTES = read_int("UCCX_IMPORT_TIMEOUT_MINUTES", 10, minimum=1)
UCCX_UNDECIDED_ALERT_MINUTES = read_int("UCCX_UNDECIDED_ALERT_MINUTES", 15, minimum=1)
# The first ring at the promise, never before it (docs/uccx.md §2a): a callback is sent
# to UCCX this many seconds before its time, the delay from UCCX's import to its first
# dial. No Cisco source documents that delay (unconfirmed); 0 sends it at its time, so
# the ring comes that delay late, never early. The simulator's delay is up to its
# --dial-every (5 s in make run).
EXPORT_LEAD_SECONDS = read_int("EXPORT_LEAD_SECONDS", 0, minimum=0)
