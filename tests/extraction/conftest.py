"""Fixtures for extraction tests."""

import pytest


@pytest.fixture
def fast_sim(make_simulator):
    """A simulator without the 1/s and 100/day limits (what these tests check is not pacing)."""
    return make_simulator(enforce_limits=False)
