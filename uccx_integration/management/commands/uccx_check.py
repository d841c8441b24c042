"""python manage.py uccx_check: can the Campaign Manager reach UCCX, and does db_cra match
mapping.py? For installers, on site. Exit 0 only when everything is reachable and complete.

UCCX REST: UCCX_URL, UCCX_USER, UCCX_PASSWORD, optional UCCX_SECONDARY_URL and
UCCX_CA_BUNDLE. Informix: INFORMIX_DSN (a full ODBC connection string). No password is
ever printed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import BaseCommand, CommandError

from callbacks.models import CallbackCampaign
from uccx_integration.client import Campaign, UccxClient, UccxError
from uccx_integration.informix import InformixClient, InformixError, redact_dsn

# Used when no CallbackCampaign is configured yet: the usual first two campaign ids.
DEFAULT_CAMPAIGN_IDS = (1, 2)


class Command(BaseCommand):
    help = (
        "Check the UCCX REST API (reads the callback campaigns) and Informix db_cra "
        "(mapped tables and columns exist, no unknown callStatus/callResult codes)."
    )

    def handle(self, *args, **options):
        campaign_ids = configured_campaign_ids()
        problems = self.check_rest(campaign_ids) + self.check_informix(campaign_ids)
        if problems:
            listed = "\n".join(f"  - {problem}" for problem in problems)
            raise CommandError(f"uccx_check found {len(problems)} problem(s):\n{listed}")
        self.stdout.write(self.style.SUCCESS("OK: UCCX REST and Informix db_cra are ready."))

    # --- REST ----------------------------------------------------------------------------
    def check_rest(self, campaign_ids: Sequence[int]) -> list[str]:
        environ = rest_environ(os.environ)
        self.stdout.write(f"UCCX REST at {printable_url(environ.get('UCCX_URL', ''))}")
        try:
            # One try per node, no back-off: an installer is waiting for the answer.
            client = UccxClient.from_env(environ, max_retries=0)
        except ValueError as exc:
            return [f"REST: {exc}; set UCCX_URL, UCCX_USER and UCCX_PASSWORD"]
        problems = []
        for campaign_id in campaign_ids:
            try:
                campaign = client.get_campaign(campaign_id)
            except UccxError as exc:
                self.stdout.write(f"  campaign {campaign_id}: FAILED")
                problems.append(f"REST: campaign {campaign_id}: {exc.message} ({rest_fix(exc)})")
                if exc.status is None:  # the node is unreachable: the next one will be too
                    break
                continue
            self.stdout.write(f"  {describe(campaign)}")
        return problems

    # --- Informix ------------------------------------------------------------------------
    def check_informix(self, campaign_ids: Sequence[int]) -> list[str]:
        dsn = os.environ.get("INFORMIX_DSN", "")
        self.stdout.write(f"Informix db_cra via {redact_dsn(dsn) or '(INFORMIX_DSN not set)'}")
        try:
            with InformixClient.from_env() as informix:
                report = informix.check_schema()
                unknown = informix.unknown_codes(campaign_ids) if report.complete else []
        except InformixError as exc:
            return [f"Informix: {exc.message}"]
        for table in report.tables:
            state = "ok" if table.exists and not table.missing else "INCOMPLETE"
            if not table.exists:
                state = "TABLE MISSING"
            found = f"{len(table.present)}/{len(table.present) + len(table.missing)} columns"
            self.stdout.write(f"  {table.table}: {found} {state}")
            for column in table.missing:
                self.stdout.write(f"    missing column: {table.table}.{column}")
        for code in unknown:
            self.stdout.write(
                f"  unknown code: {code.table}.{code.column} = {code.code} ({code.rows} rows)"
            )
        if not unknown and report.complete:
            self.stdout.write("  codes: all known to mapping.py")
        problems = []
        if report.missing:
            problems.append(
                f"Informix: missing column(s) {', '.join(report.missing)}; correct the names in "
                f"uccx_integration/mapping.py to db_cra's (dbaccess: SELECT colname FROM "
                f"syscolumns ...) or grant uccxhruser access"
            )
        if unknown:
            codes = ", ".join(f"{c.table}.{c.column}={c.code}" for c in unknown)
            problems.append(
                f"Informix: unknown code(s) {codes}; add them to CallStatus/CallResult in "
                f"uccx_integration/mapping.py"
            )
        return problems


def configured_campaign_ids() -> list[int]:
    ids = list(
        CallbackCampaign.objects.order_by("uccx_campaign_id").values_list(
            "uccx_campaign_id", flat=True
        )
    )
    return ids or list(DEFAULT_CAMPAIGN_IDS)


def rest_environ(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for UccxClient.from_env: this command documents UCCX_USER, the
    client reads UCCX_USERNAME; either works, UCCX_USERNAME wins."""
    merged = dict(environ)
    if not merged.get("UCCX_USERNAME") and merged.get("UCCX_USER"):
        merged["UCCX_USERNAME"] = merged["UCCX_USER"]
    return merged


def printable_url(url: str) -> str:
    """The URL without any user:password@ part."""
    if not url:
        return "(UCCX_URL not set)"
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{parts.hostname or ''}{port}"))


def rest_fix(error: UccxError) -> str:
    if error.status in (401, 403):
        return "check UCCX_USER and UCCX_PASSWORD and the user's adminapi rights"
    if error.status == 404:
        return "no such campaign in UCCX: correct the CallbackCampaign's UCCX campaign id"
    if error.status is None:
        return "check UCCX_URL (and UCCX_SECONDARY_URL), that the node is up, and UCCX_CA_BUNDLE"
    return "look at the UCCX node's logs; retry later"


def describe(campaign: Campaign) -> str:
    window = (
        f"{campaign.start_time:%H:%M}-{campaign.end_time:%H:%M}"
        if campaign.start_time and campaign.end_time
        else "no window"
    )
    state = "enabled" if campaign.enabled else "DISABLED"
    attempts = campaign.max_dial_attempts if campaign.max_dial_attempts is not None else "?"
    return (
        f"campaign {campaign.id} {campaign.name!r}: {state}, {window} {campaign.time_zone}, "
        f"{campaign.campaign_type}, max {attempts} attempts"
    )
