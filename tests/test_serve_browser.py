"""slawriter serve in a real browser: Debian's chromium driven by Playwright (no download).

Locally these skip when chromium or Playwright is missing; in CI (.ci/run sets
SLAWRITER_REQUIRE_TOOLS=1) they are mandatory. Each test starts the real command on a free
port and stops it; nothing sleeps: Playwright waits for what the page shows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from slawriter.files import roundtrip
from tests.conftest import ROOT, need_tool
from tests.test_serve import TODAY, free_port, make_folder, start_server, wait_for

pytestmark = pytest.mark.timeout(120)

AXE = ROOT / "tests" / "vendor" / "axe.min.js"
SHOTS = os.environ.get("SLAWRITER_SCREENSHOTS")  # a folder: save the pages as PNG there


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    chromium = need_tool("chromium", "chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("SLAWRITER_REQUIRE_TOOLS"):
            pytest.fail("needs the playwright package (mandatory in CI)")
        pytest.skip("needs the playwright package")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium)
        yield launched
        launched.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    folder = make_folder(tmp_path)
    port = free_port()
    server: subprocess.Popen[str] = start_server(folder, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
        yield f"http://127.0.0.1:{port}", folder
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=15)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"serve-{name}.png"), full_page=False)


def no_serious_violations(page: Any) -> None:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], "\n".join(bad)


def start_new(page: Any, base: str, customer: str = "Corner Shop Ltd") -> None:
    page.goto(base + "/")
    page.get_by_label("Customer's legal name").fill(customer)
    page.get_by_label("Small business (short, plain language)").check()
    page.get_by_role("button", name="Start the agreement").click()
    page.wait_for_url("**/s/customer")


def fill_customer(page: Any) -> None:
    page.get_by_label("Address").fill("1 High St, Bristol BS1 1AA")
    page.get_by_label("Signatory", exact=True).fill("Sam Lee")


def through_the_sections(page: Any) -> None:
    for _ in range(30):
        if page.url.endswith("/review"):
            return
        monitoring = page.locator('[name="monitoring.system"]')
        if monitoring.count():
            monitoring.fill("Datto RMM")
        page.get_by_role("button", name="Save and").click()
        page.wait_for_load_state()
    raise AssertionError("the sections never ended")


def test_a_small_business_deal_from_the_start_page_to_the_downloaded_word_file(
    served: tuple[str, Path], page: Any, tmp_path: Path
) -> None:
    base, folder = served
    start_new(page, base)
    fill_customer(page)
    through_the_sections(page)
    page.get_by_role("heading", name="Review your answers").wait_for()
    assert "Sam Lee" in page.content()
    page.get_by_role("button", name="create the documents").click()
    page.get_by_role("heading", name="Your agreement is ready").wait_for()
    with page.expect_download() as download:
        page.get_by_role("link", name="Word: corner-shop.docx").click()
    saved = tmp_path / "downloaded.docx"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as docx:
        text = docx.read("word/document.xml").decode("utf-8")
    assert "Corner Shop Ltd" in text and "Sam Lee" in text
    assert "incomplete" not in roundtrip.plain(roundtrip.load(folder / "corner-shop.yaml"))


def test_changing_an_answer_from_the_review_asks_the_dependent_question(
    served: tuple[str, Path], page: Any
) -> None:
    base, _folder = served
    start_new(page, base)
    fill_customer(page)
    through_the_sections(page)
    page.get_by_role("link", name="Change Out-of-hours support").click()
    page.wait_for_url("**/s/hours#q-out_of_hours-available")
    assert page.locator('[name="out_of_hours.rate"]').count() == 0
    page.locator("#q-out_of_hours-available-yes").check()
    # Saved at once (htmx); the questions that now apply are asked.
    page.locator('[name="out_of_hours.rate"]').wait_for()
    page.locator('[name="out_of_hours.calendar"]').wait_for()


def test_close_the_tab_mid_way_and_carry_on_in_the_terminal(
    served: tuple[str, Path], page: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from slawriter.cli import build_parser
    from slawriter.commands.new import exit_code, request
    from slawriter.errors import EXIT_OK
    from slawriter.pipeline.session import Session
    from tests.test_wizard import ENTER, keys, terminal

    base, folder = served
    start_new(page, base)
    page.get_by_label("Address").fill("1 High St, Bristol BS1 1AA")
    page.get_by_label("Address").press("Tab")  # leaving the field saves it
    page.locator("#status", has_text="Saved.").wait_for()
    page.close()
    path = folder / "corner-shop.yaml"
    assert roundtrip.plain(roundtrip.load(path))["customer"]["address"] == [
        "1 High St",
        "Bristol BS1 1AA",
    ]

    monkeypatch.chdir(folder)
    args = build_parser().parse_args(
        [
            "new",
            "--resume",
            "corner-shop.yaml",
            "--provider",
            "provider.yaml",
            "--data",
            "monitoring.system=Datto RMM",
        ]
    )
    prompter, stream = terminal()
    session = Session(request(args), prompter, TODAY, prompter.console)
    codes: list[int] = []

    def in_the_terminal() -> None:
        # The name and address are not asked again: the first prompt is the signatory.
        # (A thread of its own: Playwright's event loop runs in this one.)
        with keys("Sam Lee" + ENTER * 200):
            codes.append(exit_code(session.run()))

    worker = threading.Thread(target=in_the_terminal)
    worker.start()
    worker.join(timeout=60)
    assert codes == [EXIT_OK], stream.getvalue()[-2000:]
    assert "Your agreement is ready." in stream.getvalue()
    final = roundtrip.plain(roundtrip.load(path))
    assert final["customer"]["signatory"]["name"] == "Sam Lee"
    assert (folder / "out" / "corner-shop.docx").is_file()


def test_a_second_tabs_stale_save_is_refused(
    served: tuple[str, Path], browser: Any, page: Any
) -> None:
    base, folder = served
    start_new(page, base)
    other = page.context.new_page()
    other.goto(page.url)
    page.get_by_label("Signatory", exact=True).fill("Sam Lee")
    page.get_by_label("Signatory", exact=True).press("Tab")
    page.locator("#status", has_text="Saved.").wait_for()
    other.get_by_label("Signatory's title").fill("Owner")
    other.get_by_label("Signatory's title").press("Tab")
    other.get_by_text("Not saved: this agreement was changed").wait_for()
    assert "Signatory: (none) → Sam Lee" in other.content()
    data = roundtrip.plain(roundtrip.load(folder / "corner-shop.yaml"))
    assert data["customer"]["signatory"]["name"] == "Sam Lee"
    assert data["customer"]["signatory"].get("title") != "Owner"


def test_one_section_completed_with_the_keyboard_only(served: tuple[str, Path], page: Any) -> None:
    base, folder = served
    start_new(page, base)

    def focus(name: str) -> None:
        for _ in range(40):
            if page.evaluate("document.activeElement && document.activeElement.name") == name:
                return
            page.keyboard.press("Tab")
        raise AssertionError(f"Tab never reached {name}")

    focus("customer.address")
    page.keyboard.type("1 High St, Bristol BS1 1AA")
    focus("customer.signatory.name")
    page.keyboard.type("Sam Lee")
    for _ in range(40):
        if page.evaluate("document.activeElement.textContent") == "Save and continue":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/s/agreement")
    data = roundtrip.plain(roundtrip.load(folder / "corner-shop.yaml"))
    assert data["customer"]["signatory"]["name"] == "Sam Lee"
    assert data["customer"]["address"] == ["1 High St", "Bristol BS1 1AA"]


def test_no_serious_accessibility_violation_on_any_page_type(
    served: tuple[str, Path], page: Any
) -> None:
    base, _folder = served
    start_new(page, base)
    page.goto(base + "/")
    no_serious_violations(page)
    shot(page, "start")
    page.goto(base + "/a/corner-shop.yaml/s/customer")
    fill_customer(page)
    through_the_sections(page)
    page.goto(base + "/a/corner-shop.yaml/s/targets")
    page.locator('[name="priorities.P1.response"]').fill("10h")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Cannot keep").first.wait_for()
    no_serious_violations(page)
    shot(page, "section-with-finding")
    typed = page.locator('[name="priorities.P2.calendar~hours"]')
    assert not typed.is_visible()  # shown once "Other hours" is chosen
    page.locator('[name="priorities.P2.calendar"]').select_option("__typed_hours__")
    typed.wait_for(state="visible")
    page.get_by_text("Type the weekly hours below the choice").wait_for()
    page.goto(base + "/a/corner-shop.yaml/s/services")
    no_serious_violations(page)  # a repeating group
    page.goto(base + "/provider/s/team")
    no_serious_violations(page)  # your company's details
    shot(page, "provider")
    page.goto(base + "/a/corner-shop.yaml/review")
    no_serious_violations(page)
    shot(page, "review")
    for accepted in range(1, 6):
        reasons = page.locator("textarea[name=reason]")
        if not reasons.count():
            break
        reasons.first.fill("The customer accepts a slower first response; agreed by the director")
        page.get_by_role("button", name="Accept the risk").first.click()
        page.get_by_text("Risk accepted").nth(accepted - 1).wait_for()
    page.get_by_role("button", name="create the documents").click()
    page.get_by_role("heading", name="Your agreement is ready").wait_for()
    no_serious_violations(page)
    shot(page, "finish")
