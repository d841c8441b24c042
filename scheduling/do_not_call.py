"""The do-not-call list: normalising entries, finding the ones that match a number, and
the CSV import and export the admin offers.

An entry is a number (normalised to E.164 by scheduling/phones.py, so "0048 22 123 45 67"
and "+48221234567" are one entry) or a prefix ("+" and digits). It applies up to and
including its `ends_on` day, read in the administrators' zone (settings.TIME_ZONE), at
the moment the call would be made: at booking that is the promised time, at dial time
now. Matching is one indexed query per number (or per batch of numbers): every prefix of
the number is looked up by value.

The CSV has the columns `value,kind,reason,ends_on` (kind `number` or `prefix`, ends_on
`YYYY-MM-DD` or empty), UTF-8; a reason a spreadsheet would run as a formula is written
with a leading apostrophe (ops/spreadsheet.py) and read back without it. An import is
all or nothing: every row is checked first, and any error (reported with its line
number) saves nothing.
"""

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ops.spreadsheet import safe_text, unsafe_text

from .codes import ViolationCode
from .models import DoNotCallEntry, DoNotCallKind, GlobalRules
from .phones import PhoneError, PhonePolicy, parse_phone
from .rules import Assessment, Candidate, RulesConfig, Slot, suggest
from .rules.violations import Violation

CSV_COLUMNS = ("value", "kind", "reason", "ends_on")
MAX_PREFIX_DIGITS = 15  # E.164 numbers have at most 15 digits
MAX_REASON = 200  # DoNotCallEntry.reason's max_length
IN_CHUNK = 900  # values per IN list, within every database's limit


class EntryError(ValueError):
    """An entry that cannot be stored: the field and a message in the user's terms."""

    def __init__(self, field_name: str, message: str):
        super().__init__(message)
        self.field = field_name
        self.message = message


def normalise(kind: str, raw: str, default_region: str | None = None) -> str:
    """The stored form of an entry's value, or EntryError."""
    text = (raw or "").strip()
    if kind == DoNotCallKind.PREFIX:
        digits = text.replace(" ", "").replace("-", "")
        if digits.startswith("00"):
            digits = "+" + digits[2:]
        body = digits[1:]
        if not digits.startswith("+") or not body.isascii() or not body.isdigit():
            raise EntryError(
                "value",
                _("'%(raw)s' is no prefix: write + and digits, e.g. +48700.") % {"raw": raw},
            )
        if len(body) > MAX_PREFIX_DIGITS:
            raise EntryError(
                "value", _("'%(raw)s' is longer than any phone number.") % {"raw": raw}
            )
        return digits
    if kind != DoNotCallKind.NUMBER:
        raise EntryError("kind", _("'%(kind)s' is neither 'number' nor 'prefix'.") % {"kind": kind})
    region = default_region or GlobalRules.load().default_region
    try:
        return parse_phone(text, PhonePolicy(default_region=region.upper())).e164
    except PhoneError as error:
        raise EntryError("value", error.message) from None


def local_day(moment: dt.datetime) -> dt.date:
    """The administrators' day of a moment: the day an entry's `ends_on` is read in."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def lifted_at(entry: DoNotCallEntry) -> dt.datetime | None:
    """When the entry stops barring: midnight after its `ends_on` day in the
    administrators' zone; None for an entry without an end."""
    if entry.ends_on is None:
        return None
    day_after = entry.ends_on + dt.timedelta(days=1)
    return dt.datetime.combine(day_after, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def _prefixes(e164: str) -> list[str]:
    return [e164[:length] for length in range(2, len(e164) + 1)]


def _active(moment: dt.datetime) -> Q:
    return Q(ends_on__isnull=True) | Q(ends_on__gte=local_day(moment))


def listed_numbers(numbers: Iterable[str], *, at: dt.datetime) -> dict[str, DoNotCallEntry]:
    """The entry that bars each of `numbers` (E.164) at `at`; numbers not listed are left
    out. A number entry wins over a prefix, a longer prefix over a shorter one."""
    wanted = sorted(set(numbers))
    candidates = sorted({prefix for number in wanted for prefix in _prefixes(number)})
    entries: dict[str, DoNotCallEntry] = {}
    for start in range(0, len(candidates), IN_CHUNK):
        chunk = candidates[start : start + IN_CHUNK]
        for entry in DoNotCallEntry.objects.filter(_active(at), value__in=chunk):
            entries[entry.value] = entry
    found: dict[str, DoNotCallEntry] = {}
    for number in wanted:
        exact = entries.get(number)
        if exact is not None and exact.kind == DoNotCallKind.NUMBER:
            found[number] = exact
            continue
        for prefix in reversed(_prefixes(number)):
            candidate = entries.get(prefix)
            if candidate is not None and candidate.kind == DoNotCallKind.PREFIX:
                found[number] = candidate
                break
    return found


def entry_for(e164: str, *, at: dt.datetime) -> DoNotCallEntry | None:
    return listed_numbers([e164], at=at).get(e164)


def violation_for(entry: DoNotCallEntry, e164: str) -> Violation:
    until = _(" until %(day)s") % {"day": f"{entry.ends_on:%Y-%m-%d}"} if entry.ends_on else ""
    matched = (
        ""
        if entry.kind == DoNotCallKind.NUMBER
        else _(" (numbers starting %(prefix)s)") % {"prefix": entry.value}
    )
    return Violation(
        "phone_number",
        ViolationCode.DO_NOT_CALL,
        _("%(number)s is on the do-not-call list%(matched)s%(until)s: %(reason)s")
        % {"number": e164, "matched": matched, "until": until, "reason": entry.reason},
    )


def barred_details(entry: DoNotCallEntry) -> dict[str, str]:
    """What a callback's timeline says when the list closed it (at dial time, or when its
    next recall round would ring a listed number)."""
    return {
        "reason": ViolationCode.DO_NOT_CALL.value,
        "entry": entry.value,
        "detail": f"on the do-not-call list: {entry.reason}",
    }


def listing_of(assessment: Assessment, *, now: dt.datetime) -> DoNotCallEntry | None:
    """The entry that bars the assessed number at its time (now, when the time is wrong)."""
    if assessment.phone is None:
        return None
    return entry_for(assessment.phone.e164, at=assessment.scheduled_at or now)


def suggest_allowed(
    candidate: Candidate,
    assessment: Assessment,
    entry: DoNotCallEntry | None,
    *,
    count: int = 3,
    config: RulesConfig,
    now: dt.datetime | None,
) -> list[Slot]:
    """The next free slots the do-not-call list allows, for a number `entry` bars (its
    `listing_of`) or None: the engine's suggestions when nothing bars it; none while an
    entry without an end does; else from when the entry is lifted (or the requested
    time, if later), each slot checked against the list again (another entry may bar it)."""
    if entry is None:
        return suggest(candidate, count=count, config=config, now=now)
    lifted = lifted_at(entry)
    if lifted is None or assessment.phone is None:
        return []
    requested = assessment.scheduled_at
    start = max(lifted, requested) if requested else lifted
    slots = suggest(
        dataclasses.replace(candidate, scheduled_at=start), count=count, config=config, now=now
    )
    e164 = assessment.phone.e164
    return [s for s in slots if s.start >= lifted and entry_for(e164, at=s.start) is None]


# --- CSV -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # the file's line number (the header is line 1)
    field: str
    message: str

    def __str__(self) -> str:
        return _("Line %(line)d: %(field)s: %(message)s") % {
            "line": self.line,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    kind: str
    value: str
    reason: str
    ends_on: dt.date | None


@dataclass(slots=True)
class ImportResult:
    rows: list[Row] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    saved: bool = False


def _date(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EntryError(
            "ends_on", _("'%(text)s' is not a date like 2027-01-31.") % {"text": text}
        ) from None


def read_csv(content: str, *, default_region: str | None = None) -> ImportResult:
    """Every row checked; errors by line number; nothing is saved here."""
    result = ImportResult()
    region = default_region or GlobalRules.load().default_region
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in ("value", "reason") if name not in header]
    if missing:
        result.errors.append(
            RowError(
                1,
                "header",
                _("The first line must name the columns %(columns)s.")
                % {"columns": ", ".join(CSV_COLUMNS)},
            )
        )
        return result
    reader.fieldnames = header
    seen: dict[str, int] = {}
    for raw in reader:
        line = reader.line_num
        row = {key: unsafe_text((value or "").strip()) for key, value in raw.items() if key}
        if not any(row.values()):
            continue
        kind = (row.get("kind") or DoNotCallKind.NUMBER).lower()
        try:
            value = normalise(kind, row.get("value", ""), region)
            reason = row.get("reason", "")
            if not reason:
                raise EntryError("reason", _("Give the reason the number may not be called."))
            if len(reason) > MAX_REASON:
                raise EntryError("reason", _("At most 200 characters."))
            ends_on = _date(row.get("ends_on", ""))
        except EntryError as error:
            result.errors.append(RowError(line, error.field, error.message))
            continue
        if value in seen:
            result.errors.append(
                RowError(
                    line,
                    "value",
                    _("%(value)s is already on line %(line)d.")
                    % {"value": value, "line": seen[value]},
                )
            )
            continue
        seen[value] = line
        result.rows.append(Row(line, kind, value, reason, ends_on))
    return result


def import_csv(content: str, *, dry_run: bool = False) -> ImportResult:
    """Check every row, then (unless `dry_run` or any row is wrong) store them all in one
    transaction: new values are added, listed ones get the file's kind, reason and day."""
    result = read_csv(content)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        existing = {
            entry.value: entry
            for start in range(0, len(result.rows), IN_CHUNK)
            for entry in DoNotCallEntry.objects.select_for_update().filter(
                value__in=[row.value for row in result.rows[start : start + IN_CHUNK]]
            )
        }
        for row in result.rows:
            entry = existing.get(row.value) or DoNotCallEntry(value=row.value)
            if entry.pk is None:
                result.created += 1
            else:
                result.updated += 1
            entry.kind, entry.reason, entry.ends_on = row.kind, row.reason, row.ends_on
            entry.save()  # one by one: each change lands in the entry's history
    result.saved = True
    return result


def export_csv(entries: Iterable[DoNotCallEntry] | None = None) -> str:
    """The list (or the given entries) as CSV that import_csv reads back unchanged."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = DoNotCallEntry.objects.order_by("value") if entries is None else entries
    for entry in rows:
        ends_on = entry.ends_on.isoformat() if entry.ends_on else ""
        writer.writerow([entry.value, entry.kind, safe_text(entry.reason), ends_on])
    return out.getvalue()
