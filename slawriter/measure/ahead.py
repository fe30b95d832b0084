"""Work done ahead in a second process while this one does something else.

The report reads a large status history while it reads the ticket export: on a machine with
two cores or more the history's reading (CSV, times, codes) runs in a forked child and comes
back as numpy columns, which pickle as their bytes. On one core, without ``os.fork``, or when
the caller says the work is too small to pay for a process, the work runs in this process
when its result is asked for, so the result is the same either way.

An error in the child (an InputError naming a file and line, or anything else) is raised
again here when the result is asked for, so the messages and exit codes are those of the
same work done in this process. A child that dies without an answer (killed, out of memory)
is not fatal: the work is done again here.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
from collections.abc import Callable
from typing import Generic, TypeVar

from slawriter.process import end_with_parent

T = TypeVar("T")


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return hasattr(os, "fork") and cores() >= 2


class Ahead(Generic[T]):
    """``work()``'s result, computed in a forked child when ``fork`` is true and forking is
    possible, else in this process when :meth:`result` is called."""

    def __init__(self, work: Callable[[], T], fork: bool) -> None:
        self._work = work
        self._pid: int | None = None
        self._source: int | None = None
        self._unfreeze = False
        if fork and can_fork():
            self._start()

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def _start(self) -> None:
        source, sink = os.pipe()
        parent = os.getpid()
        # The objects made so far are left out of garbage collections until the child is done:
        # a collection writes to every object it visits, and each page written would then be
        # copied (a million-ticket report's ~500 MB, in whichever process collects first).
        self._unfreeze = gc.get_freeze_count() == 0
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            status = 0
            try:
                # A report killed (or its daemon) takes its reader with it at once.
                end_with_parent(parent, signal.SIGKILL)
                os.close(source)
                # Ctrl-C reaches the whole process group: the parent reports it; the child
                # just stops.
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                with os.fdopen(sink, "wb") as out:
                    try:
                        outcome: tuple[bool, object] = (True, self._work())
                    except BaseException as error:  # raised again in the parent
                        outcome = (False, _portable(error))
                    pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:  # no answer: the parent does the work itself
                status = 1
            finally:
                os._exit(status)
        os.close(sink)
        self._pid, self._source = pid, source

    def result(self) -> T:
        """The work's result, or its exception raised here."""
        if self._pid is None:
            return self._work()
        assert self._source is not None
        try:
            with os.fdopen(self._source, "rb") as source:
                self._source = None
                outcome = pickle.load(source)
        except (EOFError, pickle.UnpicklingError, OSError):
            outcome = None  # the child died without an answer
        finally:
            self._reap()
        if outcome is None:
            return self._work()
        done, value = outcome
        if done:
            return value  # type: ignore[no-any-return]
        raise value

    def cancel(self) -> None:
        """Stop the child, if one is still running (the result is no longer wanted)."""
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()
        if self._source is not None:
            os.close(self._source)
            self._source = None

    def _reap(self) -> None:
        if self._pid is not None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None
        if self._unfreeze:  # as they were (a caller's own frozen objects stay frozen)
            gc.unfreeze()
            self._unfreeze = False


def _portable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # any failure to pickle: described instead
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
