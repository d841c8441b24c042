"""What a statement uses that SQL Server lacks, as far as sqlglot's T-SQL reader shows
(it accepts other dialects' syntax too). No SQL Server runs here."""

import sqlglot
from sqlglot import exp

# Functions sqlglot does not model that are real SQL Server built-ins.
TSQL_BUILTINS = {"SYSUTCDATETIME"}
# Syntax of other databases that sqlglot's T-SQL reader accepts but SQL Server does not,
# or, like CURRENT_TIMESTAMP (the server's LOCAL time there), means something else.
NOT_TSQL = (
    exp.Interval,
    exp.Extract,
    exp.CurrentTimestamp,
    exp.DPipe,
    exp.Limit,
    exp.ILike,
    exp.Boolean,
    exp.AtTimeZone,
)


def parse_tsql(statement: str) -> exp.Expression:
    return sqlglot.parse_one(statement, read="tsql", error_level=sqlglot.ErrorLevel.RAISE)


def not_sql_server(tree: exp.Expression, *also: type[exp.Expression]) -> tuple[set[str], list[str]]:
    """(unknown functions, names of foreign syntax nodes) in a parsed statement."""
    unknown = {f.name.upper() for f in tree.find_all(exp.Anonymous)} - TSQL_BUILTINS
    foreign = sorted({type(node).__name__ for node in tree.find_all(*NOT_TSQL, *also)})
    return unknown, foreign
