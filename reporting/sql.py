"""The report views CUIC reads: one definition, written out for each database vendor.

`cm_callback_report` (one row per callback), `cm_callback_attempt_report` (one row per
dial attempt) and `cm_daily_summary` (per promised day x campaign x skill). Column names
are a contract with report authors (reporting/README.md): add columns, never rename.

Views are derived objects, so `migrate` rebuilds them from this module (apps.py): it
drops them before migrations run (so no migration trips over a view holding a column)
and creates them afterwards, granting SELECT again to REPORT_VIEW_READERS. A view
therefore always matches the code and the tables of the running release.

Why the stored local day and offset: SQL Server knows only Windows zone names and
SQLite no zones at all, so each callback keeps its promised day and UTC offset in the
skill's zone (computed with zoneinfo when stored) and the views add that offset.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils import translation

from callbacks.models import PENDING, EventKind, Kind, Source, Status
from callbacks.recall.rounds import ROUNDS_EXHAUSTED_PERSONAL
from scheduling.models import GlobalRules
from uccx_integration.mapping import CallResult

VIEWS = ("cm_callback_report", "cm_callback_attempt_report", "cm_daily_summary")
# The last depends on the first: drop in reverse order, create in this order.


@dataclass(frozen=True, slots=True)
class Dialect:
    vendor: str
    now: str  # the current time in UTC, comparable with stored datetimes
    _seconds: Callable[[str, str], str]
    _add_minutes: Callable[[str, str], str]
    _json_text: Callable[[str, str], str]
    _round: Callable[[str, int], str]
    # LEFT JOIN of a correlated one-row SELECT (LATERAL, OUTER APPLY), or None: SQLite
    # has neither, and joins the same SELECT grouped by its key instead.
    _each_row: Callable[[str, str], str] | None

    def seconds(self, start: str, end: str) -> str:
        """Whole seconds from start to end (an integer; negative when end is earlier)."""
        return self._seconds(start, end)

    def add_minutes(self, timestamp: str, minutes: str) -> str:
        return self._add_minutes(timestamp, minutes)

    def json_text(self, column: str, key: str) -> str:
        return self._json_text(column, key)

    def round(self, expression: str, places: int) -> str:
        return self._round(expression, places)

    def join_aggregate(self, select: str, table: str, key: str, value: str, alias: str) -> str:
        """LEFT JOIN `alias`: the aggregates `select` over the rows of `table` whose `key`
        equals the outer row's `value`, read per outer row by index where the database
        can (a missing match: COUNT 0 there, NULL in the grouped join; COALESCE both)."""
        if self._each_row is None:
            grouped = f"SELECT {key}, {select} FROM {table} WHERE {key} IS NOT NULL GROUP BY {key}"
            return f"LEFT JOIN ({grouped}) {alias} ON {alias}.{key.split('.')[-1]} = {value}"
        return self._each_row(f"SELECT {select} FROM {table} WHERE {key} = {value}", alias)

    def create_view(self, name: str, select: str) -> str:
        return f"CREATE VIEW {name} AS\n{select}"

    def drop_view(self, name: str) -> str:
        return f"DROP VIEW IF EXISTS {name}"


DIALECTS = {
    "postgresql": Dialect(
        vendor="postgresql",
        now="CURRENT_TIMESTAMP",
        _seconds=lambda a, b: f"CAST(ROUND(EXTRACT(EPOCH FROM ({b} - {a}))) AS INTEGER)",
        _add_minutes=lambda t, m: f"(({t}) AT TIME ZONE 'UTC' + ({m}) * INTERVAL '1 minute')",
        _json_text=lambda c, k: f"({c} ->> '{k}')",
        _round=lambda e, p: f"ROUND(CAST({e} AS NUMERIC), {p})",
        _each_row=lambda select, alias: f"LEFT JOIN LATERAL ({select}) {alias} ON TRUE",
    ),
    # Microsoft SQL Server 2016 or later (mssql-django): datetime2 columns hold UTC.
    "microsoft": Dialect(
        vendor="microsoft",
        now="SYSUTCDATETIME()",
        _seconds=lambda a, b: (
            f"CAST(ROUND(DATEDIFF_BIG(millisecond, {a}, {b}) / 1000.0, 0) AS INT)"
        ),
        _add_minutes=lambda t, m: f"DATEADD(minute, {m}, {t})",
        _json_text=lambda c, k: f"JSON_VALUE({c}, '$.{k}')",
        _round=lambda e, p: f"ROUND({e}, {p})",
        _each_row=lambda select, alias: f"OUTER APPLY ({select}) {alias}",
    ),
    # Django stores SQLite datetimes as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
    "sqlite": Dialect(
        vendor="sqlite",
        now="CURRENT_TIMESTAMP",
        _seconds=lambda a, b: f"CAST(ROUND((julianday({b}) - julianday({a})) * 86400) AS INTEGER)",
        _add_minutes=lambda t, m: f"datetime({t}, printf('%+d minutes', {m}))",
        _json_text=lambda c, k: f"json_extract({c}, '$.{k}')",
        _round=lambda e, p: f"ROUND({e}, {p})",
        _each_row=None,
    ),
}


def dialect_for(vendor: str) -> Dialect:
    try:
        return DIALECTS[vendor]
    except KeyError:
        raise ValueError(
            f"No report views for {vendor!r} databases; supported: {', '.join(DIALECTS)}."
        ) from None


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _names(column: str, choices: Sequence[tuple[str, object]]) -> str:
    """A CASE giving each code's human name, from the code's own choices (in English: the
    view is data, whatever language the process that installs it runs in)."""
    with translation.override("en"):
        whens = " ".join(
            f"WHEN {_literal(code)} THEN {_literal(str(name))}" for code, name in choices
        )
    return f"CASE {column} {whens} END"


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(_literal(v) for v in values)})"


def _result_code(name: str) -> str:
    """UCCX's callresult code for a result name ("busy" -> 11; "code 99" -> 99)."""
    whens = " ".join(f"WHEN {_literal(r.name.lower())} THEN {r.value}" for r in CallResult)
    return (
        f"CASE {name} {whens} "
        f"ELSE CASE WHEN {name} LIKE 'code %' THEN CAST(SUBSTRING({name}, 6, 10) AS INTEGER) "
        f"END END"
    )


def _rules() -> str:
    """One row holding the on-time tolerance, even before the rules row exists."""
    default = GlobalRules._meta.get_field("on_time_minutes").default
    return (
        f"(SELECT COALESCE(MAX(on_time_minutes), {default}) AS on_time_minutes "
        f"FROM scheduling_globalrules WHERE id = {GlobalRules.SINGLETON_ID}) g"
    )


def _later_rounds(d: Dialect, root: str) -> str:
    """Joined as `lr`, per promise (its first round's id, `root`): the recall rounds after
    the first, how many, their dial attempts, how many the policy gave to the skill, and
    the status of the one still not `recalled` (the promise's final status)."""
    recalled = _literal(Status.RECALLED)
    select = (
        "COUNT(*) AS rounds, SUM(x.attempts) AS attempts, "
        "SUM(CASE WHEN x.agent_id = '' THEN 1 ELSE 0 END) AS to_skill, "
        f"MAX(CASE WHEN x.status <> {recalled} THEN x.status END) AS final_status"
    )
    return d.join_aggregate(select, "callbacks_callback x", "x.first_round_id", root, "lr")


def callback_report(d: Dialect) -> str:
    # The first sign of a dial: the poll's first attempt, or the IVR lookup of the
    # answered call when that came first (it cannot precede the dial).
    first_dial = (
        "CASE WHEN c.first_dialed_at IS NULL THEN c.connected_at "
        "WHEN c.connected_at IS NULL OR c.first_dialed_at <= c.connected_at "
        "THEN c.first_dialed_at ELSE c.connected_at END"
    )
    tolerance = "60 * g.on_time_minutes"
    late = d.seconds("c.scheduled_at", first_dial)
    withdrawn = _in("c.status", [Status.CANCELLED, Status.RESCHEDULED, Status.SATISFIED])
    # On time: first dial within +-N minutes of the promise. Late (0): dialed outside
    # it, or not dialed at all by promise + N. Not judged (NULL): not due yet, or the
    # promise was withdrawn (cancelled, replaced by a rescheduled callback, or no longer
    # needed: the customer called in first).
    # A later recall round is not judged: the promise is judged by its first round.
    on_time = (
        "CASE WHEN c.round > 1 THEN NULL "
        f"WHEN ({first_dial}) IS NOT NULL THEN "
        f"CASE WHEN ABS({late}) <= {tolerance} THEN 1 ELSE 0 END "
        f"WHEN {withdrawn} THEN NULL "
        f"WHEN {d.seconds('c.scheduled_at', d.now)} > {tolerance} THEN 0 END"
    )
    # Counted rather than EXISTS: for a range of days PostgreSQL may hash an EXISTS over
    # every IVR outcome of all time (bench/reporting.py measured 1.4 s against 0.3 s for a
    # week); a counting subquery probes each personal callback's outcomes by index.
    fell_back = (
        "CASE WHEN c.agent_id <> '' AND (SELECT COUNT(*) FROM callbacks_callbackevent f "
        f"WHERE f.callback_id = c.id AND f.kind = {_literal(EventKind.IVR_OUTCOME)} "
        f"AND {d.json_text('f.details', 'outcome')} = 'queued_skill') > 0 THEN 1 ELSE 0 END"
    )
    # Recall rounds (callbacks.recall): a promise is its first round and the rounds that
    # followed it (first_round_id), each a callback of its own. Only the last round of a
    # promise is not `recalled`, so its status is the promise's final status. The later
    # rounds are read once, per promise, by the join `lr` (_later_rounds).
    root = "COALESCE(c.first_round_id, c.id)"
    recalled = _literal(Status.RECALLED)
    final_status = (
        f"CASE WHEN c.status <> {recalled} THEN c.status "
        "ELSE COALESCE(lr.final_status, c.status) END"
    )
    # A personal promise whose later round the policy gave to the skill.
    rounds_fell_back = "lr.to_skill > 0 AND COALESCE(fr.agent_id, c.agent_id) <> ''"
    # The wait for the agent the fallen-back call had (the campaign's setting the IVR
    # script was given, recorded with its queued_skill outcome); same index as fell_back.
    wait = (
        "CASE WHEN c.agent_id <> '' THEN (SELECT MAX(CAST("
        f"{d.json_text('w.details', 'personal_wait_seconds')} AS INTEGER)) "
        "FROM callbacks_callbackevent w "
        f"WHERE w.callback_id = c.id AND w.kind = {_literal(EventKind.IVR_OUTCOME)} "
        f"AND {d.json_text('w.details', 'outcome')} = 'queued_skill') END"
    )
    # A personal callback dialed for the skill: its agent was logged out of Finesse when it
    # was due (callbacks/dialing/agent_away.py; the reason, agent_logged_out, is stored).
    routed = "c.skill_reason <> ''"
    return f"""SELECT
    c.id AS callback_id,
    c.account_number,
    c.campaign_id,
    cc.name AS campaign_name,
    cc.uccx_campaign_id,
    c.skill_id,
    s.name AS skill_name,
    NULLIF(c.agent_id, '') AS agent_id,
    NULLIF(c.agent_name, '') AS agent_name,
    CASE WHEN c.agent_id <> '' THEN {_literal(Kind.PERSONAL)}
        ELSE {_literal(Kind.STANDARD)} END AS kind,
    c.status AS status_code,
    {_names("c.status", Status.choices)} AS status_name,
    c.phone_number,
    c.first_name AS customer_first_name,
    c.last_name AS customer_last_name,
    c.scheduled_at AS promised_at_utc,
    {d.add_minutes("c.scheduled_at", "c.local_offset_minutes")} AS promised_at_local,
    c.local_date AS promised_date,
    c.local_offset_minutes AS utc_offset_minutes,
    c.created_at AS created_at_utc,
    c.exported_at AS exported_at_utc,
    {first_dial} AS first_dial_at_utc,
    c.connected_at AS connected_at_utc,
    c.delivered_at AS delivered_at_utc,
    CASE WHEN c.status = {_literal(Status.COMPLETED)} THEN c.finished_at END
        AS completed_at_utc,
    c.finished_at AS finished_at_utc,
    c.attempts,
    NULLIF(c.last_result, '') AS last_result_name,
    {_result_code("c.last_result")} AS last_result_code,
    {on_time} AS on_time,
    CASE WHEN ({first_dial}) IS NOT NULL THEN {late} / 60 END AS minutes_late,
    CASE WHEN c.connected_at IS NOT NULL
        THEN {d.seconds("c.created_at", "c.connected_at")} / 60 END AS minutes_to_contact,
    CASE WHEN {rounds_fell_back} OR {routed} THEN 1 ELSE {fell_back} END AS fell_back_to_skill,
    c.source AS source_code,
    {_names("c.source", Source.choices)} AS source_name,
    NULLIF(c.created_by, '') AS created_by,
    c.rescheduled_from_id AS rescheduled_from_callback_id,
    p.account_number AS rescheduled_from_account_number,
    c.round,
    {root} AS first_round_callback_id,
    c.recall_of_id AS recall_of_callback_id,
    1 + COALESCE(lr.rounds, 0) AS rounds,
    COALESCE(fr.attempts, c.attempts) + COALESCE(lr.attempts, 0) AS attempts_all_rounds,
    {final_status} AS final_status_code,
    CASE WHEN {rounds_fell_back} THEN {_literal(ROUNDS_EXHAUSTED_PERSONAL)}
        WHEN {routed} THEN c.skill_reason END AS fell_back_reason,
    {wait} AS fell_back_after_seconds,
    CASE WHEN c.held_at IS NOT NULL THEN 1 ELSE 0 END AS held_for_agent,
    c.held_at AS held_at_utc
FROM callbacks_callback c
JOIN callbacks_callbackcampaign cc ON cc.id = c.campaign_id
JOIN scheduling_skill s ON s.id = c.skill_id
LEFT JOIN callbacks_callback p ON p.id = c.rescheduled_from_id
LEFT JOIN callbacks_callback fr ON fr.id = c.first_round_id
{_later_rounds(d, root)}
CROSS JOIN {_rules()}"""


def attempt_report(d: Dialect) -> str:
    result = d.json_text("e.details", "result")
    return f"""SELECT
    e.id AS attempt_id,
    c.id AS callback_id,
    c.account_number,
    c.campaign_id,
    cc.name AS campaign_name,
    c.skill_id,
    s.name AS skill_name,
    NULLIF(c.agent_id, '') AS agent_id,
    CAST({d.json_text("e.details", "attempt")} AS INTEGER) AS attempt_number,
    e.at AS recorded_at_utc,
    {result} AS result_name,
    {_result_code(result)} AS result_code,
    c.scheduled_at AS promised_at_utc,
    c.local_date AS promised_date
FROM callbacks_callbackevent e
JOIN callbacks_callback c ON c.id = e.callback_id
JOIN callbacks_callbackcampaign cc ON cc.id = c.campaign_id
JOIN scheduling_skill s ON s.id = c.skill_id
WHERE e.kind = {_literal(EventKind.DIAL_ATTEMPT)}"""


def count_if(condition: str) -> str:
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _rate(d: Dialect, part: str, whole: str) -> str:
    return d.round(f"CAST({count_if(part)} AS FLOAT) / NULLIF({count_if(whole)}, 0)", 4)


# The rows the measures count: one per promise (a recall round's first).
FIRST_ROUNDS = "r.round = 1"
REACHED_FIRST = "r.connected_at_utc IS NOT NULL AND r.attempts <= 1"
DIALED = "r.first_dial_at_utc IS NOT NULL"


def measures(d: Dialect) -> list[tuple[str, str]]:
    """Aggregates over cm_callback_report's first rounds (alias r, FIRST_ROUNDS), shared
    by the daily summary view and the dashboard: one promise each, counted by its final
    status. requested = completed + failed + expired + cancelled + rescheduled + pending
    + satisfied (the last added at the end: columns are only ever added)."""
    by_status = [
        (status, count_if(f"r.final_status_code = {_literal(status)}"))
        for status in (
            Status.COMPLETED,
            Status.FAILED,
            Status.EXPIRED,
            Status.CANCELLED,
            Status.RESCHEDULED,
        )
    ]
    return [
        ("requested", "COUNT(*)"),
        *by_status,
        ("pending", count_if(_in("r.final_status_code", PENDING))),
        ("dialed", count_if(DIALED)),
        ("on_time", count_if("r.on_time = 1")),
        ("late", count_if("r.on_time = 0")),
        ("on_time_rate", _rate(d, "r.on_time = 1", "r.on_time IS NOT NULL")),
        ("reached_first_attempt", count_if(REACHED_FIRST)),
        ("first_attempt_reach_rate", _rate(d, REACHED_FIRST, DIALED)),
        (
            "avg_minutes_to_contact",
            d.round("AVG(CAST(r.minutes_to_contact AS FLOAT))", 1),
        ),
        ("recalled", count_if("r.rounds > 1")),
        ("rounds", "COALESCE(SUM(r.rounds), 0)"),
        ("attempts", "COALESCE(SUM(r.attempts_all_rounds), 0)"),
        ("satisfied", count_if(f"r.final_status_code = {_literal(Status.SATISFIED)}")),
    ]


def select_measures(d: Dialect) -> str:
    return ",\n    ".join(f"{expression} AS {name}" for name, expression in measures(d))


def daily_summary(d: Dialect) -> str:
    keys = "r.promised_date, r.campaign_id, r.campaign_name, r.skill_id, r.skill_name"
    return f"""SELECT
    r.promised_date AS report_date,
    r.campaign_id,
    r.campaign_name,
    r.skill_id,
    r.skill_name,
    {select_measures(d)}
FROM cm_callback_report r
WHERE {FIRST_ROUNDS}
GROUP BY {keys}"""


DEFINITIONS = {
    "cm_callback_report": callback_report,
    "cm_callback_attempt_report": attempt_report,
    "cm_daily_summary": daily_summary,
}


def create_statements(vendor: str) -> list[str]:
    d = dialect_for(vendor)
    return [d.create_view(name, DEFINITIONS[name](d)) for name in VIEWS]


def grant_statements(vendor: str, readers: Sequence[str]) -> list[str]:
    """SELECT on every view for each reader (a quoted role or user name); SQLite has no
    users to grant to."""
    if vendor == "sqlite":
        return []
    return [f"GRANT SELECT ON {name} TO {who}" for who in readers for name in VIEWS]


def drop_statements(vendor: str) -> list[str]:
    d = dialect_for(vendor)
    return [d.drop_view(name) for name in reversed(VIEWS)]
