"""Every UCCX name the Campaign Manager depends on, in one place.

db_cra table and column names, callStatus / callResult / contactDisposition codes, the
adminapi `q=` filter names, the add-contacts CSV header and the REST field names of
contacts, campaigns and directory objects all live here, and only here. The Informix
client, the simulator and the `uccx_check` command read them from this module.

Which of these facts a public source confirms, and which are our best guess, is written
next to each one and collected in docs/uccx.md (db_cra) (with the sources). In short:
- confirmed: DialingList and DialingListHistory exist in db_cra (Cisco's CLI reference,
  `run uccx hrdataexport`); the callResult codes 2, 3, 4, 10, 11 and 15 (Expertflow's
  UCCX call result table); the REST filter names (Cisco's contacts API);
- NOT confirmed: the exact column lists (ours are the extended GET columns of the
  contacts API, lower-cased the Informix way); every numeric callStatus (Cisco's own
  pending-contacts example shows 5 on pending contacts, where we map 5 to MAX_CALLS);
  callResult ABANDONED; every contactDisposition code; when UCCX moves a row to
  DialingListHistory. The adminapi documents' shapes follow Cisco's examples
  (docs/uccx.md, fixtures in tests/uccx_integration/cisco/). `uccx_check` reports
  codes seen in a live db_cra that are not mapped here: correct them here on site.
"""

from dataclasses import dataclass
from enum import IntEnum
from typing import Any


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


# Where a fact comes from (docs/uccx.md (db_cra) has the full list).
EXPERTFLOW_RESULTS = (
    "Expertflow CX 4.10, Outbound Result Notifications, UCCX column "
    "(https://docs.expertflow.com/cx/4.10/outbound-result-notifications)"
)
CISCO_CLI_EXPORT = (
    "Cisco Unified CCX CLI reference, `run uccx hrdataexport tables` (lists dialinglist "
    "and dialinglisthistory among the db_cra tables)"
)
CISCO_CONTACTS_API = (
    "Cisco UCCX developer docs, Get List of Pending Contacts for Campaign (with Specific "
    "Call Status) (https://developer.cisco.com/docs/contact-center-express/"
    "get-list-of-pending-contacts-for-campaign)"
)
UNCONFIRMED = "UNCONFIRMED: no public source found; our guess"

# --- DialingList (open contacts of outbound campaigns); table confirmed, columns NOT -----
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
        # AUTOINCREMENT: SQLite would otherwise hand the id of a row just moved to the
        # history to the next contact (Informix: SERIAL, never reused either).
        Column(DIALING_LIST_ID, "INTEGER PRIMARY KEY AUTOINCREMENT"),
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

# --- DialingListHistory: contacts UCCX moved out of DialingList -------------------------
# The table is confirmed (CISCO_CLI_EXPORT); its columns are NOT: we assume DialingList's,
# the dialinglistid kept from the DialingList row (so not a key of its own here). When
# UCCX moves a row (on closing? at a nightly purge?) is NOT confirmed either.
DIALING_LIST_HISTORY = Table(
    "DialingListHistory",
    tuple(
        Column(DIALING_LIST_ID, "INTEGER NOT NULL") if column.name == DIALING_LIST_ID else column
        for column in DIALING_LIST.columns
    ),
)
# Both hold contacts with the same columns; readers look in both.
DIALING_TABLES = (DIALING_LIST, DIALING_LIST_HISTORY)

# --- ContactCallDetail: one row per call leg (columns NOT confirmed) --------------------
SESSION_ID = "sessionid"
SESSION_SEQ_NUM = "sessionseqnum"
NODE_ID = "nodeid"
PROFILE_ID = "profileid"
CONTACT_DISPOSITION = "contactdisposition"
DESTINATION_DN = "destinationdn"
START_DATETIME = "startdatetime"
END_DATETIME = "enddatetime"
RESOURCE_ID = "resourceid"
# The sessionseqnum of the leg a dial attempt writes, whose startdatetime is the dial
# (InformixClient.dial_times). Unconfirmed (docs/uccx.md "ContactCallDetail"): no Cisco
# source found says each attempt writes one such leg; change it here if db_cra differs.
DIAL_LEG_SEQ_NUM = 0

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

# --- AgentConnectionDetail: one row per agent leg (columns NOT confirmed) -------------
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

TABLES = (DIALING_LIST, DIALING_LIST_HISTORY, CONTACT_CALL_DETAIL, AGENT_CONNECTION_DETAIL)


# --- Codes -----------------------------------------------------------------------------
# Every code's source is in CODE_SOURCES below (and docs/uccx.md (db_cra)). A code db_cra
# shows that is not a member here is kept as a raw number and never closes a callback.
class CallStatus(IntEnum):
    """DialingList.callstatus. Names: the REST filters (CISCO_CONTACTS_API) plus ACTIVE and
    CLOSED; every NUMBER UNCONFIRMED. Cisco's pending-contacts example lists contacts never
    dialed with call status 5, which contradicts MAX_CALLS = 5; nothing settles it, so the
    order stays as it was and `uccx_check` is to confirm it on site."""

    PENDING = 1  # UNCONFIRMED (Cisco's pending example suggests 5)
    ACTIVE = 2  # UNCONFIRMED
    CLOSED = 3  # UNCONFIRMED
    CALLBACK = 4  # UNCONFIRMED
    MAX_CALLS = 5  # UNCONFIRMED, contradicted by Cisco's pending example
    RETRY = 6  # UNCONFIRMED
    RETRIES_WITH_DELAY = 7  # UNCONFIRMED
    UNKNOWN = 8  # UNCONFIRMED

    @property
    def rest_filter(self) -> str | None:
        return REST_STATUS_FILTERS.get(self)


# The adminapi `GET /campaign/{id}/contacts?q=<name>` filters (CISCO_CONTACTS_API: the
# names are confirmed). ACTIVE and CLOSED have no documented filter.
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
    """callresult codes (DialingList, ContactCallDetail, AgentConnectionDetail). All but
    ABANDONED confirmed by EXPERTFLOW_RESULTS. The member names are what callbacks store
    as their last result ("voice", "no_answer"): renaming one changes stored history."""

    FAX = 2  # Expertflow: FAX_MACHINE
    ANSWERING_MACHINE = 3  # Expertflow: ANSWERING_MACHINE
    INVALID_NUMBER = 4  # Expertflow: INVALID_NUMBER
    VOICE = 10  # Expertflow: CONNECTED / NORMAL_CLEARING, answered by the customer
    BUSY = 11  # Expertflow: USER_BUSY
    ABANDONED = 13  # UNCONFIRMED: the dialer dropped an answered call; our guess
    NO_ANSWER = 15  # Expertflow: NO_ANSWER


class ContactDisposition(IntEnum):
    """ContactCallDetail.contactdisposition. UNCONFIRMED (no public source found)."""

    ABANDONED = 1  # UNCONFIRMED
    HANDLED = 2  # UNCONFIRMED


# Where each code's number comes from. One dict per enum: IntEnum members of different
# enums compare equal as numbers (CallStatus.PENDING == ContactDisposition.ABANDONED).
CALL_STATUS_SOURCES: dict[CallStatus, str] = {status: UNCONFIRMED for status in CallStatus}
CALL_RESULT_SOURCES: dict[CallResult, str] = {
    **{result: EXPERTFLOW_RESULTS for result in CallResult},
    CallResult.ABANDONED: UNCONFIRMED,
}
CONTACT_DISPOSITION_SOURCES: dict[ContactDisposition, str] = {
    disposition: UNCONFIRMED for disposition in ContactDisposition
}
CODE_SOURCES: dict[type[IntEnum], dict[Any, str]] = {
    CallStatus: CALL_STATUS_SOURCES,
    CallResult: CALL_RESULT_SOURCES,
    ContactDisposition: CONTACT_DISPOSITION_SOURCES,
}
CONFIRMED_CALL_RESULTS = frozenset(
    result for result, source in CALL_RESULT_SOURCES.items() if source != UNCONFIRMED
)


def code_source(code: IntEnum) -> str:
    """The public source of this code's number, or UNCONFIRMED."""
    return CODE_SOURCES[type(code)][code]


def is_confirmed(code: IntEnum) -> bool:
    return code_source(code) != UNCONFIRMED


# --- adminapi documents (Cisco's Contact Center Express developer guide, Configuration
# API; each shape is a fixture in tests/uccx_integration/cisco/, see docs/uccx.md) --------
class Rest:
    # "Get List of Pending Contacts for Campaign", "Add Contacts to Campaign"
    CAMPAIGN_CONTACTS = "campaignContacts"
    CAMPAIGN = "campaign"
    NAME_ATTRIBUTE = "name"
    REF_URL = "refURL"
    SELF = "self"
    ALLOW_DUPLICATES = "allowDuplicateContacts"
    CSVDATA = "csvdata"
    # csvdata header names, compared lower-cased with single spaces (case-insensitive)
    CSV_ACCOUNT_NUMBER = "account number"
    CSV_FIRST_NAME = "first name"
    CSV_LAST_NAME = "last name"
    CSV_PHONE1 = "phone1"
    CSV_PHONE2 = "phone2"
    CSV_PHONE3 = "phone3"
    CSV_DIAL_TIME = "dial time"  # agent direct-preview campaigns only; never sent by us
    CSV_CALL_RESULT = "call result"
    CSV_CALLBACK_NUMBER = "callback number"
    CSV_CALL_STATUS = "call status"
    CSV_CALL_RESULT_1 = "call result 01"
    CSV_CALL_RESULT_2 = "call result 02"
    CSV_CALL_RESULT_3 = "call result 03"
    CSV_LAST_NUMBER_DIALLED = "last number dialled"
    CSV_CALLS_MADE_1 = "calls made to phone 01"
    CSV_CALLS_MADE_2 = "calls made to phone 02"
    CSV_CALLS_MADE_3 = "calls made to phone 03"
    CSV_RETRY = "retry"
    CSV_NUM_MISSED_CALLBACK = "num missed call back"
    # What we send (Cisco's add-contacts example capitalises the names).
    ADD_CSV_HEADER = ("Account Number", "First Name", "Last Name", "Phone1", "Phone2", "Phone3")
    # What a contacts GET answers: the short header, and the extended one.
    LIST_CSV_HEADER = (
        CSV_ACCOUNT_NUMBER,
        CSV_FIRST_NAME,
        CSV_LAST_NAME,
        CSV_PHONE1,
        CSV_PHONE2,
        CSV_PHONE3,
        CSV_DIAL_TIME,
    )
    LIST_CSV_HEADER_EXTENDED = (
        *LIST_CSV_HEADER,
        CSV_CALL_RESULT,
        CSV_CALLBACK_NUMBER,
        CSV_CALL_STATUS,
        CSV_CALL_RESULT_1,
        CSV_CALL_RESULT_2,
        CSV_CALL_RESULT_3,
        CSV_LAST_NUMBER_DIALLED,
        CSV_CALLS_MADE_1,
        CSV_CALLS_MADE_2,
        CSV_CALLS_MADE_3,
        CSV_RETRY,
        CSV_NUM_MISSED_CALLBACK,
    )

    # "Get Campaign Contacts Import Status"
    STATUS_DETAILS = "statusDetails"
    CAMPAIGN_ID = "campaignId"
    IMPORT_STATUS = "importStatus"
    STATUS = "status"
    IMPORT_TYPE = "importType"
    RESULT = "result"
    START_TIME = "startTime"
    NUM_CONTACTS_IMPORTED = "numContactsImported"
    I18N = "i18n"
    I18N_KEY = "Key"

    # "Get Campaign", "Get List of Campaigns", "Data Structure for Campaign"
    CAMPAIGNS = "campaigns"
    CAMPAIGN_NAME = "campaignName"
    ENABLED = "enabled"
    DESCRIPTION = "description"
    END_TIME = "endTime"
    TIME_ZONE = "timeZone"
    CAMPAIGN_TYPE = "campaignType"
    DIALER_TYPE = "dialerType"
    PENDING_CONTACTS = "pendingContacts"
    TYPE_SPECIFIC_INFO = "typeSpecificInfo"
    OB_IVR_PROGRESSIVE = "obIvrProgressive"
    MAX_DIAL = "maxDialAttempts"

    # "Get List of Skills" (capitalised), "Get List of CSQs", "Get List of Resources"
    SKILLS = "Skills"
    SKILL = "Skill"
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
    FIRST_NAME = "firstName"
    LAST_NAME = "lastName"
    EXTENSION = "extension"
    TEAM = "team"

    # Cisco's error answers are not documented; the simulator's <apiError> is ours.
    API_ERROR = "apiError"


# The DialingList column behind each csvdata header name (the simulator's dialing list).
DIALING_LIST_COLUMN_BY_CSV = {
    Rest.CSV_ACCOUNT_NUMBER: ACCOUNT_NUMBER,
    Rest.CSV_FIRST_NAME: FIRST_NAME,
    Rest.CSV_LAST_NAME: LAST_NAME,
    Rest.CSV_PHONE1: PHONE_01,
    Rest.CSV_PHONE2: PHONE_02,
    Rest.CSV_PHONE3: PHONE_03,
    Rest.CSV_DIAL_TIME: DIAL_TIME,
    Rest.CSV_CALL_RESULT: CALL_RESULT,
    Rest.CSV_CALLBACK_NUMBER: CALLBACK_NUMBER,
    Rest.CSV_CALL_STATUS: CALL_STATUS,
    Rest.CSV_CALL_RESULT_1: CALL_RESULT_01,
    Rest.CSV_CALL_RESULT_2: CALL_RESULT_02,
    Rest.CSV_CALL_RESULT_3: CALL_RESULT_03,
    Rest.CSV_LAST_NUMBER_DIALLED: LAST_NUMBER_DIALED,
    Rest.CSV_CALLS_MADE_1: CALLS_MADE_TO_PHONE_01,
    Rest.CSV_CALLS_MADE_2: CALLS_MADE_TO_PHONE_02,
    Rest.CSV_CALLS_MADE_3: CALLS_MADE_TO_PHONE_03,
    Rest.CSV_RETRY: RETRY,
    Rest.CSV_NUM_MISSED_CALLBACK: NUM_MISSED_CALLBACK,
}
# The columns an add-contacts CSV may fill (Cisco: Phone1 is mandatory).
IMPORTED_CSV_HEADERS = (*(name.lower() for name in Rest.ADD_CSV_HEADER), Rest.CSV_DIAL_TIME)
IMPORTED_COLUMNS = tuple(DIALING_LIST_COLUMN_BY_CSV[name] for name in IMPORTED_CSV_HEADERS)
