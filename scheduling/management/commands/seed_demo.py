"""Demo configuration: Polish holidays, two skills, the global rules. Idempotent.

The demo superuser (admin / admin) is created only with --demo-superuser, which
`make run` passes; production data never gets it by default.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from scheduling.models import (
    BusinessHours,
    CustomHoliday,
    GlobalRules,
    HolidayCalendar,
    OpeningPeriod,
    Skill,
    Weekday,
)

WARSAW = "Europe/Warsaw"
SALES_WEEK = {day: [(8, 20)] for day in range(Weekday.MONDAY, Weekday.FRIDAY + 1)} | {
    Weekday.SATURDAY: [(9, 14)]
}
SUPPORT_WEEK = {day: [(7, 22)] for day in Weekday.values}


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
        poland, _ = HolidayCalendar.objects.update_or_create(
            name="Poland", defaults={"country": "PL", "subdivision": ""}
        )
        CustomHoliday.objects.update_or_create(
            calendar=poland,
            name="Christmas Eve",
            defaults={"date": dt.date(2000, 12, 24), "every_year": True},
        )
        self._skill("Sales", self._hours("Sales hours", SALES_WEEK, poland))
        self._skill("Support", self._hours("Support hours", SUPPORT_WEEK, poland))
        self._rules()
        if demo_superuser:
            self._superuser()
        self.stdout.write(self.style.SUCCESS("Demo configuration loaded."))

    def _hours(self, name: str, week: dict, calendar: HolidayCalendar) -> BusinessHours:
        hours, _ = BusinessHours.objects.update_or_create(
            name=name, defaults={"time_zone": WARSAW, "holiday_calendar": calendar}
        )
        hours.periods.all().delete()
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(
                business_hours=hours,
                weekday=day,
                opens=dt.time(opens),
                closes=dt.time(closes % 24),
            )
            for day, spans in week.items()
            for opens, closes in spans
        )
        return hours

    def _skill(self, name: str, hours: BusinessHours) -> None:
        Skill.objects.update_or_create(
            name=name, defaults={"business_hours": hours, "enabled": True}
        )

    def _rules(self) -> None:
        rules = GlobalRules.load()
        rules.min_lead_minutes = 5
        rules.max_days_ahead = 30
        rules.earliest_time = dt.time(8)
        rules.latest_time = dt.time(20)
        rules.closing_buffer_minutes = 10
        rules.slot_minutes = 15
        rules.slot_capacity = 10
        rules.customer_earliest_time = dt.time(8)
        rules.customer_latest_time = dt.time(21)
        rules.default_region = "PL"
        rules.full_clean()
        rules.save()

    def _superuser(self) -> None:
        user, created = get_user_model().objects.get_or_create(
            username="admin", defaults={"is_staff": True, "is_superuser": True}
        )
        if created:
            user.set_password("admin")
            user.save()
            self.stdout.write("Demo superuser created: admin / admin")
