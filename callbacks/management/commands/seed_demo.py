"""Load the demo installation: scheduling configuration and callback campaigns.

Idempotent. The demo superuser (admin / admin) is created only with
--demo-superuser, which `make run` passes; production never gets it by default.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from callbacks.models import CallbackCampaign
from scheduling.demo import load_scheduling_demo

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

    @transaction.atomic
    def handle(self, *args, demo_superuser: bool = False, **options):
        skills = load_scheduling_demo()
        for spec in CAMPAIGNS:
            fields = {k: v for k, v in spec.items() if k != "name"}
            CallbackCampaign.objects.update_or_create(
                name=spec["name"],
                defaults={"home_region": "PL", "fallback_skill": skills["Support"], **fields},
            )
        if demo_superuser:
            self._superuser()
        self.stdout.write(self.style.SUCCESS("Demo configuration loaded."))

    def _superuser(self) -> None:
        user, created = get_user_model().objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password("admin")
            user.save()
            self.stdout.write("Demo superuser created: admin / admin")
