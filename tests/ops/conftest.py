"""Production-like runs of the Campaign Manager for the ops tests.

Settings are read once per process, so whatever needs DEBUG=false runs in a fresh Python
(or gunicorn) with a crafted environment: the outer environment's settings (make test's
DEBUG=true, the PostgreSQL pass's DATABASE_URL) never leak in, and the database is a
SQLite file of the test's own.
"""

import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
ENV_EXAMPLE = REPO_ROOT / ".env.example"
COMPOSE = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
DOCKERFILE = (REPO_ROOT / "Dockerfile").read_text()
VENV_BIN = Path(sys.executable).parent
# `NAME=value` or `#NAME=value`: one documented variable (NAME_FILE documents NAME).
_DOCUMENTED = re.compile(r"^#?([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def documented_variables() -> set[str]:
    names = set(_DOCUMENTED.findall(ENV_EXAMPLE.read_text()))
    return {name.removesuffix("_FILE") if name.endswith("_FILE") else name for name in names}


def compose_command(service: str) -> list[str]:
    command = COMPOSE["services"][service]["command"]
    return command if isinstance(command, list) else shlex.split(command)


def dockerfile_cmd() -> list[str]:
    """The image's CMD (exec form, continuation lines joined)."""
    match = re.search(r"^CMD (\[.*?\])$", DOCKERFILE.replace("\\\n", ""), re.MULTILINE)
    assert match, "no exec-form CMD in the Dockerfile"
    return yaml.safe_load(match.group(1))


def clean_environment() -> dict[str, str]:
    """os.environ without any Campaign Manager setting (nor its NAME_FILE form)."""
    settings = documented_variables()
    return {
        key: value
        for key, value in os.environ.items()
        if key not in settings and key.removesuffix("_FILE") not in settings
    }


def run_python(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def production_env(tmp_path) -> dict[str, str]:
    return make_production_env(tmp_path)


def make_production_env(tmp_path: Path) -> dict[str, str]:
    """The documented production environment (docs/operations.md), on a SQLite file.

    The secret key comes from a file, as in docker-compose.yml; the broker is never
    contacted by what these tests run."""
    secret = tmp_path / "secret_key"
    secret.write_text(secrets.token_urlsafe(50) + "\n")
    return clean_environment() | {
        "DJANGO_SETTINGS_MODULE": "campaign_manager.settings",
        "PYTHONUNBUFFERED": "1",
        "DEBUG": "false",
        "SECRET_KEY_FILE": str(secret),
        "ALLOWED_HOSTS": "cm.example.com,127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cm.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
        "FINESSE_ORIGINS": "https://finesse1.example.com:8445",
        "CM_VAR_DIR": str(tmp_path / "var"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """STATIC_ROOT after the Dockerfile's `collectstatic` with DEBUG=false (once per run:
    it hashes and compresses every file)."""
    root = tmp_path_factory.mktemp("staticfiles")
    var = tmp_path_factory.mktemp("collect-var")
    env = clean_environment() | {
        "DJANGO_SETTINGS_MODULE": "campaign_manager.settings",
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-only-not-used-at-run-time",
        "CM_VAR_DIR": str(var),
        "STATIC_ROOT": str(root),
    }
    result = run_python(env, "manage.py", "collectstatic", "--noinput", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    assert (root / "staticfiles.json").is_file()
    return root
