"""The Polish catalogue (locale/pl/LC_MESSAGES/django.po) is complete and sound: every
entry translated, none fuzzy or obsolete, three plural forms where a count is shown, the same
placeholders as the English, and every string our code and templates mark for
translation is in it (so a forgotten `makemessages` fails here, not in front of a Polish
administrator). GNU gettext's own check (`msgfmt --check`) runs too, as a subprocess."""

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale/pl/LC_MESSAGES/django.po"
POLISH_PLURALS = 3  # Plural-Forms: nplurals=3 (1 / 2-4 / 5+)
SOURCES = ("campaign_manager", "ops", "scheduling", "callbacks", "uccx_integration", "reporting")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False


def read_po(text: str) -> list[Entry]:
    """A small .po reader: entries, their flags, plural forms; continuation lines."""
    entries: list[Entry] = []
    entry, key = Entry(), ("", 0)

    def flush() -> None:
        nonlocal entry
        if entry.msgid or entry.msgstr:
            entries.append(entry)
        entry = Entry()

    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            flush()
        elif line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry.msgstr[key[1]] += value
            else:
                setattr(entry, key[0], (getattr(entry, key[0]) or "") + value)
        else:
            word, _, rest = line.partition(" ")
            value = ast.literal_eval(rest)
            if word.startswith("msgstr"):
                key = ("msgstr", int(word[7:-1]) if "[" in word else 0)
                entry.msgstr[key[1]] = value
            else:
                key = (word, 0)
                setattr(entry, word, value)
    flush()
    return entries


ENTRIES = [e for e in read_po(PO.read_text(encoding="utf-8")) if e.msgid and not e.obsolete]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def test_the_catalogue_has_our_entries():
    assert len(ENTRIES) > 500, len(ENTRIES)


def test_every_entry_is_translated_and_none_is_fuzzy():
    untranslated = [e.msgid for e in ENTRIES if not all(e.msgstr.values()) or not e.msgstr]
    fuzzy = [e.msgid for e in ENTRIES if "fuzzy" in e.flags]
    obsolete = [e for e in read_po(PO.read_text(encoding="utf-8")) if e.obsolete]

    assert untranslated == []
    assert fuzzy == []
    assert obsolete == [], "remove the obsolete (#~) entries"


def test_no_entry_is_left_obsolete():
    # makemessages keeps an entry whose string left the code as "#~": delete it, so the
    # catalogue holds only what is shown.
    obsolete = [
        line for line in PO.read_text(encoding="utf-8").splitlines() if line.startswith("#~ msgid")
    ]
    assert obsolete == []


def test_counted_entries_have_the_three_polish_plural_forms():
    wrong = [
        (e.msgid, sorted(e.msgstr))
        for e in ENTRIES
        if e.msgid_plural is not None and sorted(e.msgstr) != list(range(POLISH_PLURALS))
    ]

    assert wrong == []


def test_translations_keep_the_placeholders():
    def names(text: str) -> list[str]:
        return sorted(PLACEHOLDER.findall(text))

    wrong = [
        (e.msgid, text)
        for e in ENTRIES
        for text in e.msgstr.values()
        # Anonymous {} are positional: their number must match; named ones by name.
        if names(text) != names(e.msgid)
        # A plural's singular may leave out the count ("1 day" -> "dzień").
        and not (e.msgid_plural and set(names(text)) <= set(names(e.msgid_plural)))
    ]

    assert wrong == []


# What our code marks for translation, on one line (multi-line strings are checked by
# makemessages itself; msgids of these forms cover nearly all).
PY_MARKED = re.compile(
    r"""\b(?:_|gettext|gettext_lazy|gettext_noop)\(\s*"((?:[^"\\\n]|\\.)+)"\s*\)"""
)
TEMPLATE_MARKED = re.compile(r"""\{%\s*translate\s+"([^"]+)"(?:\s+as\s+\w+)?\s*%\}""")


def _marked() -> set[str]:
    found: set[str] = set()
    for app in SOURCES:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found |= {ast.literal_eval(f'"{m}"') for m in PY_MARKED.findall(path.read_text())}
    for path in [*(ROOT / "templates").rglob("*.html"), *(ROOT / "ops").rglob("*.html")]:
        found |= set(TEMPLATE_MARKED.findall(path.read_text()))
    return found


def test_every_string_marked_in_our_code_is_in_the_catalogue():
    msgids = {e.msgid for e in ENTRIES}

    missing = sorted(_marked() - msgids)

    assert len(_marked()) > 300
    assert missing == [], (
        "run `DEBUG=true .venv/bin/python manage.py makemessages -l pl --ignore .venv "
        "--ignore 'tests/*' --ignore 'var/*'` and translate: " + repr(missing)
    )


@pytest.mark.slow
def test_msgfmt_finds_nothing_wrong(tmp_path):
    if not shutil.which("msgfmt"):
        pytest.fail("msgfmt (GNU gettext) is missing: bootstrap installs the gettext package")
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
