"""The gadget in headless Chromium, on the preview page of a live server.

What an agent does: book standard and personal callbacks from a call, get a holiday
error and take a suggested slot in one click, keep what they chose when an answer of
the API comes late, cancel and reschedule their own callbacks, all of it with the
keyboard alone too; and the same calls made through Finesse's gadgets.io.makeRequest
(the gadget XML in a Finesse-like container: test_gadget_finesse.py). Dates come from the
API's free slots at run time; what the page books is never today's, whose next slots
can run out (turn too soon) while a test runs.
"""

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from callbacks import states
from callbacks.models import Callback, EventKind, Status
from scheduling.models import CustomHoliday, HolidayCalendar
from scheduling.rules import Code, Slot

from .conftest import book, next_free_slots, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_SLOT = "#cbg-when-slots button >> nth=0"


def start_call(page, kind: str, number: str, **fields) -> None:
    """Make the stand-in Finesse ring: kind is outbound, inbound or callback."""
    page.fill("#pv-number", number)
    for field, value in fields.items():
        page.fill(f"#pv-{field}", value)
    page.click(f"#pv-{kind}")


def take_a_later_free_day(page) -> str:
    """The week's second free day (its date): never today, whose next slot could turn
    too soon (within the minimum lead time) while the test runs."""
    day = page.locator('#cbg-when-days button[data-available="true"] >> nth=1')
    date = day.get_attribute("data-date")
    day.click()
    return date


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def confirmation_of(page) -> Callback:
    confirmation = page.locator("#cbg-confirmation")
    expect(confirmation).to_be_visible()
    account = confirmation.get_attribute("data-account")
    expect(confirmation).to_contain_text(account)
    return Callback.objects.select_related("campaign").get(account_number=account)


def test_it_books_a_standard_callback_from_an_inbound_call(open_gadget, tmp_path):
    page = open_gadget()
    start_call(page, "inbound", "12")  # the customer's number, badly caught

    phone_error = page.locator("#cbg-phone-error")
    expect(phone_error).to_contain_text("number")  # the API's own words, next to the field
    expect(page.locator("#cbg-phone")).to_have_attribute("aria-invalid", "true")
    page.fill("#cbg-phone", "22 600 00 01")
    page.select_option("#cbg-campaign", "Callback_Main")
    take_a_later_free_day(page)
    slot = page.locator(FIRST_SLOT)
    start, time = slot.get_attribute("data-start"), slot.get_attribute("data-time")
    slot.click()
    expect(slot).to_have_attribute("aria-pressed", "true")
    expect(phone_error).to_be_empty()
    page.fill("#cbg-first", "Anna")
    page.fill("#cbg-last", "Nowak")
    page.click("#cbg-submit")

    callback = confirmation_of(page)
    save_screenshot(page, tmp_path, "gadget-standard-callback.png")
    expect(page.locator("#cbg-confirmation")).to_contain_text(time)
    expect(page.locator("#cbg-confirmation")).to_contain_text("Europe/Warsaw")
    assert callback.phone_number == "+48226000001"
    assert callback.scheduled_at == utc(start)
    assert (callback.kind, callback.agent_id, callback.source) == ("standard", "", "gadget")
    assert (callback.first_name, callback.last_name) == ("Anna", "Nowak")
    assert callback.campaign.name == "Callback_Main"
    expect(page.locator("#cbg-phone")).to_have_value("")  # ready for the next customer


def test_it_books_a_personal_callback_from_an_outbound_dialer_call(open_gadget):
    page = open_gadget()
    start_call(
        page,
        "outbound",
        "+48 22 600 00 02",
        **{"ba-account": "ACC-77", "ba-campaign": "Callback_Premium"},
    )

    expect(page.locator("#cbg-phone")).to_have_value("+48 22 600 00 02")  # the toAddress
    expect(page.locator("#cbg-campaign")).to_have_value("Callback_Premium")  # from BACampaign
    expect(page.locator("#cbg-call")).to_contain_text("ACC-77")
    page.check("#cbg-kind-personal")
    take_a_later_free_day(page)
    slot = page.locator(FIRST_SLOT)
    start = slot.get_attribute("data-start")
    slot.click()
    page.click("#cbg-submit")

    callback = confirmation_of(page)
    expect(page.locator("#cbg-confirmation")).to_contain_text("It will come to you.")
    assert callback.scheduled_at == utc(start)
    assert (callback.agent_id, callback.agent_name) == ("jkowalski", "Jan Kowalski")
    assert callback.origin_account_number == "ACC-77"
    assert callback.campaign.name == "Callback_Premium"
    mine = page.locator(f'#cbg-mine-list li[data-account="{callback.account_number}"]')
    expect(mine).to_be_visible()


def make_holiday(day: dt.date) -> None:
    calendar = HolidayCalendar.objects.get(name="Poland")
    CustomHoliday.objects.create(calendar=calendar, name="Gadget test holiday", date=day)


# Holds back the next slots request whose query has `part` (after window.__held.arm)
# until window.__held.release(): "its answer comes after the agent acted" then happens
# on every run, not by chance. state: idle, armed, held, handled.
HOLD_BACK_SLOTS = """
(() => {
  const realFetch = window.fetch.bind(window);
  const held = (window.__held = { state: "idle", part: "", release: null });
  held.arm = (part) => { held.state = "armed"; held.part = part; };
  window.fetch = (url, init) => {
    const target = new URL(String(url), location.href);
    const wanted = target.pathname.endsWith("/slots") && target.search.includes(held.part);
    if (held.state !== "armed" || !wanted) {
      return realFetch(url, init);
    }
    held.state = "held";
    return new Promise((resolve) => { held.release = resolve; })
      .then(() => realFetch(url, init))
      .then((response) => {
        const read = response.text.bind(response);
        response.text = () => read().then((text) => {
          // A task runs after every promise callback: the gadget has used the answer.
          setTimeout(() => { held.state = "handled"; });
          return text;
        });
        return response;
      });
  };
})();
"""


def hold_back_slots(page, part: str) -> None:
    """The next slots request with `part` in its query (e.g. "phone=") is held back."""
    page.evaluate("(part) => window.__held.arm(part)", part)


def slots_held(page) -> None:
    page.wait_for_function("() => window.__held.state === 'held'")


def release_slots(page) -> None:
    """The held answer comes now; returns once the gadget has used it."""
    page.evaluate("() => window.__held.release()")
    page.wait_for_function("() => window.__held.state === 'handled'")


def validated(page, scheduled_at: str):
    """Expect the live check of exactly this date and time (YYYY-MM-DDTHH:MM)."""

    def of_it(response) -> bool:
        request = response.request
        return request.url.endswith("/callbacks/validate") and (
            json.loads(request.post_data or "{}").get("scheduled_at") == scheduled_at
        )

    return page.expect_response(of_it)


def holiday_error(page, first: Slot):
    """Ask for `first`'s time on its day, a holiday: the error and its suggestions."""
    page.select_option("#cbg-campaign", "Callback_Main")
    holiday = page.locator(f'#cbg-when-days button[data-date="{first.local.date()}"]')
    expect(holiday).to_have_attribute("data-available", "false")
    expect(holiday).to_contain_text("Święto")  # visibly unavailable, with the reason
    holiday.click()
    page.fill("#cbg-when-time", first.local.strftime("%H:%M"))
    error = page.locator("#cbg-when-error")
    expect(error).to_contain_text("Ten dzień jest świętem: kolejka Sales nie pracuje.")
    expect(page.locator("#cbg-when-time")).to_have_attribute("aria-invalid", "true")
    suggestion = page.locator("#cbg-when-suggestions button").first
    chosen = suggestion.get_attribute("data-date"), suggestion.get_attribute("data-time")
    return suggestion, chosen


def expect_taken(page, date: str, time: str) -> None:
    """Exactly this day and slot are chosen, and the live check found nothing wrong."""
    expect(page.locator("#cbg-when-date")).to_have_value(date)
    expect(page.locator("#cbg-when-time")).to_have_value(time)
    expect(page.locator('#cbg-when-days button[aria-pressed="true"]')).to_have_attribute(
        "data-date", date
    )
    expect(page.locator('#cbg-when-slots button[aria-pressed="true"]')).to_have_attribute(
        "data-time", time
    )
    expect(page.locator("#cbg-when-error")).to_be_empty()


def test_a_holiday_error_then_one_click_on_a_suggested_slot_in_polish(open_gadget):
    first = next_free_slots()[0]
    make_holiday(first.local.date())
    page = open_gadget(lang="pl", init_script=HOLD_BACK_SLOTS)
    hold_back_slots(page, "phone=")  # the week redrawn for the customer's number
    page.fill("#cbg-phone", "22 600 00 03")

    suggestion, chosen = holiday_error(page, first)
    slots_held(page)
    with validated(page, "T".join(chosen)):  # exactly the suggestion is checked
        suggestion.click()
    expect(page.locator("#cbg-when-error")).to_be_empty()
    release_slots(page)  # its late answer must not take the agent back to the holiday
    expect_taken(page, *chosen)
    page.click("#cbg-submit")

    callback = confirmation_of(page)
    expect(page.locator("#cbg-confirmation")).to_contain_text("Zaplanowano oddzwonienie")
    local = callback.scheduled_at.astimezone(first.local.tzinfo)
    assert (local.date().isoformat(), local.strftime("%H:%M")) == chosen
    assert local.date() != first.local.date()


def test_a_suggestion_taken_while_the_next_week_loads_stays_taken(open_gadget):
    first = next_free_slots()[0]
    make_holiday(first.local.date())
    page = open_gadget(lang="pl", init_script=HOLD_BACK_SLOTS)
    with page.expect_response(lambda r: "/slots?" in r.url and "phone=" in r.url):
        page.fill("#cbg-phone", "22 600 00 11")  # the week redrawn for the number is in
    suggestion, chosen = holiday_error(page, first)
    shown = page.locator("#cbg-when-days button").first.get_attribute("data-date")
    next_week = dt.date.fromisoformat(shown) + dt.timedelta(days=7)

    hold_back_slots(page, f"date={next_week}")
    page.click("#cbg-when-later")  # the agent pages on, then takes the suggestion after all
    slots_held(page)
    with validated(page, "T".join(chosen)):
        suggestion.click()
    release_slots(page)

    expect_taken(page, *chosen)


def test_a_late_redraw_of_the_week_keeps_the_day_and_slot_the_agent_took(open_gadget):
    page = open_gadget(init_script=HOLD_BACK_SLOTS)
    hold_back_slots(page, "phone=")
    page.fill("#cbg-phone", "22 600 00 10")
    page.select_option("#cbg-campaign", "Callback_Main")
    slots_held(page)
    date = take_a_later_free_day(page)
    time = page.locator(FIRST_SLOT).get_attribute("data-time")
    with validated(page, f"{date}T{time}"):
        page.locator(FIRST_SLOT).click()
    release_slots(page)  # redrawn for the number after the agent took a slot

    expect_taken(page, date, time)


def test_it_cancels_one_of_the_agents_callbacks(open_gadget):
    slot = next_free_slots()[0]
    callback = book("+48226000004", slot, agent_id="jkowalski", first_name="Olga")
    page = open_gadget()

    item = page.locator(f'#cbg-mine-list li[data-account="{callback.account_number}"]')
    item.locator('[data-action="cancel"]').click()
    expect(item).to_contain_text(f"Cancel callback {callback.account_number}?")
    item.locator('[data-action="confirm-cancel"]').click()

    expect(page.locator("#cbg-mine-notice")).to_contain_text(f"{callback.account_number} cancelled")
    expect(item).to_have_count(0)
    callback.refresh_from_db()
    assert callback.status == Status.CANCELLED


def test_the_agents_list_offers_only_what_the_state_machine_allows(open_gadget):
    first, second, third = next_free_slots()[:3]
    exporting = book("+48226000011", first, agent_id="jkowalski")
    states.transition(exporting, Status.EXPORTING, event=EventKind.EXPORT_STARTED, actor="test")
    scheduled = book("+48226000012", second, agent_id="jkowalski")
    done = book("+48226000013", third, agent_id="jkowalski")
    states.transition(done, Status.CANCELLED, event=EventKind.CANCELLED, actor="test")
    page = open_gadget()

    mine = page.locator("#cbg-mine-list")
    moving = mine.locator(f'li[data-account="{exporting.account_number}"]')
    expect(moving).to_contain_text("being sent to the dialer")
    expect(moving.locator('[data-action="reschedule"]')).to_have_count(1)
    expect(moving.locator('[data-action="cancel"]')).to_have_count(0)  # exporting: no
    waiting = mine.locator(f'li[data-account="{scheduled.account_number}"]')
    expect(waiting.locator('[data-action="reschedule"]')).to_have_count(1)
    expect(waiting.locator('[data-action="cancel"]')).to_have_count(1)
    expect(mine.locator(f'li[data-account="{done.account_number}"]')).to_have_count(0)


def test_it_reschedules_one_of_the_agents_callbacks(open_gadget):
    slot = next_free_slots()[0]
    callback = book("+48226000005", slot, agent_id="jkowalski")
    page = open_gadget()

    item = page.locator(f'#cbg-mine-list li[data-account="{callback.account_number}"]')
    item.locator('[data-action="reschedule"]').click()
    panel = f"#cbg-move-{callback.pk}"
    # The callback's own day is shown first; the next free day surely has other slots.
    expect(page.locator(f"{panel}-date")).to_have_value(slot.local.date().isoformat())
    page.locator(f'{panel}-days button[data-available="true"]').nth(1).click()
    other = page.locator(f"{panel}-slots button").first
    start = other.get_attribute("data-start")
    other.click()
    item.locator('[data-action="move"]').click()

    notice = page.locator("#cbg-mine-notice")
    expect(notice).to_contain_text("Callback moved to")
    callback.refresh_from_db()
    assert callback.status == Status.RESCHEDULED
    new = Callback.objects.get(rescheduled_from=callback)
    assert new.scheduled_at == utc(start)
    assert new.agent_id == "jkowalski"
    expect(notice).to_contain_text(new.account_number)
    expect(page.locator(f'#cbg-mine-list li[data-account="{new.account_number}"]')).to_be_visible()


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus (and fail if it never does)."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def arrow_to_a_later_free_day(page, limit: int = 7) -> None:
    """ArrowRight from the selected day to the next free one (and fail if none)."""
    for _ in range(limit):
        page.keyboard.press("ArrowRight")
        if page.evaluate("() => document.activeElement.dataset.available") == "true":
            return
    raise AssertionError("no later free day in the week")


def focus_outline(page) -> str:
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle + ' ' + s.outlineWidth; }"
    )


def test_an_agent_books_a_personal_callback_with_the_keyboard_alone(open_gadget):
    page = open_gadget()
    keys = page.keyboard

    tab_to(page, "#cbg-phone")
    # The number changes the free slots (customer's hours): they are drawn again.
    with page.expect_response(lambda r: "/slots?" in r.url and "phone=" in r.url):
        keys.type("22 600 00 06")
    keys.press("Tab")
    keys.press("ArrowDown")  # campaign: the first one
    tab_to(page, "#cbg-kind-standard")
    keys.press("ArrowDown")  # personal
    tab_to(page, '#cbg-when-days button[aria-pressed="true"]')
    arrow_to_a_later_free_day(page)  # today may have fewer than three slots left
    keys.press("Enter")
    expect(page.locator('#cbg-when-days button[aria-pressed="true"]')).to_be_focused()
    tab_to(page, "#cbg-when-slots button")
    assert focus_outline(page).startswith("solid")  # the focus is visible
    keys.press("ArrowRight")
    keys.press("Enter")
    expect(page.locator("#cbg-when-slots button:focus")).to_have_attribute("aria-pressed", "true")
    keys.press("ArrowRight")
    chosen = page.locator("#cbg-when-slots button:focus").get_attribute("data-start")
    keys.press("Space")
    slot = page.locator(f'#cbg-when-slots button[data-start="{chosen}"]')
    expect(slot).to_have_attribute("aria-pressed", "true")
    expect(page.locator('#cbg-when-slots button[aria-pressed="true"]')).to_have_count(1)
    tab_to(page, "#cbg-first")
    keys.type("Piotr")
    keys.press("Tab")
    keys.type("Wiśniewski")
    tab_to(page, "#cbg-submit")
    keys.press("Enter")

    callback = confirmation_of(page)
    expect(page.locator("#cbg-confirmation")).to_be_focused()
    assert callback.scheduled_at == utc(chosen)
    assert (callback.agent_id, callback.last_name) == ("jkowalski", "Wiśniewski")
    assert callback.campaign.name == "Callback_Main"


# A stand-in for Finesse's Shindig proxy: forwards to fetch and records every call;
# direct fetch calls by the gadget are recorded apart (there should be none).
FAKE_GADGETS_IO = """
(() => {
  const realFetch = window.fetch.bind(window);
  window.__direct = [];
  window.fetch = (url, init) => { window.__direct.push(String(url)); return realFetch(url, init); };
  window.__calls = [];
  window.gadgets = { io: {
    RequestParameters: { METHOD: "METHOD", HEADERS: "HEADERS", POST_DATA: "POST_DATA",
                         CONTENT_TYPE: "CONTENT_TYPE", REFRESH_INTERVAL: "REFRESH_INTERVAL" },
    MethodType: { GET: "GET", POST: "POST" },
    ContentType: { TEXT: "TEXT", JSON: "JSON", DOM: "DOM" },
    makeRequest(url, callback, params) {
      const call = { url, method: params.METHOD, headers: params.HEADERS,
                     body: params.POST_DATA === undefined ? null : params.POST_DATA,
                     contentType: params.CONTENT_TYPE, refresh: params.REFRESH_INTERVAL };
      window.__calls.push(call);
      realFetch(url, { method: params.METHOD, headers: params.HEADERS, body: params.POST_DATA })
        .then((r) => r.text().then((text) => {
          call.rc = r.status;
          callback({ rc: r.status, text });
        }))
        .catch(() => callback({ rc: 500, text: "", errors: ["proxy failed"] }));
    },
  } };
})();
"""


def recorded_calls(page) -> list[dict]:
    return page.evaluate("() => window.__calls")


def test_it_works_through_make_request_and_reports_a_delivered_callback(open_gadget, gadget_key):
    dialed = book("+48226000008", next_free_slots()[0], agent_id="jkowalski")
    states.transition(dialed, Status.EXPORTING, event=EventKind.EXPORT_STARTED, actor="test")
    states.transition(dialed, Status.IN_DIALER, event=EventKind.EXPORTED, actor="test")
    page = open_gadget(init_script=FAKE_GADGETS_IO)
    expect(page.locator("#cbg")).to_have_attribute("data-transport", "makeRequest")

    start_call(page, "outbound", "+48 22 600 00 07", **{"ba-campaign": "Callback_Main"})
    take_a_later_free_day(page)
    page.locator(FIRST_SLOT).click()
    page.click("#cbg-submit")
    created = confirmation_of(page)
    # Flow step 13 (docs/architecture.md §7): the callback call reaches this agent with its
    # account number.
    start_call(page, "callback", "+48 22 600 00 08", **{"callback-account": dialed.account_number})
    expect(page.locator("#cbg-mine-notice")).to_contain_text(f"{dialed.account_number} reached you")

    dialed.refresh_from_db()
    assert dialed.status == Status.COMPLETED
    assert dialed.delivered_at is not None
    assert dialed.events.filter(kind=EventKind.DELIVERED, details__agent_id="jkowalski").exists()
    assert created.phone_number == "+48226000007"
    page.wait_for_function("() => window.__calls.every((call) => 'rc' in call)")
    calls = recorded_calls(page)
    paths = {(c["method"], c["url"].split("/api/v1")[1].split("?")[0]) for c in calls}
    assert {
        ("GET", "/config"),
        ("GET", "/slots"),
        ("GET", "/callbacks"),
        ("POST", "/callbacks"),
        ("POST", f"/callbacks/{dialed.pk}/delivered"),
    } <= paths
    assert all(c["headers"]["Authorization"] == f"Api-Key {gadget_key}" for c in calls)
    assert all(c["rc"] in (200, 201) for c in calls)
    assert all(c["contentType"] == "TEXT" and c["refresh"] == 0 for c in calls)
    create = next(c for c in calls if c["method"] == "POST" and c["url"].endswith("/callbacks"))
    assert create["headers"]["Idempotency-Key"]
    assert json.loads(create["body"])["phone_number"] == "+48 22 600 00 07"
    assert not [url for url in page.evaluate("() => window.__direct") if "/api/" in url]


def test_every_text_and_violation_code_is_in_both_languages(open_gadget):
    page = open_gadget()

    catalogue = page.evaluate("() => window.CallbackGadget.i18n.CATALOGUE")

    english, polish = catalogue["en"], catalogue["pl"]
    assert set(english) == set(polish)
    engine = {value for name, value in vars(Code).items() if name.isupper()}
    codes = engine | {Code.UNKNOWN_CAMPAIGN, Code.CAMPAIGN_DISABLED, Code.DUPLICATE_PENDING}
    assert len(codes) == 18  # docs/architecture.md §4
    assert codes <= set(polish["codes"])
