"""Child processes: they must not outlive the process they work for, nor be handed memory
that process no longer uses."""

from __future__ import annotations

import contextlib
import os
import signal

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
