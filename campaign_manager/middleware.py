"""Request ids and access log lines; framing of the Finesse gadget."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Mapping

from django.conf import settings
from django.core.signals import request_finished, request_started
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from . import logs

access_log = logging.getLogger("campaign_manager.access")

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or a client may hand us as a request id: a UUID, a hex string, nginx's
# $request_id, a trace id. Anything else (too long, spaces, quotes) is replaced.
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}")
# The views whose pages Finesse may show in a frame (frame-ancestors: FINESSE_ORIGINS).
FRAMEABLE_VIEWS = frozenset({"gadget-xml", "gadget-preview"})
API_PREFIX = "/api/"


class RequestContextMiddleware:
    """Gives each request an id (its X-Request-ID when sane, else a new UUID), returns it
    in the X-Request-ID response header, puts it and the callback's account number in
    every log record of the request (logs.py), and logs one line when it ends.

    The line has the path without the query string: the gadget's URL may carry its key.
    The context lasts until the request is finished (signals below), so that Django's
    own records after the middleware (4xx warnings of django.request) carry it too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        logs.request_id.set(request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        if logs.account_number.get() is None:
            _bind_from_body(response)
        access_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
                "remote_addr": request.META.get("REMOTE_ADDR", ""),
            },
        )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        # /api/v1/ivr/callbacks/<account_number>: the IVR asks about one callback.
        value = view_kwargs.get("account_number")
        if isinstance(value, str) and value:
            logs.bind_account_number(value)


def _forget_request(**kwargs) -> None:
    # A worker thread serves one request after the other: nothing may carry over.
    logs.request_id.set(None)
    logs.account_number.set(None)


request_started.connect(_forget_request, dispatch_uid="campaign_manager.forget_request.start")
request_finished.connect(_forget_request, dispatch_uid="campaign_manager.forget_request.end")


def _bind_from_body(response: HttpResponse) -> None:
    # A DRF answer about one callback (create, reschedule, inbound IVR) names it.
    data = getattr(response, "data", None)
    value = data.get("account_number") if isinstance(data, Mapping) else None
    if isinstance(value, str) and value:
        logs.bind_account_number(value)


class GadgetFramingMiddleware:
    """Everything is served with X-Frame-Options: DENY except the gadget's pages, which
    the Finesse servers (FINESSE_ORIGINS) may frame: Content-Security-Policy
    frame-ancestors names them instead. Placed after XFrameOptionsMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = "frame-ancestors " + " ".join(["'self'", *settings.CORS_ALLOWED_ORIGINS])

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and match.url_name in FRAMEABLE_VIEWS:
            response.xframe_options_exempt = True  # type: ignore[attr-defined]
            response.setdefault("Content-Security-Policy", self.policy)
        return response


class ApiLanguageMiddleware:
    """The API's messages are English unless the client asks for another language with
    Accept-Language (the gadget sends its own language: callbacks/static/gadget/api.js).
    The admin's language cookie does not count here: a browser that chose Polish in the
    admin must not change what the gadget or a script reads. Codes never change. Placed
    after LocaleMiddleware, which then names the language in Content-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            language = asked_language(request.headers.get("Accept-Language", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)


def asked_language(header: str) -> str:
    """The first language of an Accept-Language header that we have, else English."""
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
