"""python manage.py uccx_check: can the Campaign Manager reach UCCX, and does db_cra match
mapping.py? For installers, on site. Exit 0 only when everything is reachable and complete.

REST: for each callback campaign the answers the product reads (the campaign, its
contacts, its import status), each ok or FAILED with the client's reason, and the
campaign's time zone as UCCX names it and as mapped (docs/uccx.md (time zones)); an unknown
zone is a problem. Then the skills, once.

UCCX REST: UCCX_URL, UCCX_USER, UCCX_PASSWORD, optional UCCX_SECONDARY_URL and
UCCX_CA_BUNDLE. Informix: INFORMIX_DSN (a full ODBC connection string). No password is
ever printed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import BaseCommand, CommandError

from callbacks.models import CallbackCampaign
from uccx_integration.client import Campaign, UccxClient, UccxError
from uccx_integration.informix import InformixClient, InformixError, redact_dsn
from uccx_integration.timezones import UnknownTimeZone, campaign_zone

# Used when no CallbackCampaign is configured yet: the usual first two campaign ids.
DEFAULT_CAMPAIGN_IDS = (1, 2)


class Command(BaseCommand):
    help = (
        "Check the UCCX REST API (the callback campaigns, their contacts, import status and "
        "time zone, the skills) and Informix db_cra "
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
        """Per campaign the answers the product reads (the campaign, its contacts, its
        import status) and its time zone mapped; once the skills. Each ok or FAILED."""
        environ = rest_environ(os.environ)
        self.stdout.write(f"UCCX REST at {printable_url(environ.get('UCCX_URL', ''))}")
        try:
            # One try per node, no back-off: an installer is waiting for the answer.
            client = UccxClient.from_env(environ, max_retries=0)
        except ValueError as exc:
            return [f"REST: {exc}; set UCCX_URL, UCCX_USER and UCCX_PASSWORD"]
        problems: list[str] = []
        for campaign_id in campaign_ids:
            try:
                campaign = client.get_campaign(campaign_id)
            except UccxError as exc:
                self.stdout.write(f"  campaign {campaign_id}: FAILED: {exc.message}")
                problems.append(f"REST: campaign {campaign_id}: {exc.message} ({rest_fix(exc)})")
                if unreachable_or_refused(exc):
                    return problems  # every other request would fail the same way
                continue
            self.stdout.write(f"  {describe(campaign)}")
            problems += self.check_zone(campaign)
            for what, read in (
                ("contacts", client.list_contacts),
                ("import status", client.import_status),
            ):
                where = f"campaign {campaign_id} {what}"
                problems += self.check_answer(what, where, partial(read, campaign_id), "    ")
        problems += self.check_answer("skills", "skills", client.list_skills, "  ")
        return problems

    def check_zone(self, campaign: Campaign) -> list[str]:
        try:
            zone = campaign_zone(campaign.time_zone)
        except UnknownTimeZone as exc:
            self.stdout.write(f"    time zone: {campaign.time_zone or '(empty)'} -> UNKNOWN")
            return [
                f"REST: campaign {campaign.id}: {exc}; the export skips this campaign until it "
                f"maps (a Windows zone newer than tzlocal's CLDR data: update tzlocal in "
                f"requirements.txt)"
            ]
        self.stdout.write(f"    time zone: {campaign.time_zone} -> {zone.key}")
        return []

    def check_answer(
        self, what: str, where: str, read: Callable[[], object], indent: str
    ) -> list[str]:
        """Read one answer: `what` ok, or FAILED with the client's reason."""
        try:
            read()
        except UccxError as exc:
            self.stdout.write(f"{indent}{what}: FAILED: {exc.message}")
            return [f"REST: {where}: {exc.message} ({rest_fix(exc)})"]
        self.stdout.write(f"{indent}{what}: ok")
        return []

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


def unreachable_or_refused(error: UccxError) -> bool:
    """No node answered (a shape error has no status either, but is permanent), or the
    credentials were refused."""
    return (error.status is None and not error.permanent) or error.status in (401, 403)


def rest_fix(error: UccxError) -> str:
    if error.status in (401, 403):
        return "check UCCX_USER and UCCX_PASSWORD and the user's adminapi rights"
    if error.status == 404:
        return "no such campaign in UCCX: correct the CallbackCampaign's UCCX campaign id"
    if error.status is None and error.permanent:
        return (
            "UCCX answered, but not in the shape uccx_integration/client.py reads: compare the "
            "answer with Cisco's documented data structure for this UCCX version"
        )
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
        f"campaign {campaign.id} {campaign.name!r}: {state}, {window}, "
        f"{campaign.campaign_type}, max {attempts} attempts"
    )
