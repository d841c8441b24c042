"""The slot grid and how full it is: the hook the callbacks app fills to count stored
callbacks, and the slot a local time falls in."""

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable

from .config import UTC, RulesConfig, SkillPlan
from .hours import _jump_instant, _resolve_local

# The hook the callbacks app fills: how many pending callbacks of one skill start at
# each time (UTC) in [start, end), as (time, count) pairs, leaving out the callback
# with id `exclude` (the one being rescheduled). The engine buckets them into slots.
SlotUsage = Callable[[int, dt.datetime, dt.datetime, int | None], Iterable[tuple[dt.datetime, int]]]


def _no_usage(
    skill_id: int, start: dt.datetime, end: dt.datetime, exclude: int | None = None
) -> Iterable[tuple[dt.datetime, int]]:
    return ()


_slot_usage: SlotUsage = _no_usage


def register_slot_usage(provider: SlotUsage) -> None:
    """Plug in the counting of stored callbacks (done by the callbacks app on start)."""
    global _slot_usage
    _slot_usage = provider


def _slot_floor(config: RulesConfig, local: dt.datetime) -> dt.datetime:
    """Naive wall time of the grid line at or before a local time."""
    minute = local.hour * 60 + local.minute
    floor = minute - minute % config.slot_minutes
    return dt.datetime.combine(local.date(), dt.time(floor // 60, floor % 60))


def _slot_start(config: RulesConfig, skill: SkillPlan, local: dt.datetime) -> dt.datetime:
    """UTC start of the grid slot a local time falls in.

    The wall-clock grid decides: both occurrences of a repeated (fall-back) hour share
    the first occurrence's slot, and a slot whose start a spring-forward gap skipped
    starts at the jump.
    """
    naive = _slot_floor(config, local)
    offset = local.utcoffset()
    if offset is not None and local.fold == 0 and skill.zone.utcoffset(naive) == offset:
        # The usual case: no clock change between the slot's start and this time.
        return (naive - offset).replace(tzinfo=UTC)
    start = _resolve_local(naive, skill.zone)
    if start is None:
        return _jump_instant(naive, skill.zone)
    return start.astimezone(UTC)


def _slot_used(
    config: RulesConfig, skill: SkillPlan, local: dt.datetime, exclude: int | None = None
) -> tuple[dt.datetime, int]:
    """(slot start, callbacks in it) for the slot of one local time."""
    start = _slot_start(config, skill, local)
    end_wall = _slot_floor(config, local) + dt.timedelta(minutes=config.slot_minutes)
    # fold=1 reaches the second occurrence of a repeated hour, which shares this slot.
    end = max(
        end_wall.replace(tzinfo=skill.zone, fold=1).astimezone(UTC),
        start + dt.timedelta(minutes=config.slot_minutes),
    )
    return start, _count_usage(config, skill, start, end, exclude)[start]


def _count_usage(
    config: RulesConfig,
    skill: SkillPlan,
    start: dt.datetime,
    end: dt.datetime,
    exclude: int | None = None,
) -> Counter:
    counts: Counter = Counter()
    for scheduled, count in _slot_usage(skill.id, start, end, exclude):
        counts[_slot_start(config, skill, scheduled.astimezone(skill.zone))] += count
    return counts
