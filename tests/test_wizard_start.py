"""`slawriter new` shows its first question before the heavy modules load (speed), and the
question is the same: each profile's description, as the validated profile gives it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from slawriter.library import Library, builtin_library_root

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

_FIRST_QUESTION = """
import json, sys
from datetime import date
from slawriter.pipeline.session import Request, Session

class FirstQuestion:
    def note(self, text, style=""):
        pass

    def select(self, message, choices, default):
        print(json.dumps({
            "message": message,
            "choices": choices,
            "default": default,
            "loaded": sorted(m for m in ("pydantic", "holidays", "docx", "jinja2", "babel")
                             if m in sys.modules),
        }))
        raise KeyboardInterrupt

Session(Request(), FirstQuestion(), date(2027, 1, 4)).run()
"""


def test_first_question_before_models_load(tmp_path: Path) -> None:
    (tmp_path / "provider.yaml").write_text(
        (EXAMPLES / "provider.yaml").read_text("utf-8").replace("logo:", "# logo:"), "utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_QUESTION],
        cwd=tmp_path,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=50,
        check=True,
    )
    asked = json.loads(done.stdout.splitlines()[0])
    assert asked["message"] == "Which kind of agreement?"
    assert asked["loaded"] == []
    library = Library(builtin_library_root())
    names = sorted(p.stem for p in library.profiles_dir.glob("*.yaml"))
    assert [tuple(choice) for choice in asked["choices"]] == [
        (name, f"{name}: {library.profile(name).description}") for name in names
    ]
    assert asked["default"] == "standard"
