"""Issue 17 point 1: a newcomer's first booking, copied from docs/api.md or made with the
gadget preview's default caller, must not collide with the demo data (`duplicate_pending`).
"""

import datetime as dt
import io
import json
import re
from pathlib import Path

from django.core.management import call_command

from callbacks.management.commands.seed_demo import DEMO_CALLBACKS, LIVE_CALLBACKS
from callbacks.models import Callback
from tests.callbacks.api_helpers import key_client

ROOT = Path(__file__).resolve().parents[2]


def _digits(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return digits if len(digits) > 9 else "48" + digits


def _demo_numbers() -> set[str]:
    return {_digits(phone) for phone, *_ in DEMO_CALLBACKS + LIVE_CALLBACKS}


def _docs_create_body(monday: dt.date) -> dict:
    text = (ROOT / "docs/api.md").read_text()
    raw = re.search(r"-d '(\{\"phone_number\".*?\})'", text).group(1)
    return json.loads(raw.replace("'$D'", monday.isoformat()))


def test_the_gadget_previews_default_caller_is_not_in_the_demo_data():
    html = (ROOT / "templates/gadget/preview.html").read_text()
    number = re.search(r'id="pv-number" value="([^"]+)"', html).group(1)
    assert _digits(number) not in _demo_numbers()


def test_the_booking_copied_from_the_api_walkthrough_succeeds_on_the_demo(
    db, frozen_now, settings, tmp_path
):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", "--demo", stdout=io.StringIO())
    keys = dict(
        line.split("=", 1) for line in (tmp_path / "demo-api-keys.txt").read_text().splitlines()
    )
    today = frozen_now.date()
    monday = today + dt.timedelta(days=(7 - today.weekday()) or 7)  # date -d "next monday"
    payload = _docs_create_body(monday)
    assert _digits(payload["phone_number"]) not in _demo_numbers()

    response = key_client(keys["gadget"]).post(
        "/api/v1/callbacks", payload, format="json", HTTP_IDEMPOTENCY_KEY="1"
    )

    assert response.status_code == 201, response.json()
    assert Callback.objects.filter(phone_number="+48225550123").count() == 1
