"""The simulator's dialer: works through PENDING and RETRY contacts like UCCX would.

Each round picks due contacts of enabled campaigns whose start/end window is open,
draws an outcome from a configurable mix, and records the attempt in DialingList and
ContactCallDetail (plus AgentConnectionDetail when the customer answered). Busy and no
answer are retried until the campaign's maxDialAttempts, then the contact is MAX_CALLS.
A closed contact (CLOSED or MAX_CALLS) moves to DialingListHistory (the store's
`move_closed_to_history`). The call result codes are mapping.py's (docs/uccx.md (db_cra)).
With an IvrScript, an answered call first goes through the Campaign Manager's IVR API,
as the callback script would. Not simulated: UCCX's retry delays (retryBusySignalDelay,
retryNoAnswerDelay): a RETRY contact is dialed again on the next round.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, time

from uccx_integration import mapping as m
from uccx_integration.mapping import CallResult, CallStatus
from uccx_integration.simulator.ivr import IvrScript
from uccx_integration.simulator.store import CampaignConfig, Store
from uccx_integration.timezones import UnknownTimeZone, campaign_zone

logger = logging.getLogger(__name__)

DEFAULT_MIX: Mapping[CallResult, float] = {
    CallResult.VOICE: 70,
    CallResult.BUSY: 10,
    CallResult.NO_ANSWER: 10,
    CallResult.FAX: 5,
    CallResult.INVALID_NUMBER: 5,
}
# Outcomes UCCX tries again later; every other one closes the contact.
RETRIED_RESULTS = frozenset({CallResult.BUSY, CallResult.NO_ANSWER, CallResult.ABANDONED})
OUTCOME_NAMES = {
    "answered": CallResult.VOICE,
    "voice": CallResult.VOICE,
    "busy": CallResult.BUSY,
    "no_answer": CallResult.NO_ANSWER,
    "fax": CallResult.FAX,
    "invalid": CallResult.INVALID_NUMBER,
    "answering_machine": CallResult.ANSWERING_MACHINE,
    "abandoned": CallResult.ABANDONED,
}


# Outcomes after the customer answered, for per-number outcomes (the IVR script runs):
# - ivr_hangup: the script looks the callback up, then the customer hangs up in it, and
#   the script reports `customer_hangup` (docs/ivr-script.md §6: On Exception Goto for
#   the contact-inactive exception, Cisco tech note 213480);
# - queue_abandoned: the script queues the call, the customer leaves the queue before an
#   agent answers.
# Both are VOICE without an agent connection, contact CLOSED in db_cra: UNCONFIRMED (no
# public source shows the DialingList row of either), change it here.
ANSWERED_OUTCOMES = {"ivr_hangup": CallResult.VOICE, "queue_abandoned": CallResult.VOICE}


def parse_number_outcomes(text: str) -> dict[str, str]:
    """ "225550103=no_answer,225550104=ivr_hangup" → outcome name by dialed digits (the
    contact's Phone1). Every dial of such a number has that outcome; other numbers draw
    from the mix."""
    outcomes: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        number, _, name = part.partition("=")
        name = name.strip().lower()
        if not number.strip() or (name not in OUTCOME_NAMES and name not in ANSWERED_OUTCOMES):
            known = ", ".join([*OUTCOME_NAMES, *ANSWERED_OUTCOMES])
            raise ValueError(f"{part!r}: expected digits=outcome, outcome one of {known}")
        outcomes[number.strip()] = name
    return outcomes


def parse_mix(text: str) -> dict[CallResult, float]:
    """ "answered=70,busy=10,no_answer=20" → weights by call result."""
    mix: dict[CallResult, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, weight = part.partition("=")
        if name.strip().lower() not in OUTCOME_NAMES:
            raise ValueError(f"unknown outcome {name!r}; known: {', '.join(OUTCOME_NAMES)}")
        mix[OUTCOME_NAMES[name.strip().lower()]] = float(weight)
    if not mix or sum(mix.values()) <= 0:
        raise ValueError("the outcome mix needs at least one positive weight")
    return mix


def next_status(result: CallResult, attempts_made: int, max_attempts: int) -> CallStatus:
    if result not in RETRIED_RESULTS:
        return CallStatus.CLOSED
    return CallStatus.MAX_CALLS if attempts_made >= max_attempts else CallStatus.RETRY


class Dialer:
    def __init__(
        self,
        store: Store,
        campaigns: Mapping[int, CampaignConfig],
        *,
        mix: Mapping[CallResult, float] = DEFAULT_MIX,
        agent_resource_id: int = 1,
        contacts_per_round: int = 20,
        rng: random.Random | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        ivr: IvrScript | None = None,
        number_outcomes: Mapping[str, str] | None = None,
    ) -> None:
        self.ivr = ivr
        # Dialed digits -> outcome name (parse_number_outcomes); tests and the demo.
        self.number_outcomes = dict(number_outcomes or {})
        self.store = store
        self.campaigns = campaigns
        self.mix = dict(mix)
        self.agent_resource_id = agent_resource_id
        self.contacts_per_round = contacts_per_round
        self.rng = rng or random.Random()
        self.clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def dial_round(self) -> int:
        """Dial every due contact once; returns how many were dialed."""
        now = self.clock()
        open_ids = [c.id for c in self.campaigns.values() if _dialing_allowed(c, now)]
        contacts = self.store.dialable_contacts(open_ids, self.contacts_per_round)
        for contact in contacts:
            self._dial(contact, now)
        return len(contacts)

    def _dial(self, contact: Mapping[str, object], now: datetime) -> None:
        campaign = self.campaigns[int(contact[m.CAMPAIGN_ID])]  # type: ignore[call-overload]
        told = self.number_outcomes.get(str(contact[m.PHONE_01]))
        if told is not None:
            result = ANSWERED_OUTCOMES.get(told) or OUTCOME_NAMES[told]
        else:
            results, weights = zip(*self.mix.items(), strict=True)
            result = self.rng.choices(results, weights)[0]
        attempts = int(contact[m.DIALING_ATTEMPTS]) + 1  # type: ignore[call-overload]
        status = next_status(result, attempts, campaign.max_dial_attempts)
        agent_took_it = result == CallResult.VOICE
        account = str(contact[m.ACCOUNT_NUMBER])
        if agent_took_it and self.ivr is not None:
            # The script runs while the call is up, before UCCX writes the call detail.
            if told == "ivr_hangup":
                self.ivr.hang_up_after_lookup(account, campaign.name)
            else:
                outcome = self.ivr.handle_answered(account, campaign.name)
                agent_took_it = outcome != "transferred_script"
        if told in ANSWERED_OUTCOMES:
            agent_took_it = False  # the customer left before an agent answered
        self.store.record_attempt(
            contact,
            result=result,
            status=status,
            resource_id=self.agent_resource_id if agent_took_it else None,
            started=now,
            ended=now,
        )
        logger.info(
            "simulator dialed %s: %s → %s", contact[m.ACCOUNT_NUMBER], result.name, status.name
        )

    # --- background loop ---------------------------------------------------------------
    def start(self, interval_seconds: float) -> None:
        self._thread = threading.Thread(
            target=self._loop, args=(interval_seconds,), name="uccx-dialer", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _loop(self, interval_seconds: float) -> None:
        while not self._stop.wait(interval_seconds):
            try:
                self.dial_round()
            except Exception:  # one bad round must not end the dialer
                logger.exception("simulator dialer round failed")


def _dialing_allowed(campaign: CampaignConfig, now: datetime) -> bool:
    """Enabled, and `now` inside the start/end window in the campaign's time zone (a
    Windows name as UCCX gives it, mapped as the Campaign Manager maps it)."""
    if not campaign.enabled:
        return False
    try:
        zone = campaign_zone(campaign.time_zone)
    except UnknownTimeZone:
        logger.error("campaign %s: not dialing, unknown time zone", campaign.id, exc_info=True)
        return False
    local = now.astimezone(zone).time().replace(second=0, microsecond=0)
    start, end = time.fromisoformat(campaign.start_time), time.fromisoformat(campaign.end_time)
    if start <= end:
        return start <= local <= end
    return local >= start or local <= end
