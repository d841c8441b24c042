"""What the UCCX Configuration API's documents say, as typed values: uccx_integration.documents
reads them from Cisco's shapes; the client and the services work with these. No Django."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as time_of_day


class DocumentError(ValueError):
    """A body that is not the document Cisco documents for that call."""


# --- typed results -----------------------------------------------------------------------
@dataclass(frozen=True)
class Contact:
    """One row of a campaign's contact list ("Get List of Pending Contacts for Campaign").

    The extended columns (call status onward) are None / 0 when UCCX sends the short
    header. `call_status` is UCCX's numeric code, as the CSV carries it (mapping.py
    names the codes)."""

    account_number: str
    first_name: str
    last_name: str
    phone1: str
    phone2: str = ""
    phone3: str = ""
    dial_time: str = ""
    call_status: int | None = None
    call_result: int | None = None
    callback_number: str = ""
    last_number_dialled: str = ""
    calls_made: int = 0  # to phone 01: the Campaign Manager imports one number
    retry: bool = False


@dataclass(frozen=True)
class ContactList:
    campaign_name: str
    campaign_url: str
    contacts: tuple[Contact, ...]


@dataclass(frozen=True)
class ImportRun:
    """One <status importType=…> of "Get Campaign Contacts Import Status"."""

    import_type: str  # AUTO or MANUAL
    result: str  # SUCCESS as documented; other values unconfirmed
    started_at: datetime | None  # Cisco: milliseconds since the epoch
    contacts_imported: int | None
    message_key: str = ""

    @property
    def succeeded(self) -> bool:
        return self.result.upper() == "SUCCESS"

    @property
    def failed(self) -> bool:
        return "FAIL" in self.result.upper()


@dataclass(frozen=True)
class ImportStatus:
    campaign_id: int | None
    runs: tuple[ImportRun, ...] = field(default_factory=tuple)

    def latest(self, *, after: datetime | None = None) -> ImportRun | None:
        """The run that started last (and after `after`, when given)."""
        dated = [(r.started_at, r) for r in self.runs if r.started_at is not None]
        if after is not None:
            dated = [(started, r) for started, r in dated if started > after]
        return max(dated, key=lambda pair: pair[0], default=(None, None))[1]


@dataclass(frozen=True)
class Campaign:
    id: int
    name: str
    enabled: bool
    start_time: time_of_day | None
    end_time: time_of_day | None
    time_zone: str  # a Windows zone name, read-only: the UCCX server's zone
    campaign_type: str
    max_dial_attempts: int | None
    pending_contacts: int | None
    dialer_type: str = ""

    def window_open(self, now: time_of_day) -> bool:
        """Is `now` (in the campaign's zone) inside the start/end window? Windows are
        whole minutes (HH:MM): an end of 23:59 includes 23:59:59."""
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
