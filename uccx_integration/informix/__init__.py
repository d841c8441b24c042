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

Modules: connection (DSN, dialect, errors), results (typed rows), client.
"""

from .client import InformixClient  # noqa: F401
from .connection import (  # noqa: F401
    _SECRET_IN_DSN,
    DIALING_COLUMNS,
    INFORMIX,
    PERMANENT_MESSAGES,
    PERMANENT_SQLSTATE_CLASSES,
    SQLITE,
    InformixError,
    _Code,
    _connect_error,
    _detail,
    _dsn_driver,
    _error,
    _odbc_value,
    _sqlstate,
    dialect,
    informix_dsn,
    redact_dsn,
)
from .results import (  # noqa: F401
    AgentConnection,
    CallDetail,
    DialingRow,
    SchemaReport,
    TableReport,
    UnknownCode,
    _agent_connection,
    _call_detail,
    _code,
    _db_time,
    _dialing_row,
    _int_or_none,
    _marks,
    _merge_dialing_rows,
    _text,
    _utc,
)
