"""The decision page: a person decides from the link in their mail, on a phone, without JavaScript.

Routes (Danish paths, as people see them):

- ``GET /beslut/{token}`` shows what is being decided, the proposal in brief, its findings, the advice
  and decisions so far, the documents and the form. A GET never records anything: mail systems'
  link scanners open every URL first.
- ``POST /beslut/{token}`` records the decision as the link's recipient (channel ``mail-link``,
  identity established by the link), through the same rules as every channel, then answers with a
  redirect to the GET, which shows what was recorded and what happens next.
- ``GET /dokument/{token}`` serves one document through a signed link.
- ``GET /tilgaengelighed`` is the accessibility statement (tilgængelighedserklæring), linked from every
  page's footer with the secretariat's address.

Every page meets WCAG 2.1 AA (checked by axe-core in the browser tests, decided with the keyboard alone
and at 200 % zoom): landmarks and a skip link, every field labelled with its help tied to it, errors
listed above the form and linked to their fields, the case in brief before the form.

Every refusal — a tampered, expired, used or foreign link, a closed gate, a form with errors, an
oversized upload, a missing CSRF token — is a Danish page that says what is wrong and what to do; it
records nothing, and it is written to the proposal's audit trail when the link names one.

Protection: the link's signature and its single-use row (``dmpg.state.links``); a CSRF token in every form,
bound to a SameSite=Strict cookie; responses that are never cached, framed or given a referrer; a
content security policy that allows nothing but our own stylesheet.
"""

from __future__ import annotations

import hmac
import logging
import secrets
import tempfile
import time
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from core.errors import InputError, UserError
from core.files import MAX_DOCX_BYTES, MAX_TEXT_BYTES, format_size
from core.identity import same_address
from core.settings import get_settings
from core.text import capitalise, danish_date
from dmpg.interfaces.web.page import (
    Page,
    appointments_payload,
    build_page,
    payload_from_form,
)
from dmpg.mail.outbox import reply_address
from dmpg.services.decisions import read_decision_file, record_decision, wake_recorded
from dmpg.services.meetings import approve_minutes
from dmpg.state import links
from dmpg.state.agenda import get_meeting, meeting_context
from forms.gates import GATES
from models import ledger
from models.ledger import LinkTaken
from models.vocabulary import EventKind

log = logging.getLogger("dmpg.web")

CSRF_COOKIE = "dmpg_csrf"
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the other fields around an upload
MAX_FORM_FIELDS = 100  # the appointments page posts 5 fields for each of 12+ members, the director, the kickoff
IN_FLIGHT_SECONDS = 5.0  # how long a second POST through a link waits for the first one's decision
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def _templates():  # noqa: ANN202 - a jinja2 environment
    env = SandboxedEnvironment(loader=FileSystemLoader(str(get_settings().templates_dir / "web")),
                               autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["dato"] = danish_date
    env.filters["stort"] = capitalise
    return env


def _html(template: str, status: int = 200, context: dict[str, Any] | None = None, **more: Any) -> HTMLResponse:
    body = _templates().get_template(template).render(**{"contact": _contact(), **(context or {}), **more})
    return HTMLResponse(body, status_code=status)


def _contact() -> str | None:
    """Whom a person asks: the secretariat's address (every page's footer names it)."""
    return reply_address()


def _person(email: str | None) -> str:
    """``Anne Holm (anne@region.dk)`` as the roster names them; the address alone otherwise."""
    if not email:
        return ""
    try:
        found = ledger.roster().person(email)
    except UserError:
        found = None
    name = found[1].name if found else None
    return f"{name} ({email})" if name and name != email else str(email)


def _what_was_decided(row: Any) -> dict[str, Any]:
    """``{"decided": {what, outcome, by, at, meeting_date}}`` when the link's round (or meeting's minutes)
    has been decided — a used or closed link's page says what was decided, by whom and when — else ``{}``."""
    if row is None:
        return {}
    if row.purpose == "minutes":
        meeting = ledger.find_meeting(row.meeting_id)
        if meeting is None or meeting.approved_at is None:
            return {}
        return {"decided": {"what": "Godkendelse af referatet", "outcome": "Godkendt", "by": _person(meeting.approved_by),
                            "at": meeting.approved_at, "meeting_date": None}}
    decided = ledger.decision(row.proposal_id, row.gate, row.round) if row.gate in GATES else None
    if decided is None:
        return {}
    gate = GATES[row.gate]
    return {"decided": {"what": f"{gate.label} (runde {row.round})", "outcome": gate.outcome(decided.outcome).label,
                        "by": _person(decided.recorded_by), "at": decided.at,
                        "meeting_date": decided.payload.get("meeting_date")}}


def create_app() -> FastAPI:
    """The decision page's ASGI app (``python -m dmpg.interfaces.web`` serves it with uvicorn)."""
    app = FastAPI(title="DMPG beslutninger", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def protect(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.get("/healthz")
    def health() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/", response_class=HTMLResponse)
    def home() -> HTMLResponse:
        return _html("home.html.j2")

    @app.get("/tilgaengelighed", response_class=HTMLResponse)
    def accessibility() -> HTMLResponse:
        return _html("accessibility.html.j2", public_url=get_settings().public_base_url)

    @app.get("/dmpg.css")
    def stylesheet() -> FileResponse:
        return FileResponse(get_settings().templates_dir / "web" / "dmpg.css", media_type="text/css")

    @app.get("/beslut/{token}", response_class=HTMLResponse)
    def show(request: Request, token: str) -> HTMLResponse:
        try:
            link = links.verify(token)
        except links.LinkRefused as refused:
            if refused.reason == "used" and (recorded := _recorded_through(refused.link)):
                return _html(*recorded)
            return _refusal(refused)
        csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        if link.row.purpose == "minutes":
            response = _html("minutes.html.j2", minutes=_minutes(link.row), token=token, csrf=csrf)
        else:
            page = build_page(link.row)
            response = _html(page.template, page=page, token=token, csrf=csrf)
        _set_csrf_cookie(response, csrf)
        return response

    @app.post("/beslut/{token}", response_class=HTMLResponse)
    async def decide(request: Request, token: str) -> Response:
        try:
            link = await run_in_threadpool(links.verify, token)
        except links.LinkRefused as refused:
            if refused.reason == "used" and (recorded := await run_in_threadpool(_recorded_through, refused.link,
                                                                                 IN_FLIGHT_SECONDS)):
                return _html(*recorded)
            return await run_in_threadpool(_refusal, refused)
        takes_file = link.row.gate in GATES and GATES[link.row.gate].takes_form  # a Word form, else fields
        limit = (MAX_DOCX_BYTES if takes_file else MAX_TEXT_BYTES) + FORM_OVERHEAD
        length = request.headers.get("content-length")
        if length is None or not length.isdigit() or int(length) > limit:
            return await run_in_threadpool(
                _refusal, links.LinkRefused("too_large", f"Det indsendte er for stort (højst {format_size(limit)}). "
                                                         "Er det den rigtige fil?", link), 413)
        form = await request.form(max_files=1, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_TEXT_BYTES)
        sent = form.get("csrf") or ""
        cookie = request.cookies.get(CSRF_COOKIE) or ""
        if not cookie or not hmac.compare_digest(str(sent), cookie):
            return await run_in_threadpool(
                _refusal, links.LinkRefused("csrf", "Siden kunne ikke bekræftes (den er for gammel, eller din browser "
                                                    "afviser cookies). Åbn linket i din e-mail igen.", link), 403)
        if link.row.purpose == "minutes":
            return await run_in_threadpool(_approve, link)
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        upload = form.get("fil")
        data = await upload.read(limit + 1) if upload is not None and not isinstance(upload, str) else None
        name = upload.filename if data is not None else None
        return await run_in_threadpool(_record, link, fields, data, name, cookie)

    @app.get("/dokument/{token}")
    def document(token: str) -> Response:
        try:
            document_id, proposal_id = links.verify_document(token)
        except links.LinkRefused as refused:
            return _refusal(refused)
        row = ledger.document_by_id(document_id)
        if row is None or row.proposal_id != proposal_id or not Path(row.path).is_file():
            return _html("refused.html.j2", 404, title="Dokumentet findes ikke",
                         message="Dokumentet findes ikke længere. Skriv til sekretariatet.")
        return FileResponse(row.path, filename=Path(row.path).name,
                            media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")

    return app


def _record(link: links.Link, fields: dict[str, str], upload: bytes | None, filename: str | None,
            csrf: str) -> Response:
    """Record the posted decision through the link, or show the form again with what is wrong."""
    row = link.row
    page = build_page(row)
    try:
        payload = _payload(page, fields, upload, filename)
    except InputError as exc:
        return _form_again(link, page, fields, [(path or "Filen", message) for path, message in exc.problems], csrf)
    try:
        # The link's use and the decision are one act: one transaction records both, or neither.
        recorded = record_decision(row.proposal_id, row.gate, payload, channel="mail-link", identity="link",
                                   detail={"link": row.id}, ref=f"link-{row.id}", wake_now=False, link=row.id)
    except LinkTaken:  # another request through the same link came first: show what it recorded
        return RedirectResponse(f"/beslut/{link.token}", status_code=303)
    except UserError as exc:
        if _recorded_page(link) is not None:  # two taps: the other one recorded it, and closed the gate
            return RedirectResponse(f"/beslut/{link.token}", status_code=303)
        problems = getattr(exc, "problems", None) or [("", str(exc))]
        return _form_again(link, page, fields, problems, csrf)
    # The decision stands once it is in the ledger: the person gets their answer now, and the flow run
    # is woken right after (if Prefect is slow or away, the recovery sweep wakes it later).
    return RedirectResponse(f"/beslut/{link.token}", status_code=303,
                            background=BackgroundTask(wake_recorded, recorded))


def _minutes(row: Any) -> dict[str, Any]:
    """What the chair reads before approving: the meeting and each decision in its minutes, in Danish."""
    meeting = get_meeting(row.meeting_id)
    decisions = [{"proposal": d["proposal"], "title": _title(d["proposal"]), "what": GATES[d["gate"]].label,
                  "outcome": GATES[d["gate"]].outcome(d["decision"]).label, "rationale": d["rationale"]}
                 for d in meeting.minutes["decisions"]]
    return {**meeting_context(meeting), "decisions": decisions, "recipient": row.recipient,
            "taken_by": meeting.minutes_by}


def _title(proposal_id: str) -> str:
    return ledger.get_proposal(proposal_id).title


def _approve(link: links.Link) -> Response:
    """The chair approves the minutes through their link: the meeting's decisions take effect."""
    if not links.consume(link):
        return RedirectResponse(f"/beslut/{link.token}", status_code=303)
    try:
        approve_minutes(link.row.meeting_id, by=link.recipient)
    except UserError as exc:
        links.release(link)
        return _html("refused.html.j2", 409, title="Referatet kunne ikke godkendes", message=str(exc))
    return RedirectResponse(f"/beslut/{link.token}", status_code=303)


def _payload(page: Page, fields: dict[str, str], upload: bytes | None, filename: str | None) -> dict[str, Any]:
    """The gate's input from the form (the appointments page's own, or a gate's fields), or the uploaded
    file (checked like any input file)."""
    if page.appointments is not None:
        return appointments_payload(fields, page.recipient, len(page.appointments["rows"]))
    if page.upload is None:
        return payload_from_form(page.gate, fields, page.recipient)
    if not upload:
        raise InputError("", [("Filen", "vælg filen, før du sender")])
    suffix = Path(filename or "").suffix.lower()
    allowed = (page.gate.upload,) if page.gate.upload else (".yaml", ".yml", ".json")
    if suffix not in allowed:
        raise InputError("", [("Filen", f"forventede en fil af typen {', '.join(allowed)}; fik {suffix or 'ingen endelse'}")])
    with tempfile.TemporaryDirectory(prefix="dmpg-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(upload)

        return read_decision_file(path, page.gate.name, page.recipient)


def _form_again(link: links.Link, page: Page, fields: dict[str, str], problems: list, csrf: str) -> HTMLResponse:
    labels = {f.name: f.label for f in page.fields}
    page.values = fields
    page.problems = [(labels.get(path.split(".")[0], path), message) for path, message in problems]
    ledger.record_event(
        page.proposal_id, key=f"{page.proposal_id}:link_refused:{uuid.uuid4().hex}", kind=EventKind.LINK_REFUSED,
        gate=page.gate.name, round=page.round, by=page.recipient,
        detail={"reason": "invalid", "channel": "mail-link", "link": link.row.id,
                "problems": [list(p) for p in page.problems]},
    )
    response = _html(page.template, 422, page=page, token=link.token, csrf=csrf)
    _set_csrf_cookie(response, csrf)
    return response


def _recorded_through(link: links.Link | None, wait: float = 0.0) -> tuple[str, int, dict[str, Any]] | None:
    """The page shown after ``link`` recorded what it was for (template, status, context), else None.
    ``wait``: seconds to wait for it, for a POST that found the link taken by another POST still
    recording (two taps, two tabs): both are then shown the outcome."""
    deadline = time.monotonic() + wait
    while (shown := _recorded_page(link)) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    return shown


def _recorded_page(link: links.Link | None) -> tuple[str, int, dict[str, Any]] | None:
    row = link.row if link is not None else None
    if row is not None and row.purpose == "minutes":
        meeting = ledger.find_meeting(row.meeting_id)
        if meeting is None or not same_address(meeting.approved_by, row.recipient):
            return None
        return "minutes_approved.html.j2", 200, {**_minutes(row), "at": meeting.approved_at}
    decided = ledger.decision(row.proposal_id, row.gate, row.round) if row is not None and row.gate else None
    if decided is None or decided.detail.get("link") != row.id:
        return None
    gate = GATES[row.gate]
    outcome = gate.outcome(decided.outcome)
    text = decided.payload.get("rationale") or decided.payload.get("summary") or decided.payload.get("statement") or ""
    return "recorded.html.j2", 200, {"proposal_id": row.proposal_id, "title": ledger.get_proposal(row.proposal_id).title,
                                     "gate": gate, "outcome": outcome, "text": text, "by": _person(decided.recorded_by),
                                     "at": decided.at, "meeting_date": decided.payload.get("meeting_date")}


def _refusal(refused: links.LinkRefused, status: int = 410) -> HTMLResponse:
    """The Danish page for a refused link, written to the audit trail when it names a proposal."""
    row = refused.link.row if refused.link is not None else None
    if row is not None and row.proposal_id:
        # Once per link and reason: mail scanners and reloads GET a dead link again and again, and the audit
        # trail must not grow with them.
        ledger.record_event(
            row.proposal_id, key=f"{row.proposal_id}:link_refused:{row.id}:{refused.reason}",
            kind=EventKind.LINK_REFUSED, gate=row.gate, round=row.round, by=row.recipient,
            detail={"reason": refused.reason, "channel": "mail-link", "link": row.id},
        )
    else:
        log.warning("decision link refused (%s)", refused.reason)
    titles = {"tampered": "Linket er ikke gyldigt", "unknown": "Linket kendes ikke", "expired": "Linket er udløbet",
              "used": "Linket er allerede brugt", "closed": "Beslutningen er ikke længere åben",
              "too_large": "For stor fil", "csrf": "Siden skal åbnes igen"}
    status = {"tampered": 404, "unknown": 404, "csrf": 403, "too_large": 413}.get(refused.reason, status)
    return _html("refused.html.j2", status, title=titles.get(refused.reason, "Linket virker ikke"), message=str(refused),
                 **(_what_was_decided(row) if refused.reason in ("used", "closed") else {}))


def _set_csrf_cookie(response: Response, value: str) -> None:
    secure = get_settings().public_base_url.startswith("https://")
    response.set_cookie(CSRF_COOKIE, value, httponly=True, samesite="strict", secure=secure, max_age=86400)
