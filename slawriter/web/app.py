"""The routes of ``slawriter serve``: start page, one page per section, review, finish.

Every request opens the agreement file afresh through the session of ``slawriter new``
(pipeline/session.py) and saves through it: the file is the only state. Security: a token
when the server listens beyond this computer; on every POST a CSRF token, and a refusal of
any other origin; names of files are checked by folder.py.
"""

from __future__ import annotations

import hmac
import io
import secrets
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from slawriter.errors import InputError, RefusedError, SlawriterError
from slawriter.files import roundtrip
from slawriter.files.roundtrip import plain
from slawriter.pipeline.session import Request as Wanted
from slawriter.pipeline.session import Session, in_their_words
from slawriter.web import pages
from slawriter.web.folder import Folder, version
from slawriter.wizard.answers import Item, to_loc
from slawriter.wizard.engine import Wizard
from slawriter.wizard.handlers import handler_for

HERE = Path(__file__).parent
TOKEN_COOKIE = "slawriter_token"
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass
class Settings:
    """What ``slawriter serve`` was started with."""

    folder: Path
    provider: Path | None = None
    library: str | None = None
    today: date | None = None
    token: str | None = None  # required on every request when set (not on loopback)
    allowed_hosts: tuple[str, ...] = LOOPBACK
    formats: tuple[str, ...] = ()  # default: docx, md, and pdf when LibreOffice is here
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))


def document_formats() -> tuple[str, ...]:
    has_office = shutil.which("soffice") or shutil.which("libreoffice")
    return ("docx", "md", "pdf") if has_office else ("docx", "md")


class State:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.folder = Folder(settings.folder)
        self.formats = settings.formats or document_formats()
        # One writer at a time: a save checks the version and writes under this lock.
        self.lock = threading.RLock()
        # The bytes behind the versions pages were drawn from, to say what changed since.
        self.seen: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self.templates = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html"], default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def today(self) -> date:
        return self.settings.today or date.today()

    def remember(self, path: Path) -> str:
        current = version(path)
        try:
            self.seen[(str(path), current)] = path.read_bytes()
        except OSError:
            return current
        self.seen.move_to_end((str(path), current))
        while len(self.seen) > 200:
            self.seen.popitem(last=False)
        return current

    def session(self, wanted: Wanted) -> Session:
        from rich.console import Console

        console = Console(file=io.StringIO(), width=100, highlight=False, soft_wrap=True)
        return Session(wanted, None, self.today(), console)

    def wanted(self, **kwargs: Any) -> Wanted:
        s = self.settings
        return Wanted(provider=s.provider, library=s.library, formats=self.formats, **kwargs)

    def open(self, name: str) -> tuple[Session, Wizard, Path]:
        path = self.folder.agreement(name)
        if not path.is_file():
            raise NotFound(f"There is no agreement file called {name} in this folder.")
        session = self.session(self.wanted(resume=path))
        return session, session.open(), path


class NotFound(SlawriterError):
    pass


class Stale(Exception):
    def __init__(self, changes: list[str]) -> None:
        super().__init__("stale")
        self.changes = changes


# --- security --------------------------------------------------------------------------------


class Guard(BaseHTTPMiddleware):
    """The Host header names this server (no DNS rebinding); with a token, every request
    carries it: once in the URL (then kept as a cookie), afterwards as the cookie."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        state: State = request.app.state.slawriter
        settings = state.settings
        host = (
            (request.headers.get("host") or "").rsplit(":", 1)[0]
            if not (request.headers.get("host") or "").startswith("[")
            else (request.headers.get("host") or "").split("]")[0] + "]"
        )
        if settings.allowed_hosts and host not in settings.allowed_hosts:
            return _refused(state, f"This server does not answer to the name '{host}'.", 403)
        if settings.token:
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given, settings.token):
                response: Response = RedirectResponse(
                    str(request.url.remove_query_params("token")), 303
                )
                response.set_cookie(TOKEN_COOKIE, settings.token, httponly=True, samesite="strict")
                return response
            cookie = request.cookies.get(TOKEN_COOKIE, "")
            if not hmac.compare_digest(cookie, settings.token):
                return _refused(
                    state,
                    "Open the address slawriter serve printed when it started (it "
                    "carries the access token).",
                    403,
                )
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response


async def posted(request: Request) -> FormData:
    """The form of a POST, refused unless it comes from this server's own page."""
    state: State = request.app.state.slawriter
    origin = request.headers.get("origin")
    if origin is not None:
        if urlsplit(origin).netloc != request.headers.get("host", ""):
            raise Forbidden("A page of another site tried to change your agreements: refused.")
    elif request.headers.get("sec-fetch-site") == "cross-site":
        raise Forbidden("A page of another site tried to change your agreements: refused.")
    form = await request.form()
    token = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    if not hmac.compare_digest(token, state.settings.csrf):
        raise Forbidden(
            "This form is out of date or did not come from slawriter: reload the page and "
            "try again."
        )
    return form


class Forbidden(Exception):
    pass


def _refused(state: State, message: str, status: int) -> HTMLResponse:
    return _page(state, "message.html", status, title="Refused", message=message)


def _page(state: State, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("csrf", state.settings.csrf)
    context.setdefault("quote", quote)
    context.setdefault("field_id", pages.field_id)
    html = state.templates.get_template(template).render(**context)
    return HTMLResponse(html, status)


# --- the start page ----------------------------------------------------------------------------


async def start(request: Request) -> Response:
    state: State = request.app.state.slawriter
    from slawriter.library import Library

    library = Library.locate(state.settings.library)
    profiles = sorted(p.stem for p in library.profiles_dir.glob("*.yaml"))
    listed = []
    for entry in state.folder.agreements():
        left = None
        if not entry.finished:
            try:
                _session, wizard, _path = state.open(entry.name)
                left = len(pages.remaining(wizard))
            except SlawriterError:
                left = None
        listed.append((entry, left))
    return _page(
        state,
        "start.html",
        title="Agreements",
        folder=str(state.folder.root),
        listed=listed,
        profiles=profiles,
        message=request.query_params.get("message"),
    )


async def new(request: Request) -> Response:
    state: State = request.app.state.slawriter
    form = await posted(request)
    from slawriter.wizard.fields import slug

    customer = " ".join(str(form.get("customer", "")).split())
    profile = str(form.get("profile", ""))
    if not customer:
        return await _start_with(request, "Give the customer's legal name to start.", 422)
    base = slug(customer)
    for suffix in ("ltd", "limited", "llc", "inc", "plc"):
        base = base.removesuffix(f"-{suffix}")
    with state.lock:
        name = state.folder.free_name(base)
        path = state.folder.agreement(name)
        session = state.session(state.wanted(profile=profile or None, out=path))
        wizard = session.open()
        question = wizard.questions.find("customer.name")
        with session.batch():
            if question is not None:
                wizard.store(question, customer)
    return RedirectResponse(f"/a/{quote(name)}/", 303)


async def renew(request: Request) -> Response:
    state: State = request.app.state.slawriter
    form = await posted(request)
    source = state.folder.agreement(str(form.get("source", "")))
    if not source.is_file():
        raise NotFound("There is no such agreement to renew.")
    with state.lock:
        name = state.folder.free_name(f"{source.stem}-renewal")
        session = state.session(state.wanted(source=source, out=state.folder.agreement(name)))
        session.open()
        session.save()
    return RedirectResponse(f"/a/{quote(name)}/s/agreement?renewal=1", 303)


async def _start_with(request: Request, message: str, status: int) -> Response:
    state: State = request.app.state.slawriter
    return _page(state, "message.html", status, title="Not started", message=message, back="/")


# --- an agreement ------------------------------------------------------------------------------


async def resume(request: Request) -> Response:
    state: State = request.app.state.slawriter
    name = request.path_params["name"]
    _session, wizard, _path = state.open(name)
    left = pages.remaining(wizard)
    if left:
        found = wizard.locate(left[0][0])
        if found is not None and found[0].section:
            return RedirectResponse(f"/a/{quote(name)}/s/{found[0].section}", 303)
    return RedirectResponse(f"/a/{quote(name)}/review", 303)


def _section_context(
    state: State,
    name: str,
    session: Session,
    wizard: Wizard,
    path: Path,
    section_id: str,
    errors: dict[str, tuple[str, str]] | None = None,
    again: dict[str, str] | None = None,
    count_left: bool = True,
) -> dict[str, Any]:
    shown = pages.sections(wizard)
    ids = [s.id for s in shown]
    if section_id not in wizard.questions.section_by_id:
        raise NotFound(f"There is no section '{section_id}'.")
    section = wizard.questions.section_by_id[section_id]
    items: list[Any] = []
    for question in pages.section_questions(wizard, section_id):
        if question.type == "group":
            group = pages.build_group(wizard, question, errors)
            group.again = (again or {}).get(question.key)
            items.append(group)
        else:
            one = pages.build_field(wizard, question, None, errors)
            one.again = (again or {}).get(question.key)
            items.append(one)
    number = ids.index(section_id) + 1 if section_id in ids else 0
    elsewhere = [
        (q.title, because, _link(name, wizard, key))
        for key, because in (again or {}).items()
        if (q := wizard.questions.find(key)) is not None and q.section != section_id
    ]
    return {
        "name": name,
        "section": section,
        "sections": shown,
        "number": number,
        "total": len(shown),
        "previous": ids[number - 2] if number > 1 else None,
        "next": ids[number] if 0 < number < len(ids) else None,
        "items": items,
        "left": len(pages.remaining(wizard)) if count_left else None,
        "version": state.remember(path),
        "elsewhere": elsewhere,
        "errors": errors or {},
        "labels": _labels(items),
    }


def _labels(items: list[Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for entry in items:
        if isinstance(entry, pages.GroupField):
            labels |= {
                f.name: f"{f.label} ({row.label})" for row in entry.items for f in row.fields
            }
        else:
            labels[entry.name] = entry.label
    return labels


def _link(name: str, wizard: Wizard, path: str) -> str | None:
    """The address of the question that sets a field path (for findings and problems)."""
    found = wizard.locate(path)
    if found is None:
        return None
    question, item, sub = found
    anchor = pages.field_id(question.key)
    if item is not None and sub is not None:
        anchor = pages.field_id(pages.field_name(wizard, sub, item))
    return f"/a/{quote(name)}/s/{question.section}#{anchor}"


async def section_page(request: Request) -> Response:
    state: State = request.app.state.slawriter
    name = request.path_params["name"]
    section_id = request.path_params["section"]
    with state.lock:
        session, wizard, path = state.open(name)
        if section_id in wizard.questions.section_by_id:
            with session.batch():
                pages.fill_groups(wizard, section_id)
    again = {}
    after = request.query_params.get("after")
    changed = wizard.questions.find(after) if after else None
    for key in request.query_params.get("again", "").split(","):
        if key and changed is not None:
            again[key] = changed.title
    context = _section_context(state, name, session, wizard, path, section_id, again=again)
    context["findings"] = _findings(state, name, session, wizard, path)
    context["renewal"] = bool(request.query_params.get("renewal"))
    return _page(state, "section.html", title=context["section"].title, **context)


def _save(
    state: State, session: Session, wizard: Wizard, section_id: str, form: FormData
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Store the section's posted answers; the refused ones and the dependents asked again."""
    errors: dict[str, tuple[str, str]] = {}
    again: dict[str, str] = {}
    shown = {str(name) for name in form.getlist("shown")}
    with session.batch():
        offered = wizard.dependent_defaults()
        for question in pages.section_questions(wizard, section_id):
            if not wizard.applies(question):
                continue
            if question.type == "group":
                count = len(plain(roundtrip.get(wizard.data, to_loc(question.key))) or [])
                for index in range(count):
                    item = Item(question, (*to_loc(question.key), index), {})
                    for sub in question.questions:
                        if handler_for(sub).generated or not wizard.applies(sub, item):
                            continue
                        _store_one(wizard, sub, item, form, shown, errors, again)
                    wizard.complete_item(question, index)
                continue
            _store_one(wizard, question, None, form, shown, errors, again)
        for question in wizard.questions.questions:
            if not wizard.applies(question) and wizard.answered(question):
                wizard.remove(to_loc(question.key))  # a "no" above made it not apply
        # A dependent whose offered default changed (P1's clock after out-of-hours cover
        # for P1) takes the new default when it held the old one, as the terminal offers it.
        for key, cause in wizard.follow_defaults(offered).items():
            again.setdefault(key, cause)
        action = str(form.get("action", ""))
        verb, _, rest = action.partition(":")
        if verb in ("add", "remove"):
            key, _, position = rest.partition(":")
            group = wizard.questions.find(key)
            if group is not None and group.type == "group" and group.section == section_id:
                if verb == "add":
                    wizard.add_item(group)
                elif position.isdigit():
                    count = len(plain(roundtrip.get(wizard.data, to_loc(key))) or [])
                    if count > group.min_items:
                        wizard.remove((*to_loc(key), int(position)))
    return errors, again


def _store_one(
    wizard: Wizard,
    question: Any,
    item: Item | None,
    form: FormData,
    shown: set[str],
    errors: dict[str, tuple[str, str]],
    again: dict[str, str],
) -> None:
    name = pages.field_name(wizard, question, item)
    if name not in shown:
        return
    try:
        value = pages.read_answer(wizard, question, item, form)
    except pages.Refused as refused:
        errors[name] = (refused.typed, refused.message)
        return
    answered = wizard.answered(question, item)
    old = plain(wizard.stored(question, item))
    if answered and old == value:
        return
    dependents = wizard.dependents(question.key) if item is None and answered else []
    wizard.store(question, value, item)
    for dependent in dependents:
        if wizard.applies(dependent):
            # Asked again; a new default is taken by follow_defaults once all are stored.
            again[dependent.key] = question.key


def _changes(state: State, wizard: Wizard, path: Path, based_on: str) -> list[str]:
    """What changed in the file since the page was drawn, by the questions' names."""
    before_bytes = state.seen.get((str(path), based_on))
    if before_bytes is None:
        return []
    before = plain(roundtrip.loads(before_bytes.decode("utf-8"), path))
    old, new = _flat(before), _flat(plain(wizard.data))
    lines = []
    seen_titles: set[str] = set()
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) == new.get(key):
            continue
        title = wizard.title_of(key) or key
        line = f"{title}: {_shown(old.get(key))} → {_shown(new.get(key))}"
        if line not in seen_titles:
            seen_titles.add(line)
            lines.append(line)
    return lines


def _overwrites(state: State, wizard: Wizard, path: Path, based_on: str, form: FormData) -> bool:
    """True when saving the form would overwrite an answer changed since its page was
    drawn. A change the same page saved itself (the answer left a moment ago, saved while
    the button was pressed) posts the value now stored: that is no conflict."""
    before_bytes = state.seen.get((str(path), based_on))
    if before_bytes is None:
        return True  # what the page was based on is unknown: refuse, to be safe
    old = _flat(plain(roundtrip.loads(before_bytes.decode("utf-8"), path)))
    new = _flat(plain(wizard.data))
    changed = [key for key in {*old, *new} if old.get(key) != new.get(key)]
    shown = {str(name) for name in form.getlist("shown")}
    current = _fields(state, wizard)
    for key in changed:
        for name in shown:
            if key != name and not key.startswith((f"{name}.", f"{name}[")):
                continue
            now = current.get(name)
            if now is None:
                return True
            if now.kind == "checkboxes":
                if {str(v) for v in form.getlist(name)} != {v for v, _, on in now.choices if on}:
                    return True
            elif now.kind == "select":
                if str(form.get(name, "")) != next((v for v, _, on in now.choices if on), ""):
                    return True
            elif _lines(str(form.get(name, ""))) != _lines(now.value):
                return True
    return False


def _lines(text: str) -> str:
    """Typed text as compared for a conflict: a text area posts CRLF line ends (the HTML
    standard) and an address is shown on one line but typed on several, so only the words
    count, never the white space between them."""
    return " ".join(text.split())


def _fields(state: State, wizard: Wizard) -> dict[str, pages.Field]:
    """Every field of every section as the pages would show it now."""
    out: dict[str, pages.Field] = {}
    for section in pages.sections(wizard):
        for question in pages.section_questions(wizard, section.id):
            if question.type == "group":
                group = pages.build_group(wizard, question, None)
                out |= {f.name: f for row in group.items for f in row.fields}
            else:
                shown = pages.build_field(wizard, question)
                out[shown.name] = shown
    return out


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(data, dict) and data:
        for key, value in data.items():
            out.update(_flat(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list) and data and any(isinstance(v, dict) for v in data):
        for index, value in enumerate(data):
            out.update(_flat(value, f"{prefix}[{index}]"))
    else:
        out[prefix] = data
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "(none)"
    return str(value)


async def section_save(request: Request) -> Response:
    state: State = request.app.state.slawriter
    form = await posted(request)
    name = request.path_params["name"]
    section_id = request.path_params["section"]
    partial = request.headers.get("hx-request") == "true"
    shown = {str(field) for field in form.getlist("shown")}
    with state.lock:
        session, wizard, path = state.open(name)
        based_on = str(form.get("version", ""))
        if based_on != version(path) and _overwrites(state, wizard, path, based_on, form):
            changes = _changes(state, wizard, path, based_on)
            context = _section_context(state, name, session, wizard, path, section_id)
            context.update(stale=changes or ["(the file was changed elsewhere)"])
            context["findings"] = None
            template = "_form.html" if partial else "section.html"
            response = _page(state, template, 409, title=context["section"].title, **context)
            if partial:
                response.headers["HX-Reswap"] = "outerHTML"
            return response
        errors, again = _save(state, session, wizard, section_id, form)
    action = str(form.get("action", "save"))
    if errors or partial:
        # An autosave answers fast: the count of answers to go waits for the next page.
        context = _section_context(
            state,
            name,
            session,
            wizard,
            path,
            section_id,
            errors,
            _again(wizard, again),
            count_left=not partial,
        )
        context["findings"] = None if partial else _findings(state, name, session, wizard, path)
        template = "_form.html" if partial else "section.html"
        reswap = partial and (_names(context["items"]) != shown or bool(again))
        if partial and not reswap:
            # The same questions: only the version, the count and the messages change, so
            # nothing the user is typing in another field is replaced.
            template = "_saved.html"
        response = _page(
            state, template, 422 if errors else 200, title=context["section"].title, **context
        )
        if reswap:
            response.headers["HX-Reswap"] = "outerHTML"  # questions came or went
        response.headers["HX-Trigger"] = "saved"
        return response
    target = f"/a/{quote(name)}/s/{section_id}"
    asked_again = [
        q for q in wizard.questions.questions if q.key in again and q.section and wizard.applies(q)
    ]
    if action in ("next", "review") and asked_again:
        # Answers asked again come first: their page, before going on.
        target = f"/a/{quote(name)}/s/{asked_again[0].section}"
    elif action == "next":
        following = [s.id for s in pages.sections(wizard)]
        here = following.index(section_id) if section_id in following else -1
        target = (
            f"/a/{quote(name)}/s/{following[here + 1]}"
            if 0 <= here < len(following) - 1
            else f"/a/{quote(name)}/review"
        )
    elif action == "review":
        target = f"/a/{quote(name)}/review"
    if again:
        after = next(iter(again.values()))
        keys = ",".join(again)
        target += f"?again={quote(keys)}&after={quote(after)}"
        if action not in ("next", "review"):
            pass
    anchor = str(form.get("anchor", ""))
    if verb_of(action) in ("add", "remove"):
        target += f"#{pages.field_id(action.split(':')[1])}"
    elif anchor:
        target += f"#{anchor}"
    return RedirectResponse(target, 303)


def _names(items: list[Any]) -> set[str]:
    """The names of the fields on a page (what its form posts as 'shown')."""
    names = set()
    for entry in items:
        if isinstance(entry, pages.GroupField):
            names |= {f.name for row in entry.items for f in row.fields}
        else:
            names.add(entry.name)
    return names


def verb_of(action: str) -> str:
    return action.partition(":")[0]


def _again(wizard: Wizard, again: dict[str, str]) -> dict[str, str]:
    titles = {}
    for key, because in again.items():
        question = wizard.questions.find(because)
        titles[key] = question.title if question else because
    return titles


# --- findings, preview, review, finish -------------------------------------------------------


@dataclass
class Shown:
    severity: str
    rule: str
    message: str
    suggestion: str
    links: list[tuple[str, str]]
    key: str  # identifies the finding in the accept form
    accepted: str | None


def _findings(
    state: State, name: str, session: Session, wizard: Wizard, path: Path
) -> dict[str, Any]:
    """The feasibility findings and validation problems, in the user's words."""
    from slawriter.feasibility import check_agreement
    from slawriter.files.load import load_agreement
    from slawriter.library import Library

    library = Library.locate(state.settings.library)
    problems: list[tuple[str, str, str | None]] = []
    try:
        loaded = load_agreement(path, library)
    except InputError as error:
        for problem in error.problems or []:
            where = problem.path or problem.file
            title = wizard.title_of(problem.path) if problem.path else None
            link = _link(name, wizard, problem.path) if problem.path else None
            problems.append((title or where, f"{where}: {problem.message}", link))
        if not error.problems:
            problems.append(("", error.message, None))
        return {"problems": problems, "findings": [], "valid": False}
    accepted = session.accepted_risks()
    shown = []
    for finding in check_agreement(loaded, library):
        links = []
        for field_path in finding.paths:
            title = wizard.title_of(field_path)
            link = _link(name, wizard, field_path)
            if title and link and (title, link) not in links:
                links.append((title, link))
        shown.append(
            Shown(
                severity=finding.severity,
                rule=finding.id,
                message=in_their_words(wizard, finding.message),
                suggestion=in_their_words(wizard, finding.suggestion),
                links=links,
                key=_finding_key(finding.id, finding.message),
                accepted=accepted.get((finding.id, finding.message)),
            )
        )
    return {"problems": [], "findings": shown, "valid": True}


def _finding_key(rule: str, message: str) -> str:
    import hashlib

    return hashlib.sha256(f"{rule}\n{message}".encode()).hexdigest()[:12]


async def findings_panel(request: Request) -> Response:
    state: State = request.app.state.slawriter
    name = request.path_params["name"]
    session, wizard, path = state.open(name)
    return _page(
        state, "_findings.html", name=name, findings=_findings(state, name, session, wizard, path)
    )


async def accept(request: Request) -> Response:
    state: State = request.app.state.slawriter
    form = await posted(request)
    name = request.path_params["name"]
    from slawriter.feasibility import check_agreement
    from slawriter.files.load import load_agreement
    from slawriter.library import Library

    reason = " ".join(str(form.get("reason", "")).split())
    back = str(form.get("back", "")) or f"/a/{quote(name)}/review"
    if not back.startswith(f"/a/{quote(name)}/"):
        back = f"/a/{quote(name)}/review"
    with state.lock:
        session, _wizard, path = state.open(name)
        if not reason:
            return _page(
                state,
                "message.html",
                422,
                title="A reason is needed",
                message="Say why the risk is acceptable: the reason is kept in the internal "
                "record.",
                back=back,
            )
        library = Library.locate(state.settings.library)
        for finding in check_agreement(load_agreement(path, library), library):
            if _finding_key(finding.id, finding.message) == form.get("finding"):
                if finding.severity != "error":
                    break
                session.accept_risk(finding, reason)
                return RedirectResponse(back, 303)
    return _page(
        state,
        "message.html",
        409,
        title="Finding not found",
        message="That finding no longer stands (an answer changed): look at the findings again.",
        back=back,
    )


async def preview(request: Request) -> Response:
    state: State = request.app.state.slawriter
    name = request.path_params["name"]
    from slawriter.files.load import load_agreement
    from slawriter.library import Library
    from slawriter.pipeline.render import render_outputs

    path = state.folder.agreement(name)
    if not path.is_file():
        raise NotFound(f"There is no agreement file called {name} in this folder.")
    library = Library.locate(state.settings.library)
    try:
        loaded = load_agreement(path, library)
        html = render_outputs(loaded, library, ["html"], allow_draft=True)["html"]
    except SlawriterError as error:
        return _page(state, "preview-missing.html", 200, title="Preview", error=error)
    response = Response(html, media_type="text/html")
    # The document is data, never a program: no script runs in the preview.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
    )
    return response


async def review(request: Request) -> Response:
    state: State = request.app.state.slawriter
    name = request.path_params["name"]
    session, wizard, path = state.open(name)
    rows = []
    for section, questions in wizard.sections_with_answers():
        answers = []
        for question in questions:
            if question.type == "group":
                count = len(plain(roundtrip.get(wizard.data, to_loc(question.key))) or [])
                lines = [wizard.item_line(question, i) for i in range(count)] or ["none"]
                answers.append((question.title, lines, _link(name, wizard, question.key)))
            else:
                answers.append(
                    (
                        question.title,
                        [wizard.answer_text(question)],
                        _link(name, wizard, question.key),
                    )
                )
        rows.append((section, answers))
    findings = _findings(state, name, session, wizard, path)
    standing = [f for f in findings["findings"] if f.severity == "error" and not f.accepted]
    return _page(
        state,
        "review.html",
        title="Review",
        name=name,
        rows=rows,
        findings=findings,
        standing=standing,
        left=len(pages.remaining(wizard)),
        sections=pages.sections(wizard),
        formats=state.formats,
        error=request.query_params.get("error"),
    )


async def finish(request: Request) -> Response:
    state: State = request.app.state.slawriter
    await posted(request)
    name = request.path_params["name"]
    with state.lock:
        session, _wizard, _path = state.open(name)
        try:
            session.finish()
        except SlawriterError as error:
            lines = [error.message] + [str(p) for p in error.problems or []]
            return _page(
                state,
                "message.html",
                409,
                title="The documents were not written",
                message="\n".join(lines),
                back=f"/a/{quote(name)}/review",
            )
    return RedirectResponse(f"/a/{quote(name)}/done", 303)


async def done(request: Request) -> Response:
    state: State = request.app.state.slawriter
    name = request.path_params["name"]
    path = state.folder.agreement(name)
    files = []
    for suffix in (".docx", ".pdf", ".md"):
        written = state.folder.out / f"{path.stem}{suffix}"
        if written.is_file():
            kind = {".docx": "Word", ".pdf": "PDF", ".md": "Markdown"}[suffix]
            files.append((kind, written.name, written.stat().st_size))
    return _page(
        state,
        "done.html",
        title="Your agreement is ready",
        name=name,
        files=files,
        finished=bool(files) and not roundtrip.load(path).get("incomplete"),
    )


async def download(request: Request) -> Response:
    state: State = request.app.state.slawriter
    path = state.folder.document(request.path_params["file"])
    if not path.is_file():
        raise NotFound("No such document: draft the agreement first.")
    return FileResponse(path, filename=path.name)


async def memo(request: Request) -> Response:
    state: State = request.app.state.slawriter
    name = request.path_params["name"]
    from slawriter.feasibility import check_agreements
    from slawriter.feasibility.memo import build_memo
    from slawriter.files.load import load_agreement
    from slawriter.library import Library
    from slawriter.render.registry import render

    path = state.folder.agreement(name)
    if not path.is_file():
        raise NotFound(f"There is no agreement file called {name} in this folder.")
    library = Library.locate(state.settings.library)
    checked = check_agreements([load_agreement(path, library)], library)
    data = render(build_memo(checked), "md")
    return Response(
        data,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{path.stem}-memo.md"'},
    )


# --- the application -----------------------------------------------------------------------


async def _slawriter_error(request: Request, exc: Exception) -> Response:
    state: State = request.app.state.slawriter
    if isinstance(exc, Forbidden):
        return _refused(state, str(exc), 403)
    if isinstance(exc, RefusedError):
        return _refused(state, exc.message, 403)
    if isinstance(exc, NotFound):
        return _page(state, "message.html", 404, title="Not found", message=exc.message)
    assert isinstance(exc, SlawriterError)
    lines = [exc.message] + [str(p) for p in exc.problems or []]
    return _page(
        state, "message.html", 400, title="Something needs fixing", message="\n".join(lines)
    )


def create_app(settings: Settings) -> Starlette:
    routes = [
        Route("/", start),
        Route("/new", new, methods=["POST"]),
        Route("/renew", renew, methods=["POST"]),
        Route("/a/{name}/", resume),
        Route("/a/{name}/s/{section}", section_page),
        Route("/a/{name}/s/{section}", section_save, methods=["POST"]),
        Route("/a/{name}/findings", findings_panel),
        Route("/a/{name}/accept", accept, methods=["POST"]),
        Route("/a/{name}/preview", preview),
        Route("/a/{name}/review", review),
        Route("/a/{name}/finish", finish, methods=["POST"]),
        Route("/a/{name}/done", done),
        Route("/a/{name}/memo", memo),
        Route("/out/{file}", download),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard)],
        exception_handlers={SlawriterError: _slawriter_error, Forbidden: _slawriter_error},
    )
    app.state.slawriter = State(settings)
    return app
