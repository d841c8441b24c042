"""A UCCX adminapi stand-in over real HTTP, with fault switches for tests and demos.

Serves the campaign-contacts, campaign and directory endpoints the client uses, with
HTTP Basic auth and UCCX's duplicate rule, in the document shapes of Cisco's examples
(uccx_integration.documents; held against tests/uccx_integration/cisco/). An import is
asynchronous as on UCCX: the POST answers 202 with a Location, the contacts arrive in
the dialing list when the import has run, and `…/contacts/status` tells how it went.
No Django: it runs on its own (`python -m uccx_integration.simulator`) or in-process
through `Simulator`.

Control (same basic auth, never subject to faults):
  POST /simulator/faults  {"http_500": n, "delay_seconds": x, "timeout": bool,
                           "accept_then_drop": n, "import_delay_seconds": x,
                           "import_fail": n, "import_drop_last": n, "refuse_import": n}
                          (absent keys keep their value; see Faults)
  GET  /simulator/faults  the current switches
  GET  /simulator/stats   request counts by "METHOD /path"

Here: Simulator (the node and its state) and Faults; the HTTP side is in handler, the
document helpers in wire.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any
from xml.etree.ElementTree import Element, SubElement

from uccx_integration import documents
from uccx_integration.mapping import CallResult, CallStatus, Rest
from uccx_integration.simulator.dialer import DEFAULT_MIX, Dialer
from uccx_integration.simulator.ivr import IvrScript
from uccx_integration.simulator.store import DEFAULT_CAMPAIGNS, CampaignConfig, Store

from .finesse import FinesseDirectory
from .handler import (  # noqa: F401 (kept importable from here)
    DEFAULT_CSQS,
    DEFAULT_RESOURCES,
    DEFAULT_SKILLS,
    MAX_CONTACTS_PER_GET,
    _Handler,
    _Server,
)
from .wire import _BadRequest, _csv_value, _dialing_row, _leaves


@dataclass
class Faults:
    """Switches read by every adminapi request; counters count down per request."""

    http_500: int = 0
    delay_seconds: float = 0.0
    timeout: bool = False
    accept_then_drop: int = 0
    # Imports (after the 202): run this many seconds later; the next n fail (nothing
    # imported, result FAILURE); the next import leaves out its last n contacts.
    import_delay_seconds: float = 0.0
    import_fail: int = 0
    import_drop_last: int = 0
    # The next n add-contacts POSTs answer 400 (a failure code Cisco documents for it).
    refuse_import: int = 0
    # The Finesse REST stand-in closes every connection unanswered (Finesse unreachable).
    refuse_finesse: bool = False


@dataclass(frozen=True)
class _Plan:
    fail_500: bool
    delay_seconds: float
    hang: bool
    drop: bool


class Simulator:
    """The simulated UCCX node: `Simulator(db_path).start()`, then `.url`, then `.stop()`."""

    def __init__(
        self,
        db_path: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        username: str = "administrator",
        password: str = "ciscocisco",
        campaigns: Iterable[CampaignConfig] = DEFAULT_CAMPAIGNS,
        hang_seconds: float = 60.0,
        dial_every: float | None = None,
        outcome_mix: Mapping[CallResult, float] = DEFAULT_MIX,
        ivr: IvrScript | None = None,
        number_outcomes: Mapping[str, str] | None = None,
        finesse_states: Mapping[str, str] | None = None,
    ) -> None:
        self.store = Store(db_path)
        self.host, self.port = host, port
        self.username, self.password = username, password
        # Finesse's User and Team APIs for agent identity (simulator/finesse.py).
        # finesse_states: {login id: state} at start (--finesse-states agent002=LOGOUT).
        self.finesse = FinesseDirectory(states=finesse_states)
        # Copies: DEFAULT_CAMPAIGNS is shared, and a test may disable one simulator's campaign.
        self.campaigns = {c.id: replace(c) for c in campaigns}
        # Always built so tests can dial a round by hand; a loop only with dial_every.
        self.dialer = Dialer(
            self.store, self.campaigns, mix=outcome_mix, ivr=ivr, number_outcomes=number_outcomes
        )
        self.dial_every = dial_every
        self.hang_seconds = hang_seconds
        self.imports: dict[int, dict[str, Any]] = {}  # the last import run per campaign
        self._last_import_ms: dict[int, int] = {}
        self._faults = Faults()
        self._counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle --------------------------------------------------------------------
    def start(self) -> Simulator:
        self._httpd = _Server((self.host, self.port), _Handler, self)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # stop() waits at most this long
            name="uccx-simulator",
            daemon=True,
        )
        self._thread.start()
        if self.dial_every:
            self.dialer.start(self.dial_every)
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def serve_forever(self) -> None:
        self.start()
        assert self._thread is not None
        self._thread.join()

    def stop(self) -> None:
        self._stopped.set()  # releases handlers sleeping in a delay or a hang
        self.dialer.stop()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        self.store.close()

    # --- faults and counters -----------------------------------------------------------
    def set_faults(self, **switches: Any) -> Faults:
        with self._lock:
            for name, value in switches.items():
                if not hasattr(self._faults, name):
                    raise ValueError(f"unknown fault switch {name!r}")
                setattr(self._faults, name, type(getattr(self._faults, name))(value))
            return Faults(**asdict(self._faults))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults = Faults()

    def faults(self) -> Faults:
        with self._lock:
            return Faults(**asdict(self._faults))

    def _plan_request(self) -> _Plan:
        with self._lock:
            f = self._faults
            plan = _Plan(f.http_500 > 0, f.delay_seconds, f.timeout, f.accept_then_drop > 0)
            if plan.fail_500:
                f.http_500 -= 1
            elif plan.drop:
                f.accept_then_drop -= 1
            return plan

    def _count(self, method: str, path: str) -> None:
        with self._lock:
            self._counts[f"{method} {path}"] += 1

    def request_count(self, method: str, path: str) -> int:
        with self._lock:
            return self._counts[f"{method} {path}"]

    def request_counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    def wait(self, seconds: float) -> None:
        self._stopped.wait(seconds)

    # --- adminapi documents (shapes: uccx_integration.documents) -----------------------
    def ref(self, path: str) -> str:
        return f"{self.url}/adminapi/{path}"

    def campaign_document(self, campaign: CampaignConfig, *, detail: bool = True) -> Element:
        """ "Get Campaign" (detail) or one entry of "Get List of Campaigns"."""
        root = Element(Rest.CAMPAIGN)
        _leaves(
            root,
            (Rest.SELF, self.ref(f"campaign/{campaign.id}")),
            (Rest.CAMPAIGN_ID, campaign.id),
            (Rest.CAMPAIGN_NAME, campaign.name),
            (Rest.ENABLED, campaign.enabled),
            (Rest.DESCRIPTION, ""),
            (Rest.START_TIME, campaign.start_time),
            (Rest.END_TIME, campaign.end_time),
            (Rest.TIME_ZONE, campaign.time_zone),
            (Rest.CAMPAIGN_TYPE, campaign.campaign_type),
            (Rest.DIALER_TYPE, "PROGRESSIVE"),
            (Rest.PENDING_CONTACTS, self.store.count_contacts(campaign.id, CallStatus.PENDING)),
        )
        if detail:
            info = SubElement(SubElement(root, Rest.TYPE_SPECIFIC_INFO), Rest.OB_IVR_PROGRESSIVE)
            _leaves(info, (Rest.MAX_DIAL, campaign.max_dial_attempts))
        return root

    def contacts_document(
        self, campaign: CampaignConfig, rows: Iterable[Mapping[str, Any]]
    ) -> Element:
        """ "Get List of Pending Contacts for Campaign": CSV inside XML, the extended
        header, values padded with a space as in Cisco's example."""
        root = Element(Rest.CAMPAIGN_CONTACTS)
        self._campaign_ref(root, campaign)
        lines = [", ".join(Rest.LIST_CSV_HEADER_EXTENDED)]
        for row in rows:
            values = [_csv_value(row, header) for header in Rest.LIST_CSV_HEADER_EXTENDED]
            lines.append(", ".join(values))
        SubElement(root, Rest.CSVDATA).text = "\n".join(lines) + "\n"
        return root

    def _campaign_ref(self, root: Element, campaign: CampaignConfig) -> None:
        element = SubElement(root, Rest.CAMPAIGN, {Rest.NAME_ATTRIBUTE: campaign.name})
        SubElement(element, Rest.REF_URL).text = self.ref(f"campaign/{campaign.id}")

    def import_status_document(self, campaign: CampaignConfig) -> Element:
        """ "Get Campaign Contacts Import Status" (well-formed: Cisco's printed example
        has stray closing tags). REST imports are listed as AUTO, the run with a start
        time and a count in Cisco's example; which type UCCX gives them is unconfirmed."""
        root = Element(Rest.STATUS_DETAILS)
        _leaves(
            root, (Rest.SELF, self.ref(f"campaign/{campaign.id}")), (Rest.CAMPAIGN_ID, campaign.id)
        )
        block = SubElement(root, Rest.IMPORT_STATUS)
        with self._lock:
            run = self.imports.get(campaign.id)
        for import_type in ("AUTO", "MANUAL"):
            status = SubElement(block, Rest.STATUS, {Rest.IMPORT_TYPE: import_type})
            if import_type == "AUTO" and run is not None:
                _leaves(
                    status,
                    (Rest.RESULT, run["result"]),
                    (Rest.START_TIME, run["started_ms"]),
                    (Rest.NUM_CONTACTS_IMPORTED, run["imported"]),
                )
                key = run["key"]
            else:
                _leaves(status, (Rest.RESULT, "SUCCESS"))
                key = "obss.schedule.import.success"
            i18n = SubElement(status, Rest.I18N)
            _leaves(i18n, (Rest.I18N_KEY, key))
            SubElement(SubElement(i18n, "Args"), "Arg")
        return root

    def import_contacts(self, campaign: CampaignConfig, body: bytes) -> Element:
        """Parse the add-contacts document (400 when UCCX would refuse it), then import
        now or after `import_delay_seconds`; answers Cisco's success document."""
        try:
            root = documents.parse(body, "application/xml", Rest.CAMPAIGN_CONTACTS)
            csvdata = root.find(Rest.CSVDATA)
            rows = documents.read_csvdata(csvdata.text if csvdata is not None else "")
        except documents.DocumentError as exc:
            raise _BadRequest(str(exc)) from exc
        allow = (root.findtext(Rest.ALLOW_DUPLICATES) or "false").strip().lower() == "true"
        valid = [_dialing_row(row) for row in rows if row.get(Rest.CSV_PHONE1)]
        with self._lock:
            f = self._faults
            if f.refuse_import > 0:
                f.refuse_import -= 1
                raise _BadRequest("Simulated refusal of the import")
            fail, drop, delay = f.import_fail > 0, f.import_drop_last, f.import_delay_seconds
            f.import_fail -= 1 if fail else 0
            f.import_drop_last = 0
        with self._lock:  # each run starts later than the last, even under a frozen clock
            started_ms = max(int(time.time() * 1000), self._last_import_ms.get(campaign.id, 0) + 1)
            self._last_import_ms[campaign.id] = started_ms
        if drop:
            valid = valid[: max(0, len(valid) - drop)]

        def run() -> None:
            outcome = (
                None
                if fail
                else self.store.add_contacts(campaign.id, valid, allow_duplicates=allow)
            )
            with self._lock:
                self.imports[campaign.id] = {
                    "result": "FAILURE" if fail else "SUCCESS",
                    "started_ms": started_ms,
                    "imported": outcome.imported if outcome else 0,
                    "key": "obss.schedule.import.failure"
                    if fail
                    else "obss.schedule.import.success",
                }

        if delay:
            timer = threading.Timer(delay, run)
            timer.daemon = True
            timer.start()
        else:
            run()
        answer = Element(Rest.CAMPAIGN_CONTACTS)
        self._campaign_ref(answer, campaign)
        SubElement(answer, Rest.CSVDATA)
        return answer
