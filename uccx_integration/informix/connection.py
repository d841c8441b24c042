"""Connecting to db_cra: the connection string, the SQL dialect, and every ODBC failure
turned into one InformixError (permanent or worth retrying)."""

from __future__ import annotations

import re
from enum import IntEnum
from typing import TypeVar

import pyodbc

from uccx_integration import mapping as m

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
