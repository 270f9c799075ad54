"""A spec-faithful simulator of the INC Cloud open API: a real HTTP server on loopback over a synthetic world.

Public API: `SimulatorConfig`, `FaultConfig`, `SimulatorServer`, `serve`, `run_simulator_cli`.
"""

from .config import FaultConfig, SimulatorConfig
from .server import SimulatorServer, run_simulator_cli, serve

__all__ = ["FaultConfig", "SimulatorConfig", "SimulatorServer", "run_simulator_cli", "serve"]
