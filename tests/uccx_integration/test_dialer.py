import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from callbacks.dialplan import dial_string_for
from callbacks.management.commands.seed_demo import DEMO_RECALL_POLICY, LIVE_CALLBACKS
from callbacks.models import CallbackCampaign
from tests.cast import contact
from uccx_integration import mapping
from uccx_integration.mapping import CallResult, CallStatus
from uccx_integration.simulator.dialer import Dialer, parse_mix, parse_number_outcomes
from uccx_integration.simulator.store import CampaignConfig

NOON_IN_WARSAW = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)


def rows(simulator, table):
    with sqlite3.connect(simulator.store.path) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute(f"SELECT * FROM {table.name}")]


def dialer_for(simulator, mix, campaigns=None, clock=NOON_IN_WARSAW):
    return Dialer(
        simulator.store,
        campaigns or simulator.campaigns,
        mix=mix,
        rng=random.Random(7),
        clock=lambda: clock,
    )


def test_it_closes_an_answered_contact_and_records_the_call_and_the_agent(client, simulator):
    client.add_contacts(1, "Callback_Main", [contact(1)])

    dialed = dialer_for(simulator, {CallResult.VOICE: 1}).dial_round()

    assert dialed == 1
    assert rows(simulator, mapping.DIALING_LIST) == []  # closed: moved to the history
    (row,) = rows(simulator, mapping.DIALING_LIST_HISTORY)
    assert row[mapping.CALL_STATUS] == CallStatus.CLOSED
    assert row[mapping.CALL_RESULT] == CallResult.VOICE
    assert row[mapping.DIALING_ATTEMPTS] == 1
    (call,) = rows(simulator, mapping.CONTACT_CALL_DETAIL)
    assert (call[mapping.ACCOUNT_NUMBER], call[mapping.CAMPAIGN_ID]) == ("CB0000000001", 1)
    assert call[mapping.DIALING_LIST_ID] == row[mapping.DIALING_LIST_ID]
    (agent,) = rows(simulator, mapping.AGENT_CONNECTION_DETAIL)
    assert agent[mapping.SESSION_ID] == call[mapping.SESSION_ID]
    assert client.list_contacts(1) == []


def test_it_retries_a_busy_contact_until_max_dial_attempts(client, simulator):
    client.add_contacts(1, "Callback_Main", [contact(1)])
    dialer = dialer_for(simulator, {CallResult.BUSY: 1})

    dialer.dial_round()
    after_first = client.list_contacts(1, "RETRY")
    dialer.dial_round()
    dialer.dial_round()
    extra_round = dialer.dial_round()

    assert [c.call_result for c in after_first] == [CallResult.BUSY]
    assert extra_round == 0
    (maxed,) = rows(simulator, mapping.DIALING_LIST_HISTORY)
    assert (maxed[mapping.CALL_STATUS], maxed[mapping.CALLS_MADE_TO_PHONE_01]) == (
        CallStatus.MAX_CALLS,
        3,
    )
    assert len(rows(simulator, mapping.CONTACT_CALL_DETAIL)) == 3
    assert rows(simulator, mapping.AGENT_CONNECTION_DETAIL) == []


def test_it_closes_fax_and_invalid_numbers_without_retrying(client, simulator):
    client.add_contacts(1, "Callback_Main", [contact(1), contact(2)])
    dialer = dialer_for(simulator, {CallResult.FAX: 1, CallResult.INVALID_NUMBER: 1})

    dialer.dial_round()

    assert dialer.dial_round() == 0
    statuses = {r[mapping.CALL_STATUS] for r in rows(simulator, mapping.DIALING_LIST_HISTORY)}
    assert statuses == {CallStatus.CLOSED}
    assert rows(simulator, mapping.DIALING_LIST) == []


def test_it_dials_only_inside_the_campaign_window(client, simulator):
    client.add_contacts(1, "Callback_Main", [contact(1)])
    office_hours = {1: CampaignConfig(1, "Callback_Main", start_time="08:00", end_time="16:00")}
    evening = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)  # 20:00 in Warsaw

    dialed = dialer_for(simulator, {CallResult.VOICE: 1}, office_hours, evening).dial_round()

    assert dialed == 0
    assert [c.account_number for c in client.list_contacts(1)] == ["CB0000000001"]


def test_it_parses_an_outcome_mix():
    mix = parse_mix("answered=70, busy=10,no_answer=20")

    assert mix == {CallResult.VOICE: 70, CallResult.BUSY: 10, CallResult.NO_ANSWER: 20}
    with pytest.raises(ValueError):
        parse_mix("ringing=5")


def test_it_parses_per_number_outcomes_and_names_the_known_ones_when_refusing():
    told = parse_number_outcomes("225550103=no_answer, 225550104=IVR_HANGUP,")

    assert told == {"225550103": "no_answer", "225550104": "ivr_hangup"}
    with pytest.raises(ValueError, match="queue_abandoned"):
        parse_number_outcomes("225550105=ringing")
    with pytest.raises(ValueError, match="digits=outcome"):
        parse_number_outcomes("=busy")


def test_make_runs_simulator_never_answers_the_demos_recall_number():
    """The Procfile's --number-outcomes names the digits Callback_Main dials for
    seed_demo's recall callback, so the recall demo of make run holds together."""
    (line,) = [
        line
        for line in (Path(settings.BASE_DIR) / "Procfile").read_text().splitlines()
        if line.startswith("simulator:")
    ]
    told = parse_number_outcomes(line.split("--number-outcomes ")[1].split()[0])
    (recall,) = [row for row in LIVE_CALLBACKS if row[4] == "Recall"]
    campaign = CallbackCampaign(name=recall[1], home_region="PL", international_prefix="00")

    assert told == {dial_string_for(recall[0], campaign): "no_answer"}
    assert DEMO_RECALL_POLICY == {"no_answer_after": "30, next day", "no_answer_rounds": 3}
