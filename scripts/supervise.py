"""`honcho start` for `make run` (scripts/run-demo.sh), with time for a warm shutdown.

honcho 2.0.0 kills every process 5 s after it asked them to stop (KILL_WAIT in
honcho/manager.py; no option sets it). A Celery worker stopped in the middle of an
export or a poll finishes that task first, which on a busy machine can take longer:
honcho then logged "sending SIGKILL to worker.1" and the worker ended with rc -9.
"""

import sys

import honcho.manager
from honcho.command import main

KILL_WAIT = 20  # seconds; tests/ops/test_run_demo.py waits 30 for the whole stop

if __name__ == "__main__":
    honcho.manager.KILL_WAIT = KILL_WAIT
    sys.exit(main(sys.argv[1:]))
