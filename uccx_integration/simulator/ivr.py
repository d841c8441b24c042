"""What the UCCX callback script does on an answered call: ask the Campaign Manager's
IVR API where to route it, then report what it did (ARCHITECTURE.md §4, IVR scope).

Stdlib only (the simulator runs without Django). A failure is logged and the call goes
to the campaign's default route, as a script whose REST step failed would do.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote, urlencode

logger = logging.getLogger(__name__)

OUTCOME_BY_ACTION = {
    "agent": "queued_agent",
    "skill": "queued_skill",
    "script": "transferred_script",
}


class IvrScript:
    def __init__(self, base_url: str, api_key: str, *, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout  # one timeout for connect and read, like Make REST Call

    def handle_answered(self, account_number: str, campaign_name: str) -> str | None:
        """Returns the outcome reported, or None when the lookup or the report failed."""
        path = f"/api/v1/ivr/callbacks/{quote(account_number, safe='')}"
        route = self._call("GET", f"{path}?{urlencode({'campaign': campaign_name})}")
        if not route or not route.get("found"):
            return None
        outcome = OUTCOME_BY_ACTION.get(str(route.get("action")), "queued_skill")
        if self._call("POST", f"{path}/outcome", {"outcome": outcome}) is None:
            return None
        return outcome

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any] | None:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Api-Key {self.api_key}")
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            if error.code == 404:  # unknown account number: the body still says found=false
                return None
            logger.warning("simulated IVR script: %s %s answered %s", method, path, error.code)
        except (OSError, ValueError) as error:
            logger.warning("simulated IVR script: %s %s failed: %s", method, path, error)
        return None
