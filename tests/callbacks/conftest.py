"""A small fixed cast for the callbacks tests (shared with the API tests in this folder).

- `demo`: the demo installation (seed_demo): campaigns Callback_Main (id 1, no external
  script) and Callback_Premium (id 2, script PremiumCustomerLookup.aef), skills Sales
  (Mon-Fri 08:00-20:00, Sat 09:00-14:00) and Support (daily 07:00-22:00), Europe/Warsaw,
  Polish holidays, 15-minute slots of 10, one pending callback per number.
- `now`: Friday 2026-11-20 09:00 UTC (10:00 in Warsaw); `frozen_now` freezes the clock
  there. It is not autouse: opt in per module with
  `pytestmark = pytest.mark.usefixtures("frozen_now")` (make_callback does it itself).
- `campaign` (Callback_Main), `sales`, `support`.
- `make_callback(**overrides)`: a stored callback made by `services.callback_schedule`.
- `put_in(callback, status)`: walk a callback to any status through `states.transition`.
"""

import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.core.management import call_command

from callbacks import services, states
from callbacks.models import Callback, CallbackCampaign, EventKind, Status
from callbacks.validation import CallbackRequest
from scheduling.models import Skill

# Friday 20 November 2026, 10:00 in Warsaw (winter time, UTC+1).
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
# Monday 23 November 2026, 10:00 in Warsaw: open for Sales and Support.
MONDAY_10 = "2026-11-23T10:00"

_REQUEST_FIELDS = {"phone_number", "scheduled_at", "campaign", "skill", "agent_id"}
_DETAIL_FIELDS = {"first_name", "last_name", "agent_name", "notes", "origin_account_number"}
_SERVICE_FIELDS = {"source", "actor", "now"}
_numbers = itertools.count(1)


def next_phone() -> str:
    """A valid Warsaw fixed-line number not used before in this test run (+48225...)."""
    return f"+48225{next(_numbers) % 1_000_000:06d}"


@pytest.fixture
def demo(db) -> None:
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def now() -> dt.datetime:
    return NOW


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
            "phone_number": next_phone(),
            "scheduled_at": MONDAY_10,
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
