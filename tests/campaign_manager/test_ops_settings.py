"""The operations settings come from the environment (a fresh Python per case: settings
are read once per process)."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
VARIABLES = (
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_COOLOFF_MINUTES",
    "READYZ_REQUIRE_TASKS",
    "READYZ_BROKER_TIMEOUT",
    "METRICS_ALLOWED_IPS",
    "METRICS_TOKEN",
    "PROMETHEUS_MULTIPROC_DIR",
)
SHOW = """
import json
import django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "limit": s.AXES_FAILURE_LIMIT,
    "cooloff": s.AXES_COOLOFF_TIME.total_seconds(),
    "require_tasks": s.READYZ_REQUIRE_TASKS,
    "broker_timeout": s.READYZ_BROKER_TIMEOUT,
    "networks": [str(n) for n in s.METRICS_ALLOWED_IPS],
    "token": s.METRICS_TOKEN,
}))
"""


def start(tmp_path: Path, **variables: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="campaign_manager.settings", CM_VAR_DIR=str(tmp_path))
    env.update(variables)
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_reads_the_operations_settings_from_the_environment(tmp_path):
    result = start(
        tmp_path,
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_COOLOFF_MINUTES="30",
        READYZ_REQUIRE_TASKS="false",
        READYZ_BROKER_TIMEOUT="1",
        METRICS_ALLOWED_IPS="10.0.0.0/8, 192.0.2.7",
        METRICS_TOKEN="t0ken",
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "limit": 3,
        "cooloff": 1800,
        "require_tasks": False,
        "broker_timeout": 1,
        "networks": ["10.0.0.0/8", "192.0.2.7/32"],
        "token": "t0ken",
    }


def test_it_has_safe_defaults(tmp_path):
    result = start(tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "limit": 5,
        "cooloff": 900,
        "require_tasks": True,
        "broker_timeout": 3,
        "networks": ["127.0.0.1/32", "::1/128"],
        "token": "",
    }


def test_it_refuses_a_failure_limit_of_zero(tmp_path):
    result = start(tmp_path, LOGIN_FAILURE_LIMIT="0")

    assert result.returncode != 0
    assert "ImproperlyConfigured: LOGIN_FAILURE_LIMIT='0'" in result.stderr
