"""Fixtures for the hardening tests: a live server on the demo data with real API keys.

The clock is set (ticking) to Friday 2026-11-20 09:00 UTC, 10:00 in Warsaw, as in the
API tests, so that the demo's fixed times (Monday 2026-11-23) are bookable whatever day
the suite runs on. time-machine patches the clock process-wide, so the live server's
thread sees the same time.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from callbacks import services
from callbacks.models import ApiKey, ApiScope, Callback
from callbacks.validation import CallbackRequest
from tests.callbacks.api_helpers import agent_session
from tests.cast import load as load_cast

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
# Open for Sales and Support (Warsaw local time, winter: UTC+1).
BOOKABLE = ["2026-11-23T10:00", "2026-11-23T10:15", "2026-11-24T12:30", "2026-11-25T09:45"]


@dataclass(frozen=True)
class Cast:
    """What the fuzzer may aim at: keys, and callbacks that exist."""

    gadget_key: str
    ivr_key: str
    callbacks: list[Callback]


@pytest.fixture
def clock() -> Iterator[dt.datetime]:
    with time_machine.travel(NOW, tick=True):
        yield NOW


def build_cast() -> Cast:
    """The tests' cast (tests/cast.py), one key per scope and a few callbacks (standard and
    personal)."""
    load_cast()
    cache.clear()  # throttle counters of an earlier test
    callbacks = [
        services.callback_schedule(
            request=CallbackRequest(f"+4822555{n:04d}", when, "Callback_Main", "Sales", agent),
            details=services.CustomerDetails(first_name="Anna", last_name="Nowak"),
            source="admin",
            actor="test",
        )
        for n, (when, agent) in enumerate(
            [(BOOKABLE[0], ""), (BOOKABLE[1], "jkowalski"), (BOOKABLE[2], "asmith")]
        )
    ]
    return Cast(
        gadget_key=ApiKey.objects.create_key(name="Fuzz gadget", scope=ApiScope.GADGET)[1],
        ivr_key=ApiKey.objects.create_key(name="Fuzz IVR", scope=ApiScope.IVR)[1],
        callbacks=callbacks,
    )


@pytest.fixture
def cast(transactional_db, clock) -> Cast:
    """For a live server (another thread: the data must be committed)."""
    return build_cast()


@pytest.fixture
def cast_db(db, clock) -> Cast:
    """For the test client, in the test's transaction."""
    return build_cast()


def client_for(key: str, **defaults) -> APIClient:
    client = APIClient(**defaults)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


@pytest.fixture
def gadget(cast_db) -> APIClient:
    """The gadget of a supervisor of jkowalski and asmith: sees every cast callback."""
    session = agent_session(cast_db.gadget_key, "lead", supervises=("asmith", "jkowalski"))
    return client_for(cast_db.gadget_key, HTTP_X_AGENT_SESSION=session)


@pytest.fixture
def ivr(cast_db) -> APIClient:
    return client_for(cast_db.ivr_key)
