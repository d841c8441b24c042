"""Keys, clients and shortcuts for the API tests, on top of tests/conftest.py
(`demo`, `frozen_now`, `make_callback`, `put_in`, and the API's `gadget_key`, `ivr_key`,
`gadget`, `ivr` and `personal`).

The clock stands at Friday 2026-11-20 09:00 UTC (10:00 in Warsaw, winter time). The demo
is Europe/Warsaw: Sales Mon-Fri 08:00-20:00 and Sat 09:00-14:00, Support daily
07:00-22:00, lead 5 min, 30 days ahead, 15-minute slots of 10, one pending callback per
number. Callback_Main is a plain campaign; Callback_Premium hands every answered call to
PremiumCustomerLookup.aef.
"""

import base64
import datetime as dt

from rest_framework.test import APIClient

from callbacks.agents import session_sign
from callbacks.finesse import FinesseUser
from callbacks.models import ApiKey, Callback

MONDAY_1030 = "2026-11-23T10:30"  # Sales open, inside every window
PHONE = "+48221234567"  # conftest's make_callback uses +48225... numbers
PHONE_FORMATS = ["+48 22 123 45 67", "0048221234567", "22 123 45 67", "(22) 123-45-67"]
PREMIUM_SCRIPT = "PremiumCustomerLookup.aef"


def assert_api_content_type(response) -> None:
    """Every answer under /api/ is JSON or XML, never an HTML page."""
    content_type = response["Content-Type"]
    assert content_type.startswith(("application/json", "application/xml")), content_type


class ApiClient(APIClient):
    """An APIClient that checks what docs/architecture.md §5 promises of every answer: JSON
    or XML, never an HTML page, never a 500. The API tests call through it."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        assert response.status_code != 500, response.content
        assert_api_content_type(response)
        return response


def new_key(scope: str, name: str | None = None) -> tuple[ApiKey, str]:
    return ApiKey.objects.create_key(name=name or f"{scope} key", scope=scope)


def key_client(key_text: str) -> ApiClient:
    client = ApiClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key_text}")
    return client


def agent_session(key_text: str, agent_id: str, *, supervises: tuple[str, ...] = ()) -> str:
    """A signed agent session as POST /api/v1/agent-session answers it, without Finesse."""
    user = FinesseUser(
        login_id=agent_id,
        roles=("Agent", "Supervisor") if supervises else ("Agent",),
        supervised_agents=supervises,
    )
    return session_sign(user, key_text.partition(".")[0])


def agent_client(key_text: str, agent_id: str, *, supervises: tuple[str, ...] = ()) -> ApiClient:
    """The gadget key with agent_id's session (X-Agent-Session), as the gadget sends it."""
    client = ApiClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Api-Key {key_text}",
        HTTP_X_AGENT_SESSION=agent_session(key_text, agent_id, supervises=supervises),
    )
    return client


def basic_client(key_text: str, username: str = "uccx") -> ApiClient:
    client = ApiClient()
    token = base64.b64encode(f"{username}:{key_text}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {token}")
    return client


def body(**overrides) -> dict:
    """A create request that the demo accepts (standard callback to Sales, Monday 10:30)."""
    return {
        "phone_number": PHONE,
        "scheduled_at": MONDAY_1030,
        "campaign": "Callback_Main",
        "skill": "Sales",
        **overrides,
    }


def bulk_callbacks(model: Callback, count: int) -> list[Callback]:
    """`count` more callbacks shaped like `model`, with distinct numbers (no validation)."""
    copies = [
        Callback(
            account_number=f"CB9{n:09d}",
            phone_number=f"+4822555{n:04d}",
            dial_number=f"22555{n:04d}",
            scheduled_at=model.scheduled_at + dt.timedelta(minutes=15 * (n % 30)),
            campaign=model.campaign,
            skill=model.skill,
            agent_id=model.agent_id,
        )
        for n in range(count)
    ]
    return Callback.objects.bulk_create(copies)


def error_codes(response) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in response.json()["errors"]]


# --- the IVR API (tests/callbacks/test_api_ivr.py, test_ivr_script_doc.py) ------------

UNKNOWN = "CB0000009999"  # no callback has this account number


def route_url(account_number: str) -> str:
    return f"/api/v1/ivr/callbacks/{account_number}"


def outcome_url(account_number: str) -> str:
    return f"/api/v1/ivr/callbacks/{account_number}/outcome"
