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
    """Run each kind of command once on the example, in this process, and keep nothing it read."""
    from datetime import datetime

    from slawriter import cli
    from slawriter.library import keep_libraries
    from slawriter.library.schema import examples_folder
    from slawriter.measure.samples import SampleTicket, write_export
    from slawriter.pipeline import render as pipeline_render

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
    # The library the examples used is kept, with its clauses parsed and templates compiled;
    # a child gets it only while none of its files has changed (Library.reused).
    keep_libraries(list(pipeline_render._LIBRARIES.values()))
    pipeline_render._LIBRARIES.clear()


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

    def stream(fd: int, mode: str, errors: str, line_buffering: bool) -> io.TextIOWrapper:
        raw = open(fd, mode + "b", closefd=False)  # noqa: SIM115 - the stream lives as long as the child
        return io.TextIOWrapper(raw, encoding, errors, line_buffering=line_buffering)

    sys.stdin = stream(0, "r", errors, False)
    sys.stdout = stream(1, "w", errors, os.isatty(1))
    sys.stderr = stream(2, "w", "backslashreplace", True)


def _child(request: dict[str, Any], fds: list[int], keep_closed: list[int]) -> None:
    """In the forked child: become the caller's command and exit with its code."""
    code = 70
    try:
        for fd in keep_closed:
            with contextlib.suppress(OSError):
                os.close(fd)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # Not the terminal's foreground group: reading it fails (EIO) instead of stopping.
        signal.signal(signal.SIGTTIN, signal.SIG_IGN)
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
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
    connection.settimeout(10)
    data, fds, _, _ = socket.recv_fds(connection, 65536, 3)
    fds = list(fds)
    try:
        if not data:
            raise ConnectionError("no request")
        while len(data) < LENGTH_BYTES:
            data += _more(connection)
        length = int.from_bytes(data[:LENGTH_BYTES], "big")
        if length > MAX_REQUEST:
            raise ConnectionError("request too long")
        while len(data) < LENGTH_BYTES + length:
            data += _more(connection)
        request = ast.literal_eval(data[LENGTH_BYTES : LENGTH_BYTES + length].decode("utf-8"))
        if not isinstance(request, dict):
            raise ConnectionError("not a request")
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise
    return request, fds


def _more(connection: socket.socket) -> bytes:
    more = connection.recv(65536)
    if not more:
        raise ConnectionError("request cut short")
    return more


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


class Server:
    def __init__(self, path: Path, idle: float) -> None:
        self.path = path
        self.idle = idle
        self.state = State()
        self.code = fingerprint()
        self.selector = selectors.DefaultSelector()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.inode = -1  # the socket file's, once listening

    def listen(self) -> None:
        # Bound under a temporary name and renamed into place: a client never meets a socket
        # that is not yet listening, and a second daemon replaces the first's name cleanly.
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
        self.listener.bind(str(temporary))
        os.chmod(temporary, 0o600)
        self.listener.listen(64)
        os.replace(temporary, self.path)
        self.inode = os.stat(self.path).st_ino
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ, "accept")

    def serve(self) -> None:
        while not (self.state.stopping and not self.state.running):
            timeout = None
            if not self.state.running:
                timeout = max(0.0, self.state.last + self.idle - time.monotonic())
                if timeout == 0.0:
                    break
            for key, _ in self.selector.select(timeout):
                kind = key.data
                if kind == "accept":
                    self._accept()
                elif kind == "child":
                    self._ended(key.fd)
                else:
                    self._from_caller(key.fileobj, kind)  # type: ignore[arg-type]

    def close(self) -> None:
        # Only the socket this daemon put there: a newer daemon may have replaced it.
        with contextlib.suppress(OSError):
            if os.stat(self.path).st_ino == self.inode:
                self.path.unlink()
        self.listener.close()

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
        if self.state.stopping or len(fds) != 3:
            for fd in fds:
                os.close(fd)
            connection.close()  # the client runs the command itself
            return
        self.state.last = time.monotonic()
        self.state.served += 1
        keep_closed = [self.listener.fileno(), self.selector_fd(), connection.fileno()]
        keep_closed += [r.pidfd for r in self.state.running.values()]
        keep_closed += [r.connection.fileno() for r in self.state.running.values()]
        pid = os.fork()
        if pid == 0:
            _child(request, fds, keep_closed)
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
        if data.startswith(b"int"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(running.pid, signal.SIGINT)
        elif not data:  # the caller went away: so does its command
            self.selector.unregister(connection)
            with contextlib.suppress(ProcessLookupError):
                os.kill(running.pid, signal.SIGTERM)

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
            self.state.stopping = True
            self.selector.unregister(self.listener)
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
    server.listen()
    try:
        server.serve()
    except SystemExit:
        pass
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
