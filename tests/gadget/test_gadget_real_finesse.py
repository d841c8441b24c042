"""Opt-in: the gadget XML with Cisco's real Finesse JavaScript library, in Chromium.

    FINESSE_JS=/path/finesse.js [FINESSE_JQUERY=/path/jquery.min.js] \
        pytest tests/gadget/test_gadget_real_finesse.py

The library comes from the operator's own Finesse server (/desktop/assets/js/finesse.js
and jquery.min.js beside it); its licence forbids committing it, so it is never in this
repository. Without FINESSE_JS the test is skipped, saying so. jQuery is FINESSE_JQUERY,
else a jquery*.js in the library's folder.

Around the gadget, a minimal OpenSocial container as far as the library and the gadget
use it: a desktop page with the gadget's tab panel (ContainerServices finds its tab from
the gadget's frame), and in the frame gadgets.Prefs (with set: the setprefs feature),
gadgets.io.makeRequest, gadgets.window, gadgets.HubSettings and a gadgets.Hub whose
requests are answered as Finesse's desktop answers them (the tab shown, node
subscriptions made). Finesse's REST API behind makeRequest answers User and Dialogs in
the XML of the REST API guide ("User—Get User", "Dialog—Get Dialog"); the call is there
at load, its call variables in the callvariables/CallVariable list.
"""

import base64
import json
import os
import pathlib
import urllib.parse
import urllib.request
from xml.sax.saxutils import escape

import pytest
from defusedxml import ElementTree
from playwright.sync_api import expect

from tests.gadget.conftest import book, next_free_slots

# Opt-in by design: Cisco's library may not be committed (its licence), so an operator
# supplies it from their own Finesse server; without it the reason is printed (-rs).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("FINESSE_JS"),
        reason="FINESSE_JS is not set: no Finesse JavaScript library to run the gadget with",
    ),
]

AGENT = {"id": "asmith", "first": "Alice", "last": "Smith", "extension": "1001"}
TAB = "callbacks"


def library_files() -> tuple[pathlib.Path, pathlib.Path]:
    given = os.environ["FINESSE_JS"]
    library = pathlib.Path(given)
    if not library.is_file():
        pytest.fail(f"FINESSE_JS={given} is not a file")
    jquery = os.environ.get("FINESSE_JQUERY")
    candidates = [pathlib.Path(jquery)] if jquery else sorted(library.parent.glob("jquery*.js"))
    if not candidates or not candidates[0].is_file():
        pytest.fail(f"no jQuery: set FINESSE_JQUERY or put jquery*.js beside {library}")
    return library, candidates[0]


def element(name: str, value: str | None = None, children: str = "") -> str:
    return f"<{name}>{escape(value) if value is not None else children}</{name}>"


def user_xml(agent: dict = AGENT) -> str:
    """User—Get User, as the REST API guide shows it (the parts a gadget reads)."""
    return element(
        "User",
        children="".join(
            [
                element("uri", f"/finesse/api/User/{agent['id']}"),
                element("loginId", agent["id"]),
                element("loginName", agent["id"]),
                element("state", "READY"),
                element("stateChangeTime", "2026-12-03T08:00:00.000Z"),
                element("firstName", agent["first"]),
                element("lastName", agent["last"]),
                element("extension", agent["extension"]),
                element("roles", children=element("role", "Agent")),
                element("dialogs", f"/finesse/api/User/{agent['id']}/Dialogs"),
                element("teamId", "1"),
                element("teamName", "Default"),
            ]
        ),
    )


def dialog_xml(dialog_id: str, call_type: str, from_: str, to: str, variables: dict) -> str:
    """Dialog—Get Dialog: call variables as callvariables/CallVariable, callVariable1-10
    always there; participants with mediaAddress and mediaAddressType."""
    names = [f"callVariable{i}" for i in range(1, 11)] + list(variables)
    listed = "".join(
        element(
            "CallVariable",
            children=element("name", n) + element("value", variables.get(n, "")),
        )
        for n in dict.fromkeys(names)
    )

    def participant(address: str, kind: str) -> str:
        return element(
            "Participant",
            children=element("mediaAddress", address)
            + element("mediaAddressType", kind)
            + element("state", "ACTIVE"),
        )

    return element(
        "Dialog",
        children="".join(
            [
                element("id", dialog_id),
                element("uri", f"/finesse/api/Dialog/{dialog_id}"),
                element("fromAddress", from_),
                element("toAddress", to),
                element("state", "ACTIVE"),
                element("mediaType", "Voice"),
                element(
                    "mediaProperties",
                    children=element("DNIS", to)
                    + element("callType", call_type)
                    + element("dialedNumber", to)
                    + element("callvariables", children=listed),
                ),
                element(
                    "participants",
                    children=participant(from_, "AGENT_DEVICE") + participant(to, ""),
                ),
            ]
        ),
    )


DIALER_CALL = dialog_xml(
    "16777217",
    "OUTBOUND",
    AGENT["extension"],
    "9226000009",  # what the dialer dialled, with its prefix
    {
        "BAStatus": "PREDICTIVE_OUTBOUND",
        "BACustomerNumber": "+48 22 600 00 09",
        "BACampaign": "Callback_Premium",
        "BAAccountNumber": "ACC-9",
    },
)

# The container in the gadget's frame (see the module's docstring). FINESSE_REST maps a
# path of Finesse's REST API to its XML; everything else goes to the network (our API).
CONTAINER = """
(() => {
  if (window === window.top) { return; }  // the desktop page itself
  const prefs = %(prefs)s;
  const rest = %(rest)s;
  const realFetch = window.fetch.bind(window);
  window.__set = {};
  window.__heights = 0;
  window.__rest = [];
  sessionStorage.setItem("userFinesseAuth", %(auth)s);
  function Prefs() {}
  Prefs.prototype.getString = (name) => (name in prefs ? String(prefs[name]) : "");
  Prefs.prototype.getInt = (name) => Number(prefs[name] || 0);
  Prefs.prototype.getBool = (name) => prefs[name] === "true";
  Prefs.prototype.getLang = () => "en";
  Prefs.prototype.getCountry = () => "US";
  Prefs.prototype.getMsg = (name) => name;
  Prefs.prototype.set = (name, value) => { window.__set[name] = value; prefs[name] = value; };
  const topics = {};
  let serial = 0;
  const hub = {
    subscribe(topic, callback) {
      serial += 1;
      (topics[topic] = topics[topic] || {})[serial] = callback;
      return topic + "#" + serial;
    },
    unsubscribe(id) {
      const [topic, n] = String(id).split("#");
      if (topics[topic]) { delete topics[topic][n]; }
    },
    publish(topic, data) {
      setTimeout(() => {
        Object.values(topics[topic] || {}).forEach((callback) => callback(topic, data));
        if (/\\.requests$/.test(topic)) { answer(topic.replace(/requests$/, "responses"), data); }
      });
    },
  };
  // What Finesse's desktop (the master) answers on the hub.
  function answer(responses, request) {
    if (request.type === "ActiveTabReq") {
      hub.publish("finesse.containerservices.activeTab", %(tab)s);
    } else if (request.type === "SubscribeNodeReq" || request.type === "UnsubscribeNodeReq") {
      hub.publish(responses + "." + request.invokeID, undefined);
    }
  }
  window.gadgets = {
    Prefs,
    Hub: hub,
    HubSettings: {},
    json: { parse: JSON.parse, stringify: JSON.stringify },
    util: { getUrlParameters: () => ({ mid: "0" }), registerOnLoadHandler: (f) => f() },
    window: { adjustHeight: () => { window.__heights += 1; }, setTitle: () => {} },
    io: {
      RequestParameters: { METHOD: "METHOD", HEADERS: "HEADERS", POST_DATA: "POST_DATA",
                           CONTENT_TYPE: "CONTENT_TYPE", REFRESH_INTERVAL: "REFRESH_INTERVAL",
                           GET_FULL_HEADERS: "GET_FULL_HEADERS", AUTHORIZATION: "AUTHORIZATION" },
      MethodType: { GET: "GET", POST: "POST", PUT: "PUT", DELETE: "DELETE" },
      ContentType: { TEXT: "TEXT", JSON: "JSON", DOM: "DOM" },
      makeRequest(url, callback, params) {
        const path = new URL(url).pathname;
        if (path.startsWith("/finesse/api/")) {
          window.__rest.push({ path, headers: params.HEADERS });
          const text = rest[path];
          setTimeout(() => callback(text === undefined
            ? { rc: 404, text: "", headers: {}, errors: ["404 Not Found"] }
            : { rc: 200, text, headers: {}, errors: [] }));
          return;
        }
        realFetch(url, { method: params.METHOD, headers: params.HEADERS, body: params.POST_DATA })
          .then((r) => r.text().then((text) => callback({ rc: r.status, text, headers: {} })));
      },
    },
  };
})();
"""

# The desktop page: the gadget's frame in its tab panel; ContainerServices in a gadget
# reaches for the desktop's finesse.container.Container.
DESKTOP = """<!DOCTYPE html>
<html lang="en"><head><title>Finesse desktop</title>
<script>window.finesse = { container: { Container: {} } };</script></head>
<body><div class="tab-panel" id="panel_%s">
<iframe id="gadget" title="Callbacks" src="/desktop/gadget.html" width="480" height="900"></iframe>
</div></body></html>"""


def open_desktop(page, live_server, gadget_key, agent: dict = AGENT, password: str = "secret"):
    """The desktop page with the gadget's frame, the real library in it, for `agent`
    (the desktop's sessionStorage holds base64(id:password) as Finesse's does); the hub
    connected. Returns (the gadget's frame locator, its frame, the REST map, the auth)."""
    library, jquery = library_files()
    with urllib.request.urlopen(
        f"{live_server.url}/gadget/CallbackGadget.xml?cmApiKey={gadget_key}"
    ) as answer:
        module = ElementTree.fromstring(answer.read())
    features = {r.get("feature") for r in module.find("ModulePrefs").findall("Require")}
    assert "setprefs" in features  # else the container gives no prefs.set
    server = urllib.parse.urlsplit(live_server.url)
    hangman = {"scheme": server.scheme, "host": server.hostname, "hostPort": str(server.port)}
    # What the Finesse container fills for every gadget (Cisco's 10.x samples read these).
    finesse = {
        "restHost": "localhost",
        "localhostPort": "8082",
        "extension": agent["extension"],
        "locale": "en_US",
        "language": "en",
        "id": agent["id"],
        "xmppDomain": "finesse.example.com",
        "pubsubDomain": "pubsub.finesse.example.com",
    }
    prefs = {p.get("name"): p.get("default_value") for p in module.findall("UserPref")}
    content = module.find("Content").text
    for name, value in hangman.items():
        content = content.replace(f"__UP_{name}__", value)
    rest = {
        f"/finesse/api/User/{agent['id']}": user_xml(agent),
        f"/finesse/api/User/{agent['id']}/Dialogs": element("Dialogs", children=DIALER_CALL),
    }
    auth = base64.b64encode(f"{agent['id']}:{password}".encode()).decode()
    page.route(
        "**/desktop/index.html",
        lambda route: route.fulfill(body=DESKTOP % TAB, content_type="text/html"),
    )
    page.route(
        "**/desktop/gadget.html",
        lambda route: route.fulfill(body=content, content_type="text/html; charset=utf-8"),
    )
    page.route("**/desktop/assets/js/finesse.js", lambda route: route.fulfill(path=library))
    page.route("**/desktop/assets/js/jquery.min.js", lambda route: route.fulfill(path=jquery))
    page.add_init_script(
        CONTAINER
        % {
            "prefs": json.dumps(prefs | hangman | finesse),
            "rest": json.dumps(rest),
            "auth": json.dumps(auth),
            "tab": json.dumps(TAB),
        }
    )

    page.goto(f"{live_server.url}/desktop/index.html")
    gadget = page.frame_locator("#gadget")
    frame = page.frame(url=f"{live_server.url}/desktop/gadget.html")
    frame.wait_for_function("() => window.finesse && window.CallbackGadget")
    assert frame.evaluate("() => Object.keys(window.__set)") == ["authorization"]
    frame.evaluate("() => gadgets.HubSettings.onConnect()")  # the hub connects

    return gadget, frame, rest, auth


def test_the_gadget_runs_with_the_real_finesse_library(page, live_server, gadget_key):
    gadget, frame, rest, auth = open_desktop(page, live_server, gadget_key)

    # The dialog there at load, its call variables from the CallVariable list.
    expect(gadget.locator("#cbg-phone")).to_have_value("+48 22 600 00 09")
    expect(gadget.locator("#cbg-campaign")).to_have_value("Callback_Premium")
    expect(gadget.locator("#cbg-call")).to_contain_text("ACC-9")
    expect(gadget.locator("#cbg-kind-personal-label")).to_have_text("Me (Alice Smith)")
    gadget.locator("#cbg-when-slots button").first.wait_for()
    paths = [call["path"] for call in frame.evaluate("() => window.__rest")]
    assert set(paths) >= set(rest)
    calls = frame.evaluate("() => window.__rest")
    assert all(c["headers"]["Authorization"] == f"Basic {auth}" for c in calls)
    # ACTIVE_TAB: the desktop said the gadget's tab shows, and the gadget fitted itself.
    frame.wait_for_function("() => window.__heights > 0")


def test_the_real_librarys_authorization_pref_gets_an_agent_session(
    page, live_server, gadget_key, simulator, settings
):
    """The pref exactly as the real library fills it, sent by the gadget to
    /agent-session, verified by the server with the simulator's Finesse REST stand-in:
    the agent's own personal callback is listed."""
    settings.AGENT_AUTH, settings.FINESSE_URL = "finesse", simulator.url
    agent = {"id": "agent001", "first": "Anna", "last": "Nowak", "extension": "1001"}
    own = book("+48226000041", next_free_slots()[0], agent_id="agent001", first_name="Own")

    gadget, frame, _, auth = open_desktop(page, live_server, gadget_key, agent, "ciscocisco")

    expect(gadget.locator("#cbg-mine-list li")).to_have_count(1)
    expect(gadget.locator("#cbg-mine-list")).to_contain_text(own.account_number)
    assert frame.evaluate("() => window.__set.authorization") == auth  # bare base64
    assert simulator.request_counts().get("GET /finesse/api/User/agent001") == 1


def test_without_prefs_set_the_real_library_fails_as_the_stand_in_does(page):
    library, jquery = library_files()
    blank = "<!DOCTYPE html><html lang='en'><title>Finesse</title><body></body></html>"
    page.route("http://finesse.test/", lambda route: route.fulfill(body=blank))
    page.goto("http://finesse.test/")
    page.add_script_tag(content=jquery.read_text())
    standin = pathlib.Path(__file__).parents[2] / "callbacks/static/gadget/finesse-standin.js"

    page.evaluate(
        """() => {
          function Prefs() {}
          Prefs.prototype.getString = () => "";  // a container without setprefs
          window.gadgets = { Prefs, Hub: { subscribe() {}, publish() {} } };
          window.__errors = [];
        }"""
    )
    for code in (library.read_text(), standin.read_text()):
        # As a script of the page (the library declares globals), its error caught.
        page.add_script_tag(
            content=f"try {{\n{code}\n}} catch (e) {{ window.__errors.push(String(e.message)); }}"
        )

    assert page.evaluate("() => window.__errors") == ["_prefs.set is not a function"] * 2
