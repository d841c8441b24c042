"""python -m uccx_integration.simulator --port 8089 --db PATH [--user U --password P]
[--dial-every SECONDS --outcomes answered=70,busy=10,... --number-outcomes DIGITS=OUTCOME,...
--finesse-states LOGIN=STATE,... --ivr-url URL --ivr-api-key K]"""

import argparse
import logging
import os
import signal
import sys

from uccx_integration.simulator.dialer import DEFAULT_MIX, parse_mix, parse_number_outcomes
from uccx_integration.simulator.finesse import parse_states
from uccx_integration.simulator.ivr import IvrScript
from uccx_integration.simulator.server import Simulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="UCCX adminapi simulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--db", default="var/uccx-simulator.sqlite3", help="SQLite file")
    parser.add_argument("--user", default=os.environ.get("UCCX_USERNAME", "administrator"))
    parser.add_argument("--password", default=os.environ.get("UCCX_PASSWORD", "ciscocisco"))
    parser.add_argument(
        "--dial-every",
        type=float,
        default=0,
        metavar="SECONDS",
        help="dialer period; 0 = off",
    )
    parser.add_argument(
        "--outcomes",
        type=parse_mix,
        default=DEFAULT_MIX,
        help="dialer outcome weights, e.g. answered=70,busy=10,no_answer=10,fax=5,invalid=5",
    )
    parser.add_argument(
        "--number-outcomes",
        type=parse_number_outcomes,
        default=os.environ.get("SIMULATOR_NUMBER_OUTCOMES", ""),
        help="the outcome of every dial of these numbers (the dialed digits), e.g. "
        "225550103=no_answer,225550104=ivr_hangup; also ivr_hangup and queue_abandoned "
        "(default: $SIMULATOR_NUMBER_OUTCOMES)",
    )
    parser.add_argument(
        "--finesse-states",
        type=parse_states,
        default=os.environ.get("SIMULATOR_FINESSE_STATES", ""),
        help="the Finesse stand-in's users' states at start, e.g. agent002=LOGOUT "
        "(default: $SIMULATOR_FINESSE_STATES; later: POST /simulator/finesse-states)",
    )
    parser.add_argument(
        "--ivr-url", help="Campaign Manager base URL the dialer calls on an answer, as the script"
    )
    parser.add_argument(
        "--ivr-api-key",
        default=os.environ.get("CM_IVR_API_KEY", ""),
        help="an IVR-scope API key (default: $CM_IVR_API_KEY)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    directory = os.path.dirname(args.db)
    if directory:
        os.makedirs(directory, exist_ok=True)
    simulator = Simulator(
        args.db,
        host=args.host,
        port=args.port,
        username=args.user,
        password=args.password,
        dial_every=args.dial_every or None,
        outcome_mix=args.outcomes,
        ivr=IvrScript(args.ivr_url, args.ivr_api_key) if args.ivr_url else None,
        number_outcomes=args.number_outcomes,
        finesse_states=args.finesse_states,
    )
    # SIGTERM (a supervisor stopping us) ends as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    simulator.start()
    logging.info("UCCX simulator on %s, dialing list in %s", simulator.url, args.db)
    try:
        signal.pause()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        simulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
