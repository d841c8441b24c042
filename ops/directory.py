"""The UCCX directory in the admin forms: the ids of UCCX campaigns, skills, CSQs and
agents offered on the integer fields that hold them (DirectoryChoicesAdmin), from the
mirror uccx_integration's sync_uccx_directory writes (ops.models.DirectoryEntry). The
scheduling and callbacks admins use it without knowing the integration."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from .models import DirectoryEntry, DirectoryKind

# --- UCCX ids chosen from the directory ----------------------------------------------


class DirectoryInput(forms.TextInput):
    """A UCCX id typed by hand, with the ids of the synced directory offered as a list
    (e.g. "1 — Callback_Main"); an id the directory does not know yet is still accepted."""

    # In the app, not templates/: the form renderer looks in apps and django/forms only.
    template_name = "ops/widgets/directory_input.html"

    def __init__(self, kind: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {"inputmode": "numeric", "autocomplete": "off", "size": 10, **(attrs or {})}
        )
        self.kind = kind

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        entries = sorted(
            DirectoryEntry.objects.filter(kind=self.kind).only("uccx_id", "name"), key=_by_id
        )
        widget["attrs"]["list"] = f"{widget['attrs'].get('id') or name}_directory"
        current = str(value or "").strip()
        known_as = next((e.name for e in entries if e.uccx_id == current), "")
        context["directory"] = {
            "id": widget["attrs"]["list"],
            "entries": entries,
            "noun": _noun(str(DirectoryKind(self.kind).label)),
            "known_as": known_as,
            "unknown": bool(current and entries and not known_as),
        }
        return context


def _noun(label: str) -> str:
    return label if label.isupper() else label.lower()  # "CSQ" stays, "Skill" -> "skill"


def _by_id(entry: DirectoryEntry) -> tuple[int, str]:
    """Numeric ids in numeric order (2 before 10)."""
    return (int(entry.uccx_id), "") if entry.uccx_id.isdigit() else (1 << 62, entry.uccx_id)


class DirectoryChoicesAdmin(admin.ModelAdmin):
    """Offers UCCX ids from the directory on the integer fields named in
    `directory_fields` ({field name: DirectoryKind})."""

    directory_fields: dict[str, str] = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        kind = self.directory_fields.get(db_field.name)
        if kind:
            kwargs["widget"] = DirectoryInput(kind)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
