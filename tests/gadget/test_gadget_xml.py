"""The gadget's OpenSocial XML and the preview page, without a browser."""

import json
import re

import pytest
from defusedxml import ElementTree
from django.contrib.staticfiles import finders
from lxml import html

from callbacks.gadget import PREVIEW_KEY_FILE, PREVIEW_KEY_NAME, SCRIPTS
from callbacks.models import ApiKey, ApiScope

pytestmark = pytest.mark.django_db

# setprefs: since Finesse 10.0(1), finesse.js sets the "authorization" pref when it loads.
REQUIRED_FEATURES = {"pubsub-2", "settitle", "dynamic-height", "setprefs"}
OURS = {"cmApiBaseUrl", "cmApiKey", "cmLanguage", "cmUseProxy"}
USER_PREFS = {"scheme", "host", "hostPort"} | OURS
# Finesse's own prefs (what Cisco's 10.x samples build finesse.gadget.Config from).
FINESSE_PREFS = {
    "authorization",
    "country",
    "language",
    "locale",
    "host",
    "hostPort",
    "extension",
    "mobileAgentMode",
    "mobileAgentDialNumber",
    "xmppDomain",
    "pubsubDomain",
    "restHost",
    "scheme",
    "localhostFQDN",
    "localhostPort",
    "teamId",
    "teamName",
    "clientDriftInMillis",
    "compatibilityMode",
    "id",
}


def gadget_xml(client, query: str = ""):
    response = client.get(f"/gadget/CallbackGadget.xml{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content)


def user_prefs(module) -> dict[str, dict]:
    return {pref.get("name"): dict(pref.attrib) for pref in module.findall("UserPref")}


def test_it_is_a_well_formed_module_requiring_the_finesse_features(client):
    module = gadget_xml(client)

    assert module.tag == "Module"
    features = {r.get("feature") for r in module.find("ModulePrefs").findall("Require")}
    assert features >= REQUIRED_FEATURES
    assert set(user_prefs(module)) == USER_PREFS
    # Hidden: Finesse must not pop up a preferences form at the agent.
    assert {p["datatype"] for p in user_prefs(module).values()} == {"hidden"}
    # Ours can never be taken for (or overwrite) one of Finesse's own.
    assert not OURS & FINESSE_PREFS


def test_it_defaults_to_this_servers_api_and_no_key(client):
    prefs = user_prefs(gadget_xml(client))

    assert prefs["cmApiBaseUrl"]["default_value"] == "http://testserver/api/v1"
    assert prefs["cmApiKey"]["default_value"] == ""
    assert prefs["cmLanguage"]["default_value"] == "auto"
    assert prefs["cmUseProxy"]["default_value"] == "true"


@pytest.mark.parametrize(
    "query",
    [
        "?cmApiBaseUrl=https://cm.example.com/api/v1&cmApiKey=abc.def&cmLanguage=pl",
        # The names of desktop layouts written before the prefs had their prefix.
        "?apiBaseUrl=https://cm.example.com/api/v1&apiKey=abc.def&language=pl",
    ],
)
def test_it_takes_the_administrators_settings_from_its_url(client, query):
    prefs = user_prefs(gadget_xml(client, query))

    assert prefs["cmApiBaseUrl"]["default_value"] == "https://cm.example.com/api/v1"
    assert prefs["cmApiKey"]["default_value"] == "abc.def"
    assert prefs["cmLanguage"]["default_value"] == "pl"


def test_the_prefixed_name_wins_over_the_old_one(client):
    prefs = user_prefs(gadget_xml(client, "?cmApiKey=new.key&apiKey=old.key"))

    assert prefs["cmApiKey"]["default_value"] == "new.key"


def test_it_refuses_an_unknown_language_quietly(client):
    prefs = user_prefs(gadget_xml(client, "?cmLanguage=xx"))

    assert prefs["cmLanguage"]["default_value"] == "auto"


def test_its_content_loads_finesse_from_the_finesse_server_and_our_files_absolutely(client):
    content = gadget_xml(client).find("Content")
    body = content.text

    assert content.get("type") == "html"
    # Finesse fills __UP_scheme__ etc. (hangman variables) with its own address.
    assert "__UP_scheme__://__UP_host__:__UP_hostPort__/desktop/assets/js/finesse.js" in body
    assert "gadgets.HubSettings.onConnect" in body
    ours = re.findall(r'(?:src|href)="(http://testserver/static/gadget/[^"]+)"', body)
    names = {url.split("/static/")[1].split("?")[0] for url in ours}
    assert names == {
        "gadget/gadget.css",
        *(f"gadget/{n}.js" for n in ("i18n", "api", "customer", "context", "gadget")),
        *(f"gadget/{n}.js" for n in ("util", "slots", "slots-render", "core", "form")),
        *(f"gadget/{n}.js" for n in ("finesse-bridge", "mycallbacks")),
    }
    assert all(finders.find(name) for name in names)
    # Each file's URL carries its content hash: a new version is never served stale.
    assert all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in ours)
    assert 'id="cbg-form"' in body


def preview_config(client, query: str = "") -> dict:
    response = client.get(f"/gadget/preview/{query}")
    assert response.status_code == 200
    document = html.fromstring(response.content)
    return json.loads(document.get_element_by_id("cbg-preview-config").text)


def test_the_preview_uses_the_key_given_in_its_query(client):
    config = preview_config(client, "?key=given.key&agent=asmith&lang=pl")

    assert config["apiKey"] == "given.key"
    assert config["agent"]["id"] == "asmith"
    assert config["language"] == "pl"
    assert config["apiBaseUrl"] == "http://testserver/api/v1"
    assert not ApiKey.objects.exists()


def test_the_preview_makes_no_key_without_debug(client, settings):
    settings.DEBUG = False

    config = preview_config(client)

    assert config["apiKey"] == ""
    assert not ApiKey.objects.exists()


def test_the_preview_makes_one_demo_gadget_key_in_debug_and_reuses_it(client, settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path

    first = preview_config(client)["apiKey"]
    second = preview_config(client)["apiKey"]

    assert first == second
    key = ApiKey.objects.get_from_key(first)
    assert (key.name, key.scope) == (PREVIEW_KEY_NAME, ApiScope.GADGET)
    assert (tmp_path / PREVIEW_KEY_FILE).read_text().strip() == first
    assert (tmp_path / PREVIEW_KEY_FILE).stat().st_mode & 0o777 == 0o600


def test_the_preview_replaces_a_revoked_demo_key(client, settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    first = preview_config(client)["apiKey"]
    ApiKey.objects.filter(name=PREVIEW_KEY_NAME).update(revoked=True)

    second = preview_config(client)["apiKey"]

    assert second != first
    assert ApiKey.objects.get_from_key(second).scope == ApiScope.GADGET


def test_the_preview_reuses_the_gadget_key_of_seed_demo(client, settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    _, ivr = ApiKey.objects.create_key(name="Demo IVR script", scope=ApiScope.IVR)
    _, gadget = ApiKey.objects.create_key(name="Demo Finesse gadget", scope=ApiScope.GADGET)
    (tmp_path / "demo-api-keys.txt").write_text(f"gadget={gadget}\nivr={ivr}\n")

    assert preview_config(client)["apiKey"] == gadget
    assert ApiKey.objects.count() == 2


def test_the_admin_index_links_to_the_preview(admin_client):
    response = admin_client.get("/admin/")

    assert response.status_code == 200
    assert b'href="/gadget/preview/"' in response.content


@pytest.mark.parametrize("page", ["/gadget/CallbackGadget.xml", "/gadget/preview/?key=k"])
def test_the_gadget_and_the_preview_load_the_gadget_modules_in_order(client, page):
    text = client.get(page).content.decode()

    scripts = re.findall(r'<script src="http://testserver/static/(gadget/[^"?]+)\?v=', text)

    assert [name for name in scripts if name in SCRIPTS] == list(SCRIPTS)
    assert scripts[-1] == "gadget/gadget.js"  # the last one starts the gadget
