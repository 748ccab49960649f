"""Lifecycle runs that stopped without finishing their step: noticed, recorded, announced and resumed.

A proposal's flow run can be left behind, and nothing in Prefect moves it on again:

- its runner or worker died while starting the run or in the middle of a step: the run stays Pending or
  Running with no process behind it (its heartbeats stop), or Prefect marks it Crashed;
- the flow raised an error (Failed), or someone cancelled the run;
- a decision was recorded in the ledger, but its wake-up (Prefect's resume) never reached the run
  suspended at that gate (Prefect was down or unreachable for a moment);
- no runner or worker is there to take the run at all.

Recovery needs nothing but what is already stored. Decisions are recorded in the ledger before the run is
woken, every finished step is in the ledger's journal, and Prefect keeps the input of every answered
suspension. A run that stopped is therefore started again from the top (*rescheduled*): the replay redoes
nothing and carries on where the run stopped. A run suspended at a gate round that the ledger has decided
is resumed with that decision.

An **incident** lasts from the first sign until the run waits at a gate (or finishes) again:

- The ledger records it: one ``run_stuck`` event per stuck Prefect state and action (the key holds the
  state's id), then ``run_recovered`` once the run waits again. Meanwhile ``dmpg pending`` and
  ``dmpg status`` show the proposal as *recovering* or as *needing attention* (``dmpg.state.incidents``).
- The secretariat gets one mail per incident, and one more if the incident later needs a person. A wake-up
  sent again gets no mail, because nobody noticed anything, and neither does a person's ``dmpg recover``.
- What is done about it: a stuck or crashed run is rescheduled, at most ``recovery_max_attempts`` times in
  one incident; an unwoken run is woken; a failed or cancelled run waits for a person (``dmpg recover``
  once the cause is fixed); a run no worker takes is only reported.

Contracts (plain Python; the Prefect side is an :class:`Orchestrator`, which ``dmpg.adapters.prefect_api.PrefectAPI`` is):

- ``sweep(prefect, *, orphaned_before=None, now=None) -> list[Action]`` makes one pass over every
  proposal under way. The sweep process (``python -m dmpg.interfaces.sweep``) runs it every ``recovery_poll_seconds``.
  It is idempotent: ledger keys make two passes, or two sweeps at once, record and mail once, and a run
  is only rescheduled while it is still in the state that was judged stuck.
  ``orphaned_before``: Pending and Running runs whose state is older than this have lost their process
  (the local stack passes its runner's start time: the runner before it ran them, and it is gone).
- ``recover(proposal_id, prefect) -> Action`` does the same for one proposal, by hand (``dmpg recover``).
  It acts at once, with no grace time and no attempt limit, and says what it did or why nothing was needed.
  Raises ``UserError`` for an unknown proposal.
- ``dmpg.state.incidents.open_incidents(proposal_id=None) -> dict[str, Incident]``: the open incident of
  each proposal under way, from the ledger alone (no Prefect call).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from core import clock
from core.settings import get_settings
from dmpg.mail.recipients import recipients_for
from dmpg.services import effects
from dmpg.services.expiry import gate_timed_out
from dmpg.services.gatekeeper import current_form_digest, parse_gate_key
from dmpg.services.wake import REFUSED, rearm, wake_round
from dmpg.services.wake import REFUSED as WAKE_REFUSED_OUTCOME
from dmpg.services.wake import WOKEN as WAKE_WOKEN
from dmpg.state.incidents import (
    CANCELLED,
    FAILED,
    INCIDENT_KINDS,
    NEEDS_ATTENTION,
    NO_WORKER,
    REPORTED,
    RESCHEDULED,
    STUCK,
    UNWOKEN,
    WAKE_REFUSED,
    WOKEN,
    Incident,
    fold_incidents,
    open_incidents,
    under_way,
    utc,
)
from forms.gates import GATES
from forms.vocabulary import FINAL_STAGES
from models import ledger
from models.vocabulary import EventKind

log = logging.getLogger("dmpg.recovery")

_KINDS = (*INCIDENT_KINDS, EventKind.DECISION_RECORDED, EventKind.GATE_OPENED, EventKind.GATE_REARMED)
REARMS_PER_PASS = 2     # re-arming replays a run: a few per pass, so an upgrade never becomes a burst
REARMS_PER_ROUND = 3    # a form that stays stale after this many re-arms is left alone (and logged)
FORM_CHECKS_PER_PASS = 20  # waiting runs asked whether Prefect holds their Resume form, per pass
_HOLDS_FORM: set[str] = set()  # suspended states Prefect was seen to hold the form of (asked once per process)


class Orchestrator(Protocol):
    """What recovery asks of Prefect (``dmpg.adapters.prefect_api.PrefectAPI``); waking goes through ``dmpg.services.wake``."""

    def run_states(self, flow_run_ids: Iterable[str]) -> dict[str, Any]: ...
    def run_state(self, flow_run_id: str) -> Any: ...
    def heartbeats_since(self, flow_run_ids: Iterable[str], since: datetime) -> set[str]: ...
    def reschedule(self, flow_run_id: str, expected_state_id: str, why: str) -> bool: ...
    def stored_form(self, flow_run_id: str, state: Any) -> dict[str, Any] | None: ...
    def resume_outcome(self, flow_run_id: str, run_input: dict[str, Any]) -> tuple[str, str]: ...


def wake_decided(prefect: Orchestrator, proposal_id: str, gate: str, round: int,  # noqa: A002
                 flow_run_id: str | None = None) -> Any:
    """Wake the proposal's run with the ledger's decision of ``gate`` round ``round`` (``dmpg.services.wake``), the
    way every channel does. A wake-up Prefect refuses is an incident at once — recorded, the secretariat
    mailed once, ``pending``/``status`` saying what to do — and never retried on its own; ``dmpg recover``
    tries again once the cause is mended. Returns the ``dmpg.services.wake.Wake``."""
    woke = wake_round(prefect, proposal_id, gate, round, flow_run_id)
    if woke.outcome == REFUSED:
        report_refused_wake(proposal_id, gate, round, woke)
    return woke


def report_refused_wake(proposal_id: str, gate: str, round: int, woke: Any, *, by: str = "wake") -> None:  # noqa: A002
    """Record a refused wake-up as an incident that needs a person, and mail the secretariat once."""
    incident = open_incidents(proposal_id).get(proposal_id)
    number = incident.number if incident else _closed_incidents(proposal_id) + 1
    reason = (f"beslutningen ved {_gate_round(gate, round)} er registreret, men kørslen kunne ikke vækkes med den "
              "(Prefect afviste det), så sagen står stille")
    new = ledger.record_event(
        proposal_id, key=f"{proposal_id}:{EventKind.RUN_STUCK}:{woke.state_id or gate}:{WAKE_REFUSED}",
        kind=EventKind.RUN_STUCK,
        detail={"incident": number, "problem": WAKE_REFUSED, "run_state": "Suspended", "reason": reason,
                "detail": woke.reason, "action": NEEDS_ATTENTION, "attempt": 0, "by": by,
                "flow_run_id": ledger.get_proposal(proposal_id).flow_run_id},
    )
    if new:
        log.error("%s: Prefect refused to wake the run with the decision of %s round %d (not woken): %s",
                  proposal_id, gate, round, woke.reason)
        _alert(proposal_id, number, Diagnosis(WAKE_REFUSED, reason, detail=woke.reason), NEEDS_ATTENTION,
               since=incident.since if incident else _now())


def _closed_incidents(proposal_id: str) -> int:
    return sum(e.kind == EventKind.RUN_RECOVERED for e in ledger.events(proposal_id))


def _now() -> datetime:
    return clock.now()


@dataclass(frozen=True)
class Action:
    """What one look at a proposal found and did. ``problem`` None: nothing is wrong."""

    proposal: str
    problem: str | None
    action: str | None
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"proposal": self.proposal, "problem": self.problem, "action": self.action, "message": self.message}


@dataclass(frozen=True)
class Diagnosis:
    """What a run's state means for its proposal. ``problem`` None and ``healthy``: it waits at an
    undecided gate or has finished (an open incident is over); ``problem`` None and not ``healthy``: it is
    on its way (starting, running, scheduled), so there is nothing to do yet."""

    problem: str | None
    reason: str  # Danish: what pending, status and the mail say
    healthy: bool = False
    wake: tuple[str, int] | None = None  # the decided gate round to wake the run with
    detail: str = ""  # technical particulars for IT (Prefect's message), apart from the Danish reason


# --- judging a run --------------------------------------------------------------------------------


def diagnose(state: Any, *, now: datetime, stale: timedelta, alive: bool, decided_at: datetime | None,
             wake_after: timedelta, no_worker_after: timedelta, orphaned_before: datetime | None) -> Diagnosis:
    """Pure: what ``state`` (a ``dmpg.adapters.prefect_api.RunState``) means for the proposal.

    ``alive``: the run sent a heartbeat within ``stale``. ``decided_at``: when the ledger recorded the
    decision of the gate round the run is suspended at (None while undecided). The grace times are
    zero for a person's ``dmpg recover``."""
    since = utc(state.since) if state.since else now
    age = now - since
    orphaned = orphaned_before is not None and since < orphaned_before
    kind = state.type
    if kind == "PAUSED":
        gate = parse_gate_key(state.pause_key)
        if gate and decided_at is not None:
            if now - decided_at < wake_after:
                return Diagnosis(None, "beslutningen er netop registreret, og kørslen vækkes")
            return Diagnosis(UNWOKEN, f"beslutningen ved {_gate_round(gate[0], gate[1])} er registreret, men kørslen "
                                      "venter stadig dér, fordi den ikke blev vækket", wake=gate[:2])
        return Diagnosis(None, f"den venter ved {_gate_round(gate[0], gate[1]) if gate else state.pause_key}",
                         healthy=True)
    if kind == "COMPLETED":
        return Diagnosis(None, "kørslen er færdig", healthy=True)
    if kind in ("PENDING", "RUNNING"):
        if orphaned:
            return Diagnosis(STUCK, f"kørslen stod som {state_label(state)} siden {since:%H:%M:%S} UTC under en "
                                    "kørselsproces, der siden er stoppet")
        if kind == "PENDING" and age > stale:
            return Diagnosis(STUCK, f"kørslen har ventet på at starte i {age.total_seconds():.0f} sekunder: den "
                                    "proces, der skulle starte den, stoppede")
        if kind == "RUNNING" and age > stale and not alive:
            return Diagnosis(STUCK, f"kørslen har ikke givet livstegn i {stale.total_seconds():.0f} sekunder: den "
                                    "proces, der kørte den, stoppede midt i et trin")
        return Diagnosis(None, f"kørslen er {state_label(state)} (i {age.total_seconds():.0f} sekunder)")
    if kind == "CRASHED":
        return Diagnosis(STUCK, "kørslen brød ned, fordi dens proces forsvandt", detail=state.message)
    if kind == "FAILED":
        if gate_timed_out(state):
            return Diagnosis(None, "fristen ved gaten udløb (DMPG_GATE_TIMEOUT_DAYS) og er registreret")
        return Diagnosis(FAILED, "kørslen stoppede med en fejl", detail=state.message)
    if kind in ("CANCELLED", "CANCELLING"):
        return Diagnosis(CANCELLED, "kørslen blev annulleret i Prefect", detail=state.message)
    if kind == "SCHEDULED" and age > no_worker_after:
        return Diagnosis(NO_WORKER, f"kørslen har ventet i {age.total_seconds() / 60:.0f} minutter, uden at nogen "
                                    "kørselsproces (runner eller worker) har taget den")
    return Diagnosis(None, f"kørslen er {state_label(state)} og venter på en kørselsproces")


_STATE_NAMES = {"SCHEDULED": "planlagt", "PENDING": "ved at starte", "RUNNING": "i gang", "PAUSED": "på pause",
                "COMPLETED": "færdig", "FAILED": "fejlet", "CRASHED": "brudt ned", "CANCELLED": "annulleret",
                "CANCELLING": "ved at blive annulleret"}


def state_label(state: Any) -> str:
    """A Prefect run state in Danish ('i gang', 'på pause')."""
    return _STATE_NAMES.get(state.type, (state.name or state.type).lower())


def _gate_round(gate: str, round: int) -> str:  # noqa: A002
    """'styregruppens beslutning, runde 2' for the Danish incident texts."""
    label = GATES[gate].label if gate in GATES else gate
    return f"{label}, runde {round}"


# --- sweeping -------------------------------------------------------------------------------------


@dataclass
class _Policy:
    now: datetime
    stale: timedelta
    wake_after: timedelta
    no_worker_after: timedelta
    max_attempts: int
    orphaned_before: datetime | None
    manual: bool  # a person's `dmpg recover`: no grace, no attempt limit
    by: str


def _policy(now: datetime | None, orphaned_before: datetime | None, manual: bool) -> _Policy:
    s = get_settings()
    zero = timedelta(0)
    return _Policy(
        now=utc(now) if now else clock.wall(),  # compared with Prefect's timestamps
        stale=timedelta(seconds=s.recovery_stale_seconds),
        wake_after=zero if manual else timedelta(seconds=s.recovery_wake_after_seconds),
        no_worker_after=zero if manual else timedelta(seconds=s.recovery_no_worker_seconds),
        max_attempts=s.recovery_max_attempts,
        orphaned_before=utc(orphaned_before) if orphaned_before else None,
        manual=manual,
        by="dmpg recover" if manual else "sweep",
    )


def sweep(prefect: Orchestrator, *, orphaned_before: datetime | None = None,
          now: datetime | None = None) -> list[Action]:
    """One pass over every proposal under way (see the module docstring); returns what was found wrong
    and what was done (healthy and in-progress proposals are not listed)."""
    actions = _pass(prefect, None, _policy(now, orphaned_before, manual=False))
    return [a for a in actions if a.problem]


def recover(proposal_id: str, prefect: Orchestrator) -> Action:
    """``dmpg recover``: look at one proposal now and resume it if it stopped (see the module docstring)."""
    proposal = ledger.get_proposal(proposal_id)
    if proposal.stage in FINAL_STAGES:
        return Action(proposal.id, None, None, f"{proposal.id} er afsluttet ({proposal.stage}); intet at genoptage")
    if not proposal.flow_run_id:
        return Action(proposal.id, None, None, f"{proposal.id} har ingen kørsel; intet at genoptage")
    actions = _pass(prefect, proposal.id, _policy(None, None, manual=True))
    return actions[0] if actions else Action(
        proposal.id, None, None, f"Prefect kender ikke kørslen {proposal.flow_run_id} af {proposal.id}")


def _pass(prefect: Orchestrator, proposal_id: str | None, policy: _Policy) -> list[Action]:
    proposals, events = under_way(proposal_id, _KINDS)
    runs = {p.flow_run_id: p for p in proposals.values() if p.flow_run_id}
    if not runs:
        return []
    incidents = fold_incidents(events)
    # The ledger keeps the engine's time (``core.clock``), Prefect the machine's: on a simulated calendar
    # (the demo) a decision's time is moved back onto the machine's clock before the two are compared.
    lead = clock.offset()
    decided = {(e.proposal_id, e.gate, e.round): utc(e.at) - lead for e in events
               if e.kind == EventKind.DECISION_RECORDED}
    closed = {}
    for e in events:
        if e.kind == EventKind.RUN_RECOVERED:
            closed[e.proposal_id] = closed.get(e.proposal_id, 0) + 1
    states = prefect.run_states(runs)
    # Heartbeats are asked for only where they decide something: Running for longer than the stale time.
    quiet = [run_id for run_id, s in states.items()
             if s.type == "RUNNING" and s.since and policy.now - utc(s.since) > policy.stale]
    alive = prefect.heartbeats_since(quiet, policy.now - policy.stale) if quiet else set()

    actions = []
    for run_id, state in states.items():
        proposal = runs[run_id]
        try:
            actions.append(_look_at(prefect, proposal, state, run_id in alive, incidents.get(proposal.id),
                                    closed.get(proposal.id, 0), decided, policy))
        except Exception as exc:  # noqa: BLE001 - one proposal's trouble must not stop the sweep for the others
            if policy.manual:
                raise
            log.exception("recovery of %s failed; trying again next pass", proposal.id)
            actions.append(Action(proposal.id, "error", None, f"genoptagelsen mislykkedes: {exc}"))
    actions += _refresh_forms(prefect, runs, states, events, decided, policy)
    return actions


def _refresh_forms(prefect: Orchestrator, runs: Mapping[str, Any], states: Mapping[str, Any], events: list[Any],
                   decided: Mapping[tuple[str, str, int], datetime], policy: _Policy) -> list[Action]:
    """Re-arm runs that wait at an undecided gate with a Resume form that is no longer today's: a form an
    older release stored (other fields or labels), or one offering people who have since left the roster
    and not those who joined. The run opens the gate's next attempt with today's form (``dmpg.services.wake.rearm``);
    nobody is asked again, and nothing is recorded as decided. A few per pass: after an upgrade with many
    waiting proposals, the replays are spread out rather than made a burst. A run whose form Prefect does not
    hold at all (its process died between suspending and storing it) is re-armed too; each suspension is
    asked about once, a few per pass, when it is older than the stale time."""
    opened = {(e.proposal_id, (e.detail or {}).get("key")): (e.detail or {}).get("form")
              for e in events if e.kind == EventKind.GATE_OPENED}
    rearmed: dict[tuple[str, str, int], int] = {}
    for e in events:
        if e.kind == EventKind.GATE_REARMED:
            rearmed[(e.proposal_id, e.gate, e.round)] = rearmed.get((e.proposal_id, e.gate, e.round), 0) + 1
    actions = []
    checks = 0
    for run_id, state in states.items():
        if len(actions) >= REARMS_PER_PASS:
            break
        parsed = parse_gate_key(state.pause_key) if state.type == "PAUSED" else None
        proposal = runs[run_id]
        if parsed is None or (proposal.id, *parsed[:2]) in decided:
            continue
        slot = (proposal.id, *parsed[:2])
        stored = opened.get((proposal.id, state.pause_key))
        try:
            if stored == current_form_digest(proposal.id, parsed[0]):
                settled = state.since is not None and policy.now - utc(state.since) >= policy.stale
                if state.id in _HOLDS_FORM or checks >= FORM_CHECKS_PER_PASS or not settled:
                    continue
                checks += 1
                if not _form_lost(prefect, run_id, state):
                    continue
                log.warning("%s: Prefect holds no Resume form for the run waiting at %s; re-arming it",
                            proposal.id, state.pause_key)
            if rearmed.get(slot, 0) >= REARMS_PER_ROUND:
                continue  # logged when the limit was reached; the form still works for those it offers
            woke = rearm(prefect, proposal.id, run_id, state)
        except Exception:  # noqa: BLE001 - one proposal's trouble must not stop the sweep for the others
            if policy.manual:
                raise
            log.exception("%s: re-arming the form of %s failed; trying again next pass", proposal.id, state.pause_key)
            continue
        if woke.outcome == WAKE_WOKEN:
            log.info("%s: re-armed the Resume form of %s with today's", proposal.id, state.pause_key)
            actions.append(Action(proposal.id, None, "rearmed",
                                  f"{proposal.id}: formularen i Prefect ved {_gate_round(*parsed[:2])} er fornyet"))
        elif woke.outcome == WAKE_REFUSED_OUTCOME:
            log.warning("%s: the stale Resume form of %s could not be re-armed: %s", proposal.id,
                        state.pause_key, woke.reason)
            rearmed[slot] = REARMS_PER_ROUND  # not again in this pass; the next pass tries once more
    return actions


def _form_lost(prefect: Orchestrator, run_id: str, state: Any) -> bool:
    """Whether Prefect holds no Resume form for the run's suspension, so that no resume can wake it; a
    suspension found to hold one is not asked about again by this process."""
    lost = bool(state.form_key) and prefect.stored_form(run_id, state) is None
    if not lost:
        _HOLDS_FORM.add(state.id)
    return lost


def _look_at(prefect: Orchestrator, proposal: Any, state: Any, alive: bool, incident: Incident | None,
             closed: int, decided: Mapping[tuple[str, str, int], datetime], policy: _Policy) -> Action:
    gate = parse_gate_key(state.pause_key) if state.type == "PAUSED" else None
    diagnosis = diagnose(state, now=policy.now, stale=policy.stale, alive=alive,
                         decided_at=decided.get((proposal.id, *gate[:2])) if gate else None,
                         wake_after=policy.wake_after, no_worker_after=policy.no_worker_after,
                         orphaned_before=policy.orphaned_before)
    pid = proposal.id
    if diagnosis.problem is None:
        if diagnosis.healthy and incident is not None:
            ledger.record_event(pid, key=f"{pid}:{EventKind.RUN_RECOVERED}:{incident.number}",
                                kind=EventKind.RUN_RECOVERED,
                                detail={"incident": incident.number, "run_state": state.name, "by": policy.by})
            log.info("%s: recovered from incident %d (%s)", pid, incident.number, diagnosis.reason)
            return Action(pid, None, None, f"{pid} er genoptaget: {diagnosis.reason}")
        return Action(pid, None, None, f"{pid}: intet at genoptage: {diagnosis.reason}")

    number = incident.number if incident else closed + 1
    attempts = incident.attempts if incident else 0
    if diagnosis.problem == UNWOKEN and incident is not None and incident.problem == WAKE_REFUSED and not policy.manual:
        # Prefect refused this wake-up once; the same try would be refused again. A person mends the cause
        # and runs `dmpg recover` (the incident and its mail say so).
        return Action(pid, WAKE_REFUSED, None, f"{pid}: {incident.reason}; venter på 'dmpg recover {pid}'")
    action = _action_for(diagnosis.problem, attempts, policy)
    # Recorded before acting: a pass that dies half-way leaves the record, and the next pass acts (each
    # action checks the run's state first, so acting twice is harmless). Only a new record is announced.
    new = ledger.record_event(
        pid, key=f"{pid}:{EventKind.RUN_STUCK}:{state.id}:{action}", kind=EventKind.RUN_STUCK,
        detail={"incident": number, "problem": diagnosis.problem, "run_state": state.name,
                "reason": diagnosis.reason, "detail": diagnosis.detail, "action": action,
                "attempt": attempts + (action == RESCHEDULED), "flow_run_id": proposal.flow_run_id, "by": policy.by},
    )
    outcome = _act(prefect, proposal, state, diagnosis, action, number, policy)
    if new:
        # A redelivered wake-up needs nobody, and a person running `dmpg recover` knows already.
        if diagnosis.problem != UNWOKEN and not policy.manual:
            _alert(pid, number, diagnosis, action, since=incident.since if incident else utc(state.since or policy.now))
        if outcome == _DONE:
            log.info("%s: %s (%s) -> %s", pid, diagnosis.problem, diagnosis.reason, action)
    if outcome == _REFUSED:
        return Action(pid, WAKE_REFUSED, NEEDS_ATTENTION, _message(pid, diagnosis, NEEDS_ATTENTION, outcome, number))
    return Action(pid, diagnosis.problem, action if outcome == _DONE else None,
                  _message(pid, diagnosis, action, outcome, number))


def _action_for(problem: str, attempts: int, policy: _Policy) -> str:
    if problem == UNWOKEN:
        return WOKEN
    if problem == NO_WORKER:
        return REPORTED
    if policy.manual or (problem == STUCK and attempts < policy.max_attempts):
        return RESCHEDULED
    return NEEDS_ATTENTION


_DONE, _MOVED_ON, _REFUSED = "done", "moved_on", "refused"


def _act(prefect: Orchestrator, proposal: Any, state: Any, diagnosis: Diagnosis, action: str, number: int,
         policy: _Policy) -> str:
    """Do ``action``: ``done``; ``moved_on`` when the run had moved on meanwhile (nothing was done, which is
    fine); ``refused`` when Prefect refused the wake-up (recorded as an incident that needs a person)."""
    if action == RESCHEDULED:
        why = f"{diagnosis.reason} (DMPG-hændelse {number} i {proposal.id})"
        return _DONE if prefect.reschedule(proposal.flow_run_id, state.id, why) else _MOVED_ON
    if action == WOKEN:
        gate, round_ = diagnosis.wake
        woke = wake_decided(prefect, proposal.id, gate, round_, proposal.flow_run_id)
        if woke.outcome == WAKE_REFUSED_OUTCOME:
            return _REFUSED
        return _DONE if woke.outcome == WAKE_WOKEN else _MOVED_ON
    return _DONE


def _alert(proposal_id: str, number: int, diagnosis: Diagnosis, action: str, since: datetime) -> None:
    """The secretariat's mail about this incident: once when it starts, once more if it needs a person."""
    scope = {RESCHEDULED: "auto", REPORTED: "worker"}.get(action, "attention")
    recipients = recipients_for("recovery", form=ledger.current_form(proposal_id), roster=ledger.roster())
    effects.mail(proposal_id, "recovery", number, recipients, scope=scope, context={
        "problem": diagnosis.problem, "action": action, "since": since, "reason": diagnosis.reason,
        "detail": diagnosis.detail})


def _message(pid: str, diagnosis: Diagnosis, action: str, outcome: str, number: int) -> str:
    """What ``dmpg recover`` (and the sweep's log) says about one proposal, in Danish."""
    if outcome == _MOVED_ON:
        return f"{pid}: {diagnosis.reason}; kørslen er kommet videre i mellemtiden, så der blev ikke gjort noget"
    if outcome == _REFUSED:
        return (f"{pid}: beslutningen er registreret, men Prefect afviste at vække kørslen med den (hændelse {number}). "
                f"Sekretariatet har fået besked. Bed IT se på årsagen i 'dmpg status {pid}', og kør derefter "
                f"'dmpg recover {pid}'")
    what = {
        RESCHEDULED: "den er sat i gang igen: en kørselsproces starter den forfra, og intet registreret gentages",
        WOKEN: "den er vækket med den registrerede beslutning",
        REPORTED: "sekretariatet har fået besked; start en kørselsproces ('dmpg up') eller workerne",
        NEEDS_ATTENTION: f"sekretariatet har fået besked; ret årsagen, og kør derefter 'dmpg recover {pid}'",
    }[action]
    return f"{pid}: {diagnosis.reason}; {what} (hændelse {number}). Følg sagen: dmpg status {pid}"
