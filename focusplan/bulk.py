"""Pausing the cyclic garbage collector while many small objects are built at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block (nested blocks: the outermost decides).

    CPython collects after every 700 net allocations of tracked objects and scans the
    older generations as the heap grows: reading or importing 100,000 tasks set off
    hundreds of collections that found nothing, a third of an import's parse. Nothing
    built there needs a cycle freed at once; reference counting frees the rest as
    usual, and the collector runs again when the block ends.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
