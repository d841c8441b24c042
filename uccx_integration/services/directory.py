"""Directory sync: the UCCX campaigns, skills, CSQs and agents, into
ops.models.DirectoryEntry.

Part of uccx_integration.services; the rules it keeps are in the package's docstring."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from ops.models import DirectoryEntry, DirectoryKind

from ..client import UccxClient
from .base import RunSummary


# --- directory -----------------------------------------------------------------------
def sync_uccx_directory(*, client: UccxClient | None = None) -> RunSummary:
    """Campaigns, skills, CSQs and agents as UCCX knows them, for admin choices."""
    client = client or UccxClient.from_env()
    entries: dict[str, list[tuple[str, str, dict]]] = {
        DirectoryKind.CAMPAIGN: [
            (str(c.id), c.name, {"enabled": c.enabled, "type": c.campaign_type})
            for c in client.list_campaigns()
        ],
        DirectoryKind.SKILL: [(str(s.id), s.name, {}) for s in client.list_skills()],
        DirectoryKind.CSQ: [
            (str(q.id), q.name, {"queue_type": q.queue_type}) for q in client.list_csqs()
        ],
        DirectoryKind.RESOURCE: [
            (
                r.user_id,
                f"{r.first_name} {r.last_name}".strip() or r.user_id,
                {"extension": r.extension, "team": r.team},
            )
            for r in client.list_resources()
        ],
    }
    summary = RunSummary()
    now = timezone.now()
    with transaction.atomic():
        for kind, items in entries.items():
            for uccx_id, name, details in items:
                DirectoryEntry.objects.update_or_create(
                    kind=kind,
                    uccx_id=uccx_id,
                    defaults={"name": name[:150], "details": details, "synced_at": now},
                )
            gone = DirectoryEntry.objects.filter(kind=kind).exclude(
                uccx_id__in=[uccx_id for uccx_id, _, _ in items]
            )
            summary.add(f"{kind}_removed", gone.delete()[0])
            summary.add(kind, len(items))
    return summary
