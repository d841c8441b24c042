"""The scheduling admin: configuration pages, "Check a time" and the holiday preview.

Cast: the demo configuration (tests/cast.py: Sales Mon-Fri 08:00-20:00 and Sat 09:00-14:00,
Support daily 07:00-22:00, both Europe/Warsaw, Polish holidays plus a yearly Christmas
Eve) and one logged-in superuser. Time is fixed per test with time_machine.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from scheduling.admin import weekly_summary
from scheduling.models import (
    BusinessHours,
    CustomHoliday,
    DoNotCallEntry,
    GlobalRules,
    HolidayCalendar,
    OpeningPeriod,
    Skill,
    SpecialDay,
)
from tests.cast import load as load_cast

# Friday 20 November 2026, 10:00 in Warsaw: every logged-in test runs at this moment
# unless it parametrizes `clock`.
FRIDAY_MORNING = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
CHECK_TIME = "admin:scheduling_skill_check_time"
PREVIEW = "admin:scheduling_holidaycalendar_preview"


@pytest.fixture
def seeded(db):
    load_cast()


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")


@pytest.fixture
def clock(request):
    """Frozen time: FRIDAY_MORNING, or the moment a test parametrizes `clock` with
    (indirect=True). The login comes after it, so the session is valid in that time."""
    with time_machine.travel(getattr(request, "param", FRIDAY_MORNING), tick=False) as traveller:
        yield traveller


@pytest.fixture
def staff_client(clock, client, superuser, seeded):
    client.force_login(superuser)
    return client


@pytest.fixture
def year_end(seeded) -> SpecialDay:
    return SpecialDay.objects.create(
        business_hours=BusinessHours.objects.get(name="Sales hours"),
        date=dt.date(2026, 12, 31),
        name="Year end",
        closed=True,
    )


def check(client, **params):
    return client.get(reverse(CHECK_TIME), params)


def text_of(response) -> str:
    return response.content.decode()


# --- configuration pages ---------------------------------------------------------

EDITABLE = [HolidayCalendar, BusinessHours, Skill]
BROWSE_ONLY = [CustomHoliday, OpeningPeriod, SpecialDay]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:scheduling_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", EDITABLE + BROWSE_ONLY, ids=lambda m: m.__name__)
def test_it_shows_the_changelist(staff_client, model):
    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", EDITABLE, ids=lambda m: m.__name__)
def test_it_shows_the_add_page(staff_client, model):
    response = staff_client.get(admin_url(model, "add"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", EDITABLE + BROWSE_ONLY, ids=lambda m: m.__name__)
def test_it_shows_the_change_page(staff_client, year_end, model):
    obj = model.objects.order_by("pk").first()

    response = staff_client.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


@pytest.mark.parametrize("model", BROWSE_ONLY, ids=lambda m: m.__name__)
def test_it_leaves_editing_of_rows_to_their_parent_page(staff_client, model):
    response = staff_client.get(admin_url(model, "add"))

    assert response.status_code == 403


def test_it_redirects_the_global_rules_list_to_its_single_page(staff_client):
    response = staff_client.get(admin_url(GlobalRules, "changelist"))

    assert response.status_code == 302
    assert response["Location"] == admin_url(GlobalRules, "change", GlobalRules.SINGLETON_ID)
    assert staff_client.get(response["Location"]).status_code == 200


def test_it_offers_no_add_for_global_rules(staff_client):
    index = staff_client.get(reverse("admin:index"))

    response = staff_client.get(admin_url(GlobalRules, "add"))

    assert response.status_code == 403
    assert admin_url(GlobalRules, "add") not in text_of(index)


def test_it_groups_the_global_rules_in_fieldsets(staff_client):
    response = staff_client.get(admin_url(GlobalRules, "change", GlobalRules.SINGLETON_ID))

    names = [fieldset.name for fieldset in response.context["adminform"]]
    assert names == [
        "Callback hours",
        "Booking",
        "Slots",
        "Customer's local calling window",
        "Phone numbers",
        "Dialer and purge",
        "Customer called in first",
        "Reports and retention",
    ]


def global_rules_post(client, **changes) -> dict:
    """The change form's current values as POST data, with changes."""
    page = client.get(admin_url(GlobalRules, "change", GlobalRules.SINGLETON_ID))
    form = page.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = value.strftime("%H:%M") if isinstance(value, dt.time) else value
    return data | changes


def test_it_rejects_global_rules_whose_latest_time_is_before_the_earliest(staff_client):
    data = global_rules_post(staff_client, earliest_time="18:00", latest_time="09:00")

    response = staff_client.post(admin_url(GlobalRules, "change", 1), data)

    assert response.status_code == 200
    assert "The latest time must be after the earliest time." in text_of(response)
    assert GlobalRules.load().earliest_time == dt.time(8, 0)


def test_it_saves_valid_global_rules(staff_client):
    data = global_rules_post(staff_client, slot_capacity="4")

    response = staff_client.post(admin_url(GlobalRules, "change", 1), data)

    assert response.status_code == 302
    assert GlobalRules.load().slot_capacity == 4


def business_hours_post(periods: list[tuple[int, str, str]]) -> dict:
    data = {
        "name": "Night desk",
        "time_zone": "Europe/Warsaw",
        "holiday_calendar": "",
        "periods-TOTAL_FORMS": str(len(periods)),
        "periods-INITIAL_FORMS": "0",
        "special_days-TOTAL_FORMS": "0",
        "special_days-INITIAL_FORMS": "0",
    }
    for index, (weekday, opens, closes) in enumerate(periods):
        data |= {
            f"periods-{index}-weekday": str(weekday),
            f"periods-{index}-opens": opens,
            f"periods-{index}-closes": closes,
        }
    return data


def test_it_rejects_overlapping_periods_on_the_same_day(staff_client):
    data = business_hours_post([(0, "08:00", "12:00"), (0, "11:00", "16:00")])

    response = staff_client.post(admin_url(BusinessHours, "add"), data)

    assert response.status_code == 200
    assert "Opening periods on Monday overlap." in text_of(response)
    assert not BusinessHours.objects.filter(name="Night desk").exists()


def test_it_accepts_periods_that_only_touch(staff_client):
    data = business_hours_post([(0, "08:00", "12:00"), (0, "12:00", "16:00")])

    response = staff_client.post(admin_url(BusinessHours, "add"), data)

    assert response.status_code == 302
    assert BusinessHours.objects.get(name="Night desk").periods.count() == 2


def test_it_ignores_a_period_marked_for_deletion_in_the_overlap_check(staff_client):
    data = business_hours_post([(0, "08:00", "12:00"), (0, "11:00", "16:00")])
    data["periods-1-DELETE"] = "on"

    response = staff_client.post(admin_url(BusinessHours, "add"), data)

    assert response.status_code == 302
    period = BusinessHours.objects.get(name="Night desk").periods.get()
    assert (period.opens, period.closes) == (dt.time(8), dt.time(12))


def test_it_ignores_empty_extra_rows_in_the_overlap_check(staff_client):
    data = business_hours_post([(0, "08:00", "12:00"), (0, "12:00", "16:00")])
    data |= {
        "periods-TOTAL_FORMS": "3",
        "periods-2-weekday": "",
        "periods-2-opens": "",
        "periods-2-closes": "",
    }

    response = staff_client.post(admin_url(BusinessHours, "add"), data)

    assert response.status_code == 302
    assert BusinessHours.objects.get(name="Night desk").periods.count() == 2


def test_it_rejects_a_period_crossing_midnight_with_advice(staff_client):
    data = business_hours_post([(4, "22:00", "21:00")])

    response = staff_client.post(admin_url(BusinessHours, "add"), data)

    assert response.status_code == 200
    assert "For hours past midnight add two periods" in text_of(response)
    assert not BusinessHours.objects.filter(name="Night desk").exists()


def test_it_accepts_a_period_closing_at_midnight(staff_client):
    data = business_hours_post([(4, "22:00", "00:00")])

    response = staff_client.post(admin_url(BusinessHours, "add"), data)

    assert response.status_code == 302
    period = BusinessHours.objects.get(name="Night desk").periods.get()
    assert (period.opens, period.closes) == (dt.time(22), dt.time(0))


def test_it_summarises_the_weekly_hours_in_the_list(staff_client):
    response = staff_client.get(admin_url(BusinessHours, "changelist"))

    shown = text_of(response).replace("\N{EN DASH}", "-")
    run = '<span style="white-space: nowrap">{}</span>'
    sales = "; ".join(run.format(days) for days in ("Mon-Fri 08:00-20:00", "Sat 09:00-14:00"))
    assert sales in shown
    assert run.format("Mon-Sun 07:00-22:00") in shown


def test_it_links_each_calendar_to_its_holiday_preview(staff_client):
    poland = HolidayCalendar.objects.get(name="Poland")

    listing = staff_client.get(admin_url(HolidayCalendar, "changelist"))
    page = staff_client.get(admin_url(HolidayCalendar, "change", poland.pk))

    assert reverse(PREVIEW, args=[poland.pk]) in text_of(listing)
    assert reverse(PREVIEW, args=[poland.pk]) in text_of(page)


def test_it_records_who_changed_a_skill(staff_client, superuser):
    skill = Skill.objects.get(name="Sales")
    data = {
        "name": "Sales",
        "enabled": "",
        "business_hours": str(skill.business_hours_id),
        "uccx_skill_id": "12",
        "uccx_csq_id": "",
    }

    response = staff_client.post(admin_url(Skill, "change", skill.pk), data)

    assert response.status_code == 302
    latest = skill.history.first()
    assert latest.history_user == superuser
    assert (latest.enabled, latest.uccx_skill_id) == (False, 12)


# --- Check a time ----------------------------------------------------------------


def test_it_links_to_check_a_time_from_the_skill_list(staff_client):
    response = staff_client.get(admin_url(Skill, "changelist"))

    assert reverse(CHECK_TIME) in text_of(response)


def test_it_shows_the_empty_check_form_in_the_admin(staff_client):
    response = staff_client.get(reverse(CHECK_TIME))

    assert response.status_code == 200
    assert 'type="datetime-local"' not in text_of(response)
    assert 'name="when_date"' in text_of(response)
    assert 'placeholder="HH:MM"' in text_of(response)
    assert "Europe/Warsaw" in text_of(response)
    assert response.context["result"] is None


def test_it_requires_a_staff_login_for_check_a_time(client, seeded):
    response = client.get(reverse(CHECK_TIME))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("clock", [dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)], indirect=True)
def test_it_lists_a_custom_holiday_and_the_next_free_slots(staff_client):
    response = check(staff_client, skill="Sales", when="2026-12-24T10:00")

    result = response.context["result"]
    assert [v.code for v in result["assessment"].violations] == ["holiday"]
    assert "Christmas Eve" in text_of(response)
    # 25-26 Dec are holidays, 27 Dec a Sunday: Monday 28 Dec opens at 08:00.
    assert [slot["local"] for slot in result["slots"]][:2] == [
        "Mon 2026-12-28 08:00 CET (UTC+01:00)",
        "Mon 2026-12-28 08:15 CET (UTC+01:00)",
    ]
    assert len(result["slots"]) == 5
    assert "?skill=Sales&amp;when=2026-12-28T08%3A00" in text_of(response)


@pytest.mark.parametrize("clock", [dt.datetime(2026, 11, 1, 9, 0, tzinfo=dt.UTC)], indirect=True)
def test_it_lists_a_public_holiday(staff_client):
    response = check(staff_client, skill="Sales", when="2026-11-11T10:00")

    assert "holiday" in [v.code for v in response.context["result"]["assessment"].violations]
    assert "National Independence Day" in text_of(response)
    assert response.context["result"]["slots"]


def test_it_lists_every_violation_at_once(staff_client):
    # Sunday 07:00 in Warsaw: Sales is closed, before 08:00, and 01:00 in New York.
    response = check(staff_client, skill="Sales", when="2026-11-22T07:00", phone="+12125550100")

    violations = response.context["result"]["assessment"].violations
    assert {v.code for v in violations} == {
        "skill_closed",
        "outside_global_window",
        "outside_customer_hours",
    }
    assert "Not valid — 3 rules not met" in text_of(response)
    for violation in violations:
        assert violation.message.replace("'", "&#x27;") in text_of(response)


def test_it_names_each_broken_rules_field_in_words(staff_client):
    # Issue 17 point 7: "Date and time", never the wire name `scheduled_at`.
    response = check(
        staff_client, skill="Sales", when_date="2026-11-22", when_time="07:00", phone="12"
    )

    page = text_of(response)
    assert {v.code for v in response.context["result"]["assessment"].violations} >= {
        "skill_closed",
        "invalid_phone",
    }
    assert "<td>Date and time</td>" in page
    assert "<td>Customer phone</td>" in page
    assert "scheduled_at" not in page
    assert "phone_number" not in page


def test_it_reads_the_date_and_time_inputs_and_shows_them_again(staff_client):
    response = check(staff_client, skill="Sales", when_date="2026-11-23", when_time="10:00")

    page = text_of(response)
    assert response.context["result"]["assessment"].valid
    assert 'name="when_date" value="2026-11-23"' in page
    assert 'name="when_time" value="10:00"' in page


def test_it_says_a_valid_time_can_be_booked(staff_client):
    response = check(staff_client, skill="Sales", when="2026-11-23T10:00")

    result = response.context["result"]
    assert result["assessment"].valid
    assert "Valid — can be booked" in text_of(response)
    assert result["local"] == "Mon 2026-11-23 10:00 CET (UTC+01:00)"
    assert result["utc"] == "2026-11-23 09:00 UTC"
    assert result["slots"][0]["local"] == "Mon 2026-11-23 10:00 CET (UTC+01:00)"
    assert result["slots"][0]["remaining"] == 10


def test_it_reports_a_time_skipped_by_daylight_saving(staff_client):
    response = check(staff_client, skill="Support", when="2027-03-28T02:30")

    result = response.context["result"]
    found = [v.code for v in result["assessment"].violations]
    assert found[0] == "invalid_datetime"
    assert "holiday" in found  # Easter Sunday 2027: reported with the gap (issue 17 point 8)
    assert "does not exist in Europe/Warsaw" in text_of(response)
    assert result["local"] is None


def test_the_date_and_time_inputs_report_a_time_skipped_by_daylight_saving(staff_client):
    response = check(staff_client, skill="Support", when_date="2027-03-28", when_time="02:30")

    result = response.context["result"]
    codes = [v.code for v in result["assessment"].violations]
    # The gap first; the other rules still judge the time (Easter Sunday: a holiday).
    assert codes[0] == "invalid_datetime" and "holiday" in codes
    assert result["local"] is None
    assert 'name="when_time" value="02:30"' in text_of(response)


@pytest.mark.parametrize("clock", [dt.datetime(2026, 10, 20, 9, 0, tzinfo=dt.UTC)], indirect=True)
def test_the_date_and_time_inputs_read_a_repeated_hour_as_the_engine_does(staff_client):
    # 2026-10-25 02:30 happens twice in Warsaw; the inputs pass the wall time on unchanged.
    by_inputs = check(staff_client, skill="Support", when_date="2026-10-25", when_time="02:30")
    by_link = check(staff_client, skill="Support", when="2026-10-25T02:30")

    # Its first occurrence (docs/decisions/scheduling-rules.md), by either way in.
    assert by_inputs.context["result"]["local"] == "Sun 2026-10-25 02:30 CEST (UTC+02:00)"
    assert by_inputs.context["result"]["utc"] == "2026-10-25 00:30 UTC"
    assert by_link.context["result"]["utc"] == by_inputs.context["result"]["utc"]


def test_it_checks_the_customers_own_calling_hours(staff_client):
    response = check(staff_client, skill="Sales", when="2026-11-23T10:00", phone="+1 212 555 0100")

    result = response.context["result"]
    assert [v.code for v in result["assessment"].violations] == ["outside_customer_hours"]
    assert result["phone"].e164 == "+12125550100"
    assert "America/New_York" in text_of(response)
    # A slot link keeps the phone, so re-checking it judges the same customer.
    assert "phone=%2B1+212+555+0100" in text_of(response)


def test_it_reports_a_listed_number_as_booking_would_and_suggests_after_the_listing(
    staff_client,
):
    DoNotCallEntry.objects.create(
        value="+48221234567", kind="number", reason="asked", ends_on=dt.date(2026, 11, 24)
    )

    response = check(staff_client, skill="Sales", when="2026-11-23T10:00", phone="22 123 45 67")

    result = response.context["result"]
    assert [v.code for v in result["assessment"].violations] == ["do_not_call"]
    assert "+48221234567 is on the do-not-call list until 2026-11-24: asked" in text_of(response)
    assert result["slots"][0]["local"] == "Wed 2026-11-25 08:00 CET (UTC+01:00)"


def test_it_reports_an_invalid_phone_number(staff_client):
    response = check(staff_client, skill="Sales", when="2026-11-23T10:00", phone="12")

    result = response.context["result"]
    assert [v.code for v in result["assessment"].violations] == ["invalid_phone"]
    assert result["phone"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"skill": "Nope", "when": "2026-11-23T10:00"}, "skill"),
        ({"skill": "", "when": "2026-11-23T10:00"}, "skill"),
        ({"when": "2026-11-23T10:00"}, "skill"),
        ({"skill": "Sales", "when": "tomorrow"}, "when"),
        ({"skill": "Sales", "when": ""}, "when"),
        ({"skill": "Sales", "when_date": "23.11.2026", "when_time": "10:00"}, "when"),
        ({"skill": "Sales", "when_date": "2026-11-23", "when_time": "10:00 AM"}, "when"),
        ({"skill": "Sales", "when_date": "2026-11-23", "when_time": ""}, "when"),
    ],
)
def test_it_reshows_the_form_on_bad_input(staff_client, params, field):
    response = check(staff_client, **params)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert response.context["result"] is None
    assert "errorlist" in text_of(response)


def test_it_preselects_the_skill_from_its_page(staff_client):
    support = Skill.objects.get(name="Support")

    page = staff_client.get(admin_url(Skill, "change", support.pk))
    response = staff_client.get(reverse(CHECK_TIME), {"skill": "Support"})

    assert f"{reverse(CHECK_TIME)}?skill=Support" in text_of(page)
    assert response.context["form"]["skill"].value() == "Support"
    assert not response.context["form"].errors


# --- holiday preview -------------------------------------------------------------


def preview(client, year=None, calendar=None):
    calendar = calendar or HolidayCalendar.objects.get(name="Poland")
    params = {} if year is None else {"year": year}
    return client.get(reverse(PREVIEW, args=[calendar.pk]), params)


def dates_shown(response) -> dict[str, str]:
    return {row["date"].isoformat(): row["name"] for row in response.context["holidays"]}


def test_it_previews_moving_and_custom_holidays(staff_client):
    response = preview(staff_client, 2027)

    shown = dates_shown(response)
    assert shown["2027-03-29"] == "Easter Monday"
    assert shown["2027-05-27"] == "Corpus Christi"
    assert shown["2027-12-24"] == "Christmas Eve"
    assert "Monday" in text_of(response)


def test_it_previews_corpus_christi_of_2026(staff_client):
    response = preview(staff_client, 2026)

    assert dates_shown(response)["2026-06-04"] == "Corpus Christi"


def test_it_shows_a_custom_one_off_holiday(staff_client):
    poland = HolidayCalendar.objects.get(name="Poland")
    CustomHoliday.objects.create(calendar=poland, date=dt.date(2027, 7, 9), name="Company day")

    response = preview(staff_client, 2027)

    assert dates_shown(response)["2027-07-09"] == "Company day"


def test_it_previews_the_current_year_by_default(staff_client):
    response = preview(staff_client)

    assert response.context["year"] == 2026
    assert "?year=2025" in response.context["previous_url"]
    assert "?year=2027" in response.context["next_url"]


def test_it_falls_back_to_this_year_on_a_bad_year(staff_client):
    response = preview(staff_client, "next")

    assert response.status_code == 200
    assert response.context["year"] == 2026
    assert "year" in response.context["form"].errors


def test_it_switches_calendar_from_the_selector(staff_client):
    other = HolidayCalendar.objects.create(name="Germany", country="DE")
    poland = HolidayCalendar.objects.get(name="Poland")

    response = staff_client.get(
        reverse(PREVIEW, args=[poland.pk]), {"calendar": other.pk, "year": 2027}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(PREVIEW, args=[other.pk]) + "?year=2027"


def test_it_answers_404_for_an_unknown_calendar(staff_client):
    response = staff_client.get(reverse(PREVIEW, args=[999]))

    assert response.status_code == 404


# --- admin index -----------------------------------------------------------------


def test_it_shows_the_tools_on_the_index(staff_client):
    poland = HolidayCalendar.objects.get(name="Poland")

    response = staff_client.get(reverse("admin:index"))

    assert "Tools" in text_of(response)
    assert reverse(CHECK_TIME) in text_of(response)
    assert reverse(PREVIEW, args=[poland.pk]) in text_of(response)


def test_it_shows_the_index_without_any_calendar(client, superuser):
    client.force_login(superuser)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert "No holiday calendar yet" in text_of(response)


def test_it_summarises_split_days_and_hours_until_midnight():
    split = [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(20))]
    periods = [
        OpeningPeriod(weekday=day, opens=opens, closes=closes)
        for day in (0, 1, 3)
        for opens, closes in split
    ] + [OpeningPeriod(weekday=4, opens=dt.time(22), closes=dt.time(0))]

    runs = [run.replace("\N{EN DASH}", "-") for run in weekly_summary(periods)]

    assert runs == [
        "Mon-Tue 08:00-12:00, 13:00-20:00",
        "Thu 08:00-12:00, 13:00-20:00",
        "Fri 22:00-24:00",
    ]
    assert weekly_summary([]) == ["Closed every day"]
