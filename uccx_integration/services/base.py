"""Shared by every job: the timings, the open batch states, a run's summary and the
optional Informix client.

Part of uccx_integration.services; the rules it keeps are in the package's docstring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..informix import InformixClient, InformixError
from ..models import BatchState

# A batch older than this without an answer is reconciled (longer than a POST may take).
STALE_AFTER = dt.timedelta(minutes=2)
LEASE_TTL = dt.timedelta(minutes=10)
# How long a purge waits for an export holding the campaign's lease.
PURGE_WAIT_SECONDS = 300.0
# How often an export asks for the import status while it waits for it.
IMPORT_POLL_SECONDS = 0.5
# Batches still being settled: their callbacks may be on their way into UCCX.
OPEN_BATCH_STATES = (BatchState.SENDING, BatchState.UNKNOWN, BatchState.ACCEPTED)


@dataclass
class RunSummary:
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, name: str, value: int = 1) -> None:
        self.counts[name] = self.counts.get(name, 0) + value


def _informix_or_none() -> InformixClient | None:
    try:
        return InformixClient.from_env()
    except InformixError:
        return None  # not configured: reconcile relies on the REST list alone
