"""The outbox deliverer (``python -m dmpg.mail.deliverer``): sends what the outbox holds, on its own.

Lifecycle steps only queue their mails, so a decision reaches its next gate without waiting for SMTP.
This process sends every due row as it appears and retries those a mail server refused, with the
outbox's backoff, between steps and without anyone asking. Several deliverers may run (one per
worker host): a row is claimed before it is sent, so no message goes out twice.
"""

from __future__ import annotations

import logging
import signal
import threading

log = logging.getLogger("dmpg.deliverer")


def run(poll_seconds: float, stop: threading.Event) -> None:
    """Deliver due rows every ``poll_seconds`` until ``stop`` is set; a failing round is logged, not fatal."""
    from dmpg.mail.outbox import deliver_pending

    while not stop.is_set():
        try:
            report = deliver_pending()
            if report.sent or report.retrying or report.failed:
                log.info("sent %d, retrying %d, failed %d", len(report.sent), len(report.retrying), len(report.failed))
        except Exception:  # noqa: BLE001 - the ledger may be briefly unavailable; try again next round
            log.exception("delivery round failed; trying again in %.1f s", poll_seconds)
        stop.wait(poll_seconds)


def main() -> None:
    from core.settings import get_settings

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    poll = get_settings().outbox_poll_seconds
    print(f"DMPG outbox deliverer ready: delivering every {poll} s", flush=True)
    run(poll, stop)


if __name__ == "__main__":
    main()
