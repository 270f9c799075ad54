"""Benchmarks: `python -m bench [name ...]` (names: api, throughput, warehouse, window). Not timed unit tests."""
