"""Request/response examples shown in the OpenAPI document and Swagger UI."""

from drf_spectacular.utils import OpenApiExample

from scheduling.codes import ViolationCode as V

_CALLBACK = {
    "id": 1234,
    "account_number": "CB0000001234",
    "status": "scheduled",
    "kind": "personal",
    "scheduled_at": "2026-11-23T09:30:00Z",
    "scheduled_at_local": "2026-11-23T10:30:00+01:00",
    "phone_number": "+48221234567",
    "dial_number": "221234567",
    "campaign": "Callback_Main",
    "skill": "Sales",
    "agent_id": "jkowalski",
    "agent_name": "Jan Kowalski",
    "first_name": "Anna",
    "last_name": "Nowak",
    "attempts": 0,
    "last_result": "",
    "created_at": "2026-11-21T08:12:03Z",
    "can_cancel": True,
    "can_reschedule": True,
}
_ROUTE = {
    "found": True,
    "action": "agent",
    "agent_id": "jkowalski",
    "agent_name": "Jan Kowalski",
    "skill": "Sales",
    "script": "",
    "first_name": "Anna",
    "last_name": "Nowak",
    "phone_number": "+48221234567",
    "campaign": "Callback_Main",
    "callback_id": 1234,
    "account_number": "CB0000001234",
    "personal_wait_seconds": 30,
    "reason": "",
}

CONFIG = OpenApiExample(
    "Configuration",
    response_only=True,
    value={
        "campaigns": [
            {"name": "Callback_Main", "presented_number": "+48221111111", "external_script": ""}
        ],
        "skills": [{"name": "Sales", "time_zone": "Europe/Warsaw"}],
        "rules": {
            "slot_minutes": 15,
            "slot_capacity": 10,
            "min_lead_minutes": 5,
            "max_days_ahead": 30,
            "default_region": "PL",
        },
        "server_time": "2026-11-21T08:12:03Z",
        "time_zone": "Europe/Warsaw",
    },
)
SLOTS = OpenApiExample(
    "Two days, a Sunday closed",
    response_only=True,
    value={
        "skill": "Sales",
        "time_zone": "Europe/Warsaw",
        "days": [
            {
                "date": "2026-11-21",
                "available": True,
                "reason": None,
                "slots": [
                    {
                        "start": "2026-11-21T09:15:00Z",
                        "local": "2026-11-21T10:15:00+01:00",
                        "capacity": 10,
                        "remaining": 9,
                    }
                ],
            },
            {
                "date": "2026-11-22",
                "available": False,
                "reason": {"code": V.SKILL_CLOSED.value, "message": "Sales is closed on Sundays."},
                "slots": [],
            },
        ],
    },
)
CREATE_REQUEST = OpenApiExample(
    "Personal callback",
    request_only=True,
    value={
        "phone_number": "22 123 45 67",
        "scheduled_at": "2026-11-23T10:30",
        "campaign": "Callback_Main",
        "skill": "Sales",
        "agent_id": "jkowalski",
        "agent_name": "Jan Kowalski",
        "first_name": "Anna",
        "last_name": "Nowak",
        "notes": "Wants to talk about the premium plan.",
        "origin_account_number": "4711",
    },
)
IVR_CREATE_REQUEST = OpenApiExample(
    "Earliest free slot",
    request_only=True,
    value={
        "phone_number": "+48221234567",
        "campaign": "Callback_Main",
        "skill": "Support",
        "first_name": "Anna",
        "last_name": "Nowak",
    },
)
CALLBACK = OpenApiExample("Callback", response_only=True, value=_CALLBACK)
CALLBACK_LIST = OpenApiExample(
    "Page of callbacks",
    response_only=True,
    value={"count": 1, "next": None, "previous": None, "results": [_CALLBACK]},
)
CALLBACK_DETAIL = OpenApiExample(
    "Callback with events",
    response_only=True,
    value={
        **_CALLBACK,
        "notes": "",
        "origin_account_number": "",
        "rescheduled_from": None,
        "events": [
            {
                "at": "2026-11-21T08:12:03Z",
                "kind": "created",
                "from_status": "",
                "to_status": "scheduled",
                "actor": "key:finesse",
                "details": {"source": "gadget"},
            }
        ],
    },
)
REJECTED = OpenApiExample(
    "Rejected",
    response_only=True,
    status_codes=["400"],
    value={
        "errors": [
            {
                "field": "scheduled_at",
                "code": V.HOLIDAY.value,
                "message": "Friday 2026-12-25 is a holiday (Christmas Day); Sales is closed.",
            }
        ],
        "suggestions": [
            {
                "start": "2026-12-28T07:00:00Z",
                "local": "2026-12-28T08:00:00+01:00",
                "capacity": 10,
                "remaining": 10,
            }
        ],
    },
)
VALIDATE_INVALID = OpenApiExample(
    "Invalid",
    response_only=True,
    value={
        "valid": False,
        "errors": [
            {
                "field": "scheduled_at",
                "code": V.CLOSING_SOON.value,
                "message": "Sales closes at 20:00; the last callback may start at 19:50.",
            }
        ],
        "suggestions": [],
    },
)
RESCHEDULE_REQUEST = OpenApiExample(
    "New time", request_only=True, value={"scheduled_at": "2026-11-24T11:00"}
)
CANCEL_REQUEST = OpenApiExample(
    "Reason", request_only=True, value={"reason": "Customer solved it by e-mail."}
)
DELIVERED_REQUEST = OpenApiExample("Agent", request_only=True, value={"agent_id": "jkowalski"})
ROUTE = OpenApiExample("Personal callback", response_only=True, value=_ROUTE)
ROUTE_UNKNOWN = OpenApiExample(
    "Unknown account number",
    response_only=True,
    status_codes=["404"],
    value={
        **{k: "" for k in _ROUTE},
        "found": False,
        "action": "skill",
        "skill": "Support",
        "campaign": "Callback_Main",
        "callback_id": None,
        "account_number": "CB0000009999",
        "personal_wait_seconds": 0,
    },
)
OUTCOME_REQUEST = OpenApiExample(
    "Customer asks for another time",
    request_only=True,
    value={"outcome": "reschedule_requested", "scheduled_at": "2026-11-24T16:00"},
)
OUTCOME_RESULT = OpenApiExample(
    "Rescheduled",
    response_only=True,
    value={
        "account_number": "CB0000001235",
        "status": "scheduled",
        "scheduled_at": "2026-11-24T15:00:00Z",
        "rescheduled": True,
    },
)
