"""docs/ivr-script.md against the IVR API: the doc's field table is the script's listing
(uccx_integration/ivr_script.py), every documented XPath and JSONPath reads live
answers, and the simulator's script, run against the API, takes the same branches.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonpath_ng import parse as jsonpath
from lxml import etree

from callbacks.api.serializers import RouteOutput
from callbacks.models import ApiScope, Callback, CallbackCampaign, Outcome, Status
from uccx_integration import ivr_script
from uccx_integration.ivr_script import (
    JSON_ACCEPT,
    OUTCOME_BY_ACTION,
    ROUTE_FIELDS,
    Action,
    Branch,
    Decision,
    decide,
    jsonpath_keys,
    outcome_path,
    route_path,
)
from uccx_integration.simulator.ivr import IvrScript

from .api_helpers import PHONE, PREMIUM_SCRIPT, UNKNOWN, basic_client, new_key

pytestmark = pytest.mark.usefixtures("frozen_now")

DOC = Path(__file__).resolve().parents[2] / "docs" / "ivr-script.md"
DEFAULT_CSQ = "CSQ_Default"  # not a skill name: a test can tell it from the answer's skill


def doc_table() -> list[dict[str, str]]:
    """The rows of the table between <!-- ivr-fields:begin --> and <!-- ivr-fields:end -->."""
    text = DOC.read_text(encoding="utf-8")
    found = re.search(r"<!-- ivr-fields:begin -->\n(.*?)<!-- ivr-fields:end -->", text, re.S)
    assert found, "the field table's markers are missing from docs/ivr-script.md"
    lines = [line.strip() for line in found.group(1).strip().splitlines()]
    header, rule, *rows = (
        [cell.strip().strip("`") for cell in line.strip("|").split("|")] for line in lines
    )
    assert set("".join(rule)) <= {"-", " "}, rule
    return [dict(zip(header, row, strict=True)) for row in rows]


def read_xml(content: bytes, rows) -> dict[str, str]:
    """Every documented XPath, as Get XML Document Data reads it: one element, its text."""
    document = etree.fromstring(content)
    values = {}
    for row in rows:
        matches = document.xpath(row["XPath"])
        assert len(matches) == 1, row["XPath"]
        values[row["field"]] = matches[0].text or ""
    return values


def read_json(data: dict, rows) -> dict[str, object]:
    """Every documented JSONPath, as Get JSON Document Data reads it: one value."""
    values = {}
    for row in rows:
        matches = jsonpath(row["JSONPath"]).find(data)
        assert len(matches) == 1, row["JSONPath"]
        values[row["field"]] = matches[0].value
    return values


def as_xml_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# --- the table is the listing --------------------------------------------------------


def test_the_docs_field_table_is_the_scripts_listing():
    assert [tuple(row.values()) for row in doc_table()] == [
        (f.name, f.variable, f.xpath, f.jsonpath, f.used_for) for f in ROUTE_FIELDS
    ]
    assert list(doc_table()[0]) == ["field", "script variable", "XPath", "JSONPath", "used for"]


def test_the_listing_reads_every_field_of_the_routing_answer_once():
    assert [f.name for f in ROUTE_FIELDS] == list(RouteOutput().fields)
    assert len({f.variable for f in ROUTE_FIELDS}) == len(ROUTE_FIELDS)


def test_every_documented_jsonpath_is_simple_enough_for_the_simulator():
    for row in doc_table():
        assert jsonpath_keys(row["JSONPath"]) == [row["field"]]


def test_the_doc_names_the_request_and_every_outcome():
    text = DOC.read_text(encoding="utf-8")
    assert '"/api/v1/ivr/callbacks/"' in text
    assert ivr_script.ROUTE_PATH.startswith("/api/v1/ivr/callbacks/")
    assert f"`{ivr_script.CAMPAIGN_PARAM}`" in text or "?campaign=" in text
    assert f"`{ivr_script.TIMEOUT_MS}`" in text
    for outcome in Outcome.values:
        assert f"`{outcome}`" in text, outcome
    assert set(OUTCOME_BY_ACTION.values()) <= set(Outcome.values)
    assert "../" not in text  # nothing outside the repository


# --- every documented path against live answers --------------------------------------


@pytest.fixture
def standard(make_callback, put_in) -> Callback:
    return put_in(make_callback(skill="Support", first_name="Ewa"), Status.IN_DIALER)


@pytest.fixture
def scripted(make_callback, put_in) -> Callback:
    return put_in(
        make_callback(campaign="Callback_Premium", agent_id="jkowalski"), Status.IN_DIALER
    )


CASES = {
    "personal": (
        "personal",
        "Callback_Main",
        # The campaign's default wait for the agent, then the callback's skill.
        Decision(Branch.AGENT, Action.AGENT, "jkowalski", "queued_agent", 30, "Sales"),
        {"found": True, "agent_name": "Jan Kowalski", "first_name": "Anna", "skill": "Sales"},
    ),
    "standard": (
        "standard",
        "Callback_Main",
        Decision(Branch.SKILL, Action.SKILL, "Support", "queued_skill"),
        {"found": True, "agent_id": "", "first_name": "Ewa", "script": ""},
    ),
    "script campaign": (
        "scripted",
        "Callback_Premium",
        Decision(Branch.SCRIPT, Action.SCRIPT, PREMIUM_SCRIPT, "transferred_script"),
        {"found": True, "agent_id": "jkowalski", "campaign": "Callback_Premium"},
    ),
    "unknown number": (
        None,
        "Callback_Main",
        Decision(Branch.NOT_FOUND, Action.SKILL, "Support", None),
        {"found": False, "callback_id": None, "agent_id": "", "campaign": "Callback_Main"},
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_every_documented_path_reads_the_live_answer_for_its_branch(ivr, request, case):
    fixture, campaign, decision, expected = CASES[case]
    callback = request.getfixturevalue(fixture) if fixture else None
    account = callback.account_number if callback else UNKNOWN
    rows = doc_table()

    as_json = ivr.get(route_path(account, campaign), HTTP_ACCEPT=JSON_ACCEPT)
    as_xml = basic_client(new_key(ApiScope.IVR, "old CCX")[1]).get(
        route_path(account, campaign, xml=True)
    )

    assert as_json.status_code == as_xml.status_code == (200 if callback else 404)
    assert as_json["Content-Type"].startswith("application/json")
    assert as_xml["Content-Type"].startswith("application/xml")
    from_json = read_json(as_json.json(), rows)
    from_xml = read_xml(as_xml.content, rows)
    assert from_xml == {name: as_xml_text(value) for name, value in from_json.items()}
    assert from_json.items() >= expected.items()
    assert from_json["account_number"] == account
    assert from_json["callback_id"] == (callback.pk if callback else None)
    assert decide(from_json, DEFAULT_CSQ) == decision
    assert decide(from_xml, DEFAULT_CSQ) == decision


def test_an_unknown_number_of_a_script_campaign_transfers_without_an_outcome(ivr):
    CallbackCampaign.objects.filter(name="Callback_Premium").update(unknown_action="script")

    response = ivr.get(route_path(UNKNOWN, "Callback_Premium", xml=True))

    assert response.status_code == 404
    assert decide(read_xml(response.content, doc_table()), DEFAULT_CSQ) == Decision(
        Branch.NOT_FOUND, Action.SCRIPT, PREMIUM_SCRIPT, None
    )


def test_no_answer_sends_the_call_to_the_default_csq():
    assert decide(None, DEFAULT_CSQ) == Decision(Branch.CM_DOWN, Action.SKILL, DEFAULT_CSQ, None)


# --- the outcome POST's bodies, as the doc says ----------------------------------------


@pytest.fixture
def looked_up(ivr, personal) -> Callback:
    ivr.get(route_path(personal.account_number, "Callback_Main"))
    return personal


DOCUMENTED_BODIES = [
    ('{"outcome": "queued_agent"}', "application/json"),
    ("outcome=queued_agent", "application/x-www-form-urlencoded"),
    ("<callback><outcome>queued_agent</outcome></callback>", "application/xml"),
    ("<callback><outcome>queued_agent</outcome></callback>", "text/xml"),
]


def doc_bodies() -> list[tuple[str, str]]:
    """The request bodies of step 6, as `- Format, Content Type `type`: `body`` lines."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## 6. Report the outcome") : text.index("## 7.")]
    return re.findall(r"Content Type `([^`]+)`: `([^`]+)`", section)


def test_the_doc_lists_exactly_the_bodies_the_test_posts():
    assert sorted(doc_bodies()) == sorted((kind, body) for body, kind in DOCUMENTED_BODIES[:3])


@pytest.mark.parametrize(("body", "content_type"), DOCUMENTED_BODIES)
def test_the_outcome_post_takes_the_documented_bodies(ivr, looked_up, body, content_type):
    response = ivr.post(outcome_path(looked_up.account_number), body, content_type=content_type)

    assert response.status_code == 200
    assert looked_up.events.get(kind="ivr_outcome").details == {"outcome": "queued_agent"}


def test_the_outcome_post_takes_a_reschedule_in_xml_and_answers_xml(ivr, looked_up):
    response = ivr.post(
        outcome_path(looked_up.account_number) + "?format=xml",
        "<?xml version='1.0' encoding='UTF-8'?>\n<callback>\n"
        "  <outcome>reschedule_requested</outcome>\n"
        "  <scheduled_at>2026-11-24T16:00</scheduled_at>\n</callback>",
        content_type="application/xml",
    )

    assert response.status_code == 200
    answer = etree.fromstring(response.content)
    assert answer.xpath("string(/callback/rescheduled)") == "true"
    looked_up.refresh_from_db()
    assert looked_up.status == Status.RESCHEDULED


BAD_XML = {
    "not well-formed": "<callback><outcome>queued_agent</callback>",
    "not xml": "outcome=queued_agent",
    "other root": "<outcome>queued_agent</outcome>",
    "nested": "<callback><outcome><value>queued_agent</value></outcome></callback>",
    "field twice": "<callback><outcome>queued_agent</outcome><outcome>x</outcome></callback>",
    "dtd": '<?xml version="1.0"?><!DOCTYPE callback [<!ENTITY o "queued_agent">]>'
    "<callback><outcome>&o;</outcome></callback>",
    "external entity": '<?xml version="1.0"?><!DOCTYPE callback '
    '[<!ENTITY o SYSTEM "file:///etc/passwd">]><callback><outcome>&o;</outcome></callback>',
}


@pytest.mark.parametrize("answer", ["json", "xml"])
@pytest.mark.parametrize("body", BAD_XML.values(), ids=BAD_XML.keys())
def test_a_bad_xml_body_is_a_400_with_a_code_never_a_500(ivr, looked_up, body, answer):
    response = ivr.post(
        outcome_path(looked_up.account_number) + f"?format={answer}",
        body,
        content_type="application/xml",
    )

    assert response.status_code == 400, response.content
    if answer == "json":
        (error,) = response.json()["errors"]
        code, message = error["code"], error["message"]
    else:
        document = etree.fromstring(response.content)
        code = document.xpath("string(/callback/errors/item/code)")
        message = document.xpath("string(/callback/errors/item/message)")
    assert code == "invalid_xml"
    assert "XML" in message
    assert "root:" not in message
    assert not looked_up.events.filter(kind="ivr_outcome").exists()


# --- the simulator's script against the API ------------------------------------------


class ScriptOnTestClient(IvrScript):
    """The simulator's script with its HTTP through Django's test client."""

    def __init__(self, client, api_key, **kwargs):
        super().__init__("http://cm.test", api_key, default_csq=DEFAULT_CSQ, **kwargs)
        self.client = client
        self.sent = []

    def send(self, method, url, headers, data):
        self.sent.append((method, url, dict(headers), data))
        parts = urlsplit(url)
        path = f"{parts.path}?{parts.query}" if parts.query else parts.path
        extra = {"HTTP_AUTHORIZATION": headers["Authorization"], "HTTP_ACCEPT": headers["Accept"]}
        response = self.client.generic(
            method, path, data or b"", headers.get("Content-Type", ""), **extra
        )
        return response.status_code, response.content


class DownCampaignManager(IvrScript):
    def send(self, method, url, headers, data):
        raise TimeoutError("timed out")


def test_the_simulated_script_sends_the_documented_request_and_reports(client, ivr_key, personal):
    script = ScriptOnTestClient(client, ivr_key)

    decision = script.run(personal.account_number, "Callback_Main")

    assert decision == CASES["personal"][2]
    (get_method, get_url, get_headers, _), (post_method, post_url, _, post_body) = script.sent
    assert (get_method, get_url) == (
        "GET",
        "http://cm.test" + route_path(personal.account_number, "Callback_Main"),
    )
    assert get_headers == {"Authorization": f"Api-Key {ivr_key}", "Accept": JSON_ACCEPT}
    assert (post_method, post_url) == (
        "POST",
        "http://cm.test" + outcome_path(personal.account_number),
    )
    assert post_body == b'{"outcome": "queued_agent"}'
    assert personal.events.get(kind="ivr_outcome").details == {"outcome": "queued_agent"}
    personal.refresh_from_db()
    assert personal.status == Status.IN_IVR


def test_the_simulated_script_takes_the_default_route_of_an_unknown_number(client, ivr_key):
    script = ScriptOnTestClient(client, ivr_key)

    decision = script.run(UNKNOWN, "Callback_Main")

    assert decision == CASES["unknown number"][2]
    assert [method for method, *_ in script.sent] == ["GET"]  # nothing to report to


def test_the_simulated_script_queues_to_the_default_csq_when_the_cm_is_down():
    script = DownCampaignManager("http://cm.test", "key", default_csq=DEFAULT_CSQ)

    assert script.run("CB0000000001", "Callback_Main") == Decision(
        Branch.CM_DOWN, Action.SKILL, DEFAULT_CSQ, None
    )
    assert script.handle_answered("CB0000000001", "Callback_Main") == "queued_skill"


def test_the_simulated_script_reads_the_fields_with_the_documented_jsonpaths(
    client, ivr_key, personal
):
    values = ScriptOnTestClient(client, ivr_key).lookup(personal.account_number, "Callback_Main")

    assert values is not None
    assert list(values) == [row["field"] for row in doc_table()]
    assert (values["found"], values["phone_number"], values["callback_id"]) == (
        True,
        PHONE,
        personal.pk,
    )
