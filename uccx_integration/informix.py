"""Read-only client for UCCX's Informix database `db_cra`, over pyodbc.

Hides ODBC from its callers: typed results, and every failure raised as one
`InformixError` whose `permanent` flag says whether retrying could help. Every table and
column name and every code comes from `mapping`. No Django in here.

Production: the IBM Informix ODBC driver, user `uccxhruser`, ideally on the standby node
(Cisco asks integrators not to poll db_cra like a wallboard); `informix_dsn()` builds the
connection string. Tests and the simulator: `DRIVER=SQLite3;Database=<simulator file>`.

The SQL is plain enough for both Informix and SQLite; the two places they differ (row
limits and the catalogue) go through `dialect()`.

Contacts are read from DialingList AND DialingListHistory, where UCCX moves closed
contacts (when exactly is unconfirmed: docs/uccx.md (db_cra)). A contact found in both (moved
while we read) counts once, its history copy winning: that is the later state.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, TypeVar, cast

import pyodbc

from uccx_integration import mapping as m
from uccx_integration.mapping import CallResult, CallStatus

_Code = TypeVar("_Code", bound=IntEnum)

INFORMIX = "informix"
SQLITE = "sqlite"

# SQLSTATE classes where retrying the same thing cannot help: bad login (28), syntax,
# permission or missing object (42), driver manager configuration (IM), unsupported (0A).
PERMANENT_SQLSTATE_CLASSES = ("28", "42", "IM", "0A")
# The SQLite ODBC driver reports every failure as the generic HY000; these say the query
# or the schema is wrong, which retrying will not fix.
PERMANENT_MESSAGES = ("no such table", "no such column", "syntax error", "not authorized")
_SECRET_IN_DSN = re.compile(r"((?:PWD|PASSWORD)\s*=\s*)(\{(?:[^}]|\}\})*\}|[^;]*)", re.IGNORECASE)


class InformixError(Exception):
    """Any failure reading db_cra. `permanent`: retrying the same call will not help."""

    def __init__(self, message: str, *, permanent: bool, sqlstate: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.sqlstate = sqlstate

    def __repr__(self) -> str:
        return f"InformixError({self.message!r}, permanent={self.permanent})"


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


# --- connection strings ------------------------------------------------------------------
def informix_dsn(
    *,
    host: str,
    password: str,
    server: str | None = None,
    user: str = "uccxhruser",
    database: str = "db_cra",
    service: str | int = 1504,
    protocol: str = "onsoctcp",
    locale: str = "en_US.UTF8",
    driver: str = "IBM INFORMIX ODBC DRIVER",
) -> str:
    """The ODBC connection string for db_cra on one UCCX node (docs/uccx.md (db_cra)).

    `server` is the Informix instance name, `<hostname>_uccx` by default (the short host
    name, dashes as underscores). Point `host` at the standby node where possible.
    """
    short_host = host.split(".")[0].replace("-", "_")
    parts = {
        "DRIVER": driver,
        "HOST": host,
        "SERVER": server or f"{short_host}_uccx",
        "SERVICE": str(service),
        "PROTOCOL": protocol,
        "DATABASE": database,
        "CLIENT_LOCALE": locale,
        "DB_LOCALE": locale,
        "UID": user,
        "PWD": password,
    }
    return ";".join(f"{key}={_odbc_value(value)}" for key, value in parts.items())


def _odbc_value(value: str) -> str:
    # ODBC: a value with ; { } or edge spaces must be braced, a } inside doubled.
    if re.search(r"[;{}]|^\s|\s$", value):
        return "{" + value.replace("}", "}}") + "}"
    return value


def redact_dsn(dsn: str) -> str:
    """The connection string with its password replaced, safe to print or log."""
    return _SECRET_IN_DSN.sub(r"\1***", dsn)


def _dsn_driver(dsn: str) -> str | None:
    match = re.search(r"(?:^|;)\s*DRIVER\s*=\s*(\{[^}]*\}|[^;]*)", dsn, re.IGNORECASE)
    return match.group(1).strip("{} ") if match else None


def dialect(connection: pyodbc.Connection) -> str:
    """INFORMIX or SQLITE (the simulator), from what the driver says it talks to."""
    names = " ".join(
        str(connection.getinfo(info)) for info in (pyodbc.SQL_DBMS_NAME, pyodbc.SQL_DRIVER_NAME)
    ).lower()
    return SQLITE if "sqlite" in names else INFORMIX


DIALING_COLUMNS = (
    m.DIALING_LIST_ID,
    m.CAMPAIGN_ID,
    m.ACCOUNT_NUMBER,
    m.PHONE_01,
    m.CALL_STATUS,
    m.CALL_RESULT,
    m.DIALING_ATTEMPTS,
    m.LAST_NUMBER_DIALED,
    m.CALLBACK_DATETIME,
    m.LAST_UPDATE_TIME,
)


# --- the client --------------------------------------------------------------------------
class InformixClient:
    """One lazily opened, read-only, autocommit connection to db_cra."""

    def __init__(self, dsn: str, *, timeout: int = 10) -> None:
        self.dsn = dsn
        self.timeout = timeout
        self._connection: pyodbc.Connection | None = None
        self._dialect: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> InformixClient:
        """INFORMIX_DSN (a full ODBC connection string), INFORMIX_TIMEOUT (seconds)."""
        dsn = environ.get("INFORMIX_DSN", "").strip()
        if not dsn:
            raise InformixError(
                "INFORMIX_DSN is not set: give the full ODBC connection string "
                "(see uccx_integration.informix.informix_dsn)",
                permanent=True,
            )
        raw_timeout = environ.get("INFORMIX_TIMEOUT", "").strip()
        if raw_timeout and not raw_timeout.isdigit():
            raise InformixError(
                f"INFORMIX_TIMEOUT={raw_timeout!r} is not whole seconds", permanent=True
            )
        return cls(dsn, timeout=int(raw_timeout or 10))

    def __enter__(self) -> InformixClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    @property
    def dialect(self) -> str:
        self._connect()
        assert self._dialect is not None
        return self._dialect

    # --- DialingList and DialingListHistory -----------------------------------------
    def dialing_batches(
        self, campaign_ids: Sequence[int], *, after_id: int = 0, batch: int = 1000
    ) -> Iterator[list[DialingRow]]:
        """Contacts of these campaigns only, from DialingList and DialingListHistory, in
        dialinglistid order, at most `batch` a time. Keyset pagination over each table (no
        OFFSET, no row lost when rows come and go), two queries per batch: DialingList
        first, so a contact moved to the history between the two is seen in both (and
        counted once) rather than in neither."""
        if batch < 1:
            raise ValueError("batch must be at least 1")
        ids = [int(campaign_id) for campaign_id in campaign_ids]
        if not ids:
            return
        where = f"{m.DIALING_LIST_ID} > ? AND {m.CAMPAIGN_ID} IN ({_marks(ids)})"
        while True:
            # DialingList first (DIALING_TABLES order): see the docstring.
            params = (after_id, *ids)
            fetched = [self._dialing_page(t, where, params, batch) for t in m.DIALING_TABLES]
            # A table that filled its page may hold more rows past its page's last id: only
            # ids up to the lowest such id are complete in both tables.
            bound = min(
                (rows[-1].dialing_list_id for rows in fetched if len(rows) == batch),
                default=None,
            )
            merged = _merge_dialing_rows(fetched)
            ready = [r for r in merged if bound is None or r.dialing_list_id <= bound][:batch]
            if ready:
                yield ready
            if bound is None and len(ready) == len(merged):
                return
            after_id = ready[-1].dialing_list_id

    def _dialing_page(
        self, table: m.Table, where: str, params: Sequence[Any], limit: int
    ) -> list[DialingRow]:
        sql = self._select_limited(
            DIALING_COLUMNS, table.name, where, order_by=m.DIALING_LIST_ID, limit=limit
        )
        return [_dialing_row(row, table.name) for row in self._fetch(sql, params)]

    def dialing_rows(
        self, campaign_ids: Sequence[int], *, after_id: int = 0, batch: int = 1000
    ) -> Iterator[DialingRow]:
        for rows in self.dialing_batches(campaign_ids, after_id=after_id, batch=batch):
            yield from rows

    def dialing_rows_for_accounts(
        self, campaign_id: int, account_numbers: Sequence[str]
    ) -> list[DialingRow]:
        """Every contact (any status, closed ones too) of these account numbers in one
        campaign, from DialingList and DialingListHistory: what the REST contact list
        cannot show. In dialinglistid order, a contact in both tables once."""
        fetched: list[list[DialingRow]] = []
        for table in m.DIALING_TABLES:
            found: list[DialingRow] = []
            for start in range(0, len(account_numbers), 500):
                chunk = list(account_numbers[start : start + 500])
                sql = (
                    f"SELECT {', '.join(DIALING_COLUMNS)} FROM {table.name} "
                    f"WHERE {m.CAMPAIGN_ID} = ? AND {m.ACCOUNT_NUMBER} IN ({_marks(chunk)}) "
                    f"ORDER BY {m.DIALING_LIST_ID}"
                )
                rows = self._fetch(sql, (int(campaign_id), *chunk))
                found.extend(_dialing_row(row, table.name) for row in rows)
            fetched.append(found)
        return _merge_dialing_rows(fetched)

    # --- call details --------------------------------------------------------------------
    def call_details(self, campaign_ids: Sequence[int], since: datetime) -> list[CallDetail]:
        """ContactCallDetail rows of these campaigns that started at or after `since`."""
        ids = [int(campaign_id) for campaign_id in campaign_ids]
        if not ids:
            return []
        columns = (
            m.SESSION_ID,
            m.SESSION_SEQ_NUM,
            m.DIALING_LIST_ID,
            m.CAMPAIGN_ID,
            m.ACCOUNT_NUMBER,
            m.CALL_RESULT,
            m.CONTACT_DISPOSITION,
            m.START_DATETIME,
            m.END_DATETIME,
        )
        sql = (
            f"SELECT {', '.join(columns)} FROM {m.CONTACT_CALL_DETAIL.name} "
            f"WHERE {m.CAMPAIGN_ID} IN ({_marks(ids)}) AND {m.START_DATETIME} >= ? "
            f"ORDER BY {m.START_DATETIME}, {m.SESSION_ID}, {m.SESSION_SEQ_NUM}"
        )
        rows = self._fetch(sql, (*ids, _db_time(since)))
        return [_call_detail(row) for row in rows]

    def agent_connections(self, dialing_list_ids: Sequence[int]) -> list[AgentConnection]:
        """AgentConnectionDetail rows for these dialing list contacts."""
        ids = [int(dialing_list_id) for dialing_list_id in dialing_list_ids]
        if not ids:
            return []
        columns = (
            m.SESSION_ID,
            m.DIALING_LIST_ID,
            m.RESOURCE_ID,
            m.CALL_RESULT,
            m.START_DATETIME,
            m.END_DATETIME,
        )
        found: list[AgentConnection] = []
        # Chunks keep the IN list under driver parameter limits (SQLite: 999 before 3.32).
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            sql = (
                f"SELECT {', '.join(columns)} FROM {m.AGENT_CONNECTION_DETAIL.name} "
                f"WHERE {m.DIALING_LIST_ID} IN ({_marks(chunk)}) "
                f"ORDER BY {m.DIALING_LIST_ID}, {m.START_DATETIME}"
            )
            found.extend(_agent_connection(row) for row in self._fetch(sql, tuple(chunk)))
        return found

    # --- installer checks ----------------------------------------------------------------
    def check_schema(self) -> SchemaReport:
        """For every mapped table, which mapped columns exist and which are missing."""
        reports = []
        for table in m.TABLES:
            found = {name.lower() for name in self._table_columns(table.name)}
            present = tuple(c for c in table.column_names if c.lower() in found)
            missing = tuple(c for c in table.column_names if c.lower() not in found)
            reports.append(TableReport(table.name, bool(found), present, missing))
        return SchemaReport(self.dialect, tuple(reports))

    def _table_columns(self, table_name: str) -> list[str]:
        if self.dialect == SQLITE:
            # PRAGMA takes no parameters; the name comes from mapping.py, never from input.
            return [row[1] for row in self._fetch(f"PRAGMA table_info({table_name})", ())]
        # Informix keeps the names of a non-ANSI database in lower case in its catalogue.
        sql = (
            "SELECT c.colname FROM syscolumns c JOIN systables t ON c.tabid = t.tabid "
            "WHERE t.tabname = ?"
        )
        return [str(row[0]).strip() for row in self._fetch(sql, (table_name.lower(),))]

    def unknown_codes(self, campaign_ids: Sequence[int] = ()) -> list[UnknownCode]:
        """Distinct callstatus/callresult values that mapping.py does not know, with how
        many rows carry each; limited to `campaign_ids` where the table has a campaign."""
        checks: tuple[tuple[m.Table, str, type[IntEnum]], ...] = (
            *((table, m.CALL_STATUS, CallStatus) for table in m.DIALING_TABLES),
            *((table, m.CALL_RESULT, CallResult) for table in m.DIALING_TABLES),
            (m.CONTACT_CALL_DETAIL, m.CALL_RESULT, CallResult),
            (m.AGENT_CONNECTION_DETAIL, m.CALL_RESULT, CallResult),
        )
        ids = [int(campaign_id) for campaign_id in campaign_ids]
        unknown = []
        for table, column, codes in checks:
            where, params = f"{column} IS NOT NULL", cast(tuple[int, ...], ())
            if ids and m.CAMPAIGN_ID in table.column_names:
                where += f" AND {m.CAMPAIGN_ID} IN ({_marks(ids)})"
                params = tuple(ids)
            sql = (
                f"SELECT {column}, COUNT(*) FROM {table.name} WHERE {where} "
                f"GROUP BY {column} ORDER BY {column}"
            )
            for code, rows in self._fetch(sql, params):
                if _code(codes, code)[0] is None:
                    unknown.append(UnknownCode(table.name, column, int(code), int(rows)))
        return unknown

    # --- ODBC ----------------------------------------------------------------------------
    def _select_limited(
        self, columns: Sequence[str], table: str, where: str, *, order_by: str, limit: int
    ) -> str:
        # Informix has SELECT FIRST n, SQLite LIMIT n; neither takes n as a parameter.
        first = f"FIRST {int(limit)} " if self.dialect == INFORMIX else ""
        last = f" LIMIT {int(limit)}" if self.dialect == SQLITE else ""
        return (
            f"SELECT {first}{', '.join(columns)} FROM {table} WHERE {where} "
            f"ORDER BY {order_by}{last}"
        )

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[Any]:
        connection = self._connect()
        try:
            cursor = connection.cursor()
            try:
                return cursor.execute(sql, *params).fetchall()
            finally:
                cursor.close()
        except pyodbc.Error as exc:
            raise _error("db_cra query failed", exc) from exc

    def _connect(self) -> pyodbc.Connection:
        if self._connection is not None:
            return self._connection
        try:
            # readonly sets SQL_ATTR_ACCESS_MODE; the SQLite ODBC driver ignores it, the
            # real guard in production is the read-only user uccxhruser.
            connection = pyodbc.connect(
                self.dsn, autocommit=True, readonly=True, timeout=self.timeout
            )
            connection.timeout = self.timeout  # per-query timeout, seconds
            self._dialect = dialect(connection)
        except pyodbc.Error as exc:
            raise _connect_error(self.dsn, exc) from exc
        self._connection = connection
        return connection


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


# --- errors -------------------------------------------------------------------------------
def _sqlstate(exc: pyodbc.Error) -> str:
    return str(exc.args[0]) if exc.args else ""


def _detail(exc: pyodbc.Error) -> str:
    return str(exc.args[-1]) if exc.args else str(exc)


def _error(message: str, exc: pyodbc.Error) -> InformixError:
    state, detail = _sqlstate(exc), _detail(exc)
    permanent = state.startswith(PERMANENT_SQLSTATE_CLASSES) or any(
        marker in detail.lower() for marker in PERMANENT_MESSAGES
    )
    return InformixError(f"{message}: {detail}", permanent=permanent, sqlstate=state)


def _connect_error(dsn: str, exc: pyodbc.Error) -> InformixError:
    """Login and configuration failures are permanent; an unreachable server is not."""
    detail = _detail(exc)
    state = _sqlstate(exc)
    driver = _dsn_driver(dsn)
    if "can't open lib" in detail.lower() or "driver not found" in detail.lower():
        return InformixError(
            f"ODBC driver {driver!r} is not installed or not registered with unixODBC "
            f"(`odbcinst -q -d` lists the registered drivers; for the simulator install "
            f"Debian's libsqliteodbc, for UCCX the IBM Informix Client SDK): {detail}",
            permanent=True,
            sqlstate=state,
        )
    permanent = state.startswith(PERMANENT_SQLSTATE_CLASSES)
    hint = (
        "check the user and password (uccxhruser, AppAdmin > Tools > Password Management)"
        if state.startswith("28")
        else "check the connection string and that the node is reachable"
    )
    return InformixError(
        f"cannot connect to db_cra with {redact_dsn(dsn)!r} ({hint}): {detail}",
        permanent=permanent,
        sqlstate=state,
    )
