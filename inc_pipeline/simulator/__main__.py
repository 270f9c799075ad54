"""`python -m inc_pipeline.simulator --port 8000 --seed 7 --sites 3 --days 30`."""

from .server import run_simulator_cli

if __name__ == "__main__":
    run_simulator_cli()
