"""The reminders flow (deployment ``dmpg-reminders``, daily): deliver, remind, digest, deliver.

0. Record gates whose run Prefect failed after the gate timeout (``dmpg.services.expiry``).
1. Deliver outbox rows whose time has come: this is what sends mail held back by a mail server
   outage, without a person doing anything.
2. Remind whoever an open gate has waited on for ``remind_after_days`` or more (once per interval),
   and escalate a gate overdue ``escalate_after_days`` or more to its body's chair (once, ever).
3. On ``digest_weekday``, the secretariat's weekly digest of everything pending, overdue first (once
   per ISO week).
4. Deliver what 2 and 3 queued, and bring the Prefect UI's board up to date: the table of everything
   waiting and the timeline chart (``dmpg-tidslinje``, drawn only here: once a day is enough).
5. Pseudonymise the records of proposals that ended ``DMPG_RETENTION_YEARS`` ago (``dmpg.services.persondata``).

Every step is keyed in the ledger, so running it twice, or more often than daily, sends nothing twice.
Imports stay lean: the runner starts a fresh process per run.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow

from tasks.notify import (
    apply_retention,
    deliver_outbox,
    publish_board,
    publish_timeline,
    queue_digest,
    queue_escalations,
    queue_reminders,
    record_expired_gates,
)

FLOW_NAME = "dmpg-reminders"  # its schedule is declared with its deployment in prefect.yaml


@flow(name=FLOW_NAME, log_prints=True)
def send_reminders(now: datetime | None = None) -> dict[str, Any]:
    """One round of reminders; ``now`` (default: the current time) lets a test pretend it is later."""
    expired = record_expired_gates()
    backlog = deliver_outbox(now=now)
    reminded = queue_reminders(now)
    escalated = queue_escalations(now)
    digest = queue_digest(now)
    delivered = deliver_outbox(now=now)
    publish_board()
    publish_timeline()
    retained = apply_retention(now)
    summary = {
        "gates_expired": len(expired),
        "backlog_sent": len(backlog["sent"]),
        "reminders_queued": len(reminded),
        "escalations_queued": len(escalated),
        "digest_queued": len(digest),
        "sent": len(delivered["sent"]),
        "still_pending": delivered["still_pending"],
        "records_pseudonymised": len(retained["proposals"]),
    }
    print(f"dmpg-reminders: {summary}")
    return summary


if __name__ == "__main__":
    send_reminders()
