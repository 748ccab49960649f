"""The outbox deliverer (``python -m dmpg.interfaces.deliverer``): sends what the outbox holds, on its own.

Lifecycle steps only queue their mails, so a decision reaches its next gate without waiting for SMTP.
This process sends every due row as it appears and retries those a mail server refused, with the
outbox's backoff, between steps and without anyone asking. Several deliverers may run (one per
worker host): a row is claimed before it is sent, so no message goes out twice.
"""

from __future__ import annotations

import logging

from core.settings import get_settings
from dmpg.adapters.daemon import serve
from dmpg.mail.outbox import deliver_pending

log = logging.getLogger("dmpg.deliverer")


def deliver_round() -> None:
    """Deliver the rows that are due now (a failed send stays pending with its backoff)."""
    report = deliver_pending()
    if report.sent or report.retrying or report.failed:
        log.info("sent %d, retrying %d, failed %d", len(report.sent), len(report.retrying), len(report.failed))


def main() -> None:
    poll = get_settings().outbox_poll_seconds
    serve(f"DMPG outbox deliverer ready: delivering every {poll} s", poll, deliver_round)


if __name__ == "__main__":
    main()
