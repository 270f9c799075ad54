"""A landing process keeps freed page buffers for the next page (landing/allocation.py)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or platform.libc_ver()[0] != "glibc", reason="the tuning applies to glibc only"
)

PROBE = """
import sys
import pyarrow as pa
from inc_pipeline.catalog import endpoint
from inc_pipeline.extract.run import LandingOptions, land_pages
from inc_pipeline.landing.lake import Lake
print(pa.default_memory_pool().backend_name)
land_pages(endpoint("auth_history"), iter(()), Lake(sys.argv[1]), LandingOptions(pii_key=b"k"))
print(pa.default_memory_pool().backend_name)
"""


def test_the_first_landing_moves_pyarrow_onto_the_tuned_glibc_heap(tmp_path):
    """In a fresh process pyarrow starts on its bundled allocator; once anything is landed it allocates through
    glibc, whose heap now keeps freed blocks."""
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], capture_output=True, text=True, check=True)
    before, after = out.stdout.split()
    assert before != "system" and after == "system"

