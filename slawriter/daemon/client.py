"""Hand a command to the running daemon, or say there is none (see ``slawriter.daemon``).

The protocol, over the daemon's Unix socket (both ends are this user's: the folder's mode
keeps others out and the server checks the peer's credentials):

1. the client sends a 4-byte length and the request as a Python literal: ``{"argv": [...],
   "cwd": ..., "env": {...}, "umask": N}`` for a command or ``{"control": "status" |
   "stop"}`` (a literal, not JSON: every string, even an
   environment variable that is not valid UTF-8, comes back exactly, and the client need not
   import json, whose regular expressions cost 9 ms);
2. the daemon answers ``ready`` when it is about to run the command (or JSON, for a
   control), and the client answers ``go`` with its standard input, output and error as file
   descriptors (SCM_RIGHTS): a caller that gave up meanwhile (Ctrl-C, killed, tired of
   waiting for a daemon that does not answer) never has its command run later, and no
   descriptor of its is held by a request the daemon has not taken;
3. while the command runs, the client may send ``int`` (Ctrl-C: the command gets SIGINT and
   stops as it would in the caller's own process), ``tstp`` (Ctrl-Z: the command is stopped
   with the caller) and ``cont`` (fg, bg: it goes on);
4. the daemon answers ``exit N`` when the command has ended.

Anything that goes wrong before ``go`` (no socket, a socket left by a daemon that died, a
daemon on its way out or not answering within READY_WITHIN seconds) returns None: the caller
runs the command itself. After it, a connection closed without ``exit N`` means the daemon
died, and the command with it (its child is ended when the daemon ends).

Only built-in modules are imported here (``_socket``, ``_signal``: ``socket`` and ``signal``
import ``enum``, ~8 ms of a client whose whole run should take ~20 ms).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # no stubs: signal's functions, without enum
import _socket
import os
import sys

from slawriter.daemon import private_dir_problem, runtime_dir, socket_path

TYPE_CHECKING = False  # typing costs 4 ms; mypy reads any TYPE_CHECKING as true
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

MAX_REQUEST = 16 * 1024 * 1024
READY_WITHIN = 5.0  # seconds; a daemon slower than this (stopped, swamped) is not waited for
WAIT_ENV = "SLAWRITER_DAEMON_WAIT"  # another number of seconds
INTERRUPTED = 130  # slawriter.errors.EXIT_INTERRUPTED
LENGTH_BYTES = 4
INTERNAL_ERROR = 70  # slawriter.errors.EXIT_INTERNAL, not imported: see the module


def encode(request: dict[str, Any]) -> bytes:
    body = repr(request).encode("utf-8")
    return len(body).to_bytes(LENGTH_BYTES, "big") + body


def _connect(path: str, timeout: float | None) -> _socket.socket | None:
    if private_dir_problem(os.path.dirname(path)) is not None:
        return None
    client = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(path)
    except OSError:  # no daemon, or a socket file a dead daemon left: run it here
        client.close()
        return None
    return client


def _send(client: _socket.socket, request: dict[str, Any]) -> None:
    client.sendall(encode(request))


def _go(client: _socket.socket) -> None:
    """Tell the daemon to run the command, on this process's standard streams: they are
    passed only now, so a request the daemon never took holds none of them open (a pipe
    whose reader waits for its end)."""
    streams = b"".join(fd.to_bytes(4, sys.byteorder, signed=True) for fd in (0, 1, 2))
    client.sendmsg([b"go\n"], [(_socket.SOL_SOCKET, _socket.SCM_RIGHTS, streams)])


def _answer(client: _socket.socket) -> bytes | None:
    """The daemon's next line, without its newline (None: it closed the connection first)."""
    received = b""
    while not received.endswith(b"\n"):
        chunk = client.recv(1)  # one byte at a time: a line must not swallow the next
        if not chunk:
            return None
        received += chunk
    return received[:-1]


def run(argv: Sequence[str]) -> int | None:
    """Run ``argv`` in the daemon and return its exit code; None when no daemon took it."""
    try:
        cwd = os.getcwd()
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:  # a deleted folder or a closed standard stream: the caller's own run says so
        return None
    client = _connect(socket_path(), timeout=5)
    if client is None:
        return None
    umask = os.umask(0)
    os.umask(umask)
    request = {"argv": list(argv), "cwd": cwd, "env": dict(os.environ), "umask": umask}
    try:
        try:
            _send(client, request)
            client.settimeout(_ready_within())
            ready = _answer(client)
        except OSError:  # refused, gone, or too slow: the command has not run
            return None
        except KeyboardInterrupt:  # Ctrl-C before the command started: as cli says it
            os.write(2, b"slawriter: interrupted\n")
            return INTERRUPTED
        if ready != b"ready":  # a daemon on its way out
            return None
        # From here the command is the daemon's: Ctrl-C and Ctrl-Z go to it, and its exit
        # code is ours.

        def tell(word: bytes) -> None:
            try:  # noqa: SIM105 - contextlib is one more import for one line
                client.send(word + b"\n")
            except OSError:
                pass

        def interrupt(signum: int, frame: object) -> None:
            tell(b"int")

        def suspend(signum: int, frame: object) -> None:
            tell(b"tstp")
            _signal.signal(_signal.SIGTSTP, _signal.SIG_DFL)
            os.kill(os.getpid(), _signal.SIGTSTP)  # stops here until fg or bg
            _signal.signal(_signal.SIGTSTP, suspend)
            tell(b"cont")

        previous = _signal.signal(_signal.SIGINT, interrupt)
        # Only where Ctrl-Z stops a process (a shell's job control), never where it is ignored.
        stoppable = _signal.getsignal(_signal.SIGTSTP) == _signal.SIG_DFL
        if stoppable:
            _signal.signal(_signal.SIGTSTP, suspend)
        went = False
        try:
            client.settimeout(None)
            _go(client)
            went = True
            answer = _answer(client)
        except OSError:
            answer = None
        finally:
            _signal.signal(_signal.SIGINT, previous)
            if stoppable:
                _signal.signal(_signal.SIGTSTP, _signal.SIG_DFL)
    finally:
        client.close()
    if not went:  # the daemon went before it was told to run the command
        return None
    if answer is None or not answer.startswith(b"exit "):
        os.write(
            2,
            b"slawriter: the daemon ended while running the command, which was stopped with "
            b"it; its output may be incomplete. Run it again (SLAWRITER_DAEMON=off runs it "
            b"without the daemon).\n",
        )
        return INTERNAL_ERROR
    return int(answer[5:])


def _ready_within() -> float:
    try:
        chosen = float(os.environ.get(WAIT_ENV, READY_WITHIN))
    except ValueError:
        return READY_WITHIN
    return chosen if 0 < chosen < 3600 else READY_WITHIN


def control(action: str, folder: str | None = None, path: str | None = None) -> bytes | None:
    """Ask the daemon (at ``path``, else this code's in ``folder``) for its status or to stop;
    its JSON answer, or None when none is running."""
    client = _connect(path or socket_path(folder or runtime_dir()), timeout=10)
    if client is None:
        return None
    try:
        _send(client, {"control": action})
        return _answer(client)
    except OSError:
        return None
    finally:
        client.close()
