"""The gadget against Finesse's JavaScript library, in headless Chromium.

The project's stand-in library (callbacks/static/gadget/finesse-standin.js) is held to
what the real one does where a gadget can get it wrong: prefs.set needed (setprefs),
ClientServices.init checking its config, dialogs in Finesse's shapes (call variables as
the callvariables/CallVariable list), dialogs there at load only through the
collection's onLoad. Then: which number is the customer's, one test per call type
(customer.js; docs/gadget.md, "Which number is the customer's"); call variables that
come in a later change of the call; the gadget XML's own content in a Finesse-like
container, as Finesse 10.x (no finesse.gadget.Config) and 11.0 and later (with one).
The real library itself: test_gadget_real_finesse.py (opt-in).
"""

import base64
import json
import pathlib
import urllib.parse
import urllib.request

import pytest
from defusedxml import ElementTree
from playwright.sync_api import expect

import callbacks

STATIC = pathlib.Path(callbacks.__file__).parent / "static" / "gadget"
EXTENSION = "1001"
CUSTOMER = "+48226000020"


def source(name: str) -> str:
    return (STATIC / name).read_text()


@pytest.fixture
def library(page):
    """A blank page (no server) with the stand-in library, customer.js and context.js."""
    # An origin of its own (about:blank has no sessionStorage, which the library reads).
    blank = "<!DOCTYPE html><html lang='en'><title>Finesse</title><body></body></html>"
    page.route(
        "http://finesse.test/", lambda route: route.fulfill(body=blank, content_type="text/html")
    )
    page.goto("http://finesse.test/")
    page.evaluate("() => { window.FinesseStandInOptions = {}; }")
    for name in ("finesse-standin.js", "customer.js", "context.js"):
        page.add_script_tag(content=source(name))
    return page


def run_library(page, prefs_methods: str) -> str:
    """Load the stand-in under a container whose gadgets.Prefs has `prefs_methods`;
    the error it throws, or ""."""
    return page.evaluate(
        """([code, methods]) => {
          function Prefs() {}
          Object.assign(Prefs.prototype, new Function("return {" + methods + "}")());
          window.gadgets = { Prefs };
          try { new Function(code)(); return ""; } catch (e) { return String(e.message); }
        }""",
        [source("finesse-standin.js"), prefs_methods],
    )


def test_the_library_fails_without_prefs_set_as_without_the_setprefs_feature(library):
    assert run_library(library, "getString: () => ''") == "_prefs.set is not a function"
    assert run_library(library, "getString: () => '', set: () => {}") == ""


VALID = {"host": "finesse.example.com", "restHost": "localhost", "authorization": "ajpwdw=="}


@pytest.mark.parametrize("missing", ["host", "restHost", "authorization"])
def test_client_services_refuses_a_config_without_what_it_needs(library, missing):
    config = {k: v for k, v in VALID.items() if k != missing}

    error = library.evaluate(
        """(config) => { try { finesse.clientservices.ClientServices.init(config); return ""; }
                         catch (e) { return e.message; } }""",
        config,
    )

    assert error == "Config object contains invalid properties."


def test_client_services_takes_the_agent_from_the_authorization(library):
    auth = base64.b64encode(b"asmith:secret").decode()

    config = library.evaluate(
        """(config) => { finesse.clientservices.ClientServices.init(config); return config; }""",
        VALID | {"authorization": auth},
    )

    assert (config["id"], config["password"]) == ("asmith", "secret")


def test_dialogs_come_in_finesses_shape_and_flatten_like_the_library(library):
    data = library.evaluate(
        """() => FinesseStandIn.dialog({ id: "7", callType: "OUTBOUND", from: "1001",
             to: "0226000020", variables: { callVariable3: "x", BACampaign: "Main" } })"""
    )
    media = library.evaluate("""(data) => FinesseStandIn.ring(data).getMediaProperties()""", data)

    listed = data["mediaProperties"]["callvariables"]["CallVariable"]
    assert [v["name"] for v in listed[:10]] == [f"callVariable{i}" for i in range(1, 11)]
    assert {"name": "BACampaign", "value": "Main"} in listed
    assert "BACampaign" not in data["mediaProperties"]  # not pre-flattened
    assert (media["BACampaign"], media["callVariable3"], media["callType"]) == (
        "Main",
        "x",
        "OUTBOUND",
    )


def test_dialogs_there_at_load_come_only_through_the_collections_on_load(library):
    seen = library.evaluate(
        """() => new Promise((done) => {
          const seen = { load: [], add: [] };
          finesse.container = {};  // as the gadget provides it (context.js)
          const auth = btoa("jkowalski:x");
          const config = { host: "h", restHost: "h", authorization: auth };
          finesse.clientservices.ClientServices.init(config);
          FinesseStandIn.ring(FinesseStandIn.dialog({ id: "early", callType: "ACD_IN" }));
          new finesse.restservices.User({ id: "jkowalski", onLoad: (user) => {
            user.getDialogs({
              onCollectionAdd: (d) => seen.add.push(d.getId()),
              onLoad: (dialogs) => {
                seen.load = Object.keys(dialogs.getCollection());
                FinesseStandIn.ring(FinesseStandIn.dialog({ id: "later", callType: "ACD_IN" }));
                done(seen);
              },
            });
          } });
        })"""
    )

    assert seen == {"load": ["early"], "add": ["later"]}


def agent(address: str = EXTENSION) -> dict:
    return {"mediaAddress": address, "mediaAddressType": "AGENT_DEVICE", "state": "ACTIVE"}


def caller(address: str = CUSTOMER) -> dict:
    return {"mediaAddress": address, "mediaAddressType": "", "state": "ACTIVE"}


# One per call type (docs/gadget.md, "Which number is the customer's"): the dialog as
# Finesse gives it, then the kind, the number and where it came from.
CALLS = {
    "progressive dialer call, BACustomerNumber first": (
        {
            "callType": "OUTBOUND",
            "from": EXTENSION,
            "to": "9" + CUSTOMER,  # what the dialer dialled, with its prefix
            "variables": {"BAStatus": "PROGRESSIVE_OUTBOUND", "BACustomerNumber": CUSTOMER},
        },
        ("dialer", CUSTOMER, "BACustomerNumber"),
    ),
    "predictive dialer call": (
        {
            "callType": "OUTBOUND",
            "from": EXTENSION,
            "to": CUSTOMER,
            "variables": {"BAStatus": "PREDICTIVE_OUTBOUND", "BACampaign": "Main"},
        },
        ("dialer", CUSTOMER, "toAddress"),
    ),
    "direct preview reservation, skipped": (
        {
            "callType": "OUTBOUND_PREVIEW",
            "from": "7001",  # the dialer port
            "to": EXTENSION,  # the agent
            "variables": {"BAStatus": "DIRECT_PREVIEW_OUTBOUND_RESERVATION"},
        },
        ("reservation", "", ""),
    ),
    "preview reservation with the customer's number, still skipped": (
        {
            "callType": "OUTBOUND_PREVIEW",
            "from": "7001",
            "to": EXTENSION,
            "variables": {
                "BAStatus": "PREVIEW_OUTBOUND_RESERVATION",
                "BACustomerNumber": CUSTOMER,
            },
        },
        ("reservation", "", ""),
    ),
    "direct preview call once accepted": (
        {
            "callType": "OUTBOUND_PREVIEW",
            "from": EXTENSION,
            "to": CUSTOMER,
            "variables": {"BAStatus": "DIRECT_PREVIEW_OUTBOUND"},
        },
        ("dialer", CUSTOMER, "toAddress"),
    ),
    "call the agent dialled": (
        {"callType": "OUT", "from": EXTENSION, "to": CUSTOMER},
        ("dialled", CUSTOMER, "toAddress"),
    ),
    "inbound queue call": (
        {"callType": "ACD_IN", "from": CUSTOMER, "to": "5000"},
        ("inbound", CUSTOMER, "fromAddress"),
    ),
    "call transferred by another agent (the consult call survived)": (
        {
            "callType": "TRANSFER",
            "from": "1002",  # the first agent
            "to": EXTENSION,
            "participants": [agent(), caller()],
        },
        ("transfer", CUSTOMER, "participant"),
    ),
    "conference of two agents and the customer": (
        {
            "callType": "CONFERENCE",
            "from": "1002",
            "to": EXTENSION,
            "participants": [agent("1002"), caller(), agent()],
        },
        ("transfer", CUSTOMER, "participant"),
    ),
    "transferred dialer call, BACustomerNumber first": (
        {
            "callType": "TRANSFER",
            "from": "1002",
            "to": EXTENSION,
            "variables": {"BACustomerNumber": CUSTOMER},
            "participants": [agent("1002"), agent()],
        },
        ("transfer", CUSTOMER, "BACustomerNumber"),
    ),
    "consult call between agents": (
        {"callType": "CONSULT", "from": "1002", "to": EXTENSION},
        ("internal", "", ""),
    ),
    "a call whose fromAddress is the agent's own phone": (
        {"callType": "ACD_IN", "from": EXTENSION, "to": "5000"},
        ("inbound", "", ""),
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_the_customers_number_per_call_type(library, name):
    spec, expected = CALLS[name]

    found = library.evaluate(
        """([spec, extension]) => CallbackGadget.context.describeDialog(
             FinesseStandIn.ring(FinesseStandIn.dialog(spec)), extension)""",
        [{"id": "d1", **spec}, EXTENSION],
    )

    assert (found["kind"], found["customerNumber"], found["numberSource"]) == expected


# --- the gadget on the preview page -----------------------------------------------------

RING = "(spec) => { FinesseStandIn.ring(FinesseStandIn.dialog(spec)); }"
CHANGE = "([id, spec]) => FinesseStandIn.change(id, FinesseStandIn.dialog({ id, ...spec }))"
LATE_VARIABLES = {
    "BAStatus": "PROGRESSIVE_OUTBOUND",
    "BACustomerNumber": "+48 22 600 00 22",
    "BACampaign": "Callback_Premium",
    "BAAccountNumber": "ACC-22",
}
FIRST = {"id": "c1", "callType": "OUTBOUND", "from": EXTENSION, "to": "+48 22 600 00 21"}


@pytest.mark.django_db(transaction=True)
def test_call_variables_that_come_later_fill_what_the_agent_left(open_gadget):
    page = open_gadget()
    page.evaluate(RING, FIRST)
    expect(page.locator("#cbg-phone")).to_have_value("+48 22 600 00 21")

    page.evaluate(CHANGE, ["c1", {**FIRST, "variables": LATE_VARIABLES}])

    expect(page.locator("#cbg-phone")).to_have_value("+48 22 600 00 22")
    expect(page.locator("#cbg-campaign")).to_have_value("Callback_Premium")
    expect(page.locator("#cbg-call")).to_contain_text("ACC-22")


@pytest.mark.django_db(transaction=True)
def test_call_variables_that_come_later_leave_what_the_agent_edited(open_gadget):
    page = open_gadget()
    page.evaluate(RING, FIRST)
    expect(page.locator("#cbg-phone")).to_have_value("+48 22 600 00 21")
    page.fill("#cbg-phone", "22 600 00 23")
    page.select_option("#cbg-campaign", "Callback_Main")

    page.evaluate(CHANGE, ["c1", {**FIRST, "variables": LATE_VARIABLES}])

    expect(page.locator("#cbg-call")).to_contain_text("ACC-22")  # the change came
    expect(page.locator("#cbg-phone")).to_have_value("22 600 00 23")
    expect(page.locator("#cbg-campaign")).to_have_value("Callback_Main")


@pytest.mark.django_db(transaction=True)
def test_a_reservation_leaves_the_number_empty_and_says_so(open_gadget):
    page = open_gadget()

    page.evaluate(RING, CALLS["direct preview reservation, skipped"][0] | {"id": "r1"})

    expect(page.locator("#cbg-call")).to_have_attribute("data-kind", "reservation")
    expect(page.locator("#cbg-call")).to_contain_text("Preview reservation")
    expect(page.locator("#cbg-phone")).to_have_value("")


# --- the gadget XML in a Finesse-like container -------------------------------------------

# A stand-in for the Finesse container around the gadget's XML content: the UserPrefs
# (the XML's defaults and Finesse's own), prefs.set only with the setprefs feature, the
# hub, the window features, and makeRequest (all recorded).
FAKE_CONTAINER = """
(() => {
  const prefs = %(prefs)s;
  const realFetch = window.fetch.bind(window);
  window.__calls = [];
  window.__titles = [];
  window.__heights = 0;
  window.__set = {};
  function Prefs() {}
  Prefs.prototype.getString = (name) => (name in prefs ? String(prefs[name]) : "");
  Prefs.prototype.getInt = (name) => Number(prefs[name] || 0);
  Prefs.prototype.getLang = () => "ALL";
  if (%(setprefs)s) {
    Prefs.prototype.set = (name, value) => { window.__set[name] = value; prefs[name] = value; };
  }
  window.FinesseStandInOptions = %(options)s;
  sessionStorage.setItem("userFinesseAuth", %(auth)s);
  window.gadgets = {
    Prefs,
    HubSettings: {},
    Hub: { subscribe: () => "s1", publish: () => {} },
    window: {
      setTitle: (title) => window.__titles.push(title),
      adjustHeight: () => { window.__heights += 1; },
    },
    io: {
      RequestParameters: { METHOD: "METHOD", HEADERS: "HEADERS", POST_DATA: "POST_DATA",
                           CONTENT_TYPE: "CONTENT_TYPE", REFRESH_INTERVAL: "REFRESH_INTERVAL" },
      MethodType: { GET: "GET", POST: "POST" },
      ContentType: { TEXT: "TEXT" },
      makeRequest(url, callback, params) {
        window.__calls.push({ url, headers: params.HEADERS });
        realFetch(url, { method: params.METHOD, headers: params.HEADERS, body: params.POST_DATA })
          .then((r) => r.text().then((text) => callback({ rc: r.status, text })));
      },
    },
  };
})();
"""

# A dialer call already there when the gadget starts, its call variables in a list.
AT_LOAD = {
    "id": "d1",
    "callType": "OUTBOUND",
    "from": EXTENSION,
    "to": "9 22 600 00 09",
    "variables": {
        "BAStatus": "PREDICTIVE_OUTBOUND",
        "BACustomerNumber": "+48 22 600 00 09",
        "BACampaign": "Callback_Premium",
        "BAAccountNumber": "ACC-9",
    },
}


def container_page(
    page,
    live_server,
    gadget_key,
    *,
    config: bool,
    login: str = "asmith",
    password: str = "secret",
    names: tuple[str, str] = ("Alice", "Smith"),
    locale: str = "pl_PL",
):
    """The gadget XML's content in FAKE_CONTAINER, for the agent `login`: the desktop's
    sessionStorage holds `userFinesseAuth` = base64(login:password), as Finesse's does."""
    with urllib.request.urlopen(
        f"{live_server.url}/gadget/CallbackGadget.xml?cmApiKey={gadget_key}"
    ) as answer:
        module = ElementTree.fromstring(answer.read())
    prefs = {p.get("name"): p.get("default_value") for p in module.findall("UserPref")}
    # The container gives prefs.set only to gadgets that require setprefs.
    features = {r.get("feature") for r in module.find("ModulePrefs").findall("Require")}
    server = urllib.parse.urlsplit(live_server.url)
    hangman = {"scheme": server.scheme, "host": server.hostname, "hostPort": str(server.port)}
    auth = base64.b64encode(f"{login}:{password}".encode()).decode()
    # What the Finesse container fills for every gadget (its own prefs).
    finesse = {"restHost": "localhost", "extension": EXTENSION, "locale": locale, "id": login}
    first, last = names
    options = {
        "agent": {"id": login, "firstName": first, "lastName": last, "extension": "1001"},
        "config": (finesse | {"host": server.hostname, "authorization": auth}) if config else None,
    }
    content = module.find("Content").text
    for name, value in hangman.items():  # what Finesse's Shindig does
        content = content.replace(f"__UP_{name}__", value)
    page.route(
        "**/desktop/gadget.html",
        lambda route: route.fulfill(body=content, content_type="text/html; charset=utf-8"),
    )
    page.route(
        "**/desktop/assets/js/finesse.js",
        lambda route: route.fulfill(body=source("finesse-standin.js")),
    )
    page.route("**/desktop/assets/js/jquery.min.js", lambda route: route.fulfill(body=""))
    page.add_init_script(
        FAKE_CONTAINER
        % {
            "prefs": json.dumps(prefs | hangman | finesse),
            "setprefs": json.dumps("setprefs" in features),
            "options": json.dumps(options),
            "auth": json.dumps(auth),
        }
    )
    page.goto(f"{live_server.url}/desktop/gadget.html")
    return page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("config", [False, True], ids=["finesse-10.x", "finesse-11+"])
def test_the_gadget_xml_runs_in_a_finesse_like_container(page, live_server, gadget_key, config):
    page = container_page(page, live_server, gadget_key, config=config)
    page.evaluate(RING, AT_LOAD)  # there before the hub connects
    page.evaluate("() => gadgets.HubSettings.onConnect()")  # the hub connects

    expect(page.locator("#cbg-phone")).to_have_value("+48 22 600 00 09")
    expect(page.locator("#cbg-campaign")).to_have_value("Callback_Premium")
    expect(page.locator("#cbg-kind-personal-label")).to_have_text("Ja (Alice Smith)")
    expect(page.locator("#cbg")).to_have_attribute("data-transport", "makeRequest")
    page.locator("#cbg-when-slots button").first.wait_for()
    inits = page.evaluate("() => FinesseStandIn.inits")
    assert len(inits) == 1  # with 10.x the gadget built it from the container's prefs
    host = urllib.parse.urlsplit(live_server.url).hostname
    assert (inits[0]["id"], inits[0]["host"], inits[0]["restHost"]) == ("asmith", host, "localhost")
    assert page.evaluate("() => Object.keys(window.__set)") == ["authorization"]
    assert page.evaluate("() => window.__titles") == ["Oddzwonienia"]
    calls = page.evaluate("() => window.__calls")
    assert calls and all(c["url"].startswith(f"{live_server.url}/api/v1/") for c in calls)
    assert all(c["headers"]["Authorization"] == f"Api-Key {gadget_key}" for c in calls)


@pytest.mark.django_db(transaction=True)
def test_the_gadget_fits_its_height_when_its_tab_shows(page, live_server, gadget_key):
    page = container_page(page, live_server, gadget_key, config=True)
    page.evaluate("() => gadgets.HubSettings.onConnect()")
    page.locator("#cbg-when-slots button").first.wait_for()
    page.wait_for_timeout(100)  # the resizes of loading are done (requestAnimationFrame)
    before = page.evaluate("() => window.__heights")

    page.evaluate("() => FinesseStandIn.showTab()")

    page.wait_for_function("(n) => window.__heights > n", arg=before)
