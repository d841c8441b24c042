"""The typed results of db_cra's reads, and the rows turned into them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from uccx_integration import mapping as m
from uccx_integration.mapping import CallResult, CallStatus

from .connection import _Code

T = TypeVar("T")


# --- typed results -----------------------------------------------------------------------
@dataclass(frozen=True)
class DialingRow:
    """One DialingList or DialingListHistory row (`table` says which). Codes mapping.py
    does not know stay in the `*_code` fields and leave `call_status` / `call_result` as
    None, flagged by `has_unknown_code`."""

    dialing_list_id: int
    campaign_id: int
    account_number: str
    phone1: str
    call_status: CallStatus | None
    call_status_code: int | None
    call_result: CallResult | None
    call_result_code: int | None
    attempts: int
    last_number_dialed: str
    callback_at: datetime | None
    last_update: datetime | None
    table: str = m.DIALING_LIST.name

    @property
    def has_unknown_code(self) -> bool:
        return (self.call_status is None and self.call_status_code is not None) or (
            self.call_result is None and self.call_result_code is not None
        )


@dataclass(frozen=True)
class CallDetail:
    """One ContactCallDetail row (one call leg)."""

    session_id: int
    session_seq_num: int
    dialing_list_id: int | None
    campaign_id: int | None
    account_number: str
    call_result: CallResult | None
    call_result_code: int | None
    contact_disposition: int | None
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class AgentConnection:
    """One AgentConnectionDetail row: an agent took the call."""

    session_id: int
    dialing_list_id: int | None
    resource_id: int
    call_result: CallResult | None
    call_result_code: int | None
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class TableReport:
    table: str
    exists: bool
    present: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class SchemaReport:
    dialect: str
    tables: tuple[TableReport, ...]

    @property
    def complete(self) -> bool:
        return all(t.exists and not t.missing for t in self.tables)

    @property
    def missing(self) -> tuple[str, ...]:
        """`Table.column` for every mapped column not found."""
        return tuple(f"{t.table}.{column}" for t in self.tables for column in t.missing)


@dataclass(frozen=True)
class UnknownCode:
    """A callstatus/callresult value seen in db_cra that mapping.py does not know."""

    table: str
    column: str
    code: int
    rows: int


# --- rows ---------------------------------------------------------------------------------
def _merge_dialing_rows(fetched: Sequence[Sequence[DialingRow]]) -> list[DialingRow]:
    """The rows of several tables in dialinglistid order, one per id: where an id is in
    more than one, the later table's row wins (DIALING_TABLES order: the history's)."""
    by_id: dict[int, DialingRow] = {}
    for rows in fetched:
        for row in rows:
            by_id[row.dialing_list_id] = row
    return [by_id[list_id] for list_id in sorted(by_id)]


def _dialing_row(row: Any, table: str = m.DIALING_LIST.name) -> DialingRow:
    (list_id, campaign_id, account, phone1, status, result, attempts, dialed, callback_at,
     updated) = row  # fmt: skip
    call_status, status_code = _code(CallStatus, status)
    call_result, result_code = _code(CallResult, result)
    return DialingRow(
        dialing_list_id=int(list_id),
        campaign_id=int(campaign_id),
        account_number=_text(account),
        phone1=_text(phone1),
        call_status=call_status,
        call_status_code=status_code,
        call_result=call_result,
        call_result_code=result_code,
        attempts=int(attempts or 0),
        last_number_dialed=_text(dialed),
        callback_at=_utc(callback_at),
        last_update=_utc(updated),
        table=table,
    )


def _call_detail(row: Any) -> CallDetail:
    session, seq, list_id, campaign_id, account, result, disposition, started, ended = row
    call_result, result_code = _code(CallResult, result)
    return CallDetail(
        session_id=int(session),
        session_seq_num=int(seq),
        dialing_list_id=_int_or_none(list_id),
        campaign_id=_int_or_none(campaign_id),
        account_number=_text(account),
        call_result=call_result,
        call_result_code=result_code,
        contact_disposition=_int_or_none(disposition),
        started_at=_utc(started),
        ended_at=_utc(ended),
    )


def _agent_connection(row: Any) -> AgentConnection:
    session, list_id, resource_id, result, started, ended = row
    call_result, result_code = _code(CallResult, result)
    return AgentConnection(
        session_id=int(session),
        dialing_list_id=_int_or_none(list_id),
        resource_id=int(resource_id),
        call_result=call_result,
        call_result_code=result_code,
        started_at=_utc(started),
        ended_at=_utc(ended),
    )


def _code(codes: type[_Code], raw: Any) -> tuple[_Code | None, int | None]:
    """(member, raw code); member None when the code is unknown: kept, never fatal."""
    value = _int_or_none(raw)
    if value is None:
        return None, None
    try:
        return codes(value), value
    except ValueError:
        return None, value


def _int_or_none(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    # Informix pads CHAR columns; an empty value is as good as a missing one.
    return "" if value is None else str(value).strip()


def _utc(value: Any) -> datetime | None:
    """db_cra times are UTC without a zone; the simulator writes UTC too."""
    if value is None or value == "":
        return None
    if isinstance(value, str):  # a driver that hands DATETIME over as text
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _db_time(moment: datetime) -> str:
    # A text literal compares right on both: Informix casts it to its DATETIME column,
    # SQLite compares it with the stored "YYYY-MM-DD HH:MM:SS" text.
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _chunks(values: Sequence[T], size: int = 500) -> Iterator[list[T]]:
    """`values` in lists of at most `size`: an IN list under driver parameter limits
    (SQLite: 999 before 3.32)."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])
