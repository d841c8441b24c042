"""Leases: who may change one UCCX campaign's dialing list now (export or purge).

Part of uccx_integration.services; the rules it keeps are in the package's docstring."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .. import services  # acquire_lease via the package: see below
from ..models import CampaignLease
from .base import LEASE_TTL

# acquire_lease is looked up on the package at each call (services.acquire_lease), so
# that failure injection (a test patching services.acquire_lease) reaches every caller.


# --- leases --------------------------------------------------------------------------
def acquire_lease(uccx_campaign_id: int, holder: str, ttl: dt.timedelta = LEASE_TTL) -> bool:
    now = timezone.now()
    try:
        with transaction.atomic():
            CampaignLease.objects.get_or_create(uccx_campaign_id=uccx_campaign_id)
    except IntegrityError:
        pass  # created by a concurrent worker
    free = Q(expires_at__lt=now) | Q(holder="") | Q(holder=holder)
    taken = CampaignLease.objects.filter(free, uccx_campaign_id=uccx_campaign_id).update(
        holder=holder, expires_at=now + ttl
    )
    return taken == 1


def release_lease(uccx_campaign_id: int, holder: str) -> None:
    CampaignLease.objects.filter(uccx_campaign_id=uccx_campaign_id, holder=holder).update(
        holder="", expires_at=timezone.now()
    )


@contextmanager
def campaign_lease(
    uccx_campaign_id: int, purpose: str, *, wait_seconds: float = 0.0
) -> Iterator[str]:
    """Yields the holder's name when the lease was taken (waiting up to `wait_seconds`
    for it), "" when not. Work that may outlast LEASE_TTL renews it with acquire_lease."""
    holder = f"{purpose}:{uuid.uuid4().hex[:12]}"
    deadline = time.monotonic() + wait_seconds
    taken = services.acquire_lease(uccx_campaign_id, holder)
    while not taken and time.monotonic() < deadline:
        time.sleep(1.0)
        taken = services.acquire_lease(uccx_campaign_id, holder)
    try:
        yield holder if taken else ""
    finally:
        if taken:
            release_lease(uccx_campaign_id, holder)
