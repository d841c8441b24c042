"""Production settings: `check --deploy` is clean with the documented environment,
secrets come from NAME_FILE files, and DEBUG=true keeps the development defaults."""

import json
import os

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from campaign_manager.envconf import export_from_files, read_proxy_ssl_header, read_str

from .conftest import make_production_env, run_python

SHOW_SETTINGS = """
import json, os
import django
django.setup()
from django.conf import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "SECRET_KEY": s.SECRET_KEY,
    "DATABASE": [db["ENGINE"], str(db["NAME"])],
    "UCCX_PASSWORD": os.environ.get("UCCX_PASSWORD"),
    "INFORMIX_DSN": os.environ.get("INFORMIX_DSN"),
    "SECURE": [s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,
               s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER],
    "STATICFILES": s.STORAGES["staticfiles"]["BACKEND"],
    "WHITENOISE": "whitenoise.middleware.WhiteNoiseMiddleware" in s.MIDDLEWARE,
    "LOG_FORMAT": s.LOG_FORMAT,
    "HIJACK": s.CELERY_WORKER_HIJACK_ROOT_LOGGER,
}))
"""


def show(env: dict[str, str]) -> dict:
    result = run_python(env, "-c", SHOW_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # starts a process
def test_it_passes_check_deploy_with_the_documented_production_environment(production_env):
    result = run_python(production_env, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@override_settings(
    DEBUG=False,
    SECURE_SSL_REDIRECT=False,
    SECURE_HSTS_SECONDS=0,
    SESSION_COOKIE_SECURE=False,
    X_FRAME_OPTIONS="SAMEORIGIN",
)
def test_it_would_fail_check_deploy_without_the_production_defaults():
    # The clean check above could pass for want of checks; these are the ones it passes.
    found = {
        message.id for message in run_checks(include_deployment_checks=True, tags=["security"])
    }
    assert {"security.W008", "security.W004", "security.W012", "security.W019"} <= found


@pytest.fixture(scope="module")
def from_files(tmp_path_factory) -> tuple[dict, dict[str, str]]:
    """The settings a production process shows when its secrets are NAME_FILE files."""
    tmp_path = tmp_path_factory.mktemp("from-files")
    env = make_production_env(tmp_path)
    del env["DATABASE_URL"]
    files = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'from-file.sqlite3'}\n",
        "UCCX_PASSWORD": "$tarts-with-a-dollar\n",
        "INFORMIX_DSN": "DRIVER=IBM INFORMIX ODBC DRIVER;HOST=uccx2;PWD=s3cret\r\n",
    }
    for name, content in files.items():
        path = tmp_path / name.lower()
        path.write_text(content)
        env[f"{name}_FILE"] = str(path)
    expected = {name: content.rstrip() for name, content in files.items()}
    expected["SECRET_KEY"] = (tmp_path / "secret_key").read_text().strip()
    return show(env), expected


@pytest.mark.slow  # starts a process
def test_it_reads_secrets_from_name_file_files(from_files):
    shown, expected = from_files
    assert shown["SECRET_KEY"] == expected["SECRET_KEY"]
    database = expected["DATABASE_URL"].removeprefix("sqlite:///")
    assert shown["DATABASE"] == ["django.db.backends.sqlite3", database]
    # The UCCX and Informix clients read os.environ: the file's content is put there.
    assert shown["UCCX_PASSWORD"] == "$tarts-with-a-dollar"
    assert shown["INFORMIX_DSN"] == expected["INFORMIX_DSN"]


@pytest.mark.slow  # starts a process
def test_it_turns_on_https_whitenoise_and_json_logs_with_debug_off(from_files):
    shown, _ = from_files
    assert shown["SECURE"] == [True, 31_536_000, True, True, ["HTTP_X_FORWARDED_PROTO", "https"]]
    assert shown["STATICFILES"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert shown["WHITENOISE"] is True
    assert (shown["LOG_FORMAT"], shown["HIJACK"]) == ("json", False)


@pytest.mark.slow  # starts a process
def test_it_lets_the_environment_override_the_production_defaults(production_env):
    env = production_env | {
        "SECURE_SSL_REDIRECT": "no",
        "SECURE_HSTS_SECONDS": "3600",
        "SECURE_COOKIES": "off",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Ssl: on",
        "LOG_FORMAT": "text",
    }
    shown = show(env)
    assert shown["SECURE"] == [False, 3600, False, False, ["HTTP_X_FORWARDED_SSL", "on"]]
    assert (shown["LOG_FORMAT"], shown["HIJACK"]) == ("text", True)


@pytest.mark.slow  # starts a process
def test_it_refuses_a_setting_given_both_directly_and_as_a_file(production_env):
    env = production_env | {"SECRET_KEY": "x" * 60}
    result = run_python(env, "-c", "import django; django.setup()")
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured")
    assert "SECRET_KEY and SECRET_KEY_FILE are both set" in last_line


def test_it_keeps_the_development_defaults_with_debug_on():
    # This test run's own settings: make test and with-temp-var.sh set DEBUG=true.
    assert not settings.SECURE_SSL_REDIRECT and settings.SECURE_HSTS_SECONDS == 0
    assert not settings.SESSION_COOKIE_SECURE
    assert settings.LOG_FORMAT == "text"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "text"
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is True
    assert "whitenoise.middleware.WhiteNoiseMiddleware" not in settings.MIDDLEWARE
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    assert backend == "django.contrib.staticfiles.storage.StaticFilesStorage"


# --- the readers, in this process ---------------------------------------------------------
def test_it_reads_a_file_without_its_final_line_break(monkeypatch, tmp_path):
    path = tmp_path / "value"
    path.write_text("line one\nline two\n\n")
    monkeypatch.delenv("CM_TEST_VALUE", raising=False)
    monkeypatch.setenv("CM_TEST_VALUE_FILE", str(path))
    assert read_str("CM_TEST_VALUE", "default") == "line one\nline two"


def test_it_names_the_variable_of_an_unreadable_file(monkeypatch, tmp_path):
    monkeypatch.delenv("CM_TEST_VALUE", raising=False)
    monkeypatch.setenv("CM_TEST_VALUE_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=r"CM_TEST_VALUE_FILE=.*cannot be read"):
        read_str("CM_TEST_VALUE", "default")


def test_it_takes_an_empty_variable_beside_its_file_for_unset(monkeypatch, tmp_path):
    # An empty NAME= line left in an env file must not make NAME_FILE ambiguous.
    path = tmp_path / "value"
    path.write_text("from the file")
    monkeypatch.setenv("CM_TEST_VALUE", "")
    monkeypatch.setenv("CM_TEST_VALUE_FILE", str(path))
    assert read_str("CM_TEST_VALUE", "default") == "from the file"


def test_it_exports_file_values_for_code_that_reads_os_environ(monkeypatch, tmp_path):
    path = tmp_path / "password"
    path.write_text("pa$$word\n")
    monkeypatch.delenv("CM_TEST_PASSWORD", raising=False)
    monkeypatch.delenv("CM_TEST_UNSET", raising=False)
    monkeypatch.setenv("CM_TEST_PASSWORD_FILE", str(path))
    export_from_files(["CM_TEST_PASSWORD", "CM_TEST_UNSET"])
    assert os.environ["CM_TEST_PASSWORD"] == "pa$$word"
    assert "CM_TEST_UNSET" not in os.environ


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", None),
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("x-forwarded-ssl: on", ("HTTP_X_FORWARDED_SSL", "on")),
    ],
)
def test_it_reads_the_proxy_ssl_header(monkeypatch, raw, expected):
    monkeypatch.setenv("CM_TEST_HEADER", raw)
    assert read_proxy_ssl_header("CM_TEST_HEADER") == expected


def test_it_refuses_a_proxy_ssl_header_that_is_not_a_header_name(monkeypatch):
    monkeypatch.setenv("CM_TEST_HEADER", "HTTP_X_FORWARDED_PROTO,https")
    with pytest.raises(ImproperlyConfigured, match="CM_TEST_HEADER"):
        read_proxy_ssl_header("CM_TEST_HEADER")
