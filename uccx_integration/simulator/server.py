"""A UCCX adminapi stand-in over real HTTP, with fault switches for tests and demos.

Serves the campaign-contacts, campaign and directory endpoints the client uses, with
HTTP Basic auth and UCCX's duplicate rule. No Django: it runs on its own
(`python -m uccx_integration.simulator`) or in-process through `Simulator`.

Control (same basic auth, never subject to faults):
  POST /simulator/faults  {"http_500": n, "delay_seconds": x, "timeout": bool,
                           "accept_then_drop": n}  (absent keys keep their value)
  GET  /simulator/faults  the current switches
  GET  /simulator/stats   request counts by "METHOD /path"
"""

from __future__ import annotations

import base64
import binascii
import csv
import hmac
import io
import json
import logging
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from defusedxml import ElementTree

from uccx_integration import mapping as m
from uccx_integration.mapping import CallResult, CallStatus, Rest
from uccx_integration.simulator.dialer import DEFAULT_MIX, Dialer
from uccx_integration.simulator.ivr import IvrScript
from uccx_integration.simulator.store import DEFAULT_CAMPAIGNS, CampaignConfig, Store

logger = logging.getLogger(__name__)

DEFAULT_SKILLS = ((1, "Sales"), (2, "Support"), (3, "Premium"))
DEFAULT_CSQS = ((1, "CSQ_Sales", "VOICE"), (2, "CSQ_Support", "VOICE"), (3, "CSQ_Premium", "VOICE"))
DEFAULT_RESOURCES = (
    ("agent001", "Anna", "Nowak", "1001", "Default"),
    ("agent002", "Piotr", "Wiśniewski", "1002", "Default"),
)
MAX_CONTACTS_PER_GET = 10_000


@dataclass
class Faults:
    """Switches read by every adminapi request; counters count down per request."""

    http_500: int = 0
    delay_seconds: float = 0.0
    timeout: bool = False
    accept_then_drop: int = 0


@dataclass(frozen=True)
class _Plan:
    fail_500: bool
    delay_seconds: float
    hang: bool
    drop: bool


class Simulator:
    """The simulated UCCX node: `Simulator(db_path).start()`, then `.url`, then `.stop()`."""

    def __init__(
        self,
        db_path: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "administrator",
        password: str = "ciscocisco",
        campaigns: Iterable[CampaignConfig] = DEFAULT_CAMPAIGNS,
        hang_seconds: float = 60.0,
        dial_every: float | None = None,
        outcome_mix: Mapping[CallResult, float] = DEFAULT_MIX,
        ivr: IvrScript | None = None,
    ) -> None:
        self.store = Store(db_path)
        self.host, self.port = host, port
        self.username, self.password = username, password
        # Copies: DEFAULT_CAMPAIGNS is shared, and a test may disable one simulator's campaign.
        self.campaigns = {c.id: replace(c) for c in campaigns}
        # Always built so tests can dial a round by hand; a loop only with dial_every.
        self.dialer = Dialer(self.store, self.campaigns, mix=outcome_mix, ivr=ivr)
        self.dial_every = dial_every
        self.hang_seconds = hang_seconds
        self.imports: dict[int, dict[str, Any]] = {}
        self._faults = Faults()
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle --------------------------------------------------------------------
    def start(self) -> Simulator:
        self._httpd = _Server((self.host, self.port), _Handler, self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits at most this long
            name="uccx-simulator",
            daemon=True,
        )
        self._thread.start()
        if self.dial_every:
            self.dialer.start(self.dial_every)
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        self.start()
        assert self._thread is not None
        self._thread.join()

    def stop(self) -> None:
        self._stopped.set()  # releases handlers sleeping in a delay or a hang
        self.dialer.stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        self.store.close()

    # --- faults and counters -----------------------------------------------------------
    def set_faults(self, **switches: Any) -> Faults:
        with self._lock:
            for name, value in switches.items():
                if not hasattr(self._faults, name):
                    raise ValueError(f"unknown fault switch {name!r}")
                setattr(self._faults, name, type(getattr(self._faults, name))(value))
            return Faults(**asdict(self._faults))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults = Faults()

    def faults(self) -> Faults:
        with self._lock:
            return Faults(**asdict(self._faults))

    def _plan_request(self) -> _Plan:
        with self._lock:
            f = self._faults
            plan = _Plan(f.http_500 > 0, f.delay_seconds, f.timeout, f.accept_then_drop > 0)
            if plan.fail_500:
                f.http_500 -= 1
            elif plan.drop:
                f.accept_then_drop -= 1
            return plan

    def _count(self, method: str, path: str) -> None:
        with self._lock:
            self._counts[f"{method} {path}"] += 1

    def request_count(self, method: str, path: str) -> int:
        with self._lock:
            return self._counts[f"{method} {path}"]

    def request_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def wait(self, seconds: float) -> None:
        self._stopped.wait(seconds)

    # --- adminapi ----------------------------------------------------------------------
    def campaign_document(self, campaign: CampaignConfig) -> dict[str, Any]:
        return {
            Rest.CAMPAIGN_ID: campaign.id,
            Rest.CAMPAIGN_NAME: campaign.name,
            Rest.ENABLED: campaign.enabled,
            Rest.START_TIME: campaign.start_time,
            Rest.END_TIME: campaign.end_time,
            Rest.TIME_ZONE: campaign.time_zone,
            Rest.CAMPAIGN_TYPE: campaign.campaign_type,
            Rest.MAX_DIAL_ATTEMPTS: campaign.max_dial_attempts,
            Rest.PENDING_CONTACTS: self.store.count_contacts(campaign.id, CallStatus.PENDING),
        }

    def import_contacts(self, campaign: CampaignConfig, body: bytes) -> dict[str, Any]:
        """Parse the add-contacts document; raises _BadRequest when UCCX would say 400."""
        try:
            root = ElementTree.fromstring(body)
        except (ValueError, ElementTree.ParseError) as exc:
            raise _BadRequest(f"unreadable XML: {exc}") from exc
        name_element = root.find("campaign")
        name = name_element.get("name") if name_element is not None else None
        if name is not None and name != campaign.name:
            raise _BadRequest(f"campaign name {name!r} does not match campaign {campaign.id}")
        allow = (root.findtext("allowDuplicateContacts") or "false").strip().lower() == "true"
        rows = _csv_rows(root.findtext("csvdata") or "")
        valid = [row for row in rows if row.get(m.PHONE_01, "").strip()]
        outcome = self.store.add_contacts(campaign.id, valid, allow_duplicates=allow)
        status = {
            Rest.STATUS: "COMPLETED",
            Rest.TOTAL: len(rows),
            Rest.IMPORTED: outcome.imported,
            Rest.DUPLICATES: outcome.duplicates,
            "invalid": len(rows) - len(valid),
        }
        with self._lock:
            self.imports[campaign.id] = status
        return status


class _BadRequest(Exception):
    pass


def _csv_rows(text: str) -> list[dict[str, str]]:
    """CSV rows as DialingList column → value; the header is case-insensitive."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    columns_by_header = {k.lower(): v for k, v in m.DIALING_LIST_COLUMN_BY_CSV.items()}
    if not header or m.CSV_PHONE_1.lower() not in [h.strip().lower() for h in header]:
        raise _BadRequest("CSV header must name Phone1")
    columns = [columns_by_header.get(h.strip().lower()) for h in header]
    return [
        {column: value for column, value in zip(columns, record, strict=False) if column}
        for record in reader
        if record
    ]


def _contact_document(row: Mapping[str, Any]) -> dict[str, Any]:
    status = CallStatus(row[m.CALL_STATUS])
    return {
        Rest.DIALING_LIST_ID: row[m.DIALING_LIST_ID],
        Rest.ACCOUNT_NUMBER: row[m.ACCOUNT_NUMBER],
        Rest.FIRST_NAME: row[m.FIRST_NAME],
        Rest.LAST_NAME: row[m.LAST_NAME],
        Rest.PHONE_1: row[m.PHONE_01],
        Rest.PHONE_2: row[m.PHONE_02],
        Rest.PHONE_3: row[m.PHONE_03],
        Rest.CALL_STATUS: status.rest_filter or status.name,
        Rest.CALL_RESULT: row[m.CALL_RESULT],
        Rest.CALLS_MADE_TO_PHONE_1: row[m.CALLS_MADE_TO_PHONE_01],
    }


def to_xml(tag: str, value: Any) -> str:
    """A dict becomes child elements, a list repeats its tag, anything else is text."""
    if isinstance(value, dict):
        children: list[str] = []
        for key, child in value.items():
            items = child if isinstance(child, list) else [child]
            children.extend(to_xml(key, item) for item in items)
        return f"<{tag}>{''.join(children)}</{tag}>"
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = escape(str(value), {"\r": "&#13;"})
    return f"<{tag}>{text}</{tag}>"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type, simulator: Simulator) -> None:
        self.simulator = simulator
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out and went away is expected here, not worth a traceback.
        logger.debug("simulator: connection from %s ended badly", client_address, exc_info=True)


Route = Callable[["_Handler", re.Match[str]], None]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "UCCXSimulator/1.0"

    @property
    def sim(self) -> Simulator:
        return self.server.simulator

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("simulator: " + format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    # --- plumbing ----------------------------------------------------------------------
    def _dispatch(self, method: str) -> None:
        self._dropping = False
        parts = urlsplit(self.path)
        path = parts.path.rstrip("/") or "/"
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.body = self._read_body()
        self.sim._count(method, path)
        if not self._authorized():
            self._send(HTTPStatus.UNAUTHORIZED, "apiError", {"errorMessage": "Unauthorized"})
            return
        if path.startswith("/simulator/"):
            self._control(method, path)
            return
        plan = self.sim._plan_request()
        if plan.delay_seconds:
            self.sim.wait(plan.delay_seconds)
        if plan.hang:
            self.sim.wait(self.sim.hang_seconds)
            return
        if plan.fail_500:
            self._send(500, "apiError", {"errorMessage": "Simulated internal server error"})
            return
        self._dropping = plan.drop
        for pattern, methods in _ROUTES:
            match = pattern.fullmatch(path)
            if match:
                route = methods.get(method)
                if route is None:
                    self._send(405, "apiError", {"errorMessage": "Method not allowed"})
                else:
                    route(self, match)
                return
        self._send(404, "apiError", {"errorMessage": f"No resource at {path}"})

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _authorized(self) -> bool:
        header = self.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user, self.sim.username) & hmac.compare_digest(
            password, self.sim.password
        )

    def _send(
        self, status: int, root: str, document: Any, headers: Mapping[str, str] | None = None
    ) -> None:
        if self._dropping:
            # Accept-then-drop: the work is done, the answer never arrives.
            self.close_connection = True
            return
        if "json" in self.headers.get("Accept", ""):
            payload, content_type = json.dumps(document), "application/json"
        else:
            payload = '<?xml version="1.0" encoding="UTF-8"?>' + to_xml(root, document)
            content_type = "application/xml; charset=utf-8"
        data = payload.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        if status == HTTPStatus.UNAUTHORIZED:
            self.send_header("WWW-Authenticate", 'Basic realm="UCCX adminapi"')
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _campaign(self, match: re.Match[str]) -> CampaignConfig | None:
        campaign = self.sim.campaigns.get(int(match["id"]))
        if campaign is None:
            self._send(404, "apiError", {"errorMessage": f"No campaign {match['id']}"})
        return campaign

    # --- control -----------------------------------------------------------------------
    def _control(self, method: str, path: str) -> None:
        if path == "/simulator/faults" and method == "POST":
            try:
                switches = json.loads(self.body or b"{}")
                faults = self.sim.set_faults(**switches)
            except (ValueError, TypeError) as exc:
                self._send(400, "apiError", {"errorMessage": str(exc)})
                return
            self._send(200, "faults", asdict(faults))
        elif path == "/simulator/faults" and method == "GET":
            self._send(200, "faults", asdict(self.sim.faults()))
        elif path == "/simulator/stats" and method == "GET":
            self._send(200, "stats", self.sim.request_counts())
        else:
            self._send(404, "apiError", {"errorMessage": f"No control at {path}"})

    # --- adminapi routes ---------------------------------------------------------------
    def get_campaigns(self, match: re.Match[str]) -> None:
        documents = [self.sim.campaign_document(c) for c in self.sim.campaigns.values()]
        self._send(200, "campaigns", {Rest.CAMPAIGN: documents})

    def get_campaign(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if campaign:
            self._send(200, Rest.CAMPAIGN, self.sim.campaign_document(campaign))

    def get_contacts(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if not campaign:
            return
        name = self.query.get("q", "PENDING").upper()
        status = m.STATUS_BY_REST_FILTER.get(name)
        if status is None:
            self._send(400, "apiError", {"errorMessage": f"Unknown contact status {name!r}"})
            return
        rows = self.sim.store.list_contacts(campaign.id, [status], MAX_CONTACTS_PER_GET)
        self._send(200, Rest.CONTACTS, {Rest.CONTACT: [_contact_document(r) for r in rows]})

    def post_contacts(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if not campaign:
            return
        try:
            status = self.sim.import_contacts(campaign, self.body)
        except _BadRequest as exc:
            self._send(400, "apiError", {"errorMessage": str(exc)})
            return
        location = f"{self.sim.url}/adminapi/campaign/{campaign.id}/contacts/status"
        self._send(202, Rest.IMPORT_STATUS, status, {"Location": location})

    def delete_contacts(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if campaign:
            deleted = self.sim.store.delete_all_contacts(campaign.id)
            self._send(200, "deleteStatus", {"deleted": deleted})

    def get_import_status(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if campaign:
            status = self.sim.imports.get(campaign.id, {Rest.STATUS: "NONE"})
            self._send(200, Rest.IMPORT_STATUS, status)

    def get_skills(self, match: re.Match[str]) -> None:
        skills = [{Rest.SKILL_ID: i, Rest.SKILL_NAME: n} for i, n in DEFAULT_SKILLS]
        self._send(200, Rest.SKILLS, {Rest.SKILL: skills})

    def get_csqs(self, match: re.Match[str]) -> None:
        csqs = [{Rest.ID: i, Rest.NAME: n, Rest.QUEUE_TYPE: t} for i, n, t in DEFAULT_CSQS]
        self._send(200, Rest.CSQS, {Rest.CSQ: csqs})

    def get_resources(self, match: re.Match[str]) -> None:
        resources = [
            {
                Rest.USER_ID: user_id,
                Rest.FIRST_NAME: first,
                Rest.LAST_NAME: last,
                Rest.EXTENSION: extension,
                Rest.TEAM: {Rest.NAME: team},
            }
            for user_id, first, last, extension, team in DEFAULT_RESOURCES
        ]
        self._send(200, Rest.RESOURCES, {Rest.RESOURCE: resources})


_ROUTES: list[tuple[re.Pattern[str], dict[str, Route]]] = [
    (re.compile(r"/adminapi/campaign"), {"GET": _Handler.get_campaigns}),
    (re.compile(r"/adminapi/campaign/(?P<id>\d+)"), {"GET": _Handler.get_campaign}),
    (
        re.compile(r"/adminapi/campaign/(?P<id>\d+)/contacts"),
        {
            "GET": _Handler.get_contacts,
            "POST": _Handler.post_contacts,
            "DELETE": _Handler.delete_contacts,
        },
    ),
    (
        re.compile(r"/adminapi/campaign/(?P<id>\d+)/contacts/status"),
        {"GET": _Handler.get_import_status},
    ),
    (re.compile(r"/adminapi/skill"), {"GET": _Handler.get_skills}),
    (re.compile(r"/adminapi/csq"), {"GET": _Handler.get_csqs}),
    (re.compile(r"/adminapi/resource"), {"GET": _Handler.get_resources}),
]
