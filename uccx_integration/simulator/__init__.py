"""UCCX simulator: the adminapi endpoints and a db_cra-shaped SQLite dialing list.

Stand-alone: `python -m uccx_integration.simulator --port 8089 --db var/uccx-sim.sqlite3`.
In-process (tests): `sim = Simulator(path).start(); ...; sim.stop()`.
"""

from uccx_integration.simulator.server import Faults, Simulator
from uccx_integration.simulator.store import DEFAULT_CAMPAIGNS, CampaignConfig, Store

__all__ = ["DEFAULT_CAMPAIGNS", "CampaignConfig", "Faults", "Simulator", "Store"]
