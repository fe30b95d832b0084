"""slawriter daemon: a command run by the daemon gives what it gives without one.

A real daemon (``slawriter daemon start``) in a private folder of the test's own; the same
commands are run with SLAWRITER_DAEMON=off (in the caller's process) and =require (by the
daemon, or exit 2), and their files, standard output, standard error and exit codes compared.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from slawriter import daemon
from slawriter.library import Library, files_stamp, keep_libraries
from tests.conftest import EXAMPLES, copy_examples, need_tool

pytestmark = pytest.mark.timeout(120)


def _slawriter(
    env: dict[str, str], *args: str, cwd: Path, stdin: str | None = None, use: str = "require"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slawriter", *args],
        cwd=cwd,
        env={**env, "SLAWRITER_DAEMON": use},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=90,
    )


def _status(env: dict[str, str], cwd: Path) -> dict[str, object]:
    done = _slawriter(env, "daemon", "status", "--json", cwd=cwd, use="off")
    found: dict[str, object] = json.loads(done.stdout)
    return found


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A private folder with a short path: a Unix socket's path may have 107 bytes at most,
    and pytest's temporary folders come near it."""
    folder = Path(tempfile.mkdtemp(prefix="swd-"))  # mode 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def running() -> Iterator[dict[str, str]]:
    folder = Path(tempfile.mkdtemp(prefix="swd-"))
    env = {**os.environ, "SLAWRITER_DAEMON_DIR": str(folder)}
    started = _slawriter(env, "daemon", "start", "--idle", "10", cwd=folder, use="off")
    assert started.returncode == 0, started.stderr
    assert started.stdout.startswith("Started the slawriter daemon (pid ")
    try:
        yield env
    finally:
        _slawriter(env, "daemon", "stop", cwd=folder, use="off")
        shutil.rmtree(folder, ignore_errors=True)


def _both(
    env: dict[str, str], *args: str, cwd: Path, stdin: str | None = None
) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    here = _slawriter(env, *args, cwd=cwd, stdin=stdin, use="off")
    there = _slawriter(env, *args, cwd=cwd, stdin=stdin, use="require")
    return here, there


def test_a_render_by_the_daemon_is_the_same_bytes(running: dict[str, str], tmp_path: Path) -> None:
    copy_examples(tmp_path, "acme-standard.yaml")
    served = int(_status(running, tmp_path)["served"])  # type: ignore[call-overload]
    render = ["render", "acme-standard.yaml", "--format", "docx,md", "--out"]
    here = _slawriter(running, *render, "here", cwd=tmp_path, use="off")
    there = _slawriter(running, *render, "there", cwd=tmp_path)
    assert (there.returncode, there.stderr) == (here.returncode, here.stderr)
    assert there.stdout == here.stdout.replace("here/", "there/")
    for name in ("acme-standard.docx", "acme-standard.md"):
        assert (tmp_path / "there" / name).read_bytes() == (tmp_path / "here" / name).read_bytes()
    assert _status(running, tmp_path)["served"] == served + 1
    for name in ("acme-2027-01-tickets.csv", "acme-2027-01-outages.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    report = [
        "report",
        "acme-standard.yaml",
        "--tickets",
        "acme-2027-01-tickets.csv",
        "--outages",
        "acme-2027-01-outages.csv",
        "--period",
        "2027-01",
        "--format",
        "md",
    ]
    here = _slawriter(running, *report, "--out", "r-here", cwd=tmp_path, use="off")
    there = _slawriter(running, *report, "--out", "r-there", cwd=tmp_path)
    assert (there.returncode, there.stderr) == (here.returncode, here.stderr)
    assert there.stdout == here.stdout.replace("r-here", "r-there")
    (written,) = (tmp_path / "r-here").glob("*.md")
    assert (tmp_path / "r-there" / written.name).read_bytes() == written.read_bytes()


def test_errors_exit_codes_and_json_are_the_same(running: dict[str, str], tmp_path: Path) -> None:
    copy_examples(tmp_path, "acme-standard.yaml", "corner-shop-smb.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        (EXAMPLES / "acme-standard.yaml").read_text("utf-8").replace("P1", "P 1", 1), "utf-8"
    )
    for args in (
        ("validate", "broken.yaml"),
        ("validate", "--json", "broken.yaml"),
        ("check", "acme-standard.yaml"),
        ("check", "corner-shop-smb.yaml"),
        ("render", "missing.yaml"),
        ("render", "--format", "rtf", "acme-standard.yaml"),
        ("--help",),
        ("clock", "--help"),
    ):
        here, there = _both(running, *args, cwd=tmp_path)
        assert (there.returncode, there.stdout, there.stderr) == (
            here.returncode,
            here.stdout,
            here.stderr,
        ), args
    assert _both(running, "validate", "broken.yaml", cwd=tmp_path)[1].returncode == 2


def test_standard_input_folder_and_environment_are_the_callers(
    running: dict[str, str], tmp_path: Path
) -> None:
    copy_examples(tmp_path, "acme-standard.yaml")
    inner = tmp_path / "inner"
    inner.mkdir()
    text = (tmp_path / "acme-standard.yaml").read_text("utf-8")
    text = text.replace("provider: provider.yaml", "provider: ../provider.yaml")
    here, there = _both(running, "render", "-", "--out", "-", cwd=inner, stdin=text)
    assert here.returncode == 0, here.stderr
    assert (there.returncode, there.stdout, there.stderr) == (
        here.returncode,
        here.stdout,
        here.stderr,
    )
    assert "Service Level Agreement" in there.stdout
    # The caller's environment: a library named by SLAWRITER_LIBRARY that is not one.
    elsewhere = {**running, "SLAWRITER_LIBRARY": str(tmp_path / "nowhere")}
    here, there = _both(elsewhere, "validate", str(tmp_path / "acme-standard.yaml"), cwd=inner)
    assert there.returncode == here.returncode == 2
    assert there.stderr == here.stderr
    assert "is not a slawriter library" in there.stderr


def _waiting_command(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """'validate -' run by the daemon, once it runs: it waits for standard input, so it is
    running until it is interrupted or ended."""
    busy = int(_status(env, cwd)["running"])  # type: ignore[call-overload]
    client = subprocess.Popen(
        [sys.executable, "-m", "slawriter", "validate", "-"],
        cwd=cwd,
        env={**env, "SLAWRITER_DAEMON": "require"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while int(_status(env, cwd)["running"]) == busy:  # type: ignore[call-overload]
        if time.monotonic() > deadline:
            client.kill()
            raise AssertionError("the daemon never started the command")
    return client


def test_ctrl_c_stops_the_command_the_daemon_runs(running: dict[str, str], tmp_path: Path) -> None:
    client = _waiting_command(running, tmp_path)
    try:
        client.send_signal(signal.SIGINT)
        _, err = client.communicate(timeout=60)
    finally:
        client.kill()
    assert client.returncode == 130
    assert err.endswith("slawriter: interrupted\n")


def test_new_and_serve_never_go_to_the_daemon(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir(mode=0o700)
    env = {**os.environ, "SLAWRITER_DAEMON_DIR": str(folder)}
    assert _slawriter(env, "new", "--help", cwd=tmp_path).returncode == 0
    assert _slawriter(env, "serve", "--help", cwd=tmp_path).returncode == 0
    refused = _slawriter(env, "validate", str(EXAMPLES / "acme-standard.yaml"), cwd=tmp_path)
    assert refused.returncode == 2
    assert (
        "SLAWRITER_DAEMON=require, and the daemon cannot run this: no daemon is running"
        in refused.stderr
    )
    # Without 'require', no daemon means the command runs in the caller's process.
    cold = _slawriter(env, "validate", str(EXAMPLES / "acme-standard.yaml"), cwd=tmp_path, use="")
    assert cold.returncode == 0
    assert "valid" in cold.stdout


def test_a_folder_others_can_enter_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o755)
    env = {**os.environ, "SLAWRITER_DAEMON_DIR": str(folder)}
    done = _slawriter(env, "daemon", "start", cwd=tmp_path, use="off")
    assert done.returncode == 2
    assert "can be entered by other users (mode 755; 700 needed)" in done.stderr
    assert not list(folder.iterdir())
    # A socket there is never used: the client runs the command itself.
    assert daemon.private_dir_problem(str(folder)) is not None


def test_status_and_stop(tmp_path: Path, short_dir: Path) -> None:
    folder = short_dir
    env = {**os.environ, "SLAWRITER_DAEMON_DIR": str(folder)}
    none = _slawriter(env, "daemon", "status", cwd=tmp_path, use="off")
    assert none.returncode == 1
    assert none.stdout.startswith("No slawriter daemon is running for this slawriter")
    assert (
        _slawriter(env, "daemon", "start", "--idle", "5", cwd=tmp_path, use="off").returncode == 0
    )
    again = _slawriter(env, "daemon", "start", cwd=tmp_path, use="off")
    assert again.stdout.startswith("The slawriter daemon is already running (pid ")
    status = _slawriter(env, "daemon", "status", cwd=tmp_path, use="off")
    assert status.returncode == 0
    assert "The slawriter daemon is running: pid " in status.stdout
    assert "0 commands run, stops after 5 minutes without one" in status.stdout
    stopped = _slawriter(env, "daemon", "stop", cwd=tmp_path, use="off")
    assert stopped.stdout.startswith("Stopped the slawriter daemon (pid ")
    assert _slawriter(env, "daemon", "status", cwd=tmp_path, use="off").returncode == 1
    assert not list(folder.glob("*.sock"))


def test_the_fingerprint_follows_the_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "slawriter"
    (package / "__pycache__").mkdir(parents=True)
    module = package / "cli.py"
    module.write_text("x = 1\n")
    monkeypatch.setattr(daemon, "PACKAGE", str(package))
    first = daemon.fingerprint()
    (package / "__pycache__" / "cli.cpython.pyc").write_bytes(b"compiled")
    assert daemon.fingerprint() == first  # compiled files follow the sources
    module.write_text("x = 2\n")
    os.utime(module, ns=(1, 1))
    assert daemon.fingerprint() != first
    assert daemon.socket_path("/run/x", "abc") == "/run/x/daemon-abc.sock"


def test_a_kept_library_is_handed_out_only_while_its_files_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import slawriter.library

    monkeypatch.setattr(slawriter.library, "_KEPT", {})
    root = tmp_path / "library"
    for part in ("clauses", "profiles", "templates"):
        shutil.copytree(EXAMPLES.parent / part, root / part)
    library = Library(root)
    assert library.clauses  # parsed once
    keep_libraries([library])
    assert Library.reused(root) is library
    stamp = files_stamp(root)
    clause = next((root / "clauses").glob("*.md"))
    clause.write_text(clause.read_text("utf-8") + "\n", "utf-8")
    assert files_stamp(root) != stamp
    assert Library.reused(root) is not library
    # An edit that puts the modification time back (cp -p, touch -r) is seen too.
    keep_libraries([library])
    before = clause.stat()
    clause.write_text(clause.read_text("utf-8").replace("\n", "\r\n", 1)[:-1], "utf-8")
    os.utime(clause, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert Library.reused(root) is not library
    assert Library.reused(tmp_path / "elsewhere").root == tmp_path / "elsewhere"


def test_a_command_ends_with_its_daemon(tmp_path: Path, short_dir: Path) -> None:
    folder = short_dir
    env = {**os.environ, "SLAWRITER_DAEMON_DIR": str(folder)}
    assert (
        _slawriter(env, "daemon", "start", "--idle", "5", cwd=tmp_path, use="off").returncode == 0
    )
    pid = int(_status(env, tmp_path)["pid"])  # type: ignore[call-overload]
    client = _waiting_command(env, tmp_path)
    try:
        os.kill(pid, signal.SIGKILL)
        # The child holds the caller's standard output: it reaches its end only when the
        # command has ended too.
        _, err = client.communicate(timeout=60)
    finally:
        client.kill()
    assert client.returncode == 70
    assert "the daemon ended while running the command, which was stopped with it" in err


def test_another_interpreter_setting_runs_without_the_daemon(
    running: dict[str, str], tmp_path: Path
) -> None:
    other = {**running, "PYTHONWARNINGS": "ignore"}
    done = _slawriter(other, "validate", str(EXAMPLES / "acme-standard.yaml"), cwd=tmp_path)
    assert done.returncode == 2
    assert "no daemon is running for this slawriter and this environment" in done.stderr
    assert (
        _slawriter(
            other, "validate", str(EXAMPLES / "acme-standard.yaml"), cwd=tmp_path, use=""
        ).returncode
        == 0
    )


@pytest.mark.parametrize(
    ("folder", "idle", "message"),
    [
        ("relative/run", "5", "SLAWRITER_DAEMON_DIR=relative/run: expected an absolute path"),
        (None, "nan", "--idle nan: expected a number of minutes above 0, at most 525,600"),
        (None, "inf", "--idle inf: expected a number of minutes above 0"),
        ("x" * 120, "5", "over the 107 a Unix socket may have"),
    ],
)
def test_start_refuses_what_cannot_work(
    tmp_path: Path, folder: str | None, idle: str, message: str
) -> None:
    place = str(tmp_path / "run") if folder is None else folder
    if folder is not None and folder.startswith("x"):
        place = str(tmp_path / folder)
    env = {**os.environ, "SLAWRITER_DAEMON_DIR": place}
    done = _slawriter(env, "daemon", "start", "--idle", idle, cwd=tmp_path, use="off")
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_command_given_up_on_never_runs_later(tmp_path: Path, short_dir: Path) -> None:
    env = {**os.environ, "SLAWRITER_DAEMON_DIR": str(short_dir)}
    assert (
        _slawriter(env, "daemon", "start", "--idle", "5", cwd=tmp_path, use="off").returncode == 0
    )
    pid = int(_status(env, tmp_path)["pid"])  # type: ignore[call-overload]
    os.kill(pid, signal.SIGSTOP)  # a daemon that does not answer (stopped, swamped)
    try:
        # Not answered within SLAWRITER_DAEMON_WAIT seconds (5 by default): the command runs
        # in the caller's process.
        waiting = {**env, "SLAWRITER_DAEMON_WAIT": "0.5"}
        done = _slawriter(
            waiting, "validate", str(EXAMPLES / "acme-standard.yaml"), cwd=tmp_path, use=""
        )
    finally:
        os.kill(pid, signal.SIGCONT)
    assert done.returncode == 0
    assert "valid" in done.stdout
    status = _status(env, tmp_path)  # answered once the daemon goes on
    assert (status["served"], status["running"]) == (0, 0)  # the request was dropped, not run
    _slawriter(env, "daemon", "stop", cwd=tmp_path, use="off")


def test_stop_all_removes_sockets_no_daemon_of_this_version_answers(
    tmp_path: Path, short_dir: Path
) -> None:
    import socket

    env = {**os.environ, "SLAWRITER_DAEMON_DIR": str(short_dir)}
    # A socket left by a daemon that died, and one kept by a daemon that speaks otherwise.
    dead = short_dir / "daemon-0000000000000000.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as gone:
        gone.bind(str(dead))
    other = short_dir / "daemon-1111111111111111.sock"

    def answer_otherwise(listening: socket.socket) -> None:
        caller, _ = listening.accept()
        with caller:
            caller.recv(65536)
            caller.sendall(b"EXIT 0 in another protocol\n")

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listening:
        listening.bind(str(other))
        listening.listen(1)
        listening.settimeout(60)
        answering = threading.Thread(target=answer_otherwise, args=(listening,))
        answering.start()
        done = _slawriter(env, "daemon", "stop", "--all", cwd=tmp_path, use="off")
        answering.join(timeout=60)
    assert done.returncode == 0
    assert done.stdout.count("no daemon of this slawriter answered there") == 2
    assert not dead.exists() and not other.exists()
    again = _slawriter(env, "daemon", "stop", "--all", cwd=tmp_path, use="off")
    assert again.stdout == "No slawriter daemon is running.\n"


def test_temporary_files_go_to_the_callers_tmpdir(running: dict[str, str], tmp_path: Path) -> None:
    """The daemon chose its own temporary folder when it started: a command it runs uses the
    caller's TMPDIR, as the same command run alone does (here: a PDF's LibreOffice lock)."""
    need_tool("soffice")
    copy_examples(tmp_path, "acme-standard.yaml")
    mine = tmp_path / "my-tmp"
    mine.mkdir()
    env = {**running, "TMPDIR": str(mine)}
    made = _slawriter(env, "render", "acme-standard.yaml", "--format", "pdf", "--out", "out",
                      cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "out" / "acme-standard.pdf").exists()
    assert (mine / f"slawriter-soffice-{os.getuid()}.lock").exists()
