"""XML that comes in from the network is read with defusedxml: the UCCX client's answers
and the simulator's contact imports. Hostile documents (entity expansion, external
entities) are refused as unreadable, never expanded, never a crash.

The IVR endpoints read a flat XML body with defusedxml too (callbacks/api/parsers.py):
a hostile one is 400 `invalid_xml`, never expanded. The gadget's endpoints read JSON
only: an XML body there gets 415.
"""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from callbacks.models import ApiKey, ApiScope
from uccx_integration.client import UccxClient, UccxError
from uccx_integration.simulator.server import Simulator

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<campaign><name>&lol5;</name></campaign>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE campaign [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<campaign><name>&secret;</name></campaign>"""
HOSTILE = {"billion-laughs": BILLION_LAUGHS, "external-entity": EXTERNAL_ENTITY}


@pytest.fixture
def hostile_uccx():
    """A loopback HTTP server that answers every GET with the document in `.body`."""

    class Handler(BaseHTTPRequestHandler):
        body = b""

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(Handler.body)))
            self.end_headers()
            self.wfile.write(Handler.body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Handler, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
def test_it_refuses_a_hostile_xml_answer_from_uccx_as_unreadable(hostile_uccx, document):
    handler, url = hostile_uccx
    handler.body = document
    client = UccxClient(url, username="u", password="p", sleep=lambda _: None)

    with pytest.raises(UccxError) as raised:
        client.get_campaign(1)

    assert raised.value.permanent
    assert "unreadable" in str(raised.value)
    assert "root:" not in str(raised.value)


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
def test_it_answers_400_when_the_simulator_gets_a_hostile_import(tmp_path, document):
    simulator = Simulator(str(tmp_path / "uccx.sqlite3"), username="u", password="p").start()
    try:
        response = requests.post(
            f"{simulator.url}/adminapi/campaign/1/contacts",
            data=document,
            headers={"Content-Type": "application/xml"},
            auth=("u", "p"),
            timeout=5,
        )
    finally:
        simulator.stop()

    assert response.status_code == 400
    assert b"root:" not in response.content


@pytest.mark.parametrize("document", HOSTILE.values(), ids=HOSTILE.keys())
def test_it_refuses_a_hostile_xml_body_on_the_ivr_api_with_400(client, db, document):
    _, key = ApiKey.objects.create_key(name="ivr", scope=ApiScope.IVR)

    response = client.post(
        "/api/v1/ivr/callbacks",
        document,
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"Api-Key {key}",
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_xml"
    assert b"root:" not in response.content
    assert b"lollol" not in response.content


def test_it_refuses_an_xml_body_on_the_gadget_api_with_415(client, db):
    _, key = ApiKey.objects.create_key(name="gadget", scope=ApiScope.GADGET)

    response = client.post(
        "/api/v1/callbacks",
        BILLION_LAUGHS,
        content_type="application/xml",
        HTTP_AUTHORIZATION=f"Api-Key {key}",
    )

    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"
