"""Waking a proposal's flow run: one door for every channel (the command line, the decision page, a
meeting's minutes, the recovery sweep, ``dmpg recover``) and for re-arming a waiting gate.

The ledger is where a decision happens; Prefect's resume only wakes the run, which finds the decision in
the ledger when it replays (``flows.gates``). Prefect checks a resume against the Resume form's JSON schema
it stored *when the run suspended* — maybe a year and two releases ago, with that day's choice labels and
that day's people — so every wake-up is built against that stored schema
(``forms.resume_form.wake_values``), never against today's models.

:func:`wake_round` answers with a :class:`Wake`:

- ``woken``: Prefect took it; the run replays and moves on. A run that waits with no Resume form stored
  in Prefect (its process stopped just after suspending) cannot be resumed: it is rescheduled instead, and
  its replay takes the decision from the ledger (``woken`` too).
- ``elsewhere``: the run does not wait at that round (it waits at another gate, has moved on, or someone
  else resumed it a moment earlier — Prefect's ABORT). It takes the decision from the ledger when it
  gets there.
- ``unreachable``: Prefect did not answer. The recovery sweep wakes the run later.
- ``refused``: Prefect refused the wake-up, with its reason. No retry mends that: the caller reports it
  as an incident at once (``dmpg.services.recovery.wake_decided``).

:func:`rearm` wakes a run whose Resume form is no longer today's (an older release's fields or labels, or
people who have left the roster) with a wake-up the ledger marks as a re-arm: the flow then opens the
gate's next attempt with today's form instead of judging it as an answer (``dmpg.services.gatekeeper.rearmed``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from core import clock
from core.settings import get_settings
from dmpg.adapters.prefect_api import PrefectAPI, PrefectUnavailable, RunState
from dmpg.services.gatekeeper import gate_key, parse_gate_key, proposers
from forms.gates import allowed_recorders
from forms.gates import gate as gate_named
from forms.resume_form import NoWakeValues, wake_digest, wake_values
from models import ledger
from models.vocabulary import EventKind

log = logging.getLogger("dmpg.wake")

WOKEN, ELSEWHERE, UNREACHABLE, REFUSED = "woken", "elsewhere", "unreachable", "refused"


@dataclass(frozen=True)
class Wake:
    """What became of one wake-up (see the module docstring); ``reason`` says why when it was refused."""

    outcome: str
    reason: str = ""
    state_id: str = ""  # the suspended state that was (to be) resumed: one incident per state

    @property
    def woken(self) -> bool:
        return self.outcome == WOKEN


def wake_round(api: PrefectAPI, proposal_id: str, gate: str, round: int,  # noqa: A002
               flow_run_id: str | None = None) -> Wake:
    """Resume the proposal's run with the ledger's decision of ``gate`` round ``round``, if the run is
    suspended at that round (see the module docstring). Needs the decision in the ledger."""
    run_id = flow_run_id or ledger.get_proposal(proposal_id).flow_run_id
    decided = ledger.decision(proposal_id, gate, round)
    if not run_id or decided is None:
        return Wake(ELSEWHERE)
    try:
        state = api.run_state(run_id)
        if not _suspended_at(state, gate, round):
            return Wake(ELSEWHERE)
        return _resume(api, run_id, state, proposal_id, gate, decided.payload)
    except PrefectUnavailable as exc:
        return Wake(UNREACHABLE, str(exc))


def rearm(api: PrefectAPI, proposal_id: str, flow_run_id: str, state: RunState) -> Wake:
    """Wake a run suspended at an undecided gate so that it opens the gate's next attempt with today's
    Resume form. The re-arm is written to the ledger first, with a digest of the exact wake-up, so the
    flow tells it from a person's answer that won the race (``dmpg.services.gatekeeper.rearmed``)."""
    parsed = parse_gate_key(state.pause_key)
    if parsed is None or not state.paused:
        return Wake(ELSEWHERE)
    gate, round_, attempt = parsed
    try:
        schema = api.stored_form(flow_run_id, state)
        if schema is None and state.form_key:
            return _replay_formless(api, flow_run_id, state, proposal_id, rearming=True)
        values = _values(proposal_id, gate, {}, schema)
        ledger.record_event(
            proposal_id, key=f"{proposal_id}:{EventKind.GATE_REARM_REQUESTED}:{gate_key(gate, round_, attempt)}",
            kind=EventKind.GATE_REARM_REQUESTED, gate=gate, round=round_,
            detail={"attempt": attempt, "digest": wake_digest(values)})
        status, reason = api.resume_outcome(flow_run_id, values)
    except NoWakeValues as exc:
        return Wake(REFUSED, str(exc), state.id)
    except PrefectUnavailable as exc:
        return Wake(UNREACHABLE, str(exc))
    return _outcome(status, reason, state)


def _suspended_at(state: RunState, gate: str, round: int) -> bool:  # noqa: A002
    parsed = parse_gate_key(state.pause_key) if state.paused else None
    return parsed is not None and parsed[:2] == (gate, round)


def _resume(api: PrefectAPI, run_id: str, state: RunState, proposal_id: str, gate: str,
            decision: dict[str, Any]) -> Wake:
    schema = api.stored_form(run_id, state)
    if schema is None and state.form_key:
        return _replay_formless(api, run_id, state, proposal_id)
    try:
        values = _values(proposal_id, gate, decision, schema)
    except NoWakeValues as exc:
        log.error("%s: no wake-up fits the form its run stored (not woken): %s", proposal_id, exc)
        return Wake(REFUSED, str(exc), state.id)
    status, reason = api.resume_outcome(run_id, values)
    return _outcome(status, reason, state)


def _replay_formless(api: PrefectAPI, run_id: str, state: RunState, proposal_id: str, *,
                     rearming: bool = False) -> Wake:
    """The run turned Paused at the gate, but Prefect holds no Resume form for it, so it refuses every resume
    ("Run input schema not found"): the run's process stopped between the two, or a busy server lost the
    form. The decision stands in the ledger, so the run is started again from the top (rescheduled) and its
    replay takes the decision from there; ``rearming`` (no decision): the attempt is closed as re-armed
    first, so the replay opens the gate's next attempt with today's form. Not while the run's process may
    still be storing the form (it suspended, or sent a heartbeat, within the stale time): then
    ``unreachable``, and the recovery sweep tries again later."""
    stale = timedelta(seconds=get_settings().recovery_stale_seconds)
    now = clock.wall()
    if (state.since is None or now - state.since < stale) or api.heartbeats_since([run_id], now - stale):
        log.info("%s: run %s waits at %s without a stored Resume form yet; the sweep wakes it later",
                    proposal_id, run_id, state.pause_key)
        return Wake(UNREACHABLE, "Prefect har endnu ikke gemt formularen for den ventende kørsel", state.id)
    if rearming:
        gate, round_, attempt = parse_gate_key(state.pause_key) or ("", 0, 0)
        ledger.record_event(proposal_id, key=f"{proposal_id}:{EventKind.GATE_REARMED}:{state.pause_key}",
                            kind=EventKind.GATE_REARMED, gate=gate, round=round_, detail={"attempt": attempt})
    why = ("Prefect havde ikke gemt gatens formular, så kørslen kunne ikke vækkes; den er startet forfra og "
           + ("åbner gaten igen med dagens formular" if rearming else "tager beslutningen fra sagsregistret"))
    if not api.reschedule(run_id, state.id, why):
        return Wake(ELSEWHERE, state_id=state.id)
    log.warning("%s: run %s waited at %s with no Resume form stored in Prefect; rescheduled to replay (%s)",
                proposal_id, run_id, state.pause_key, "re-armed" if rearming else "with the decision")
    return Wake(WOKEN, state_id=state.id)


def _outcome(status: str, reason: str, state: RunState) -> Wake:
    if status == "ACCEPT":
        return Wake(WOKEN, state_id=state.id)
    if status == "REJECT":
        return Wake(REFUSED, reason or "Prefect gave no reason", state.id)
    return Wake(ELSEWHERE, reason, state.id)


def _values(proposal_id: str, gate: str, decision: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    """The wake-up for a run whose stored form is ``schema`` (None: a run that suspended without one,
    which takes any input)."""
    g = gate_named(gate)
    roster = ledger.roster()
    recorders = allowed_recorders(g, roster, proposers(proposal_id))
    if schema is None:
        return {}
    return wake_values(g, decision, schema, recorders, [str(p.email) for p in roster.people("secretariat")])
