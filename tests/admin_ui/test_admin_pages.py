"""The admin pages issue 17 changed, in headless Chromium at 1366x768 (en-US locale):
the callbacks list fits without sideways scrolling, the callback page starts with its
timeline and offers Cancel, the tool pages' date and time inputs are ISO and 24-hour,
and axe-core finds nothing on any of them. Each test saves a screenshot
(test-artifacts/admin/, listed at the end of the run) for a person to look at.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from callbacks import services, states
from callbacks.models import Callback, EventKind, Status
from tests.gadget.conftest import book, next_free_slots

from .conftest import VIEWPORT, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

AXE = Axe()
OPTIONS = {"resultTypes": ["violations", "incomplete"]}


def assert_accessible(page, state: str) -> None:
    results = AXE.run(page, options=OPTIONS)
    assert results.violations_count == 0, f"{state}:\n{results.generate_report()}"
    undecided = [
        (item["id"], node["target"], node["any"][0]["message"] if node["any"] else "")
        for item in results.response["incomplete"]
        for node in item["nodes"]
    ]
    assert undecided == [], f"{state}: axe could not decide {undecided}"


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
    _walk(made[2], Status.EXPORTING, Status.IN_DIALER)
    services.callback_route_for_ivr(account_number=made[2].account_number)  # in_ivr
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
