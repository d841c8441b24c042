"""The callback report as CSV: cm_callback_report's columns in the view's order.

Written for Excel as much as for scripts:
- UTF-8 with a byte order mark. Excel opens a double-clicked CSV in the Windows code
  page unless it starts with a BOM, which garbles customer names (Wiśniewski); Python
  (`utf-8-sig`), pandas, PostgreSQL's COPY and CUIC's importers read the BOM fine.
- Comma-separated, CRLF line ends, quoted where needed (RFC 4180).
- `*_utc` columns in ISO 8601 UTC with Z (2026-11-20T09:00:00Z), the local promised
  time as the wall clock of the skill's zone (2026-11-20 10:00:00), days as YYYY-MM-DD.
- Text a spreadsheet would run as a formula (starting with = + - @, tab or carriage
  return: customer names and notes come from outside) gets a leading apostrophe (OWASP
  "CSV injection", ops/spreadsheet.py). A plain number (a phone number in E.164,
  +48221234567) cannot hold a formula and is written as it is.
"""

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import models

from ops.spreadsheet import safe_text

from .models import CallbackReport

CHUNK_SIZE = 2000  # rows fetched from the database at a time
LINES_PER_WRITE = 200  # rows sent to the client at a time
LOCAL_COLUMN = "promised_at_local"
BOM = "\ufeff"

COLUMNS = [f.column for f in CallbackReport._meta.concrete_fields]


def csv_filename(start: dt.date, end: dt.date) -> str:
    return f"callback-report_{start:%Y-%m-%d}_{end:%Y-%m-%d}.csv"


def csv_lines(rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    """The header, then the rows (values in COLUMNS order), a few hundred per chunk."""
    writer = csv.writer(_Echo())
    cells = [_formatter(f) for f in CallbackReport._meta.concrete_fields]
    yield BOM + writer.writerow(COLUMNS)
    batch: list[str] = []
    for row in rows:
        batch.append(writer.writerow([cell(v) for cell, v in zip(cells, row, strict=True)]))
        if len(batch) == LINES_PER_WRITE:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def _formatter(field: models.Field) -> Callable[[Any], Any]:
    if field.column == LOCAL_COLUMN:
        return _blank_or(_wall_clock)
    if isinstance(field, models.DateTimeField):
        return _blank_or(_utc)
    if isinstance(field, models.DateField):
        return _blank_or(dt.date.isoformat)
    if isinstance(field, models.CharField):
        return _blank_or(safe_text)
    return _blank_or(lambda value: value)


def _blank_or(format_value: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: "" if value is None else format_value(value)


def _utc(value: dt.datetime) -> str:
    if value.tzinfo is None:  # a driver that drops the zone: stored times are UTC
        value = value.replace(tzinfo=dt.UTC)
    return f"{value.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S}Z"


def _wall_clock(value: dt.datetime) -> str:
    # The view adds the skill zone's offset to UTC and gives no zone: whatever zone a
    # driver attaches is meaningless (models.CallbackReport).
    return f"{value:%Y-%m-%d %H:%M:%S}"


class _Echo:
    """A file that hands back what is written: csv.writer formats, we stream."""

    def write(self, value: str) -> str:
        return value
