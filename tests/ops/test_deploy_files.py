"""The deployment files say what the code does: .env.example documents exactly the
variables the code reads, and every command the Dockerfile and docker-compose.yml run
exists in this virtualenv with these arguments. No Docker engine runs here, so what
needs one (the image build, the SQL Server container) is not exercised.
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from .conftest import (
    COMPOSE,
    DOCKERFILE,
    REPO_ROOT,
    VENV_BIN,
    clean_environment,
    compose_command,
    dockerfile_cmd,
    documented_variables,
)

APP_SERVICES = ("migrate", "web", "worker", "beat")

# campaign_manager reads the environment only through envconf's readers.
_READER_CALL = re.compile(r"\bread_[a-z_]+\(\s*\"([A-Z][A-Z0-9_]*)\"")
_DIRECT_READ = re.compile(r"(?:environ(?:\.get)?\(|environ\[|getenv\()\s*[\"']([A-Z][A-Z0-9_]*)")
_INTEGRATION_NAME = re.compile(r"\"((?:UCCX|INFORMIX)_[A-Z0-9_]+)\"")
# Set for Django itself, not a setting of ours.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}


def first_party_sources() -> list[Path]:
    """The product's code: what the tests, benchmarks, migrations and the UCCX
    simulator (a development stand-in, started by make run) read does not count."""
    packages = ["campaign_manager", "scheduling", "callbacks", "uccx_integration", "reporting"]
    return [
        path
        for package in packages
        for path in sorted((REPO_ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts and "simulator" not in path.parts
    ]


def variables_read() -> set[str]:
    names: set[str] = set()
    for path in first_party_sources():
        text = path.read_text()
        names |= set(_DIRECT_READ.findall(text))
        if path.parent.name == "campaign_manager":
            names |= set(_READER_CALL.findall(text))
        if "uccx_integration" in path.parts:
            names |= set(_INTEGRATION_NAME.findall(text))
    return names - NOT_SETTINGS


# --- .env.example -------------------------------------------------------------------------
def test_it_documents_every_variable_the_code_reads_and_nothing_else():
    read, documented = variables_read(), documented_variables()
    assert read - documented == set(), "read but missing from .env.example"
    assert documented - read == set(), "in .env.example but read by nothing"


def test_it_finds_the_variables_through_the_readers():
    # Guards the parsing above: a few names each way of reading must be seen.
    read = variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "LOG_FORMAT", "WEB_CONCURRENCY"} <= read
    assert {"UCCX_PASSWORD", "INFORMIX_DSN", "UCCX_CA_BUNDLE"} <= read


def test_it_lets_every_integration_variable_come_from_a_file():
    integration = {name for name in variables_read() if name.startswith(("UCCX_", "INFORMIX_"))}
    assert set(settings.INTEGRATION_ENVIRONMENT) == integration


def test_it_sets_only_known_variables_in_compose_and_the_image():
    known = variables_read()
    for service in APP_SERVICES:
        for name in COMPOSE["services"][service]["environment"]:
            assert name.removesuffix("_FILE") in known, (service, name)
    instructions = re.findall(r"^ENV (.*)$", DOCKERFILE.replace("\\\n", ""), re.MULTILINE)
    names = {name for line in instructions for name in re.findall(r"([A-Z][A-Z0-9_]*)=", line)}
    assert {"CM_VAR_DIR", "STATIC_ROOT"} <= names
    python_and_pip = {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "PIP_NO_CACHE_DIR"}
    assert names - known - NOT_SETTINGS - python_and_pip == {"PIP_DISABLE_PIP_VERSION_CHECK"}


# --- docker-compose.yml -------------------------------------------------------------------
def test_it_builds_every_app_service_from_this_repository():
    for service in APP_SERVICES:
        definition = COMPOSE["services"][service]
        assert (REPO_ROOT / definition["build"] / "Dockerfile").is_file()
        assert definition["env_file"] == ".env"
        assert definition["image"] == "campaign-manager:latest"
    assert (REPO_ROOT / ".env.example").is_file()


def test_it_gives_each_app_service_the_secret_files_its_environment_names():
    declared = COMPOSE["secrets"]
    for service in APP_SERVICES:
        definition = COMPOSE["services"][service]
        for name, value in definition["environment"].items():
            if name.endswith("_FILE"):
                secret = value.removeprefix("/run/secrets/")
                assert secret in definition["secrets"], (service, name)
                assert declared[secret]["file"] == f"./secrets/{secret}"
    # The secrets stay out of the repository and out of the image.
    assert "/secrets/" in (REPO_ROOT / ".gitignore").read_text().splitlines()
    assert "secrets" in (REPO_ROOT / ".dockerignore").read_text().splitlines()


def test_it_runs_one_beat_with_the_database_scheduler():
    beat = compose_command("beat")
    assert beat[beat.index("--scheduler") + 1] == settings.CELERY_BEAT_SCHEDULER
    assert COMPOSE["services"]["beat"]["deploy"]["replicas"] == 1
    assert "-B" not in compose_command("worker") and "--beat" not in compose_command("worker")


def test_it_runs_the_same_web_command_in_compose_and_the_image():
    assert compose_command("web") == dockerfile_cmd()


# --- the commands exist here with these arguments -----------------------------------------
@pytest.mark.slow  # starts a process
def test_it_loads_the_wsgi_application_with_the_web_command(tmp_path):
    command = dockerfile_cmd()
    assert command[0] == "gunicorn"
    env = clean_environment() | {"DEBUG": "true", "CM_VAR_DIR": str(tmp_path)}
    # --check-config imports the configuration and the application, then exits.
    result = subprocess.run(
        [str(VENV_BIN / "gunicorn"), "--check-config", *command[1:]],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.slow  # starts a process
@pytest.mark.parametrize("service", ["worker", "beat"])
def test_it_accepts_the_celery_command_of(service, tmp_path):
    command = compose_command(service)
    assert command[:3] == ["celery", "-A", "campaign_manager"]
    env = clean_environment() | {"DEBUG": "true", "CM_VAR_DIR": str(tmp_path)}
    # Every option name is parsed before --help answers: a wrong one fails here.
    result = subprocess.run(
        [str(VENV_BIN / "celery"), *command[1:], "--help"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"Usage: celery {command[command.index(service)]}" in result.stdout
