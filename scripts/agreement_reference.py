"""Write docs/agreement-file.md, the field reference, from the models themselves.

The reference cannot drift from the code: tests/test_docs_and_packaging.py fails when the
committed file differs from what this script produces. Run `make docs` after changing a model.
The text comes from slawriter/library/reference.py (`slawriter schema --docs` prints it).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slawriter.library.reference import reference  # noqa: E402

__all__ = ["main", "reference"]


def main() -> int:
    target = ROOT / "docs" / "agreement-file.md"
    target.write_text(reference(), "utf-8")
    print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
