import sqlite3
from datetime import time

import pytest

from tests.cast import contact
from uccx_integration import mapping
from uccx_integration.client import Campaign, UccxClient, UccxError
from uccx_integration.mapping import CallResult, CallStatus

CONTACTS_PATH = "/adminapi/campaign/1/contacts"
AWKWARD_NAMES = [
    ("Jan, junior", 'Kowalski "Kowal"'),
    ("Zażółć", "Gęślą-Jaźń"),
    ("Line\nbreak", "a<b>&c"),
    ("Carriage\r\nreturn", "  spaced  "),
    ("", "O'Brien; DROP TABLE"),
]


def dialing_list_rows(simulator, campaign_id=1):
    with sqlite3.connect(simulator.store.path) as db:
        db.row_factory = sqlite3.Row
        sql = f"SELECT * FROM {mapping.DIALING_LIST.name} WHERE {mapping.CAMPAIGN_ID} = ?"
        return [dict(row) for row in db.execute(sql, (campaign_id,))]


# --- contacts -------------------------------------------------------------------------
def test_it_adds_contacts_in_batches_one_post_each(client, simulator):
    contacts = [contact(n) for n in range(1201)]

    result = client.add_contacts(1, "Callback_Main", contacts, batch_size=500)

    assert [batch.contacts for batch in result.batches] == [500, 500, 201]
    assert all(batch.status == 202 for batch in result.batches)
    assert result.batches[0].location.endswith("/adminapi/campaign/1/contacts/status")
    assert simulator.request_count("POST", CONTACTS_PATH) == 3
    rows = dialing_list_rows(simulator)
    assert sorted(r[mapping.ACCOUNT_NUMBER] for r in rows) == [c.account_number for c in contacts]
    assert {r[mapping.CALL_STATUS] for r in rows} == {CallStatus.PENDING}


def test_it_round_trips_names_with_commas_quotes_newlines_markup_and_polish_letters(
    client, simulator
):
    contacts = [
        contact(n, first_name=first, last_name=last)
        for n, (first, last) in enumerate(AWKWARD_NAMES)
    ]

    client.add_contacts(1, "Callback_Main", contacts)

    listed = {c.account_number: (c.first_name, c.last_name) for c in client.list_contacts(1)}
    stored = {
        r[mapping.ACCOUNT_NUMBER]: (r[mapping.FIRST_NAME], r[mapping.LAST_NAME])
        for r in dialing_list_rows(simulator)
    }
    # Cisco's csvdata pads values with spaces, so values are read stripped: a name's
    # own leading and trailing spaces do not survive (nothing else is lost).
    expected = {c.account_number: (c.first_name.strip(), c.last_name.strip()) for c in contacts}
    assert listed == expected
    assert stored == expected


def test_it_drops_characters_xml_cannot_carry_instead_of_failing_the_batch(client):
    client.add_contacts(
        1, "Callback_Main", [contact(1, first_name="Ja\x00n\x1b", last_name="Nowak")]
    )

    (listed,) = client.list_contacts(1)

    assert (listed.first_name, listed.last_name) == ("Jan", "Nowak")


def test_it_does_not_add_a_pending_account_number_twice(client, simulator):
    client.add_contacts(1, "Callback_Main", [contact(1), contact(2)])

    client.add_contacts(1, "Callback_Main", [contact(2), contact(3), contact(3)])

    accounts = sorted(r[mapping.ACCOUNT_NUMBER] for r in dialing_list_rows(simulator))
    assert accounts == ["CB0000000001", "CB0000000002", "CB0000000003"]
    run = client.import_status(1).latest()
    assert run is not None
    assert (run.result, run.contacts_imported, run.succeeded) == ("SUCCESS", 1, True)


def test_it_adds_the_same_account_number_to_another_campaign(client, simulator):
    client.add_contacts(1, "Callback_Main", [contact(1)])

    client.add_contacts(2, "Callback_Premium", [contact(1)])

    assert len(dialing_list_rows(simulator, 2)) == 1


def test_it_lists_contacts_by_call_status(client, simulator):
    client.add_contacts(1, "Callback_Main", [contact(n) for n in range(4)])
    first, second, *_ = dialing_list_rows(simulator)
    simulator.store.set_status(first[mapping.DIALING_LIST_ID], CallStatus.RETRY, CallResult.BUSY)
    simulator.store.set_status(second[mapping.DIALING_LIST_ID], CallStatus.MAX_CALLS)

    pending = client.list_contacts(1)
    retry = client.list_contacts(1, "RETRY")

    assert [c.account_number for c in pending] == ["CB0000000002", "CB0000000003"]
    assert [(c.account_number, c.call_status, c.call_result) for c in retry] == [
        ("CB0000000000", CallStatus.RETRY, CallResult.BUSY)
    ]
    assert [c.account_number for c in client.list_contacts(1, "MAX_CALLS")] == ["CB0000000001"]
    assert client.list_contacts(1, "CALLBACK") == []


def test_it_refuses_an_unknown_status_filter(client):
    with pytest.raises(ValueError):
        client.list_contacts(1, "CLOSED")


def test_it_deletes_all_contacts_of_one_campaign_only(client, simulator):
    client.add_contacts(1, "Callback_Main", [contact(1), contact(2)])
    client.add_contacts(2, "Callback_Premium", [contact(3)])

    client.delete_all_contacts(1)

    assert dialing_list_rows(simulator, 1) == []
    assert client.list_contacts(1) == []
    assert [c.account_number for c in client.list_contacts(2)] == ["CB0000000003"]


def test_it_imports_whatever_the_campaign_name_says_as_cisco_does(client, simulator):
    # Cisco's own import (uccx-sample-code clus2017/webcallback.aef) sends <campaign >
    # without a name: the campaign is the one in the URL.
    client.add_contacts(1, "Callback_Premium", [contact(1)])

    assert [r[mapping.CAMPAIGN_ID] for r in dialing_list_rows(simulator)] == [1]


# --- campaign and directory -------------------------------------------------------------
def test_it_reads_a_campaign(client):
    client.add_contacts(2, "Callback_Premium", [contact(1), contact(2)])

    campaign = client.get_campaign(2)

    assert campaign.id == 2
    assert campaign.name == "Callback_Premium"
    assert campaign.enabled is True
    assert (campaign.start_time, campaign.end_time) == (time(0, 0), time(23, 59))
    assert campaign.max_dial_attempts == 3
    assert campaign.pending_contacts == 2
    assert campaign.window_open(time(12, 0))
    assert campaign.window_open(time(23, 59, 59))  # the whole last minute, as UCCX dials it


@pytest.mark.parametrize(
    ("start", "end", "now", "open_"),
    [
        (time(8, 0), time(20, 0), time(7, 59, 59), False),
        (time(8, 0), time(20, 0), time(8, 0), True),
        (time(8, 0), time(20, 0), time(20, 0, 30), True),
        (time(8, 0), time(20, 0), time(20, 1), False),
        (time(22, 0), time(6, 0), time(23, 30), True),  # over midnight
        (time(22, 0), time(6, 0), time(6, 0, 59), True),
        (time(22, 0), time(6, 0), time(12, 0), False),
    ],
)
def test_a_campaign_window_is_whole_minutes(start, end, now, open_):
    campaign = Campaign(1, "c", True, start, end, "Europe/Warsaw", "IVR", 3, 0)

    assert campaign.window_open(now) is open_


def test_it_reports_an_unknown_campaign_as_permanent(client):
    with pytest.raises(UccxError) as caught:
        client.get_campaign(99)

    assert (caught.value.permanent, caught.value.status) == (True, 404)


def test_it_lists_skills_csqs_and_resources(client):
    skills = client.list_skills()
    csqs = client.list_csqs()
    resources = client.list_resources()

    assert [(s.id, s.name) for s in skills] == [(1, "Sales"), (2, "Support"), (3, "Premium")]
    assert (csqs[0].id, csqs[0].name, csqs[0].queue_type) == (1, "CSQ_Sales", "VOICE")
    assert [(r.user_id, r.last_name, r.extension, r.team) for r in resources][1] == (
        "agent002",
        "Wiśniewski",
        "1002",
        "Default",
    )


def test_it_reads_json_when_uccx_answers_json(client):
    client.session.headers["Accept"] = "application/json"

    skills = client.list_skills()
    campaign = client.get_campaign(1)

    assert [s.name for s in skills] == ["Sales", "Support", "Premium"]
    assert (campaign.name, campaign.enabled, campaign.max_dial_attempts) == (
        "Callback_Main",
        True,
        3,
    )


# --- faults ---------------------------------------------------------------------------
def test_it_reports_a_500_as_a_transient_error(make_client, simulator):
    client = make_client(max_retries=0)
    simulator.set_faults(http_500=1)

    with pytest.raises(UccxError) as caught:
        client.list_skills()

    assert (caught.value.permanent, caught.value.status) == (False, 500)


def test_it_reports_a_bad_password_as_permanent_without_retrying(make_client, simulator):
    client = make_client(password="wrong")

    with pytest.raises(UccxError) as caught:
        client.list_skills()

    assert (caught.value.permanent, caught.value.status) == (True, 401)
    assert simulator.request_count("GET", "/adminapi/skill") == 1


def test_it_reports_a_read_timeout_as_transient(make_client, simulator):
    client = make_client(read_timeout=0.3, max_retries=0)
    simulator.set_faults(delay_seconds=2)

    with pytest.raises(UccxError) as caught:
        client.get_campaign(1)

    assert (caught.value.permanent, caught.value.status) == (False, None)


def test_it_reports_a_hanging_uccx_as_transient(make_client, simulator):
    client = make_client(read_timeout=0.3, max_retries=1)
    simulator.set_faults(timeout=True)

    with pytest.raises(UccxError) as caught:
        client.delete_all_contacts(1)

    assert caught.value.permanent is False
    assert simulator.request_count("DELETE", CONTACTS_PATH) == 2


def test_it_retries_a_get_with_back_off_and_succeeds_after_one_500(client, simulator, sleeps):
    simulator.set_faults(http_500=1)

    skills = client.list_skills()

    assert len(skills) == 3
    assert simulator.request_count("GET", "/adminapi/skill") == 2
    assert sleeps == [0.25]


def test_it_backs_off_exponentially_until_retries_run_out(client, simulator, sleeps):
    simulator.set_faults(http_500=10)

    with pytest.raises(UccxError):
        client.delete_all_contacts(1)

    assert simulator.request_count("DELETE", CONTACTS_PATH) == 4
    assert sleeps == [0.25, 0.5, 1.0]


def test_it_never_retries_an_add_contacts_post_after_a_500(client, simulator, sleeps):
    simulator.set_faults(http_500=1)

    with pytest.raises(UccxError) as caught:
        client.add_contacts(1, "Callback_Main", [contact(1)])

    assert caught.value.permanent is False
    assert simulator.request_count("POST", CONTACTS_PATH) == 1
    assert sleeps == []
    assert dialing_list_rows(simulator) == []


def test_it_reports_the_batches_accepted_before_a_failing_batch(client, simulator):
    send = client.session.request

    def fail_from_the_second_post(method, url, **kwargs):
        if simulator.request_count("POST", CONTACTS_PATH) == 1:
            simulator.set_faults(http_500=1)
        return send(method, url, **kwargs)

    client.session.request = fail_from_the_second_post

    with pytest.raises(UccxError) as caught:
        client.add_contacts(1, "Callback_Main", [contact(n) for n in range(5)], batch_size=2)

    assert [b.contacts for b in caught.value.accepted_batches] == [2]
    assert simulator.request_count("POST", CONTACTS_PATH) == 2
    assert len(dialing_list_rows(simulator)) == 2


def test_it_does_not_repeat_a_post_whose_answer_was_dropped(client, simulator):
    simulator.set_faults(accept_then_drop=1)

    with pytest.raises(UccxError) as caught:
        client.add_contacts(1, "Callback_Main", [contact(1), contact(2)])

    assert caught.value.permanent is False
    assert simulator.request_count("POST", CONTACTS_PATH) == 1
    # UCCX did the import: the caller must reconcile by listing, never re-import blindly.
    assert [c.account_number for c in client.list_contacts(1)] == ["CB0000000001", "CB0000000002"]


def test_it_uses_the_secondary_when_the_primary_is_down(make_client, simulator, closed_port_url):
    client = make_client(primary_url=closed_port_url, secondary_url=simulator.url)

    client.add_contacts(1, "Callback_Main", [contact(1)])
    skills = client.list_skills()

    assert len(skills) == 3
    assert simulator.request_count("POST", CONTACTS_PATH) == 1
    assert len(dialing_list_rows(simulator)) == 1


def test_it_reports_both_nodes_down_as_transient(make_client, closed_port_url, sleeps):
    client = make_client(primary_url=closed_port_url, secondary_url=closed_port_url)

    with pytest.raises(UccxError) as caught:
        client.list_skills()

    assert (caught.value.permanent, caught.value.status) == (False, None)
    assert len(sleeps) == 3


def test_it_does_not_send_a_timed_out_post_to_the_secondary(make_client, tmp_path, simulator):
    from uccx_integration.simulator import Simulator

    slow = Simulator(str(tmp_path / "primary.sqlite3"), username="administrator", password="x")
    slow.start()
    try:
        slow.set_faults(delay_seconds=2)
        client = make_client(
            primary_url=slow.url, secondary_url=simulator.url, password="x", read_timeout=0.3
        )
        with pytest.raises(UccxError):
            client.add_contacts(1, "Callback_Main", [contact(1)])
    finally:
        slow.stop()

    assert simulator.request_count("POST", CONTACTS_PATH) == 0


# --- configuration ----------------------------------------------------------------------
def test_it_builds_from_the_environment():
    client = UccxClient.from_env(
        {
            "UCCX_URL": "https://uccx1.example.com/",
            "UCCX_SECONDARY_URL": "https://uccx2.example.com",
            "UCCX_USERNAME": "admin",
            "UCCX_PASSWORD": "pw",
            "UCCX_CA_BUNDLE": "/etc/ssl/uccx.pem",
            "UCCX_READ_TIMEOUT": "12",
        }
    )

    assert client.urls == ["https://uccx1.example.com", "https://uccx2.example.com"]
    assert client.session.auth == ("admin", "pw")
    assert client.session.verify == "/etc/ssl/uccx.pem"
    assert client.timeout == (5.0, 12.0)


def test_it_accepts_uccx_user_for_the_username_and_verifies_tls_by_default():
    client = UccxClient.from_env({"UCCX_URL": "https://u", "UCCX_USER": "a", "UCCX_PASSWORD": "b"})

    assert client.session.auth == ("a", "b")
    assert client.session.verify is True


def test_it_fails_loudly_on_a_bad_environment_value():
    with pytest.raises(ValueError, match="UCCX_READ_TIMEOUT"):
        UccxClient.from_env(
            {
                "UCCX_URL": "https://u",
                "UCCX_USERNAME": "a",
                "UCCX_PASSWORD": "b",
                "UCCX_READ_TIMEOUT": "x",
            }
        )


def test_it_warns_loudly_when_tls_verification_is_off(caplog):
    UccxClient("https://uccx1.example.com", username="a", password="b", verify=False)

    assert "verification is DISABLED" in caplog.text
