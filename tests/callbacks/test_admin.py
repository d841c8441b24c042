"""The callbacks admin: campaigns, read-only callbacks with their timeline, the cancel and
re-validate actions, the reschedule page, API keys.

Cast (tests/conftest.py): the demo installation, Friday 2026-11-20 09:00 UTC
(10:00 in Warsaw), callbacks made with `make_callback` (services.callback_schedule) on
Monday 23 November, and one logged-in superuser.
"""

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from callbacks import ivr
from callbacks.admin import CallbackAdmin
from callbacks.models import (
    ApiKey,
    Callback,
    CallbackCampaign,
    EventKind,
    IdempotencyRecord,
    Status,
)
from scheduling.display import admin_time
from scheduling.models import BusinessHours, CustomHoliday, GlobalRules, HolidayCalendar, SpecialDay

pytestmark = pytest.mark.usefixtures("frozen_now")

CHANGELIST = "admin:callbacks_callback_changelist"
NUMBER = "+48221234567"
NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")


@pytest.fixture
def staff_client(frozen_now, client, superuser, demo):
    # Logged in after the clock is frozen, so the session is valid at that moment.
    client.force_login(superuser)
    return client


@pytest.fixture
def anna(make_callback) -> Callback:
    """A standard Sales callback, Monday 10:00 Warsaw."""
    return make_callback(phone_number=NUMBER, first_name="Anna", last_name="Nowak")


@pytest.fixture
def piotr(make_callback) -> Callback:
    """A personal Support callback for agent jkowal, Premium campaign, Tuesday 11:00."""
    return make_callback(
        phone_number="+48601234567",
        first_name="Piotr",
        last_name="Wiśniewski",
        campaign="Callback_Premium",
        skill="Support",
        agent_id="jkowal",
        agent_name="Jan Kowalski",
        scheduled_at="2026-11-24T11:00",
    )


def url(name: str, *args) -> str:
    return reverse(f"admin:callbacks_{name}", args=args)


def change_url(callback: Callback) -> str:
    return url("callback_change", callback.pk)


def reschedule_url(callback: Callback) -> str:
    return url("callback_reschedule", callback.pk)


def listed(client, **params) -> list[str]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return sorted(c.account_number for c in response.context["cl"].result_list)


def text_of(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def run_action(client, action: str, callbacks, **extra):
    data = {"action": action, "_selected_action": [c.pk for c in callbacks], "index": 0}
    return client.post(reverse(CHANGELIST), data | extra)


def set_rules(**changes) -> None:
    rules = GlobalRules.load()
    for name, value in changes.items():
        setattr(rules, name, value)
    rules.full_clean()
    rules.save()


# --- the list --------------------------------------------------------------------


def test_it_lists_callbacks_with_one_local_time_and_utc_as_its_tooltip(staff_client, anna, piotr):
    response = staff_client.get(reverse(CHANGELIST))

    page = text_of(response)
    assert response.status_code == 200
    assert listed(staff_client) == sorted([anna.account_number, piotr.account_number])
    # One time per row (issue 17 point 4): the promise in the skill's zone; UTC only in
    # the tooltip (and on the callback's page).
    assert (
        '<span class="scheduled" title="2026-11-23 09:00 UTC (Europe/Warsaw)">'
        "Mon 2026-11-23 10:00 CET</span>"
    ) in page
    assert page.count("2026-11-23 09:00 UTC") == 1
    assert "Jan Kowalski (jkowal)" in page
    assert 'Anna Nowak<br><span class="quiet">+48221234567</span>' in page
    # The list drops the navigation sidebar to fit 1366 px.
    assert 'id="nav-sidebar"' not in page


@pytest.mark.parametrize(
    ("params", "who"),
    [
        ({"status__exact": Status.SCHEDULED}, {"anna"}),
        ({"status__exact": Status.CANCELLED}, {"piotr"}),
        ({"kind": "personal"}, {"piotr"}),
        ({"kind": "standard"}, {"anna"}),
        ({"campaign__id__exact": "premium"}, {"piotr"}),
        ({"skill__id__exact": "sales"}, {"anna"}),
        ({"agent": "jkowal"}, {"piotr"}),
        (
            {"scheduled_at__day": "23", "scheduled_at__month": "11", "scheduled_at__year": "2026"},
            {"anna"},
        ),
    ],
    ids=[
        "status",
        "status-cancelled",
        "personal",
        "standard",
        "campaign",
        "skill",
        "agent",
        "date",
    ],
)
def test_it_filters_callbacks(staff_client, anna, piotr, put_in, params, who):
    put_in(piotr, Status.CANCELLED)
    ids = {
        "premium": CallbackCampaign.objects.get(name="Callback_Premium").pk,
        "sales": anna.skill_id,
    }
    params = {k: ids.get(v, v) for k, v in params.items()}
    cast = {"anna": anna, "piotr": piotr}

    assert listed(staff_client, **params) == sorted(cast[name].account_number for name in who)


def test_it_lists_agents_with_personal_callbacks_in_the_agent_filter(staff_client, anna, piotr):
    response = staff_client.get(reverse(CHANGELIST))

    agent_filter = next(f for f in response.context["cl"].filter_specs if f.title == "agent")
    assert agent_filter.lookup_choices == [("jkowal", "Jan Kowalski (jkowal)")]


@pytest.mark.parametrize(
    ("term", "who"),
    [
        ("CB", {"anna", "piotr"}),
        ("22 123 45 67", {"anna"}),
        ("(22) 123-45-67", {"anna"}),  # no word of it is in the stored +48221234567
        ("0048221234567", {"anna"}),
        ("601 234 567", {"piotr"}),
        ("Nowak", {"anna"}),
        ("wiśniewski", {"piotr"}),
        ("jkowal", {"piotr"}),
        ("999 999 999", set()),
    ],
)
def test_it_searches_account_numbers_phones_in_any_format_and_names(
    staff_client, anna, piotr, term, who
):
    cast = {"anna": anna, "piotr": piotr}

    assert listed(staff_client, q=term) == sorted(cast[name].account_number for name in who)


def test_it_finds_a_callback_by_its_account_number(staff_client, anna, piotr):
    assert listed(staff_client, q=piotr.account_number) == [piotr.account_number]


def test_it_lists_without_a_query_per_row(staff_client, make_callback):
    make_callback()
    one = changelist_queries(staff_client)
    for _ in range(5):
        make_callback(agent_id="agent7")

    assert changelist_queries(staff_client) == one


def changelist_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(CHANGELIST)).status_code == 200
    return len(queries)


# --- the change page: read-only --------------------------------------------------


def test_it_shows_a_callback_read_only(staff_client, anna):
    response = staff_client.get(change_url(anna))

    assert response.status_code == 200
    assert response.context["adminform"].form.fields == {}
    assert not response.context["has_change_permission"]
    assert "Mon 2026-11-23 10:00 CET (Europe/Warsaw)" in text_of(response)


def test_it_cannot_add_or_delete_callbacks(staff_client, anna, rf, superuser):
    request = rf.get("/")
    request.user = superuser
    model_admin = CallbackAdmin(Callback, admin.site)

    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_delete_permission(request, anna)
    assert staff_client.get(url("callback_add")).status_code == 403
    assert staff_client.post(url("callback_delete", anna.pk), {"post": "yes"}).status_code == 403
    assert Callback.objects.filter(pk=anna.pk).exists()


def test_it_ignores_a_status_posted_to_the_change_page(staff_client, anna):
    response = staff_client.post(
        change_url(anna), {"status": Status.COMPLETED, "attempts": "5", "_save": "Save"}
    )

    anna.refresh_from_db()
    assert response.status_code == 403
    assert anna.status == Status.SCHEDULED
    assert anna.attempts == 0


def test_it_shows_the_timeline_with_the_created_event(staff_client, anna, put_in):
    put_in(anna, Status.EXPORTING)

    response = staff_client.get(change_url(anna))

    timeline = response.context["inline_admin_formsets"][0]
    page = text_of(response)
    assert timeline.opts.verbose_name_plural == "timeline"
    assert [e.kind for e in anna.events.all()] == [EventKind.CREATED, EventKind.REVALIDATED]
    assert "Created" in page
    assert "\N{RIGHTWARDS ARROW} Scheduled" in page
    assert "Scheduled \N{RIGHTWARDS ARROW} Exporting to UCCX" in page
    assert "source: api" in page
    assert not timeline.has_add_permission
    assert not timeline.has_change_permission
    assert not timeline.has_delete_permission


def test_it_links_the_old_and_the_new_callback_of_a_reschedule(staff_client, anna):
    new = staff_client.post(reschedule_url(anna), {"scheduled_at": "2026-11-23T12:00"})
    successor = Callback.objects.get(rescheduled_from=anna)

    old_page = text_of(staff_client.get(change_url(anna)))
    new_page = text_of(staff_client.get(change_url(successor)))

    assert new.status_code == 302
    assert f'<a href="{change_url(successor)}">{successor.account_number}</a>' in old_page
    assert f'<a href="{change_url(anna)}">{anna.account_number}</a>' in new_page


def test_it_offers_the_reschedule_button_only_while_possible(staff_client, anna, put_in):
    before = text_of(staff_client.get(change_url(anna)))
    put_in(anna, Status.CANCELLED)
    after = text_of(staff_client.get(change_url(anna)))

    assert reschedule_url(anna) in before
    assert reschedule_url(anna) not in after


def cancel_url(callback: Callback) -> str:
    return url("callback_cancel", callback.pk)


def test_it_shows_the_timeline_first_and_folds_origin_and_timestamps(staff_client, anna):
    page = text_of(staff_client.get(change_url(anna)))

    # A supervisor opens a callback to see what happened: status and promise in one line,
    # the timeline, then the details.
    summary = page.index('id="callback-summary"')
    timeline = page.index('id="events-group"')
    first_fieldset = page.index('<fieldset class="module aligned')
    assert summary < timeline < first_fieldset
    assert "Mon 2026-11-23 10:00 CET (Europe/Warsaw)" in page[summary:timeline]
    assert page.count("<details><summary>") == 2  # Origin, Timestamps


def test_it_tells_what_is_known_of_the_dial_while_the_ivr_has_the_call(staff_client, anna, put_in):
    put_in(anna, Status.IN_DIALER)
    ivr.callback_route_for_ivr(account_number=anna.account_number)
    anna.refresh_from_db()
    looked_up = anna.events.get(kind=EventKind.IVR_LOOKUP).at

    page = text_of(staff_client.get(change_url(anna)))

    assert (anna.status, anna.attempts, anna.first_dialed_at) == (Status.IN_IVR, 0, None)
    assert "1 (dialer&#x27;s record pending)" in page
    assert f"before {admin_time(looked_up)}, when the IVR looked it up" in page
    assert ">0</div>" not in page


def test_it_shows_the_dialers_count_once_the_poll_read_it(staff_client, anna, put_in):
    put_in(anna, Status.IN_DIALER, attempts=2, first_dialed_at=NOW)
    ivr.callback_route_for_ivr(account_number=anna.account_number)

    page = text_of(staff_client.get(change_url(anna)))

    assert "pending" not in page
    assert admin_time(NOW) in page


def test_it_offers_cancel_on_the_page_while_the_callback_waits(staff_client, anna, put_in):
    before = text_of(staff_client.get(change_url(anna)))
    put_in(anna, Status.IN_IVR)
    after = text_of(staff_client.get(change_url(anna)))

    assert f'href="{cancel_url(anna)}"' in before
    assert cancel_url(anna) not in after


def test_the_pages_cancel_asks_then_cancels_with_the_reason_and_returns(staff_client, anna):
    asked = staff_client.get(cancel_url(anna))
    anna.refresh_from_db()
    assert asked.status_code == 200
    assert "Yes, cancel it" in text_of(asked)
    assert anna.status == Status.SCHEDULED

    done = staff_client.post(cancel_url(anna), {"confirm": "yes", "reason": "Customer asked"})

    anna.refresh_from_db()
    assert done.status_code == 302
    assert done["Location"] == change_url(anna)
    assert anna.status == Status.CANCELLED
    event = anna.events.get(kind=EventKind.CANCELLED)
    assert event.details["reason"] == "Customer asked"
    assert event.actor == "boss"


def test_the_pages_cancel_reports_a_callback_that_moved_on(staff_client, anna, put_in):
    put_in(anna, Status.COMPLETED)

    response = staff_client.post(cancel_url(anna), {"confirm": "yes"}, follow=True)

    anna.refresh_from_db()
    assert anna.status == Status.COMPLETED
    assert any(m.startswith("Not cancelled (1)") for m in messages_of(response))


def test_a_viewer_gets_no_cancel_button_and_may_not_cancel(client, anna):
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_callback"))
    client.force_login(viewer)

    page = text_of(client.get(change_url(anna)))
    refused = client.post(cancel_url(anna), {"confirm": "yes"})

    anna.refresh_from_db()
    assert cancel_url(anna) not in page
    assert refused.status_code == 403
    assert anna.status == Status.SCHEDULED


# --- cancel action ---------------------------------------------------------------


def test_it_asks_before_cancelling(staff_client, anna, piotr):
    response = run_action(staff_client, "cancel_selected", [anna, piotr])

    anna.refresh_from_db()
    assert response.status_code == 200
    assert "Yes, cancel them" in text_of(response)
    assert anna.status == Status.SCHEDULED


def test_it_cancels_and_reports_what_could_not_be_cancelled(staff_client, anna, piotr, put_in):
    put_in(piotr, Status.COMPLETED)

    response = run_action(
        staff_client,
        "cancel_selected",
        [anna, piotr],
        confirm="yes",
        reason="Customer called in",
    )

    anna.refresh_from_db()
    piotr.refresh_from_db()
    cancelled = anna.events.get(kind=EventKind.CANCELLED)
    assert response.status_code == 302
    assert anna.status == Status.CANCELLED
    assert piotr.status == Status.COMPLETED
    assert (cancelled.actor, cancelled.details) == ("boss", {"reason": "Customer called in"})
    assert messages_of(response) == [
        f"Cancelled 1 callback: {anna.account_number}.",
        f"Not cancelled (1): Callback {piotr.account_number} is completed; "
        "it cannot become cancelled.",
    ]


# --- re-validate action ----------------------------------------------------------


def test_it_reports_callbacks_that_still_meet_the_rules(staff_client, anna, piotr):
    response = run_action(staff_client, "revalidate_selected", [anna, piotr])

    assert response.status_code == 302
    assert messages_of(response) == [
        f"2 callbacks still meet every rule: {anna.account_number}, {piotr.account_number}."
    ]


def test_it_reports_a_callback_on_a_day_closed_after_booking(staff_client, anna, piotr):
    SpecialDay.objects.create(
        business_hours=BusinessHours.objects.get(name="Sales hours"),
        date=dt.date(2026, 11, 23),
        name="Stocktaking",
        closed=True,
    )
    events_before = anna.events.count()

    response = run_action(staff_client, "revalidate_selected", [anna, piotr])

    reports = messages_of(response)
    assert reports[0].startswith(f"{anna.account_number} (Mon 2026-11-23 10:00 CET")
    assert "Sales is closed on Monday 2026-11-23 (Stocktaking)." in reports[0]
    assert reports[1] == f"1 callback still meets every rule: {piotr.account_number}."
    assert anna.events.count() == events_before  # reports only, records nothing


def test_it_reports_full_slots_after_the_capacity_was_lowered(staff_client, make_callback):
    both = [make_callback(), make_callback(scheduled_at="2026-11-23T10:05")]
    set_rules(slot_capacity=1)

    response = run_action(staff_client, "revalidate_selected", both)

    reports = messages_of(response)
    assert len(reports) == 2
    assert all("capacity 1" in report for report in reports)


def test_it_does_not_count_a_callback_against_its_own_slot(staff_client, anna):
    set_rules(slot_capacity=1)

    response = run_action(staff_client, "revalidate_selected", [anna])

    assert messages_of(response) == [f"1 callback still meets every rule: {anna.account_number}."]


def test_it_skips_callbacks_that_are_no_longer_waiting(staff_client, anna, put_in):
    put_in(anna, Status.IN_DIALER)

    response = run_action(staff_client, "revalidate_selected", [anna])

    assert messages_of(response) == [
        f"Not re-validated (1): {anna.account_number}. Only scheduled callbacks are; "
        "the others are already with UCCX or finished."
    ]


# --- reschedule page -------------------------------------------------------------


@pytest.fixture
def company_day(demo) -> CustomHoliday:
    """Tuesday 24 November 2026: a one-off holiday of the Poland calendar."""
    return CustomHoliday.objects.create(
        calendar=HolidayCalendar.objects.get(name="Poland"),
        date=dt.date(2026, 11, 24),
        name="Company day",
    )


def test_it_shows_the_reschedule_form_in_the_skills_zone(staff_client, anna):
    response = staff_client.get(reschedule_url(anna))

    page = text_of(response)
    assert response.status_code == 200
    assert "Local wall-clock time in the skill&#x27;s time zone: Europe/Warsaw." in page
    # ISO and 24-hour whatever the browser's locale (issue 17 point 7): two text inputs.
    assert 'type="datetime-local"' not in page
    assert 'name="scheduled_at_date" value="2026-11-23"' in page  # starts from the current time
    assert 'name="scheduled_at_time" value="10:00"' in page


def test_it_fills_the_form_from_a_suggested_slot(staff_client, anna):
    response = staff_client.get(reschedule_url(anna), {"scheduled_at": "2026-11-25T08:15"})

    assert 'name="scheduled_at_date" value="2026-11-25"' in text_of(response)
    assert 'name="scheduled_at_time" value="08:15"' in text_of(response)


def test_it_reschedules_from_the_date_and_time_inputs(staff_client, anna):
    response = staff_client.post(
        reschedule_url(anna), {"scheduled_at_date": "2026-11-23", "scheduled_at_time": "14:30"}
    )

    successor = Callback.objects.get(rescheduled_from=anna)
    assert response.status_code == 302
    assert successor.scheduled_at == dt.datetime(2026, 11, 23, 13, 30, tzinfo=dt.UTC)


def test_it_refuses_a_twelve_hour_time_in_words(staff_client, anna):
    response = staff_client.post(
        reschedule_url(anna), {"scheduled_at_date": "11/23/2026", "scheduled_at_time": "2:30 PM"}
    )

    assert response.status_code == 200
    assert "Enter the date as YYYY-MM-DD and the time as HH:MM (24-hour)" in text_of(response)
    assert not Callback.objects.filter(rescheduled_from=anna).exists()


def test_it_names_a_day_the_calendar_lacks_not_a_wrong_format(staff_client, anna):
    response = staff_client.post(
        reschedule_url(anna), {"scheduled_at_date": "2027-02-29", "scheduled_at_time": "14:30"}
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "2027-02-29 does not exist: that month has no day 29." in page
    assert "Enter the date as" not in page
    assert not Callback.objects.filter(rescheduled_from=anna).exists()


def test_the_reschedule_page_speaks_polish(staff_client, anna):
    response = staff_client.get(reschedule_url(anna), HTTP_ACCEPT_LANGUAGE="pl")

    assert "Czas lokalny w strefie czasowej kolejki: Europe/Warsaw." in text_of(response)


def test_it_refuses_a_holiday_with_every_reason_and_suggestions(staff_client, anna, company_day):
    response = staff_client.post(reschedule_url(anna), {"scheduled_at": "2026-11-24T07:00"})

    page = text_of(response)
    anna.refresh_from_db()
    assert response.status_code == 200
    assert "Tuesday 2026-11-24 is a holiday (Company day); Sales is closed." in page
    assert "outside the callback hours 08:00-20:00" in page
    assert "outside_customer_hours" in page  # 07:00 is early for the customer too
    assert "3 rules not met" in page
    assert "?scheduled_at=2026-11-25T08%3A00" in page  # the first free slot, Wednesday
    assert anna.status == Status.SCHEDULED
    assert Callback.objects.count() == 1


def test_it_reschedules_to_a_valid_time(staff_client, anna):
    response = staff_client.post(reschedule_url(anna), {"scheduled_at": "2026-11-25T14:30"})

    anna.refresh_from_db()
    new = Callback.objects.get(rescheduled_from=anna)
    assert response.status_code == 302
    assert response["Location"] == change_url(new)
    assert anna.status == Status.RESCHEDULED
    assert new.status == Status.SCHEDULED
    assert new.scheduled_at == dt.datetime(2026, 11, 25, 13, 30, tzinfo=dt.UTC)
    assert (new.source, new.created_by) == ("admin", "boss")
    assert messages_of(response) == [
        f"{anna.account_number} was rescheduled; {new.account_number} takes over at "
        "Wed 2026-11-25 14:30 CET (Europe/Warsaw) (2026-11-25 13:30 UTC)."
    ]


def test_it_explains_why_a_finished_callback_cannot_be_rescheduled(staff_client, anna, put_in):
    put_in(anna, Status.COMPLETED)

    response = staff_client.post(reschedule_url(anna), {"scheduled_at": "2026-11-25T14:30"})

    assert response.status_code == 200
    assert f"Callback {anna.account_number} is completed; it cannot become rescheduled." in text_of(
        response
    )
    assert Callback.objects.count() == 1


def test_it_rejects_an_unreadable_time(staff_client, anna):
    response = staff_client.post(reschedule_url(anna), {"scheduled_at": "next monday"})

    assert response.status_code == 200
    assert "Enter the date as YYYY-MM-DD and the time as HH:MM (24-hour)" in text_of(response)


# --- campaigns -------------------------------------------------------------------


def test_it_shows_the_campaign_pages(staff_client, campaign):
    assert staff_client.get(url("callbackcampaign_changelist")).status_code == 200
    assert staff_client.get(url("callbackcampaign_add")).status_code == 200
    assert staff_client.get(url("callbackcampaign_change", campaign.pk)).status_code == 200


def test_it_groups_the_campaign_in_fieldsets(staff_client, campaign):
    response = staff_client.get(url("callbackcampaign_change", campaign.pk))

    names = [fieldset.name for fieldset in response.context["adminform"]]
    assert names == ["UCCX campaign", "Dial plan", "IVR routing", "Recall", "Export"]


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ({}, ["221234567", "0012125550100"]),
        ({"outside_line_prefix": "9"}, ["9221234567", "90012125550100"]),
        (
            {"home_region": "US", "national_prefix": "1", "international_prefix": "011"},
            ["01148221234567", "12125550100"],
        ),
    ],
    ids=["poland", "outside-line", "north-america"],
)
def test_it_shows_how_example_numbers_are_dialed(staff_client, campaign, plan, expected):
    CallbackCampaign.objects.filter(pk=campaign.pk).update(**plan)

    response = staff_client.get(url("callbackcampaign_change", campaign.pk))

    page = text_of(response)
    assert f"+48 22 123 45 67 is dialed <code>{expected[0]}</code>" in page
    assert f"+1 212-555-0100 is dialed <code>{expected[1]}</code>" in page


# --- API keys and idempotency records --------------------------------------------


def test_it_shows_a_new_api_key_once_and_stores_its_hash(staff_client):
    response = staff_client.post(
        url("apikey_add"), {"name": "Finesse gadget, site A", "scope": "gadget"}
    )

    [message] = [m for m in messages_of(response) if m.startswith("The API key for")]
    key = message.split("The API key for Finesse gadget, site A is: ")[1].split(". ")[0]
    stored = ApiKey.objects.get()
    assert response.status_code == 302
    assert stored.scope == "gadget"
    assert key.startswith(stored.prefix + ".")
    assert key not in stored.hashed_key
    assert ApiKey.objects.get_from_key(key) == stored
    assert key in text_of(staff_client.get(response["Location"]))  # the message, once
    assert key not in text_of(staff_client.get(response["Location"]))
    assert key not in text_of(staff_client.get(url("apikey_change", stored.pk)))


def test_it_lists_and_filters_keys_by_scope(staff_client):
    ApiKey.objects.create_key(name="Gadget", scope="gadget")
    ApiKey.objects.create_key(name="IVR", scope="ivr")

    response = staff_client.get(url("apikey_changelist"), {"scope__exact": "ivr"})

    assert [key.name for key in response.context["cl"].result_list] == ["IVR"]


def test_it_keeps_the_scope_of_an_existing_key(staff_client):
    key, _ = ApiKey.objects.create_key(name="Gadget", scope="gadget")

    response = staff_client.post(
        url("apikey_change", key.pk), {"name": "Gadget", "scope": "ivr", "revoked": "on"}
    )

    key.refresh_from_db()
    assert response.status_code == 302
    assert (key.scope, key.revoked) == ("gadget", True)


def test_it_offers_only_the_scoped_api_keys(staff_client):
    index = text_of(staff_client.get(reverse("admin:index")))

    assert url("apikey_changelist") in index
    assert "/admin/rest_framework_api_key/" not in index


def test_it_shows_idempotency_records_read_only(staff_client):
    record = IdempotencyRecord.objects.create(
        key="k-1", owner="AbCd1234", fingerprint="0" * 64, status_code=201, body={}
    )

    assert staff_client.get(url("idempotencyrecord_changelist")).status_code == 200
    assert staff_client.get(url("idempotencyrecord_change", record.pk)).status_code == 200
    assert staff_client.get(url("idempotencyrecord_add")).status_code == 403


def test_it_lets_a_viewer_look_and_re_validate_but_not_cancel_or_reschedule(client, anna):
    viewer = get_user_model().objects.create_user("viewer", password="pw", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_callback"))
    client.force_login(viewer)

    listing = client.get(reverse(CHANGELIST))
    page = client.get(change_url(anna))

    assert listing.status_code == 200
    assert [name for name, _ in listing.context["action_form"].fields["action"].choices] == [
        "",
        "revalidate_selected",
    ]
    assert page.status_code == 200
    assert reschedule_url(anna) not in text_of(page)
    assert "timeline" in text_of(page).lower()
    assert client.get(reschedule_url(anna)).status_code == 403
