"""Personal data (GDPR): everything the engine holds about one person, exported; removed or pseudonymised
where no record must be kept; and each ended case pseudonymised when its retention time has run out.

A person is their e-mail address, compared as ``core.identity.fold_address`` does. What the engine
holds about them: their roster entries (and an organisation's contact), the proposals naming them (a
proposer, a proposed or appointed director, an appointed member or chair), the decisions they recorded
or that name them, the audit trail's events naming them, the mails to them (the outbox), the documents
naming them (their text is searched for the address and the person's names), their decision links and
the meetings whose minutes they recorded or approved.

What a Danish region must keep, and so what ``erase`` keeps
-----------------------------------------------------------
The engine is where a region's secretariat handles a case: a proposal for a new DMPG is an
administrative case of public authorities. Its record — the form as received, the letters and memos
sent, each decision and who made it, the order of events (the audit trail) — documents the case
handling, which the region must be able to show (journaliseringspligt, offentlighedsloven § 15; notat-
pligt § 13) and keep under the archives act (arkivloven) until its records are handed over to the
archive or discarded. The right to erasure does not reach such records (GDPR art. 17(3)(b) and (e);
databeskyttelsesloven). So:

- **Kept as the record** while a proposal is open and for ``DMPG_RETENTION_YEARS`` (default 5) after it
  ended (established, rejected, or its gate expired): its form, decisions, audit trail, documents and
  meetings. ``erase`` names these proposals and the date their record is pseudonymised. The region's
  records also live in its ESDH system, where the secretariat journalises the documents; that copy is
  governed by the region's archive plan, not by this engine.
- **Removed or pseudonymised by** ``erase`` (no record needs them): the copies of mails to the person in
  the outbox (subject, text and attachments cleared, the address replaced by a pseudonym; the row stays
  as the evidence that a mail of that kind went out), their decision links (deleted; a link through
  which a decision was recorded keeps its row, with the pseudonym, as the record of how it was made),
  the technical journal of ended proposals (deleted; of open ones, their address replaced), and the
  privacy log's earlier entries about them. Prefect keeps a run's parameters (the form) until its
  database vacuum deletes the run, 90 days after it ended (``dmpg up`` and ``deploy/dmpg.env``).
- **Refused** while the person is on the roster (its file is the roster's source: remove them there)
  or is a party to an open proposal (a proposer, or appointed in it): they take part in a case that is
  still being handled.
- **After the retention time** (:func:`apply_retention`, run by the daily ``dmpg-reminders`` flow and by
  ``dmpg person retention``): every person in the proposal's record is replaced by a pseudonym
  (``person-3fa9c1d2@slettet.invalid``, "Slettet person 3fa9c1d2"; the same person keeps one pseudonym
  within a run, so the audit trail still reads), the documents' files are deleted (their rows keep the
  sha256), mails are cleared, links and the journal deleted. The audit trail is kept, pseudonymised;
  the group stays in the registry (which names no person). Free text a person wrote (a rationale) is
  kept as it is. Pseudonyms are random and kept nowhere: they cannot be turned back into the address.

Every export, erasure and retention run is written to the privacy log (``models.tables.PrivacyAction``)
and, for erasures and retention, as an event in each proposal it touched. Plain Python, no Prefect.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from core import clock
from core.errors import UserError
from core.identity import fold_address
from core.settings import get_settings
from core.text import slugify
from dmpg.documents.naming import document_title, kind
from dmpg.documents.persondata import write_summary
from dmpg.mail.outbox import FAILED, SENT
from dmpg.state.gates_open import open_gates
from forms.vocabulary import BODY_LABELS, FINAL_STAGES
from models import ledger
from models.ledger import ensure_schema
from models.tables import MeetingDocument
from models.vocabulary import EventKind

PSEUDONYM_DOMAIN = "slettet.invalid"  # .invalid: never a real mail domain (RFC 2606)
ERASED_TEXT = "(slettet)"
RETAINED_TEXT = "(slettet efter opbevaringsperioden)"
LINK_MARK = re.compile(r"https?://\S*?/beslut/DMPG-LINK~[A-Za-z0-9_-]+~")
EMAIL = re.compile(r"[^\s<>\"'()\[\],;:]+@[^\s<>\"'()\[\],;:]+\.[A-Za-z]{2,}")

# A person's part in a proposal (Danish, as the export says it); the first three make them a party to it.
PROPOSER, DIRECTOR, MEMBER, CHAIR, APPOINTED_DIRECTOR, DECIDED = (
    "indstiller", "foreslået sundhedsfaglig direktør", "udpeget medlem", "formand", "udpeget sundhedsfaglig direktør",
    "har registreret en beslutning")
PARTY_ROLES = (PROPOSER, DIRECTOR, MEMBER, CHAIR, APPOINTED_DIRECTOR)


def _fold(text: object) -> str:
    return unicodedata.normalize("NFKC", str(text)).casefold()


def _names_in(value: Any, folded_email: str) -> bool:
    """Whether ``value`` (any JSON) holds the address (as a string of its own or inside one)."""
    return folded_email in _fold(json.dumps(value, ensure_ascii=False, default=str))


def ended_at(proposal_id: str) -> datetime | None:
    """When the proposal ended — established, rejected, or a gate's timeout ran out with no gate left
    open — or None while it is open."""
    proposal = ledger.get_proposal(proposal_id)
    ends = [e.at for e in ledger.events(proposal_id)
            if e.kind in (EventKind.ESTABLISHED, EventKind.REJECTED, EventKind.GATE_EXPIRED)]
    if proposal.stage in FINAL_STAGES:
        return max(ends, default=proposal.updated_at)
    if any(e for e in ledger.events(proposal_id) if e.kind == EventKind.GATE_EXPIRED) and not open_gates(proposal_id):
        return max(ends)
    return None


def retained_until(ended: datetime) -> datetime:
    """The moment an ended proposal's record is pseudonymised (``DMPG_RETENTION_YEARS`` later)."""
    years = get_settings().retention_years
    try:
        return ended.replace(year=ended.year + years)
    except ValueError:  # 29 February
        return ended.replace(year=ended.year + years, day=28)


# --- what the engine holds ------------------------------------------------------------------------


@dataclass
class Holdings:
    """Everything the engine holds about one person (:func:`holdings`); ``to_json`` is the export."""

    email: str
    names: list[str] = field(default_factory=list)
    roster: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    decisions: list[dict[str, Any]] = field(default_factory=list)
    mails: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    privacy_log: list[dict[str, Any]] = field(default_factory=list)

    SECTIONS = ("roster", "organisations", "proposals", "decisions", "mails", "documents", "links", "events",
                "meetings", "privacy_log")

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.SECTIONS}

    def to_json(self) -> dict[str, Any]:
        return {"email": self.email, "names": self.names, "exported_at": clock.now().isoformat(timespec="seconds"),
                "counts": self.counts(), **{name: getattr(self, name) for name in self.SECTIONS}}

    def open_party_to(self) -> list[str]:
        """The open proposals this person is a party to (a proposer, or appointed in it)."""
        return [p["proposal"] for p in self.proposals if p["ended_at"] is None and set(p["roles"]) & set(PARTY_ROLES)]


def holdings(email: str) -> Holdings:
    """What the engine holds about ``email`` (see the module docstring); reads only."""
    ensure_schema()
    me = fold_address(email)
    if "@" not in me:
        raise UserError(f"'{email}' er ikke en e-mailadresse (fx navn@region.dk)", exit_code=2)
    found = Holdings(email=me)
    names: list[str] = []
    ledger.roster()  # the ledger's copy of the roster file, brought up to date first
    rows = ledger.person_rows()
    found.roster = [{"body": r.body, "name": r.name, "email": r.email}
                    for r in rows["roster"] if fold_address(r.email) == me]
    found.organisations = [{"code": o.code, "name": o.name, "email": o.email}
                           for o in rows["organisations"] if fold_address(o.email) == me]
    mails = [n for n in rows["mails"] if fold_address(n.recipient) == me]
    links = [row for row in rows["links"] if fold_address(row.recipient) == me]
    events = [e for e in rows["events"] if fold_address(e.by) == me or _names_in(e.detail, me)]
    meetings = [m for m in rows["meetings"]
                if me in (fold_address(m.minutes_by), fold_address(m.approved_by)) or _names_in(m.minutes, me)]
    log = [a for a in rows["privacy"] if fold_address(a.subject) == me]
    names += [r["name"] for r in found.roster] + [o["name"] for o in found.organisations]

    for proposal in ledger.list_proposals():
        roles, entries = _roles_in_form(proposal.form, me)
        names += [e["name"] for e in entries if e.get("name")]
        decisions = []
        for d in ledger.decisions(proposal.id):
            parts = ([DECIDED] if fold_address(d.recorded_by) == me else []) + _roles_in_decision(d.payload, me)
            if parts:
                decisions.append({"proposal": proposal.id, "gate": d.gate, "round": d.round, "outcome": d.outcome,
                                  "roles": parts, "at": d.at.isoformat(timespec="seconds"), "channel": d.channel,
                                  "meeting_date": d.payload.get("meeting_date")})
                roles += [r for r in parts if r not in roles]
                names += _names_in_decision(d.payload, me)
        found.decisions += decisions
        touched = roles or any(m.proposal_id == proposal.id for m in mails) or any(
            e.proposal_id == proposal.id for e in events)
        if touched:
            ended = ended_at(proposal.id)
            found.proposals.append({
                "proposal": proposal.id, "title": proposal.title, "stage": proposal.stage, "roles": roles,
                "entries": entries, "ended_at": ended.isoformat(timespec="seconds") if ended else None,
                "record_kept_until": retained_until(ended).date().isoformat() if ended else None})

    found.names = list(dict.fromkeys(n for n in names if n))
    found.mails = [{"proposal": n.proposal_id, "kind": n.kind, "round": n.round, "subject": n.subject,
                    "status": n.status, "created_at": n.created_at.isoformat(timespec="seconds"),
                    "sent_at": n.sent_at.isoformat(timespec="seconds") if n.sent_at else None,
                    "attachments": [Path(a).name for a in n.attachments],
                    "text": LINK_MARK.sub("[dit personlige link]", n.body_text)} for n in mails]
    found.links = [{"purpose": row.purpose, "proposal": row.proposal_id, "gate": row.gate, "round": row.round,
                    "meeting": row.meeting_id, "created_at": row.created_at.isoformat(timespec="seconds"),
                    "expires_at": row.expires_at.isoformat(timespec="seconds"),
                    "used_at": row.used_at.isoformat(timespec="seconds") if row.used_at else None} for row in links]
    found.events = [{"proposal": e.proposal_id, "at": e.at.isoformat(timespec="seconds"), "kind": e.kind,
                     "gate": e.gate, "round": e.round, "role": "af" if fold_address(e.by) == me else "nævnt",
                     "detail": e.detail} for e in events]
    found.meetings = [{"meeting": m.id, "body": m.body, "date": m.date.isoformat(),
                       "roles": [r for r, who in (("referat registreret af", m.minutes_by),
                                                  ("referat godkendt af", m.approved_by)) if fold_address(who) == me]
                       or ["nævnt i referatet"]} for m in meetings]
    found.privacy_log = [{"at": a.at.isoformat(timespec="seconds"), "action": a.action, "by": a.by} for a in log]
    found.documents = _documents_naming(me, found.names)
    return found


def _roles_in_form(form: dict[str, Any], me: str) -> tuple[list[str], list[dict[str, Any]]]:
    roles, entries = [], []
    for i, p in enumerate(form.get("proposers") or []):
        if fold_address(p.get("email")) == me:
            roles.append(PROPOSER)
            entries.append({"field": f"proposers[{i}]", **{k: p.get(k) for k in ("name", "email", "organisation", "region")}})
    director = (form.get("composition") or {}).get("director") or {}
    if fold_address(director.get("email")) == me:
        roles.append(DIRECTOR)
        entries.append({"field": "composition.director", "name": director.get("name"), "email": director.get("email")})
    return roles, entries


def _roles_in_decision(payload: dict[str, Any], me: str) -> list[str]:
    roles = []
    if any(fold_address(m.get("email")) == me for m in payload.get("members") or [] if isinstance(m, dict)):
        roles.append(MEMBER)
    if any(fold_address(c) == me for c in payload.get("chairs") or []):
        roles.append(CHAIR)
    if isinstance(payload.get("director"), dict) and fold_address(payload["director"].get("email")) == me:
        roles.append(APPOINTED_DIRECTOR)
    return roles


def _names_in_decision(payload: dict[str, Any], me: str) -> list[str]:
    people = [m for m in payload.get("members") or [] if isinstance(m, dict)]
    if isinstance(payload.get("director"), dict):
        people.append(payload["director"])
    return [str(p.get("name")) for p in people if fold_address(p.get("email")) == me and p.get("name")]


def docx_text(path: Path) -> str:
    """The text of a Word file (body, headers, footers), paragraphs apart; '' when it cannot be read."""
    try:
        with zipfile.ZipFile(path) as z:
            parts = [n for n in z.namelist() if n.startswith("word/") and n.endswith(".xml")
                     and n.rsplit("/", 1)[-1].startswith(("document", "header", "footer"))]
            xml = " ".join(z.read(n).decode("utf-8", errors="replace") for n in parts)
    except (OSError, zipfile.BadZipFile, KeyError):
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"</w:p>|<w:tab/>|<w:br/>", " ", xml)))


def _documents_naming(me: str, names: list[str]) -> list[dict[str, Any]]:
    """The proposals' and meetings' documents (every version) whose text names the address or one of
    the person's names."""
    wanted = [me] + [_fold(n) for n in names if len(n.strip()) >= 4]
    rows = ledger.all_documents()
    out = []
    for row in rows:
        if not row.path or not Path(row.path).is_file():
            continue
        text = _fold(" ".join(docx_text(Path(row.path)).split()))
        hits = [w for w in wanted if w in text]
        if not hits:
            continue
        is_meeting = isinstance(row, MeetingDocument)
        out.append({"proposal": None if is_meeting else row.proposal_id, "meeting": row.meeting_id if is_meeting else None,
                    "kind": row.kind, "title": kind(row.kind).title if is_meeting else document_title(row),
                    "version": row.version, "file": row.path, "sha256": row.sha256,
                    "names": "e-mailadresse" if me in hits else "navn"})
    return out


# --- export ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exported:
    json_path: Path
    docx_path: Path
    counts: dict[str, int]


def export(email: str, out_dir: Path, *, by: str) -> Exported:
    """Write what the engine holds about ``email`` to ``out_dir`` (made if missing): the whole of it as
    JSON and a readable Danish summary in Word; log the export. ``UserError`` when ``out_dir`` is a file."""
    found = holdings(email)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{out_dir} findes og er ikke en mappe; angiv en mappe til udtrækket", exit_code=2)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"personoplysninger-{slugify(found.email.replace('@', '-at-'), 80)}"
    json_path, docx_path = out_dir / f"{stem}.json", out_dir / f"{stem}.docx"
    json_path.write_text(json.dumps(found.to_json(), ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")

    write_summary(found, docx_path, json_path.name)
    _log("export", found.email, by, {"counts": found.counts()})
    return Exported(json_path, docx_path, found.counts())


# --- erase ----------------------------------------------------------------------------------------


@dataclass
class Erased:
    """What :func:`erase` did (no erased address in it): the pseudonym, counts, and the records kept."""

    pseudonym: str
    mails: int = 0
    links_deleted: int = 0
    links_pseudonymised: int = 0
    journal_deleted: int = 0
    journal_pseudonymised: int = 0
    privacy_log: int = 0
    kept: list[dict[str, Any]] = field(default_factory=list)  # {proposal, roles, until}

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def new_pseudonym() -> tuple[str, str]:
    """A fresh random pseudonym: (address, name). Nothing links it back to the person."""
    tag = secrets.token_hex(4)
    return f"person-{tag}@{PSEUDONYM_DOMAIN}", f"Slettet person {tag}"


def erase(email: str, *, by: str) -> Erased:
    """Remove or pseudonymise what the engine holds about ``email`` where no record must be kept (see the
    module docstring), in one transaction, and record that it did. ``UserError`` (exit 1), with nothing
    changed, while the person is on the roster or a party to an open proposal."""
    found = holdings(email)
    me = found.email

    blockers = [f"står på rosteren ({', '.join(BODY_LABELS.get(r['body'], r['body']) for r in found.roster)})"] \
        if found.roster else []
    blockers += [f"er kontaktperson for {', '.join(o['code'] for o in found.organisations)} på rosteren"] \
        if found.organisations else []
    if open_cases := found.open_party_to():
        blockers.append(f"er part i {', '.join(open_cases)}, som ikke er afsluttet")
    if blockers:
        advice = "fjern personen fra rosterfilen først" if found.roster or found.organisations else \
            "slet først, når sagen er afsluttet"
        raise UserError(f"{me} kan ikke slettes nu: personen {' og '.join(blockers)}; {advice}. Intet er ændret.",
                        exit_code=1)

    pseudonym, pseudo_name = new_pseudonym()
    done = Erased(pseudonym)
    ended = {p["proposal"] for p in found.proposals if p["ended_at"]}
    swap = _swapper({me: pseudonym}, {name: pseudo_name for name in found.names})
    touched: set[str] = set()
    changed: list[Any] = []
    gone: list[Any] = []
    with ledger.transaction():
        rows = ledger.erasable_rows()
        for row in rows["mails"]:
            if fold_address(row.recipient) != me:
                continue
            _clear_mail(row, pseudonym, ERASED_TEXT)
            changed.append(row)
            done.mails += 1
            touched.add(row.proposal_id)
        for row in rows["links"]:
            if fold_address(row.recipient) != me:
                continue
            touched.add(row.proposal_id)
            if row.used_at is None:
                gone.append(row)
                done.links_deleted += 1
            else:
                row.recipient = pseudonym
                changed.append(row)
                done.links_pseudonymised += 1
        for row in rows["journal"]:
            if not _names_in(row.result, me):
                continue
            touched.add(row.proposal_id)
            if row.proposal_id in ended:
                gone.append(row)
                done.journal_deleted += 1
            else:
                row.result = swap(row.result)
                changed.append(row)
                done.journal_pseudonymised += 1
        for row in rows["privacy"]:
            if fold_address(row.subject) == me:
                row.subject = pseudonym
                changed.append(row)
                done.privacy_log += 1
        ledger.save_rows(changed)
        ledger.delete_rows(gone)
        done.kept = [{"proposal": p["proposal"], "roles": p["roles"], "until": p["record_kept_until"]}
                     for p in found.proposals if p["roles"] or any(e["proposal"] == p["proposal"] for e in found.events)]
        for proposal in sorted(t for t in touched | {k["proposal"] for k in done.kept} if t):
            ledger.record_event(proposal, key=f"{proposal}:{EventKind.PERSONAL_DATA_ERASED}:{pseudonym}",
                                kind=EventKind.PERSONAL_DATA_ERASED, by=None,
                                detail={"pseudonym": pseudonym, "by": by, "mails": done.mails,
                                        "links": done.links_deleted + done.links_pseudonymised})
        _log("erase", pseudonym, by, done.to_json())
    return done


def _clear_mail(row: Any, pseudonym: str, text: str) -> None:
    """An outbox row without its person: subject and text cleared, the address a pseudonym; a message
    not yet sent is never sent."""
    row.key = row.key.rsplit(":", 1)[0] + f":{pseudonym}" if ":" in row.key else pseudonym
    row.recipient, row.subject, row.body_text, row.body_html, row.attachments = pseudonym, text, "", "", []
    if row.status != SENT:
        row.status, row.next_attempt_at, row.last_error = FAILED, None, "modtageren er slettet (persondata)"


def _swapper(addresses: dict[str, str], names: dict[str, str]) -> Callable[[Any], Any]:
    """A function that returns JSON with each address (any case, inside any string) and each name (a
    whole string) replaced by its pseudonym."""
    pattern = re.compile("|".join(re.escape(a) for a in sorted(addresses, key=len, reverse=True)), re.IGNORECASE) \
        if addresses else None

    def swap(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        if isinstance(value, str):
            if value in names:
                return names[value]
            folded = unicodedata.normalize("NFKC", value)
            return pattern.sub(lambda m: addresses[fold_address(m.group(0))], folded) if pattern else value
        return value

    return swap


def _log(action: str, subject: str, by: str, detail: dict[str, Any]) -> None:
    ledger.log_privacy_action(action, subject, by, json.loads(json.dumps(detail, default=str)))


# --- retention ------------------------------------------------------------------------------------


@dataclass
class Retained:
    """What :func:`apply_retention` did."""

    cutoff: str
    proposals: list[str] = field(default_factory=list)
    meetings: list[str] = field(default_factory=list)
    people: int = 0
    documents_deleted: int = 0

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


class _Pseudonyms:
    """One pseudonym per person within a retention run (addresses folded; names by their address)."""

    def __init__(self) -> None:
        self.addresses: dict[str, str] = {}
        self.names: dict[str, str] = {}

    def person(self, email: object, name: object = None) -> str:
        folded = fold_address(email)
        if folded and folded not in self.addresses and not folded.endswith("@" + PSEUDONYM_DOMAIN):
            self.addresses[folded], pseudo_name = new_pseudonym()
            self.names[f"~{folded}"] = pseudo_name
        if name and folded in self.addresses:
            self.names[str(name)] = self.names[f"~{folded}"]
        return self.addresses.get(folded, str(email))

    def gather(self, value: Any) -> None:
        """Every address in ``value`` (any JSON), and a name given beside one (``{"name", "email"}``)."""
        if isinstance(value, dict):
            if value.get("email"):
                self.person(value["email"], value.get("name"))
            for v in value.values():
                self.gather(v)
        elif isinstance(value, list):
            for v in value:
                self.gather(v)
        elif isinstance(value, str):
            for match in EMAIL.findall(value):
                self.person(match)

    def swap(self, value: Any) -> Any:
        return _swapper(self.addresses, {k: v for k, v in self.names.items() if not k.startswith("~")})(value)


def due_for_retention(now: datetime | None = None) -> list[str]:
    """The ended proposals whose retention time has run out and whose record is not pseudonymised yet."""
    now = now or clock.now()
    due = []
    for proposal in ledger.list_proposals():
        ended = ended_at(proposal.id)
        if ended is not None and retained_until(ended) <= now and not any(
                e.kind == EventKind.RETENTION_APPLIED for e in ledger.events(proposal.id)):
            due.append(proposal.id)
    return due


def apply_retention(now: datetime | None = None, *, by: str = "dmpg-reminders") -> Retained:
    """Pseudonymise the record of every proposal ended ``DMPG_RETENTION_YEARS`` ago (see the module
    docstring), and the meetings held that long ago; record it. Safe to run again: a proposal is done
    once (its ``retention_applied`` event)."""
    ensure_schema()
    now = now or clock.now()
    years = get_settings().retention_years
    cutoff = now - timedelta(days=round(365.25 * years))
    done = Retained(cutoff=cutoff.date().isoformat())
    due = due_for_retention(now)
    people = _Pseudonyms()
    with ledger.transaction():
        meetings = [m for m in ledger.all_meetings()
                    if m.date <= cutoff.date() and not (m.minutes_by or "").endswith(PSEUDONYM_DOMAIN)
                    and (m.minutes_by or m.approved_by or _has_files(m.id))]
        for pid in due:
            rows = ledger.retention_rows(pid)
            proposal = rows["proposal"]
            people.gather(proposal.form)
            for d in rows["decisions"]:
                people.person(d.recorded_by)
                people.gather(d.payload)
            for e in rows["events"]:
                people.person(e.by)
                people.gather(e.detail)
            for n in rows["mails"]:
                people.person(n.recipient)
            proposal.form = people.swap(proposal.form)
            for d in rows["decisions"]:
                d.recorded_by, d.payload, d.detail = people.swap(d.recorded_by), people.swap(d.payload), people.swap(d.detail)
            for e in rows["events"]:
                e.by, e.detail = (people.swap(e.by) if e.by else e.by), people.swap(e.detail)
            for n in rows["mails"]:
                _clear_mail(n, people.person(n.recipient), RETAINED_TEXT)
            ledger.delete_rows(rows["links"] + rows["journal"])
            for doc in rows["documents"]:
                done.documents_deleted += _discard(doc)
            ledger.save_rows([proposal, *rows["decisions"], *rows["events"], *rows["mails"], *rows["documents"]])
            done.proposals.append(pid)
        for m in meetings:
            for who in (m.minutes_by, m.approved_by):
                people.person(who)
            people.gather(m.minutes)
            m.minutes_by = people.swap(m.minutes_by) if m.minutes_by else m.minutes_by
            m.approved_by = people.swap(m.approved_by) if m.approved_by else m.approved_by
            m.minutes = people.swap(m.minutes)
            docs = ledger.meeting_document_rows(m.id)
            for doc in docs:
                done.documents_deleted += _discard(doc)
            ledger.save_rows([m, *docs])
            done.meetings.append(m.id)
    done.people = len(people.addresses)
    for pid in done.proposals:
        ledger.record_event(pid, key=f"{pid}:{EventKind.RETENTION_APPLIED}", kind=EventKind.RETENTION_APPLIED,
                            detail={"years": years, "by": by})
    if done.proposals or done.meetings:
        _log("retention", "retention", by, done.to_json())
    return done


def _has_files(meeting_id: str) -> bool:
    return any(d.path for d in ledger.meeting_document_rows(meeting_id))


def _discard(doc: Any) -> int:
    """Delete a document's file (its row keeps kind, version and sha256 as the evidence it existed)."""
    if not doc.path:
        return 0
    Path(doc.path).unlink(missing_ok=True)
    doc.path = ""
    return 1


def proposals_named(items: Iterable[dict[str, Any]]) -> str:
    return ", ".join(sorted({i["proposal"] for i in items if i.get("proposal")}))
