"""The recovery sweep (``python -m dmpg.interfaces.sweep``): every ``recovery_poll_seconds`` it looks at the lifecycle
run of every proposal under way and resumes those that stopped (``dmpg.services.recovery``).

Run exactly one per installation (``deploy/dmpg-sweep.service``); the ledger's keys make a second one
harmless, but it would only duplicate the work.

``--local-stack``: it runs as a child of ``dmpg up`` and also keeps the local stack alive. A child that
died on its own (its pid file is there, its process is gone) is started again, as systemd's ``Restart=``
does for the services in production. And since the local stack has exactly one runner, a run that is
Pending or Running from before the current runner started has lost its process: it is recovered at once,
without waiting for its heartbeat to go stale.
"""

from __future__ import annotations

import argparse
import logging

from core.settings import get_settings
from dmpg.adapters.daemon import serve
from dmpg.adapters.prefect_api import PrefectAPI
from dmpg.adapters.stack import RUNNER, LocalStack
from dmpg.services.recovery import sweep

log = logging.getLogger("dmpg.sweep")


def sweep_round(local_stack: bool) -> None:
    """One pass: (local stack: revive dead children,) then recover what stopped."""
    orphaned_before = None
    if local_stack:
        stack = LocalStack()
        if revived := stack.revive():
            log.info("started again after they died: %s", ", ".join(revived))
        orphaned_before = stack.started_at(RUNNER)
    with PrefectAPI() as api:
        sweep(api, orphaned_before=orphaned_before)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dmpg.interfaces.sweep", description=__doc__.split("\n\n")[0])
    parser.add_argument("--local-stack", action="store_true", help="run as part of 'dmpg up' (see above)")
    args = parser.parse_args(argv)
    poll = get_settings().recovery_poll_seconds
    serve(f"DMPG recovery sweep ready: looking at the lifecycle runs every {poll} s", poll,
          lambda: sweep_round(args.local_stack))


if __name__ == "__main__":
    main()
