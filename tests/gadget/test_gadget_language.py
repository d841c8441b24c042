"""The gadget names its own language in every API request (Accept-Language), so the API's
messages come in the language the agent reads, not the browser's (issue 17; the API is
English unless asked: docs/api.md). Playwright and Chromium: slow."""

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_every_api_request_names_the_gadgets_language(open_gadget, page, lang):
    seen: list[tuple[str, str | None]] = []
    page.on(
        "request",
        lambda request: (
            seen.append((request.url, request.headers.get("accept-language")))
            if "/api/v1/" in request.url
            else None
        ),
    )

    open_gadget(lang=lang)

    assert seen, "the gadget made no API request"
    assert {language for _, language in seen} == {lang}, seen
