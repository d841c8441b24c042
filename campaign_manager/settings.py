"""Settings for the Campaign Manager, read from the environment.

Every variable has an embedded default so that ``make run`` works on a bare machine
(SQLite under var/, a filesystem Celery broker under var/). Production sets DEBUG=false
and real values; see README.md for the list.
"""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from .envconf import (
    BROKER_SCHEMES,
    env,
    read_bool,
    read_database,
    read_list,
    read_time_zone,
    read_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("CM_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = read_bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
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
    "simple_history",
    "scheduling",
    "callbacks",
    "uccx_integration",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Times are stored in UTC; TIME_ZONE is only how the admin shows them. Business hours
# carry their own IANA zone, and customers are reached in their number's zone.
USE_TZ = True
TIME_ZONE = read_time_zone("TIME_ZONE", "Europe/Warsaw")
LANGUAGE_CODE = "en-us"
LANGUAGES = [("en", "English"), ("pl", "Polski")]
USE_I18N = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

CELERY_BROKER_URL = read_url("CELERY_BROKER_URL", "filesystem://", BROKER_SCHEMES)
if CELERY_BROKER_URL == "filesystem://":
    # The embedded broker: messages are files under var/, no server needed.
    _broker_dir = VAR_DIR / "broker"
    _broker_dir.mkdir(exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
    }
CELERY_TIMEZONE = "UTC"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
