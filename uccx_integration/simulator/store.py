"""The simulator's dialing list: an SQLite file shaped like db_cra (names from mapping.py).

Shaped like db_cra so the Informix path can read it through the SQLite ODBC driver.

DialingListHistory: UCCX moves closed contacts out of DialingList into DialingListHistory.
By default (`move_closed_to_history=True`) the store does so the moment a dial attempt
closes a contact (CLOSED, or MAX_CALLS when its attempts are used up): the row is copied
to DialingListHistory and deleted from DialingList in the attempt's transaction. WHEN
UCCX really moves rows is NOT confirmed (at once, at a purge, nightly?): the immediate
move is the hardest case for the poller (a contact may close and vanish between two
polls), which is why it is the default; `move_closed_to_history=False` keeps closed
contacts in DialingList. `set_status` (a raw test hook) never moves a row;
`move_to_history` does it on demand. See docs/uccx.md (db_cra).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from uccx_integration import mapping as m
from uccx_integration.mapping import CallStatus


@dataclass
class CampaignConfig:
    id: int
    name: str
    enabled: bool = True
    start_time: str = "00:00"
    end_time: str = "23:59"
    # UCCX answers its server's zone by its Windows name (the demo is in Warsaw).
    time_zone: str = "Central European Standard Time"
    campaign_type: str = "IVR"
    max_dial_attempts: int = 3


# A dial attempt leaving a contact in one of these closes it (and may move it).
CLOSING_STATUSES = frozenset({CallStatus.CLOSED, CallStatus.MAX_CALLS})

DEFAULT_CAMPAIGNS = (
    CampaignConfig(1, "Callback_Main"),
    CampaignConfig(2, "Callback_Premium"),
)


@dataclass(frozen=True)
class ImportOutcome:
    total: int
    imported: int
    duplicates: int


def create_table_sql(table: m.Table) -> str:
    columns = ", ".join(f"{c.name} {c.sql_type}" for c in table.columns)
    return f"CREATE TABLE IF NOT EXISTS {table.name} ({columns})"


class Store:
    """Thread-safe access to the SQLite file (one connection, one lock)."""

    def __init__(self, path: str, *, move_closed_to_history: bool = True) -> None:
        self.path = path
        self.move_closed_to_history = move_closed_to_history
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        with self._lock:
            for table in m.TABLES:
                self._db.execute(create_table_sql(table))
            for table in m.DIALING_TABLES:
                self._db.execute(
                    f"CREATE INDEX IF NOT EXISTS {table.name.lower()}_campaign_account ON "
                    f"{table.name} ({m.CAMPAIGN_ID}, {m.ACCOUNT_NUMBER})"
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def add_contacts(
        self, campaign_id: int, rows: Sequence[Mapping[str, str]], *, allow_duplicates: bool
    ) -> ImportOutcome:
        """`rows`: DialingList column → value. Without duplicates allowed, an account
        number already PENDING in the campaign (or earlier in `rows`) is skipped."""
        now = _now()
        imported = 0
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                pending = set() if allow_duplicates else self._pending_accounts(campaign_id)
                for row in rows:
                    account = row.get(m.ACCOUNT_NUMBER, "")
                    if not allow_duplicates and account in pending:
                        continue
                    pending.add(account)
                    self._insert_contact(campaign_id, row, now)
                    imported += 1
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return ImportOutcome(len(rows), imported, len(rows) - imported)

    def _pending_accounts(self, campaign_id: int) -> set[str]:
        cursor = self._db.execute(
            f"SELECT {m.ACCOUNT_NUMBER} FROM {m.DIALING_LIST.name} "
            f"WHERE {m.CAMPAIGN_ID} = ? AND {m.CALL_STATUS} = ?",
            (campaign_id, int(CallStatus.PENDING)),
        )
        return {row[0] for row in cursor}

    def _insert_contact(self, campaign_id: int, row: Mapping[str, str], now: str) -> None:
        values = {
            **{column: row.get(column, "") for column in m.IMPORTED_COLUMNS},
            m.CAMPAIGN_ID: campaign_id,
            m.CALL_STATUS: int(CallStatus.PENDING),
            m.LAST_UPDATE_TIME: now,
        }
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self._db.execute(
            f"INSERT INTO {m.DIALING_LIST.name} ({names}) VALUES ({marks})", tuple(values.values())
        )

    def list_contacts(
        self, campaign_id: int, statuses: Iterable[CallStatus], limit: int = 10_000
    ) -> list[dict[str, object]]:
        codes = [int(status) for status in statuses]
        marks = ", ".join("?" for _ in codes)
        with self._lock:
            cursor = self._db.execute(
                f"SELECT * FROM {m.DIALING_LIST.name} WHERE {m.CAMPAIGN_ID} = ? "
                f"AND {m.CALL_STATUS} IN ({marks}) ORDER BY {m.DIALING_LIST_ID} LIMIT ?",
                (campaign_id, *codes, limit),
            )
            return [dict(row) for row in cursor]

    def count_contacts(self, campaign_id: int, status: CallStatus | None = None) -> int:
        sql = f"SELECT COUNT(*) FROM {m.DIALING_LIST.name} WHERE {m.CAMPAIGN_ID} = ?"
        params: tuple[object, ...] = (campaign_id,)
        if status is not None:
            sql += f" AND {m.CALL_STATUS} = ?"
            params += (int(status),)
        with self._lock:
            return int(self._db.execute(sql, params).fetchone()[0])

    def delete_all_contacts(self, campaign_id: int) -> int:
        with self._lock:
            cursor = self._db.execute(
                f"DELETE FROM {m.DIALING_LIST.name} WHERE {m.CAMPAIGN_ID} = ?", (campaign_id,)
            )
            return cursor.rowcount

    def dialable_contacts(self, campaign_ids: Iterable[int], limit: int) -> list[dict[str, Any]]:
        """PENDING and RETRY contacts of the given campaigns, oldest first."""
        ids = list(campaign_ids)
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        statuses = (int(CallStatus.PENDING), int(CallStatus.RETRY))
        with self._lock:
            cursor = self._db.execute(
                f"SELECT * FROM {m.DIALING_LIST.name} WHERE {m.CAMPAIGN_ID} IN ({marks}) "
                f"AND {m.CALL_STATUS} IN (?, ?) ORDER BY {m.DIALING_LIST_ID} LIMIT ?",
                (*ids, *statuses, limit),
            )
            return [dict(row) for row in cursor]

    def record_attempt(
        self,
        contact: Mapping[str, Any],
        *,
        result: m.CallResult,
        status: CallStatus,
        resource_id: int | None,
        started: datetime,
        ended: datetime,
    ) -> None:
        """One dial attempt: the DialingList row updated, a ContactCallDetail row, and an
        AgentConnectionDetail row when an agent took the call; all in one transaction."""
        start, end = _format(started), _format(ended)
        disposition = (
            m.ContactDisposition.HANDLED
            if result == m.CallResult.VOICE
            else m.ContactDisposition.ABANDONED
        )
        closes = status in CLOSING_STATUSES and self.move_closed_to_history
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                session_id = self._next_session_id()
                self._db.execute(
                    f"UPDATE {m.DIALING_LIST.name} SET {m.CALL_STATUS} = ?, {m.CALL_RESULT} = ?, "
                    f"{m.CALL_RESULT_01} = ?, {m.LAST_NUMBER_DIALED} = {m.PHONE_01}, "
                    f"{m.CALLS_MADE_TO_PHONE_01} = {m.CALLS_MADE_TO_PHONE_01} + 1, "
                    f"{m.DIALING_ATTEMPTS} = {m.DIALING_ATTEMPTS} + 1, {m.LAST_UPDATE_TIME} = ? "
                    f"WHERE {m.DIALING_LIST_ID} = ?",
                    (int(status), int(result), int(result), end, contact[m.DIALING_LIST_ID]),
                )
                self._insert(
                    m.CONTACT_CALL_DETAIL,
                    {
                        m.SESSION_ID: session_id,
                        m.SESSION_SEQ_NUM: m.DIAL_LEG_SEQ_NUM,
                        m.NODE_ID: 1,
                        m.PROFILE_ID: 1,
                        m.ACCOUNT_NUMBER: contact[m.ACCOUNT_NUMBER],
                        m.CAMPAIGN_ID: contact[m.CAMPAIGN_ID],
                        m.CALL_RESULT: int(result),
                        m.DIALING_LIST_ID: contact[m.DIALING_LIST_ID],
                        m.CONTACT_DISPOSITION: int(disposition),
                        m.DESTINATION_DN: contact[m.PHONE_01],
                        m.START_DATETIME: start,
                        m.END_DATETIME: end,
                    },
                )
                if resource_id is not None:
                    self._insert(
                        m.AGENT_CONNECTION_DETAIL,
                        {
                            m.SESSION_ID: session_id,
                            m.SESSION_SEQ_NUM: 0,
                            m.NODE_ID: 1,
                            m.PROFILE_ID: 1,
                            m.RESOURCE_ID: resource_id,
                            m.CALL_RESULT: int(result),
                            m.DIALING_LIST_ID: contact[m.DIALING_LIST_ID],
                            m.START_DATETIME: start,
                            m.END_DATETIME: end,
                        },
                    )
                if closes:
                    self._move_to_history(int(contact[m.DIALING_LIST_ID]))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def move_to_history(self, dialing_list_id: int) -> None:
        """Move one contact from DialingList to DialingListHistory, as UCCX does."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._move_to_history(dialing_list_id)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def _move_to_history(self, dialing_list_id: int) -> None:
        # Same columns in both tables (mapping.py), named so their order cannot matter.
        names = ", ".join(m.DIALING_LIST.column_names)
        self._db.execute(
            f"INSERT INTO {m.DIALING_LIST_HISTORY.name} ({names}) "
            f"SELECT {names} FROM {m.DIALING_LIST.name} WHERE {m.DIALING_LIST_ID} = ?",
            (dialing_list_id,),
        )
        self._db.execute(
            f"DELETE FROM {m.DIALING_LIST.name} WHERE {m.DIALING_LIST_ID} = ?",
            (dialing_list_id,),
        )

    def history_contacts(self, campaign_id: int) -> list[dict[str, object]]:
        """The campaign's DialingListHistory rows, oldest first."""
        with self._lock:
            cursor = self._db.execute(
                f"SELECT * FROM {m.DIALING_LIST_HISTORY.name} WHERE {m.CAMPAIGN_ID} = ? "
                f"ORDER BY {m.DIALING_LIST_ID}",
                (campaign_id,),
            )
            return [dict(row) for row in cursor]

    def _next_session_id(self) -> int:
        row = self._db.execute(
            f"SELECT MAX({m.SESSION_ID}) FROM {m.CONTACT_CALL_DETAIL.name}"
        ).fetchone()
        return int(row[0] or 0) + 1

    def _insert(self, table: m.Table, values: Mapping[str, Any]) -> None:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        self._db.execute(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks})", tuple(values.values())
        )

    def set_status(
        self, dialing_list_id: int, status: CallStatus, result: m.CallResult | None = None
    ) -> None:
        """For tests and a future dialer: move one contact to another status."""
        with self._lock:
            self._db.execute(
                f"UPDATE {m.DIALING_LIST.name} SET {m.CALL_STATUS} = ?, {m.CALL_RESULT} = ?, "
                f"{m.LAST_UPDATE_TIME} = ? WHERE {m.DIALING_LIST_ID} = ?",
                (int(status), int(result) if result is not None else None, _now(), dialing_list_id),
            )


def _now() -> str:
    return _format(datetime.now(UTC))


def _format(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
