"""slawriter serve through Starlette's test client: every route, and every refusal.

The browser's pages use the wizard's own questions, handlers and session; these tests read
what a salesperson would see (the page's text and fields) and what lands in the file.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from slawriter.files import roundtrip
from slawriter.model.agreement import Agreement
from slawriter.web.app import Settings, create_app
from slawriter.web.server import settings_for
from slawriter.wizard.handlers import validator
from slawriter.wizard.questions import Question
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.timeout(60)

TODAY = date(2026, 11, 16)
BASE = "http://127.0.0.1:8765"
FORM = {"content-type": "application/x-www-form-urlencoded"}
# The names the documents are tested with (examples/special-characters.yaml), and a script.
HOSTILE = "Smith & Sons <Holdings> \"Star\" 'Quote' *Star*_Co_ | Ωμέγα Λτδ 株式会社"
SCRIPT = "<script>alert('x')</script> & Co"


def make_folder(folder: Path) -> Path:
    provider = (EXAMPLES / "provider.yaml").read_text("utf-8").replace("logo:", "# logo:")
    (folder / "provider.yaml").write_text(provider, "utf-8")
    return folder


def client(folder: Path, **kwargs: Any) -> TestClient:
    settings = Settings(folder=folder, provider=folder / "provider.yaml", today=TODAY, **kwargs)
    return TestClient(create_app(settings), base_url=BASE)


class _Form(HTMLParser):
    """The fields of one form as a browser would post them (checked boxes, chosen options)."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, []  # type: ignore[var-annotated]
        self.select: str | None = None
        self.first: tuple[str, str] | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and (self.form_id is None or a.get("id") == self.form_id):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and "name" in a:
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.first = a["name"], None
        elif tag == "option" and self.select:
            if self.first is None:
                self.first = (self.select, a.get("value", ""))
            if "selected" in a:
                self.values.append((self.select, a.get("value", "")))
                self.select = None
        elif tag == "textarea":
            self.textarea, self.text = a["name"], ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None and self.first is not None:
            self.values.append(self.first)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.values.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


def form_of(html: str, form_id: str | None = "answers") -> list[tuple[str, str]]:
    parser = _Form(form_id)
    parser.feed(html)
    return list(parser.values)


def post(c: TestClient, url: str, values: list[tuple[str, str]], **kwargs: Any) -> Any:
    return c.post(
        url,
        content=urlencode(values),
        headers={**FORM, **kwargs.pop("headers", {})},
        follow_redirects=False,
        **kwargs,
    )


def answer(c: TestClient, url: str, changes: dict[str, Any], action: str = "save") -> Any:
    """Load a section page, change some fields, post it as the browser would."""
    values = form_of(c.get(url).text)
    out = []
    for name, value in values:
        if name in changes:
            if name in [n for n, _ in out]:
                continue
            change = changes[name]
            out += [(name, v) for v in (change if isinstance(change, list) else [change])]
        else:
            out.append((name, value))
    return post(c, url, [*out, ("action", action)])


def csrf(c: TestClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert found
    return found.group(1)


def new_agreement(c: TestClient, customer: str = "Corner Shop Ltd", profile: str = "smb") -> str:
    response = post(c, "/new", [("csrf", csrf(c)), ("customer", customer), ("profile", profile)])
    assert response.status_code == 303
    return str(response.headers["location"]).split("/")[2]


def draft_all(c: TestClient, name: str, extra: dict[str, Any] | None = None) -> None:
    """Every section saved with its defaults and the answers no default gives."""
    wanted = {
        "customer.address": "1 High St, Bristol BS1 1AA",
        "customer.signatory.name": "Sam Lee",
        # no default title when neither the entity type nor the name says what it is
        "customer.signatory.title": "Director",
        "monitoring.system": "Datto RMM",
        **(extra or {}),
    }
    url = f"/a/{name}/s/customer"
    for _ in range(30):
        response = answer(c, url, wanted, action="next")
        assert response.status_code == 303, re.findall(r'class="error"[^>]*>([^<]*)', response.text)
        url = str(response.headers["location"])
        if url.endswith("/review"):
            return
    raise AssertionError("the sections never ended")


def saved(folder: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = roundtrip.plain(roundtrip.load(folder / name))
    return data


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_folder(tmp_path)


# --- the start page --------------------------------------------------------------------------


def test_start_page_lists_finished_and_unfinished_files_with_what_remains(folder: Path) -> None:
    shutil.copy(EXAMPLES / "special-characters.yaml", folder / "special.yaml")
    (folder / "special.yaml").write_text(
        (folder / "special.yaml")
        .read_text("utf-8")
        .replace("provider: provider.yaml", "provider: provider.yaml"),
        "utf-8",
    )
    c = client(folder)
    name = new_agreement(c, "Corner Shop Ltd")
    page = c.get("/").text
    assert "corner-shop.yaml" in page and "special.yaml" in page
    assert re.search(r"Unfinished</span>: \d+ answers? to go", page)
    assert "Finished" in page
    assert "provider.yaml</td>" not in page  # the provider file is not an agreement
    assert name == "corner-shop.yaml"
    # The hostile name is shown as text, never as markup.
    assert "Smith &amp; Sons &lt;Holdings&gt;" in page and "<Holdings>" not in page


def test_new_agreement_is_saved_at_once_as_incomplete(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c, SCRIPT)
    data = saved(folder, name)
    assert data["incomplete"] is True and data["profile"] == "smb"
    assert data["customer"]["name"] == SCRIPT
    page = c.get(f"/a/{name}/s/customer").text
    assert "<script>alert" not in page
    assert 'value="&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"' in page


def test_new_without_a_name_is_refused(folder: Path) -> None:
    c = client(folder)
    response = post(c, "/new", [("csrf", csrf(c)), ("customer", " "), ("profile", "smb")])
    assert response.status_code == 422
    assert "Give the customer&#39;s legal name" in response.text


# --- a section ---------------------------------------------------------------------------------


def test_each_answer_is_saved_and_a_bad_one_gets_the_validate_message(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/targets"
    response = answer(c, url, {"priorities.P1.response": "half an hour"})
    assert response.status_code == 422
    question = Question(key="priorities.P1.response", prompt="P1", type="duration")
    expected = validator(question, Agreement, "priorities.P1.response", False)("half an hour")
    assert expected and expected.replace("'", "&#39;") in response.text
    assert "priorities" not in saved(folder, name) or "response" not in saved(folder, name)[
        "priorities"
    ].get("P1", {})
    response = answer(c, url, {"priorities.P1.response": "45m"})
    assert response.status_code == 303
    assert saved(folder, name)["priorities"]["P1"]["response"] == "45m"
    assert saved(folder, name)["incomplete"] is True


def test_a_conditional_question_appears_when_its_condition_holds(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/hours"
    assert 'name="out_of_hours.rate"' not in c.get(url).text
    response = answer(c, url, {"out_of_hours.available": "yes"})
    assert response.status_code == 303
    page = c.get(url).text
    assert 'name="out_of_hours.rate"' in page and 'name="out_of_hours.calendar"' in page
    answer(c, url, {"out_of_hours.available": "no"})
    assert 'name="out_of_hours.rate"' not in c.get(url).text
    assert saved(folder, name)["out_of_hours"]["available"] is False


def test_htmx_save_returns_the_form_and_asks_the_findings_to_refresh(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/hours"
    values = [*form_of(c.get(url).text)]
    values = [(k, "yes" if k == "out_of_hours.available" else v) for k, v in values]
    response = post(c, url, values, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert (
        response.text.lstrip().startswith("<form") and 'name="out_of_hours.rate"' in response.text
    )
    assert response.headers["HX-Trigger"] == "saved"


def test_repeating_group_rows_are_added_and_removed(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/services"
    page = c.get(url).text
    assert "Service 1: IT support" in page  # the default item, as the terminal offers it
    answer(c, url, {}, action="add:services")
    page = c.get(url).text
    assert 'name="services[1].name"' in page
    answer(
        c, url, {"services[1].name": "Email & <calendar>", "services[1].systems": "Microsoft 365"}
    )
    data = saved(folder, name)
    assert [s["name"] for s in data["services"]] == ["IT support", "Email & <calendar>"]
    assert data["services"][1]["id"] == "email-calendar"
    assert "Email &amp; &lt;calendar&gt;" in c.get(url).text
    answer(c, url, {}, action="remove:services:0")
    assert [s["name"] for s in saved(folder, name)["services"]] == ["Email & <calendar>"]
    # At least one service: the last one cannot be removed.
    assert "remove:services:0" not in c.get(url).text


def test_a_stale_save_is_refused_and_says_what_changed(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/customer"
    first_tab = form_of(c.get(url).text)
    second = answer(c, url, {"customer.signatory.name": "Sam Lee", "customer.address": "1 High St"})
    assert second.status_code == 303
    values = [(k, "Someone Else" if k == "customer.signatory.name" else v) for k, v in first_tab]
    refused = post(c, url, values)
    assert refused.status_code == 409
    assert "Not saved" in refused.text
    assert "Signatory: (none) → Sam Lee" in refused.text
    assert "Address: (none) → 1 High St" in refused.text
    assert saved(folder, name)["customer"]["signatory"]["name"] == "Sam Lee"


def test_a_changed_answer_asks_its_dependents_again(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    draft_all(c, name)
    before = saved(folder, name)["agreement"]["reference"]
    response = answer(c, f"/a/{name}/s/customer", {"customer.name": "Quay Cafe Ltd"})
    location = str(response.headers["location"])
    assert "again=agreement.reference" in location
    page = c.get(location).text
    assert "Answers asked again because they depend on what you changed" in page
    after = saved(folder, name)["agreement"]["reference"]
    assert after != before  # it was the default made from the old name: the new default now
    page = c.get(f"/a/{name}/s/agreement?again=agreement.reference&after=customer.name").text
    assert "Asked again because it depends on ‘Legal name’" in page


# --- findings, review, finish ------------------------------------------------------------------


def test_findings_link_to_their_question_and_a_risk_is_accepted_with_a_reason(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    draft_all(c, name, {"priorities.P1.response": "10h"})
    review = c.get(f"/a/{name}/review").text
    assert "Cannot keep" in review
    assert f'href="/a/{name}/s/targets#q-priorities-P1-response"' in review
    assert "disabled" in review.split("create the documents")[0].rsplit("<button", 1)[1]
    key = re.search(r'name="finding" value="([^"]+)"', review)
    assert key
    empty = post(
        c, f"/a/{name}/accept", [("csrf", csrf(c)), ("finding", key.group(1)), ("reason", "")]
    )
    assert empty.status_code == 422
    accepted = post(
        c,
        f"/a/{name}/accept",
        [("csrf", csrf(c)), ("finding", key.group(1)), ("reason", "Customer  agreed <in writing>")],
    )
    assert accepted.status_code == 303
    record = (folder / "out" / f"{Path(name).stem}.slawriter.json").read_text("utf-8")
    assert "Customer agreed <in writing>" in record and "pending_accepted_risks" in record
    review = c.get(f"/a/{name}/review").text
    assert "Risk accepted: Customer agreed &lt;in writing&gt;" in review


def test_review_finish_and_download(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    draft_all(c, name)
    review = c.get(f"/a/{name}/review")
    assert "Review your answers" in review.text and "Sam Lee" in review.text
    assert f'href="/a/{name}/s/customer#q-customer-signatory-name"' in review.text
    done = post(c, f"/a/{name}/finish", [("csrf", csrf(c))])
    assert done.status_code == 303 and done.headers["location"] == f"/a/{name}/done"
    page = c.get(f"/a/{name}/done").text
    assert "Your agreement is ready" in page and "/out/corner-shop.docx" in page
    assert "incomplete" not in saved(folder, name)
    document = c.get("/out/corner-shop.docx")
    assert document.status_code == 200 and document.content[:2] == b"PK"
    assert "attachment" in document.headers["content-disposition"]
    memo = c.get(f"/a/{name}/memo")
    assert memo.status_code == 200 and "attachment" in memo.headers["content-disposition"]


def test_preview_is_the_html_renderer_without_scripts(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c, HOSTILE)
    draft_all(c, name)
    preview = c.get(f"/a/{name}/preview")
    assert preview.status_code == 200
    assert "sandbox" in preview.headers["content-security-policy"]
    assert "Smith &amp; Sons &lt;Holdings&gt;" in preview.text and "<Holdings>" not in preview.text


def test_preview_of_an_unfinished_agreement_says_what_is_missing(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    assert "No preview yet" in c.get(f"/a/{name}/preview").text


def test_resume_goes_to_the_first_section_with_an_answer_needed(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    response = c.get(f"/a/{name}/", follow_redirects=False)
    assert response.headers["location"] == f"/a/{name}/s/customer"


def test_renewal_starts_from_a_finished_agreement(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    draft_all(c, name)
    post(c, f"/a/{name}/finish", [("csrf", csrf(c))])
    response = post(c, "/renew", [("csrf", csrf(c)), ("source", name)])
    assert (
        response.status_code == 303 and "corner-shop-renewal.yaml" in response.headers["location"]
    )
    old, new = saved(folder, name), saved(folder, "corner-shop-renewal.yaml")
    assert new["agreement"]["effective_date"] > old["agreement"]["effective_date"]
    assert new["agreement"]["reference"] != old["agreement"]["reference"]


# --- refusals ------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(folder: Path) -> None:
    c = client(folder)
    response = post(c, "/new", [("customer", "Evil Ltd"), ("profile", "smb")])
    assert response.status_code == 403
    assert list(folder.glob("evil*")) == []


def test_a_post_from_another_origin_is_refused(folder: Path) -> None:
    c = client(folder)
    token = csrf(c)
    response = post(
        c,
        "/new",
        [("csrf", token), ("customer", "Evil Ltd")],
        headers={"origin": "http://evil.example"},
    )
    assert response.status_code == 403 and "another site" in response.text
    response = post(
        c,
        "/new",
        [("csrf", token), ("customer", "Evil Ltd")],
        headers={"sec-fetch-site": "cross-site"},
    )
    assert response.status_code == 403
    assert list(folder.glob("evil*")) == []


def test_another_host_name_is_refused(folder: Path) -> None:
    c = client(folder)
    assert c.get("/", headers={"host": "rebind.example:8765"}).status_code == 403


@pytest.mark.parametrize(
    "name", ["..%2Fsecret.yaml", "%2Fetc%2Fpasswd.yaml", "..", ".hidden.yaml", "x.txt"]
)
def test_names_outside_the_folder_are_refused(folder: Path, name: str) -> None:
    c = client(folder)
    response = c.get(f"/a/{name}/review")
    assert response.status_code in (403, 404)
    assert "secret" not in response.text.lower() or response.status_code == 403


def test_a_symlink_out_of_the_folder_is_refused(folder: Path, tmp_path_factory: Any) -> None:
    outside = tmp_path_factory.mktemp("outside") / "other.yaml"
    shutil.copy(EXAMPLES / "corner-shop-smb.yaml", outside)
    (folder / "link.yaml").symlink_to(outside)
    c = client(folder)
    assert c.get("/a/link.yaml/review").status_code == 403
    assert "link.yaml" not in c.get("/").text
    assert c.get("/out/..%2Fprovider.yaml").status_code in (403, 404)


def test_a_missing_file_is_not_found(folder: Path) -> None:
    c = client(folder)
    assert c.get("/a/nothing.yaml/review").status_code == 404
    assert c.get("/out/nothing.docx").status_code == 404


def test_beyond_loopback_a_token_is_needed_once_in_the_url_then_as_a_cookie(folder: Path) -> None:
    settings = settings_for("0.0.0.0", folder, provider=folder / "provider.yaml", today=TODAY)
    assert settings.token
    c = TestClient(create_app(settings), base_url="http://office-pc:8765")
    refused = c.get("/")
    assert refused.status_code == 403 and "access token" in refused.text
    assert c.get("/?token=wrong").status_code == 403
    entered = c.get(f"/?token={settings.token}", follow_redirects=False)
    assert entered.status_code == 303 and "token" not in entered.headers["location"]
    assert c.get("/").status_code == 200  # the cookie now
    stranger = TestClient(create_app(settings), base_url="http://office-pc:8765")
    assert stranger.post("/new", data={"customer": "x"}).status_code == 403


# --- the command -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(url: str, timeout: float = 15.0) -> float:
    """Poll until the page answers; the seconds it took."""
    import urllib.request

    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.02)  # polling interval, not a wait for an outcome
    raise AssertionError(f"{url} did not answer within {timeout} s")


def start_server(folder: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "SLAWRITER_PROVIDER": str(folder / "provider.yaml")}
    env.pop("DISPLAY", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "slawriter",
            "serve",
            "--dir",
            str(folder),
            "--port",
            str(port),
            "--no-browser",
            "--today",
            TODAY.isoformat(),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_serve_prints_the_url_serves_and_stops_cleanly_on_ctrl_c(folder: Path) -> None:
    import signal

    port = free_port()
    server = start_server(folder, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/")
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=15)
    assert f"Open http://127.0.0.1:{port}/" in out
    assert "token" not in out
    assert server.returncode == 0, err


# --- issue 14 review: dependents, line endings, choices, bad answers, labels ---------------------


def test_out_of_hours_back_to_yes_puts_p1_on_the_24x7_clock_again(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    draft_all(c, name)
    hours = f"/a/{name}/s/hours"
    answer(c, hours, {"out_of_hours.available": "yes"})
    response = answer(c, hours, {}, action="next")  # the cover and priorities now shown
    assert saved(folder, name)["priorities"]["P1"]["calendar"] == "24x7"
    assert saved(folder, name)["out_of_hours"]["priorities"] == ["P1"]
    answer(c, hours, {"out_of_hours.available": "no"}, action="next")
    assert saved(folder, name)["priorities"]["P1"]["calendar"] == "business"
    answer(c, hours, {"out_of_hours.available": "yes"})
    response = answer(c, hours, {}, action="next")
    data = saved(folder, name)
    assert data["out_of_hours"]["calendar"] == "24x7" and data["out_of_hours"]["priorities"] == [
        "P1"
    ]
    assert data["priorities"]["P1"]["calendar"] == "24x7"
    assert data["priorities"]["P2"]["calendar"] == "business"
    # "Save and continue" goes to the answer asked again, marked with the question's label.
    location = str(response.headers["location"])
    assert location.startswith(f"/a/{name}/s/targets?again=")
    page = c.get(location).text
    assert re.search(
        r"q-priorities-P1-calendar-wrap.*?"
        r"Asked again because it depends on ‘Out-of-hours (cover|priorities)’",
        page,
        re.S,
    )
    assert "priorities.P1.calendar</a>" not in page


def test_an_autosave_then_the_button_with_crlf_text_areas_is_no_conflict(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/reporting"
    page = form_of(c.get(url).text)  # the version both posts are based on
    typed = {"reporting.required_information": "Your name\r\nWhat stopped working\r\n"}
    assert "reporting.required_information" in dict(page)  # a text area: the browser sends CRLF
    values = [(k, typed.get(k, v)) for k, v in page]
    autosave = post(c, url, values, headers={"HX-Request": "true"})
    assert autosave.status_code == 200
    pressed = post(c, url, [*values, ("action", "next")])  # the same page, a moment later
    assert pressed.status_code == 303, re.findall(r"Not saved[^<]*", pressed.text)
    assert saved(folder, name)["reporting"]["required_information"] == [
        "Your name",
        "What stopped working",
    ]


def test_entity_type_is_a_choice_and_the_company_number_message_names_it_once(
    folder: Path,
) -> None:
    from slawriter.library import Library
    from slawriter.wizard.questions import load_questions

    questions = load_questions(Library.locate(None).profiles_dir / "questions", "smb")
    entity = questions.find("customer.entity")
    assert entity is not None and entity.type == "choice"  # the terminal offers a list too
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/customer"
    page = c.get(url).text
    assert '<select id="q-customer-entity"' in page
    assert re.search(r'<option value="company"[^>]*>A company \(Ltd, plc\)</option>', page)
    assert "Required for a company" in page
    draft_all(c, name)
    answer(c, url, {"customer.entity": "company", "customer.company_number": ""})
    panel = c.get(f"/a/{name}/findings").text
    assert "customer.company_number: customer.company_number" not in panel
    assert "required, because the customer is described as" in panel


# --- review 14: invalid answers refused by the model, shown at their field ------------------


def _field_error(page: str, field: str) -> str:
    """The message shown beside a field (its aria-describedby names it), '' if none."""
    tag = re.search(rf'<(?:input|textarea|select)[^>]*name="{re.escape(field)}"[^>]*>', page)
    assert tag, field
    assert 'aria-invalid="true"' in tag.group(), tag.group()
    described = re.search(r'aria-describedby="([^"]*)"', tag.group())
    assert described
    error_id = next(i for i in described.group(1).split() if i.endswith("-error"))
    found = re.search(rf'id="{re.escape(error_id)}"[^>]*>([^<]*)<', page)
    assert found
    return found.group(1)


@pytest.mark.parametrize(
    ("section", "field", "typed", "message"),
    [
        ("customer", "customer.contact.email", "not-an-email", "is not an email address"),
        ("services", "services[0].uptime.target", "0", "is not a meaningful uptime target"),
    ],
)
def test_an_invalid_answer_is_refused_beside_its_field_and_kept(
    folder: Path, section: str, field: str, typed: str, message: str
) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/{section}"
    extra = (
        {"customer.contact.name": "Priya Shah", "customer.address": "1 High St"}
        | {"customer.signatory.name": "Sam Lee", "customer.signatory.title": "Director"}
        if section == "customer"
        else {"services[0].uptime": "yes"}
    )
    answer(c, url, extra)  # the field appears once its condition holds
    response = answer(c, url, {**extra, field: typed})
    assert response.status_code == 422
    assert message in _field_error(response.text, field)
    assert f'value="{typed}"' in response.text  # the rejected text stays to be corrected
    assert message in response.text.split('id="form-errors"')[1].split("</div>")[0]
    data = saved(folder, name)
    assert typed not in str(data)


def test_a_channel_contact_must_fit_its_kind(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/reporting"
    page = c.get(url).text
    kinds = dict(
        re.findall(r'name="(reporting\.channels\[\d\]\.kind)".*?selected>(\w+)', page, re.S)
    )
    phone = next(k for k, v in kinds.items() if v.startswith("phone")).replace(".kind", ".contact")
    response = answer(c, url, {phone: "call us maybe"})
    assert response.status_code == 422
    assert "is not a telephone number" in _field_error(response.text, phone)
    assert answer(c, url, {phone: "+44 (0)117 496 0000 ext. 12"}).status_code == 303


def test_validate_refuses_a_bad_email_phone_and_uptime_naming_the_field(tmp_path: Path) -> None:
    text = (EXAMPLES / "acme-standard.yaml").read_text("utf-8")
    bad = {
        "contact: service@northwind-it.example": "contact: not-an-email",
        'contact: "+44 117 496 0000"': "contact: call us maybe",
        "uptime: {target: 99.9, basis: all-time}": "uptime: {target: 0, basis: all-time}",
    }
    for old, new in bad.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    (tmp_path / "provider.yaml").write_text((EXAMPLES / "provider.yaml").read_text("utf-8"))
    run = subprocess.run(
        [sys.executable, "-m", "slawriter", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=EXAMPLES,
    )
    assert run.returncode != 0
    out = run.stdout + run.stderr
    assert "reporting.channels[email].contact" in out and "not an email address" in out
    assert "reporting.channels[phone].contact" in out and "not a telephone number" in out
    assert "uptime.target" in out and "not a meaningful uptime target" in out


def test_problems_name_the_fields_by_their_labels_never_by_their_paths(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/services"
    answer(c, url, {}, action="add:services")
    refused = answer(c, url, {"services[1].systems": "Microsoft 365"})
    errors = refused.text.split('id="form-errors"')[1].split("</div>")[0]
    assert "Service name (Service 2)</a>: An answer is needed here" in errors
    preview = c.get(f"/a/{name}/preview").text
    panel = c.get(f"/a/{name}/findings").text
    for page in (preview, panel):
        assert "Service name (Service 2): an answer is needed here" in page
        assert "The agreement: an answer is needed here" in page
        assert "required field is missing" not in page
        assert not re.search(r"<li>[^<]*\w\[\d\]", page)  # no services[1].id
        assert "<li>agreement:" not in page and ".id" not in page


@pytest.mark.parametrize(
    ("customer", "file"),
    [
        ("Société Générale Zürich", "societe-generale-zurich.yaml"),
        ("../../etc/passwd", "etc-passwd.yaml"),
        (HOSTILE, "smith-sons-holdings-star-quote-star-co.yaml"),
    ],
)
def test_a_new_agreements_file_name_is_the_customers_name_in_plain_letters(
    folder: Path, customer: str, file: str
) -> None:
    c = client(folder)
    assert new_agreement(c, customer) == file
    assert (folder / file).is_file()


# --- one count of answers to go, names on the header, resume, a stale save kept ----------------


def _to_go(page: str) -> int:
    found = re.search(r"(\d+) answers? to go", page)
    return int(found.group(1)) if found else 0


def test_answers_to_go_are_the_same_everywhere_and_defaults_are_shown_as_defaults(
    folder: Path,
) -> None:
    c = client(folder)
    name = new_agreement(c)
    answer(c, f"/a/{name}/s/customer", {"customer.address": "1 High St"})
    start = c.get("/").text
    review = c.get(f"/a/{name}/review").text
    sections = [c.get(f"/a/{name}/s/{s}").text for s in ("agreement", "customer", "services")]
    counts = {_to_go(start), _to_go(review), *(_to_go(page) for page in sections)}
    assert counts == {2}, counts
    # Each page says where the answers to go are asked, with a link to them.
    for page in [review, *sections]:
        assert "Who signs for the customer?" in page or "Signatory" in page
        assert f'href="/a/{name}/s/customer#' in page
    # A default not yet saved is shown as the value it will take, not as not answered.
    assert "(default)" in review
    assert review.count("(not answered)") <= 2


def test_a_new_agreement_for_a_customer_already_in_the_folder_offers_to_resume_it(
    folder: Path,
) -> None:
    c = client(folder)
    first = new_agreement(c, SCRIPT)
    again = post(c, "/new", [("csrf", csrf(c)), ("customer", SCRIPT), ("profile", "smb")])
    assert again.status_code == 409
    assert f"Resume {first}" in again.text
    assert f'href="/a/{first}/"' in again.text
    assert "Start a second agreement for &lt;script&gt;" in again.text
    assert "<script>alert" not in again.text
    assert sorted(p.name for p in folder.glob("*.yaml")) == sorted(["provider.yaml", first])
    second = post(c, "/new", form_of(again.text, None))
    assert second.status_code == 303
    assert sorted(p.name for p in folder.glob("*.yaml")) == sorted(
        ["provider.yaml", first, first.replace(".yaml", "-2.yaml")]
    )


def test_the_header_names_the_customer_escaped_with_the_file_name_smaller(folder: Path) -> None:
    c = client(folder)
    name = new_agreement(c, SCRIPT)
    for url in (f"/a/{name}/s/customer", f"/a/{name}/review"):
        header = re.search(r'<header class="top">.*?</header>', c.get(url).text, re.S)
        assert header is not None
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co" in header.group(0)
        assert f'<small class="file">{name}</small>' in header.group(0)
        assert "<script>" not in header.group(0)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_refused_stale_save_keeps_what_was_typed_and_says_not_saved(
    folder: Path, htmx: bool
) -> None:
    c = client(folder)
    name = new_agreement(c)
    url = f"/a/{name}/s/customer"
    first_tab = form_of(c.get(url).text)
    other = {"customer.address": "1 High St", "customer.signatory.name": "Sam Lee"}
    assert answer(c, url, other).status_code == 303
    typed = {"customer.signatory.name": "Someone Else", "customer.signatory.title": "Owner"}
    values = [(k, typed.get(k, v)) for k, v in first_tab]
    headers = {"hx-request": "true"} if htmx else {}
    refused = post(c, url, values, headers=headers)
    assert refused.status_code == 409
    status = re.search(r'id="status"[^>]*>([^<]*)', refused.text)
    assert status is not None and "Not saved" in status.group(1)
    assert "Saved as you go" not in refused.text
    kept = dict(form_of(refused.text))
    assert kept["customer.signatory.name"] == "Someone Else"
    assert kept["customer.signatory.title"] == "Owner"
    assert saved(folder, name)["customer"]["signatory"]["name"] == "Sam Lee"
    # Saved again on the version now shown, the kept answers are stored.
    assert post(c, url, [*form_of(refused.text), ("action", "save")]).status_code == 303
    assert saved(folder, name)["customer"]["signatory"]["name"] == "Someone Else"
    assert saved(folder, name)["customer"]["address"] == ["1 High St"]  # not undone
