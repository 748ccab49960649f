"""The loop of our background processes (the outbox deliverer, the recovery sweep): one round every
``poll_seconds`` until SIGTERM or SIGINT, a failing round logged and tried again, never fatal.

Contract: ``serve(ready, poll_seconds, round_)`` configures logging (INFO, to stdout or the journal),
prints ``ready`` once (``dmpg up`` and the tests wait for that line) and runs ``round_()`` until told to
stop; a round that raises is logged with its traceback and the next one follows after ``poll_seconds``.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

log = logging.getLogger("dmpg.daemon")


def run_rounds(round_: Callable[[], object], poll_seconds: float, stop: threading.Event) -> None:
    """Call ``round_`` every ``poll_seconds`` until ``stop`` is set."""
    while not stop.is_set():
        try:
            round_()
        except Exception:  # noqa: BLE001 - the ledger or Prefect may be briefly unavailable; try again
            log.exception("round failed; trying again in %.1f s", poll_seconds)
        stop.wait(poll_seconds)


def serve(ready: str, poll_seconds: float, round_: Callable[[], object]) -> None:
    """Run ``round_`` every ``poll_seconds`` in the foreground until SIGTERM/SIGINT (see the module docstring)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per API call would bury what happened
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(ready, flush=True)
    run_rounds(round_, poll_seconds, stop)
