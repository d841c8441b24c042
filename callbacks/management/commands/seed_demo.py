"""Load the demo installation: scheduling configuration and callback campaigns.

Idempotent. The demo superuser (admin / admin) is created only with
--demo-superuser; --demo adds it, a few callbacks, a month of finished ones for the
reports (callbacks/demo_history.py), two API keys (written to
$CM_VAR_DIR/demo-api-keys.txt, since keys are stored hashed) and the "live" demo
callbacks. `make run` passes --demo; production never gets any of it by default.

The live demo callbacks are due a minute after the command ran, so that `make run`
shows the whole UCCX flow (export, dial, IVR lookup, result) within about two minutes.
They go through the normal booking service and its rules with one exception, for demo
data only: they are booked as if GlobalRules' minimum lead time had already passed
(the service's `now` is set that far back). Outside the rules' hours (night, holidays)
they take the first valid slot instead, and the command says when that is.
"""

import datetime as dt
from dataclasses import replace
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from callbacks.demo_history import demo_history_load
from callbacks.models import PENDING, ApiKey, ApiScope, Callback, CallbackCampaign, Source
from callbacks.recall.models import RecallPolicy
from callbacks.services import CallbackRejected, CustomerDetails, callback_schedule
from callbacks.validation import CallbackRequest
from scheduling.demo import load_scheduling_demo
from scheduling.display import admin_time
from scheduling.models import GlobalRules
from scheduling.rules import Candidate, suggest

DEMO_CALLBACKS = [
    # phone, campaign, skill, agent id, agent name, first name, last name
    ("+48 22 123 45 67", "Callback_Main", "Sales", "jkowalski", "Jan Kowalski", "Anna", "Nowak"),
    ("+48 601 234 567", "Callback_Main", "Sales", "", "", "Piotr", "Wiśniewski"),
    ("+48 12 345 67 89", "Callback_Main", "Support", "", "", "Maria", "Wójcik"),
    ("+48 502 111 222", "Callback_Premium", "Support", "", "", "Tomasz", "Lewandowski"),
    ("+1 212 555 0100", "Callback_Main", "Support", "asmith", "Alice Smith", "John", "Doe"),
]
# Booked again by every `seed_demo --demo` once the previous ones are finished; Support
# is open every day. Callback_Premium hands an answered call to its external script.
LIVE_CALLBACKS = [
    # phone (E.164, as stored), campaign, skill, first name, last name
    ("+48225550101", "Callback_Main", "Support", "Ewa", "Zielińska"),
    ("+48225550102", "Callback_Premium", "Support", "Adam", "Kamiński"),
    # make run's simulator never answers this number (Procfile, --number-outcomes): the
    # recall demo, rounds as Callback_Main's recall policy says.
    ("+48225550103", "Callback_Main", "Support", "Zofia", "Recall"),
]
# The example policy for Callback_Main (an administrator's edits are kept).
DEMO_RECALL_POLICY = {"no_answer_after": "30, next day", "no_answer_rounds": 3}
LIVE_DUE_IN = dt.timedelta(minutes=1)
KEYS_FILE = "demo-api-keys.txt"

CAMPAIGNS = [
    {"name": "Callback_Main", "uccx_campaign_id": 1, "presented_number": "+48221111111"},
    {
        "name": "Callback_Premium",
        "uccx_campaign_id": 2,
        "presented_number": "+48222222222",
        "external_script": "PremiumCustomerLookup.aef",
    },
]


class Command(BaseCommand):
    help = "Load the demo configuration (idempotent); optionally a demo superuser."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-superuser",
            action="store_true",
            help="Also create the superuser admin / admin (demo installations only).",
        )
        parser.add_argument(
            "--demo",
            action="store_true",
            help="The superuser, a few callbacks and two API keys (demo installations only).",
        )

    @transaction.atomic
    def handle(self, *args, demo_superuser: bool = False, demo: bool = False, **options):
        skills = load_scheduling_demo()
        for spec in CAMPAIGNS:
            fields = {k: v for k, v in spec.items() if k != "name"}
            CallbackCampaign.objects.get_or_create(  # an administrator's edits are kept
                name=spec["name"],
                defaults={"home_region": "PL", "fallback_skill": skills["Support"], **fields},
            )
        if demo:
            RecallPolicy.objects.get_or_create(
                campaign=CallbackCampaign.objects.get(name="Callback_Main"),
                defaults=DEMO_RECALL_POLICY,
            )
        if demo_superuser or demo:
            self._superuser()
        if demo:
            self._callbacks()
            self._live_callbacks()
            self._keys()
        self.stdout.write(self.style.SUCCESS("Demo configuration loaded."))

    def _callbacks(self) -> None:
        if Callback.objects.exists():
            return
        for phone, campaign, skill, agent_id, agent_name, first, last in DEMO_CALLBACKS:
            slots = suggest(Candidate(skill, "", phone), count=1)
            if not slots:
                continue
            callback_schedule(
                request=CallbackRequest(phone, slots[0].start, campaign, skill, agent_id),
                details=CustomerDetails(first_name=first, last_name=last, agent_name=agent_name),
                source=Source.ADMIN,
                actor="seed_demo",
            )
        self.stdout.write(f"Demo callbacks: {Callback.objects.count()}")
        history = demo_history_load()
        self.stdout.write(f"Demo history for the reports: {history} finished callbacks")

    def _live_callbacks(self) -> None:
        why_later: set[str] = set()
        for phone, campaign, skill, first, last in LIVE_CALLBACKS:
            waiting = Callback.objects.filter(phone_number=phone, status__in=PENDING).first()
            callback = waiting or self._book_live(
                CallbackRequest(phone, "", campaign, skill),
                CustomerDetails(first_name=first, last_name=last, notes="make run live demo"),
                why_later,
            )
            if callback is not None:
                self.stdout.write(
                    f"Live demo callback {callback.account_number} ({campaign}, {skill}, "
                    f"{callback.status}): due {admin_time(callback.scheduled_at)}"
                )
        for reason in sorted(why_later):
            self.stdout.write(f"  (not in a minute: {reason})")

    def _book_live(
        self, request: CallbackRequest, details: CustomerDetails, why_later: set[str]
    ) -> Callback | None:
        """Due in a minute if the rules allow it now, else at the first valid slot (the
        reason added to `why_later`)."""
        now = timezone.now().replace(microsecond=0)
        lead = dt.timedelta(minutes=GlobalRules.load().min_lead_minutes)
        book = partial(callback_schedule, details=details, source=Source.ADMIN, actor="seed_demo")
        try:
            return book(
                request=replace(request, scheduled_at=now + LIVE_DUE_IN),
                now=min(now, now + LIVE_DUE_IN - lead),  # demo only: the lead time waived
            )
        except CallbackRejected as rejected:
            why_later.add(rejected.violations[0].message)
        slots = suggest(Candidate(request.skill, "", request.phone_number), count=1)
        if not slots:
            return None
        return book(request=replace(request, scheduled_at=slots[0].start))

    def _keys(self) -> None:
        path = settings.VAR_DIR / KEYS_FILE
        if (
            ApiKey.objects.filter(name__startswith="Demo ", revoked=False).exists()
            and path.exists()
        ):
            return
        lines = []
        for scope in ApiScope:
            _, key = ApiKey.objects.create_key(name=f"Demo {scope.label}", scope=scope)
            lines.append(f"{scope.value}={key}")
        path.write_text("\n".join(lines) + "\n")
        path.chmod(0o600)
        self.stdout.write(f"Demo API keys written to {path}")

    def _superuser(self) -> None:
        user, created = get_user_model().objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password("admin")
            user.save()
            self.stdout.write("Demo superuser created: admin / admin")
