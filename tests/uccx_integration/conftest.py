"""The integration tests' UCCX client: `client` talks to the in-process simulator.

The simulator and the other shared fixtures are in tests/conftest.py. `client` is
defined here (and in tests/reliability) only, because elsewhere it is pytest-django's
test client.
"""

import pytest


@pytest.fixture
def client(make_client):
    return make_client()
