"""The reliability tests use the integration tests' cast: the demo installation, the UCCX
simulator in-process on a free port, clients talking to it, db_cra read through the
SQLite3 ODBC driver on the simulator's file."""

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
from tests.uccx_integration.conftest import (  # noqa: F401  (the simulator and its clients)
    client,
    closed_port_url,
    make_client,
    simulator,
    sleeps,
)
from tests.uccx_integration.flow_helpers import (  # noqa: F401  (fixtures of the service tests)
    informix,
    uccx_env,
    unreachable_informix,
)
