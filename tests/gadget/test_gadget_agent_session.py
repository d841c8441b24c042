"""The gadget's agent session in the browser (docs/gadget.md "Agent identity"): the
gadget XML in the Finesse-like container, the stand-in library putting the desktop's
credentials into the `authorization` pref as finesse.js does, the gadget exchanging them
for an agent session that the server checks with the simulator's Finesse REST stand-in
(over real HTTP), then listing only that agent's callbacks. A wrong password: a clear
message in the gadget, not an empty list."""

import pytest
from playwright.sync_api import expect

from tests.gadget.conftest import book, next_free_slots, save_screenshot
from tests.gadget.test_gadget_finesse import container_page

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def finesse(simulator, settings):
    settings.AGENT_AUTH = "finesse"  # not the gadget tests' key-only default
    settings.FINESSE_URL = simulator.url
    return simulator


@pytest.fixture
def callbacks(demo):
    """A personal callback of agent001 and one of agent002 (same team), at free slots."""
    first, second = next_free_slots(count=2)
    return {
        "agent001": book("+48226000031", first, agent_id="agent001", first_name="Own"),
        "agent002": book("+48226000032", second, agent_id="agent002", first_name="Other"),
    }


def open_as(page, live_server, gadget_key, login: str, password: str):
    page = container_page(
        page,
        live_server,
        gadget_key,
        config=True,
        login=login,
        password=password,
        names=("Anna", "Nowak"),
        locale="en_US",
    )
    page.evaluate("() => gadgets.HubSettings.onConnect()")
    return page


def test_the_gadget_gets_a_session_and_lists_only_its_agents_callbacks(
    page, live_server, gadget_key, finesse, callbacks
):
    page = open_as(page, live_server, gadget_key, "agent001", "ciscocisco")

    mine = page.locator("#cbg-mine-list li")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text(callbacks["agent001"].account_number)
    expect(page.locator("#cbg-mine-list")).not_to_contain_text(callbacks["agent002"].account_number)
    calls = page.evaluate("() => window.__calls")
    sessions = [c for c in calls if c["url"].endswith("/api/v1/agent-session")]
    assert len(sessions) == 1
    listing = [c for c in calls if "/api/v1/callbacks?" in c["url"]]
    assert listing and all(c["headers"].get("X-Agent-Session") for c in listing)
    assert finesse.request_counts().get("GET /finesse/api/User/agent001") == 1


def test_a_wrong_password_says_so_in_the_gadget(
    page, live_server, gadget_key, finesse, callbacks, tmp_path
):
    page = open_as(page, live_server, gadget_key, "agent001", "wrong")

    notice = page.locator("#cbg-mine-notice")
    expect(notice).to_be_visible()
    expect(notice).to_have_class("cbg-notice cbg-notice-error")
    expect(notice).to_have_text(
        "Finesse did not confirm your sign-in, so your personal callbacks cannot be shown. "
        "Sign in to Finesse again and reload the gadget."
    )
    expect(page.locator("#cbg-mine-list li")).to_have_count(0)
    # Standard callbacks can still be booked: the form is there, its slots drawn.
    page.locator("#cbg-when-slots button").first.wait_for()
    save_screenshot(page, tmp_path, "gadget-finesse-sign-in-refused.png")


def test_finesse_down_says_so_in_the_gadget(page, live_server, gadget_key, finesse, callbacks):
    finesse.set_faults(refuse_finesse=True)

    page = open_as(page, live_server, gadget_key, "agent001", "ciscocisco")

    expect(page.locator("#cbg-mine-notice")).to_have_text(
        "Finesse did not answer, so your personal callbacks cannot be shown now. "
        "Try again in a minute."
    )


def test_the_preview_signs_in_with_make_runs_finesse_stand_in(
    page, live_server, gadget_key, finesse, callbacks
):
    """Under make run (FINESSE_URL at the simulator) the preview's agent is one the stand-in
    knows: a real agent session, the agent's own callbacks listed, no key-only mode."""
    jan = book("+48226000033", next_free_slots(count=3)[2], agent_id="jkowalski", first_name="Jan")

    page.goto(f"{live_server.url}/gadget/preview/?key={gadget_key}&agent=jkowalski&lang=en")
    page.locator("#cbg-when-days button").first.wait_for()
    mine = page.locator("#cbg-mine-list li")
    expect(mine).to_have_count(1)
    expect(mine.first).to_contain_text(jan.account_number)
    assert finesse.request_counts().get("GET /finesse/api/User/jkowalski") == 1
