"""Management commands: seed_demo (idempotent) and create_api_key.

These are the tests of seed_demo itself (what `make run` loads); every other test gets
its data from its own cast (tests/cast.py, tests/conftest.py's `demo`)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from callbacks.management.commands.create_api_key import Command as CreateApiKey
from callbacks.management.commands.seed_demo import DEMO_CALLBACKS, LIVE_CALLBACKS
from callbacks.models import ApiKey, ApiScope, Callback, CallbackCampaign, Status
from scheduling.models import BusinessHours, GlobalRules, HolidayCalendar, Skill

User = get_user_model()


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_it_seeds_the_demo_twice_without_duplicates(db):
    run("seed_demo")
    run("seed_demo")

    assert sorted(CallbackCampaign.objects.values_list("name", flat=True)) == [
        "Callback_Main",
        "Callback_Premium",
    ]
    assert sorted(Skill.objects.values_list("name", flat=True)) == ["Sales", "Support"]
    assert HolidayCalendar.objects.count() == 1
    assert BusinessHours.objects.count() == 2
    assert GlobalRules.objects.count() == 1
    assert not User.objects.exists()


def test_it_keeps_what_administrators_changed_when_run_again(db):
    """make run calls seed_demo on every start: edits made in the admin must survive."""
    run("seed_demo")  # the demo itself here, not the tests' cast (tests/cast.py)
    CallbackCampaign.objects.filter(name="Callback_Premium").update(external_script="")
    rules = GlobalRules.load()
    rules.slot_capacity = 3
    rules.save()
    Skill.objects.filter(name="Sales").update(enabled=False)

    run("seed_demo")

    premium = CallbackCampaign.objects.get(name="Callback_Premium")
    assert premium.external_script == ""
    assert premium.fallback_skill == Skill.objects.get(name="Support")
    assert GlobalRules.load().slot_capacity == 3
    assert Skill.objects.get(name="Sales").enabled is False


def test_it_creates_one_demo_superuser_only_when_asked(db):
    output = run("seed_demo", "--demo-superuser")
    run("seed_demo", "--demo-superuser")

    (admin,) = User.objects.all()
    assert (admin.username, admin.is_staff, admin.is_superuser) == ("admin", True, True)
    assert admin.check_password("admin")
    assert "admin / admin" in output


@pytest.mark.parametrize("scope", ApiScope.values)
def test_it_prints_a_working_key_alone_on_the_last_line(db, scope):
    output = run("create_api_key", "Finesse gadget, site A", scope=scope)

    key = output.splitlines()[-1]
    assert key == key.strip() and " " not in key
    assert ApiKey.objects.is_valid(key)
    stored = ApiKey.objects.get_from_key(key)
    assert (stored.name, stored.scope) == ("Finesse gadget, site A", scope)
    assert output.count(key) == 1


def test_it_stores_only_a_hash_of_the_key(db):
    key = run("create_api_key", "IVR", "--scope", "ivr").splitlines()[-1]

    (stored,) = ApiKey.objects.all()
    assert stored.hashed_key != key
    assert key not in stored.hashed_key
    assert not ApiKey.objects.is_valid(key + "x")


def test_it_requires_a_scope(db):
    with pytest.raises(CommandError, match="--scope"):
        run("create_api_key", "No scope")

    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("scope", ["admin", "GADGET", ""])
def test_it_accepts_only_the_gadget_and_ivr_scopes(db, scope):
    with pytest.raises(CommandError, match="invalid choice"):
        run("create_api_key", "Wrong scope", "--scope", scope)

    assert not ApiKey.objects.exists()


def test_it_exits_with_a_usage_error_from_the_command_line(db, capsys):
    with pytest.raises(SystemExit) as exited:
        CreateApiKey().run_from_argv(["manage.py", "create_api_key", "x", "--scope", "admin"])

    assert exited.value.code == 2
    assert "invalid choice: 'admin'" in capsys.readouterr().err
    assert not ApiKey.objects.exists()


def test_it_refuses_a_second_active_key_with_the_same_name(db):
    run("create_api_key", "Gadget", scope="gadget")

    with pytest.raises(CommandError, match="exists"):
        run("create_api_key", "Gadget", scope="gadget")

    ApiKey.objects.update(revoked=True)
    key = run("create_api_key", "Gadget", scope="gadget").splitlines()[-1]
    assert ApiKey.objects.is_valid(key)
    assert ApiKey.objects.count() == 2


def test_it_loads_demo_callbacks_and_working_keys_with_demo(db, frozen_now, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    call_command("seed_demo", "--demo", stdout=io.StringIO())
    call_command("seed_demo", "--demo", stdout=io.StringIO())

    keys = dict(
        line.split("=", 1) for line in (tmp_path / "demo-api-keys.txt").read_text().splitlines()
    )
    waiting = Callback.objects.exclude(notes="demo history")
    assert waiting.count() == len(DEMO_CALLBACKS) + len(LIVE_CALLBACKS)
    assert waiting.exclude(status=Status.SCHEDULED).count() == 0
    assert ApiKey.objects.count() == 2
    assert ApiKey.objects.get_from_key(keys["gadget"]).scope == ApiScope.GADGET
    assert ApiKey.objects.get_from_key(keys["ivr"]).scope == ApiScope.IVR
    assert get_user_model().objects.filter(username="admin", is_superuser=True).exists()


LIVE_PHONES = [phone for phone, *_ in LIVE_CALLBACKS]


def live_callbacks():
    return Callback.objects.filter(phone_number__in=LIVE_PHONES).order_by("pk")


def test_it_books_the_live_demo_callbacks_due_in_a_minute_once(db, frozen_now, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    output = run("seed_demo", "--demo")
    again = run("seed_demo", "--demo")

    due = frozen_now + dt.timedelta(minutes=1)
    assert [(c.scheduled_at, c.status) for c in live_callbacks()] == [
        (due, Status.SCHEDULED)
    ] * len(LIVE_CALLBACKS)
    assert {c.campaign.name for c in live_callbacks()} == {"Callback_Main", "Callback_Premium"}
    assert (
        output.count("Live demo callback")
        == again.count("Live demo callback")
        == len(LIVE_CALLBACKS)
    )


def test_it_books_new_live_demo_callbacks_once_the_last_ones_are_finished(
    db, frozen_now, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    run("seed_demo", "--demo")
    live_callbacks().update(status=Status.COMPLETED)

    run("seed_demo", "--demo")

    assert live_callbacks().count() == 2 * len(LIVE_CALLBACKS)
    assert live_callbacks().filter(status=Status.SCHEDULED).count() == len(LIVE_CALLBACKS)


def test_at_night_the_live_demo_callbacks_take_the_first_valid_slot(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    # Friday 23:30 in Warsaw: callbacks only from 08:00.
    with time_machine.travel(dt.datetime(2026, 11, 20, 22, 30, tzinfo=dt.UTC), tick=False):
        output = run("seed_demo", "--demo")

    saturday_8 = dt.datetime(2026, 11, 21, 7, 0, tzinfo=dt.UTC)
    assert [c.scheduled_at for c in live_callbacks()] == [saturday_8] * len(LIVE_CALLBACKS)
    assert "not in a minute" in output and "outside the callback hours" in output


def test_it_loads_a_month_of_finished_callbacks_once_for_the_reports(
    db, frozen_now, settings, tmp_path
):
    settings.VAR_DIR = tmp_path

    call_command("seed_demo", "--demo", stdout=io.StringIO())
    call_command("seed_demo", "--demo", stdout=io.StringIO())

    history = Callback.objects.filter(notes="demo history")
    days = {c.local_date for c in history}
    today = frozen_now.astimezone(ZoneInfo("Europe/Warsaw")).date()
    assert history.count() > 900
    assert set(history.values_list("status", flat=True)) == {
        Status.COMPLETED,
        Status.FAILED,
        Status.EXPIRED,
        Status.CANCELLED,
        Status.RESCHEDULED,
    }
    assert min(days) == today - dt.timedelta(days=30) and max(days) < today
    sunday = next(d for d in days if d.weekday() == 6)
    assert not history.filter(skill__name="Sales", local_date=sunday).exists()  # closed
    assert history.filter(skill__name="Support", local_date=sunday).exists()
    assert all(c.events.filter(kind="created").count() == 1 for c in history[:50])
