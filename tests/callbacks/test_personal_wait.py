"""The campaign's wait for a personal callback's agent: in the IVR routing answer (JSON
and XML), used by the script's listing, in the timeline and in the reports."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from lxml import etree

from callbacks.models import CallbackCampaign, EventKind, Status
from uccx_integration.ivr_script import Action, Branch, Decision, decide

from .api_helpers import outcome_url, route_url

pytestmark = pytest.mark.usefixtures("frozen_now")


@pytest.fixture
def waits_45(demo) -> CallbackCampaign:
    campaign = CallbackCampaign.objects.get(name="Callback_Main")
    campaign.personal_wait_seconds = 45
    campaign.save()
    return campaign


def test_the_json_answer_carries_the_campaigns_wait_for_a_personal_callback(
    ivr, waits_45, personal
):
    data = ivr.get(route_url(personal.account_number)).json()

    assert (data["action"], data["personal_wait_seconds"]) == ("agent", 45)
    lookup = personal.events.get(kind=EventKind.IVR_LOOKUP)
    assert lookup.details == {"action": "agent", "personal_wait_seconds": 45}  # timeline


def test_the_xml_answer_carries_it_too_and_the_script_reads_it(ivr, waits_45, personal):
    response = ivr.get(route_url(personal.account_number), {"format": "xml"})

    document = etree.fromstring(response.content)
    assert document.xpath("string(/callback/personal_wait_seconds)") == "45"
    values = {
        name: document.xpath(f"string(/callback/{name})")
        for name in ("found", "action", "agent_id", "skill", "personal_wait_seconds")
    }
    assert decide(values, "Support") == Decision(
        Branch.AGENT, Action.AGENT, "jkowalski", "queued_agent", 45, "Sales"
    )


def test_a_standard_callback_waits_for_nobody(ivr, waits_45, make_callback, put_in):
    standard = put_in(make_callback(), Status.IN_DIALER)

    data = ivr.get(route_url(standard.account_number)).json()

    assert (data["action"], data["personal_wait_seconds"]) == ("skill", 0)


@pytest.mark.parametrize(("seconds", "valid"), [(0, True), (600, True), (601, False)])
def test_the_wait_is_validated(waits_45, seconds, valid):
    waits_45.personal_wait_seconds = seconds
    if valid:
        waits_45.full_clean()
    else:
        with pytest.raises(ValidationError) as caught:
            waits_45.full_clean()
        assert "personal_wait_seconds" in caught.value.message_dict


def test_the_report_shows_how_long_a_fallen_back_call_waited(ivr, waits_45, personal):
    ivr.get(route_url(personal.account_number))
    ivr.post(outcome_url(personal.account_number), {"outcome": "queued_agent"}, format="json")
    # The wait for the agent is over: the script queues to the skill.
    ivr.post(outcome_url(personal.account_number), {"outcome": "queued_skill"}, format="json")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT fell_back_to_skill, fell_back_after_seconds FROM cm_callback_report "
            "WHERE callback_id = %s",
            [personal.pk],
        )
        assert cursor.fetchone() == (1, 45)
