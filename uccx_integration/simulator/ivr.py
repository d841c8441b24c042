"""What the UCCX callback script does on an answered call: ask the Campaign Manager's
IVR API where to route it, then report what it did.

It follows the script's listing (uccx_integration/ivr_script.py, shown in
docs/ivr-script.md): the same request, the same fields read with the documented
JSONPaths (simple dotted keys), the same branches. Campaign Manager down or slow (no
answer within the timeout, or no readable one) sends the call to the default CSQ;
an unknown account number takes the answer's default route and reports nothing.

Stdlib only (the simulator runs without Django).
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from typing import Any

from uccx_integration.ivr_script import (
    JSON_ACCEPT,
    ROUTE_FIELDS,
    TIMEOUT_MS,
    Decision,
    decide,
    jsonpath_keys,
    outcome_path,
    route_path,
)

logger = logging.getLogger(__name__)

DEFAULT_CSQ = "Support"  # the demo's fallback skill; the script's defaultCSQ parameter


class IvrScript:
    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        timeout: float = TIMEOUT_MS / 1000,
        default_csq: str = DEFAULT_CSQ,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout  # one timeout for connect and read, like Make REST Call
        self.default_csq = default_csq

    def handle_answered(self, account_number: str, campaign_name: str) -> str:
        """Routes the call; returns what the script did as an outcome name (reported
        to the Campaign Manager when it knows the callback and answers)."""
        return self.run(account_number, campaign_name).outcome

    def hang_up_after_lookup(self, account_number: str, campaign_name: str) -> None:
        """The customer hangs up after the lookup: the script reports `customer_hangup`
        (docs/ivr-script.md §6) for a callback the Campaign Manager knows."""
        values = self.lookup(account_number, campaign_name)
        if values is not None and values.get("found") in (True, "true"):
            self._call("POST", outcome_path(account_number), {"outcome": "customer_hangup"})

    def run(self, account_number: str, campaign_name: str) -> Decision:
        values = self.lookup(account_number, campaign_name)
        decision = decide(values, self.default_csq)
        logger.info(
            "simulated IVR script: %s → %s %s", account_number, decision.branch, decision.target
        )
        if decision.report is not None:
            self._call("POST", outcome_path(account_number), {"outcome": decision.report})
        return decision

    def lookup(self, account_number: str, campaign_name: str) -> dict[str, object] | None:
        """Every documented field by name, or None when the Campaign Manager is down,
        slow, or answered no routing document."""
        document = self._call("GET", route_path(account_number, campaign_name))
        if document is None or "action" not in document:
            return None
        return {field.name: read_jsonpath(document, field.jsonpath) for field in ROUTE_FIELDS}

    def _call(self, method: str, path: str, body: Any = None) -> dict[str, Any] | None:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Api-Key {self.api_key}", "Accept": JSON_ACCEPT}
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            status, content = self.send(method, self.base_url + path, headers, data)
        except (OSError, ValueError, http.client.HTTPException) as error:  # no answer in time
            logger.warning("simulated IVR script: %s %s failed: %s", method, path, error)
            return None
        if status >= 400 and not (method == "GET" and status == 404):
            # A 404 lookup still carries the routing document (found=false).
            logger.warning("simulated IVR script: %s %s answered %s", method, path, status)
            return None
        try:
            document = json.loads(content or b"{}")
        except ValueError as error:
            logger.warning("simulated IVR script: %s %s: no JSON: %s", method, path, error)
            return None
        return document if isinstance(document, dict) else None

    def send(
        self, method: str, url: str, headers: dict[str, str], data: bytes | None
    ) -> tuple[int, bytes]:
        """One HTTP request: (status, body). Raises OSError when there is no answer."""
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read()


def read_jsonpath(document: dict[str, Any], path: str) -> object:
    """A simple dotted JSONPath's value (`$.a.b`), None where a key is missing (as CCX's
    Get JSON Document Data gives null for a path that matches nothing)."""
    value: object = document
    for key in jsonpath_keys(path):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value
