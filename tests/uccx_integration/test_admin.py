"""The UCCX integration in the admin: task health on the index, the read-only records,
the purge action on campaigns and the UCCX-id choices from the directory.

Cast: the demo installation (tests/conftest.py), Friday 2026-11-20 09:00 UTC,
and a logged-in superuser. Queuing a task is checked by patching its `.delay` (and by
making it fail, for a broker that cannot be reached); one test runs the purge for real,
eagerly, against the in-process UCCX simulator.
"""

import datetime as dt
import re
from unittest import mock

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.test import Client, override_settings
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError

from callbacks.models import Callback, CallbackCampaign, EventKind, Status
from ops.tracking import MAX_AGE
from scheduling.models import Skill
from tests.cast import UCCX_PASSWORD as PASSWORD
from tests.cast import UCCX_USERNAME as USERNAME
from uccx_integration import services, tasks
from uccx_integration.mapping import ACCOUNT_NUMBER, CALL_STATUS, CallResult, CallStatus
from uccx_integration.models import (
    BatchKind,
    BatchState,
    DirectoryEntry,
    DirectoryKind,
    ExportBatch,
    IntegrationStatus,
)
from uccx_integration.simulator.dialer import Dialer

pytestmark = pytest.mark.usefixtures("frozen_now")

CAMPAIGNS = "admin:callbacks_callbackcampaign_changelist"


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")


@pytest.fixture
def staff_client(frozen_now, superuser, demo):
    # Logged in after the clock is frozen, so the session is valid at that moment.
    # (`client` is the UCCX client in this folder.)
    browser = Client()
    browser.force_login(superuser)
    return browser


def text_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def row_of(page: str, row_id: str) -> str:
    """The HTML of one table row, found by its id."""
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', page, re.S)
    assert match, f"no row {row_id}"
    return match.group(1)


def record_success(task: str, now: dt.datetime, **counts) -> IntegrationStatus:
    return IntegrationStatus.objects.create(
        task=task,
        last_started_at=now - dt.timedelta(minutes=1),
        last_success_at=now - dt.timedelta(minutes=1),
        last_counts=counts,
        runs=5,
    )


def record_failures(task: str, now: dt.datetime, error: str, times: int = 2) -> None:
    IntegrationStatus.objects.create(
        task=task,
        last_started_at=now,
        last_success_at=now - dt.timedelta(hours=1),
        last_failure_at=now,
        last_error=error,
        runs=10,
        failures=times,
        consecutive_failures=times,
    )


def run_campaign_action(browser, campaigns, follow=False, **extra):
    data = {"action": "purge_selected", "_selected_action": [c.pk for c in campaigns]}
    return browser.post(reverse(CAMPAIGNS), data | extra, follow=follow)


# --- health on the index -----------------------------------------------------------


def test_it_shows_every_task_green_on_the_index(staff_client, now):
    for task in MAX_AGE:
        record_success(task, now, exported=3, returned=0)

    page = text_of(staff_client.get(reverse("admin:index")))

    assert "All 7 tasks healthy" in page
    assert "Needs attention" not in page
    export = row_of(page, "uccx-task-export_due_callbacks")
    assert "Export due callbacks to UCCX" in export
    assert "OK" in export and "icon-yes.svg" in export
    assert "2026-11-20 09:59:00 CET (1\xa0minute ago)" in export
    assert "exported 3" in export and "returned" not in export
    assert "every minute" in export


def test_it_shows_failing_and_silent_tasks_in_red_with_the_error(staff_client, now):
    for task in MAX_AGE:
        if task not in ("export_due_callbacks", "sync_uccx_directory"):
            record_success(task, now)
    record_failures("export_due_callbacks", now, "UccxError: connection refused", times=3)
    # The hourly sync was scheduled three hours ago and never ran: overdue, red.
    PeriodicTask.objects.filter(task="uccx_integration.sync_uccx_directory").update(
        date_changed=now - dt.timedelta(hours=3)
    )

    page = text_of(staff_client.get(reverse("admin:index")))

    assert "2 of 7 tasks need attention" in page
    export = row_of(page, "uccx-task-export_due_callbacks")
    assert "Needs attention" in export and "icon-no.svg" in export
    assert "failed 3 times in a row: UccxError: connection refused" in export
    assert "nothing to do" not in export
    assert "never ran, due at 2026-11-20 08:00 CET (is the Celery worker up?)" in row_of(
        page, "uccx-task-sync_uccx_directory"
    )
    assert "Needs attention" not in row_of(page, "uccx-task-poll_dialer_results")


def test_it_shows_an_unknown_uccx_time_zone_on_the_index(
    staff_client, campaign, make_callback, simulator, uccx_env
):
    simulator.campaigns[1].time_zone = "Mars Standard Time"
    callback = make_callback()  # Monday 10:00 Warsaw
    with time_machine.travel(callback.scheduled_at, tick=False):
        tasks.export_due_callbacks()

        page = text_of(staff_client.get(reverse("admin:index")))

    export = row_of(page, "uccx-task-export_due_callbacks")
    assert "Needs attention" in export
    assert (
        "Callback_Main: export skipped: UCCX campaign 1: unknown time zone "
        "&#x27;Mars Standard Time&#x27;" in export
    )


def test_it_links_the_task_details_and_the_schedule(staff_client):
    page = text_of(staff_client.get(reverse("admin:index")))

    assert reverse("admin:uccx_integration_integrationstatus_changelist") in page
    assert reverse("admin:django_celery_beat_periodictask_changelist") in page
    assert "need attention" not in page


def test_it_hides_the_box_from_staff_without_the_status_permission(demo, frozen_now):
    clerk = get_user_model().objects.create_user("clerk", password="pw", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_callback"))
    browser = Client()
    browser.force_login(clerk)

    page = text_of(browser.get(reverse("admin:index")))

    assert "UCCX integration" not in page


def test_it_queues_a_task_with_run_now(staff_client):
    with mock.patch.object(tasks.reconcile_exports, "delay") as delay:
        response = staff_client.post(
            reverse("admin:uccx_integration_integrationstatus_run", args=["reconcile_exports"]),
            follow=True,
        )

    delay.assert_called_once_with()
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert "Reconcile unanswered exports was queued" in messages_of(response)[0]


def test_it_says_so_when_the_broker_is_down_for_run_now(staff_client):
    with mock.patch.object(tasks.reconcile_exports, "delay", side_effect=OperationalError("down")):
        response = staff_client.post(
            reverse("admin:uccx_integration_integrationstatus_run", args=["reconcile_exports"]),
            follow=True,
        )

    assert response.status_code == 200
    assert "could not be queued: the Celery broker cannot be reached" in messages_of(response)[0]


def test_it_runs_neither_the_purge_nor_unknown_tasks_nor_on_get(staff_client):
    run = "admin:uccx_integration_integrationstatus_run"

    assert staff_client.post(reverse(run, args=["purge_dialing_lists"])).status_code == 404
    assert staff_client.post(reverse(run, args=["format_disk"])).status_code == 404
    assert staff_client.get(reverse(run, args=["reconcile_exports"])).status_code == 405
    assert 'action="' + reverse(run, args=["purge_dialing_lists"]) not in text_of(
        staff_client.get(reverse("admin:index"))
    )


# --- read-only records ---------------------------------------------------------------


def assert_read_only(browser, model: str, obj) -> str:
    """The list and the detail page open; nothing can be added, saved or deleted."""
    listing = browser.get(reverse(f"admin:uccx_integration_{model}_changelist"))
    detail = browser.get(reverse(f"admin:uccx_integration_{model}_change", args=[obj.pk]))
    assert listing.status_code == 200 and detail.status_code == 200
    assert reverse(f"admin:uccx_integration_{model}_add") not in text_of(listing)
    assert 'name="_save"' not in text_of(detail)
    assert browser.get(reverse(f"admin:uccx_integration_{model}_add")).status_code == 403
    delete = reverse(f"admin:uccx_integration_{model}_delete", args=[obj.pk])
    assert browser.post(delete, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()
    return text_of(listing) + text_of(detail)


def test_it_shows_the_integration_status_read_only(staff_client, now):
    record_failures("poll_dialer_results", now, "InformixError: login failed")
    status = IntegrationStatus.objects.get()

    pages = assert_read_only(staff_client, "integrationstatus", status)

    assert "Poll UCCX dialing results" in pages
    assert "Needs attention" in pages
    assert "InformixError: login failed" in pages


def test_a_first_run_under_way_is_waiting_on_the_status_page_as_on_the_index(staff_client, now):
    # Started, not finished yet: no success or failure to judge, as on the admin index.
    PeriodicTask.objects.update(date_changed=now)
    IntegrationStatus.objects.create(task="purge_dialing_lists", last_started_at=now)

    page = text_of(staff_client.get(reverse("admin:uccx_integration_integrationstatus_changelist")))

    assert "Waiting" in page and "Needs attention" not in page
    assert 'class="uccx-ok"' not in page


def test_it_shows_import_batches_read_only_with_what_their_state_means(staff_client, campaign):
    batch = ExportBatch.objects.create(
        campaign=campaign,
        kind=BatchKind.EXPORT,
        state=BatchState.UNKNOWN,
        contacts=2,
        account_numbers=["CB0000000042", "CB0000000043"],
        http_status=503,
        error="UCCX answered 503",
    )

    pages = assert_read_only(staff_client, "exportbatch", batch)

    assert "CB0000000042, CB0000000043" in pages
    assert "UCCX answered 503" in pages
    assert "reconcile will ask UCCX within 5 minutes" in pages


def test_it_filters_and_searches_import_batches(staff_client, campaign):
    make = ExportBatch.objects.create
    unknown = make(campaign=campaign, state=BatchState.UNKNOWN, account_numbers=["CB0000000042"])
    make(campaign=campaign, state=BatchState.ACCEPTED, account_numbers=["CB0000000043"])
    changelist = reverse("admin:uccx_integration_exportbatch_changelist")

    by_state = staff_client.get(changelist, {"state__exact": "unknown"})
    by_account = staff_client.get(changelist, {"q": "cb0000000042"})

    assert list(by_state.context["cl"].result_list) == [unknown]
    assert list(by_account.context["cl"].result_list) == [unknown]


def test_it_shows_the_uccx_directory_read_only(staff_client):
    entry = DirectoryEntry.objects.create(kind=DirectoryKind.CSQ, uccx_id="7", name="Sales_Q")
    DirectoryEntry.objects.create(kind=DirectoryKind.SKILL, uccx_id="3", name="Sales")
    changelist = reverse("admin:uccx_integration_directoryentry_changelist")

    assert_read_only(staff_client, "directoryentry", entry)
    csqs = staff_client.get(changelist, {"kind__exact": "csq"}).context["cl"].result_list
    found = staff_client.get(changelist, {"q": "sales_q"}).context["cl"].result_list

    assert list(csqs) == [entry] and list(found) == [entry]


# --- purge -----------------------------------------------------------------------------


@pytest.fixture
def waiting(make_callback, put_in) -> list[Callback]:
    """Two Callback_Main callbacks in the dialer and one still scheduled."""
    in_dialer = [put_in(make_callback(), Status.IN_DIALER) for _ in range(2)]
    make_callback()
    return in_dialer


def test_it_asks_before_purging_and_says_how_many_come_back(staff_client, campaign, waiting):
    premium = CallbackCampaign.objects.get(name="Callback_Premium")

    with mock.patch.object(tasks.purge_dialing_lists, "delay") as delay:
        response = run_campaign_action(staff_client, [campaign, premium])

    page = text_of(response)
    assert response.status_code == 200
    delay.assert_not_called()
    assert "2 callbacks" in row_of(page, f"purge-{campaign.pk}")
    assert "0 callbacks" in row_of(page, f"purge-{premium.pk}")
    assert "finished with are removed" in page
    assert "Yes, purge 2 dialing lists" in page


def test_it_counts_callbacks_too_late_to_dial_as_expiring(staff_client, campaign, waiting):
    # Monday 11:30 Warsaw: an hour and a half after the callbacks' 10:00 (expiry 60 min).
    with time_machine.travel(dt.datetime(2026, 11, 23, 10, 30, tzinfo=dt.UTC), tick=False):
        page = text_of(run_campaign_action(staff_client, [campaign]))

    row = row_of(page, f"purge-{campaign.pk}")
    assert re.findall(r"(\d+) callbacks?", row) == ["0", "2"]


def test_it_queues_the_purge_on_confirm(staff_client, campaign, waiting):
    with mock.patch.object(tasks.purge_dialing_lists, "delay") as delay:
        response = run_campaign_action(staff_client, [campaign], confirm="yes")

    assert response.status_code == 302
    delay.assert_called_once_with(campaign_ids=[campaign.pk])
    [message] = messages_of(response)
    assert message.startswith("Purge queued for Callback_Main.")
    # Queued, not done: the callbacks are untouched until the worker runs it.
    assert Callback.objects.filter(status=Status.IN_DIALER).count() == 2


def test_it_says_so_when_the_broker_is_down_for_the_purge(staff_client, campaign, waiting):
    broken = OperationalError("[Errno 111] Connection refused")
    with mock.patch.object(tasks.purge_dialing_lists, "delay", side_effect=broken):
        response = run_campaign_action(staff_client, [campaign], confirm="yes", follow=True)

    assert response.status_code == 200
    [message] = messages_of(response)
    assert "Purge UCCX dialing lists could not be queued" in message
    assert "Connection refused" in message


def test_it_offers_the_purge_only_to_who_may_change_campaigns(demo, frozen_now):
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_callbackcampaign"))
    browser = Client()
    browser.force_login(viewer)

    page = text_of(browser.get(reverse(CAMPAIGNS)))

    assert "purge_selected" not in page


@pytest.mark.django_db(transaction=True)
@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_it_purges_and_imports_again_through_the_simulator(
    staff_client, campaign, make_callback, simulator, client, monkeypatch
):
    monkeypatch.setenv("UCCX_URL", simulator.url)
    monkeypatch.setenv("UCCX_USERNAME", USERNAME)
    monkeypatch.setenv("UCCX_PASSWORD", PASSWORD)
    monkeypatch.setenv("INFORMIX_DSN", f"DRIVER=SQLite3;Database={simulator.store.path};NoCreat=1")
    answered = make_callback()  # Monday 10:00 Warsaw
    waiting = make_callback(scheduled_at="2026-11-23T10:30")
    dialer = Dialer(simulator.store, simulator.campaigns, mix={CallResult.VOICE: 1})
    with time_machine.travel(answered.scheduled_at, tick=False):
        services.export_due_callbacks(client=client)
        dialer.dial_round()  # the first contact is answered: finished in the dialer
    with time_machine.travel(waiting.scheduled_at, tick=False):
        services.export_due_callbacks(client=client)
        assert simulator.store.count_contacts(campaign.uccx_campaign_id) == 1  # the waiting one
        assert len(simulator.store.history_contacts(campaign.uccx_campaign_id)) == 1  # closed

        response = run_campaign_action(staff_client, [campaign], confirm="yes")

    # The list was emptied once, and only the waiting callback came back (pending).
    assert response.status_code == 302
    contacts_path = f"/adminapi/campaign/{campaign.uccx_campaign_id}/contacts"
    assert simulator.request_count("DELETE", contacts_path) == 1
    [contact] = simulator.store.list_contacts(campaign.uccx_campaign_id, list(CallStatus))
    assert contact[ACCOUNT_NUMBER] == waiting.account_number
    assert contact[CALL_STATUS] == CallStatus.PENDING
    answered.refresh_from_db()
    waiting.refresh_from_db()
    assert answered.status == Status.COMPLETED
    assert waiting.status == Status.IN_DIALER
    assert waiting.events.filter(kind=EventKind.PURGED).exists()
    assert ExportBatch.objects.filter(kind=BatchKind.PURGE, state=BatchState.ACCEPTED).count() == 1
    assert IntegrationStatus.objects.get(task="purge_dialing_lists").last_success_at


# --- UCCX ids from the directory -------------------------------------------------------


def test_it_offers_the_synced_uccx_campaigns_on_the_campaign_form(staff_client, campaign):
    DirectoryEntry.objects.create(kind=DirectoryKind.CAMPAIGN, uccx_id="2", name="Callback_Premium")
    DirectoryEntry.objects.create(kind=DirectoryKind.CAMPAIGN, uccx_id="1", name="Callback_Main")
    DirectoryEntry.objects.create(kind=DirectoryKind.SKILL, uccx_id="1", name="Sales")

    page = text_of(
        staff_client.get(reverse("admin:callbacks_callbackcampaign_change", args=[campaign.pk]))
    )

    assert 'list="id_uccx_campaign_id_directory"' in page
    datalist = re.search(
        r'<datalist id="id_uccx_campaign_id_directory">(.*?)</datalist>', page, re.S
    )
    assert datalist
    assert re.findall(r'<option value="(\d+)">', datalist.group(1)) == ["1", "2"]
    assert "1 &mdash; Callback_Main" in datalist.group(1)
    assert "Sales" not in datalist.group(1)
    assert "UCCX campaign Callback_Main" in page


def test_it_accepts_a_typed_id_when_the_directory_is_empty(staff_client, campaign):
    url = reverse("admin:callbacks_callbackcampaign_change", args=[campaign.pk])
    form = staff_client.get(url).context["adminform"].form

    data = {name: form[name].value() or "" for name in form.fields} | {"uccx_campaign_id": "17"}
    data["enabled"] = "on"
    response = staff_client.post(url, data)

    assert "No UCCX campaigns synced yet" in text_of(staff_client.get(url))
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.uccx_campaign_id == 17


def test_it_offers_skills_and_csqs_on_the_skill_form(staff_client, sales):
    DirectoryEntry.objects.create(kind=DirectoryKind.SKILL, uccx_id="3", name="Sales_Skill")
    DirectoryEntry.objects.create(kind=DirectoryKind.CSQ, uccx_id="7", name="Sales_Q")
    Skill.objects.filter(pk=sales.pk).update(uccx_skill_id=9)

    page = text_of(staff_client.get(reverse("admin:scheduling_skill_change", args=[sales.pk])))

    skills = re.search(r'<datalist id="id_uccx_skill_id_directory">(.*?)</datalist>', page, re.S)
    csqs = re.search(r'<datalist id="id_uccx_csq_id_directory">(.*?)</datalist>', page, re.S)
    assert skills and "Sales_Skill" in skills.group(1) and "Sales_Q" not in skills.group(1)
    assert csqs and "Sales_Q" in csqs.group(1)
    assert "Not in the UCCX directory" in page  # skill id 9 is unknown to UCCX


@pytest.mark.parametrize(
    ("mode", "finesse_url", "user", "ok", "words"),
    [
        (
            "finesse",
            "https://finesse1.example.com:8445",
            "cm-finesse",
            True,
            "verified with Finesse (https://finesse1.example.com:8445); agent states read "
            "at dial time as cm-finesse",
        ),
        ("finesse", "https://f.example.com", "", True, "FINESSE_USERNAME is not set"),
        ("finesse", "", "", False, "FINESSE_URL is not set"),
        ("key_only", "", "", False, "key-only mode (AGENT_AUTH=key_only) - weaker"),
    ],
)
def test_it_shows_how_agents_are_known_in_the_box(
    staff_client, settings, mode, finesse_url, user, ok, words
):
    settings.AGENT_AUTH, settings.FINESSE_URL = mode, finesse_url
    settings.FINESSE_USERNAME = user

    page = staff_client.get(reverse("admin:index")).content.decode()

    row = page.split('id="uccx-agent-identity"')[1].split("</tr>")[0]
    assert words in row
    assert ("uccx-ok" if ok else "uccx-bad") in row
