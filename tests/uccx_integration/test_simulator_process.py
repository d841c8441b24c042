"""The simulator as its own process and its HTTP control endpoint."""

import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.cast import UCCX_PASSWORD as PASSWORD
from tests.cast import UCCX_USERNAME as USERNAME
from tests.cast import contact
from uccx_integration.client import UccxClient, UccxError


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_listening(port, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"the simulator did not listen on {port}")


@pytest.fixture
def simulator_process(tmp_path):
    port = free_port()
    command = [sys.executable, "-m", "uccx_integration.simulator", "--port", str(port)]
    command += ["--db", str(tmp_path / "sim" / "uccx.sqlite3")]
    command += ["--user", USERNAME, "--password", PASSWORD, "--dial-every", "0.1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_it_runs_as_a_process_that_imports_and_dials_contacts(simulator_process):
    client = UccxClient(simulator_process, username=USERNAME, password=PASSWORD)

    client.add_contacts(1, "Callback_Main", [contact(1), contact(2)])

    deadline = time.monotonic() + 10
    while client.list_contacts(1) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert client.list_contacts(1) == []  # every pending contact was dialed at least once
    assert client.get_campaign(1).name == "Callback_Main"


def test_it_switches_faults_through_the_control_endpoint(simulator, client):
    auth = (USERNAME, PASSWORD)
    answer = requests.post(
        f"{simulator.url}/simulator/faults", json={"http_500": 1}, auth=auth, timeout=5
    )
    client.max_retries = 0

    with pytest.raises(UccxError) as caught:
        client.list_csqs()
    skills = client.list_skills()
    stats = requests.get(
        f"{simulator.url}/simulator/stats",
        auth=auth,
        headers={"Accept": "application/json"},
        timeout=5,
    ).json()

    assert answer.status_code == 200
    assert caught.value.status == 500
    assert len(skills) == 3
    assert stats["GET /adminapi/csq"] == 1
    assert stats["GET /adminapi/skill"] == 1


def test_it_refuses_an_unknown_fault_switch(simulator):
    answer = requests.post(
        f"{simulator.url}/simulator/faults",
        json={"explode": True},
        auth=(USERNAME, PASSWORD),
        timeout=5,
    )

    assert answer.status_code == 400
    assert simulator.faults().http_500 == 0
