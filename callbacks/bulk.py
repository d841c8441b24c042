"""Bulk SQL for callbacks and their events: statements over many rows at once.

Raw SQL where the ORM's bulk tools cost more than the work itself (bench/export.py,
bench/poll.py); every value still goes through its field's own conversion. Nothing here
knows of statuses or transitions: `callbacks.states` decides which rows change.
"""

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, Model
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .models import Callback, CallbackEvent

# Ids per IN (...) list: SQLite allows 32,766 parameters, SQL Server 2,100 per statement.
IN_CHUNK = 1000


def insert_events(
    events: Iterable[tuple[int, str, str, str, dict[str, Any]]],
    *,
    actor: str = "",
    at: dt.datetime | None = None,
    times: Mapping[int, Sequence[dt.datetime]] | None = None,
) -> None:
    """Events (callback id, kind, from status, to status, details) of many callbacks, at
    `at` (default now), or, for a callback in `times`, at its n-th time for its n-th event
    here (a CASE over the ids, so still one statement per group).

    Events that differ only in their callback are written by one INSERT ... SELECT over
    the callbacks' ids. bulk_create builds a model and prepares seven values per event,
    ~50 µs each: most of an export or a poll (bench/export.py, bench/poll.py). A batch
    has few distinct details (attempt numbers, results), so the statements grow with
    those, not with the rows. A callback's n-th event goes in round n: its events keep
    their order (by `at`, then pk).
    """
    rounds: list[dict[tuple[str, str, str, str], tuple[dict[str, Any], list[int]]]] = []
    position: dict[int, int] = {}
    for callback_id, kind, source, target, details in events:
        n = position[callback_id] = position.get(callback_id, -1) + 1
        if n == len(rounds):
            rounds.append({})
        key = (kind, source, target, json.dumps(details, sort_keys=True))
        rounds[n].setdefault(key, (details, []))[1].append(callback_id)
    at = at or timezone.now()
    times = times or {}
    # With times, two more parameters per id (SQL Server allows 2,100 a statement).
    chunk = IN_CHUNK // 3 if times else IN_CHUNK
    for n, groups in enumerate(rounds):
        for (kind, source, target, _), (details, ids) in groups.items():
            for start in range(0, len(ids), chunk):
                part = ids[start : start + chunk]
                stamped = {i: times[i][n] for i in part if i in times and n < len(times[i])}
                _insert_select_events(
                    part, (at, kind, source, target, actor, details), times=stamped
                )


_EVENT_COLUMNS = ("at", "kind", "from_status", "to_status", "actor", "details")


def _insert_select_events(
    callback_ids: list[int], values: tuple[Any, ...], *, times: dict[int, dt.datetime]
) -> None:
    columns = [table_column(CallbackEvent, name) for name in ("callback", *_EVENT_COLUMNS)]
    _, pk = table_column(Callback, "id")
    marks = ["%s" for _ in values]
    at_field = columns[1][0]
    case: list[Any] = []
    if times:  # `at` per callback: CASE id WHEN <id> THEN <time> ... ELSE <at> END
        marks[0] = f"CASE {pk} {' '.join('WHEN %s THEN %s' for _ in times)} ELSE %s END"
        case = [p for i, t in times.items() for p in (i, at_field.get_db_prep_save(t, connection))]
    sql = (
        f"INSERT INTO {quote_name(CallbackEvent._meta.db_table)} "
        f"({', '.join(column for _, column in columns)}) "
        f"SELECT {pk}, {', '.join(marks)} "
        f"FROM {quote_name(Callback._meta.db_table)} "
        f"WHERE {pk} IN ({', '.join('%s' for _ in callback_ids)}) ORDER BY {pk}"
    )
    params = [
        field.get_db_prep_save(value, connection)
        for (field, _), value in zip(columns[1:], values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*case, *params, *callback_ids])


def table_column(model: type[Model], name: str) -> tuple[Field, str]:
    """A field stored in the model's own table, and its quoted column name (raw SQL)."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.column
    return field, quote_name(field.column)


def quote_name(name: str) -> str:
    return connection.ops.quote_name(name)


def case_by_pk(model: type[Model], name: str, values: dict[int, Any]) -> RawSQL:
    """`CASE id WHEN <pk> THEN <value> ... ELSE <column> END` for one field."""
    field, column = table_column(model, name)
    _, pk = table_column(model, model._meta.pk.name)
    whens = " ".join("WHEN %s THEN %s" for _ in values)
    params = [
        p for key, value in values.items() for p in (key, field.get_db_prep_save(value, connection))
    ]
    return RawSQL(f"CASE {pk} {whens} ELSE {column} END", params, output_field=field)
