"""E-mail notifications: who gets what (recipients), what it says (compose), the ledger outbox that
makes each message exist once (outbox), sending through apprise (delivery), reminders and the weekly
digest (reminders), and the local mail sink the demo stack runs (sink).

Everything here is plain Python without Prefect; ``tasks/notify.py`` and ``flows/reminders.py`` wrap it.
"""

# Stable names of the mail kinds; each has templates/mail/<kind>.subject.j2, .txt.j2 and .html.j2.
KINDS: tuple[str, ...] = (
    "receipt",
    "revision_request",
    "hearing",
    "steering_memo",
    "director_memo",
    "decision",
    "appointment_request",
    "kickoff",
    "reminder",
    "digest",
)
