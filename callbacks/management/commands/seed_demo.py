"""Load the demo installation: scheduling configuration and callback campaigns.

Idempotent. The demo superuser (admin / admin) is created only with
--demo-superuser; --demo adds it, a few callbacks and two API keys (written to
$CM_VAR_DIR/demo-api-keys.txt, since keys are stored hashed). `make run` passes --demo;
production never gets any of it by default.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from callbacks.models import ApiKey, ApiScope, Callback, CallbackCampaign, Source
from callbacks.services import CustomerDetails, callback_schedule
from callbacks.validation import CallbackRequest
from scheduling.demo import load_scheduling_demo
from scheduling.rules import Candidate, suggest

DEMO_CALLBACKS = [
    # phone, campaign, skill, agent id, agent name, first name, last name
    ("+48 22 123 45 67", "Callback_Main", "Sales", "jkowalski", "Jan Kowalski", "Anna", "Nowak"),
    ("+48 601 234 567", "Callback_Main", "Sales", "", "", "Piotr", "Wiśniewski"),
    ("+48 12 345 67 89", "Callback_Main", "Support", "", "", "Maria", "Wójcik"),
    ("+48 502 111 222", "Callback_Premium", "Support", "", "", "Tomasz", "Lewandowski"),
    ("+1 212 555 0100", "Callback_Main", "Support", "asmith", "Alice Smith", "John", "Doe"),
]
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
            CallbackCampaign.objects.update_or_create(
                name=spec["name"],
                defaults={"home_region": "PL", "fallback_skill": skills["Support"], **fields},
            )
        if demo_superuser or demo:
            self._superuser()
        if demo:
            self._callbacks()
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
