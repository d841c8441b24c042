from tests.callbacks.conftest import (  # noqa: F401  (the callbacks tests' cast)
    demo,
    frozen_now,
    make_callback,
    now,
    put_in,
)
