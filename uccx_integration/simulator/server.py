"""A UCCX adminapi stand-in over real HTTP, with fault switches for tests and demos.

Serves the campaign-contacts, campaign and directory endpoints the client uses, with
HTTP Basic auth and UCCX's duplicate rule, in the document shapes of Cisco's examples
(uccx_integration.documents; held against tests/uccx_integration/cisco/). An import is
asynchronous as on UCCX: the POST answers 202 with a Location, the contacts arrive in
the dialing list when the import has run, and `…/contacts/status` tells how it went.
No Django: it runs on its own (`python -m uccx_integration.simulator`) or in-process
through `Simulator`.

Control (same basic auth, never subject to faults):
  POST /simulator/faults  {"http_500": n, "delay_seconds": x, "timeout": bool,
                           "accept_then_drop": n, "import_delay_seconds": x,
                           "import_fail": n, "import_drop_last": n, "refuse_import": n}
                          (absent keys keep their value; see Faults)
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
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element, SubElement

from uccx_integration import documents
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
    # Imports (after the 202): run this many seconds later; the next n fail (nothing
    # imported, result FAILURE); the next import leaves out its last n contacts.
    import_delay_seconds: float = 0.0
    import_fail: int = 0
    import_drop_last: int = 0
    # The next n add-contacts POSTs answer 400 (a failure code Cisco documents for it).
    refuse_import: int = 0


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
        self.imports: dict[int, dict[str, Any]] = {}  # the last import run per campaign
        self._last_import_ms: dict[int, int] = {}
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

    # --- adminapi documents (shapes: uccx_integration.documents) -----------------------
    def ref(self, path: str) -> str:
        return f"{self.url}/adminapi/{path}"

    def campaign_document(self, campaign: CampaignConfig, *, detail: bool = True) -> Element:
        """ "Get Campaign" (detail) or one entry of "Get List of Campaigns"."""
        root = Element(Rest.CAMPAIGN)
        _leaves(
            root,
            (Rest.SELF, self.ref(f"campaign/{campaign.id}")),
            (Rest.CAMPAIGN_ID, campaign.id),
            (Rest.CAMPAIGN_NAME, campaign.name),
            (Rest.ENABLED, campaign.enabled),
            (Rest.DESCRIPTION, ""),
            (Rest.START_TIME, campaign.start_time),
            (Rest.END_TIME, campaign.end_time),
            (Rest.TIME_ZONE, campaign.time_zone),
            (Rest.CAMPAIGN_TYPE, campaign.campaign_type),
            (Rest.DIALER_TYPE, "PROGRESSIVE"),
            (Rest.PENDING_CONTACTS, self.store.count_contacts(campaign.id, CallStatus.PENDING)),
        )
        if detail:
            info = SubElement(SubElement(root, Rest.TYPE_SPECIFIC_INFO), Rest.OB_IVR_PROGRESSIVE)
            _leaves(info, (Rest.MAX_DIAL, campaign.max_dial_attempts))
        return root

    def contacts_document(
        self, campaign: CampaignConfig, rows: Iterable[Mapping[str, Any]]
    ) -> Element:
        """ "Get List of Pending Contacts for Campaign": CSV inside XML, the extended
        header, values padded with a space as in Cisco's example."""
        root = Element(Rest.CAMPAIGN_CONTACTS)
        self._campaign_ref(root, campaign)
        lines = [", ".join(Rest.LIST_CSV_HEADER_EXTENDED)]
        for row in rows:
            values = [_csv_value(row, header) for header in Rest.LIST_CSV_HEADER_EXTENDED]
            lines.append(", ".join(values))
        SubElement(root, Rest.CSVDATA).text = "\n".join(lines) + "\n"
        return root

    def _campaign_ref(self, root: Element, campaign: CampaignConfig) -> None:
        element = SubElement(root, Rest.CAMPAIGN, {Rest.NAME_ATTRIBUTE: campaign.name})
        SubElement(element, Rest.REF_URL).text = self.ref(f"campaign/{campaign.id}")

    def import_status_document(self, campaign: CampaignConfig) -> Element:
        """ "Get Campaign Contacts Import Status" (well-formed: Cisco's printed example
        has stray closing tags). REST imports are listed as AUTO, the run with a start
        time and a count in Cisco's example; which type UCCX gives them is unconfirmed."""
        root = Element(Rest.STATUS_DETAILS)
        _leaves(
            root, (Rest.SELF, self.ref(f"campaign/{campaign.id}")), (Rest.CAMPAIGN_ID, campaign.id)
        )
        block = SubElement(root, Rest.IMPORT_STATUS)
        with self._lock:
            run = self.imports.get(campaign.id)
        for import_type in ("AUTO", "MANUAL"):
            status = SubElement(block, Rest.STATUS, {Rest.IMPORT_TYPE: import_type})
            if import_type == "AUTO" and run is not None:
                _leaves(
                    status,
                    (Rest.RESULT, run["result"]),
                    (Rest.START_TIME, run["started_ms"]),
                    (Rest.NUM_CONTACTS_IMPORTED, run["imported"]),
                )
                key = run["key"]
            else:
                _leaves(status, (Rest.RESULT, "SUCCESS"))
                key = "obss.schedule.import.success"
            i18n = SubElement(status, Rest.I18N)
            _leaves(i18n, (Rest.I18N_KEY, key))
            SubElement(SubElement(i18n, "Args"), "Arg")
        return root

    def import_contacts(self, campaign: CampaignConfig, body: bytes) -> Element:
        """Parse the add-contacts document (400 when UCCX would refuse it), then import
        now or after `import_delay_seconds`; answers Cisco's success document."""
        try:
            root = documents.parse(body, "application/xml", Rest.CAMPAIGN_CONTACTS)
            csvdata = root.find(Rest.CSVDATA)
            rows = documents.read_csvdata(csvdata.text if csvdata is not None else "")
        except documents.DocumentError as exc:
            raise _BadRequest(str(exc)) from exc
        allow = (root.findtext(Rest.ALLOW_DUPLICATES) or "false").strip().lower() == "true"
        valid = [_dialing_row(row) for row in rows if row.get(Rest.CSV_PHONE1)]
        with self._lock:
            f = self._faults
            if f.refuse_import > 0:
                f.refuse_import -= 1
                raise _BadRequest("Simulated refusal of the import")
            fail, drop, delay = f.import_fail > 0, f.import_drop_last, f.import_delay_seconds
            f.import_fail -= 1 if fail else 0
            f.import_drop_last = 0
        with self._lock:  # each run starts later than the last, even under a frozen clock
            started_ms = max(int(time.time() * 1000), self._last_import_ms.get(campaign.id, 0) + 1)
            self._last_import_ms[campaign.id] = started_ms
        if drop:
            valid = valid[: max(0, len(valid) - drop)]

        def run() -> None:
            outcome = (
                None
                if fail
                else self.store.add_contacts(campaign.id, valid, allow_duplicates=allow)
            )
            with self._lock:
                self.imports[campaign.id] = {
                    "result": "FAILURE" if fail else "SUCCESS",
                    "started_ms": started_ms,
                    "imported": outcome.imported if outcome else 0,
                    "key": "obss.schedule.import.failure"
                    if fail
                    else "obss.schedule.import.success",
                }

        if delay:
            timer = threading.Timer(delay, run)
            timer.daemon = True
            timer.start()
        else:
            run()
        answer = Element(Rest.CAMPAIGN_CONTACTS)
        self._campaign_ref(answer, campaign)
        SubElement(answer, Rest.CSVDATA)
        return answer


class _BadRequest(Exception):
    pass


def _dialing_row(row: Mapping[str, str]) -> dict[str, str]:
    """An add-contacts CSV row as DialingList column → value."""
    return {
        m.DIALING_LIST_COLUMN_BY_CSV[header]: row.get(header, "")
        for header in m.IMPORTED_CSV_HEADERS
    }


def _csv_value(row: Mapping[str, Any], header: str) -> str:
    value = row.get(m.DIALING_LIST_COLUMN_BY_CSV[header])
    if header == Rest.CSV_RETRY:
        value = "true" if value else "false"
    text = "" if value is None else str(value)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([text])  # quotes line breaks too
    return buffer.getvalue()[:-1]


def _leaves(parent: Element, *children: tuple[str, Any]) -> None:
    for tag, value in children:
        text = "" if value is None else value
        SubElement(parent, tag).text = (
            ("true" if text else "false") if isinstance(text, bool) else str(text)
        )


def _error(message: str) -> Element:
    root = Element(Rest.API_ERROR)
    SubElement(root, "errorMessage").text = message
    return root


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
            self._send(HTTPStatus.UNAUTHORIZED, _error("Unauthorized"))
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
            self._send(500, _error("Simulated internal server error"))
            return
        self._dropping = plan.drop
        for pattern, methods in _ROUTES:
            match = pattern.fullmatch(path)
            if match:
                route = methods.get(method)
                if route is None:
                    self._send(405, _error("Method not allowed"))
                else:
                    route(self, match)
                return
        self._send(404, _error(f"No resource at {path}"))

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
        self,
        status: int,
        document: Element | None,
        headers: Mapping[str, str] | None = None,
        *,
        control: Mapping[str, Any] | None = None,
    ) -> None:
        """An adminapi answer (`document`; None: no body), or a control answer."""
        if self._dropping:
            # Accept-then-drop: the work is done, the answer never arrives.
            self.close_connection = True
            return
        wants_json = "json" in self.headers.get("Accept", "")
        if control is not None:
            payload = (
                json.dumps(control)
                if wants_json
                else documents.to_xml(documents.from_json("simulator", control))
            )
        elif document is None:
            payload = ""
        elif wants_json:
            payload = json.dumps(documents.to_json(document))
        else:
            payload = documents.to_xml(document)
        content_type = "application/json" if wants_json else "application/xml; charset=utf-8"
        data = payload.encode("utf-8")
        self.send_response(status)
        if data:
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
            self._send(404, _error(f"No campaign {match['id']}"))
        return campaign

    # --- control -----------------------------------------------------------------------
    def _control(self, method: str, path: str) -> None:
        if path == "/simulator/faults" and method == "POST":
            try:
                switches = json.loads(self.body or b"{}")
                faults = self.sim.set_faults(**switches)
            except (ValueError, TypeError) as exc:
                self._send(400, _error(str(exc)))
                return
            self._send(200, None, control=asdict(faults))
        elif path == "/simulator/faults" and method == "GET":
            self._send(200, None, control=asdict(self.sim.faults()))
        elif path == "/simulator/stats" and method == "GET":
            self._send(200, None, control=self.sim.request_counts())
        else:
            self._send(404, _error(f"No control at {path}"))

    # --- adminapi routes ---------------------------------------------------------------
    def get_campaigns(self, match: re.Match[str]) -> None:
        root = Element(Rest.CAMPAIGNS)
        for campaign in self.sim.campaigns.values():
            root.append(self.sim.campaign_document(campaign, detail=False))
        self._send(200, root)

    def get_campaign(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if campaign:
            self._send(200, self.sim.campaign_document(campaign))

    def get_contacts(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if not campaign:
            return
        name = self.query.get("q", "PENDING").upper()
        status = m.STATUS_BY_REST_FILTER.get(name)
        if status is None:
            self._send(400, _error(f"Unknown contact status {name!r}"))
            return
        rows = self.sim.store.list_contacts(campaign.id, [status], MAX_CONTACTS_PER_GET)
        self._send(200, self.sim.contacts_document(campaign, rows))

    def post_contacts(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if not campaign:
            return
        try:
            answer = self.sim.import_contacts(campaign, self.body)
        except _BadRequest as exc:
            self._send(400, _error(str(exc)))
            return
        location = self.sim.ref(f"campaign/{campaign.id}/contacts/status")
        self._send(202, answer, {"Location": location})

    def delete_contacts(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if campaign:
            self.sim.store.delete_all_contacts(campaign.id)
            self._send(200, None)  # Cisco: "HTTPS/1.1 200 OK", no body

    def get_import_status(self, match: re.Match[str]) -> None:
        campaign = self._campaign(match)
        if campaign:
            self._send(200, self.sim.import_status_document(campaign))

    def get_skills(self, match: re.Match[str]) -> None:
        items = [
            ((Rest.SELF, self.sim.ref(f"skill/{i}")), (Rest.SKILL_ID, i), (Rest.SKILL_NAME, n))
            for i, n in DEFAULT_SKILLS
        ]
        self._send(200, _list(Rest.SKILLS, Rest.SKILL, items))

    def get_csqs(self, match: re.Match[str]) -> None:
        items = [
            (
                (Rest.SELF, self.sim.ref(f"csq/{i}")),
                (Rest.ID, i),
                (Rest.NAME, n),
                (Rest.QUEUE_TYPE, t),
            )
            for i, n, t in DEFAULT_CSQS
        ]
        self._send(200, _list(Rest.CSQS, Rest.CSQ, items))

    def get_resources(self, match: re.Match[str]) -> None:
        items = [
            (
                (Rest.SELF, self.sim.ref(f"resource/{user_id}")),
                (Rest.USER_ID, user_id),
                (Rest.FIRST_NAME, first),
                (Rest.LAST_NAME, last),
                (Rest.EXTENSION, extension),
            )
            for user_id, first, last, extension, _ in DEFAULT_RESOURCES
        ]
        root = _list(Rest.RESOURCES, Rest.RESOURCE, items)
        for resource, (*_, team) in zip(root, DEFAULT_RESOURCES, strict=True):
            team_element = SubElement(resource, Rest.TEAM, {Rest.NAME_ATTRIBUTE: team})
            SubElement(team_element, Rest.REF_URL).text = self.sim.ref("team/1")
        self._send(200, root)


def _list(root_tag: str, item_tag: str, items: Iterable[Iterable[tuple[str, Any]]]) -> Element:
    """A directory list: one <item_tag> of leaves per item."""
    root = Element(root_tag)
    for leaves in items:
        _leaves(SubElement(root, item_tag), *leaves)
    return root


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
