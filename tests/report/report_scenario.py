"""A ledger with a known history for the report's tests: five proposals through the first quarter of 2027,
written with the ledger's own functions on the engine's clock (``core.clock``, held at the moment each
step happened), so every event carries the day the scenario says.

The proposals (every step at 10:00 Copenhagen time):

- A "Angst og OCD" (submitted 1 Dec 2026): hearing; RKKP 15 Dec; the reference group 12 Jan (meeting);
  steering round 1 deferred 10 Feb, round 2 approved 10 Mar; on the director circle's meeting of 24 Mar,
  which passes without a decision (overdue on 31 Mar); the directors approve on 7 Apr, after the quarter.
- B "PTSD" (submitted 5 Jan 2027): revision (20 days), hearing from 25 Jan; RKKP 1 Feb; the reference
  group never answers (svarfrist 15 Feb); escalated 2 Mar.
- C "Retspsykiatri" (submitted 1 Oct 2026): through the hearing and the steering group in 2026; the
  directors approve 20 Jan 2027 (meeting); appointments recorded 19 Feb: established.
- D "Personlighedsforstyrrelser" (submitted 1 Feb 2027): hearing; the steering group rejects it 10 Mar.
- E "Hurtig opstart af behandling og tryg opfølgning i børne- og ungdomspsykiatrien" (submitted 20 Mar
  2027): at the hearing on 31 Mar, within its svarfrist (12 Apr).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core import clock
from models.vocabulary import EventKind

Q1 = (date(2027, 1, 1), date(2027, 3, 31))
AFTER = datetime(2027, 4, 20, 12, 0)  # "now" when the report is made (Copenhagen time)


class ScenarioLedger:
    """Writes a proposal's history step by step; :meth:`on` sets the engine's clock to a day, 10:00."""

    def __init__(self, monkeypatch) -> None:  # noqa: ANN001
        self.moment = clock.at_copenhagen(date(2026, 9, 1), 10)
        monkeypatch.delenv(clock.ENV, raising=False)
        monkeypatch.setattr(clock, "wall", lambda: self.moment)

    def on(self, day: date, hour: int = 10) -> ScenarioLedger:
        self.moment = clock.at_copenhagen(day, hour)
        return self

    def propose(self, title: str, day: date) -> str:
        from forms.proposal import ProposalForm
        from models import ledger

        self.on(day)
        return ledger.create_proposal(ProposalForm(title=title), year=day.year).id

    def stage(self, pid: str, stage: str, day: date, round: int = 1) -> None:  # noqa: A002
        from models import ledger

        self.on(day)
        ledger.set_stage(pid, stage, key=f"{pid}:stage:{stage}:{round}")

    def open(self, pid: str, gate: str, day: date, round: int = 1) -> None:  # noqa: A002
        from models import ledger

        self.on(day)
        key = f"{gate}-r{round}-a1"
        ledger.record_event(pid, key=f"{pid}:{EventKind.GATE_OPENED}:{key}", kind=EventKind.GATE_OPENED, gate=gate,
                            round=round, detail={"key": key, "attempt": 1, "waiting_on": ["x@example.dk"]})

    def decide(self, pid: str, gate: str, outcome: str, day: date, round: int = 1, *,  # noqa: A002
               meeting: bool = False, meeting_id: str | None = None) -> None:
        from models import ledger

        self.on(day)
        payload = {"meeting_date": day.isoformat()} if meeting else {}
        detail = {"meeting": meeting_id} if meeting_id else {}
        ledger.record_decision(pid, gate, round, outcome, payload, "sekretariat@example.dk", channel="cli",
                               detail=detail)
        ledger.record_event(pid, key=f"{pid}:answer:{gate}:r{round}:cli-{day}", kind=EventKind.DECISION_RECORDED,
                            gate=gate, round=round, by="sekretariat@example.dk",
                            detail={"outcome": outcome, "channel": "cli", "identity": "secretariat"})

    def hearing(self, pid: str, day: date) -> None:
        self.stage(pid, "reference_group", day)
        self.open(pid, "advice", day)
        self.open(pid, "database", day)

    def gate(self, pid: str, gate: str, stage: str, day: date, round: int = 1) -> None:  # noqa: A002
        self.stage(pid, stage, day, round)
        self.open(pid, gate, day, round)

    def meeting(self, body: str, day: date, planned_on: date, items: list[tuple[str, str, int]]) -> str:
        from forms.meetings import meeting_id
        from models import ledger

        self.on(planned_on)
        mid = meeting_id(body, day)
        ledger.create_meeting(mid, body, day)
        ledger.add_agenda_items(mid, items, "automatic")
        return mid

    def establish(self, pid: str, title: str, day: date) -> None:
        from models import ledger

        self.stage(pid, "established", day)
        ledger.record_event(pid, key=f"{pid}:{EventKind.ESTABLISHED}", kind=EventKind.ESTABLISHED, stage="established")
        ledger.add_registry_group(title, [], day + timedelta(days=10), note=f"Etableret via {pid}", proposal_id=pid)

    def reject(self, pid: str, gate: str, day: date) -> None:
        from models import ledger

        self.stage(pid, "rejected", day)
        ledger.record_event(pid, key=f"{pid}:{EventKind.REJECTED}", kind=EventKind.REJECTED, stage="rejected",
                            gate=gate, round=1)

    def escalate(self, pid: str, gate: str, day: date, round: int = 1) -> None:  # noqa: A002
        from models import ledger

        self.on(day)
        ledger.record_event(pid, key=f"{pid}:{EventKind.ESCALATED}:{gate}:{round}", kind=EventKind.ESCALATED,
                            gate=gate, round=round, detail={"to": ["foelgegruppe.regioner@example.dk"]})


def build(monkeypatch) -> dict[str, str]:  # noqa: ANN001
    """The scenario in a fresh ledger (the caller's DMPG_HOME); its proposal ids by letter. The clock is
    left at :data:`AFTER`."""
    from models.db import ensure_schema

    ensure_schema()
    s = ScenarioLedger(monkeypatch)
    d = date
    c = s.propose("Retspsykiatri", d(2026, 10, 1))
    s.hearing(c, d(2026, 10, 1))
    s.decide(c, "database", "existing", d(2026, 10, 20))
    s.decide(c, "advice", "support", d(2026, 10, 22), meeting=True)
    s.gate(c, "steering", "steering", d(2026, 10, 22))
    s.decide(c, "steering", "approve", d(2026, 12, 3), meeting=True)
    s.gate(c, "approval", "director_approval", d(2026, 12, 3))

    a = s.propose("Angst og OCD", d(2026, 12, 1))
    s.hearing(a, d(2026, 12, 1))
    s.decide(a, "database", "planned", d(2026, 12, 15))

    b = s.propose("PTSD", d(2027, 1, 5))
    s.gate(b, "revision", "needs_revision", d(2027, 1, 5))
    s.decide(a, "advice", "support", d(2027, 1, 12), meeting=True)
    s.gate(a, "steering", "steering", d(2027, 1, 12))
    s.decide(c, "approval", "approve", d(2027, 1, 20), meeting=True, meeting_id="direktoerkredsen-2027-01-20")
    s.gate(c, "appointments", "appointments", d(2027, 1, 20))
    s.decide(b, "revision", "revised", d(2027, 1, 25))
    s.hearing(b, d(2027, 1, 25))
    s.decide(b, "database", "none", d(2027, 2, 1))

    dd = s.propose("Personlighedsforstyrrelser", d(2027, 2, 1))
    s.hearing(dd, d(2027, 2, 1))
    s.decide(a, "steering", "defer", d(2027, 2, 10), meeting=True)
    s.gate(a, "steering", "steering", d(2027, 2, 10), round=2)
    s.decide(dd, "database", "none", d(2027, 2, 15))
    s.decide(c, "appointments", "appointed", d(2027, 2, 19))
    s.establish(c, "Retspsykiatri", d(2027, 2, 19))
    s.decide(dd, "advice", "not_support", d(2027, 2, 22), meeting=True)
    s.gate(dd, "steering", "steering", d(2027, 2, 22))
    s.escalate(b, "advice", d(2027, 3, 2))
    s.decide(a, "steering", "approve", d(2027, 3, 10), meeting=True, round=2)
    s.gate(a, "approval", "director_approval", d(2027, 3, 10))
    s.decide(dd, "steering", "reject", d(2027, 3, 10), meeting=True)
    s.reject(dd, "steering", d(2027, 3, 10))
    s.meeting("director_circle", d(2027, 3, 24), d(2027, 3, 11), [(a, "approval", 1)])

    e = s.propose("Hurtig opstart af behandling og tryg opfølgning i børne- og ungdomspsykiatrien", d(2027, 3, 20))
    s.hearing(e, d(2027, 3, 20))
    s.decide(a, "approval", "approve", d(2027, 4, 7), meeting=True)  # after the quarter
    s.moment = clock.at_copenhagen(AFTER.date(), AFTER.hour)
    return {"A": a, "B": b, "C": c, "D": dd, "E": e}
