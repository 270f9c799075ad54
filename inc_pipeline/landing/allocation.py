"""How a landing process allocates memory: freed buffers are kept for the next page, not handed back to the OS.

Each page of authentications passes through a few buffers of 1 to 5 MB: the answer's body, pyarrow's columns,
pandas' arrays, the Parquet encoder's pages. With the allocators' defaults, each is mapped fresh from the OS
and unmapped when freed, so every page touched ~11 MB of new memory: ~2,900 page faults and 10 to 20 ms of
kernel time per page, as much as validating it. Kept by the allocator, the next page reuses them.

- pyarrow allocates through glibc's malloc (its system pool) instead of its bundled mimalloc, which returns
  freed memory to the OS within milliseconds; one heap also serves pandas, pyarrow and the HTTP reads.
- glibc serves blocks of up to 32 MiB from its heap rather than from fresh mappings, and trims the heap only
  when 256 MiB lie free at its top.

The peak memory does not grow (the buffers are reused, not added; the memory benchmark shows it). On
another C library or platform nothing changes. Applied once per process, by the first landing.
"""

from __future__ import annotations

import ctypes
import sys

import pyarrow as pa

HEAP_BLOCKS_UP_TO = 32 * 2**20  # glibc's ceiling for M_MMAP_THRESHOLD on 64-bit
TRIM_WHEN_FREE = 256 * 2**20
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # from glibc's malloc.h

_settled = False


def keep_freed_memory() -> None:
    """Set both allocators as described above, once per process (later calls do nothing)."""
    global _settled
    if _settled:
        return
    _settled = True
    if not sys.platform.startswith("linux"):
        return
    mallopt = _glibc_mallopt()
    if mallopt is None:
        return
    if mallopt(_M_MMAP_THRESHOLD, HEAP_BLOCKS_UP_TO) and mallopt(_M_TRIM_THRESHOLD, TRIM_WHEN_FREE):
        pa.set_memory_pool(pa.system_memory_pool())


def _glibc_mallopt():
    try:
        process = ctypes.CDLL(None)  # the C library the interpreter runs on
        process.gnu_get_libc_version  # noqa: B018 - glibc only: musl has no such symbol
        mallopt = process.mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt
