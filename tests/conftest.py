"""Shared pytest fixtures and hooks for the Campaign Manager's tests: the one place for
fixtures more than one folder uses (sub-conftests add only their folder's own).

- `demo`: the tests' cast (tests/cast.py, not seed_demo): campaigns Callback_Main (UCCX
  campaign 1, no external script) and Callback_Premium (UCCX campaign 2, script
  PremiumCustomerLookup.aef), skills Sales (Mon-Fri 08:00-20:00, Sat 09:00-14:00) and
  Support (daily 07:00-22:00), Europe/Warsaw, Polish holidays, 15-minute slots of 10.
- `now`: Friday 2026-11-20 09:00 UTC (10:00 in Warsaw); `frozen_now` freezes the clock
  there. It is not autouse: opt in per module with
  `pytestmark = pytest.mark.usefixtures("frozen_now")` (make_callback does it itself).
- `campaign` (Callback_Main), `sales`, `support`.
- `make_callback(**overrides)`: a stored callback made by `services.callback_schedule`.
- `put_in(callback, status)`: walk a callback to any status through `states.transition`.
- The API's keys and clients: `gadget_key`, `ivr_key` (a new key of that scope) and
  `gadget`, `ivr` (API clients sending it); `personal`: a personal callback (agent
  jkowalski) of Callback_Main, dialed (in_dialer).
- The UCCX simulator in-process on a free 127.0.0.1 port (`simulator`), `make_client`,
  the back-off `sleeps`, a `closed_port_url`, db_cra through the SQLite3 ODBC driver
  (`informix`, `unreachable_informix`) and the tasks' environment (`uccx_env`).
  tests/uccx_integration and tests/reliability add `client`, a UCCX client, there only:
  elsewhere `client` stays pytest-django's test client.

The `slow` marker (pyproject.toml) goes on browser, subprocess, fuzz, Celery and
reliability tests; `make test-fast` deselects them (`-m "not slow"`).
"""

import datetime as dt
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django.utils import translation

from callbacks import services, states
from callbacks.models import ApiScope, Callback, CallbackCampaign, EventKind, Status
from callbacks.validation import CallbackRequest
from scheduling.models import Skill
from tests import cast
from tests.callbacks.api_helpers import PHONE, ApiClient, agent_client, key_client
from tests.uccx_integration.flow_helpers import sqlite_dsn
from uccx_integration.client import UccxClient
from uccx_integration.informix import InformixClient
from uccx_integration.simulator import Simulator

# Whole folders of slow tests: fault injection, restarts and Celery workers.
SLOW_FOLDERS = ("reliability", "admin_ui")  # admin_ui: Playwright and Chromium
# Single slow files in otherwise fast folders: the browser tests, the fuzzer, processes
# started (simulator, Celery worker, gunicorn, settings checks), Celery end to end. Files
# that mix fast and slow tests mark theirs with @pytest.mark.slow.
SLOW_FILES = (
    "campaign_manager/test_ops_settings.py",
    "gadget/test_gadget_a11y.py",  # Playwright and Chromium
    "gadget/test_gadget_agent_session.py",  # Playwright and Chromium
    "gadget/test_gadget_browser.py",  # Playwright and Chromium
    "gadget/test_gadget_finesse.py",  # Playwright and Chromium
    "gadget/test_gadget_real_finesse.py",  # Playwright and Chromium, opt-in
    "hardening/test_fuzz_api.py",
    "uccx_integration/test_celery_e2e.py",
    "uccx_integration/test_simulator_process.py",
    "ops/test_web_server.py",
)
_TESTS = Path(__file__).parent


def pytest_report_header(config):
    # make test runs the suite twice; say which database this run is on.
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = f"{db.get('HOST')}:{db.get('PORT')}/" if db.get("HOST") else ""
    return f"database: {db['ENGINE']} {where}{db['NAME']}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        try:
            where = Path(item.path).relative_to(_TESTS).as_posix()
        except ValueError:
            continue
        if where.split("/")[0] in SLOW_FOLDERS or where in SLOW_FILES:
            item.add_marker(pytest.mark.slow)


_REQUEST_FIELDS = {"phone_number", "scheduled_at", "campaign", "skill", "agent_id"}
_DETAIL_FIELDS = {"first_name", "last_name", "agent_name", "notes", "origin_account_number"}
_SERVICE_FIELDS = {"source", "actor", "now"}


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request in Polish leaves Polish active in the test's thread (Django activates a
    language per request and never resets it); the next test starts in English again."""
    yield
    translation.deactivate()


@pytest.fixture
def demo(db) -> None:
    """The tests' cast (tests/cast.py)."""
    cast.load()


@pytest.fixture
def now() -> dt.datetime:
    return cast.NOW


@pytest.fixture
def frozen_now(now) -> Iterator[dt.datetime]:
    with time_machine.travel(now, tick=False):
        yield now


@pytest.fixture
def campaign(demo) -> CallbackCampaign:
    return CallbackCampaign.objects.get(name="Callback_Main")


@pytest.fixture
def sales(demo) -> Skill:
    return Skill.objects.get(name="Sales")


@pytest.fixture
def support(demo) -> Skill:
    return Skill.objects.get(name="Support")


@pytest.fixture
def make_callback(demo, frozen_now) -> Callable[..., Callback]:
    """make_callback(phone_number=..., scheduled_at=..., campaign="Callback_Premium",
    skill="Support", agent_id=..., first_name=..., source=..., actor=...) -> Callback.

    Defaults: a fresh phone number, Monday 10:00 Warsaw, Callback_Main, Sales, no agent.
    Raises CallbackRejected like the service does.
    """

    def make(**overrides) -> Callback:
        unknown = set(overrides) - _REQUEST_FIELDS - _DETAIL_FIELDS - _SERVICE_FIELDS
        if unknown:
            raise TypeError(f"make_callback() got unexpected fields {sorted(unknown)}")
        request = {
            "phone_number": cast.next_phone(),
            "scheduled_at": cast.MONDAY_10,
            "campaign": "Callback_Main",
            "skill": "Sales",
        } | {k: v for k, v in overrides.items() if k in _REQUEST_FIELDS}
        details = {k: v for k, v in overrides.items() if k in _DETAIL_FIELDS}
        service = {k: v for k, v in overrides.items() if k in _SERVICE_FIELDS}
        return services.callback_schedule(
            request=CallbackRequest(**request),
            details=services.CustomerDetails(**details),
            **service,
        )

    return make


# How a new (scheduled) callback reaches each status through the state machine.
_PATHS = {
    Status.SCHEDULED: (),
    Status.EXPORTING: (Status.EXPORTING,),
    Status.IN_DIALER: (Status.EXPORTING, Status.IN_DIALER),
    Status.IN_IVR: (Status.EXPORTING, Status.IN_DIALER, Status.IN_IVR),
    Status.COMPLETED: (Status.EXPORTING, Status.IN_DIALER, Status.IN_IVR, Status.COMPLETED),
    Status.FAILED: (Status.EXPORTING, Status.IN_DIALER, Status.FAILED),
    Status.CANCELLED: (Status.CANCELLED,),
    Status.RESCHEDULED: (Status.RESCHEDULED,),
    Status.EXPIRED: (Status.EXPIRED,),
    Status.RECALLED: (Status.EXPORTING, Status.IN_DIALER, Status.RECALLED),
    Status.SATISFIED: (Status.SATISFIED,),
}


@pytest.fixture
def put_in() -> Callable[..., Callback]:
    """put_in(callback, status, **fields): walk a scheduled callback there with
    states.transition (events included); `fields` go with the last step."""

    def move(callback: Callback, status: str, **fields) -> Callback:
        path = _PATHS[status]
        for step, target in enumerate(path, start=1):
            extra = fields if step == len(path) else {}
            states.transition(callback, target, event=EventKind.REVALIDATED, actor="test", **extra)
        return callback

    return move


@pytest.fixture
def gadget_key(demo, frozen_now) -> str:
    return cast.api_key(ApiScope.GADGET, "Finesse gadget")[1]


@pytest.fixture
def ivr_key(demo, frozen_now) -> str:
    return cast.api_key(ApiScope.IVR, "Callback IVR")[1]


@pytest.fixture
def gadget(gadget_key) -> ApiClient:
    """The gadget of agent jkowalski (the `personal` callback's agent): key and session."""
    return agent_client(gadget_key, "jkowalski")


@pytest.fixture
def gadget_key_only(gadget_key) -> ApiClient:
    """The gadget key without an agent session."""
    return key_client(gadget_key)


@pytest.fixture
def ivr(ivr_key) -> ApiClient:
    return key_client(ivr_key)


@pytest.fixture
def personal(make_callback, put_in) -> Callback:
    """A personal callback (agent jkowalski) of Callback_Main, dialed (in_dialer)."""
    callback = make_callback(
        phone_number=PHONE,
        agent_id="jkowalski",
        agent_name="Jan Kowalski",
        first_name="Anna",
        last_name="Nowak",
    )
    return put_in(callback, Status.IN_DIALER)


@pytest.fixture
def simulator(tmp_path):
    sim = Simulator(
        str(tmp_path / "uccx.sqlite3"), username=cast.UCCX_USERNAME, password=cast.UCCX_PASSWORD
    )
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def sleeps():
    """Back-off delays the client asked for (instead of really sleeping)."""
    return []


@pytest.fixture
def make_client(simulator, sleeps):
    def make(**overrides):
        options = {
            "username": cast.UCCX_USERNAME,
            "password": cast.UCCX_PASSWORD,
            "connect_timeout": 2.0,
            "read_timeout": 5.0,
            "backoff_seconds": 0.25,
            "sleep": sleeps.append,
            **overrides,
        }
        return UccxClient(options.pop("primary_url", simulator.url), **options)

    return make


@pytest.fixture
def closed_port_url():
    """A URL nothing listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def informix(simulator) -> Iterator[InformixClient]:
    """db_cra as the poller reads it: pyodbc → unixODBC → SQLite3 ODBC driver."""
    with InformixClient(sqlite_dsn(simulator.store.path), timeout=3) as client:
        yield client


@pytest.fixture
def unreachable_informix(tmp_path) -> Iterator[InformixClient]:
    """An Informix client whose database cannot be opened (the node is down)."""
    with InformixClient(sqlite_dsn(str(tmp_path / "missing" / "db_cra")), timeout=1) as client:
        yield client


@pytest.fixture
def uccx_env(monkeypatch, simulator) -> pytest.MonkeyPatch:
    """The tasks build their clients from the environment: the simulator, and its file as
    db_cra. Yields the monkeypatch, to change a variable in a test."""
    monkeypatch.setenv("UCCX_URL", simulator.url)
    monkeypatch.setenv("UCCX_USERNAME", simulator.username)
    monkeypatch.setenv("UCCX_PASSWORD", simulator.password)
    monkeypatch.setenv("INFORMIX_DSN", sqlite_dsn(simulator.store.path))
    monkeypatch.setenv("INFORMIX_TIMEOUT", "3")
    return monkeypatch
