"""Import-to-dial delay of the UCCX simulator: how soon after an import does it ring?

Not a test: it prints figures, never fails. It feeds settings.EXPORT_LEAD_SECONDS
(docs/uccx.md section 2a): a callback goes to UCCX that long before its time, so the
lead must not exceed the shortest delay, or the customer rings early.

    python bench/dial_delay.py                     # 20 contacts, --dial-every 5 (make run's)
    python bench/dial_delay.py --contacts 40 --dial-every 2

The simulator runs in this process with its dialer loop on (as `make run` starts it); one
contact is imported at a time, at random moments, with UccxClient.add_contacts (the
export's POST), and the delay is measured from the POST's answer to the dialer's attempt
for that contact (the moment the simulator records as the call's start).

Where the delay comes from: the simulator's dialer wakes every --dial-every seconds and
dials every due contact at once (uccx_integration/simulator/dialer.py), so the delay is
uniform in (0, dial_every]; its import itself is synchronous. The real UCCX's delay
(import, then the dialer's next fetch of contacts) is documented by no Cisco source we
found: unconfirmed, measure it on the site's UCCX before setting EXPORT_LEAD_SECONDS.
"""

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from uccx_integration import mapping as m
from uccx_integration.client import ContactRow, UccxClient
from uccx_integration.simulator.dialer import Dialer
from uccx_integration.simulator.server import Simulator

CAMPAIGN_ID, CAMPAIGN_NAME = 1, "Callback_Main"  # the simulator's default campaign 1


def measure(contacts: int, dial_every: float, seed: int) -> list[float]:
    dialed: dict[str, float] = {}
    lock = threading.Lock()
    original = Dialer._dial

    def timed_dial(self, contact, now):
        with lock:
            dialed.setdefault(str(contact[m.ACCOUNT_NUMBER]), time.monotonic())
        original(self, contact, now)

    Dialer._dial = timed_dial  # type: ignore[method-assign]
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as var:
        simulator = Simulator(
            f"{var}/uccx.sqlite3",
            username="bench",
            password="bench",
            dial_every=dial_every,
        ).start()
        try:
            client = UccxClient(simulator.url, username="bench", password="bench")
            imported: dict[str, float] = {}
            for n in range(contacts):
                time.sleep(rng.uniform(0, dial_every))  # any moment of the dialer's cycle
                row = ContactRow(account_number=f"CB9{n:09d}", phone1=f"0048226{n:06d}")
                client.add_contacts(CAMPAIGN_ID, CAMPAIGN_NAME, [row])
                imported[row.account_number] = time.monotonic()
            deadline = time.monotonic() + 3 * dial_every
            while len(dialed) < contacts and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            simulator.stop()
            Dialer._dial = original  # type: ignore[method-assign]
    return [dialed[a] - t for a, t in imported.items() if a in dialed]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20)
    parser.add_argument("--dial-every", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    delays = measure(args.contacts, args.dial_every, args.seed)
    if len(delays) < args.contacts:
        print(f"only {len(delays)} of {args.contacts} contacts were dialed")
    if not delays:
        return
    print(
        f"import-to-dial delay over {len(delays)} contacts, dialer every {args.dial_every:g} s: "
        f"min {min(delays):.2f} s, median {statistics.median(delays):.2f} s, "
        f"max {max(delays):.2f} s"
    )
    print(
        "EXPORT_LEAD_SECONDS must not exceed the minimum, or a ring comes early; with the "
        f"default 0 the first ring is at most {max(delays):.1f} s after the promise here "
        "(plus how late the export run itself starts)."
    )


if __name__ == "__main__":
    main()
