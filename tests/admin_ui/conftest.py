"""Fixtures for the admin's browser tests: a logged-in superuser in headless Chromium at
1366x768 with an en-US browser locale, the tests' cast committed for the live server, and
screenshots kept as test artifacts.

The browser is the gadget tests' (tests/gadget/conftest.py: Debian's chromium driven by
Playwright, one per module). Screenshots go to `test-artifacts/admin/` at the top of the
repository (gitignored; `CM_TEST_ARTIFACTS` moves it), are listed at the end of the run,
and are for a person to look at: the tests assert what a program can (widths, columns,
axe-core), the person the rest.
"""

import os
import pathlib
from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.cast import load as load_cast
from tests.gadget.conftest import TIMEOUT_MS, browser  # noqa: F401  (the shared browser)

VIEWPORT = {"width": 1366, "height": 768}
ARTIFACTS_DIR = pathlib.Path(
    os.environ.get("CM_TEST_ARTIFACTS")
    or pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
)
SCREENSHOTS: list[pathlib.Path] = []


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS:
        terminalreporter.section("admin screenshots")
        for path in SCREENSHOTS:
            terminalreporter.write_line(str(path))


def save_screenshot(page, name: str) -> pathlib.Path:
    """A full-page PNG of the admin page under test-artifacts/admin/."""
    directory = ARTIFACTS_DIR / "admin"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    page.screenshot(path=str(path), full_page=True)
    SCREENSHOTS.append(path)
    return path


@pytest.fixture
def demo(transactional_db) -> None:
    """The tests' cast (tests/cast.py), committed: the live server reads it in another thread."""
    load_cast()


@pytest.fixture
def admin_page(browser, live_server, demo) -> Iterator:  # noqa: F811
    """A page logged in as a superuser, 1366x768, browser locale en-US; a JavaScript
    error fails the test."""
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
