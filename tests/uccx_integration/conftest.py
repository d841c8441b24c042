"""The UCCX simulator in-process on a free 127.0.0.1 port, and clients talking to it."""

import socket

import pytest

from tests.callbacks.conftest import (  # noqa: F401  (fixtures shared with the callbacks tests)
    campaign,
    demo,
    frozen_now,
    make_callback,
    now,
    put_in,
    sales,
    support,
)
from tests.uccx_integration.flow_helpers import (  # noqa: F401  (fixtures of the service tests)
    informix,
    uccx_env,
    unreachable_informix,
)
from uccx_integration.client import ContactRow, UccxClient
from uccx_integration.simulator import Simulator

USERNAME = "administrator"
PASSWORD = "s3cret"


@pytest.fixture
def simulator(tmp_path):
    sim = Simulator(str(tmp_path / "uccx.sqlite3"), username=USERNAME, password=PASSWORD)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def sleeps():
    """Back-off delays the client asked for (instead of really sleeping)."""
    return []


@pytest.fixture
def make_client(simulator, sleeps):
    def make(**overrides):
        options = {
            "username": USERNAME,
            "password": PASSWORD,
            "connect_timeout": 2.0,
            "read_timeout": 5.0,
            "backoff_seconds": 0.25,
            "sleep": sleeps.append,
            **overrides,
        }
        return UccxClient(options.pop("primary_url", simulator.url), **options)

    return make


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def closed_port_url():
    """A URL nothing listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def contact(n: int, **fields) -> ContactRow:
    return ContactRow(**{"account_number": f"CB{n:010d}", "phone1": f"0048221{n:06d}", **fields})
