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

Work may also send parts of its result as it goes (``StreamedAhead``: the status history's
ticket ids, as they are first seen): a thread in the child writes them to the pipe, so the
child never waits for this process to read, and this process takes each part when it asks
for the result, while the child goes on.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import queue
import signal
import threading
from collections.abc import Callable
from typing import Any, BinaryIO, Generic, TypeVar

from slawriter.process import end_with_parent, give_back_memory

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

    def __init__(
        self, work: Callable[[], T], fork: bool, in_child: Callable[[], None] | None = None
    ) -> None:
        self._work = work
        self._in_child = in_child  # run first in the child (not when the work is done here)
        self._pid: int | None = None
        self._source: int | None = None
        self._unfreeze = False
        if fork and can_fork():
            self._start()

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def _start(self) -> None:
        try:
            source, sink = os.pipe()
        except OSError:  # no descriptors left: the work is done here instead
            return
        _widen(sink)
        parent = os.getpid()
        # The objects made so far are left out of garbage collections until the child is done:
        # a collection writes to every object it visits, and each page written would then be
        # copied (a million-ticket report's ~500 MB, in whichever process collects first).
        self._unfreeze = gc.get_freeze_count() == 0
        gc.freeze()
        # Memory freed but still held by the allocator would be counted in both processes'
        # share until written: given back first (a million-ticket report's ~200 MB).
        give_back_memory()
        try:
            pid = os.fork()
        except OSError:  # no memory or processes to spare: the work is done here instead
            os.close(source)
            os.close(sink)
            if self._unfreeze:
                gc.unfreeze()
                self._unfreeze = False
            return
        if pid == 0:  # the child: never returns
            status = 0
            try:
                # A report killed (or its daemon) takes its reader with it at once.
                end_with_parent(parent, signal.SIGKILL)
                os.close(source)
                # Ctrl-C reaches the whole process group: the parent reports it; the child
                # just stops.
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                if self._in_child is not None:
                    self._in_child()
                with os.fdopen(sink, "wb") as out:
                    self._run_child(out)
            except BaseException:  # no answer: the parent does the work itself
                status = 1
            finally:
                os._exit(status)
        os.close(sink)
        self._pid, self._source = pid, source

    def _run_child(self, out: BinaryIO) -> None:
        """The work, its outcome pickled to ``out``."""
        pickle.dump(_outcome(self._work), out, protocol=pickle.HIGHEST_PROTOCOL)

    def result(self) -> T:
        """The work's result, or its exception raised here."""
        if self._pid is None:
            return self._work()
        outcome = self._receive()
        if outcome is None:
            return self._work()  # the child died without an answer
        done, value = outcome
        if done:
            return value  # type: ignore[no-any-return]
        raise value

    def _receive(self) -> tuple[bool, Any] | None:
        """The child's outcome, None when it died without one; the child reaped."""
        assert self._source is not None
        try:
            with os.fdopen(self._source, "rb") as source:
                self._source = None
                outcome: tuple[bool, Any] = self._read(source)
        except (EOFError, pickle.UnpicklingError, OSError):
            self._reap()
            return None
        except BaseException:  # Ctrl-C, or a part this process could not take: no waiting
            self.cancel()
            raise
        self._reap()
        return outcome

    def _read(self, source: BinaryIO) -> tuple[bool, Any]:
        outcome: tuple[bool, Any] = pickle.load(source)
        return outcome

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


# Linux's F_SETPIPE_SZ (fcntl.F_SETPIPE_SZ from Python 3.10, not on every platform), and
# the largest pipe an unprivileged process may ask for by default (/proc/sys/fs/pipe-max-size).
_SET_PIPE_SIZE = 1031
PIPE_BYTES = 1024 * 1024


def _widen(sink: int) -> None:
    """A pipe of PIPE_BYTES rather than 64 KB where the system allows it: a result of
    ~80 MB (a status history's columns) then comes across in a sixteenth of the hand-overs
    between the processes (~0.05 s sooner). Elsewhere, or when refused, the pipe is as it was."""
    with contextlib.suppress(OSError, ImportError):
        import fcntl

        fcntl.fcntl(sink, getattr(fcntl, "F_SETPIPE_SZ", _SET_PIPE_SIZE), PIPE_BYTES)


def _outcome(work: Callable[[], object]) -> tuple[bool, object]:
    """(True, work's result), or (False, its error) to be raised again in the parent."""
    try:
        return True, work()
    except BaseException as error:
        return False, _portable(error)


def _portable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling, else a RuntimeError saying what it was."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:  # any failure to pickle: described instead
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error


_PART, _END = "part", "end"


class StreamedAhead(Ahead[T]):
    """An Ahead whose work also sends parts as it goes: ``work(send)`` calls ``send(part)``.

    ``result(on_part)`` hands each part to ``on_part(index, part)`` in the order sent (in
    the child's case, as they arrive while it goes on), then returns the result. A child
    that dies is replaced by the work done here, whose parts start again from index 0."""

    def __init__(
        self,
        work: Callable[[Callable[[Any], None]], T],
        fork: bool,
        in_child: Callable[[], None] | None = None,
    ) -> None:
        self._streaming = work
        self._on_part: Callable[[int, Any], None] = lambda index, part: None
        super().__init__(self._here, fork, in_child)

    def _here(self) -> T:
        """The work in this process, its parts handed over at once."""
        sent = 0

        def send(part: Any) -> None:
            nonlocal sent
            self._on_part(sent, part)
            sent += 1

        return self._streaming(send)

    def result(self, on_part: Callable[[int, Any], None] | None = None) -> T:
        """The work's result (or its exception raised here), each part given to ``on_part``."""
        if on_part is not None:
            self._on_part = on_part
        return super().result()

    def _run_child(self, out: BinaryIO) -> None:
        # A thread writes what the work sends, so the work never waits on a full pipe.
        waiting: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

        def write() -> None:
            while True:
                record = waiting.get()
                pickle.dump(record, out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()  # each part on its way at once, not when a buffer fills
                if record[0] == _END:
                    return

        writer = threading.Thread(target=write, name="slawriter-ahead-writer", daemon=True)
        writer.start()
        waiting.put((_END, _outcome(lambda: self._streaming(lambda p: waiting.put((_PART, p))))))
        writer.join()

    def _read(self, source: BinaryIO) -> tuple[bool, Any]:
        index = 0
        while True:
            kind, value = pickle.load(source)
            if kind == _END:
                outcome: tuple[bool, Any] = value
                return outcome
            self._on_part(index, value)
            index += 1
