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
import shlex
import shutil
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from slawriter.errors import InputError, RefusedError, SlawriterError
from slawriter.files import roundtrip
from slawriter.files.output import display_path
from slawriter.files.roundtrip import plain
from slawriter.pipeline.session import TEAM_RULES, Session, in_their_words
from slawriter.pipeline.session import Request as Wanted
from slawriter.pipeline.warm import Stamp, Warm, stamp
from slawriter.web.anchors import field_id
from slawriter.web.folder import Folder, Listed, version

if TYPE_CHECKING:
    from slawriter.library import Library
    from slawriter.web import pages
    from slawriter.web.provider import ProviderFile
    from slawriter.wizard.answers import Item
    from slawriter.wizard.engine import Wizard

# The questions, the model and the wizard are imported by the pages that need them: the start
# page is drawn before they are loaded, so 'slawriter serve' shows it at once.

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
        self.warm = Warm()
        self.warmed = False
        self.counted: dict[Stamp, int] = {}  # answers to go, by the file's stamp
        self.renewals: dict[str, str] = {}  # a renewal's file -> the file it renews
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

    def library(self) -> Library:
        return self.warm.library(self.settings.library)

    def left(self, entry: Listed) -> int | None:
        """How many answers an unfinished agreement still needs (None: finished, or it
        cannot be opened); counted once per change of the file."""
        from slawriter.web import pages

        if entry.finished:
            return None
        key = stamp(self.folder.agreement(entry.name))
        if key is not None and key in self.counted:
            return self.counted[key]
        try:
            _session, wizard, _path = self.open(entry.name)
            count = len(pages.remaining(wizard))
        except SlawriterError:
            return None
        if key is not None:
            self.counted[key] = count
        return count

    def warm_up(self) -> None:
        """Read what every agreement page needs (see start)."""
        from slawriter.model.agreement import Agreement
        from slawriter.web import pages  # noqa: F401  (the model and the wizard)
        from slawriter.wizard.provider import find_provider

        try:
            library = self.library()
            questions = library.profiles_dir / "questions"
            for path in sorted(library.profiles_dir.glob("*.yaml")):
                self.warm.questions(questions, library.profile(path.stem).id, Agreement)
            self.warm.provider(find_provider(self.settings.provider), questions, self.today())
        except SlawriterError:
            pass  # said to the user on the page that needs it

    def session(self, wanted: Wanted) -> Session:
        from rich.console import Console

        console = Console(
            file=io.StringIO(), width=100, highlight=False, soft_wrap=True, emoji=False
        )
        return Session(wanted, None, self.today(), console, self.warm)

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
        await form.close()
        raise Forbidden(
            "This form is out of date or did not come from slawriter: reload the page and "
            "try again."
        )
    return form


class Forbidden(Exception):
    pass


def _refused(state: State, message: str, status: int) -> HTMLResponse:
    return _page(state, "message.html", status, title="Refused", message=message)


AGREEMENT_PAGES = ("section.html", "review.html", "done.html")  # headed by the customer


def _customer(state: State, name: str) -> str:
    """The customer's name in an agreement file (empty when not given or unreadable)."""
    try:
        data = roundtrip.plain(state.warm.peek(state.folder.agreement(name)))
    except (SlawriterError, OSError, ValueError):
        return ""
    about = data.get("customer") if isinstance(data, dict) else None
    found = about.get("name") if isinstance(about, dict) else None
    return str(found or "")


def _page(state: State, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("csrf", state.settings.csrf)
    context.setdefault("quote", quote)
    context.setdefault("field_id", field_id)
    if template in AGREEMENT_PAGES:
        context.setdefault("customer", _customer(state, str(context["name"])))
    html = state.templates.get_template(template).render(**context)
    return HTMLResponse(html, status)


# --- the start page ----------------------------------------------------------------------------


async def start(request: Request) -> Response:
    state: State = request.app.state.slawriter
    library = state.library()
    profiles = sorted(p.stem for p in library.profiles_dir.glob("*.yaml"))
    listed = [(entry, state.left(entry)) for entry in state.folder.agreements(state.warm.peek)]
    response = _page(
        state,
        "start.html",
        title="Agreements",
        folder=str(state.folder.root),
        listed=listed,
        renewable=[entry for entry, _left in listed if entry.finished],
        provider_ready=_provider_path(state).is_file(),
        profiles=profiles,
        message=request.query_params.get("message"),
    )
    if not state.warmed:
        # Once the first page is on screen: the questions, the model and the provider file
        # are read while the salesperson reads it, so the next click is quick. On the event
        # loop, not a thread: no request runs beside it (the readers share parsers).
        state.warmed = True

        async def warm_up() -> None:
            state.warm_up()

        response.background = BackgroundTask(warm_up)
    return response


def _provider_path(state: State) -> Path:
    from slawriter.wizard.provider import find_provider

    return find_provider(state.settings.provider)


async def new(request: Request) -> Response:
    state: State = request.app.state.slawriter
    form = await posted(request)
    if not _provider_path(state).is_file():  # a new user: their company's details come first
        return RedirectResponse("/provider/", 303)
    from slawriter.wizard.fields import slug

    customer = " ".join(str(form.get("customer", "")).split())
    profile = str(form.get("profile", ""))
    if not customer:
        return await _start_with(request, "Give the customer's legal name to start.", 422)
    base = slug(customer)
    for suffix in ("ltd", "limited", "llc", "inc", "plc"):
        base = base.removesuffix(f"-{suffix}")
    existing = state.folder.agreement(f"{base}.yaml")
    if existing.is_file() and str(form.get("second", "")) != "yes":
        # The same customer again is most often the same deal come back to: offer it first.
        return _page(
            state,
            "exists.html",
            409,
            title="Already started",
            customer=customer,
            profile=profile,
            existing=existing.name,
            finished=not roundtrip.load(existing).get("incomplete"),
        )
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
        state.renewals[name] = source.name
    return RedirectResponse(f"/a/{quote(name)}/s/agreement?renewal=1", 303)


async def _start_with(request: Request, message: str, status: int) -> Response:
    state: State = request.app.state.slawriter
    return _page(state, "message.html", status, title="Not started", message=message, back="/")


# --- an agreement ------------------------------------------------------------------------------


async def resume(request: Request) -> Response:
    from slawriter.web import pages

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
    from slawriter.web import pages

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
        "left": _to_go(name, wizard) if count_left else None,
        "version": state.remember(path),
        "elsewhere": elsewhere,
        "errors": errors or {},
        "labels": _labels(items),
    }


def _to_go(name: str, wizard: Wizard) -> list[tuple[str, str | None]]:
    """The answers to go (the engine's: what no default gives), each with where it is asked:
    the same list on every section page and the review, and its length on the start page."""
    from slawriter.web import pages

    out = []
    for path, _prompt in pages.remaining(wizard):
        found = wizard.locate(path)
        section = wizard.questions.section_by_id.get(found[0].section or "") if found else None
        label = pages.where(wizard, path) + (f" ({section.title})" if section else "")
        out.append((label, _link(name, wizard, path)))
    return out


def _labels(items: list[Any]) -> dict[str, str]:
    from slawriter.web import pages

    labels: dict[str, str] = {}
    for entry in items:
        if isinstance(entry, pages.GroupField):
            labels |= {
                f.name: f"{f.label} ({entry.item_name.capitalize()} {row.index + 1})"
                for row in entry.items
                for f in row.fields
            }
        else:
            labels[entry.name] = entry.label
    return labels


def _link(name: str, wizard: Wizard, path: str) -> str | None:
    """The address of the question that sets a field path (for findings and problems)."""
    from slawriter.web import pages

    found = wizard.locate(path)
    if found is None:
        return None
    question, item, sub = found
    anchor = field_id(question.key)
    if item is not None and sub is not None:
        anchor = field_id(pages.field_name(wizard, sub, item))
    return f"/a/{quote(name)}/s/{question.section}#{anchor}"


async def section_page(request: Request) -> Response:
    from slawriter.web import pages

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
    state: State,
    session: Session | ProviderFile,
    wizard: Wizard,
    section_id: str,
    form: FormData,
) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Store the section's posted answers; the refused ones and the dependents asked again."""
    from slawriter.web import pages
    from slawriter.wizard.answers import Item, to_loc
    from slawriter.wizard.handlers import handler_for

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
            if question.key == "agreement.reference" and _old_reference(state, session, form):
                name = pages.field_name(wizard, question, None)
                old = _old_reference(state, session, form)
                errors[name] = (
                    str(form.get(name, "")),
                    f"The renewal needs its own reference: the old agreement uses {old}.",
                )
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


def _old_reference(state: State, session: Session | ProviderFile, form: FormData) -> str | None:
    """The reference of the agreement this one renews, when the form gives it back (the
    terminal asks until the renewal has its own)."""
    if session.path is None:
        return None
    typed = " ".join(str(form.get("agreement.reference", "")).split())
    source = state.renewals.get(session.path.name)
    if source is None and session.path.stem.rpartition("-renewal")[1]:
        # Started before this server was: the name 'slawriter serve' gave it says.
        source = f"{session.path.stem.rpartition('-renewal')[0]}{session.path.suffix}"
    if not typed or source is None:
        return None
    try:
        old = roundtrip.plain(state.warm.peek(state.folder.agreement(source)))
    except (SlawriterError, OSError):
        return None
    reference = (old.get("agreement") or {}).get("reference") if isinstance(old, dict) else None
    return str(reference) if reference is not None and str(reference) == typed else None


def _store_one(
    wizard: Wizard,
    question: Any,
    item: Item | None,
    form: FormData,
    shown: set[str],
    errors: dict[str, tuple[str, str]],
    again: dict[str, str],
) -> None:
    from slawriter.web import pages

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
    from slawriter.web import pages

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
        title = pages.where(wizard, key)
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
            if now is None or _differs(now, name, form):
                return True
    return False


def _differs(now: pages.Field, name: str, form: FormData) -> bool:
    """True when the form posts another answer for ``name`` than the field shows."""
    if now.kind == "checkboxes":
        return {str(v) for v in form.getlist(name)} != {v for v, _, on in now.choices if on}
    if now.kind == "select":
        return str(form.get(name, "")) != next((v for v, _, on in now.choices if on), "")
    return _lines(str(form.get(name, ""))) != _lines(now.value)


def _typed_here(
    state: State, wizard: Wizard, path: Path, based_on: str, form: FormData
) -> set[str]:
    """The fields of a refused form whose answer the user changed on the page (the others
    show the answer now in the file, so another tab's change is not undone by saving again)."""
    from slawriter.wizard.engine import Wizard as Engine

    shown = {str(name) for name in form.getlist("shown")}
    before_bytes = state.seen.get((str(path), based_on))
    if before_bytes is None:
        return shown  # what the page showed is unknown: keep all that was typed
    before = roundtrip.loads(before_bytes.decode("utf-8"), path)
    base = Engine(wizard.questions, before, wizard.sources, wizard.model, lambda: None)
    was = _fields(state, base)
    return {name for name in shown if name not in was or _differs(was[name], name, form)}


def _lines(text: str) -> str:
    """Typed text as compared for a conflict: a text area posts CRLF line ends (the HTML
    standard) and an address is shown on one line but typed on several, so only the words
    count, never the white space between them."""
    return " ".join(text.split())


def _fields(state: State, wizard: Wizard) -> dict[str, pages.Field]:
    """Every field of every section as the pages would show it now."""
    from slawriter.web import pages

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
    from slawriter.web import pages

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
            pages.keep_typed(
                context["items"], form, _typed_here(state, wizard, path, based_on, form)
            )
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
        target += f"#{field_id(action.split(':')[1])}"
    elif anchor:
        target += f"#{anchor}"
    return RedirectResponse(target, 303)


def _names(items: list[Any]) -> set[str]:
    """The names of the fields on a page (what its form posts as 'shown')."""
    from slawriter.web import pages

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
    team: bool = False  # fixed where the team's hours are too (the provider file)


def _findings(
    state: State, name: str, session: Session, wizard: Wizard, path: Path
) -> dict[str, Any]:
    """The feasibility findings and validation problems, in the user's words."""
    from slawriter.feasibility import check_agreement
    from slawriter.files.load import load_agreement
    from slawriter.web import pages

    library = state.library()
    problems: list[tuple[str, str, str | None]] = []
    try:
        loaded = load_agreement(path, library)
    except InputError as error:
        for problem in error.problems or []:
            where = pages.where(wizard, problem.path) if problem.path else problem.file
            link = _link(name, wizard, problem.path) if problem.path else None
            problems.append((where, f"{where}: {pages.in_words(problem.message)}", link))
        if not error.problems:
            problems.append(("", error.message, None))
        return {"problems": problems, "findings": [], "valid": False}
    accepted = session.accepted_risks()
    shown = []
    for finding in check_agreement(loaded, library):
        links = []
        for field_path in finding.paths:
            title = pages.where(wizard, field_path) if wizard.locate(field_path) else None
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
                team=finding.id in TEAM_RULES,
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
        library = state.library()
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
    from slawriter.pipeline.render import render_outputs

    path = state.folder.agreement(name)
    if not path.is_file():
        raise NotFound(f"There is no agreement file called {name} in this folder.")
    library = state.library()
    try:
        loaded = load_agreement(path, library)
        html = render_outputs(loaded, library, ["html"], allow_draft=True)["html"]
    except SlawriterError as error:
        from slawriter.web import pages

        _session, wizard, _path = state.open(name)
        problems = [
            (pages.where(wizard, p.path) if p.path else p.file, pages.in_words(p.message))
            for p in error.problems or []
        ]
        return _page(
            state, "preview-missing.html", 200, title="Preview", error=error, problems=problems
        )
    response = Response(html, media_type="text/html")
    # The document is data, never a program: no script runs in the preview.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox"
    )
    return response


async def review(request: Request) -> Response:
    from slawriter.web import pages
    from slawriter.wizard.answers import to_loc

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
                text = wizard.answer_text(question)
                if text == "(not answered)":
                    text = pages.default_text(wizard, question) or text
                answers.append((question.title, [text], _link(name, wizard, question.key)))
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
        left=_to_go(name, wizard),
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
    files = _written(state, path.stem, (".docx", ".pdf", ".md"))
    reports = sorted(
        {f for f in _written(state, f"{path.stem}-*", (".docx", ".md")) if _is_report(f[1])},
        key=lambda f: f[1],
    )
    book = _written(state, f"{path.stem}-clause-book", (".docx",))
    return _page(
        state,
        "done.html",
        title="Your agreement is ready",
        name=name,
        files=files,
        reports=reports,
        book=book,
        presets=_presets(state),
        period=_last_month(state.today()),
        shell_name=shlex.quote(name),
        finished=bool(files) and not roundtrip.load(path).get("incomplete"),
    )


def _written(state: State, stem: str, suffixes: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """Documents in out/ named ``stem`` (a glob) with one of ``suffixes``: kind, name, size."""
    kinds = {".docx": "Word", ".pdf": "PDF", ".md": "Markdown"}
    found = []
    for suffix in suffixes:
        for written in sorted(state.folder.out.glob(f"{stem}{suffix}")):
            if written.is_file():
                found.append((kinds[suffix], written.name, written.stat().st_size))
    return found


def _is_report(file: str) -> bool:
    """AGREEMENT-2027-01.docx or AGREEMENT-2027-Q1.md: a compliance report's name."""
    import re

    return re.search(r"-\d{4}-(?:\d{2}|Q[1-4])\.(?:docx|md)$", file) is not None


def _last_month(today: date) -> str:
    first = today.replace(day=1)
    previous = date.fromordinal(first.toordinal() - 1)
    return f"{previous.year:04d}-{previous.month:02d}"


def _presets(state: State) -> list[str]:
    from slawriter.measure.presets import preset_files

    return list(preset_files(state.library().root))


async def book(request: Request) -> Response:
    """The clause book (every clause and variant) with this agreement's values filled in."""
    state: State = request.app.state.slawriter
    await posted(request)
    name = request.path_params["name"]
    from slawriter.review.book import write_book

    path = state.folder.agreement(name)
    if not path.is_file():
        raise NotFound(f"There is no agreement file called {name} in this folder.")
    out = state.folder.document(f"{path.stem}-clause-book.docx")
    with state.lock:
        out.parent.mkdir(exist_ok=True)
        write_book(state.library(), out, [path], force=True, today=state.today())
    return RedirectResponse(f"/a/{quote(name)}/done#book", 303)


async def report(request: Request) -> Response:
    """The compliance report of one month or quarter from a ticket export (and an outage
    log), as 'slawriter report' writes it."""
    state: State = request.app.state.slawriter
    form = await posted(request)
    try:
        return await _report(state, form, request.path_params["name"])
    finally:
        await form.close()  # the uploads' temporary files


async def _report(state: State, form: FormData, name: str) -> Response:
    import re
    from datetime import datetime, time

    from starlette.datastructures import UploadFile

    from slawriter.files.output import write_atomic
    from slawriter.measure.run import measure_files

    path = state.folder.agreement(name)
    if not path.is_file():
        raise NotFound(f"There is no agreement file called {name} in this folder.")
    back = f"/a/{quote(name)}/done#report"
    period = str(form.get("period", "")).strip().upper()
    if not re.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2]|Q[1-4])", period):
        return _page(
            state,
            "message.html",
            422,
            title="No report",
            message=f"The period '{period}' is not a month (2027-01) or a quarter (2027-Q1).",
            back=back,
        )
    preset = str(form.get("preset", "")) or None
    if preset is not None and preset not in _presets(state):
        preset = None
    uploads: dict[str, Path] = {}
    out = state.folder.out
    for field_name in ("tickets", "outages"):
        upload = form.get(field_name)
        if not isinstance(upload, UploadFile) or not upload.filename:
            continue
        data = await upload.read()
        if not data:
            continue
        # Kept beside the report: its record names and hashes the exports it was made from.
        kept = out / f"{path.stem}-{period}-{field_name}.csv"
        out.mkdir(exist_ok=True)
        write_atomic(kept, data)
        uploads[field_name] = kept
    if "tickets" not in uploads:
        return _page(
            state,
            "message.html",
            422,
            title="No report",
            message="Choose the ticket export (a CSV file) to measure.",
            back=back,
        )
    now = (
        datetime.combine(state.settings.today, time(23, 59))
        if state.settings.today
        else datetime.now()
    )
    with state.lock:
        measure_files(
            path,
            state.library(),
            tickets=uploads["tickets"],
            outages=uploads.get("outages"),
            period=period,
            as_of=now,
            preset=preset,
            out_dir=out,
            formats=("docx", "md"),
        )
    return RedirectResponse(back, 303)


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
    from slawriter.render.registry import render

    path = state.folder.agreement(name)
    if not path.is_file():
        raise NotFound(f"There is no agreement file called {name} in this folder.")
    library = state.library()
    checked = check_agreements([load_agreement(path, library)], library)
    data = render(build_memo(checked), "md")
    return Response(
        data,
        media_type="text/markdown; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{path.stem}-memo.md"'},
    )


# --- your company's details (the provider file) ------------------------------------------------


def _provider_file(state: State) -> ProviderFile:
    from slawriter.web.provider import ProviderFile
    from slawriter.wizard.provider import find_provider

    questions = state.library().profiles_dir / "questions"
    return ProviderFile(
        find_provider(state.settings.provider), questions, state.today(), state.warm
    )


def _back(value: str) -> str:
    """Where to go once the details are saved: a page of an agreement, else the start."""
    return value if value.startswith("/a/") and "//" not in value else "/"


async def provider_start(request: Request) -> Response:
    from slawriter.web import pages

    state: State = request.app.state.slawriter
    file = _provider_file(state)
    shown = [s.id for s in pages.sections(file.wizard)]
    target = shown[0]
    for key, _prompt in pages.remaining(file.wizard):
        found = file.wizard.locate(key)
        if found is not None and found[0].section in shown:
            target = found[0].section
            break
    back = quote(_back(request.query_params.get("back", "")), safe="/")
    return RedirectResponse(f"/provider/s/{target}?back={back}", 303)


def _provider_context(
    state: State,
    file: ProviderFile,
    section_id: str,
    back: str,
    errors: dict[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    from slawriter.web import pages

    wizard = file.wizard
    if section_id not in wizard.questions.section_by_id:
        raise NotFound(f"There is no section '{section_id}'.")
    shown = pages.sections(wizard)
    ids = [s.id for s in shown]
    items: list[Any] = [
        pages.build_group(wizard, q, errors)
        if q.type == "group"
        else pages.build_field(wizard, q, None, errors)
        for q in pages.section_questions(wizard, section_id)
    ]
    number = ids.index(section_id) + 1 if section_id in ids else 0
    return {
        "name": "",
        "file": display_path(file.path),
        "new": file.new,
        "section": wizard.questions.section_by_id[section_id],
        "sections": shown,
        "number": number,
        "total": len(shown),
        "previous": ids[number - 2] if number > 1 else None,
        "next": ids[number] if 0 < number < len(ids) else None,
        "items": items,
        "left": None,
        "version": "",
        "elsewhere": [],
        "errors": errors or {},
        "labels": _labels(items),
        "back": back,
        "form_action": f"/provider/s/{section_id}",
        "autosave": False,
        "problems": [],
    }


async def provider_page(request: Request) -> Response:
    from slawriter.web import pages

    state: State = request.app.state.slawriter
    section_id = request.path_params["section"]
    back = _back(request.query_params.get("back", ""))
    with state.lock:
        file = _provider_file(state)
        if section_id in file.wizard.questions.section_by_id and not file.new:
            with file.batch():
                pages.fill_groups(file.wizard, section_id)
    context = _provider_context(state, file, section_id, back)
    return _page(state, "provider.html", title=context["section"].title, **context)


async def provider_save(request: Request) -> Response:
    from slawriter.web import pages

    state: State = request.app.state.slawriter
    form = await posted(request)
    section_id = request.path_params["section"]
    back = _back(str(form.get("back", "")))
    with state.lock:
        file = _provider_file(state)
        if section_id not in file.wizard.questions.section_by_id:
            raise NotFound(f"There is no section '{section_id}'.")
        errors, _again = _save(state, file, file.wizard, section_id, form)
        if not errors and file.new:
            with file.batch():  # a new file gets the default rows its groups offer
                for section in pages.sections(file.wizard):
                    pages.fill_groups(file.wizard, section.id)
    action = str(form.get("action", "save"))
    context = _provider_context(state, file, section_id, back, errors)
    if errors:
        return _page(state, "provider.html", 422, title=context["section"].title, **context)
    target = f"/provider/s/{section_id}"
    if verb_of(action) in ("add", "remove"):
        target += f"?back={quote(back, safe='/')}#{field_id(action.split(':')[1])}"
        return RedirectResponse(target, 303)
    if action == "next" and context["next"]:
        return RedirectResponse(f"/provider/s/{context['next']}?back={quote(back, safe='/')}", 303)
    if action == "next":
        problems = file.problems()
        left = pages.remaining(file.wizard)
        if problems or left:
            context["problems"] = [
                *(f"{prompt}: an answer is needed" for _k, prompt in left),
                *problems,
            ]
            return _page(state, "provider.html", 422, title=context["section"].title, **context)
        message = f"Saved your company's details in {file.path.name}."
        if back != "/":
            return RedirectResponse(back, 303)
        return RedirectResponse(f"/?message={quote(message)}", 303)
    return RedirectResponse(f"{target}?back={quote(back, safe='/')}", 303)


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
        Route("/a/{name}/book", book, methods=["POST"]),
        Route("/a/{name}/report", report, methods=["POST"]),
        Route("/out/{file}", download),
        Route("/provider/", provider_start),
        Route("/provider/s/{section}", provider_page),
        Route("/provider/s/{section}", provider_save, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard)],
        exception_handlers={SlawriterError: _slawriter_error, Forbidden: _slawriter_error},
    )
    app.state.slawriter = State(settings)
    return app
