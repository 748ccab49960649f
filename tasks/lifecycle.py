"""Prefect tasks of the lifecycle: thin wrappers of plain, idempotent functions (``dmpg.services.steps``,
``dmpg.services.gatekeeper``), each journaled in the ledger.

A resumed flow run re-executes from the top. Each step's result is in the ledger's journal once it
has run, so a replayed step returns that result without running — and without a Prefect task run
or result-cache lookup: replay costs the same at round 10 of a gate as at round 1. The ledger's own
keys (events, documents, outbox rows) remain the exactly-once guarantee: a step and its journal entry
are one ledger transaction (``ledger.transaction()``), and a step that runs again changes nothing.
The board (Prefect API calls) is brought up to date after the transaction.

After each step that ran, the proposal's one markdown artifact and the table of everything waiting
are brought up to date in place (``tasks.board``), so the Prefect UI tells the story without the CLI.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from prefect import task
from prefect.cache_policies import NO_CACHE

from dmpg.documents import narrative
from dmpg.services import gatekeeper, steps
from dmpg.services.gatekeeper import Answer
from models import ledger
from tasks.board import publish_story, publish_waiting, show_finished

F = TypeVar("F", bound=Callable[..., Any])


def journal_key(name: str, proposal_id: str, args: tuple[Any, ...]) -> str:
    """``DMPG-2026-001:open-gate:steering:2:1:steering-r2-a1``; mappings (a form, an answer) by digest."""
    parts = [str(a) if isinstance(a, (str, int)) else _digest(a) for a in args]
    return ":".join([proposal_id, name, *parts])[:255]


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _step(name: str, *, encode: Callable[[Any], Any] = lambda r: r, decode: Callable[[Any], Any] = lambda r: r,
          board: bool = True, then: Callable[[str], None] | None = None) -> Callable[[F], F]:
    """A journaled lifecycle task (see the module docstring); ``encode``/``decode`` turn its result into
    JSON for the journal and back; ``board``: the step changes what the Prefect UI's board shows
    (a step that is always followed by one that does, leaves it to that one); ``then(proposal_id)``
    runs after the step (the run's final name)."""

    def decorate(fn: F) -> F:
        @task(name=name, cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[2, 10])
        def run(proposal_id: str, key: str, *args: Any) -> Any:
            with ledger.transaction():  # the step and its journal entry: both in the ledger, or neither
                result = encode(fn(proposal_id, *args))
                ledger.record_journal(proposal_id, key, result)
            if board:
                publish_story(proposal_id)
                publish_waiting()
            if then is not None:
                then(proposal_id)
            return result  # as journaled: Prefect persists task results too

        @wraps(fn)
        def call(proposal_id: str, *args: Any) -> Any:
            key = journal_key(name, proposal_id, args)
            done = ledger.journal_result(key)
            if done is not ledger.NOT_DONE:
                return decode(done)
            return decode(run(proposal_id, key, *args))

        return call  # type: ignore[return-value]

    return decorate


def _take_answer(proposal_id: str, gate: str, round: int, attempt: int, payload: dict[str, Any]) -> Answer:  # noqa: A002
    """An answer the flow received from Prefect's resume (the Prefect UI, or a channel's wake-up)."""
    return gatekeeper.take_answer(proposal_id, gate, round, payload, ref=f"a{attempt}", channel="prefect-ui")


def _gate_form_at_rest(form: dict[str, Any]) -> dict[str, Any]:
    """An opened gate's Resume form as journaled: without its description, whose document links must
    not lie in the ledger (nor in Prefect's stored task results) for whoever copies them."""
    return {k: v for k, v in form.items() if k != "description"}


def _gate_form(stored: dict[str, Any]) -> dict[str, Any]:
    """The journaled Resume form with its description made again, from the ledger as it is now."""
    if "description" in stored or "gate" not in stored:
        return stored  # journaled before descriptions were left out
    return {**stored, "description": narrative.gate_description(stored["proposal"], stored["gate"], stored["round"])}


check_submission = _step("check-submission")(steps.check_submission)
open_gate = _step("open-gate", encode=_gate_form_at_rest, decode=_gate_form)(gatekeeper.open_gate)
take_answer = _step("take-answer", encode=Answer.to_json, decode=Answer.from_json, board=False)(_take_answer)
close_rearmed = _step("close-rearmed", board=False)(gatekeeper.rearmed)
announce_decision = _step("announce-decision", board=False)(gatekeeper.announce_decision)
request_appointments = _step("request-appointments")(steps.request_appointments)
establish_group = _step("establish-group", then=show_finished)(steps.establish_group)
finish_rejected = _step("finish-rejected", then=show_finished)(steps.finish_rejected)
