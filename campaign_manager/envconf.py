"""Strict readers for settings taken from the environment.

django-environ parses leniently (``DEBUG=maybe`` silently becomes False, an unknown
database scheme is accepted). A contact-center system must not start half-configured,
so every value is checked here and a bad one stops start-up with ImproperlyConfigured
naming the variable, the bad value and what is accepted.

Every variable may instead be given as a file: ``NAME_FILE=/run/secrets/name`` reads
NAME from that file (Docker and Kubernetes secrets), so that passwords need not sit in
the environment. Setting both NAME and NAME_FILE is refused.
"""

import os
import re
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql", "mssql"}
BROKER_SCHEMES = {"redis", "rediss", "filesystem", "memory", "amqp", "sqla+sqlite"}


def _fail(name: str, value: str, accepted: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={value!r} is not valid: {accepted}.")


def read_str(name: str, default: str) -> str:
    """NAME, or the content of the file NAME_FILE names (without its final line break).

    Read from os.environ as it is: django-environ would take a value starting with $ for
    the name of another variable, which a password may well start with."""
    file_name = os.environ.get(f"{name}_FILE", "").strip()
    if not file_name:
        return os.environ.get(name, default)
    if os.environ.get(name):
        raise ImproperlyConfigured(f"{name} and {name}_FILE are both set: keep one of them.")
    try:
        return Path(file_name).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {reason}.") from None


def export_from_files(names: Iterable[str]) -> None:
    """For variables read straight from os.environ by other code (the UCCX and Informix
    clients): put the content of NAME_FILE into NAME, so that the file form works there
    too."""
    for name in names:
        if os.environ.get(f"{name}_FILE", "").strip():
            os.environ[name] = read_str(name, "")


def read_bool(name: str, default: bool) -> bool:
    raw = read_str(name, str(default)).strip().lower()
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise _fail(name, raw, "use one of true/false, yes/no, on/off, 1/0")


def read_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = read_str(name, str(default)).strip()
    try:
        value = int(raw)
    except ValueError:
        raise _fail(name, raw, "expected a whole number") from None
    if value < minimum:
        raise _fail(name, raw, f"expected a number of at least {minimum}")
    return value


def read_list(name: str, default: list[str]) -> list[str]:
    raw = read_str(name, ",".join(default))
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_time_zone(name: str, default: str) -> str:
    raw = read_str(name, default).strip()
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise _fail(name, raw, "expected an IANA time zone such as Europe/Warsaw") from None
    return raw


def read_choice(name: str, default: str, choices: Iterable[str]) -> str:
    raw = read_str(name, default).strip().lower()
    if raw not in choices:
        raise _fail(name, raw, f"use one of {', '.join(sorted(choices))}")
    return raw


_HEADER = re.compile(r"[A-Za-z0-9-]+")


def read_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """``X-Forwarded-Proto`` (meaning X-Forwarded-Proto: https) or ``Header: value``, as
    SECURE_PROXY_SSL_HEADER's (META key, value); unset or empty = None."""
    raw = read_str(name, "").strip()
    if not raw:
        return None
    header, _, value = (part.strip() for part in raw.partition(":"))
    if not _HEADER.fullmatch(header):
        raise _fail(name, raw, "expected a header name such as X-Forwarded-Proto")
    return "HTTP_" + header.upper().replace("-", "_"), value or "https"


def read_url(name: str, default: str, schemes: set[str]) -> str:
    raw = read_str(name, default).strip()
    scheme = urlsplit(raw).scheme
    if scheme not in schemes:
        raise _fail(name, raw, f"the scheme must be one of {', '.join(sorted(schemes))}")
    return raw


def read_ip_networks(name: str, default: list[str]) -> list:
    """Comma-separated addresses or networks (127.0.0.1, ::1, 10.0.0.0/8) as a list of
    ipaddress networks."""
    import ipaddress  # here, not on top: only this reader needs it

    networks = []
    for item in read_list(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise _fail(
                name, item, "expected IP addresses or networks such as 10.0.0.0/8"
            ) from None
    return networks


def read_database(name: str, default: str) -> dict:
    url = read_url(name, default, DATABASE_SCHEMES)
    if url.startswith("mssql"):
        # django-environ knows no mssql scheme; mssql-django's engine is "mssql".
        config = environ.Env.db_url_config(url.replace("mssql://", "postgres://", 1))
        config["ENGINE"] = "mssql"
        config.setdefault("OPTIONS", {}).setdefault("driver", "ODBC Driver 18 for SQL Server")
        return config
    config = environ.Env.db_url_config(url)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # The embedded database serves a web server, a worker and beat at once: WAL lets
        # readers run beside the writer, IMMEDIATE takes the write lock at the start of a
        # transaction (no mid-transaction "database is locked"), and writers queue for
        # up to 20 s instead of failing.
        config.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    return config
