"""CUIC reads the views over ODBC: here pyodbc with Debian's PostgreSQL ODBC driver
(psqlODBC, package odbc-postgresql) reads them from the test database."""

import datetime as dt

import pyodbc
import pytest
from django.db import connection

from callbacks.models import Callback, Status
from reporting import sql

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="reads PostgreSQL through its ODBC driver"
    ),
]
DRIVER = "PostgreSQL Unicode"


def odbc_connection() -> pyodbc.Connection:
    if DRIVER not in pyodbc.drivers():
        pytest.fail(f"ODBC driver {DRIVER!r} missing: apt-get install odbc-postgresql")
    db = connection.settings_dict
    return pyodbc.connect(
        f"DRIVER={{{DRIVER}}};SERVER={db['HOST']};PORT={db['PORT']};"
        f"DATABASE={db['NAME']};UID={db['USER']};PWD={db['PASSWORD'] or ''}",
        timeout=10,
    )


def test_an_odbc_client_reads_every_view(transactional_db, demo, sales, campaign):
    promised = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    Callback.objects.bulk_create(
        [
            Callback(
                account_number="CB0000000042",
                phone_number="+48221234567",
                dial_number="221234567",
                scheduled_at=promised,
                campaign=campaign,
                skill=sales,
                agent_id="jkowalski",
                status=Status.SCHEDULED,
            )
        ]
    )

    with odbc_connection() as odbc:
        cursor = odbc.cursor()
        row = cursor.execute(
            "SELECT account_number, kind, status_name, promised_at_local, promised_date "
            "FROM cm_callback_report WHERE account_number = ?",
            "CB0000000042",
        ).fetchone()
        summary = cursor.execute(
            "SELECT requested, pending FROM cm_daily_summary WHERE report_date = ?",
            dt.date(2026, 11, 23),
        ).fetchall()
        counts = {
            name: cursor.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0] for name in sql.VIEWS
        }

    assert tuple(row) == (
        "CB0000000042",
        "personal",
        "Scheduled",
        dt.datetime(2026, 11, 23, 10, 0),
        dt.date(2026, 11, 23),
    )
    assert [tuple(r) for r in summary] == [(1, 1)]
    assert counts == {
        "cm_callback_report": 1,
        "cm_callback_attempt_report": 0,
        "cm_daily_summary": 1,
    }
