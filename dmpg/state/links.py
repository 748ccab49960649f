"""Decision links: a person decides from their mail, by a link for them alone.

A link is a signed token (itsdangerous: HMAC with the keys of ``settings.signing_keys()``; the first
signs, every key verifies, so keys rotate without killing links in flight) naming a row of the
ledger's ``decision_links``. The signature makes it unforgeable and binds it to proposal, gate,
round and recipient; the row makes it single use and lets it die with its gate: a link works only
while its gate round is open, before its ``expires_at`` (the gate's timeout) and until a decision is
recorded through it. Possession of the link is how the recipient's identity is established (they
received it at their mail address), which is what the ledger records for such a decision.

Documents on the decision page and in the Prefect UI are served through signed document links of
their own, never ``file://``.

No working link at rest. A mail is stored in the ledger's outbox before it is sent, and the ledger is
copied (backups, a database administrator's dump). So an outbox row never holds a signed token: its
bodies name the link row with a marker (:func:`mail_url`: ``…/beslut/DMPG-LINK~<row id>~``), and
the deliverer signs the token at send time (:func:`fill_links`) with the link keys, which live in the
settings of the processes (``DMPG_LINK_KEYS``, or ``DMPG_HOME/run/link-key``) and never in a database.
A copy of the ledger holds row ids, and a row id without a key signs nothing.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from itsdangerous.encoding import base64_decode, base64_encode

from core import clock
from core.errors import UserError
from core.identity import fold_address
from core.settings import get_settings
from dmpg.state.gates_open import open_gates
from forms.gates import gate as gate_named
from forms.gates import may_record
from forms.meetings import AWAITING_APPROVAL
from models import ledger

SALT = "dmpg-decision-link"
DOCUMENT_SALT = "dmpg-document-link"
# A link as an outbox row stores it: the row's id between markers that neither HTML escaping nor URL
# quoting changes (``~`` is an unreserved URL character), so the marker survives every mail template.
MARK = "DMPG-LINK~{id}~"
_MARKED_URL = re.compile(r"https?://[^\s\"'<>]*?/beslut/DMPG-LINK~([A-Za-z0-9_-]{1,32})~")


class LinkRefused(UserError):
    """A link that does not lead to a decision now. ``reason`` is one word (``tampered``, ``unknown``,
    ``expired``, ``used``, ``closed``); ``message`` says it in Danish, with what to do."""

    exit_code = 1

    def __init__(self, reason: str, message: str, link: Any = None):
        super().__init__(message)
        self.reason = reason
        self.link = link


@dataclass(frozen=True)
class Link:
    """A verified link: its row and the token that named it."""

    row: Any  # models.tables.DecisionLink
    token: str

    @property
    def recipient(self) -> str:
        return self.row.recipient


def _serializer(salt: str):  # noqa: ANN202 - an itsdangerous serializer
    # itsdangerous signs with the last key of its list; ours is newest first.
    return URLSafeTimedSerializer(list(reversed(get_settings().signing_keys())), salt=salt)


def _lifetime() -> timedelta:
    return timedelta(days=get_settings().gate_timeout_days)


def _gate_row(proposal_id: str, gate: str, round: int, recipient: str) -> Any:  # noqa: A002
    """``recipient``'s link row for deciding ``gate`` round ``round`` (one row per recipient and round:
    asking again gives the same row)."""
    return ledger.decision_link(purpose="gate", proposal_id=proposal_id, gate=gate, round=round,
                                recipient=recipient, make_id=lambda: secrets.token_urlsafe(12),
                                expires_at=clock.now() + _lifetime())


def gate_link(proposal_id: str, gate: str, round: int, recipient: str) -> str:  # noqa: A002
    """The signed address of ``recipient``'s link for deciding ``gate`` round ``round``, for handing
    over at once (a test, a benchmark). A mail stores :func:`mail_url` instead."""
    return url_of(_gate_row(proposal_id, gate, round, recipient))


def minutes_link(meeting_id: str, recipient: str) -> str:
    """The chair's link for approving the minutes of ``meeting_id``, as a mail stores it (:func:`mail_url`)."""
    row = ledger.decision_link(purpose="minutes", meeting_id=meeting_id, recipient=recipient,
                               make_id=lambda: secrets.token_urlsafe(12),
                               expires_at=clock.now() + _lifetime())
    return mail_url(row)


def mail_url(row: Any) -> str:
    """The address of link ``row`` as an outbox row stores it: a marker naming the row, no token
    (see the module docstring); :func:`fill_links` makes it the signed address when the mail is sent."""
    return f"{get_settings().public_base_url}/beslut/{MARK.format(id=row.id)}"


def fill_links(text: str, recipient: str) -> str:
    """``text`` (a stored mail body) with each link marker made the signed address of its row, for
    sending to ``recipient`` now. A marker whose row is gone or belongs to someone else (a copy of the
    secretariat's mail to a chat channel) becomes the decision page's front page: a link is only ever
    sent to the person it names."""
    if "DMPG-LINK~" not in text:
        return text
    home = f"{get_settings().public_base_url}/"

    def signed(match: re.Match[str]) -> str:
        row = ledger.get_decision_link(match.group(1))
        if row is None or fold_address(row.recipient) != fold_address(recipient):
            return home
        return url_of(row)

    return _MARKED_URL.sub(signed, text)


def personal_urls(proposal_id: str, decides: tuple[str, int] | None) -> Any:
    """What each recipient's mail links to: their own decision link (as a mail stores it:
    :func:`mail_url`) when the mail asks them to decide ``decides`` (gate, round) and they may; the proposal in the Prefect UI for the secretariat (who
    has its login); nothing for anyone else (the UI is locked to them)."""
    proposal = ledger.get_proposal(proposal_id)
    roster = ledger.roster()
    proposers = [p["email"] for p in proposal.form.get("proposers") or [] if p.get("email")]
    run_url = get_settings().flow_run_url(proposal.flow_run_id) if proposal.flow_run_id else None

    def url_for(recipient: Any) -> dict[str, Any]:
        email = str(recipient.email)
        if decides and may_record(gate_named(decides[0]), email, roster, proposers)[0]:
            return {"url": mail_url(_gate_row(proposal_id, decides[0], decides[1], email)), "personal_link": True}
        if fold_address(email) in roster.emails("secretariat") and run_url:
            return {"url": run_url, "personal_link": False}
        return {"url": None, "personal_link": False}

    return url_for


def url_of(row: Any) -> str:
    """The signed address of link ``row`` (its token made now, with the first link key)."""
    token = _serializer(SALT).dumps({"l": row.id, "p": row.proposal_id, "g": row.gate, "r": row.round,
                                     "m": row.meeting_id, "to": row.recipient})
    return f"{get_settings().public_base_url}/beslut/{token}"


def canonical(token: str) -> bool:
    """Whether ``token`` is written exactly as we sign it. Base64 decoding forgives extra padding and the
    unused low bits of a last character, so ``token + "=="`` would name the same link: a link is accepted
    only in the one spelling it was mailed in."""
    parts = token.split(".")
    if parts and parts[0] == "":  # a compressed payload starts with "."
        parts = parts[1:]
    if len(parts) != 3:
        return False
    try:
        return all(part and base64_encode(base64_decode(part)).decode("ascii") == part for part in parts)
    except Exception:  # noqa: BLE001 - anything that does not decode is not canonical
        return False


def verify(token: str) -> Link:
    """The link ``token`` names, if it may decide now; else :class:`LinkRefused` saying why."""
    if not canonical(token):
        raise LinkRefused("tampered", "Linket er ikke gyldigt: det er ændret eller ufuldstændigt. Brug linket "
                                      "præcis som det står i din e-mail.")
    try:
        data = _serializer(SALT).loads(token, max_age=int(_lifetime().total_seconds()))
    except SignatureExpired:
        raise LinkRefused("expired", "Linket er udløbet. Skriv til sekretariatet, hvis beslutningen stadig "
                                     "skal registreres.") from None
    except BadSignature:
        raise LinkRefused("tampered", "Linket er ikke gyldigt: det er ændret eller ufuldstændigt. Brug linket "
                                      "præcis som det står i din e-mail.") from None
    row = ledger.get_decision_link(str(data.get("l")))
    if row is None or row.recipient != data.get("to") or row.proposal_id != data.get("p") \
            or row.meeting_id != data.get("m"):
        raise LinkRefused("unknown", "Linket kendes ikke. Brug linket i den seneste e-mail fra sekretariatet.")
    link = Link(row, token)
    if row.used_at is not None and row.purpose == "gate" and not _decided_through(row) and _gate_open(row):
        # Used, but nothing was recorded through it (an older release could be stopped between the two):
        # the gate still waits, so the link is the person's again.
        ledger.release_decision_link(row.id)
        row = ledger.get_decision_link(row.id)
        link = Link(row, token)
    if row.used_at is not None:
        raise LinkRefused("used", "Linket er allerede brugt: der er registreret en beslutning med det. Et link kan "
                                  "kun bruges én gang.", link)
    if row.expires_at < clock.now():
        raise LinkRefused("expired", "Linket er udløbet, fordi fristen for beslutningen er overskredet. Skriv til "
                                     "sekretariatet.", link)
    if row.purpose == "gate" and not _gate_open(row):
        raise LinkRefused("closed", "Der er ikke længere en beslutning at træffe med dette link: punktet er "
                                    "afgjort, eller en ny runde er åbnet (så har du fået en ny e-mail).", link)
    if row.purpose == "minutes" and not _minutes_await(row):
        raise LinkRefused("closed", "Referatet afventer ikke længere din godkendelse: det er allerede godkendt, "
                                    "eller mødet har intet referat at godkende.", link)
    return link


def _minutes_await(row: Any) -> bool:
    meeting = ledger.find_meeting(row.meeting_id)
    return meeting is not None and meeting.status == AWAITING_APPROVAL


def _decided_through(row: Any) -> bool:
    decided = ledger.decision(row.proposal_id, row.gate, row.round)
    return decided is not None and decided.detail.get("link") == row.id


def _gate_open(row: Any) -> bool:
    return any(g.gate == row.gate and g.round == row.round for g in open_gates(row.proposal_id))


def consume(link: Link) -> bool:
    """Mark the link used; False when another request used it first (exactly one wins). For the minutes'
    approval; a gate link is used in the same transaction as its decision is recorded
    (``models.ledger.record_decision``)."""
    return ledger.use_decision_link(link.row.id)


def release(link: Link) -> None:
    """Make the link usable again: what was posted through it was refused (nothing recorded)."""
    ledger.release_decision_link(link.row.id)


def document_url(document_id: int, proposal_id: str, gate: str, round: int) -> str:  # noqa: A002
    """A signed address of one document of ``proposal_id``, shown for ``gate`` round ``round`` (its Resume
    form, its decision page): it works while that round waits, and is refused once it is decided."""
    token = _serializer(DOCUMENT_SALT).dumps({"d": document_id, "p": proposal_id, "g": gate, "r": round})
    return f"{get_settings().public_base_url}/dokument/{token}"


def verify_document(token: str) -> tuple[int, str]:
    """``(document id, proposal id)`` of a document link; :class:`LinkRefused` when tampered, expired, or its
    gate round no longer waits."""
    if not canonical(token):
        raise LinkRefused("tampered", "Linket til dokumentet er ikke gyldigt.")
    try:
        data = _serializer(DOCUMENT_SALT).loads(token, max_age=int(_lifetime().total_seconds()))
    except SignatureExpired:
        raise LinkRefused("expired", "Linket til dokumentet er udløbet.") from None
    except BadSignature:
        raise LinkRefused("tampered", "Linket til dokumentet er ikke gyldigt.") from None

    proposal_id = str(data["p"])
    if not any(g.gate == data.get("g") and g.round == data.get("r") for g in open_gates(proposal_id)):
        raise LinkRefused("closed", "Linket til dokumentet gjaldt, mens sagen ventede på en beslutning, og det er "
                                    "den ikke længere. Skriv til sekretariatet, hvis du har brug for dokumentet.")
    return int(data["d"]), proposal_id
