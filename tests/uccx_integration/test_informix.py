"""The Informix path for real: pyodbc → unixODBC → SQLite3 ODBC driver → the simulator's
db_cra-shaped file, filled through the simulator's store (so mapping.py is exercised)."""

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta

import pyodbc  # in requirements.txt; only the ODBC driver may be missing
import pytest

from uccx_integration import mapping
from uccx_integration.informix import (
    SQLITE,
    InformixClient,
    InformixError,
    dialect,
    informix_dsn,
    redact_dsn,
)
from uccx_integration.mapping import CallResult, CallStatus
from uccx_integration.simulator.store import Store


def sqlite_odbc_driver_installed() -> bool:
    return "SQLite3" in pyodbc.drivers()


pytestmark = pytest.mark.skipif(
    not sqlite_odbc_driver_installed(),
    reason="the SQLite3 ODBC driver is not registered with unixODBC "
    "(apt-get install unixodbc libsqliteodbc; scripts/bootstrap.sh does it)",
)

UNKNOWN_RESULT = 99


def sqlite_dsn(path) -> str:
    # NoCreat=1: a wrong path fails instead of silently creating an empty database.
    return f"DRIVER=SQLite3;Database={path};NoCreat=1"


@pytest.fixture
def db_path(tmp_path):
    path = tmp_path / "db_cra.sqlite3"
    Store(str(path)).close()
    return path


@pytest.fixture
def store(db_path):
    store = Store(str(db_path))
    yield store
    store.close()


@pytest.fixture
def informix(db_path):
    with InformixClient(sqlite_dsn(db_path), timeout=3) as client:
        yield client


def add(store, campaign_id, first, count):
    rows = [
        {mapping.ACCOUNT_NUMBER: f"CB{n:010d}", mapping.PHONE_01: f"0048221{n:06d}"}
        for n in range(first, first + count)
    ]
    store.add_contacts(campaign_id, rows, allow_duplicates=False)


def drop_column(source, target, table, column):
    """A copy of the simulator file where `table` lacks `column`."""
    shutil.copy(source, target)
    with sqlite3.connect(target) as db:
        db.execute(f"ALTER TABLE {table.name} DROP COLUMN {column}")


def test_it_reads_only_the_callback_campaigns_in_keyset_batches(store, informix):
    # Interleaved inserts, so the callback rows' ids have gaps where campaign 3's are.
    for first in range(0, 2500, 500):
        add(store, 1, first, 250)
        add(store, 3, 10_000 + first, 100)
        add(store, 2, 20_000 + first, 250)

    batches = list(informix.dialing_batches([1, 2], batch=1000))

    assert [len(rows) for rows in batches] == [1000, 1000, 500]
    ids = [row.dialing_list_id for rows in batches for row in rows]
    assert ids == sorted(set(ids))
    assert {row.campaign_id for rows in batches for row in rows} == {1, 2}
    assert store.count_contacts(1) + store.count_contacts(2) == len(ids)


def test_it_resumes_after_a_given_dialing_list_id(store, informix):
    add(store, 1, 0, 30)
    everything = list(informix.dialing_rows([1], batch=7))

    rest = list(informix.dialing_rows([1], after_id=everything[9].dialing_list_id, batch=7))

    assert rest == everything[10:]


def test_it_returns_typed_values(store, informix):
    add(store, 1, 1, 1)
    (contact,) = store.list_contacts(1, [CallStatus.PENDING])
    store.record_attempt(
        contact,
        result=CallResult.BUSY,
        status=CallStatus.RETRY,
        resource_id=None,
        started=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        ended=datetime(2026, 11, 20, 9, 1, tzinfo=UTC),
    )

    (row,) = informix.dialing_rows([1])

    assert row.account_number == "CB0000000001"
    assert row.phone1 == "0048221000001"
    assert row.campaign_id == 1
    assert row.call_status is CallStatus.RETRY
    assert row.call_result is CallResult.BUSY
    assert row.attempts == 1
    assert row.last_number_dialed == "0048221000001"
    assert row.last_update == datetime(2026, 11, 20, 9, 1, tzinfo=UTC)
    assert not row.has_unknown_code


def test_it_flags_an_unknown_call_result_instead_of_failing(store, informix):
    add(store, 1, 1, 2)
    first, _ = store.list_contacts(1, [CallStatus.PENDING])
    store.set_status(first[mapping.DIALING_LIST_ID], CallStatus.CLOSED, UNKNOWN_RESULT)

    rows = list(informix.dialing_rows([1]))

    assert [row.has_unknown_code for row in rows] == [True, False]
    assert (rows[0].call_result, rows[0].call_result_code) == (None, UNKNOWN_RESULT)
    assert rows[0].call_status is CallStatus.CLOSED
    (unknown,) = informix.unknown_codes([1])
    assert (unknown.table, unknown.column, unknown.code, unknown.rows) == (
        mapping.DIALING_LIST.name,
        mapping.CALL_RESULT,
        UNKNOWN_RESULT,
        1,
    )


def close(store, contact, result=CallResult.FAX, status=CallStatus.CLOSED):
    """One closing dial attempt; the store moves the contact to DialingListHistory."""
    moment = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    store.record_attempt(
        contact, result=result, status=status, resource_id=None, started=moment, ended=moment
    )


def test_a_closed_contact_moves_to_the_history_and_is_still_read(store, informix):
    add(store, 1, 0, 3)
    _, middle, _ = store.list_contacts(1, [CallStatus.PENDING])
    close(store, middle)

    rows = list(informix.dialing_rows([1]))

    assert store.count_contacts(1) == 2
    assert [r[mapping.DIALING_LIST_ID] for r in store.history_contacts(1)] == [
        middle[mapping.DIALING_LIST_ID]
    ]
    assert [r.table for r in rows] == [
        mapping.DIALING_LIST.name,
        mapping.DIALING_LIST_HISTORY.name,
        mapping.DIALING_LIST.name,
    ]
    assert (rows[1].call_status, rows[1].call_result, rows[1].attempts) == (
        CallStatus.CLOSED,
        CallResult.FAX,
        1,
    )


def test_a_store_told_not_to_move_keeps_closed_contacts_in_the_dialing_list(db_path, informix):
    store = Store(str(db_path), move_closed_to_history=False)
    add(store, 1, 0, 1)
    (contact,) = store.list_contacts(1, [CallStatus.PENDING])
    close(store, contact)
    store.close()

    (row,) = informix.dialing_rows([1])

    assert (row.table, row.call_status) == (mapping.DIALING_LIST.name, CallStatus.CLOSED)


@pytest.mark.parametrize("batch", [1, 2, 7, 1000])
def test_it_pages_through_both_tables_in_order_and_loses_no_row(store, informix, batch):
    add(store, 1, 0, 20)
    add(store, 3, 100, 5)  # not ours
    contacts = store.list_contacts(1, [CallStatus.PENDING])
    # Runs of closed and open contacts, so either table fills a page first.
    for n in (0, 1, 2, 3, 7, 8, 13, 19):
        close(store, contacts[n], CallResult.BUSY, CallStatus.MAX_CALLS)

    batches = list(informix.dialing_batches([1], batch=batch))

    ids = [row.dialing_list_id for rows in batches for row in rows]
    assert ids == sorted(c[mapping.DIALING_LIST_ID] for c in contacts)
    assert all(0 < len(rows) <= batch for rows in batches)
    assert sum(r.table == mapping.DIALING_LIST_HISTORY.name for rows in batches for r in rows) == 8


def test_a_contact_in_both_tables_is_read_once_as_its_history_row(store, db_path, informix):
    add(store, 1, 0, 2)
    first, second = store.list_contacts(1, [CallStatus.PENDING])
    # Caught mid-move: the history copy written, the DialingList row not yet deleted.
    with sqlite3.connect(db_path) as db:
        names = ", ".join(mapping.DIALING_LIST.column_names)
        db.execute(
            f"INSERT INTO {mapping.DIALING_LIST_HISTORY.name} ({names}) "
            f"SELECT {names} FROM {mapping.DIALING_LIST.name} WHERE {mapping.DIALING_LIST_ID} = ?",
            (first[mapping.DIALING_LIST_ID],),
        )
        db.execute(
            f"UPDATE {mapping.DIALING_LIST_HISTORY.name} SET {mapping.CALL_STATUS} = ?",
            (int(CallStatus.CLOSED),),
        )

    rows = list(informix.dialing_rows([1], batch=1))
    found = informix.dialing_rows_for_accounts(1, [first[mapping.ACCOUNT_NUMBER]])

    assert [(r.dialing_list_id, r.call_status) for r in rows] == [
        (first[mapping.DIALING_LIST_ID], CallStatus.CLOSED),
        (second[mapping.DIALING_LIST_ID], CallStatus.PENDING),
    ]
    assert [(r.table, r.call_status) for r in found] == [
        (mapping.DIALING_LIST_HISTORY.name, CallStatus.CLOSED)
    ]


def test_it_finds_accounts_in_either_table(store, informix):
    add(store, 1, 0, 3)
    open_one, closed_one, _ = store.list_contacts(1, [CallStatus.PENDING])
    close(store, closed_one)
    wanted = [open_one[mapping.ACCOUNT_NUMBER], closed_one[mapping.ACCOUNT_NUMBER], "CB-NONE"]

    found = informix.dialing_rows_for_accounts(1, wanted)

    assert [(r.account_number, r.table) for r in found] == [
        (open_one[mapping.ACCOUNT_NUMBER], mapping.DIALING_LIST.name),
        (closed_one[mapping.ACCOUNT_NUMBER], mapping.DIALING_LIST_HISTORY.name),
    ]
    assert informix.dialing_rows_for_accounts(2, wanted) == []


def test_it_reports_unknown_codes_in_the_history_table(store, informix):
    add(store, 1, 0, 1)
    (contact,) = store.list_contacts(1, [CallStatus.PENDING])
    store.set_status(contact[mapping.DIALING_LIST_ID], CallStatus.CLOSED, UNKNOWN_RESULT)
    store.move_to_history(contact[mapping.DIALING_LIST_ID])

    (unknown,) = informix.unknown_codes([1])

    assert (unknown.table, unknown.column, unknown.code) == (
        mapping.DIALING_LIST_HISTORY.name,
        mapping.CALL_RESULT,
        UNKNOWN_RESULT,
    )


def test_it_reads_call_details_since_a_time_and_agent_connections(store, informix):
    add(store, 1, 1, 2)
    add(store, 3, 100, 1)
    noon = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    for n, contact in enumerate(store.dialable_contacts([1, 3], limit=10)):
        store.record_attempt(
            contact,
            result=CallResult.VOICE,
            status=CallStatus.CLOSED,
            resource_id=700 + n,
            started=noon + timedelta(minutes=n - 1),  # the first one before noon
            ended=noon + timedelta(minutes=n),
        )

    calls = informix.call_details([1, 3], since=noon)
    agents = informix.agent_connections([call.dialing_list_id for call in calls])

    assert [(c.campaign_id, c.started_at) for c in calls] == [
        (1, noon),
        (3, noon + timedelta(minutes=1)),
    ]
    assert calls[0].call_result is CallResult.VOICE
    assert [a.resource_id for a in agents] == [701, 702]
    assert informix.call_details([2], since=noon) == []


def test_it_reports_a_complete_schema_on_the_simulator_file(informix):
    report = informix.check_schema()

    assert report.dialect == SQLITE
    assert report.complete
    assert report.missing == ()
    assert [t.table for t in report.tables] == [t.name for t in mapping.TABLES]


def test_it_checks_the_history_table_too(db_path, tmp_path):
    broken = tmp_path / "broken.sqlite3"
    drop_column(db_path, broken, mapping.DIALING_LIST_HISTORY, mapping.CALL_STATUS)

    with InformixClient(sqlite_dsn(broken)) as client:
        report = client.check_schema()

    history = next(t for t in report.tables if t.table == mapping.DIALING_LIST_HISTORY.name)
    assert history.exists
    assert report.missing == (f"{mapping.DIALING_LIST_HISTORY.name}.{mapping.CALL_STATUS}",)


def test_it_reports_a_missing_history_table(db_path, tmp_path):
    broken = tmp_path / "broken.sqlite3"
    shutil.copy(db_path, broken)
    with sqlite3.connect(broken) as db:
        db.execute(f"DROP TABLE {mapping.DIALING_LIST_HISTORY.name}")

    with InformixClient(sqlite_dsn(broken)) as client:
        report = client.check_schema()

    assert not report.complete
    assert [t.table for t in report.tables if not t.exists] == [mapping.DIALING_LIST_HISTORY.name]


def test_it_reports_a_missing_column(db_path, tmp_path):
    broken = tmp_path / "broken.sqlite3"
    drop_column(db_path, broken, mapping.DIALING_LIST, mapping.DIALING_ATTEMPTS)

    with InformixClient(sqlite_dsn(broken)) as client:
        report = client.check_schema()

    assert not report.complete
    assert report.missing == (f"{mapping.DIALING_LIST.name}.{mapping.DIALING_ATTEMPTS}",)


def test_it_reports_a_missing_table(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()

    with InformixClient(sqlite_dsn(empty)) as client:
        report = client.check_schema()

    assert [t.exists for t in report.tables] == [False] * len(mapping.TABLES)
    assert len(report.missing) == sum(len(t.columns) for t in mapping.TABLES)


def test_it_raises_a_transient_error_when_the_database_is_unreachable(tmp_path):
    client = InformixClient(sqlite_dsn(tmp_path / "nowhere" / "db_cra.sqlite3"))

    with pytest.raises(InformixError) as caught:
        list(client.dialing_rows([1]))

    assert caught.value.permanent is False
    assert "cannot connect to db_cra" in caught.value.message


def test_it_raises_a_permanent_error_for_an_unknown_data_source_name():
    client = InformixClient("DSN=no_such_dsn;UID=uccxhruser;PWD=hunter2")

    with pytest.raises(InformixError) as caught:
        client.check_schema()

    assert caught.value.permanent is True
    assert "hunter2" not in caught.value.message


def test_it_names_a_driver_that_is_not_installed():
    client = InformixClient("DRIVER={IBM INFORMIX ODBC DRIVER};DATABASE=db_cra;PWD=x")

    with pytest.raises(InformixError) as caught:
        client.check_schema()

    assert caught.value.permanent is True
    assert "'IBM INFORMIX ODBC DRIVER' is not installed" in caught.value.message
    assert "odbcinst -q -d" in caught.value.message


def test_it_turns_a_query_on_a_missing_table_into_a_permanent_error(tmp_path):
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()

    with InformixClient(sqlite_dsn(empty)) as client, pytest.raises(InformixError) as caught:
        list(client.dialing_rows([1]))

    assert caught.value.permanent is True


def test_it_detects_the_sqlite_dialect_from_the_driver(db_path):
    with pyodbc.connect(sqlite_dsn(db_path)) as connection:
        assert dialect(connection) == SQLITE


def test_it_builds_an_informix_connection_string_with_the_standard_attributes():
    dsn = informix_dsn(host="uccx-b.example.com", password="p;w}d")

    assert dsn.split(";")[:9] == [
        "DRIVER=IBM INFORMIX ODBC DRIVER",
        "HOST=uccx-b.example.com",
        "SERVER=uccx_b_uccx",
        "SERVICE=1504",
        "PROTOCOL=onsoctcp",
        "DATABASE=db_cra",
        "CLIENT_LOCALE=en_US.UTF8",
        "DB_LOCALE=en_US.UTF8",
        "UID=uccxhruser",
    ]
    assert dsn.endswith("PWD={p;w}}d}")
    assert redact_dsn(dsn).endswith("PWD=***")


def test_it_requires_informix_dsn_in_the_environment():
    with pytest.raises(InformixError) as caught:
        InformixClient.from_env({})

    assert caught.value.permanent is True
    assert "INFORMIX_DSN" in caught.value.message
