"""The whole API fuzzed from its own OpenAPI document (/api/schema/) with schemathesis.

Every operation, on a live server with the demo data and a key of the right scope:
no answer may be a 5xx, use a status code the document does not list, or break the
documented schema (plus schemathesis' checks that invalid input is refused, that an
unsupported method gets 405, and that a request without a key is refused). Generated
values are mixed with real ones (the demo's campaigns and skills, existing callback ids
and account numbers, bookable times), so that requests get past validation into the
services too.

schemathesis runs as its CLI (`schemathesis run`, its stable interface) against the
live server; its pytest plugin does not work with this pytest. Bounded and
deterministic here (FUZZ_EXAMPLES examples per operation, no FUZZ_SEED, FUZZ_PHASES);
`make fuzz` runs the same test with many more examples, a new seed and the coverage
phase.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from callbacks.api.auth import ApiKeyRateThrottle

from .conftest import BOOKABLE, Cast

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# No seed: deterministic (the same cases on every run). A seed (make fuzz picks one and
# prints it) explores other cases, reproducibly with the same seed.
SEED = os.environ.get("FUZZ_SEED", "")
# The coverage phase (boundary values and type mutations of every parameter) takes over
# a minute: make fuzz runs it, the normal suite keeps to the examples and fuzzing.
PHASES = os.environ.get("FUZZ_PHASES", "examples,fuzzing")
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "unsupported_method",
    "missing_required_header",
    "ignored_auth",
]
HALF = 0.5
BINDINGS = {
    "body.campaign": "campaigns",
    "body.skill": "skills",
    "body.phone_number": "phones",
    "body.scheduled_at": "times",
    "body.outcome": "outcomes",
    "query.campaign": "campaigns",
    "query.skill": "skills",
    "query.date": "dates",
    "query.phone": "phones",
    "path.id": "ids",
    "path.account_number": "accounts",
}


def _toml(value) -> str:
    """TOML for the few shapes used here (json's strings and numbers are valid TOML)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


def write_config(path: Path, cast: Cast) -> Path:
    dictionaries = {
        "campaigns": ["Callback_Main", "Callback_Premium"],
        "skills": ["Sales", "Support"],
        "phones": ["+48221234567", "22 123 45 67", "+48 601 234 567"],
        "times": BOOKABLE,
        "outcomes": ["queued_agent", "reschedule_requested", "customer_hangup"],
        "dates": ["2026-11-23", "2026-11-21"],
        "ids": [c.pk for c in cast.callbacks],
        "accounts": [c.account_number for c in cast.callbacks],
    }
    lines = [
        *([f"seed = {int(SEED)}"] if SEED else []),
        "workers = 1",
        "[generation]",
        f"max-examples = {MAX_EXAMPLES}",
        f"deterministic = {_toml(not SEED)}",
        'database = "none"',
        "[checks]",
        "enabled = false",
        *(f"{name}.enabled = true" for name in CHECKS),
        "[dictionaries]",
        *(f"{name} = {_toml({'values': values})}" for name, values in dictionaries.items()),
        "[parameters]",
        *(
            f"{_toml(key)} = {_toml({'dictionary': name, 'probability': HALF})}"
            for key, name in BINDINGS.items()
        ),
        # A key of the right scope per operation.
        "[[operations]]",
        r'include-path-regex = "^/api/v1/(?!ivr/)"',
        f"headers = {_toml({'Authorization': f'Api-Key {cast.gadget_key}'})}",
        "[[operations]]",
        r'include-path-regex = "^/api/v1/ivr/"',
        f"headers = {_toml({'Authorization': f'Api-Key {cast.ivr_key}'})}",
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def no_throttling(monkeypatch):
    # Thousands of requests a minute from one key: the fuzzer judges answers, not rates.
    rates = dict.fromkeys(("gadget", "ivr", "staff"), "1000000/min")
    monkeypatch.setattr(ApiKeyRateThrottle, "THROTTLE_RATES", rates)


@pytest.fixture
def finesse(simulator, settings):
    """Agent sessions verified as in production: against a Finesse (the simulator's
    stand-in, as make run has it), so the fuzzer's credentials meet a real 401."""
    settings.FINESSE_URL = simulator.url


def test_it_answers_every_operation_within_its_documented_contract(
    live_server, cast, no_throttling, finesse, tmp_path
):
    config = write_config(tmp_path / "schemathesis.toml", cast)
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--no-color",
            f"--config-file={config}",
            "run",
            f"{live_server.url}/api/schema/?format=json",
            f"--url={live_server.url}",
            f"--phases={PHASES}",
            f"--report-junit-path={tmp_path / 'junit.xml'}",
        ],
        cwd=tmp_path,  # schemathesis keeps a cache (.schemathesis/) in its working directory
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    print(run.stdout)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
