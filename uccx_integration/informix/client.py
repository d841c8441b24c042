"""The read-only client itself (InformixClient): the queries, over pyodbc."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any, cast

import pyodbc

from uccx_integration import mapping as m
from uccx_integration.mapping import CallResult, CallStatus

from .connection import (
    DIALING_COLUMNS,
    INFORMIX,
    SQLITE,
    InformixError,
    _connect_error,
    _error,
    dialect,
)
from .results import (
    AgentConnection,
    CallDetail,
    DialingRow,
    SchemaReport,
    TableReport,
    UnknownCode,
    _agent_connection,
    _call_detail,
    _chunks,
    _code,
    _db_time,
    _dialing_row,
    _marks,
    _merge_dialing_rows,
    _utc,
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
            for chunk in _chunks(account_numbers):
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

    def dial_times(self, dialing_list_ids: Sequence[int]) -> dict[int, list[datetime]]:
        """When each of these contacts was dialed: the start of its dial leg
        (ContactCallDetail, `sessionseqnum` m.DIAL_LEG_SEQ_NUM) per attempt, oldest first,
        by dialinglistid.

        Unconfirmed (docs/uccx.md "ContactCallDetail"; m.DIAL_LEG_SEQ_NUM is the one
        setting): that each dial attempt writes one such leg whose `startdatetime` is the
        dial. A contact without such rows is absent; the poll then stamps its attempts
        with the contact's lastupdatetime.
        """
        ids = [int(dialing_list_id) for dialing_list_id in dialing_list_ids]
        found: dict[int, list[datetime]] = {}
        for chunk in _chunks(ids):
            sql = (
                f"SELECT {m.DIALING_LIST_ID}, {m.START_DATETIME} "
                f"FROM {m.CONTACT_CALL_DETAIL.name} "
                f"WHERE {m.DIALING_LIST_ID} IN ({_marks(chunk)}) AND {m.SESSION_SEQ_NUM} = ? "
                f"ORDER BY {m.DIALING_LIST_ID}, {m.START_DATETIME}, {m.SESSION_ID}"
            )
            for list_id, started in self._fetch(sql, (*chunk, m.DIAL_LEG_SEQ_NUM)):
                moment = _utc(started)
                if moment is not None:
                    found.setdefault(int(list_id), []).append(moment)
        return found

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
        for chunk in _chunks(ids):
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
