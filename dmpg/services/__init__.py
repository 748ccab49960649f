"""Services: the use cases, each a plain Python module without Prefect (``tasks/`` wraps them for the flows;
the command line, the decision page and the processes in ``dmpg.interfaces`` call them directly).

- the lifecycle: :mod:`~dmpg.services.gatekeeper` (opening a gate, taking an answer from any channel),
  :mod:`~dmpg.services.steps` (the steps between the gates), :mod:`~dmpg.services.effects` (a step's document
  and mail, each exactly once), :mod:`~dmpg.services.submission` (a proposal in, its flow run started);
- deciding from outside the flow: :mod:`~dmpg.services.decisions`, :mod:`~dmpg.services.meetings` (a body's
  dated meetings and their minutes), :mod:`~dmpg.services.wake` (waking the waiting run);
- keeping proposals moving: :mod:`~dmpg.services.deadlines` (when a waiting gate is due),
  :mod:`~dmpg.services.reminders` and :mod:`~dmpg.services.escalation` (the daily mails),
  :mod:`~dmpg.services.expiry` (gates past their timeout), :mod:`~dmpg.services.recovery` (runs left behind);
- :mod:`~dmpg.services.invitations` (meetings as calendar invitations), :mod:`~dmpg.services.persondata`
  (GDPR: export, erase, retention), :mod:`~dmpg.services.upgrade` (can this release carry every waiting
  proposal on?).

They write through ``models.ledger`` and draw on ``dmpg.mail``, ``dmpg.documents``, ``dmpg.state`` and
``dmpg.adapters``, never on ``dmpg.interfaces`` (the import-linter contract in pyproject.toml).
"""
