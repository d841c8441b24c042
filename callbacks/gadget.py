"""The Finesse callback gadget: its OpenSocial XML and a preview page outside Finesse.

The gadget itself is static JS and CSS (callbacks/static/gadget/) that talks to the
gadget API (/api/v1/); these views only hand it its markup and settings. Inside
Finesse the settings are the gadget's UserPrefs (set by administrators in the desktop
layout); on the preview page they come from the page, with a stand-in Finesse context.
"""

import hashlib
from functools import cache
from typing import cast

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from . import agents
from .models import ApiKey, ApiScope

LANGUAGES = ("auto", "en", "pl")
PREVIEW_KEY_NAME = "Gadget preview (DEBUG only)"
PREVIEW_KEY_FILE = "gadget-preview-key.txt"
DEMO_KEYS_FILE = "demo-api-keys.txt"  # written by seed_demo --demo
ASSETS = {"css": "gadget/gadget.css"}
# The gadget's scripts, loaded in this order by its XML and the preview page (no build
# step): texts, API client, the customer's number, Finesse context, then the gadget
# itself in modules, each adding to window.CallbackGadget; gadget.js, last, starts it.
SCRIPTS = tuple(
    f"gadget/{name}.js"
    for name in (
        "i18n",
        "api",
        "customer",
        "context",
        "util",
        "slots",
        "slots-render",
        "core",
        "form",
        "finesse-bridge",
        "mycallbacks",
        "gadget",
    )
)
# The preview page's stand-in Finesse library (also run by tests/gadget), then its panel.
PREVIEW_ASSETS = {
    "preview_css": "gadget/preview.css",
    "standin": "gadget/finesse-standin.js",
    "preview": "gadget/preview.js",
}
# The gadget's UserPrefs (context.js PREFS), prefixed so that none is one of Finesse's
# own (language, locale, host, id, authorization...), and the names the gadget URL's
# query used before (still read, so existing desktop layouts keep working).
PREFS = {"api_base_url": "cmApiBaseUrl", "api_key": "cmApiKey", "language": "cmLanguage"}
LEGACY_QUERY = {"api_base_url": "apiBaseUrl", "api_key": "apiKey", "language": "language"}


@cache
def _fingerprint(name: str) -> str:
    """A short content hash: Finesse and browsers cache gadget files hard, so each
    version gets its own URL (computed once per process)."""
    found = finders.find(name)
    if not found:
        return "0"
    with open(found, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:12]


def _asset_url(request, name: str) -> str:
    """Absolute: inside Finesse the gadget's HTML is served from the Finesse host."""
    return request.build_absolute_uri(f"{static(name)}?v={_fingerprint(name)}")


def _asset_urls(request, names: dict[str, str]) -> dict[str, str]:
    return {key: _asset_url(request, name) for key, name in names.items()}


def _script_urls(request) -> list[str]:
    return [_asset_url(request, name) for name in SCRIPTS]


def _api_base(request) -> str:
    return request.build_absolute_uri(reverse("api-config")).rsplit("/", 1)[0]


def _language(value: str | None) -> str:
    return value if value in LANGUAGES else "auto"


def _query(request, pref: str) -> str:
    return request.GET.get(PREFS[pref]) or request.GET.get(LEGACY_QUERY[pref]) or ""


@require_GET
def gadget_xml(request):
    """The OpenSocial module Finesse loads. UserPref defaults: this server's API, and
    whatever `cmApiBaseUrl`, `cmApiKey`, `cmLanguage` the gadget URL carries in its
    query (or the older `apiBaseUrl`, `apiKey`, `language`)."""
    prefs = {
        "api_base_url": _query(request, "api_base_url") or _api_base(request),
        "api_key": _query(request, "api_key"),
        "language": _language(_query(request, "language")),
    }
    context = {
        "assets": _asset_urls(request, ASSETS),
        "scripts": _script_urls(request),
        "prefs": prefs,
    }
    return render(request, "gadget/CallbackGadget.xml", context, content_type="application/xml")


def _usable_gadget_key(text: str) -> bool:
    try:
        key = cast(ApiKey, ApiKey.objects.get_from_key(text))
    except ApiKey.DoesNotExist:
        return False
    return key.scope == ApiScope.GADGET and not key.has_expired


def _stored_key_texts() -> list[str]:
    """Gadget keys this machine wrote down before: the preview's own, then the demo's."""
    texts = []
    preview = settings.VAR_DIR / PREVIEW_KEY_FILE
    if preview.exists():
        texts.append(preview.read_text().strip())
    demo = settings.VAR_DIR / DEMO_KEYS_FILE
    if demo.exists():
        for line in demo.read_text().splitlines():
            scope, _, text = line.partition("=")
            if scope.strip() == ApiScope.GADGET:
                texts.append(text.strip())
    return [text for text in texts if text]


def preview_demo_key() -> str:
    """DEBUG only: a gadget key for the preview, reused while it stays valid.

    Keys are stored hashed, so the text is kept in $CM_VAR_DIR (mode 600), like the
    demo keys of seed_demo; a new key is made when none of those is usable any more.
    """
    for text in _stored_key_texts():
        if _usable_gadget_key(text):
            return text
    _, text = ApiKey.objects.create_key(name=PREVIEW_KEY_NAME, scope=ApiScope.GADGET)
    path_ = settings.VAR_DIR / PREVIEW_KEY_FILE
    path_.write_text(text + "\n")
    path_.chmod(0o600)
    return text


@require_GET
def preview(request):
    """The gadget outside Finesse, beside a stand-in Finesse context (agent, calls).

    The key comes from `?key=`; with DEBUG on and no key given, a demo key is used.
    Otherwise the page asks for one: nothing secret is ever in a static file.
    """
    key = request.GET.get("key", "")
    if not key and settings.DEBUG:
        key = preview_demo_key()
    config = {
        "apiBaseUrl": _api_base(request),
        "apiKey": key,
        "language": _language(request.GET.get("lang")),
        "useProxy": True,
        # The stand-in signs the agent in with Finesse (make run: the simulator's) unless
        # the server trusts the key alone (docs/security.md, AGENT_AUTH=key_only).
        "finesseSignIn": bool(settings.FINESSE_URL) and not agents.key_only(),
        "agent": {
            "id": request.GET.get("agent", "jkowalski")[:50],
            "firstName": request.GET.get("first", "Jan")[:50],
            "lastName": request.GET.get("last", "Kowalski")[:50],
        },
    }
    context = {
        "assets": _asset_urls(request, ASSETS | PREVIEW_ASSETS),
        "scripts": _script_urls(request),
        "config": config,
        "gadget_xml_url": request.build_absolute_uri(reverse("gadget-xml")),
    }
    return render(request, "gadget/preview.html", context)


urlpatterns = [
    path("CallbackGadget.xml", gadget_xml, name="gadget-xml"),
    path("preview/", preview, name="gadget-preview"),
]
