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
