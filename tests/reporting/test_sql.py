"""The view definitions: T-SQL checked by a parser (no SQL Server runs here), the same
columns in every dialect and in the database, every column documented, grants."""

import re
from pathlib import Path

import pytest
import sqlglot
from django.conf import settings
from django.db import connection
from sqlglot import exp

from reporting import install, sql
from tests.reporting.tsql import not_sql_server, parse_tsql

README = Path(settings.BASE_DIR, "reporting", "README.md")
PARSERS = {"microsoft": "tsql", "postgresql": "postgres", "sqlite": "sqlite"}
# A view cannot be ordered in SQL Server (without TOP).
IN_VIEWS_TOO = (exp.Order,)


def parsed(vendor: str) -> dict[str, exp.Expression]:
    statements = sql.create_statements(vendor)
    return {
        name: sqlglot.parse_one(statement, read=PARSERS[vendor])
        for name, statement in zip(sql.VIEWS, statements, strict=True)
    }


def columns(view: exp.Expression) -> list[str]:
    return [select.alias_or_name for select in view.expression.selects]


def test_it_writes_views_sql_server_can_parse():
    readers = ['"cuic_reader"']
    statements = [
        *sql.drop_statements("microsoft"),
        *sql.create_statements("microsoft"),
        *sql.grant_statements("microsoft", readers),
    ]

    trees = [parse_tsql(s) for s in statements]

    assert [type(t).__name__ for t in trees] == ["Drop"] * 3 + ["Create"] * 3 + ["Grant"] * 3


def test_it_uses_only_what_sql_server_has():
    for name, tree in parsed("microsoft").items():
        unknown, foreign = not_sql_server(tree, *IN_VIEWS_TOO)
        assert (name, unknown, foreign) == (name, set(), [])
    text = "\n".join(sql.create_statements("microsoft"))
    assert not re.search(r"->|::|\bjulianday\b|\bprintf\b|\bEPOCH\b", text)


def test_the_checks_above_catch_another_dialect():
    """Read as T-SQL, the PostgreSQL and SQLite views must fail the checks above."""
    for vendor in ("postgresql", "sqlite"):
        found = [not_sql_server(parse_tsql(s)) for s in sql.create_statements(vendor)]
        assert any(unknown or foreign for unknown, foreign in found), vendor


def test_it_defines_the_same_columns_in_every_dialect_and_the_database(db):
    by_vendor = {v: {n: columns(t) for n, t in parsed(v).items()} for v in PARSERS}

    with connection.cursor() as cursor:
        live = {}
        for name in sql.VIEWS:
            cursor.execute(f"SELECT * FROM {name} WHERE 1 = 0")
            live[name] = [column[0] for column in cursor.description]

    assert by_vendor["microsoft"] == by_vendor["postgresql"] == by_vendor["sqlite"] == live


def test_it_documents_every_column():
    documented = set(re.findall(r"^\| `(\w+)` \|", README.read_text(), re.MULTILINE))

    for name, tree in parsed("postgresql").items():
        assert set(columns(tree)) - documented == set(), name


def test_it_refuses_a_database_it_has_no_views_for():
    with pytest.raises(ValueError, match="No report views for 'mysql'"):
        sql.create_statements("mysql")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs database roles")
def test_it_grants_select_to_the_report_readers_each_time(transactional_db, settings):
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS cuic_reader")
        cursor.execute("CREATE ROLE cuic_reader")
    settings.REPORT_VIEW_READERS = ["cuic_reader"]
    try:
        install.views_create()
        install.views_create()  # rebuilt: the grant must survive

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name FROM information_schema.role_table_grants "
                "WHERE grantee = 'cuic_reader' AND privilege_type = 'SELECT' "
                "ORDER BY table_name"
            )
            granted = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT has_table_privilege('cuic_reader', 'callbacks_callback', 'SELECT')"
            )
            on_tables = cursor.fetchone()[0]
    finally:
        settings.REPORT_VIEW_READERS = []
        install.views_create()
        with connection.cursor() as cursor:
            cursor.execute("DROP ROLE cuic_reader")

    assert granted == sorted(sql.VIEWS)
    assert on_tables is False  # the views only, not the tables behind them
