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
