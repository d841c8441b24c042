"""Accessibility of the gadget, checked by axe-core (the copy bundled with the
axe-playwright-python package, so no network) on the preview page in headless Chromium,
in each state an agent sees: the empty form, errors with suggested slots, the
confirmation, and the list of pending callbacks with a cancel question and a
reschedule picker open. Every axe violation fails, whatever its impact, with axe's own
report (rule, elements, how to fix), and so does a check axe could not settle.

axe checks what a program can (names, roles, ARIA, contrast, structure); the keyboard
test in test_gadget_browser.py covers operating it.
"""

import pytest
from playwright.sync_api import expect

from scheduling.models import CustomHoliday, HolidayCalendar
from tests.accessibility import axe_without_violations, undecided

from .conftest import book, next_free_slots

pytestmark = pytest.mark.django_db(transaction=True)


def assert_accessible(page, state: str) -> None:
    results = axe_without_violations(page, state)
    # Nothing axe could not decide either, so every check is settled by the machine, not
    # left to a person.
    open_checks = undecided(results)
    assert open_checks == [], f"{state}: axe could not decide {open_checks}"


def test_it_has_no_axe_violations_on_the_empty_form(open_gadget):
    book("+48226000101", next_free_slots()[0], agent_id="jkowalski")
    page = open_gadget()

    assert_accessible(page, "empty form")


def test_it_has_no_axe_violations_in_polish(open_gadget):
    page = open_gadget(lang="pl")
    expect(page.locator("#cbg")).to_have_attribute("lang", "pl")

    assert_accessible(page, "empty form, Polish")


def test_it_has_no_axe_violations_with_errors_and_suggestions(open_gadget):
    first = next_free_slots()[0]
    calendar = HolidayCalendar.objects.get(name="Poland")
    CustomHoliday.objects.create(calendar=calendar, name="A11y holiday", date=first.local.date())
    page = open_gadget()

    page.fill("#cbg-phone", "12")
    page.select_option("#cbg-campaign", "Callback_Main")
    page.locator(f'#cbg-when-days button[data-date="{first.local.date()}"]').click()
    page.fill("#cbg-when-time", first.local.strftime("%H:%M"))
    expect(page.locator("#cbg-phone-error")).not_to_be_empty()
    expect(page.locator("#cbg-when-error")).not_to_be_empty()
    expect(page.locator("#cbg-when-suggestions button").first).to_be_visible()

    assert_accessible(page, "errors with suggestions")


def test_it_has_no_axe_violations_on_the_confirmation(open_gadget):
    page = open_gadget()
    page.fill("#cbg-phone", "22 600 01 02")
    page.select_option("#cbg-campaign", "Callback_Main")
    page.locator('#cbg-when-days button[data-available="true"] >> nth=1').click()
    page.locator("#cbg-when-slots button >> nth=0").click()
    page.click("#cbg-submit")
    expect(page.locator("#cbg-confirmation")).to_be_visible()

    assert_accessible(page, "confirmation")


def test_it_has_no_axe_violations_in_the_pending_list(open_gadget):
    slots = next_free_slots(count=2)
    first = book("+48226000103", slots[0], agent_id="jkowalski", first_name="Olga")
    second = book("+48226000104", slots[1], agent_id="jkowalski")
    page = open_gadget()

    mine = "#cbg-mine-list li[data-account='{}']"
    page.locator(mine.format(first.account_number)).locator('[data-action="cancel"]').click()
    expect(page.locator(mine.format(first.account_number))).to_contain_text("Cancel callback")
    page.locator(mine.format(second.account_number)).locator('[data-action="reschedule"]').click()
    expect(page.locator(f"#cbg-move-{second.pk}-slots button").first).to_be_visible()

    assert_accessible(page, "pending callbacks, cancel asked, reschedule open")
