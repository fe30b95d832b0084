"""Child processes: they must not outlive the process they work for, nor be handed memory
that process no longer uses."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
from collections.abc import Iterator

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def end_with_parent(parent: int, sig: int = signal.SIGTERM) -> None:
    """In a forked child: be sent ``sig`` when ``parent`` ends, however it ends (Linux's
    PR_SET_PDEATHSIG; elsewhere nothing), and end now if it has already ended."""
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig)
    if os.getppid() != parent:
        os._exit(128 + sig)


def give_back_memory() -> None:
    """Return the memory the allocator holds free to the system (glibc's malloc_trim, in
    every arena; elsewhere nothing). Before a fork: pages freed but kept would otherwise be
    counted in both processes until either wrote them."""
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
# The most that mallopt takes for M_MMAP_THRESHOLD on a 64-bit system (HEAP_MAX_SIZE / 2).
_LARGEST_MMAP_THRESHOLD = 32 * 1024 * 1024


def reuse_freed_memory() -> None:
    """From now on this process's allocator keeps the memory it frees for its next
    allocations instead of handing each large block back to the system (glibc's
    M_MMAP_THRESHOLD and M_TRIM_THRESHOLD; elsewhere nothing). For a process that reads a
    file a chunk at a time and then exits: each chunk's arrays land on pages it has already
    written, not on fresh ones the system must supply again (on a virtual machine, the
    costliest part of a page fault). give_back_memory still returns it all."""
    with contextlib.suppress(OSError, AttributeError, ImportError):
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(_M_MMAP_THRESHOLD, _LARGEST_MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, 1 << 30)


class OrdinaryPages:
    """From :meth:`start` until the block ends, the arrays numpy makes go on ordinary pages:
    numpy asks Linux for transparent huge pages for every array of 4 MB or more (madvise),
    and a process that makes and frees arrays of tens of MB one after another then has each
    new one zeroed and mapped in 2 MB pages (numpy issue 31590). Measured on the report's
    figures for a million tickets: half the system time of judging the status history and
    of the figures (0.5 -> 0.3 s, 0.65 -> 0.3 s), while reading the exports is faster with
    huge pages, so it is started only once the exports are read. numpy's setting is the
    process's: blocks that overlap (reports measured in threads) share one count, and the
    last to end puts back what the first found, so a daemon or web server process goes on
    with its own. Where numpy cannot be told (an older or other build), nothing changes."""

    _lock = threading.Lock()
    _active = 0
    _before: bool | None = None

    def __init__(self) -> None:
        self._started = False

    def __enter__(self) -> OrdinaryPages:
        return self

    def start(self) -> None:
        with OrdinaryPages._lock:
            if self._started:
                return
            self._started = True
            if OrdinaryPages._active == 0:
                OrdinaryPages._before = _huge_pages(False)
            OrdinaryPages._active += 1

    def __exit__(self, *exc: object) -> None:
        with OrdinaryPages._lock:
            if not self._started:
                return
            self._started = False
            OrdinaryPages._active -= 1
            if OrdinaryPages._active == 0 and OrdinaryPages._before is not None:
                _huge_pages(OrdinaryPages._before)
                OrdinaryPages._before = None


def _huge_pages(enabled: bool) -> bool | None:
    """numpy's madvise(MADV_HUGEPAGE) for large arrays set; the previous setting returned
    (None where numpy has no such switch)."""
    import numpy

    for module in ("_core", "core"):  # numpy 2, numpy 1
        switch = getattr(getattr(getattr(numpy, module, None), "multiarray", None),
                         "_set_madvise_hugepage", None)  # fmt: skip
        if switch is not None:
            with contextlib.suppress(Exception):  # a build without it: as it was
                return bool(switch(enabled))
    return None


# Objects the cyclic garbage collector may let build up between collections (CPython's
# default is 700): for the whole of a command line process (cli._collect_less) and within a
# report measured in another process (fewer_collections). A command makes ~75,000
# (validate), ~100,000 (check) and ~150,000 (render) long-lived objects (imports, pydantic
# schemas, year tables, compiled templates, the document), so a collection every 700 made
# 120-200 collections and a full one: 20-45 ms of CPU for validate and check, ~70 ms for
# render, spent finding no garbage. Cycles are still collected, less often.
YOUNG_THRESHOLD = 200_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Within the block, the garbage collector runs every YOUNG_THRESHOLD allocations (as the
    command line always does) and skips the objects made before it. For a report measured
    in a process that is not the command line's (the web server's): a large report makes
    hundreds of thousands of objects that live as long as it does, beside the modules it
    imported, and collected every 700 allocations, each collection of the oldest visiting
    all of them again, they cost a million-ticket report 0.8 s and freed almost nothing.

    Afterwards both are as they were. Where objects were frozen already (a daemon's warmed
    modules), none are frozen: what the block froze could not be thawed apart from them."""
    freeze = gc.get_freeze_count() == 0
    thresholds = gc.get_threshold()
    if freeze:
        gc.freeze()
    gc.set_threshold(max(thresholds[0], YOUNG_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()
