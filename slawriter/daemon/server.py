"""The daemon: one process with slawriter imported and warmed, forking a child per command.

Started by ``slawriter daemon start`` as ``python -m slawriter.daemon.server SOCKET IDLE``
in a session of its own. It imports what the commands use and runs each kind of command once
on the shipped example (so pydantic's validators, python-docx's classes, babel's locale data
and the calendar's year tables exist), forgets what it read from files, then listens.

For each command it forks: the child takes the caller's standard streams, folder, environment
and umask, and runs ``slawriter.cli.main`` exactly as the caller's own process would have
(with its Ctrl-C handling and exit), so every file is read afresh and output, messages and
exit codes are the same bytes. The server waits on the child (a pidfd) and sends its exit
code; a Ctrl-C the caller forwards becomes SIGINT to the child; a caller that goes away takes
its command with it (SIGTERM). The server has no threads, so forking is safe, and it exits
after ``IDLE`` seconds without a command, on ``slawriter daemon stop`` or on SIGTERM,
removing its socket.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import io
import json
import locale
import os
import selectors
import shutil
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slawriter import __version__
from slawriter.daemon import fingerprint, private_dir_problem
from slawriter.daemon.client import LENGTH_BYTES, MAX_REQUEST
from slawriter.process import end_with_parent

REQUEST_WITHIN = 2.0  # seconds a caller has to send its request, and to say "go"
CHECK_SOCKET_EVERY = 30.0  # seconds between looks at whether the socket file is still this one's
# What a caller may send while its command runs, and the signal the command gets.
FORWARDED = {
    b"int": signal.SIGINT,  # Ctrl-C
    b"tstp": signal.SIGSTOP,  # Ctrl-Z: the caller stops, so does its command
    b"cont": signal.SIGCONT,  # fg or bg
}


@dataclass
class Running:
    pid: int
    pidfd: int
    connection: socket.socket


@dataclass
class State:
    started: float = field(default_factory=time.time)
    served: int = 0
    last: float = field(default_factory=time.monotonic)
    stopping: bool = False
    running: dict[int, Running] = field(default_factory=dict)  # by pidfd


def warm_up() -> None:
    """Run each kind of command once on the example, in this process: what it imports and
    builds stays for the children; of what it reads, only the library (see below)."""
    from datetime import datetime

    from slawriter import cli
    from slawriter.library import Library, keep_libraries
    from slawriter.library.schema import examples_folder
    from slawriter.measure.samples import SampleTicket, write_export

    # The library the commands use is kept, and the runs below parse its clauses and compile
    # its templates; a child gets it only while none of its files has changed (Library.reused).
    keep_libraries([Library.locate()])
    examples = examples_folder()
    with tempfile.TemporaryDirectory(prefix="slawriter-daemon-") as folder:
        work = Path(folder)
        for name in ("provider.yaml", "northwind-logo.png", "acme-standard.yaml"):
            shutil.copy(examples / name, work / name)
        agreement = str(work / "acme-standard.yaml")
        tickets = [
            SampleTicket(
                "1",
                "P1",
                datetime(2027, 1, 5, 9),
                datetime(2027, 1, 5, 9, 10),
                datetime(2027, 1, 5, 11),
            ),
            SampleTicket("2", "P3", datetime(2027, 1, 6, 14)),
        ]
        export = write_export(work / "tickets.csv", tickets, "canonical")
        quiet = io.StringIO()
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            for argv in (
                ["validate", agreement],
                ["check", agreement],
                ["render", agreement, "--format", "docx,md,html", "--out", str(work / "out")],
                [
                    "report",
                    agreement,
                    "--tickets",
                    str(export),
                    "--period",
                    "2027-01",
                    "--format",
                    "docx,md,html",
                    "--out",
                    str(work / "report"),
                ],
            ):
                cli.main(argv)


def _stdio_encoding() -> tuple[str, str]:
    """The encoding and error handler Python would give a new process's standard output in
    this environment (PYTHONIOENCODING, UTF-8 mode, or the locale; C and POSIX: UTF-8)."""
    chosen = os.environ.get("PYTHONIOENCODING", "")
    if chosen:
        name, _, errors = chosen.partition(":")
        return name or "utf-8", errors or "strict"
    if os.environ.get("PYTHONUTF8") == "1":
        return "utf-8", "surrogateescape"
    try:
        locale.setlocale(locale.LC_CTYPE, "")
        name = locale.getencoding()
    except locale.Error:
        name = "ascii"
    if name.lower() in ("ascii", "ansi_x3.4-1968"):
        return "utf-8", "surrogateescape"
    return name, "strict"


def _take_streams() -> None:
    """sys.stdin, stdout and stderr over descriptors 0-2 (the caller's, just put there), as
    Python makes them at start-up: stdout line-buffered on a terminal, stderr always."""
    encoding, errors = _stdio_encoding()
    unbuffered = bool(os.environ.get("PYTHONUNBUFFERED"))  # python -u

    def stream(fd: int, mode: str, errors: str, line_buffering: bool) -> io.TextIOWrapper:
        raw = open(fd, mode + "b", closefd=False, buffering=0 if unbuffered and mode == "w" else -1)  # noqa: SIM115 - the stream lives as long as the child
        return io.TextIOWrapper(
            raw, encoding, errors, line_buffering=line_buffering, write_through=unbuffered
        )

    sys.stdin = stream(0, "r", errors, False)
    sys.stdout = stream(1, "w", errors, os.isatty(1))
    sys.stderr = stream(2, "w", "backslashreplace", True)


def _child(request: dict[str, Any], fds: list[int], keep_closed: list[int], parent: int) -> None:
    """In the forked child: become the caller's command and exit with its code."""
    code = 70
    try:
        # Ended when the daemon ends, however it ends: a command whose caller was told it
        # failed must not go on writing its files.
        end_with_parent(parent)
        os.setpgid(0, 0)  # a group of its own, which Ctrl-C, Ctrl-Z and the end signal
        for fd in keep_closed:
            with contextlib.suppress(OSError):
                os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # The child is not in the terminal's process group, so the terminal never stops it for
        # reading or writing; the client runs a command that reads the terminal itself.
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        tempfile.tempdir = None  # chosen again from the caller's TMPDIR, not the daemon's
        os.umask(request["umask"])
        _take_streams()
        from slawriter import cli

        sys.argv = ["slawriter", *request["argv"]]
        code = cli.main()  # exits the process itself, flushing its streams
    except SystemExit as stop:  # --help, a usage error: argparse ends the process this way
        code = _exit_code(stop)
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
    except BaseException as error:  # the child must never return to the loop
        with contextlib.suppress(BaseException):
            os.write(2, f"slawriter: the daemon could not run the command ({error})\n".encode())
    finally:
        os._exit(code)


def _exit_code(stop: SystemExit) -> int:
    """The exit status Python gives a process ended by ``stop``."""
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    with contextlib.suppress(Exception):
        sys.stderr.write(f"{stop.code}\n")
    return 1


def _receive(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """One request and the descriptors that came with it (the caller's standard streams)."""
    # One caller at a time is read (the loop has no threads): a caller that connects and says
    # nothing, or says it slowly, holds the others up this long at most.
    deadline = time.monotonic() + REQUEST_WITHIN
    connection.settimeout(REQUEST_WITHIN)
    data, fds, _, _ = socket.recv_fds(connection, 65536, 3)
    fds = list(fds)
    try:
        if not data:
            raise ConnectionError("no request")
        while len(data) < LENGTH_BYTES:
            data += _more(connection, deadline)
        length = int.from_bytes(data[:LENGTH_BYTES], "big")
        if length > MAX_REQUEST:
            raise ConnectionError("request too long")
        while len(data) < LENGTH_BYTES + length:
            data += _more(connection, deadline)
        request = ast.literal_eval(data[LENGTH_BYTES : LENGTH_BYTES + length].decode("utf-8"))
        if not isinstance(request, dict):
            raise ConnectionError("not a request")
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return request, fds


def _more(connection: socket.socket, deadline: float) -> bytes:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("request too slow")
    connection.settimeout(left)
    more = connection.recv(65536)
    if not more:
        raise ConnectionError("request cut short")
    return more


def _caller_goes_on(connection: socket.socket) -> list[int] | None:
    """Tell the caller its command is about to run and wait for its "go", which brings its
    standard input, output and error (None: no "go"). A caller that gave up meanwhile
    (Ctrl-C, a time-out, killed) has closed the connection, and its command must not run
    behind its back."""
    deadline = time.monotonic() + REQUEST_WITHIN
    fds: list[int] = []
    answer = b""
    try:
        connection.settimeout(REQUEST_WITHIN)
        connection.sendall(b"ready\n")
        while not answer.endswith(b"\n") and len(answer) < 3:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            connection.settimeout(left)
            chunk, more, _, _ = socket.recv_fds(connection, 3 - len(answer), 3)
            fds += more
            if not chunk:
                break
            answer += chunk
    except OSError:
        pass
    if answer == b"go\n" and len(fds) == 3:
        return fds
    for fd in fds:
        os.close(fd)
    return None


def _same_user(connection: socket.socket) -> bool:
    credentials = connection.getsockopt(
        socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")
    )
    _, uid, _ = struct.unpack("3i", credentials)
    return bool(uid == os.getuid())


def _send(connection: socket.socket, line: bytes) -> None:
    with contextlib.suppress(OSError):
        connection.settimeout(5)
        connection.sendall(line + b"\n")


def _signal_group(pid: int, *signals: int) -> None:
    """Signal a command and what it started (the report's reader, LibreOffice), as a
    terminal signals its foreground process group: the child leads a group of its own."""
    for sig in signals:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)


class Server:
    def __init__(self, path: Path, idle: float) -> None:
        self.path = path
        self.idle = idle
        self.state = State()
        self.code = fingerprint()
        self.selector = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.inode = -1  # the socket file's, once listening

    def listen(self) -> bool:
        """Listen at the path, unless a live daemon already answers there (False)."""
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(str(self.path))
        except OSError:
            pass  # nobody there, or a socket file a dead daemon left: ours replaces it
        else:
            return False
        finally:
            probe.close()
        # Bound under a temporary name and renamed into place: a client never meets a socket
        # that is not yet listening.
        temporary = self.path.with_name(f".{os.getpid()}.sock")  # shorter than the name
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        self.listener.bind(str(temporary))
        os.chmod(temporary, 0o600)
        self.listener.listen(64)
        os.replace(temporary, self.path)
        self.inode = os.stat(self.path).st_ino
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")
        return True

    def serve(self) -> None:
        while not (self.state.stopping and not self.state.running):
            timeout = CHECK_SOCKET_EVERY
            if not self.state.running:
                left = self.state.last + self.idle - time.monotonic()
                if left <= 0.0:
                    break
                timeout = min(timeout, left)
            events = self.selector.select(timeout)
            if not events and not self.state.stopping and not self._socket_is_ours():
                self._stop_listening()  # its name was taken over or removed: nobody finds it
            for key, _ in events:
                kind = key.data
                if kind == "accept":
                    self._accept()
                elif kind == "child":
                    self._ended(key.fd)
                else:
                    self._from_caller(key.fileobj, kind)  # type: ignore[arg-type]

    def _socket_is_ours(self) -> bool:
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def _stop_listening(self) -> None:
        """Take no more commands: the socket file goes at once, so a new caller runs its
        command itself instead of waiting in the queue of a daemon on its way out."""
        if self.state.stopping:
            return
        self.state.stopping = True
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(self.listener)
        # Only the socket this daemon put there: another daemon may have replaced it.
        if self._socket_is_ours():
            with contextlib.suppress(OSError):
                self.path.unlink()
        self.listener.close()
        # A caller already queued is dropped before its "ready": it runs its command itself.

    def close(self) -> None:
        """On the way out: no more commands, and the running ones stop with it."""
        self._stop_listening()
        for running in self.state.running.values():
            _signal_group(running.pid, signal.SIGTERM, signal.SIGCONT)

    def _accept(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except BlockingIOError:
            return
        fds: list[int] = []
        try:
            connection.setblocking(True)
            if not _same_user(connection):
                connection.close()
                return
            request, fds = _receive(connection)
        except (OSError, ValueError, SyntaxError, MemoryError, RecursionError):
            connection.close()  # fds: closed by _receive
            return
        if "control" in request:
            for fd in fds:
                os.close(fd)
            self._control(connection, str(request["control"]))
            return
        for fd in fds:  # a request brings none: the streams come with "go"
            os.close(fd)
        streams = None if self.state.stopping else _caller_goes_on(connection)
        if streams is None:
            connection.close()  # no "go": the client runs the command itself, or gave up
            return
        fds = streams
        self.state.last = time.monotonic()
        self.state.served += 1
        keep_closed = [self.listener.fileno(), self.selector_fd(), connection.fileno()]
        keep_closed += [r.pidfd for r in self.state.running.values()]
        keep_closed += [r.connection.fileno() for r in self.state.running.values()]
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            _child(request, fds, keep_closed, parent)
        # The child's group is set on both sides, so no signal forwarded at once can miss it.
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        connection.setblocking(False)
        self.state.running[pidfd] = Running(pid, pidfd, connection)
        self.selector.register(pidfd, selectors.EVENT_READ, "child")
        self.selector.register(connection, selectors.EVENT_READ, pidfd)

    def selector_fd(self) -> int:
        fileno = getattr(self.selector, "fileno", None)
        return int(fileno()) if fileno is not None else -1

    def _from_caller(self, connection: socket.socket, pidfd: int) -> None:
        running = self.state.running.get(pidfd)
        if running is None:
            return
        try:
            data = connection.recv(64)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the caller went away: so does its command (even a stopped one)
            self.selector.unregister(connection)
            _signal_group(running.pid, signal.SIGTERM, signal.SIGCONT)
            return
        # Ctrl-C, Ctrl-Z and fg in the caller's terminal reach its command.
        for line in data.split(b"\n"):
            sent = FORWARDED.get(line)
            if sent is not None:
                _signal_group(running.pid, sent)

    def _ended(self, pidfd: int) -> None:
        running = self.state.running.pop(pidfd)
        self.selector.unregister(pidfd)
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(running.connection)
        _, status = os.waitpid(running.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code < 0:  # ended by a signal, as a shell reports it
            code = 128 - code
        running.connection.setblocking(True)
        _send(running.connection, b"exit %d" % code)
        running.connection.close()
        os.close(pidfd)
        self.state.last = time.monotonic()

    def _control(self, connection: socket.socket, action: str) -> None:
        if action == "stop":
            self._stop_listening()
        status = {
            "pid": os.getpid(),
            "version": __version__,
            "code": self.code,
            "socket": str(self.path),
            "started": self.state.started,
            "served": self.state.served,
            "running": len(self.state.running),
            "idle_limit": self.idle,
            "stopping": self.state.stopping,
        }
        _send(connection, json.dumps(status).encode())
        connection.close()


def main(argv: list[str]) -> int:
    path, idle = Path(argv[0]), float(argv[1])
    problem = private_dir_problem(str(path.parent))
    if problem is not None:
        sys.stderr.write(f"slawriter daemon: {problem}\n")
        return 2
    warm_up()
    if threading.active_count() != 1:  # forking a process with threads is not safe
        sys.stderr.write("slawriter daemon: warming up left threads running\n")
        return 70
    gc.collect()
    gc.freeze()  # children share the warmed objects' pages instead of copying them
    server = Server(path, idle)

    def on_term(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    if not server.listen():
        sys.stderr.write(f"slawriter daemon: another daemon already answers at {path}\n")
        return 0
    try:
        server.serve()
    except SystemExit:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
