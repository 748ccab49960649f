"""Sending one message through apprise, and saying exactly why when it fails.

Contracts:
- ``send_email(to, subject, html, attachments, key)`` sends one e-mail to one address and returns a
  ``SendResult``. The transports are ``settings.apprise_urls`` (``mailto://`` plain SMTP, ``mailtos://``
  STARTTLS), tried in order until one accepts the message; empty means the local mail sink (plain SMTP
  to ``smtp_host:smtp_port``). Each URL is addressed to this one recipient (``to=``), so no message
  fans out to cc/bcc copies, and gets ``from=`` (apprise silently refuses without it).
- ``send_channel(url, subject, text)`` posts to one non-mail apprise target (e.g. a Teams channel).
- Attachments reach the recipient with ASCII file names (``æ``->``ae``), as apprise requires.
- Every e-mail may carry a ``Reply-To`` (apprise's ``reply=``: the secretariat, so an answer reaches a
  person) and extra headers (apprise's ``+Name=value``). The mails of one proposal carry
  :func:`thread_headers`, so mail programs show them as one thread.

Threading. Apprise gives every message a fresh ``Message-ID`` of its own making and adds it after our
headers, so a ``Message-ID`` of ours would make a second one (an invalid message). The mails of a
proposal therefore refer to one stable thread root instead, derived from the proposal id and the
sender's domain (:func:`thread_root`, ``<dmpg-2026-001.dmpg@example.dk>``): ``In-Reply-To`` and
``References`` name it on every mail, which is how Thunderbird, Apple Mail and other RFC 5322 readers
thread; Outlook groups by ``Thread-Index`` (the same 22-byte conversation header on every mail of the
proposal: a GUID derived from the proposal id) and ``Thread-Topic``. All of it is a function of the
outbox row's proposal id, so a message sent again after a failure carries the same thread headers.

Apprise facts this module is shaped by: a fresh ``Apprise`` object per message (an instance waits
between sends, ``request_rate_per_sec``); ``notify()`` returns one bool, so one target per call is how
we know per-recipient success; the reason for a failure is only in apprise's log, which we capture.
The plain-text alternative of an HTML e-mail is made by apprise from the HTML body, which is why the
HTML templates show each link's address as visible text.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import apprise

from core.errors import UserError
from core.settings import get_settings
from core.text import ascii_name

MAIL_SCHEMES = ("mailto", "mailtos")
_ERROR_HINTS = re.compile(r"exception|error|fail|could not|refused|timed out|unable", re.IGNORECASE)


@dataclass(frozen=True)
class SendResult:
    ok: bool
    error: str | None = None


def channel_id(url: str) -> str:
    """A stable, secret-free name for a secretariat channel URL (webhook URLs hold tokens)."""
    return "channel:" + hashlib.sha256(url.encode("utf-8")).hexdigest()[:10]


def channel_url(recipient: str) -> str | None:
    """The configured secretariat URL behind ``channel_id``, or None if it is no longer configured."""
    for url in get_settings().secretariat_apprise_urls:
        if channel_id(url) == recipient:
            return url
    return None


def describe(url: str) -> str:
    """A URL as it may be logged: scheme, host and port only (no user, password or token)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}"


def thread_root(proposal_id: str) -> str:
    """The id every mail of ``proposal_id`` refers to: ``<dmpg-2026-001.dmpg@example.dk>`` (the domain
    of ``DMPG_MAIL_FROM``)."""
    domain = get_settings().mail_from.rsplit("@", 1)[-1].strip() or "localhost"
    return f"<{ascii_name(proposal_id, 'dmpg').lower()}.dmpg@{domain}>"


def thread_index(proposal_id: str) -> str:
    """Outlook's conversation header for ``proposal_id`` ([MS-OXOMSG] 2.2.1.3: 0x01, the 5 high bytes
    of a FILETIME, a GUID), base64. The time is the 1 January of the proposal's year and the GUID a
    UUID5 of the proposal id, so every mail of the proposal carries the same value."""
    year = int(m.group(1)) if (m := re.match(r"DMPG-(\d{4})-", proposal_id)) else 2000
    epoch = datetime(1601, 1, 1, tzinfo=timezone.utc)
    filetime = int((datetime(year, 1, 1, tzinfo=timezone.utc) - epoch).total_seconds()) * 10_000_000
    guid = uuid.uuid5(uuid.NAMESPACE_URL, f"dmpg:{proposal_id}")
    return base64.b64encode(b"\x01" + (filetime >> 24).to_bytes(5, "big") + guid.bytes).decode("ascii")


def thread_headers(proposal_id: str | None) -> dict[str, str]:
    """The headers that thread the mails of ``proposal_id`` (see the module docstring); none without one."""
    if not proposal_id:
        return {}
    root = thread_root(proposal_id)
    return {"In-Reply-To": root, "References": root, "Thread-Topic": proposal_id,
            "Thread-Index": thread_index(proposal_id)}


def mail_urls(to: str, key: str | None = None, *, headers: dict[str, str] | None = None,
              reply_to: str | None = None) -> list[str]:
    """The apprise URLs that send one e-mail to ``to``, in the order to try them, with ``reply_to``
    as its ``Reply-To`` and ``headers`` added to the message.

    Raises ``UserError`` naming ``DMPG_APPRISE_URLS`` if one of them is not a mail URL."""
    settings = get_settings()
    templates = settings.apprise_urls or [f"mailto://{settings.smtp_host}:{settings.smtp_port}"]
    out = []
    for i, template in enumerate(templates):
        parts = urlsplit(template)
        if parts.scheme not in MAIL_SCHEMES:
            raise UserError(
                f"DMPG_APPRISE_URLS[{i}] is {describe(template)!r}: expected a mailto:// (SMTP) or mailtos:// "
                "(SMTP with STARTTLS) URL; put other apprise targets in DMPG_SECRETARIAT_APPRISE_URLS"
            )
        query = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("to", "cc", "bcc")}
        query.setdefault("from", settings.mail_from)
        query.setdefault("name", settings.mail_from_name)
        query["to"] = to
        query["format"] = "html"
        if reply_to:
            query["reply"] = reply_to
        for name, value in (headers or {}).items():
            query[f"+{name}"] = " ".join(value.split())  # one line: a header value never breaks the header block
        if key:
            query["+X-DMPG-Key"] = key  # apprise turns '+Name=value' into a header: lets a reader trace the row
        out.append(urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, quote_via=quote), "")))
    return out


def _attachments(paths: list[str]):
    bundle = apprise.AppriseAttachment()
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise FileNotFoundError(f"attachment missing: {path}")
        bundle.add(f"file://{quote(str(path.resolve()))}?name={quote(ascii_name(path.name, 'bilag'))}")
    return bundle


def _notify(url: str, *, title: str, body: str, body_format: str, attach=None) -> SendResult:
    """One apprise target, one message; the failure reason from apprise's log."""
    with apprise.LogCapture(level=logging.DEBUG, fmt="%(levelname)s %(message)s") as log:
        app = apprise.Apprise()
        if not app.add(url):
            return SendResult(False, f"{describe(url)}: apprise does not accept this URL")
        ok = app.notify(body=body, title=title, body_format=body_format, attach=attach)
    if ok:
        return SendResult(True)
    lines = [line.split(" ", 1)[-1] for line in log.getvalue().splitlines()
             if line.startswith(("WARNING", "ERROR")) or _ERROR_HINTS.search(line)]
    # The socket's own words ("Connection refused") first: they are what a person needs to see.
    lines.sort(key=lambda line: "Exception" not in line)
    reason = "; ".join(dict.fromkeys(line.strip() for line in lines if line.strip())) or "apprise reported a failure"
    return SendResult(False, f"{describe(url)}: {reason}"[:1000])


def send_email(to: str, subject: str, html: str, attachments: list[str], key: str | None = None, *,
               headers: dict[str, str] | None = None, reply_to: str | None = None) -> SendResult:
    """Send one HTML e-mail (apprise adds the text alternative) to ``to`` via the first transport that
    works, with ``reply_to`` and ``headers`` (see :func:`mail_urls`)."""
    try:
        attach = _attachments(attachments) if attachments else None
    except FileNotFoundError as exc:
        return SendResult(False, str(exc))
    errors = []
    for url in mail_urls(to, key, headers=headers, reply_to=reply_to):
        result = _notify(url, title=subject, body=html, body_format=apprise.NotifyFormat.HTML, attach=attach)
        if result.ok:
            return result
        errors.append(result.error or "")
    return SendResult(False, " | ".join(errors))


def send_channel(url: str, subject: str, text: str) -> SendResult:
    """Post the plain-text body to one non-mail apprise target (e.g. the secretariat's Teams channel)."""
    return _notify(url, title=subject, body=text, body_format=apprise.NotifyFormat.TEXT)
