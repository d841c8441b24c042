"""Issue 17: the admin in Polish, seen in a browser (Debian's Chromium via Playwright, as
the gadget tests run it): the header's language switch worked with the keyboard, then
screenshots of the admin index, a callback page and the reports dashboard saved as test
artifacts under test-artifacts/admin/ (printed at the end of the run) for a person to look at.
Each page is also checked by the machine: key Polish words there, no English left in the
places we translated, and no axe-core violation (nor a check axe could not settle).
"""

import pathlib

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from playwright.sync_api import expect

from ops import beat
from tests.accessibility import axe_without_violations, undecided
from tests.admin_ui.conftest import ARTIFACTS_DIR as ARTIFACTS_ROOT
from tests.cast import load as load_cast
from tests.gadget.conftest import ARTIFACTS, book, browser, next_free_slots, page  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ARTIFACTS_DIR = ARTIFACTS_ROOT / "admin"  # beside the other admin screenshots
WIDTH = 1366  # the smallest laptop screen the admin is used on (issue 17, point 4)
# What the sidebar and the index call our models in Polish, and the English they replace.
REPORT_OURS = ["#header", "#report-filters", ".report-tiles", ".report-columns", "#report-export"]
INDEX_OURS = ["#header", "#uccx-health-module", "#tools-module"]
SIDEBAR = {
    "Oddzwonienia": "Callbacks",
    "Kampanie oddzwonień": "Callback campaigns",
    "Zasady ponawiania": "Recall policies",
    "Reguły planowania": "Scheduling rules",
    "Kalendarze świąt": "Holiday calendars",
    "Godziny pracy": "Business hours",
    "Kolejki": "Skills",
    "Lista zakazu połączeń": "Do-not-call list",
    "Reguły globalne": "Global rules",
    "Integracja z UCCX": "UCCX integration",
    "Partie importu UCCX": "UCCX import batches",
    "Zadania okresowe": "Periodic tasks",
}


@pytest.fixture
def admin_page(page, live_server):  # noqa: F811 (the gadget tests' browser page)
    """A superuser signed in on the live server, the demo cast and one booked callback."""
    load_cast()
    # The beat schedule as migrate writes it (a transactional test before this one may
    # have flushed it), so the health box shows the tasks waiting for their first run.
    beat.ensure_periodic_tasks(
        beat.default_schedule(), PeriodicTask, IntervalSchedule, CrontabSchedule, settings.TIME_ZONE
    )
    get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-boss-17")
    callback = book("+48226001717", next_free_slots()[0], first_name="Anna", last_name="Nowak")
    page.set_viewport_size({"width": WIDTH, "height": 900})
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", "boss")
    page.fill("#id_password", "pw-boss-17")
    page.click("input[type=submit]")
    expect(page.locator("#language-switch")).to_be_visible()
    page.callback = callback  # type: ignore[attr-defined]
    return page


def screenshot(tab, name: str) -> pathlib.Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / name
    tab.screenshot(path=str(path), full_page=True)
    ARTIFACTS.append(path)  # listed at the end of the run (tests/gadget/conftest.py)
    print(f"admin screenshot: {path}")
    return path


def assert_accessible(tab, what: str, ours: list[str], skip: str = "") -> None:
    """No axe violation on the whole page (but `skip`, a CSS selector); and in our own
    parts of it (`ours`: CSS selectors), no check axe could not settle either. Django's
    own admin has checks axe leaves open (its add/change icons are background images):
    those are not ours."""
    # The whole page in the viewport: axe cannot settle contrast below the fold.
    height = tab.evaluate("document.documentElement.scrollHeight")
    tab.set_viewport_size({"width": WIDTH, "height": height})
    axe_without_violations(tab, what, context={"exclude": [[skip]]} if skip else None)
    open_checks = undecided(axe_without_violations(tab, what, context=ours))
    assert open_checks == [], f"{what}: axe could not decide {open_checks}"


def switch_to_polish_with_the_keyboard(tab) -> None:
    tab.focus("#language-select")
    tab.keyboard.press("ArrowDown")  # English -> Polski
    tab.keyboard.press("Tab")  # to the Change button
    expect(tab.locator("#language-switch button")).to_be_focused()
    tab.keyboard.press("Enter")
    expect(tab.locator("html")).to_have_attribute("lang", "pl")


def test_the_admin_in_polish_index_callback_and_reports(admin_page, live_server, capsys):
    tab = admin_page
    screenshot(tab, "admin-index-en.png")
    assert_accessible(tab, "admin index, English", INDEX_OURS)

    switch_to_polish_with_the_keyboard(tab)

    sidebar = tab.locator("#content-main").text_content()
    for polish, english in SIDEBAR.items():
        assert polish in sidebar, f"{polish!r} missing on the Polish index"
        assert english not in sidebar, f"English {english!r} left on the Polish index"
    assert "Narzędzia" in sidebar and "Sprawdź termin" in sidebar
    assert "Oczekuje" in sidebar and "co minutę" in sidebar
    assert "Export due callbacks" not in sidebar and "every minute" not in sidebar
    screenshot(tab, "admin-index-pl.png")
    assert_accessible(tab, "admin index, Polish", INDEX_OURS)
    tab.emulate_media(color_scheme="dark")  # Django's dark theme: the header's label too
    assert_accessible(tab, "admin index, Polish, dark theme", INDEX_OURS)
    tab.emulate_media(color_scheme="light")

    tab.goto(f"{live_server.url}/admin/callbacks/callback/{tab.callback.pk}/change/")
    content = tab.locator("#content").text_content()
    for word in ("Klient", "Wybieranie", "Historia zdarzeń", "Zaplanowane", "Zmień termin"):
        assert word in content, f"{word!r} missing on the Polish callback tab"
    for english in ("Timestamps", "Customer", "timeline", "Scheduled (skill's time)"):
        assert english not in content, f"English {english!r} left on the callback tab"
    screenshot(tab, "admin-callback-pl.png")
    # The timeline is Django's stock tabular inline, whose two header cells over the row
    # title and the links column are empty (axe: empty-table-header, a best practice);
    # the callback tab's layout is being reworked (issue 17 point 5), so it is left out.
    assert_accessible(
        tab, "callback tab, Polish", ["#header", ".object-tools"], skip="#events-group"
    )

    tab.goto(f"{live_server.url}/admin/reports/")
    content = tab.locator("#content").text_content()
    for word in ("Raporty oddzwonień", "Najważniejsze liczby", "Niedotrzymane obietnice"):
        assert word in content, f"{word!r} missing on the Polish reports"
    for english in ("Key figures", "Broken promises", "Download CSV", "Today:"):
        assert english not in content, f"English {english!r} left on the reports"
    screenshot(tab, "admin-reports-pl.png")
    # The charts are SVG images (role=img, named and described): axe cannot judge the
    # contrast of their text, so only violations count there.
    assert_accessible(tab, "reports dashboard, Polish", REPORT_OURS)
    with capsys.disabled():  # shown whatever pytest's capture: where to look
        print(f"\nadmin screenshots (Polish) in {ARTIFACTS_DIR}: look at them")
