"""UCCX Configuration REST API ("adminapi") client.

Hides HTTP from its callers: typed results, and every failure raised as one `UccxError`
whose `permanent` flag says whether retrying could help. No Django in here: build it
with `UccxClient.from_env()` or pass everything to the constructor.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

import requests
from urllib3.exceptions import NewConnectionError

from uccx_integration import documents, mapping
from uccx_integration.mapping import Rest
from uccx_integration.results import (
    Campaign,
    Contact,
    ContactList,
    Csq,
    DocumentError,
    ImportRun,
    ImportStatus,
    Resource,
    Skill,
)

logger = logging.getLogger(__name__)

# Safe to repeat: a retried GET or DELETE cannot duplicate contacts; a retried POST can.
IDEMPOTENT_METHODS = frozenset({"GET", "DELETE", "HEAD"})
# 4xx that say "try again later" rather than "your request is wrong".
TRANSIENT_CLIENT_STATUSES = frozenset({408, 429})
# Every Cisco example of the Configuration API is XML; its JSON form is not documented
# (docs/uccx.md), so the client asks for XML.
ACCEPT = "application/xml"


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
        self.session.headers["Accept"] = ACCEPT
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
        return documents.contacts_request(
            campaign_name,
            f"{self.urls[0]}/adminapi/campaign/{campaign_id}",
            (contact_fields(c) for c in contacts),
        )

    def list_contacts(self, campaign_id: int, status: str | None = None) -> list[Contact]:
        """`status`: one of mapping.REST_STATUS_FILTERS' names; None = pending (UCCX's
        default). UCCX answers at most 10,000 contacts."""
        if status is not None and status not in mapping.STATUS_BY_REST_FILTER:
            raise ValueError(f"unknown contact status filter {status!r}")
        params = {"q": status} if status else None
        root = self._get(
            f"/adminapi/campaign/{campaign_id}/contacts", Rest.CAMPAIGN_CONTACTS, params=params
        )
        return list(self._read(documents.read_contact_list, root).contacts)

    def import_status(self, campaign_id: int) -> ImportStatus:
        """The campaign's last imports (asynchronous: an add-contacts POST answers before
        the import ran)."""
        root = self._get(f"/adminapi/campaign/{campaign_id}/contacts/status", Rest.STATUS_DETAILS)
        return self._read(documents.read_import_status, root)

    def delete_all_contacts(self, campaign_id: int) -> None:
        """UCCX has no per-contact delete: this empties the campaign's dialing list."""
        self._request("DELETE", f"/adminapi/campaign/{campaign_id}/contacts")

    # --- campaign and directory --------------------------------------------------------
    def get_campaign(self, campaign_id: int) -> Campaign:
        root = self._get(f"/adminapi/campaign/{campaign_id}", Rest.CAMPAIGN)
        return self._read(documents.read_campaign, root)

    def list_campaigns(self) -> list[Campaign]:
        return self._read(documents.read_campaigns, self._get("/adminapi/campaign", Rest.CAMPAIGNS))

    def list_skills(self) -> list[Skill]:
        return self._read(documents.read_skills, self._get("/adminapi/skill", Rest.SKILLS))

    def list_csqs(self) -> list[Csq]:
        return self._read(documents.read_csqs, self._get("/adminapi/csq", Rest.CSQS))

    def list_resources(self) -> list[Resource]:
        root = self._get("/adminapi/resource", Rest.RESOURCES)
        return self._read(documents.read_resources, root)

    # --- HTTP --------------------------------------------------------------------------
    def _get(self, path: str, root: str, params: Mapping[str, str] | None = None) -> Element:
        response = self._request("GET", path, params=params)
        try:
            return documents.parse(response.content, response.headers.get("Content-Type", ""), root)
        except DocumentError as exc:
            raise UccxError(f"UCCX GET {path}: {exc}", permanent=True) from exc

    @staticmethod
    def _read(reader: Callable[[Element], Any], root: Element) -> Any:
        try:
            return reader(root)
        except DocumentError as exc:
            raise UccxError(f"UCCX <{root.tag}> unreadable: {exc}", permanent=True) from exc

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


def contact_fields(contact: ContactRow) -> tuple[str, ...]:
    """One add-contacts CSV row, in mapping.Rest.ADD_CSV_HEADER's order."""
    c = contact
    return (c.account_number, c.first_name, c.last_name, c.phone1, c.phone2, c.phone3)


def contacts_csv(contacts: Iterable[ContactRow]) -> str:
    """The add-contacts CSV text; the csv module quotes commas, quotes and newlines."""
    return documents.write_csvdata(Rest.ADD_CSV_HEADER, (contact_fields(c) for c in contacts))


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
    "ContactList",
    "ContactRow",
    "Csq",
    "ImportRun",
    "ImportStatus",
    "Resource",
    "Skill",
    "UccxClient",
    "UccxError",
    "contacts_csv",
]
