"""slawriter serve: answer-to-saved round trip and start to first page.

    .venv/bin/python bench/serve.py [ROUNDS]

Starts the real command on a free port, creates a small-business agreement, then posts one
answer at a time as the browser's autosave does (htmx: the form with one field changed) and
times each request until the file on disk holds the answer. Targets: p95 < 100 ms for a
save, < 1.5 s from starting 'slawriter serve' to the first page.
"""

from __future__ import annotations

import re
import signal
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from slawriter.files import roundtrip
from tests.test_serve import form_of, free_port, make_folder, start_server, wait_for


def request(url: str, data: list[tuple[str, str]] | None = None, hx: bool = False) -> str:
    body = urlencode(data).encode() if data is not None else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    if hx:
        headers["HX-Request"] = "true"
    req = urllib.request.Request(url, body, headers)
    with urllib.request.urlopen(req, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def main(rounds: int = 200) -> None:
    folder = make_folder(Path(tempfile.mkdtemp(prefix="bench-serve-")))
    port = free_port()
    started = time.perf_counter()
    server = start_server(folder, port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/")
        first_page = time.perf_counter() - started
        page = request(base + "/")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)
        assert csrf
        request(
            base + "/new", [("csrf", csrf.group(1)), ("customer", "Bench Ltd"), ("profile", "smb")]
        )
        url = f"{base}/a/bench.yaml/s/customer"
        address = "1 High St, Bristol BS1 1AA"
        values = [(k, address if k == "customer.address" else v) for k, v in form_of(request(url))]
        times = []
        for index in range(rounds):
            name = f"Signatory {index}"
            posted = [(k, name if k == "customer.signatory.name" else v) for k, v in values]
            start = time.perf_counter()
            answer = request(url, posted, hx=True)
            times.append(time.perf_counter() - start)
            assert (
                roundtrip.plain(roundtrip.load(folder / "bench.yaml"))["customer"]["signatory"][
                    "name"
                ]
                == name
            )
            version = re.search(r'id="version" value="([^"]+)"', answer)
            assert version, answer[:500]
            values = [(k, version.group(1) if k == "version" else v) for k, v in posted]
        times.sort()
        median = statistics.median(times) * 1000
        p95 = times[int(len(times) * 0.95) - 1] * 1000
        print(
            f"answer to saved, {rounds} saves: median {median:.1f} ms, "
            f"p95 {p95:.1f} ms (target < 100 ms)"
        )
        print(f"serve start to first page: {first_page:.2f} s (target < 1.5 s)")
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=15)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
