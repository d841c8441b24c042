"""What the reports dashboard and the CSV export read: the report views (sql.py).

Every KPI is an expression of `sql.measures()`, the same SQL cm_daily_summary uses, so
the dashboard shows what CUIC reports show. The SQL here is portable (no LIMIT, no
vendor functions) and takes %s parameters: it runs on SQLite, PostgreSQL and SQL Server.
"""

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any, Literal

from django.db import connection
from django.db.models import Max, QuerySet

from callbacks.models import Callback, Kind

from . import sql
from .models import CallbackReport

PERSONAL = f"r.kind = '{Kind.PERSONAL.value}'"
# Broken promises by: (key column, name column); a name may change, the key does not.
GROUPS = {"agent": ("r.agent_id", "r.agent_name"), "skill": ("r.skill_id", "r.skill_name")}


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportFilter:
    """Callbacks promised from `start` to `end` (both included; days in each skill's
    zone), optionally of one campaign, one skill, one agent."""

    start: dt.date
    end: dt.date
    campaign_id: int | None = None
    skill_id: int | None = None
    agent_id: str | None = None

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError(f"The range starts ({self.start}) after it ends ({self.end}).")

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass(frozen=True, slots=True)
class Measures:
    """The shared measures (sql.measures), by the names the SQL gives them."""

    requested: int
    completed: int
    failed: int
    expired: int
    cancelled: int
    rescheduled: int
    pending: int
    dialed: int
    on_time: int
    late: int  # broken promises
    on_time_rate: float | None  # of judged (on_time + late); None: nothing judged
    reached_first_attempt: int
    first_attempt_reach_rate: float | None  # of dialed
    avg_minutes_to_contact: float | None  # request -> contact
    recalled: int  # promises that needed more than one round
    rounds: int  # rounds of these promises, the first ones included
    attempts: int  # dial attempts of all their rounds
    satisfied: int  # closed: the customer called in first

    @property
    def judged(self) -> int:
        return self.on_time + self.late

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Measures":
        # Drivers differ: SUM over no rows is NULL, PostgreSQL's ROUND gives a Decimal.
        values: dict[str, Any] = {
            f.name: int(row[f.name] or 0) if f.type is int else _float(row[f.name])
            for f in fields(cls)
        }
        return cls(**values)


@dataclass(frozen=True, slots=True)
class ReportTotals:
    measures: Measures
    personal: int
    personal_fell_back: int  # personal callbacks the IVR queued to the skill instead
    personal_fell_back_rate: float | None


@dataclass(frozen=True, slots=True)
class DayMeasures:
    day: dt.date
    measures: Measures


@dataclass(frozen=True, slots=True)
class BrokenPromises:
    key: str  # agent id, or skill id
    name: str
    judged: int
    broken: int

    @property
    def rate(self) -> float:
        return round(self.broken / self.judged, 4)


def report_totals(*, filter: ReportFilter) -> ReportTotals:
    row = _fetch(*report_totals_sql(_dialect(), filter))[0]
    personal, fell_back = int(row["personal"] or 0), int(row["personal_fell_back"] or 0)
    return ReportTotals(
        measures=Measures.from_row(row),
        personal=personal,
        personal_fell_back=fell_back,
        personal_fell_back_rate=round(fell_back / personal, 4) if personal else None,
    )


def report_by_day(*, filter: ReportFilter) -> list[DayMeasures]:
    """One entry per day of the range, in order; a day without callbacks has zeros."""
    rows = _fetch(*report_by_day_sql(_dialect(), filter))
    found = {_date(row["promised_date"]): Measures.from_row(row) for row in rows}
    empty = Measures.from_row(dict.fromkeys(f.name for f in fields(Measures)))
    return [DayMeasures(day=day, measures=found.get(day, empty)) for day in filter.days]


def broken_promises_by_agent(*, filter: ReportFilter) -> list[BrokenPromises]:
    """Agents of personal callbacks with any judged promise, most broken first."""
    return _broken_promises(broken_promises_sql(_dialect(), filter, by="agent"))


def broken_promises_by_skill(*, filter: ReportFilter) -> list[BrokenPromises]:
    """Skills with any judged promise, most broken first."""
    return _broken_promises(broken_promises_sql(_dialect(), filter, by="skill"))


def report_rows(*, filter: ReportFilter) -> QuerySet[CallbackReport]:
    """The cm_callback_report rows of the filter, by promised time."""
    rows = CallbackReport.objects.filter(
        promised_date__gte=filter.start, promised_date__lte=filter.end
    )
    if filter.campaign_id is not None:
        rows = rows.filter(campaign_id=filter.campaign_id)
    if filter.skill_id is not None:
        rows = rows.filter(skill_id=filter.skill_id)
    if filter.agent_id is not None:
        rows = rows.filter(agent_id=filter.agent_id)
    return rows.order_by("promised_at_utc", "callback_id")


def agent_choices() -> list[tuple[str, str]]:
    """(agent id, name) of every agent with a personal callback, by id; the name is the
    greatest one seen for the id (names may change, ids do not)."""
    agents = (
        Callback.objects.exclude(agent_id="")
        .values("agent_id")
        .annotate(name=Max("agent_name"))
        .order_by("agent_id")
    )
    return [(a["agent_id"], a["name"]) for a in agents]


# The SQL of the selectors above, for a dialect: (statement with %s, parameters).


def report_totals_sql(d: sql.Dialect, filter: ReportFilter) -> tuple[str, list[Any]]:
    where, params = _where(filter)
    fell_back = f"{PERSONAL} AND r.fell_back_to_skill = 1"
    return (
        f"SELECT {sql.select_measures(d)},\n"
        f"    {sql.count_if(PERSONAL)} AS personal,\n"
        f"    {sql.count_if(fell_back)} AS personal_fell_back\n"
        f"FROM cm_callback_report r WHERE {where}",
        params,
    )


def report_by_day_sql(d: sql.Dialect, filter: ReportFilter) -> tuple[str, list[Any]]:
    where, params = _where(filter)
    return (
        f"SELECT r.promised_date AS promised_date, {sql.select_measures(d)}\n"
        f"FROM cm_callback_report r WHERE {where}\n"
        "GROUP BY r.promised_date",
        params,
    )


def broken_promises_sql(
    d: sql.Dialect, filter: ReportFilter, *, by: Literal["agent", "skill"]
) -> tuple[str, list[Any]]:
    key, name = GROUPS[by]
    measure = dict(sql.measures(d))
    judged = f"({measure['on_time']}) + ({measure['late']})"
    where, params = _where(filter)
    # Ties: fewer judged first, i.e. the higher share broken.
    return (
        f"SELECT {key} AS group_key, MAX({name}) AS group_name,\n"
        f"    {judged} AS judged, {measure['late']} AS broken\n"
        f"FROM cm_callback_report r WHERE {where} AND {key} IS NOT NULL\n"
        f"GROUP BY {key} HAVING {judged} > 0\n"
        f"ORDER BY broken DESC, judged, {key}",
        params,
    )


def _broken_promises(statement: tuple[str, list[Any]]) -> list[BrokenPromises]:
    return [
        BrokenPromises(
            key=str(row["group_key"]),
            name=row["group_name"] or "",
            judged=int(row["judged"]),
            broken=int(row["broken"]),
        )
        for row in _fetch(*statement)
    ]


def _where(filter: ReportFilter) -> tuple[str, list[Any]]:
    # One row per promise: recall rounds after the first are counted with it.
    conditions = [sql.FIRST_ROUNDS, "r.promised_date >= %s", "r.promised_date <= %s"]
    params: list[Any] = [filter.start, filter.end]
    for column, value in (
        ("r.campaign_id", filter.campaign_id),
        ("r.skill_id", filter.skill_id),
        ("r.agent_id", filter.agent_id),
    ):
        if value is not None:
            conditions.append(f"{column} = %s")
            params.append(value)
    return " AND ".join(conditions), params


def _dialect() -> sql.Dialect:
    return sql.dialect_for(connection.vendor)


def _fetch(statement: str, params: list[Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [column[0].lower() for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _date(value: dt.date | str) -> dt.date:
    # SQLite gives the text it stores when a driver cannot tell the column's type.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
