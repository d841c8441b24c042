"""UCCX Configuration REST API ("adminapi") client.

Hides HTTP from its callers: typed results, and every failure raised as one `UccxError`
whose `permanent` flag says whether retrying could help. No Django in here: build it
with `UccxClient.from_env()` or pass everything to the constructor.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import time as time_of_day
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import requests

# XML from the network is read with defusedxml only: it refuses entity expansion
# (billion laughs) and external entities with a ValueError (DefusedXmlException).
from defusedxml import ElementTree
from urllib3.exceptions import NewConnectionError

from uccx_integration import mapping
from uccx_integration.mapping import Rest

logger = logging.getLogger(__name__)

# Safe to repeat: a retried GET or DELETE cannot duplicate contacts; a retried POST can.
IDEMPOTENT_METHODS = frozenset({"GET", "DELETE", "HEAD"})
# 4xx that say "try again later" rather than "your request is wrong".
TRANSIENT_CLIENT_STATUSES = frozenset({408, 429})
# Characters XML 1.0 cannot carry at all: one of them would make UCCX refuse the whole
# batch, so they are dropped from the contact fields.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A carriage return inside XML text is normalised to a newline unless written as a
# character reference.
_XML_TEXT_ENTITIES = {"\r": "&#13;"}


class UccxError(Exception):
    """Any failure talking to UCCX. `permanent`: retrying the same request will not help.

    `accepted_batches` (add_contacts only): batches UCCX had accepted before the failure.
    `maybe_applied`: the request may have been carried out anyway (a read timeout, a
    dropped connection, a 5xx answer). For an add-contacts POST that means nobody knows
    whether the contacts are in the dialing list: ask UCCX before sending them again.
    """

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        status: int | None = None,
        accepted_batches: Sequence[BatchResult] = (),
        maybe_applied: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.status = status
        self.accepted_batches = tuple(accepted_batches)
        self.maybe_applied = maybe_applied

    def __repr__(self) -> str:
        return f"UccxError({self.message!r}, permanent={self.permanent}, status={self.status})"


@dataclass(frozen=True)
class ContactRow:
    """One contact to import into a campaign's dialing list."""

    account_number: str
    phone1: str
    first_name: str = ""
    last_name: str = ""
    phone2: str = ""
    phone3: str = ""


@dataclass(frozen=True)
class BatchResult:
    index: int
    contacts: int
    status: int
    location: str | None


@dataclass(frozen=True)
class AddContactsResult:
    batches: tuple[BatchResult, ...]

    @property
    def contacts(self) -> int:
        return sum(batch.contacts for batch in self.batches)


@dataclass(frozen=True)
class Contact:
    """A contact as the adminapi lists it."""

    account_number: str
    first_name: str
    last_name: str
    phone1: str
    call_status: str
    call_result: int | None
    calls_made: int
    dialing_list_id: int | None


@dataclass(frozen=True)
class ImportStatus:
    status: str
    total: int | None
    imported: int | None
    duplicates: int | None
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Campaign:
    id: int
    name: str
    enabled: bool
    start_time: time_of_day | None
    end_time: time_of_day | None
    time_zone: str
    campaign_type: str
    max_dial_attempts: int | None
    pending_contacts: int | None

    def window_open(self, now: time_of_day) -> bool:
        """Is `now` (UCCX server time) inside the start/end window? Windows are whole
        minutes (HH:MM): an end of 23:59 includes 23:59:59."""
        if self.start_time is None or self.end_time is None:
            return True
        now = now.replace(second=0, microsecond=0)
        if self.start_time <= self.end_time:
            return self.start_time <= now <= self.end_time
        return now >= self.start_time or now <= self.end_time  # window over midnight


@dataclass(frozen=True)
class Skill:
    id: int
    name: str


@dataclass(frozen=True)
class Csq:
    id: int
    name: str
    queue_type: str


@dataclass(frozen=True)
class Resource:
    user_id: str
    first_name: str
    last_name: str
    extension: str
    team: str


class UccxClient:
    """Talks to one UCCX node (the primary), the secondary only when the primary is down."""

    def __init__(
        self,
        primary_url: str,
        *,
        username: str,
        password: str,
        secondary_url: str | None = None,
        verify: bool | str = True,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_retries: int = 3,
        backoff_seconds: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.urls = [url.rstrip("/") for url in (primary_url, secondary_url) if url]
        self.timeout = (connect_timeout, read_timeout)
        self.max_retries = max_retries
        self.backoff_seconds = backoff_seconds
        self._sleep = sleep
        self.session = session or requests.Session()
        self.session.auth = (username, password)
        self.session.verify = verify
        self.session.headers["Accept"] = "application/xml"
        if verify is False:
            logger.warning(
                "UCCX TLS certificate verification is DISABLED for %s: anyone on the path "
                "can read the UCCX password. Set a CA bundle instead.",
                ", ".join(self.urls),
            )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **kwargs: Any) -> UccxClient:
        """UCCX_URL, UCCX_SECONDARY_URL, UCCX_USERNAME (or UCCX_USER), UCCX_PASSWORD,
        UCCX_CA_BUNDLE or UCCX_VERIFY_TLS=false, UCCX_CONNECT_TIMEOUT, UCCX_READ_TIMEOUT
        (seconds)."""
        verify: bool | str = environ.get("UCCX_CA_BUNDLE") or _env_bool(
            environ, "UCCX_VERIFY_TLS", True
        )
        return cls(
            _env_required(environ, "UCCX_URL"),
            secondary_url=environ.get("UCCX_SECONDARY_URL") or None,
            # UCCX_USER is accepted too: uccx_check's documentation names it.
            username=_env_required(environ, "UCCX_USERNAME", "UCCX_USER"),
            password=_env_required(environ, "UCCX_PASSWORD"),
            verify=verify,
            connect_timeout=_env_float(environ, "UCCX_CONNECT_TIMEOUT", 5.0),
            read_timeout=_env_float(environ, "UCCX_READ_TIMEOUT", 30.0),
            **kwargs,
        )

    # --- campaign contacts -------------------------------------------------------------
    def add_contacts(
        self,
        campaign_id: int,
        campaign_name: str,
        contacts: Sequence[ContactRow],
        batch_size: int = 500,
    ) -> AddContactsResult:
        """One POST per batch, never retried (a retry could import contacts twice). On a
        failure the UccxError carries the batches accepted before it."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        accepted: list[BatchResult] = []
        for index, start in enumerate(range(0, len(contacts), batch_size)):
            batch = contacts[start : start + batch_size]
            body = self.contacts_document(campaign_id, campaign_name, batch)
            try:
                response = self._request(
                    "POST",
                    f"/adminapi/campaign/{campaign_id}/contacts",
                    data=body.encode("utf-8"),
                    headers={"Content-Type": "application/xml; charset=utf-8"},
                )
            except UccxError as error:
                error.accepted_batches = tuple(accepted)
                raise
            location = response.headers.get("Location")
            accepted.append(BatchResult(index, len(batch), response.status_code, location))
        return AddContactsResult(tuple(accepted))

    def contacts_document(
        self, campaign_id: int, campaign_name: str, contacts: Iterable[ContactRow]
    ) -> str:
        ref_url = f"{self.urls[0]}/adminapi/campaign/{campaign_id}"
        return (
            "<campaignContacts>"
            f"<campaign name={quoteattr(campaign_name)}>"
            f"<refURL>{escape(ref_url)}</refURL></campaign>"
            "<allowDuplicateContacts>false</allowDuplicateContacts>"
            f"<csvdata>{escape(contacts_csv(contacts), _XML_TEXT_ENTITIES)}</csvdata>"
            "</campaignContacts>"
        )

    def list_contacts(self, campaign_id: int, status: str | None = None) -> list[Contact]:
        """`status`: one of mapping.REST_STATUS_FILTERS' names; None = pending (UCCX's
        default). UCCX answers at most 10,000 contacts."""
        if status is not None and status not in mapping.STATUS_BY_REST_FILTER:
            raise ValueError(f"unknown contact status filter {status!r}")
        params = {"q": status} if status else None
        body = self._get(f"/adminapi/campaign/{campaign_id}/contacts", params=params)
        return [_contact(item) for item in _items(body, Rest.CONTACT)]

    def import_status(self, campaign_id: int) -> ImportStatus:
        body = self._get(f"/adminapi/campaign/{campaign_id}/contacts/status")
        return ImportStatus(
            status=_text(body.get(Rest.STATUS)),
            total=_int_or_none(body.get(Rest.TOTAL)),
            imported=_int_or_none(body.get(Rest.IMPORTED)),
            duplicates=_int_or_none(body.get(Rest.DUPLICATES)),
            raw=body,
        )

    def delete_all_contacts(self, campaign_id: int) -> None:
        """UCCX has no per-contact delete: this empties the campaign's dialing list."""
        self._request("DELETE", f"/adminapi/campaign/{campaign_id}/contacts")

    # --- campaign and directory --------------------------------------------------------
    def get_campaign(self, campaign_id: int) -> Campaign:
        return _campaign(self._get(f"/adminapi/campaign/{campaign_id}"))

    def list_campaigns(self) -> list[Campaign]:
        body = self._get("/adminapi/campaign")
        return [_campaign(item) for item in _items(body, Rest.CAMPAIGN)]

    def list_skills(self) -> list[Skill]:
        body = self._get("/adminapi/skill")
        return [
            Skill(int(_text(s.get(Rest.SKILL_ID))), _text(s.get(Rest.SKILL_NAME)))
            for s in _items(body, Rest.SKILL)
        ]

    def list_csqs(self) -> list[Csq]:
        body = self._get("/adminapi/csq")
        return [
            Csq(int(_text(c.get(Rest.ID))), _text(c.get(Rest.NAME)), _text(c.get(Rest.QUEUE_TYPE)))
            for c in _items(body, Rest.CSQ)
        ]

    def list_resources(self) -> list[Resource]:
        body = self._get("/adminapi/resource")
        return [
            Resource(
                user_id=_text(r.get(Rest.USER_ID)),
                first_name=_text(r.get(Rest.FIRST_NAME)),
                last_name=_text(r.get(Rest.LAST_NAME)),
                extension=_text(r.get(Rest.EXTENSION)),
                team=_team_name(r.get(Rest.TEAM)),
            )
            for r in _items(body, Rest.RESOURCE)
        ]

    # --- HTTP --------------------------------------------------------------------------
    def _get(self, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
        return _parse_body(self._request("GET", path, params=params))

    def _request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        attempts = 1 + (self.max_retries if method in IDEMPOTENT_METHODS else 0)
        for attempt in range(attempts):
            try:
                return self._request_once(method, path, **kwargs)
            except UccxError as error:
                if error.permanent or attempt == attempts - 1:
                    raise
                delay = self.backoff_seconds * 2**attempt
                logger.info("UCCX %s %s failed (%s); retry in %.2fs", method, path, error, delay)
                self._sleep(delay)
        raise AssertionError("unreachable")

    def _request_once(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One try: the primary, then the secondary if the primary could not be reached."""
        for position, base_url in enumerate(self.urls):
            is_last = position == len(self.urls) - 1
            try:
                response = self.session.request(
                    method, base_url + path, timeout=self.timeout, **kwargs
                )
            except requests.RequestException as exc:
                # A POST that may have reached the primary must not be sent again anywhere.
                may_fail_over = method in IDEMPOTENT_METHODS or _never_reached_server(exc)
                if not is_last and may_fail_over and _is_unreachable(exc):
                    logger.warning("UCCX node %s unreachable (%s); trying the next", base_url, exc)
                    continue
                raise UccxError(
                    f"UCCX {method} {path} on {base_url} failed: {exc}",
                    permanent=False,
                    maybe_applied=not _never_reached_server(exc),
                ) from exc
            if response.status_code >= 400:
                raise _http_error(method, path, response)
            return response
        raise AssertionError("unreachable")


def contacts_csv(contacts: Iterable[ContactRow]) -> str:
    """The add-contacts CSV text; the csv module quotes commas, quotes and newlines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(mapping.CSV_HEADER)
    for c in contacts:
        fields = [c.account_number, c.first_name, c.last_name, c.phone1, c.phone2, c.phone3]
        writer.writerow([_XML_ILLEGAL.sub("", value) for value in fields])
    return buffer.getvalue()


def _http_error(method: str, path: str, response: requests.Response) -> UccxError:
    status = response.status_code
    permanent = 400 <= status < 500 and status not in TRANSIENT_CLIENT_STATUSES
    detail = response.text[:300].strip()
    return UccxError(
        f"UCCX {method} {path} answered HTTP {status}: {detail}",
        permanent=permanent,
        status=status,
        # A 4xx refused the request; after a 5xx nobody knows what the server did.
        maybe_applied=status >= 500,
    )


def _is_unreachable(exc: requests.RequestException) -> bool:
    return isinstance(exc, requests.ConnectionError | requests.Timeout)


def _never_reached_server(exc: requests.RequestException) -> bool:
    """True when the request surely was not sent: refused connection, connect timeout."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)  # refused, or the name did not resolve


# --- response parsing --------------------------------------------------------------------
def _parse_body(response: requests.Response) -> dict[str, Any]:
    content_type = response.headers.get("Content-Type", "")
    if not response.content.strip():
        return {}
    try:
        if "json" in content_type:
            body = response.json()
            return body if isinstance(body, dict) else {"items": body}
        return _element_to_dict(ElementTree.fromstring(response.content))
    except (ValueError, ElementTree.ParseError) as exc:
        raise UccxError(f"UCCX answered an unreadable body: {exc}", permanent=True) from exc


def _element_to_dict(element: Any) -> dict[str, Any]:
    """Children as keys; a repeated child becomes a list; a leaf becomes its text."""
    result: dict[str, Any] = {}
    for child in element:
        value: Any = _element_to_dict(child) if len(child) else (child.text or "")
        if child.tag in result:
            existing = result[child.tag]
            result[child.tag] = (
                [*existing, value]
                if isinstance(existing, list)
                else [
                    existing,
                    value,
                ]
            )
        else:
            result[child.tag] = value
    return result


def _items(body: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key, body.get("items", []))
    if isinstance(value, dict):
        return [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return str(value)


def _int_or_none(value: Any) -> int | None:
    text = _text(value).strip()
    try:
        return int(text) if text else None
    except ValueError:
        return None


def _time_or_none(value: Any) -> time_of_day | None:
    text = _text(value).strip()
    return time_of_day.fromisoformat(text) if text else None


def _team_name(value: Any) -> str:
    if isinstance(value, dict):
        return _text(value.get("@name") or value.get(Rest.NAME))
    return _text(value)


def _contact(item: Mapping[str, Any]) -> Contact:
    return Contact(
        account_number=_text(item.get(Rest.ACCOUNT_NUMBER)),
        first_name=_text(item.get(Rest.FIRST_NAME)),
        last_name=_text(item.get(Rest.LAST_NAME)),
        phone1=_text(item.get(Rest.PHONE_1)),
        call_status=_text(item.get(Rest.CALL_STATUS)),
        call_result=_int_or_none(item.get(Rest.CALL_RESULT)),
        calls_made=_int_or_none(item.get(Rest.CALLS_MADE_TO_PHONE_1)) or 0,
        dialing_list_id=_int_or_none(item.get(Rest.DIALING_LIST_ID)),
    )


def _campaign(body: Mapping[str, Any]) -> Campaign:
    try:
        return Campaign(
            id=int(_text(body.get(Rest.CAMPAIGN_ID))),
            name=_text(body.get(Rest.CAMPAIGN_NAME)),
            enabled=_text(body.get(Rest.ENABLED)).lower() == "true",
            start_time=_time_or_none(body.get(Rest.START_TIME)),
            end_time=_time_or_none(body.get(Rest.END_TIME)),
            time_zone=_text(body.get(Rest.TIME_ZONE)),
            campaign_type=_text(body.get(Rest.CAMPAIGN_TYPE)),
            max_dial_attempts=_int_or_none(body.get(Rest.MAX_DIAL_ATTEMPTS)),
            pending_contacts=_int_or_none(body.get(Rest.PENDING_CONTACTS)),
        )
    except ValueError as exc:
        raise UccxError(f"UCCX campaign document unreadable: {exc}", permanent=True) from exc


# --- environment -------------------------------------------------------------------------
def _env_required(environ: Mapping[str, str], name: str, *aliases: str) -> str:
    for candidate in (name, *aliases):
        value = environ.get(candidate, "").strip()
        if value:
            return value
    raise ValueError(f"{name} is not set")


def _env_float(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name, "").strip()
    try:
        return float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number of seconds") from None


def _env_bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name}={raw!r} is not true or false")


__all__ = [
    "AddContactsResult",
    "BatchResult",
    "Campaign",
    "Contact",
    "ContactRow",
    "Csq",
    "ImportStatus",
    "Resource",
    "Skill",
    "UccxClient",
    "UccxError",
    "contacts_csv",
]
