"""The reliability tests use the integration tests' cast (tests/conftest.py): the demo
configuration from tests/cast.py, the UCCX simulator in-process on a free port, clients
talking to it, db_cra read through the SQLite3 ODBC driver on the simulator's file.

`client` (a UCCX client) is defined here and in tests/uccx_integration only, because
elsewhere it is pytest-django's test client.
"""

import pytest


@pytest.fixture
def client(make_client):
    return make_client()
