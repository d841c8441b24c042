"""The simulator's HTTP side: the server, the request handler with UCCX's basic auth,
its routes (adminapi endpoints and /simulator control), and the directory it serves."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element, SubElement

from uccx_integration import documents
from uccx_integration import mapping as m
from uccx_integration.mapping import Rest
from uccx_integration.simulator.store import CampaignConfig

from .wire import _BadRequest, _error, _list

if TYPE_CHECKING:
    from .server import Simulator

logger = logging.getLogger(__name__)


DEFAULT_SKILLS = ((1, "Sales"), (2, "Support"), (3, "Premium"))
DEFAULT_CSQS = ((1, "CSQ_Sales", "VOICE"), (2, "CSQ_Support", "VOICE"), (3, "CSQ_Premium", "VOICE"))
DEFAULT_RESOURCES = (
    ("agent001", "Anna", "Nowak", "1001", "Default"),
    ("agent002", "Piotr", "Wiśniewski", "1002", "Default"),
)
MAX_CONTACTS_PER_GET = 10_000


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
        if path.startswith("/finesse/api/"):
            self._finesse(method, path)
            return
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

    def _finesse(self, method: str, path: str) -> None:
        """The Finesse REST stand-in (simulator/finesse.py): its own users and XML."""
        if self.sim.faults().refuse_finesse:
            self.close_connection = True
            return
        status, data = self.sim.finesse.answer(method, path, self.headers.get("Authorization", ""))
        self.send_response(status)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        if status == HTTPStatus.UNAUTHORIZED:
            self.send_header("WWW-Authenticate", 'Basic realm="Finesse"')
        self.end_headers()
        self.wfile.write(data)

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
        elif path == "/simulator/finesse-states" and method == "POST":
            # {"agent002": "LOGOUT"}: Finesse users' states from now on (finesse.py STATES).
            try:
                for login_id, state in json.loads(self.body or b"{}").items():
                    self.sim.finesse.set_state(login_id, str(state).upper())
            except (ValueError, TypeError, AttributeError) as exc:
                self._send(400, _error(str(exc)))
                return
            self._send(200, None, control=self.sim.finesse.states())
        elif path == "/simulator/finesse-states" and method == "GET":
            self._send(200, None, control=self.sim.finesse.states())
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
