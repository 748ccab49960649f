"""Proofreading what goes out: the checks a careful reader makes of a letter or a mail before it is
sent unedited, as pure functions over text, and two readers that turn a Word document or a delivered
``.eml`` into that text the way a recipient sees it.

- :func:`read_docx` — a document's blocks in reading order (headings, paragraphs, tables; a heading
  and the table under it stay together, unlike ``Document.paragraphs``) and its header and footer.
- :func:`read_eml` — a delivered message's headers, plain-text part and the visible text of its HTML part.
- :func:`check_document`, :func:`check_mail` — every problem found, one line each (empty list: fine).

What counts as a problem (each its own function, usable alone): a heading with nothing under it
(:func:`empty_sections`), a labelled field left blank (:func:`empty_fields`), empty parentheses
(:func:`empty_parentheses`), codes or template syntax where Danish text belongs
(:func:`leftover_codes`: codes, ``snake_case``, a form's field paths), stock phrases ("Ikke oplyst",
"(er)": :func:`stock_phrases`), English words in Danish text (:func:`english_words`), a signature block
said twice (:func:`repeated_signature`), version numbers that disagree (:func:`disagreeing_versions`)
and a function or organisation greeted as a person (:func:`misplaced_salutations`); and for a mail, a
document its text names that is not attached (:func:`missing_attachments`). Addresses, links
and file names are left out of the word checks: they are not prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path

from core.text import is_person_name
from dmpg.documents.docxstyle import NAVY_HEX
from forms.gates import GATES
from forms.vocabulary import (
    BASE_CATEGORIES,
    BODIES,
    REPRESENTS_LABELS,
    STAGES,
    TOPIC_KIND_LABELS,
)

# --- what a reader sees ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One piece of a document in reading order: ``kind`` is heading, paragraph or table; a heading
    has its ``level`` (1, 2 …); a table its ``rows`` of cell texts, and ``header`` when its first row
    is a column header (the house style's navy cells)."""

    kind: str
    text: str = ""
    level: int = 0
    rows: tuple[tuple[str, ...], ...] = ()
    header: bool = False

    @property
    def has_content(self) -> bool:
        """Text a reader would read: a table's column header alone is not content."""
        if self.kind == "table":
            return any(cell.strip() for row in self.rows[1 if self.header else 0:] for cell in row)
        return bool(self.text.strip())


@dataclass(frozen=True)
class DocumentText:
    name: str
    blocks: tuple[Block, ...]
    header: str = ""
    footer: str = ""

    @property
    def lines(self) -> list[str]:
        """Every paragraph and table cell in reading order."""
        out: list[str] = []
        for b in self.blocks:
            out += [cell for row in b.rows for cell in row] if b.kind == "table" else [b.text]
        return out

    @property
    def body(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class MailText:
    name: str
    headers: dict[str, str] = field(default_factory=dict)
    subject: str = ""
    text: str = ""       # the text/plain part
    html_text: str = ""  # the visible text of the text/html part


def _cell_text(cell) -> str:  # noqa: ANN001 - a python-docx cell
    return "\n".join(p.text for p in cell.paragraphs).strip()


def _fill(cell) -> str:  # noqa: ANN001 - a python-docx cell
    fills = cell._tc.xpath("./w:tcPr/w:shd/@w:fill")
    return str(fills[0]).upper() if fills else ""


def read_docx(path: str | Path) -> DocumentText:
    """A ``.docx`` as a reader meets it: body blocks in order, then the first section's header and footer."""
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    blocks: list[Block] = []
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            p = Paragraph(child, doc)
            style = p.style.name if p.style is not None else ""
            if style.startswith("Heading") and style[8:].isdigit():
                blocks.append(Block("heading", p.text.strip(), level=int(style[8:])))
            else:
                blocks.append(Block("paragraph", p.text.strip()))
        elif tag == "tbl":
            table = Table(child, doc)
            rows = tuple(tuple(_cell_text(c) for c in row.cells) for row in table.rows)
            first = table.rows[0].cells if rows else []
            header = bool(first) and all(_fill(c) == NAVY_HEX for c in first)
            blocks.append(Block("table", rows=rows, header=header))

    def part_text(part) -> str:  # noqa: ANN001
        texts = [p.text for p in part.paragraphs]
        texts += [_cell_text(c) for t in part.tables for row in t.rows for c in row.cells]
        return "\n".join(t for t in texts if t.strip())

    section = doc.sections[0]
    return DocumentText(Path(path).name, tuple(blocks), part_text(section.header), part_text(section.footer))


class _VisibleText(HTMLParser):
    """The text of an HTML body as a reader sees it (no head, style or script; block ends are line ends)."""

    _HIDDEN = {"head", "style", "script", "title"}
    _BLOCKS = {"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ARG002
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in self._HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):  # noqa: ANN001
        if not self._hidden:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of ``html``, one line per block, whitespace within a line collapsed."""
    parser = _VisibleText()
    parser.feed(html)
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def read_eml(data: bytes, name: str = "") -> MailText:
    """A delivered message: its headers (last value of each, decoded), subject, text part, and the
    visible text of its HTML part."""
    message = message_from_bytes(data, policy=policy.default)
    headers = {k: str(v) for k, v in message.items()}
    plain = message.get_body(preferencelist=("plain",))
    rich = message.get_body(preferencelist=("html",))
    return MailText(name=name, headers=headers, subject=str(message["Subject"] or ""),
                    text=plain.get_content() if plain is not None else "",
                    html_text=html_text(rich.get_content()) if rich is not None else "")


# --- the checks -------------------------------------------------------------------------------------

# Not prose: addresses, links and file names are left out of the word checks.
_NOT_PROSE = re.compile(r"https?://\S+|[\w.+-]+@[\w.-]+\.\w+|\S+\.(?:docx|pdf|xlsx|eml)\b|<[^>\s]+@[^>\s]+>")


def prose(text: str) -> str:
    """``text`` without the parts that are not prose (addresses, links, file names)."""
    return _NOT_PROSE.sub(" ", text)


def _codes() -> set[str]:
    # Every code of the domain a template could leak instead of its Danish label; words that are
    # Danish too ("database", "revision") are not codes a reader would notice.
    danish_too = {"database", "revision"}
    codes = set(GATES) | set(STAGES) | set(BODIES) | set(TOPIC_KIND_LABELS)
    codes |= {o.code for g in GATES.values() for o in g.outcomes}
    codes |= {c for c in REPRESENTS_LABELS if c.islower()}
    return codes - danish_too


CODES = frozenset(_codes())
_CODE = re.compile(r"\b(" + "|".join(sorted(CODES, key=len, reverse=True)) + r")\b")
_PYTHON = re.compile(r"\b(None|True|False|null|undefined)\b")
_TEMPLATE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")
_SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
# A form's field path ("topic.severity", "composition.seats[2].count") where words belong.
_FIELD_PATH = re.compile(r"\b(?:title|proposers|topic|tasks|composition|target|database|registry|appointments|"
                         r"recorded_by|members|chairs|director|kickoff_date)(?:\[\d+\])?\.[a-z_]+[\w.\[\]]*")
# A society's code alone, where its Danish name belongs: "DPS" is fine only as "(DPS)" after the name.
_SOCIETY = re.compile(r"(?<!\()\b(" + "|".join(c for c in BASE_CATEGORIES if c.isupper()) + r")\b(?!\))")


def leftover_codes(text: str) -> list[str]:
    """Codes and template syntax where Danish text belongs: gate, outcome, stage and body codes
    (``support_with_changes``, ``steering``), ``None``/``True``, ``{{``, any ``snake_case`` word, and a
    society's code standing alone ("DPS" instead of "Dansk Psykiatrisk Selskab (DPS)")."""
    text = prose(text)
    found = _CODE.findall(text) + _PYTHON.findall(text) + _TEMPLATE.findall(text)
    found += [w for w in _SNAKE.findall(text) if w not in found]
    found += _FIELD_PATH.findall(text)
    found += _SOCIETY.findall(text)
    return sorted(set(found))


# Stock wording a careful secretariat never sends: a field shown as not given, a plural left open.
_STOCK = re.compile(r"Ikke oplyst|\w\((?:er|e|r|en|erne)\)")


def stock_phrases(text: str) -> list[str]:
    """ "Ikke oplyst" rows and "(er)" plurals ("bemærkning(er)"): the text should say it right."""
    return sorted(set(_STOCK.findall(prose(text))))


# What a mail's text says is attached ("… er vedhæftet", "den vedhæftede …"), and the file each phrase
# stands for (a part of the attached file's name, or its ending). A mail that names a document attaches it.
_ATTACHED = r"[^.]*\bvedhæftet"
NAMED_ATTACHMENTS: dict[str, str] = {
    r"høringsbrevet" + _ATTACHED: "hearing-letter",
    r"indstillingsskemaet" + _ATTACHED: "proposal",
    r"indstillingen til styregruppen" + _ATTACHED: "steering-memo",
    r"indstillingen til psykiatridirektørkredsen" + _ATTACHED: "director-memo",
    r"beslutningsreferat(?:et)?" + _ATTACHED: "steering-minutes",
    r"meddelelse" + _ATTACHED: "director-letter",
    r"kommissori(?:et|um)" + _ATTACHED: "terms-of-reference",
    r"invitationen med dagsordenen" + _ATTACHED: "kickoff-invitation",
    r"vedhæftede kalender(?:invitation|besked)": ".ics",
    r"anmodningen er vedhæftet": "appointment-request",
    r"referatskemaet" + _ATTACHED: "minutes-form",
    r"(?<!beslutnings)referatet er vedhæftet": "meeting-minutes",
    r"hermed mødematerialet": "meeting-pack",
}


def named_attachments(text: str) -> set[str]:
    """The files (:data:`NAMED_ATTACHMENTS`) a mail's text says are attached."""
    flat = " ".join(text.split())
    return {kind for phrase, kind in NAMED_ATTACHMENTS.items()
            if re.search(r"(?<!\w)" + phrase, flat, re.IGNORECASE)}


def missing_attachments(text: str, attached: list[str]) -> list[str]:
    """Documents the text names that are not among the ``attached`` file names."""
    return sorted(kind for kind in named_attachments(text)
                  if not any(kind in name if not kind.startswith(".") else name.endswith(kind) for name in attached))


# A small explicit list: English words a template or a code could leave in Danish text, none of them
# a Danish word as well (so not "for", "to", "is", "and", "at", "link", "version").
ENGLISH_WORDS = frozenset({
    "the", "of", "with", "from", "your", "you", "our", "please", "dear", "regards", "here", "click",
    "will", "should", "must", "deadline", "meeting", "proposal", "decision", "approved", "rejected",
    "deferred", "pending", "steering", "advice", "approval", "appointment", "appointments", "member",
    "members", "chair", "chairs", "director", "round", "unknown", "none", "yes", "subject", "attachment",
})
_WORD = re.compile(r"[A-Za-zÆØÅæøåÉé]+")


def english_words(text: str) -> list[str]:
    """The words of :data:`ENGLISH_WORDS` in ``text`` (any case), outside addresses, links and file names."""
    return sorted({w.lower() for w in _WORD.findall(prose(text)) if w.lower() in ENGLISH_WORDS})


def empty_parentheses(text: str) -> list[str]:
    """Each "()" (with nothing but spaces inside), with a little of the text before it."""
    return [text[max(m.start() - 30, 0):m.end()].replace("\n", " ") for m in re.finditer(r"\(\s*\)", text)]


_CLOSINGS = re.compile(r"^(med )?venlig hilsen\b|^mvh\b", re.IGNORECASE)


def repeated_signature(lines: list[str]) -> list[str]:
    """A signature said twice: more than one closing ("Med venlig hilsen"), or under the closing a
    line that repeats the line above it ("DMPG-sekretariatet" then "DMPG-sekretariatet, RKKP")."""
    lines = [line.strip() for line in lines if line.strip()]
    closings = [i for i, line in enumerate(lines) if _CLOSINGS.match(line)]
    problems = []
    if len(closings) > 1:
        problems.append(f"{len(closings)} closings: " + " | ".join(lines[i] for i in closings))
    for i in closings[:1]:
        block = lines[i + 1:i + 4]
        for above, below in zip(block, block[1:]):
            if below == above or below.startswith((above + ",", above + " ·", above + " (")):
                problems.append(f"signature repeats {above!r} in {below!r}")
    return problems


_VERSION = re.compile(r"\b(?:[Vv]ersion|[Rr]evision)\s+(\d+)\b")


def disagreeing_versions(header: str, body: str) -> list[str]:
    """The version numbers a document states ("Version 2" in the header, "Revision 2"/"version 2" in
    the text) must be one number."""
    numbers = sorted({int(n) for n in _VERSION.findall(header + "\n" + body)})
    return [f"version numbers disagree: {', '.join(map(str, numbers))}"] if len(numbers) > 1 else []


def empty_sections(blocks: tuple[Block, ...] | list[Block]) -> list[str]:
    """Headings with nothing under them before the next heading of the same or a higher level (or the
    end); a table with only its header row is nothing."""
    problems = []
    for i, block in enumerate(blocks):
        if block.kind != "heading":
            continue
        content = False
        for after in blocks[i + 1:]:
            if after.kind == "heading" and after.level <= block.level:
                break
            if after.kind != "heading" and after.has_content:
                content = True
                break
        if not content:
            problems.append(f"empty section {block.text!r}")
    return problems


def empty_fields(blocks: tuple[Block, ...] | list[Block]) -> list[str]:
    """A label with no value in a two-column table ("Begrundelse" | "")."""
    return [f"empty field {row[0]!r}" for b in blocks if b.kind == "table"
            for row in b.rows if len(row) == 2 and row[0].strip() and not row[1].strip()]


def misplaced_salutations(lines: list[str]) -> list[str]:
    """"Kære …" to something that is not a person ("Kære Følgegruppen, Danske Regioner", "Kære
    Patientrepræsentanter"): a function or an organisation is addressed "Til …". Collective greetings
    ("Kære medlemmer …", "Kære indstillere") are fine."""
    problems = []
    for line in lines:
        m = re.match(r"\s*Kære (.+?),?\s*$", line)
        if m and not m.group(1)[:1].islower() and not is_person_name(m.group(1)):
            problems.append(f"greets a function or organisation as a person: {line.strip()!r}")
    return problems


def _text_problems(where: str, text: str) -> list[str]:
    problems = [f"{where}: empty parentheses …{p}" for p in empty_parentheses(text)]
    problems += [f"{where}: stock phrase {p!r}" for p in stock_phrases(text)]
    problems += [f"{where}: leftover code {c!r}" for c in leftover_codes(text)]
    problems += [f"{where}: English word {w!r}" for w in english_words(text)]
    return problems


def check_document(doc: DocumentText) -> list[str]:
    """Every problem of a rendered document (see the module docstring), each prefixed with its name."""
    problems = empty_sections(doc.blocks) + empty_fields(doc.blocks)
    problems += _text_problems("text", doc.body + "\n" + doc.header)
    problems += repeated_signature(doc.lines)
    problems += disagreeing_versions(doc.header, doc.body)
    problems += misplaced_salutations(doc.lines)
    return [f"{doc.name}: {p}" for p in problems]


def check_mail(mail: MailText, *, reply_to: str | None = None, thread_root: str | None = None) -> list[str]:
    """Every problem of a delivered mail: the word checks on subject, text and HTML, one signature, a
    fitting salutation; with ``reply_to`` its ``Reply-To`` must be that address, with ``thread_root``
    its ``In-Reply-To`` and ``References`` must name it."""
    problems = _text_problems("subject", mail.subject)
    for where, text in (("text", mail.text), ("html", mail.html_text)):
        problems += _text_problems(where, text)
        problems += [f"{where}: {p}" for p in repeated_signature(text.splitlines())]
        problems += [f"{where}: {p}" for p in misplaced_salutations(text.splitlines())]
    if reply_to is not None and reply_to.lower() not in mail.headers.get("Reply-To", "").lower():
        problems.append(f"Reply-To is {mail.headers.get('Reply-To')!r}, expected {reply_to}")
    if thread_root is not None:
        for name in ("In-Reply-To", "References"):
            if thread_root not in mail.headers.get(name, ""):
                problems.append(f"{name} is {mail.headers.get(name)!r}, expected {thread_root}")
    return [f"{mail.name or mail.subject}: {p}" for p in problems]
