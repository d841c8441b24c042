"""Every UCCX name the Campaign Manager depends on, in one place.

db_cra table and column names, callStatus / callResult codes, the adminapi `q=` filter
names, the add-contacts CSV header and the REST field names of contacts, campaigns and
directory objects all live here, and only here. The Informix client, the simulator and
the `uccx_check` command read them from this module.

NOT CONFIRMED from a public Cisco source (see ../shared/UCCX.md §2):
- the exact column list of `DialingList`: the columns below are our best knowledge
  (the extended GET columns of the contacts API, lower-cased the Informix way);
- the numeric callStatus table: the order below follows the REST filter names;
- the numeric callResult table: only 2 fax, 3 answering machine, 4 invalid number and
  11 busy are reported by a third party. VOICE, NO_ANSWER and ABANDONED are
  PROVISIONAL values we picked; correct them here on site (`uccx_check` reports unknown
  codes seen in a live db_cra).
- the element names of the adminapi contact list and import status documents.
Columns and types of ContactCallDetail and AgentConnectionDetail follow UCCX.md §2.
"""

from dataclasses import dataclass
from enum import IntEnum


@dataclass(frozen=True)
class Column:
    name: str
    # Informix-style declared type; the simulator's SQLite tables use it verbatim.
    sql_type: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


# --- DialingList (active contacts of outbound campaigns); columns PROVISIONAL ----------
DIALING_LIST_ID = "dialinglistid"
CAMPAIGN_ID = "campaignid"
ACCOUNT_NUMBER = "accountnumber"
FIRST_NAME = "firstname"
LAST_NAME = "lastname"
PHONE_01 = "phone01"
PHONE_02 = "phone02"
PHONE_03 = "phone03"
DIAL_TIME = "dialtime"
CALL_STATUS = "callstatus"
CALL_RESULT = "callresult"
CALL_RESULT_01 = "callresult01"
CALL_RESULT_02 = "callresult02"
CALL_RESULT_03 = "callresult03"
CALLS_MADE_TO_PHONE_01 = "callsmadetophone01"
CALLS_MADE_TO_PHONE_02 = "callsmadetophone02"
CALLS_MADE_TO_PHONE_03 = "callsmadetophone03"
DIALING_ATTEMPTS = "dialingattempts"
LAST_NUMBER_DIALED = "lastnumberdialed"
CALLBACK_NUMBER = "callbacknumber"
CALLBACK_DATETIME = "callbackdatetime"
RETRY = "retry"
NUM_MISSED_CALLBACK = "nummissedcallback"
LAST_UPDATE_TIME = "lastupdatetime"

DIALING_LIST = Table(
    "DialingList",
    (
        Column(DIALING_LIST_ID, "INTEGER PRIMARY KEY"),
        Column(CAMPAIGN_ID, "INTEGER NOT NULL"),
        Column(ACCOUNT_NUMBER, "VARCHAR(40)"),
        Column(FIRST_NAME, "VARCHAR(50)"),
        Column(LAST_NAME, "VARCHAR(50)"),
        Column(PHONE_01, "VARCHAR(40)"),
        Column(PHONE_02, "VARCHAR(40)"),
        Column(PHONE_03, "VARCHAR(40)"),
        Column(DIAL_TIME, "DATETIME"),
        Column(CALL_STATUS, "SMALLINT NOT NULL"),
        Column(CALL_RESULT, "SMALLINT"),
        Column(CALL_RESULT_01, "SMALLINT"),
        Column(CALL_RESULT_02, "SMALLINT"),
        Column(CALL_RESULT_03, "SMALLINT"),
        Column(CALLS_MADE_TO_PHONE_01, "SMALLINT NOT NULL DEFAULT 0"),
        Column(CALLS_MADE_TO_PHONE_02, "SMALLINT NOT NULL DEFAULT 0"),
        Column(CALLS_MADE_TO_PHONE_03, "SMALLINT NOT NULL DEFAULT 0"),
        Column(DIALING_ATTEMPTS, "SMALLINT NOT NULL DEFAULT 0"),
        Column(LAST_NUMBER_DIALED, "VARCHAR(40)"),
        Column(CALLBACK_NUMBER, "VARCHAR(40)"),
        Column(CALLBACK_DATETIME, "DATETIME"),
        Column(RETRY, "SMALLINT NOT NULL DEFAULT 0"),
        Column(NUM_MISSED_CALLBACK, "SMALLINT NOT NULL DEFAULT 0"),
        Column(LAST_UPDATE_TIME, "DATETIME"),
    ),
)

# --- ContactCallDetail: one row per call leg (UCCX.md §2) -----------------------------
SESSION_ID = "sessionid"
SESSION_SEQ_NUM = "sessionseqnum"
NODE_ID = "nodeid"
PROFILE_ID = "profileid"
CONTACT_DISPOSITION = "contactdisposition"
DESTINATION_DN = "destinationdn"
START_DATETIME = "startdatetime"
END_DATETIME = "enddatetime"
RESOURCE_ID = "resourceid"

CONTACT_CALL_DETAIL = Table(
    "ContactCallDetail",
    (
        Column(SESSION_ID, "DECIMAL(18,0) NOT NULL"),
        Column(SESSION_SEQ_NUM, "SMALLINT NOT NULL"),
        Column(NODE_ID, "SMALLINT NOT NULL"),
        Column(PROFILE_ID, "INTEGER NOT NULL"),
        Column(ACCOUNT_NUMBER, "VARCHAR(40)"),
        Column(CAMPAIGN_ID, "INTEGER"),
        Column(CALL_RESULT, "SMALLINT"),
        Column(DIALING_LIST_ID, "INTEGER"),
        Column(CONTACT_DISPOSITION, "SMALLINT"),
        Column(DESTINATION_DN, "VARCHAR(40)"),
        Column(START_DATETIME, "DATETIME"),
        Column(END_DATETIME, "DATETIME"),
    ),
)

# --- AgentConnectionDetail: one row per agent leg (UCCX.md §2) ------------------------
AGENT_CONNECTION_DETAIL = Table(
    "AgentConnectionDetail",
    (
        Column(SESSION_ID, "DECIMAL(18,0) NOT NULL"),
        Column(SESSION_SEQ_NUM, "SMALLINT NOT NULL"),
        Column(NODE_ID, "SMALLINT NOT NULL"),
        Column(PROFILE_ID, "INTEGER NOT NULL"),
        Column(RESOURCE_ID, "INTEGER NOT NULL"),
        Column(CALL_RESULT, "SMALLINT"),
        Column(DIALING_LIST_ID, "INTEGER"),
        Column(START_DATETIME, "DATETIME"),
        Column(END_DATETIME, "DATETIME"),
    ),
)

TABLES = (DIALING_LIST, CONTACT_CALL_DETAIL, AGENT_CONNECTION_DETAIL)


# --- Codes -----------------------------------------------------------------------------
class CallStatus(IntEnum):
    """DialingList.callstatus. Names follow the REST filters; numbers PROVISIONAL."""

    PENDING = 1
    ACTIVE = 2
    CLOSED = 3
    CALLBACK = 4
    MAX_CALLS = 5
    RETRY = 6
    RETRIES_WITH_DELAY = 7
    UNKNOWN = 8

    @property
    def rest_filter(self) -> str | None:
        return REST_STATUS_FILTERS.get(self)


# The adminapi `GET /campaign/{id}/contacts?q=<name>` filters (UCCX.md §1). ACTIVE and
# CLOSED have no documented filter.
REST_STATUS_FILTERS: dict[CallStatus, str] = {
    CallStatus.PENDING: "PENDING",
    CallStatus.CALLBACK: "CALLBACK",
    CallStatus.RETRY: "RETRY",
    CallStatus.RETRIES_WITH_DELAY: "RETRIES_WITH_DELAY",
    CallStatus.MAX_CALLS: "MAX_CALLS",
    CallStatus.UNKNOWN: "UNKNOWN",
}
STATUS_BY_REST_FILTER: dict[str, CallStatus] = {v: k for k, v in REST_STATUS_FILTERS.items()}


class CallResult(IntEnum):
    """callresult codes. FAX, ANSWERING_MACHINE, INVALID_NUMBER, BUSY: third-party report;
    VOICE, NO_ANSWER, ABANDONED: PROVISIONAL, picked by us, unconfirmed."""

    VOICE = 1  # PROVISIONAL: the customer answered (connected)
    FAX = 2
    ANSWERING_MACHINE = 3
    INVALID_NUMBER = 4
    BUSY = 11
    NO_ANSWER = 12  # PROVISIONAL
    ABANDONED = 13  # PROVISIONAL: the dialer dropped an answered call


class ContactDisposition(IntEnum):
    """ContactCallDetail.contactdisposition. PROVISIONAL (UCCX.md lists the column only)."""

    ABANDONED = 1
    HANDLED = 2


CONFIRMED_CALL_RESULTS = frozenset(
    {CallResult.FAX, CallResult.ANSWERING_MACHINE, CallResult.INVALID_NUMBER, CallResult.BUSY}
)


# --- adminapi add-contacts CSV (header is case-insensitive on the UCCX side) ----------
CSV_ACCOUNT_NUMBER = "Account Number"
CSV_FIRST_NAME = "First Name"
CSV_LAST_NAME = "Last Name"
CSV_PHONE_1 = "Phone1"
CSV_PHONE_2 = "Phone2"
CSV_PHONE_3 = "Phone3"
CSV_DIAL_TIME = "Dial Time"  # agent direct-preview campaigns only; never sent by us
CSV_HEADER = (
    CSV_ACCOUNT_NUMBER,
    CSV_FIRST_NAME,
    CSV_LAST_NAME,
    CSV_PHONE_1,
    CSV_PHONE_2,
    CSV_PHONE_3,
)
# The CSV column each DialingList column is imported from.
DIALING_LIST_COLUMN_BY_CSV = {
    CSV_ACCOUNT_NUMBER: ACCOUNT_NUMBER,
    CSV_FIRST_NAME: FIRST_NAME,
    CSV_LAST_NAME: LAST_NAME,
    CSV_PHONE_1: PHONE_01,
    CSV_PHONE_2: PHONE_02,
    CSV_PHONE_3: PHONE_03,
}


# --- adminapi document element names (PROVISIONAL for contacts and import status) ------
class Rest:
    CONTACTS = "contacts"
    CONTACT = "contact"
    ACCOUNT_NUMBER = "accountNumber"
    FIRST_NAME = "firstName"
    LAST_NAME = "lastName"
    PHONE_1 = "phone1"
    PHONE_2 = "phone2"
    PHONE_3 = "phone3"
    CALL_STATUS = "callStatus"
    CALL_RESULT = "callResult"
    CALLS_MADE_TO_PHONE_1 = "callsMadeToPhone1"
    DIALING_LIST_ID = "dialingListId"

    IMPORT_STATUS = "importStatus"
    STATUS = "status"
    TOTAL = "total"
    IMPORTED = "imported"
    DUPLICATES = "duplicates"

    CAMPAIGN = "campaign"
    CAMPAIGN_ID = "campaignId"
    CAMPAIGN_NAME = "campaignName"
    ENABLED = "enabled"
    START_TIME = "startTime"
    END_TIME = "endTime"
    TIME_ZONE = "timeZone"
    CAMPAIGN_TYPE = "campaignType"
    MAX_DIAL_ATTEMPTS = "maxDialAttempts"
    PENDING_CONTACTS = "pendingContacts"

    SKILLS = "skills"
    SKILL = "skill"
    SKILL_ID = "skillId"
    SKILL_NAME = "skillName"
    CSQS = "csqs"
    CSQ = "csq"
    ID = "id"
    NAME = "name"
    QUEUE_TYPE = "queueType"
    RESOURCES = "resources"
    RESOURCE = "resource"
    USER_ID = "userID"
    EXTENSION = "extension"
    TEAM = "team"
