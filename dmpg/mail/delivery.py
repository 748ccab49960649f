"""Sending one message through apprise, and saying exactly why when it fails.

Contracts:
- ``send_email(to, subject, html, attachments, key)`` sends one e-mail to one address and returns a
  ``SendResult``. The transports are ``settings.apprise_urls`` (``mailto://`` plain SMTP, ``mailtos://``
  STARTTLS), tried in order until one accepts the message; empty means the local mail sink (plain SMTP
  to ``smtp_host:smtp_port``). Each URL is addressed to this one recipient (``to=``), so no message
  fans out to cc/bcc copies, and gets ``from=`` (apprise silently refuses without it).
- ``send_channel(url, subject, text)`` posts to one non-mail apprise target (e.g. a Teams channel).
- Attachments reach the recipient with ASCII file names (``æ``->``ae``), as apprise requires.

Apprise facts this module is shaped by: a fresh ``Apprise`` object per message (an instance waits
between sends, ``request_rate_per_sec``); ``notify()`` returns one bool, so one target per call is how
we know per-recipient success; the reason for a failure is only in apprise's log, which we capture.
The plain-text alternative of an HTML e-mail is made by apprise from the HTML body, which is why the
HTML templates show each link's address as visible text.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from core.errors import UserError
from core.text import ascii_name
from core.settings import get_settings

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


def mail_urls(to: str, key: str | None = None) -> list[str]:
    """The apprise URLs that send one e-mail to ``to``, in the order to try them.

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
        if key:
            query["+X-DMPG-Key"] = key  # apprise turns '+Name=value' into a header: lets a reader trace the row
        out.append(urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, quote_via=quote), "")))
    return out


def _attachments(paths: list[str]):
    import apprise

    bundle = apprise.AppriseAttachment()
    for raw in paths:
        path = Path(raw)
        if not path.is_file():
            raise FileNotFoundError(f"attachment missing: {path}")
        bundle.add(f"file://{quote(str(path.resolve()))}?name={quote(ascii_name(path.name, 'bilag'))}")
    return bundle


def _notify(url: str, *, title: str, body: str, body_format: str, attach=None) -> SendResult:
    """One apprise target, one message; the failure reason from apprise's log."""
    import logging

    import apprise

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


def send_email(to: str, subject: str, html: str, attachments: list[str], key: str | None = None) -> SendResult:
    """Send one HTML e-mail (apprise adds the text alternative) to ``to`` via the first transport that works."""
    import apprise

    try:
        attach = _attachments(attachments) if attachments else None
    except FileNotFoundError as exc:
        return SendResult(False, str(exc))
    errors = []
    for url in mail_urls(to, key):
        result = _notify(url, title=subject, body=html, body_format=apprise.NotifyFormat.HTML, attach=attach)
        if result.ok:
            return result
        errors.append(result.error or "")
    return SendResult(False, " | ".join(errors))


def send_channel(url: str, subject: str, text: str) -> SendResult:
    """Post the plain-text body to one non-mail apprise target (e.g. the secretariat's Teams channel)."""
    import apprise

    return _notify(url, title=subject, body=text, body_format=apprise.NotifyFormat.TEXT)
