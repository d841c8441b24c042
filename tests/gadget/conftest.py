"""Fixtures for the gadget tests: the demo data, a gadget key, and a headless Chromium.

The browser is Debian's `chromium` (/usr/bin/chromium) driven by Playwright's sync API,
one per module. Nothing is frozen: the server and the browser share the real clock, and
the tests take their dates from the API's own free slots, so they pass on any day at
any hour. Playwright's sync API runs an event loop in the test's thread, so Django's
guard against ORM calls from async code is switched off for these tests
(DJANGO_ALLOW_ASYNC_UNSAFE). Screenshots are listed at the end of the pytest run.
"""

import os
import pathlib
import shutil
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest

from callbacks import services
from callbacks.models import ApiKey, ApiScope, Callback
from callbacks.validation import CallbackRequest
from scheduling.rules import Candidate, Slot, suggest
from tests.cast import load as load_cast

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-dev-shm-usage"]
AGENT = {"agent": "jkowalski", "first": "Jan", "last": "Kowalski"}
TIMEOUT_MS = 10_000
ARTIFACTS: list[pathlib.Path] = []


def pytest_terminal_summary(terminalreporter):
    if ARTIFACTS:
        terminalreporter.section("gadget screenshots")
        for path in ARTIFACTS:
            terminalreporter.write_line(str(path))


def save_screenshot(page, directory: pathlib.Path, name: str) -> pathlib.Path:
    """A full-page PNG kept as a test artifact (pytest keeps its last three tmp dirs)."""
    path = directory / name
    page.screenshot(path=str(path), full_page=True)
    ARTIFACTS.append(path)
    print(f"gadget screenshot: {path}")
    return path


def _playwright_or_fail():
    # make test installs both (bootstrap.sh: the chromium package, requirements-dev.txt:
    # playwright): a missing one is a broken setup, reported as a failure, never a skip.
    if not shutil.which(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing (Debian package chromium; bootstrap installs it)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("the playwright package is missing (requirements-dev.txt installs it)")
    return sync_playwright


@pytest.fixture(scope="module")
def browser() -> Iterator:
    sync_playwright = _playwright_or_fail()
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser) -> Iterator:
    """A fresh browser context per test; a JavaScript error fails the test."""
    context = browser.new_context(viewport={"width": 1000, "height": 1100}, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def demo(transactional_db) -> None:
    """The tests' cast (tests/cast.py), committed: the live server reads it in another thread."""
    load_cast()


@pytest.fixture
def gadget_key(demo) -> str:
    return ApiKey.objects.create_key(name="Gadget test", scope=ApiScope.GADGET)[1]


@pytest.fixture
def open_gadget(page, live_server, gadget_key):
    """open_gadget(lang="en", init_script=None, **query): the preview page, loaded."""

    def open_(lang: str = "en", init_script: str | None = None, **query):
        if init_script:
            page.add_init_script(init_script)
        params = {"key": gadget_key, "lang": lang, **AGENT, **query}
        page.goto(f"{live_server.url}/gadget/preview/?{urlencode(params)}")
        # Ready: the week's days are drawn and the agent's list is loaded.
        page.locator("#cbg-when-days button").first.wait_for()
        page.locator("#cbg-mine-list li").first.wait_for()
        return page

    return open_


def next_free_slots(skill: str = "Sales", phone: str | None = None, count: int = 3) -> list[Slot]:
    """The API's own next free slots (the same rules engine the slots endpoint uses)."""
    return suggest(Candidate(skill, "", phone), count=count)


def book(phone: str, slot: Slot, **fields) -> Callback:
    """A callback stored through the service, at a free slot."""
    agent = {k: fields.pop(k) for k in ("agent_id",) if k in fields}
    return services.callback_schedule(
        request=CallbackRequest(
            phone, slot.start, fields.pop("campaign", "Callback_Main"), "Sales", **agent
        ),
        details=services.CustomerDetails(**fields),
        source="admin",
        actor="test",
    )


@pytest.fixture(autouse=True)
def _agent_auth_key_only(settings):
    """The preview's stand-in Finesse has no agent credentials (no `authorization` pref):
    these tests run the gadget in key-only mode (AGENT_AUTH=key_only, docs/security.md);
    agent sessions are tested in tests/callbacks/test_agent_identity.py."""
    settings.AGENT_AUTH = "key_only"
