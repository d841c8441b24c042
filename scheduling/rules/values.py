"""What goes into the engine and what comes out: candidates, slots, assessments."""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..phones import PhoneNumber
from .violations import Violation

if TYPE_CHECKING:
    from .config import SkillPlan


@dataclass(frozen=True, slots=True)
class Candidate:
    skill: str
    scheduled_at: dt.datetime | str
    phone_number: str | None = None
    replaces: int | None = None  # id of a stored callback this one would replace


@dataclass(frozen=True, slots=True)
class Slot:
    start: dt.datetime  # UTC
    local: dt.datetime  # in the skill's zone
    capacity: int
    remaining: int


@dataclass(frozen=True, slots=True)
class DaySlots:
    date: dt.date
    slots: list[Slot]
    unavailable: Violation | None = None  # why the whole day is closed, if it is


@dataclass(slots=True)
class Assessment:
    """Everything `evaluate` worked out, so callers need not parse anything again."""

    violations: list[Violation]
    scheduled_at: dt.datetime | None = None  # UTC
    local: dt.datetime | None = None  # skill zone
    phone: PhoneNumber | None = None
    skill: "SkillPlan | None" = None

    @property
    def valid(self) -> bool:
        return not self.violations
