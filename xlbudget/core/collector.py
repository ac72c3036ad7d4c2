"""Python's cycle collector, paused while a large structure is built.

A review or an array UDF makes hundreds of thousands to millions of small objects (cells,
rows, texts) and none of them in reference cycles; the collector would walk all of them
again and again as they pile up (about 1.2 s of 8 at 100,000 lines).  Reference counting
still frees everything as usual; only cycles wait until the pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cycle collector off for the block, then restored as it was found."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
