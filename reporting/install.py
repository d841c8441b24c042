"""Build the report views with every `migrate` (see sql.py for why)."""

import logging
from typing import Any

from django.conf import settings
from django.db import connections, transaction

from . import sql

log = logging.getLogger(__name__)


def views_create(*, using: str = "default") -> None:
    """Drop and create the report views, then grant SELECT to REPORT_VIEW_READERS."""
    connection = connections[using]
    readers = [connection.ops.quote_name(r) for r in settings.REPORT_VIEW_READERS]
    statements = [
        *sql.drop_statements(connection.vendor),
        *sql.create_statements(connection.vendor),
        *sql.grant_statements(connection.vendor, readers),
    ]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def views_drop(*, using: str = "default") -> None:
    connection = connections[using]
    with transaction.atomic(using=using), connection.cursor() as cursor:
        for statement in sql.drop_statements(connection.vendor):
            cursor.execute(statement)


def drop_before_migrating(*, using: str, plan: list | None = None, **_: Any) -> None:
    # A view holding a column would stop a migration from altering it (PostgreSQL) or
    # from rebuilding its table (SQLite): nothing is in the way while migrations run.
    if plan:
        views_drop(using=using)


def create_after_migrating(
    *, using: str, plan: list | None = None, verbosity: int = 1, **_: Any
) -> None:
    if connections[using].vendor not in sql.DIALECTS:
        log.warning("No report views for %s databases.", connections[using].vendor)
        return
    if any(backwards for _migration, backwards in plan or ()):
        # The views describe the current code's tables, which an older schema lacks.
        log.warning("Migrated backwards: report views are rebuilt by the next forward migrate.")
        return
    views_create(using=using)
    if verbosity >= 2:
        print(f"  Report views built: {', '.join(sql.VIEWS)}")
