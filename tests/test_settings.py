"""Settings come from the environment, and a bad value must stop start-up.

Each case starts a fresh Python with a crafted environment, because the settings module
is read once per process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign_manager.envconf import read_database

REPO_ROOT = Path(__file__).resolve().parent.parent

# Every variable the settings read; the outer environment's values must not leak in.
SETTINGS_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "TIME_ZONE",
    "CELERY_BROKER_URL",
    "CM_VAR_DIR",
    "LOG_LEVEL",
)

SHOW_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "ENGINE": db["ENGINE"],
    "NAME": str(db["NAME"]),
    "TIME_ZONE": settings.TIME_ZONE,
    "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
    "BROKER_OPTIONS": getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None),
}))
"""


def start(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "campaign_manager.settings"
    env["CM_VAR_DIR"] = str(tmp_path / "var")
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_refused(result: subprocess.CompletedProcess, name: str) -> None:
    assert result.returncode != 0, result.stdout
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured"), result.stderr
    assert name in last_line, result.stderr


def started(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # starts a process
def test_it_refuses_a_debug_value_that_is_not_a_boolean(tmp_path):
    assert_refused(start(tmp_path, DEBUG="maybe"), "DEBUG")


@pytest.mark.slow  # starts a process
def test_it_refuses_an_unknown_time_zone(tmp_path):
    assert_refused(start(tmp_path, DEBUG="true", TIME_ZONE="Mars/Olympus"), "TIME_ZONE")


@pytest.mark.slow  # starts a process
def test_it_refuses_a_database_url_with_an_unknown_scheme(tmp_path):
    assert_refused(start(tmp_path, DEBUG="true", DATABASE_URL="foo://x"), "DATABASE_URL")


@pytest.mark.slow  # starts a process
def test_it_refuses_a_broker_url_with_an_unknown_scheme(tmp_path):
    result = start(tmp_path, DEBUG="true", CELERY_BROKER_URL="ftp://x")
    assert_refused(result, "CELERY_BROKER_URL")


@pytest.mark.slow  # starts a process
def test_it_refuses_production_without_a_secret_key(tmp_path):
    assert_refused(start(tmp_path, DEBUG="false"), "SECRET_KEY")


@pytest.mark.slow  # starts a process
def test_it_starts_with_a_production_like_environment(tmp_path):
    database = tmp_path / "prod.sqlite3"
    settings = started(
        start(
            tmp_path,
            DEBUG="false",
            SECRET_KEY="a-long-random-production-secret",
            ALLOWED_HOSTS="cm.example.com, cm2.example.com",
            DATABASE_URL=f"sqlite:///{database}",
            TIME_ZONE="America/New_York",
            CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        )
    )
    assert settings["DEBUG"] is False
    assert settings["SECRET_KEY"] == "a-long-random-production-secret"
    assert settings["ALLOWED_HOSTS"] == ["cm.example.com", "cm2.example.com"]
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == str(database)
    assert settings["TIME_ZONE"] == "America/New_York"
    assert settings["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/0"
    assert settings["BROKER_OPTIONS"] is None


@pytest.mark.slow  # starts a process
def test_it_keeps_the_embedded_defaults_under_cm_var_dir(tmp_path):
    settings = started(start(tmp_path, DEBUG="true"))
    var = tmp_path / "var"
    assert settings["DEBUG"] is True
    assert settings["ENGINE"] == "django.db.backends.sqlite3"
    assert settings["NAME"] == str(var / "campaign_manager.sqlite3")
    assert settings["TIME_ZONE"] == "Europe/Warsaw"
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert settings["CELERY_BROKER_URL"] == "filesystem://"
    assert settings["BROKER_OPTIONS"]["data_folder_in"] == str(var / "broker")
    assert (var / "broker").is_dir()


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_it_reads_a_postgres_url(monkeypatch, scheme):
    monkeypatch.setenv("DATABASE_URL", f"{scheme}://cm:secret@db.example.com:5433/cm")
    config = read_database("DATABASE_URL", "sqlite:///unused.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example.com", 5433, "cm")
    assert (config["USER"], config["PASSWORD"]) == ("cm", "secret")


def test_it_reads_an_mssql_url_as_the_mssql_django_engine(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mssql://user:pw@host:1433/cm")
    config = read_database("DATABASE_URL", "sqlite:///unused.sqlite3")
    assert config["ENGINE"] == "mssql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("host", 1433, "cm")
    assert (config["USER"], config["PASSWORD"]) == ("user", "pw")
    assert config["OPTIONS"]["driver"].startswith("ODBC Driver")
