"""The simulator's dialer calling a stand-in Campaign Manager IVR API over real HTTP."""

import json
import random
import sqlite3
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.uccx_integration.conftest import contact
from uccx_integration import mapping
from uccx_integration.mapping import CallResult, CallStatus
from uccx_integration.simulator.dialer import Dialer
from uccx_integration.simulator.ivr import IvrScript

API_KEY = "ivr-key-123"


class FakeCampaignManager(ThreadingHTTPServer):
    """Answers the IVR routing lookup with `action` and records every request."""

    def __init__(self, action):
        self.action = action
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
        self._answer({"found": True, "action": self.server.action, "skill": "Sales"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(("POST", self.path, self.headers["Authorization"], body))
        self._answer({"status": "completed"})

    def _answer(self, document):
        data = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def campaign_manager():
    servers = []

    def start(action="agent"):
        server = FakeCampaignManager(action)
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
