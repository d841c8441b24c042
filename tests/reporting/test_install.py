"""migrate rebuilds the report views; they never stand in a migration's way."""

import io

from django.core.management import call_command
from django.db import connection

from reporting import sql


def views_present() -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for name in connection.introspection.table_names(cursor, include_views=True)
            if name in sql.VIEWS
        }


def test_it_gets_the_views_out_of_the_way_of_migrations_and_back(transactional_db, caplog):
    # Unapplying 0004 drops the columns the views read; PostgreSQL refuses to drop a
    # column a view uses, and SQLite fails to rebuild a table a view reads.
    call_command("migrate", "callbacks", "0003_dialer_attempts", stdout=io.StringIO())

    assert views_present() == set()
    assert "rebuilt by the next forward migrate" in caplog.text

    call_command("migrate", stdout=io.StringIO())

    assert views_present() == set(sql.VIEWS)


def test_it_leaves_the_views_alone_when_nothing_is_to_migrate(transactional_db):
    call_command("migrate", stdout=io.StringIO())

    assert views_present() == set(sql.VIEWS)
