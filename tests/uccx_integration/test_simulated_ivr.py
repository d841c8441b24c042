"""The simulator's dialer calling a stand-in Campaign Manager IVR API over real HTTP."""

import json
import random
import sqlite3
import threading
import time
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.cast import contact
from uccx_integration import mapping
from uccx_integration.ivr_script import Branch
from uccx_integration.mapping import CallResult, CallStatus
from uccx_integration.simulator.dialer import Dialer
from uccx_integration.simulator.ivr import IvrScript

API_KEY = "ivr-key-123"


class FakeCampaignManager(ThreadingHTTPServer):
    """Answers the IVR routing lookup with `action` and records every request."""

    def __init__(self, action, *, delay=0.0, found=True):
        self.action = action
        self.delay = delay  # seconds before answering the lookup
        self.found = found  # False: 404 with the default route, as for an unknown number
        self.requests = []
        super().__init__(("127.0.0.1", 0), FakeIvrHandler)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class FakeIvrHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.server.requests.append(("GET", self.path, self.headers["Authorization"], None))
        time.sleep(self.server.delay)
        document = {"found": self.server.found, "action": self.server.action, "skill": "Sales"}
        self._answer(document, 200 if self.server.found else 404)

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(("POST", self.path, self.headers["Authorization"], body))
        self._answer({"status": "completed"})

    def _answer(self, document, status=200):
        data = json.dumps(document).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the script gave up waiting (the slow test)


@pytest.fixture
def campaign_manager():
    servers = []

    def start(action="agent", **options):
        server = FakeCampaignManager(action, **options)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def answering_dialer(simulator, ivr):
    return Dialer(
        simulator.store,
        simulator.campaigns,
        mix={CallResult.VOICE: 1},
        rng=random.Random(1),
        clock=lambda: datetime(2026, 11, 20, 11, 0, tzinfo=UTC),
        ivr=ivr,
    )


def agent_rows(simulator):
    with sqlite3.connect(simulator.store.path) as db:
        return db.execute(f"SELECT * FROM {mapping.AGENT_CONNECTION_DETAIL.name}").fetchall()


def test_it_looks_the_callback_up_and_reports_the_outcome_like_the_script(
    client, simulator, campaign_manager
):
    cm = campaign_manager("agent")
    client.add_contacts(1, "Callback_Main", [contact(7)])

    answering_dialer(simulator, IvrScript(cm.url, API_KEY)).dial_round()

    assert cm.requests == [
        (
            "GET",
            "/api/v1/ivr/callbacks/CB0000000007?campaign=Callback_Main",
            "Api-Key ivr-key-123",
            None,
        ),
        (
            "POST",
            "/api/v1/ivr/callbacks/CB0000000007/outcome",
            "Api-Key ivr-key-123",
            {"outcome": "queued_agent"},
        ),
    ]
    assert len(agent_rows(simulator)) == 1


def test_it_records_no_agent_connection_when_the_script_transfers_the_call(
    client, simulator, campaign_manager
):
    cm = campaign_manager("script")
    client.add_contacts(1, "Callback_Main", [contact(7)])

    answering_dialer(simulator, IvrScript(cm.url, API_KEY)).dial_round()

    assert cm.requests[-1][3] == {"outcome": "transferred_script"}
    assert agent_rows(simulator) == []


def test_it_still_completes_the_call_when_the_ivr_api_is_down(client, simulator, closed_port_url):
    client.add_contacts(1, "Callback_Main", [contact(7)])

    answering_dialer(simulator, IvrScript(closed_port_url, API_KEY, timeout=1)).dial_round()

    assert [c.call_status for c in client.list_contacts(1)] == []
    with sqlite3.connect(simulator.store.path) as db:
        (status,) = db.execute(
            f"SELECT {mapping.CALL_STATUS} FROM {mapping.DIALING_LIST_HISTORY.name}"
        ).fetchone()
    assert status == CallStatus.CLOSED
    assert len(agent_rows(simulator)) == 1  # the script's default route: the skill queue


def test_it_queues_to_the_default_csq_when_the_campaign_manager_is_slow(campaign_manager):
    cm = campaign_manager("agent", delay=0.5)
    script = IvrScript(cm.url, API_KEY, timeout=0.1, default_csq="CSQ_Default")

    decision = script.run("CB0000000007", "Callback_Main")

    assert (decision.branch, decision.target) == (Branch.CM_DOWN, "CSQ_Default")
    assert [method for method, *_ in cm.requests] == ["GET"]  # no outcome reported


def test_it_takes_the_default_route_of_an_unknown_number_and_reports_nothing(campaign_manager):
    cm = campaign_manager("skill", found=False)

    decision = IvrScript(cm.url, API_KEY, default_csq="CSQ_Default").run("CB1", "Callback_Main")

    assert (decision.branch, decision.target, decision.report) == (Branch.NOT_FOUND, "Sales", None)
    assert [method for method, *_ in cm.requests] == ["GET"]
