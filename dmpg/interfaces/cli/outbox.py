"""``dmpg outbox [list] [--json]`` and ``dmpg outbox retry [--json]``: the notification outbox.

``list`` shows every notification, oldest first. JSON: a list of ``{"key", "proposal", "kind",
"round", "to", "subject", "status", "attempts", "last_error", "next_attempt_at", "created_at",
"sent_at"}``.

``retry`` puts failed notifications back to pending and sends every pending one now, ignoring the
backoff wait (a person asked). Exit 0 when nothing is left undelivered, 1 otherwise (the message says
what is left and why). JSON: ``{"reset", "sent", "retrying", "failed", "errors", "still_pending"}``.
"""

from __future__ import annotations

import argparse
from typing import Any

from dmpg.interfaces.cli._output import print_json, print_table
from dmpg.mail.outbox import deliver_pending, list_notifications, retry_failed


def run(args: argparse.Namespace) -> int:
    if getattr(args, "outbox_command", None) == "retry":
        return _retry(args)
    return _list(args)


def _row(n: Any) -> dict[str, Any]:
    return {
        "key": n.key, "proposal": n.proposal_id, "kind": n.kind, "round": n.round, "to": n.recipient,
        "subject": n.subject, "status": n.status, "attempts": n.attempts, "last_error": n.last_error,
        "next_attempt_at": n.next_attempt_at, "created_at": n.created_at, "sent_at": n.sent_at,
    }


def _list(args: argparse.Namespace) -> int:
    rows = [_row(n) for n in list_notifications()]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("Udbakken er tom: ingen e-mails endnu.")
        return 0
    print_table(
        ["SAG", "SLAGS", "RUNDE", "TIL", "STATUS", "FORSØG", "EMNE / SENESTE FEJL"],
        [[r["proposal"] or "—", r["kind"], r["round"], r["to"], STATUS_WORDS.get(r["status"], r["status"]), r["attempts"],
          _shorten(r["last_error"] if r["status"] != "sent" and r["last_error"] else r["subject"])]
         for r in rows],
    )
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    print("\n" + ", ".join(f"{n} {STATUS_WORDS.get(status, status).lower()}" for status, n in sorted(counts.items())) + ".")
    if counts.get("failed") or counts.get("pending"):
        print("Send igen nu med: dmpg outbox retry")
    return 0


STATUS_WORDS = {"pending": "Venter", "sending": "Sendes", "sent": "Sendt", "failed": "Fejlet"}


def _shorten(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _retry(args: argparse.Namespace) -> int:
    reset = retry_failed()
    report = deliver_pending(ignore_backoff=True)
    data = {"reset": reset, **report.as_dict()}
    if args.json:
        print_json(data)
    else:
        print(f"{reset} fejlede e-mails sat til at blive sendt igen; {len(report.sent)} sendt.")
        for key in report.retrying + report.failed:
            print(f"  ikke sendt: {key}: {report.errors.get(key, '')}")
    left = report.still_pending + len(report.failed)
    if left:
        if not args.json:
            print(f"{left} e-mails er stadig ikke leveret; se 'dmpg outbox' (kører mailserveren?)")
        return 1
    return 0
