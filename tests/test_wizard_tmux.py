"""One end-to-end run of the installed `slawriter new` in a real terminal (tmux).

A private tmux server (its own socket, no user configuration) runs the wizard in a 120x40
window; the test reads the screen with capture-pane, polling every POLL seconds against a
deadline (a capture costs a tmux process: a tight loop would compete with the wizard for the
CPU), and answers like a person would: the customer's identity, one refused answer, and Enter
for every default.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from tests.conftest import EXAMPLES, ROOT, need_tool

DEADLINE = 20.0  # seconds for any one screen to appear
POLL = 0.05  # seconds between two captures of the screen

T = TypeVar("T")


def poll(probe: Callable[[], T | None], what: str, screen: Screen) -> T:
    """``probe()``'s first answer that is not None, asked every POLL seconds until DEADLINE."""
    end = time.monotonic() + DEADLINE
    while True:
        found = probe()
        if found is not None:
            return found
        if time.monotonic() >= end:
            raise AssertionError(
                f"timed out waiting for {what}; the screen shows:\n{screen.text()}"
            )
        time.sleep(POLL)


class Screen:
    def __init__(self, tmux: str, socket: str) -> None:
        self.base = [tmux, "-L", socket, "-f", "/dev/null"]

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            [*self.base, *args], capture_output=True, text=True, timeout=10, check=False
        )
        return result.stdout

    def text(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "wizard")

    def send(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "wizard", *keys)

    def wait(self, ready: Callable[[str], bool], what: str) -> str:
        def probe() -> str | None:
            screen = self.text()
            return screen if ready(screen) else None

        return poll(probe, what, self)

    def wait_for(self, text: str) -> str:
        return self.wait(lambda screen: text in screen, repr(text))

    def questions_asked(self) -> int:
        history = self.tmux("capture-pane", "-p", "-S", "-", "-t", "wizard")
        return sum(1 for line in history.splitlines() if line.startswith("? "))

    def next_question(self, asked: int) -> str:
        """The screen once a new question is on it, waiting for keys (the cursor is on it)."""

        def probe() -> str | None:
            history = self.tmux("capture-pane", "-p", "-S", "-", "-t", "wizard")
            # Read after the capture: a question on the captured screen is still waiting.
            row = int(self.tmux("display", "-p", "-t", "wizard", "#{cursor_y}").strip() or 0)
            questions = sum(1 for line in history.splitlines() if line.startswith("? "))
            visible = self.text()
            rows = [i for i, line in enumerate(visible.splitlines()) if line.startswith("? ")]
            return visible if questions > asked and rows and rows[-1] <= row else None

        return poll(probe, "the next question", self)


def _last_line(screen: str) -> str:
    lines = screen.rstrip().splitlines()
    return lines[-1] if lines else ""


@pytest.mark.timeout(120)
def test_installed_wizard_in_a_real_terminal(tmp_path: Path) -> None:
    tmux = need_tool("tmux")
    program = ROOT / ".venv" / "bin" / "slawriter"
    command = str(program) if program.exists() else f"{sys.executable} -m slawriter"
    provider = (EXAMPLES / "provider.yaml").read_text("utf-8").replace("logo:", "# logo:")
    (tmp_path / "provider.yaml").write_text(provider, "utf-8")
    socket = f"slawriter-test-{os.getpid()}"
    screen = Screen(tmux, socket)
    shell = (
        f"cd {tmp_path} && HOME={tmp_path} {command} new --profile smb --out shop.yaml; "
        "echo WIZARD-EXIT=$?; read finished"
    )
    screen.tmux("new-session", "-d", "-s", "wizard", "-x", "120", "-y", "40", shell)
    try:
        screen.wait_for("Customer's legal name")
        screen.send("Corner Shop & Co Ltd", "Enter")
        screen.wait_for("Company registration number")
        screen.send("Enter")
        screen.wait_for("Registered address")
        screen.send("1 High Street", "Enter")
        screen.wait_for("(leave empty to finish)")
        screen.send("Bristol BS1 1AA", "Enter")
        screen.wait_for("Address: line 3")
        screen.send("Enter")
        current = screen.wait_for("Who signs for the customer?")
        screen.send("Sam Lee", "Enter")
        refused = False
        while "What next?" not in current:
            if not refused and "P1 (urgent): respond within" in _last_line(current):
                screen.send("1 day", "Enter")
                screen.wait_for("is ambiguous")  # explained on the spot, asked again
                screen.send("C-u")
                refused = True
            asked = screen.questions_asked()
            if "Monitoring system" in _last_line(current):
                # The profile's stand-in names no system, and check refuses it.
                screen.send("C-u")
                screen.send("Datto RMM")
            screen.send("Enter")
            current = screen.next_question(asked)
        assert refused, "the P1 response question was never shown"
        screen.wait_for("Everything is right: create the documents")
        screen.send("Enter")
        final = screen.wait_for("WIZARD-EXIT=")
        assert "WIZARD-EXIT=0" in final, final
        assert "Your agreement is ready." in final
        assert "out/shop.docx" in final and "out/shop.md" in final
    finally:
        screen.tmux("kill-server")
    assert (tmp_path / "out" / "shop.docx").stat().st_size > 10_000
    markdown = (tmp_path / "out" / "shop.md").read_text("utf-8")
    assert "Corner Shop & Co Ltd" in markdown and "Sam Lee" in markdown
    agreement = (tmp_path / "shop.yaml").read_text("utf-8")
    assert "incomplete" not in agreement
    assert "response: 1h" in agreement  # the refused '1 day' never reached the file
