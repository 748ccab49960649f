"""E-mail: the kinds of mail (here), who gets what (recipients), what every mail of a proposal says
(facts), what a mail says (compose: its templates rendered) and the ledger outbox that makes each message
exist once and sends it (outbox, through ``dmpg.adapters.delivery``).

Which mails go out when is the services' business (``dmpg.services``: a step's effects, the reminders and
the escalation); everything here is plain Python without Prefect.
"""

from forms.gates import GATES

# Stable names of the mail kinds; each has templates/mail/<kind>.subject.j2, .txt.j2 and .html.j2.
# The mails that open a gate are declared with the gate (forms.gates); these are the others.
STEP_KINDS: tuple[str, ...] = ("receipt", "decision", "appointment_request", "kickoff", "established", "reminder",
                               "digest", "recovery", "escalation")
GATE_KINDS: tuple[str, ...] = tuple(g.opening_mail for g in GATES.values() if g.opening_mail)
# The mails of a whole meeting (dmpg.services.meetings): no proposal of their own; keyed by the meeting.
MEETING_KINDS: tuple[str, ...] = ("meeting_pack", "meeting_minutes", "minutes_approval", "meeting_invitation")
KINDS: tuple[str, ...] = STEP_KINDS + GATE_KINDS + MEETING_KINDS
