"""Shared cast and helpers for the integration-service tests (export, reconcile, poll,
purge, tasks, faults): due callbacks in bulk, the Informix client on the simulator's
file, counting contacts in the simulator, time travel to the callbacks' moment, and
arming a simulator fault for the n-th import request only.

The fixtures that use them (`informix`, `unreachable_informix`, `uccx_env`) are in
tests/conftest.py.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import pyodbc
import pytest
import time_machine
from django.conf import settings
from django.db import connection

from callbacks.dialplan import dial_string_for
from callbacks.models import Callback, CallbackCampaign, CallbackEvent, EventKind, Status
from scheduling.models import Skill
from uccx_integration import mapping as m
from uccx_integration.client import UccxClient
from uccx_integration.mapping import CallResult, CallStatus
from uccx_integration.simulator import Simulator
from uccx_integration.simulator.dialer import Dialer

# make_callback's default time: Monday 23 November 2026, 10:00 in Warsaw.
MONDAY_10 = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
ALL_STATUSES = tuple(CallStatus)

needs_sqlite_odbc = pytest.mark.skipif(
    "SQLite3" not in pyodbc.drivers(),
    reason="the SQLite3 ODBC driver is not registered with unixODBC "
    "(apt-get install unixodbc libsqliteodbc; scripts/bootstrap.sh does it)",
)
_accounts = itertools.count(1)


def test_database_url() -> str:
    """pytest-django's test database (not the one DATABASE_URL names), for another process."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{quote(db['NAME'], safe='')}"


test_database_url.__test__ = False  # type: ignore[attr-defined]  # not a test


def run_worker_that_dies(script: str, args: list[str]) -> None:
    """`python -c script args...` on the PostgreSQL test database, as a worker SIGKILLed
    mid-task: the script ends itself with os._exit(9) at the point under test."""
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "DJANGO_SETTINGS_MODULE": "campaign_manager.settings",
    }
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 9, done.stderr


def sqlite_dsn(path: str) -> str:
    # NoCreat=1: a wrong path fails (unreachable db_cra) instead of creating a new file.
    return f"DRIVER=SQLite3;Database={path};NoCreat=1"


def due_callbacks(
    count: int,
    *,
    campaign: str = "Callback_Main",
    skill: str = "Sales",
    at: dt.datetime = MONDAY_10,
    status: str = Status.SCHEDULED,
) -> list[Callback]:
    """`count` stored callbacks at `at` (no booking validation, so no slot capacity):
    distinct account and phone numbers, ordered as the exporter claims them."""
    owner = CallbackCampaign.objects.get(name=campaign)
    skill_row = Skill.objects.get(name=skill)
    rows = []
    for _ in range(count):
        n = next(_accounts)
        phone = f"+48226{n % 1_000_000:06d}"
        rows.append(
            Callback(
                account_number=f"CB7{n:09d}",
                phone_number=phone,
                dial_number=dial_string_for(phone, owner),
                first_name="Test",
                last_name=f"Customer {n}",
                scheduled_at=at,
                campaign=owner,
                skill=skill_row,
                status=status,
            )
        )
    Callback.objects.bulk_create(rows, batch_size=1000)
    accounts = [row.account_number for row in rows]
    return list(Callback.objects.filter(account_number__in=accounts).order_by("pk"))


@contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """The clock stands still at `moment` (the simulator's threads see it too)."""
    with time_machine.travel(moment, tick=False):
        yield moment


def contacts(
    simulator: Simulator, uccx_campaign_id: int = 1, *, history: bool = False
) -> Counter[str]:
    """Account number → how many rows of it the campaign's dialing list holds; with
    `history`, closed contacts UCCX moved to DialingListHistory too."""
    rows = simulator.store.list_contacts(uccx_campaign_id, ALL_STATUSES)
    if history:
        rows += simulator.store.history_contacts(uccx_campaign_id)
    return Counter(str(row[m.ACCOUNT_NUMBER]) for row in rows)


def assert_each_imported_once(
    simulator: Simulator, callbacks: list[Callback], uccx_campaign_id: int = 1
) -> None:
    """Every callback's account number exactly once in the dialing list and its history
    (a closed contact imported again would be there twice)."""
    found = contacts(simulator, uccx_campaign_id, history=True)
    duplicated = {account: n for account, n in found.items() if n > 1}
    assert not duplicated, f"imported more than once: {duplicated}"
    missing = [c.account_number for c in callbacks if c.account_number not in found]
    assert not missing, f"not in the dialing list: {missing}"


def statuses(callbacks: list[Callback]) -> Counter[str]:
    """Status → how many of these callbacks have it now (read fresh from the database)."""
    pks = [c.pk for c in callbacks]
    return Counter(Callback.objects.filter(pk__in=pks).values_list("status", flat=True))


def events(callback: Callback, kind: str | None = None) -> list[CallbackEvent]:
    found = CallbackEvent.objects.filter(callback_id=callback.pk).order_by("at", "pk")
    return list(found.filter(kind=kind) if kind else found)


def event_counts(callbacks: list[Callback], kind: str = EventKind.EXPORTED) -> Counter[int]:
    """Callback pk → how many `kind` events it has."""
    pks = [c.pk for c in callbacks]
    return Counter(
        CallbackEvent.objects.filter(callback_id__in=pks, kind=kind).values_list(
            "callback_id", flat=True
        )
    )


class ScriptTakesOver:
    """The callback script's answer on every answered call: transferred to the campaign's
    external script, so no agent connection is recorded."""

    def handle_answered(self, account_number: str, campaign_name: str) -> str:
        return "transferred_script"


def dial_round(simulator: Simulator, result: CallResult, *, script: bool = False) -> int:
    """Every dialable contact dialed once with `result` (answered calls go to an agent,
    or with `script` to the external script); returns how many were dialed."""
    dialer = Dialer(
        simulator.store,
        simulator.campaigns,
        mix={result: 1},
        contacts_per_round=10_000,
        ivr=ScriptTakesOver() if script else None,
    )
    return dialer.dial_round()


def dialing_list_id(simulator: Simulator, account_number: str, uccx_campaign_id: int = 1) -> int:
    return int(_contact_row(simulator, account_number, uccx_campaign_id)[m.DIALING_LIST_ID])


def dial_one(
    simulator: Simulator,
    account_number: str,
    result: CallResult,
    status: CallStatus,
    *,
    agent: bool = False,
    uccx_campaign_id: int = 1,
) -> None:
    """One dial attempt of one contact, recorded as the simulator's dialer does (an agent
    connection row with `agent`), at the current (travelled) time."""
    now = dt.datetime.now(dt.UTC)
    simulator.store.record_attempt(
        _contact_row(simulator, account_number, uccx_campaign_id),
        result=result,
        status=status,
        resource_id=1 if agent else None,
        started=now,
        ended=now,
    )


def _contact_row(simulator: Simulator, account_number: str, uccx_campaign_id: int) -> dict:
    rows = simulator.store.list_contacts(uccx_campaign_id, ALL_STATUSES)
    return next(r for r in rows if r[m.ACCOUNT_NUMBER] == account_number)


class FaultOnImport:
    """Arms simulator fault switches for the n-th add-contacts POST only (1-based), then
    clears them: a failure in the middle of a run, where the switches alone would hit
    the first request. Failure injection only; the request still goes over HTTP."""

    def __init__(self, simulator: Simulator, client: UccxClient, n: int, **switches: Any):
        self.simulator, self.n, self.switches = simulator, n, switches
        self.calls = 0
        self._add_contacts = client.add_contacts
        client.add_contacts = self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls != self.n:
            return self._add_contacts(*args, **kwargs)
        self.simulator.set_faults(**self.switches)
        try:
            return self._add_contacts(*args, **kwargs)
        finally:
            self.simulator.clear_faults()


def posts(simulator: Simulator, uccx_campaign_id: int = 1) -> int:
    """Add-contacts requests the simulator received for one campaign."""
    return simulator.request_count("POST", f"/adminapi/campaign/{uccx_campaign_id}/contacts")
