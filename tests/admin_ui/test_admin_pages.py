"""The admin pages issue 17 changed, in headless Chromium at 1366x768 (en-US locale):
the callbacks list fits without sideways scrolling, the callback page starts with its
timeline and offers Cancel, the tool pages' and the reports' date and time inputs are ISO
and 24-hour, and axe-core finds nothing on any of them. Each test saves a screenshot
(test-artifacts/admin/, listed at the end of the run) for a person to look at.
"""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from callbacks import ivr, states
from callbacks.models import Callback, EventKind, Status
from scheduling.models import BusinessHours, HolidayCalendar, SpecialDay
from tests.accessibility import axe_without_violations, undecided
from tests.gadget.conftest import book, next_free_slots

from .conftest import VIEWPORT, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


# Django's navigation sidebar, unchanged: axe finds no violation in it, but leaves two of
# its checks undecided (the "+ Add" icons drawn as backgrounds, and a header column the
# sidebar's tables never fill), so "undecided" is judged on the rest of the page.
STOCK_SIDEBAR = "#nav-sidebar"


def assert_accessible(page, state: str, undecidable: str = STOCK_SIDEBAR) -> None:
    """No axe violation anywhere on the page, and nothing axe could not decide outside
    `undecidable` (CSS selectors; by default Django's own navigation sidebar)."""
    # The whole page in the viewport: axe cannot settle contrast below the fold.
    page.set_viewport_size(
        {**VIEWPORT, "height": page.evaluate("document.documentElement.scrollHeight")}
    )
    results = axe_without_violations(page, state)
    page.set_viewport_size(VIEWPORT)
    open_checks = undecided(results, keep=lambda target: not _inside(page, target, undecidable))
    assert open_checks == [], f"{state}: axe could not decide {open_checks}"


def _inside(page, target: list[str], selectors: str) -> bool:
    # axe's target: a selector unique in the document (more than one inside iframes).
    return len(target) == 1 and page.evaluate(
        "([selector, within]) => !!document.querySelector(selector)?.closest(within)",
        [target[0], selectors],
    )


# The reports' charts are SVG images (role=img, named and described): axe cannot judge
# the contrast of their text, so only its violations count there.
REPORT_CHARTS = f"{STOCK_SIDEBAR}, svg[role=img]"


def _walk(callback: Callback, *targets: str, **fields) -> Callback:
    for target in targets:
        extra = fields if target == targets[-1] else {}
        states.transition(callback, target, event=EventKind.REVALIDATED, actor="test", **extra)
    return callback


@pytest.fixture
def busy_list() -> list[Callback]:
    """A list as a supervisor sees it: long names, personal callbacks, dialed ones."""
    slots = next_free_slots(count=4)
    made = [
        book(
            "+48226000201",
            slots[0],
            first_name="Małgorzata",
            last_name="Brzęczyszczykiewicz-Wiśniewska",
            agent_id="jkowalski",
            agent_name="Jan Kowalski-Zieliński",
        ),
        book("+48226000202", slots[1], first_name="Anna", last_name="Nowak"),
        book("+48226000203", slots[2], campaign="Callback_Premium", first_name="Piotr"),
        book("+48226000204", slots[3], first_name="Zofia", last_name="Recall"),
    ]
    _walk(made[1], Status.EXPORTING, Status.IN_DIALER, attempts=2, last_result="no_answer")
    _walk(made[3], Status.EXPORTING, Status.IN_DIALER, attempts=3, last_result="answering_machine")
    _walk(made[2], Status.EXPORTING, Status.IN_DIALER)
    ivr.callback_route_for_ivr(account_number=made[2].account_number)  # in_ivr
    return made


def test_the_callbacks_list_fits_1366_pixels(admin_page, busy_list):
    page = admin_page
    page.goto(f"{page.base_url}/admin/callbacks/callback/")
    table = page.locator("#result_list")
    expect(table).to_be_visible()

    save_screenshot(page, "callbacks-list.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORT["width"], f"the page is {width} px wide"
    # Django wraps the table in a box that scrolls sideways on its own: it must not.
    box = page.evaluate(
        "(() => { const r = document.querySelector('#changelist .results');"
        " return [r.scrollWidth, r.clientWidth]; })()"
    )
    assert box[0] <= box[1], f"the table needs {box[0]} px in a {box[1]} px box"
    headers = {
        text.strip().lower(): right
        for text, right in page.evaluate(
            "[...document.querySelectorAll('#result_list thead th')].map("
            "th => [th.innerText, th.getBoundingClientRect().right])"
        )
    }
    for column in ("scheduled", "campaign", "skill", "agent", "attempts", "last result"):
        found = [right for text, right in headers.items() if text.startswith(column)]
        assert found, f"{column!r} not among {list(headers)}"
        assert found[0] <= VIEWPORT["width"], f"{column!r} ends at {found[0]} px"
    # One time per row: the local promise; UTC only as its tooltip.
    first = table.locator("tbody tr").first
    assert "UTC" not in first.inner_text()
    assert "UTC" in first.locator(".scheduled").get_attribute("title")
    # While in the IVR the dial is known before the dialer's record is read.
    expect(table.locator("tbody tr", has_text="In the IVR")).to_contain_text(
        "1 (dialer's record pending)"
    )
    assert_accessible(page, "callbacks list")


def test_the_callback_page_starts_with_its_timeline_and_offers_cancel(admin_page, busy_list):
    page = admin_page
    in_ivr = busy_list[2]
    page.goto(f"{page.base_url}/admin/callbacks/callback/{in_ivr.pk}/change/")

    save_screenshot(page, "callback-page-in-ivr.png")
    summary, timeline, first_fieldset = (
        page.locator(selector).first.bounding_box()["y"]
        for selector in ("#callback-summary", "#events-group", "fieldset.module.aligned")
    )
    assert summary < timeline < first_fieldset
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    expect(page.locator(".field-attempts_display")).to_contain_text("1 (dialer's record pending)")
    expect(page.locator(".field-first_dialed")).to_contain_text("when the IVR looked it up")
    assert_accessible(page, "callback page, in the IVR")

    waiting = busy_list[0]
    page.goto(f"{page.base_url}/admin/callbacks/callback/{waiting.pk}/change/")
    page.locator("#cancel-callback").click()
    expect(page.locator("h1")).to_have_text(f"Cancel callback {waiting}?")
    expect(page.locator("#content-main")).to_contain_text("the customer will not be called")
    save_screenshot(page, "callback-cancel-confirmation.png")
    assert_accessible(page, "cancel confirmation")
    page.fill("#id_reason", "Customer asked by e-mail")
    page.get_by_role("button", name="Yes, cancel it").click()

    expect(page.locator(".messagelist")).to_contain_text(f"Cancelled 1 callback: {waiting}")
    assert page.url.endswith(f"/admin/callbacks/callback/{waiting.pk}/change/")
    expect(page.locator("#events-group")).to_contain_text("Customer asked by e-mail")
    save_screenshot(page, "callback-page-cancelled.png")
    assert_accessible(page, "callback page, cancelled")


def assert_iso_inputs(page, name: str, date: str, time: str) -> None:
    """Two text inputs, ISO date and 24-hour time, in an en-US browser."""
    assert page.locator('input[type="datetime-local"]').count() == 0
    expect(page.locator(f'input[name="{name}_date"]')).to_have_value(date)
    expect(page.locator(f'input[name="{name}_time"]')).to_have_value(time)
    assert page.locator(f'input[name="{name}_date"]').get_attribute("type") == "text"
    shown = page.locator("#content-main").inner_text()
    assert " AM" not in shown and " PM" not in shown


def test_check_a_time_is_iso_and_24_hours_and_names_fields_in_words(admin_page):
    page = admin_page
    page.goto(f"{page.base_url}/admin/scheduling/skill/check-time/")
    page.select_option("#id_skill", "Sales")
    christmas = f"{dt.date.today().year + 1}-12-25"  # a holiday, in the booking horizon or not
    page.fill('input[name="when_date"]', christmas)
    page.fill('input[name="when_time"]', "14:30")
    page.fill("#id_phone", "12")
    page.get_by_role("button", name="Check").click()

    expect(page.locator("#verdict")).to_contain_text("Not valid")
    assert_iso_inputs(page, "when", christmas, "14:30")
    violations = page.locator("#violations").inner_text()
    assert "Date and time" in violations and "Customer phone" in violations
    assert "scheduled_at" not in violations and "phone_number" not in violations
    save_screenshot(page, "check-a-time.png")
    assert_accessible(page, "check a time with violations")

    page.locator("#free-slots a").first.click()  # a suggested slot fills both inputs
    expect(page.locator("#verdict")).to_contain_text("Not valid")  # the phone is still bad
    assert page.locator('input[name="when_time"]').input_value() != "14:30"


def test_the_reschedule_page_is_iso_and_24_hours(admin_page, busy_list):
    page = admin_page
    callback = busy_list[0]
    page.goto(f"{page.base_url}/admin/callbacks/callback/{callback.pk}/reschedule/")
    local = callback.scheduled_at.astimezone(ZoneInfo(callback.skill.business_hours.time_zone))

    assert_iso_inputs(page, "scheduled_at", f"{local:%Y-%m-%d}", f"{local:%H:%M}")
    save_screenshot(page, "reschedule.png")
    assert_accessible(page, "reschedule")


def test_the_holiday_preview_is_accessible(admin_page):
    page = admin_page
    calendar = HolidayCalendar.objects.get(name="Poland")
    page.goto(f"{page.base_url}/admin/scheduling/holidaycalendar/{calendar.pk}/preview/?year=2026")

    expect(page.locator("#holidays")).to_contain_text("2026-12-25")
    save_screenshot(page, "holiday-preview.png")
    assert_accessible(page, "holiday preview")


def test_the_callback_page_in_polish(admin_page, busy_list):
    page = admin_page
    page.context.add_cookies([{"name": "django_language", "value": "pl", "url": page.base_url}])
    page.goto(f"{page.base_url}/admin/callbacks/callback/{busy_list[1].pk}/change/")

    expect(page.locator("html")).to_have_attribute("lang", "pl")
    save_screenshot(page, "callback-page-polish.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT["width"]
    assert_accessible(page, "callback page, Polish")


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_admins_date_and_time_widgets_write_iso_and_24_hours(admin_page, language):
    # Django's calendar and clock shortcuts write the language's first input format: ISO
    # and 24-hour in both (campaign_manager/formats), in an en-US browser.
    page = admin_page
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    page.goto(f"{page.base_url}/admin/scheduling/donotcallentry/add/")
    page.locator(".field-ends_on .datetimeshortcuts a").first.click()  # Today
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", page.input_value("#id_ends_on"))

    hours = BusinessHours.objects.get(name="Sales hours")
    SpecialDay.objects.create(
        business_hours=hours,
        date=dt.date(2027, 12, 24),
        name="Eve",
        opens=dt.time(14, 30),
        closes=dt.time(18, 0),
    )
    page.goto(f"{page.base_url}/admin/scheduling/businesshours/{hours.pk}/change/")
    expect(page.locator("input[value='2027-12-24']")).to_have_count(1)
    expect(page.locator("input[value='14:30']")).to_have_count(1)
    save_screenshot(page, f"business-hours-{language}.png")
    assert " PM" not in page.locator("#content-main").inner_text()


def test_the_reports_export_days_are_iso_and_name_a_missing_day(admin_page):
    page = admin_page
    page.goto(f"{page.base_url}/admin/reports/")
    assert page.locator('input[type="date"]').count() == 0
    start, end = page.locator("#report-csv-start"), page.locator("#report-csv-end")
    assert start.get_attribute("type") == end.get_attribute("type") == "text"
    today = dt.datetime.now(ZoneInfo("Europe/Warsaw")).date()
    expect(end).to_have_value(today.isoformat())
    expect(start).to_have_value((today - dt.timedelta(days=29)).isoformat())
    save_screenshot(page, "reports.png")
    assert_accessible(page, "reports dashboard", REPORT_CHARTS)

    start.fill("2027-02-29")  # the form a person types, a day February 2027 lacks
    end.fill("2027-03-05")
    page.get_by_role("button", name="Download CSV for these days").click()

    errors = page.locator("#report-filter-errors")
    expect(errors).to_contain_text(
        "First day: 2027-02-29 does not exist: that month has no day 29."
    )
    assert "start" not in errors.inner_text()
    expect(page.locator("#report-csv-start")).to_have_value("2027-02-29")  # as typed, to mend
    save_screenshot(page, "reports-missing-day.png")
    assert_accessible(page, "reports dashboard, a missing export day", REPORT_CHARTS)

    page.locator("#report-csv-start").fill("2027-02-28")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV for these days").click()
    assert download.value.suggested_filename == "callback-report_2027-02-28_2027-03-05.csv"
