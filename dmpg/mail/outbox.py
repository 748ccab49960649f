"""The outbox: every notification is a ledger row written before it is sent, once per key.

Contracts:
- Key: ``{proposal}:{kind}[/{scope}]:{round}:{recipient}`` (recipient lower-cased; ``all`` when there
  is no proposal). ``scope`` separates messages of one kind in one round: the gate of a ``decision``
  (filled in automatically from the context), ``{gate}/{interval}`` of a ``reminder``, the ISO week of
  a ``digest``. A second ``enqueue`` with the same key is a no-op, also when two processes race.
- Subject and bodies are rendered at enqueue time: what was decided to be sent is what is sent,
  even if a template is edited meanwhile. The one thing made at send time is each decision link's
  signed token: a row stores a marker naming the link row (``dmpg.state.links.mail_url``), so no copy of
  the ledger holds a working link.
- Status: ``pending`` -> ``sending`` (claimed by one deliverer, with a lease in ``next_attempt_at``)
  -> ``sent``, or back to ``pending`` with exponential backoff, or ``failed`` after
  ``settings.mail_max_attempts`` tries. A row is claimed by a conditional UPDATE before it is sent,
  so two deliverers never send the same row; a claim whose deliverer died is taken over when its lease
  runs out. The one window left is a crash between the server accepting a message and the row being
  marked sent (milliseconds): that message could go out a second time after the lease.
- Secretariat-bound messages also go to each ``settings.secretariat_apprise_urls`` target (a row per
  target, recipient ``channel:<hash>``, plain-text body).
- Every e-mail is sent with ``Reply-To`` the secretariat (the first on the roster in force), and the
  mails of a proposal with its thread headers (``delivery.thread_headers``, a function of the row's
  proposal id: a message tried again carries the same ones).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from core import clock
from core.errors import UserError
from core.identity import fold_address
from core.settings import get_settings
from core.text import ascii_name
from dmpg.adapters.delivery import (
    SendResult,
    channel_id,
    channel_url,
    send_channel,
    send_email,
    thread_headers,
)
from dmpg.mail.compose import render
from dmpg.mail.recipients import Recipient
from dmpg.state.links import fill_links
from models import ledger
from models.ledger import FAILED, PENDING, SENDING, SENT, list_notifications, retry_failed, roster
from models.tables import Notification

__all__ = ["FAILED", "PENDING", "SENDING", "SENT", "DeliveryReport", "backoff", "deliver_pending", "enqueue",
           "list_notifications", "notification_key", "reply_address", "retry_failed", "undelivered_count"]


def _utc(value: datetime | None) -> datetime:
    """Aware UTC (SQLite hands back naive datetimes; they were written as UTC)."""
    value = value or clock.now()
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def notification_key(proposal_id: str | None, kind: str, round: int, recipient: str, scope: str | None = None) -> str:  # noqa: A002
    return f"{proposal_id or 'all'}:{kind}{'/' + scope if scope else ''}:{round}:{fold_address(recipient)}"


def _scope(kind: str, context: Mapping[str, Any], scope: str | None) -> str | None:
    if scope is None and kind == "decision":
        return str(context.get("gate") or "")  # render() refuses a decision without a gate
    return scope


def _as_recipient(item: Recipient | Mapping[str, Any]) -> Recipient:
    if isinstance(item, Recipient):
        return item
    try:
        return Recipient(name=str(item.get("name") or item["email"]), email=str(item["email"]),
                         role=str(item.get("role") or "recipient"), organisations=tuple(item.get("organisations") or ()))
    except (KeyError, TypeError, AttributeError):
        raise UserError(f"a mail recipient needs at least an email: got {item!r}") from None


def enqueue(
    proposal_id: str | None,
    kind: str,
    round: int,  # noqa: A002 - the domain's word
    recipients: Iterable[Recipient | Mapping[str, Any]],
    context: Mapping[str, Any],
    attachments: Iterable[Path | str] = (),
    *,
    scope: str | None = None,
    personal: Callable[[Recipient], Mapping[str, Any]] | None = None,
) -> list[Notification]:
    """Write one outbox row per recipient (rendered now) unless its key exists; return all the rows.

    ``personal(recipient)`` adds what only that recipient's message says (their own decision link).

    ``context`` is the template context (see ``dmpg.mail.compose``); ``proposal_id``, ``round``,
    ``recipient`` and ``attachments`` (ASCII file names) are added here. Raises ``UserError`` for a
    missing attachment file or an incomplete context, before anything is written."""
    files = [Path(a) for a in attachments]
    missing = [str(f) for f in files if not f.is_file()]
    if missing:
        raise UserError(f"mail {kind!r} for {proposal_id}: attachment file(s) not found: {', '.join(missing)}")
    people = [_as_recipient(r) for r in recipients]
    scope = _scope(kind, context, scope)
    base = {**context, "round": round, "attachments": [ascii_name(f.name, "bilag") for f in files]}
    if proposal_id is not None:
        base["proposal_id"] = proposal_id

    rows: list[Notification] = []
    for person in people:
        own = personal(person) if personal else {}
        rendered = render(kind, {**base, **own, "recipient": person.as_context()})
        rows.append(Notification(
            key=notification_key(proposal_id, kind, round, person.email, scope), proposal_id=proposal_id,
            kind=kind, round=round, recipient=fold_address(person.email), subject=rendered.subject,
            body_text=rendered.text, body_html=rendered.html, attachments=[str(f.resolve()) for f in files],
        ))
        if person.role == "secretariat" and not any(r.recipient.startswith("channel:") for r in rows):
            for url in get_settings().secretariat_apprise_urls:
                rid = channel_id(url)
                rows.append(Notification(
                    key=notification_key(proposal_id, kind, round, rid, scope), proposal_id=proposal_id,
                    kind=kind, round=round, recipient=rid, subject=rendered.subject,
                    body_text=rendered.text, body_html="", attachments=[],
                ))

    return ledger.store_notifications(rows)


@dataclass
class DeliveryReport:
    """What one ``deliver_pending`` call did: keys sent and failed now, and what is still waiting."""

    sent: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # gave up: status 'failed'
    retrying: list[str] = field(default_factory=list)  # failed this time, will be tried again
    errors: dict[str, str] = field(default_factory=dict)
    still_pending: int = 0  # rows not yet due (backoff) or being sent by someone else

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "retrying": self.retrying,
                "errors": self.errors, "still_pending": self.still_pending}


def _claim(row_id: int, now: datetime, ignore_backoff: bool) -> bool:
    """Take the row for sending; False if another deliverer has it (or it is no longer due)."""
    # The lease runs on the real clock: ``now`` may be a test's (or the flow parameter's) pretend time.
    lease = _utc(None) + timedelta(seconds=get_settings().mail_lease_seconds)
    return ledger.claim_notification(row_id, now, ignore_backoff, lease)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failed ones: base * 2^(attempts-1), capped."""
    settings = get_settings()
    seconds = settings.mail_backoff_seconds * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, settings.mail_backoff_max_seconds))


def _send(row: Notification):
    """Send one row; its decision links are signed now (``dmpg.state.links.fill_links``: the row holds none)."""
    if row.recipient.startswith("channel:"):
        url = channel_url(row.recipient)
        if url is None:
            return SendResult(False, f"{row.recipient} is no longer in DMPG_SECRETARIAT_APPRISE_URLS")
        return send_channel(url, row.subject, fill_links(row.body_text, row.recipient))
    return send_email(row.recipient, row.subject, fill_links(row.body_html, row.recipient), list(row.attachments),
                      key=row.key, headers=thread_headers(row.proposal_id), reply_to=reply_address())


def reply_address() -> str | None:
    """Where answers to our mails go: the first secretariat e-mail on the roster in force. None when the
    roster cannot be read (the mail still goes out; the roster's own checks report the problem)."""
    try:
        people = roster().people("secretariat")
    except (UserError, OSError):
        return None
    return str(people[0].email) if people else None


def deliver_pending(
    proposal_id: str | None = None, *, now: datetime | None = None, ignore_backoff: bool = False
) -> DeliveryReport:
    """Send every due row (of one proposal, or all), one message per recipient, and record the outcome.

    Due: ``pending`` with ``next_attempt_at`` passed (or any ``pending`` with ``ignore_backoff``), or
    ``sending`` whose lease ran out. Each row is claimed before it is sent and updated right after, so a
    crash loses at most the one message in flight (it is resent once the lease runs out). Never raises
    for a failed send: the row records ``last_error`` and waits for its next try."""
    now = _utc(now)
    settings = get_settings()
    report = DeliveryReport()
    ids = ledger.due_notifications(now, ignore_backoff, proposal_id)

    for row_id in ids:
        if not _claim(row_id, now, ignore_backoff):
            continue
        row = ledger.get_notification(row_id)
        try:
            result = _send(row)
        except UserError as exc:  # a misconfigured transport: the row stays and says why
            result = SendResult(False, str(exc))

        def outcome(row: Notification, result: SendResult = result) -> None:
            if result.ok:
                row.status, row.sent_at, row.last_error, row.next_attempt_at = SENT, _utc(None), None, None
                report.sent.append(row.key)
            else:
                row.last_error = result.error
                report.errors[row.key] = result.error or ""
                if row.attempts >= settings.mail_max_attempts:
                    row.status, row.next_attempt_at = FAILED, None
                    report.failed.append(row.key)
                else:
                    row.status, row.next_attempt_at = PENDING, _utc(None) + backoff(row.attempts)
                    report.retrying.append(row.key)

        ledger.record_attempt(row_id, outcome)

    report.still_pending = ledger.count_notifications((PENDING, SENDING), proposal_id)
    return report


def undelivered_count() -> int:
    """Rows not yet sent (pending, being sent, or failed): the digest reports this number."""
    return ledger.count_notifications(exclude=SENT)
