"""Prefect tasks of the lifecycle: thin wrappers of ``dmpg.steps`` (plain, idempotent functions).

Results persist and are cached on (inputs, flow run): the re-execution after each resume skips
finished steps without calling them. ``TASK_SOURCE`` is deliberately not part of the cache key — a
deploy during a months-long wait must not redo work. The ledger keys are the real exactly-once
guarantee when a cache entry is missing (a crashed runner, lost result storage).

After each step the proposal's markdown artifact (key ``dmpg-<year>-<n>``) is updated, so the
Prefect UI tells the proposal's story without the CLI.
"""

from __future__ import annotations

from functools import wraps
from typing import Any, Callable, TypeVar

from prefect import task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import INPUTS, RUN_ID

from dmpg import narrative, steps

F = TypeVar("F", bound=Callable[..., Any])


def _step(name: str) -> Callable[[F], F]:
    """A lifecycle task: cached per flow run and inputs, retried, and publishing the summary after."""

    def decorate(fn: F) -> F:
        @wraps(fn)
        def run_and_publish(proposal_id: str, *args: Any, **kwargs: Any) -> Any:
            result = fn(proposal_id, *args, **kwargs)
            create_markdown_artifact(
                key=proposal_id.lower(),
                markdown=narrative.summary_markdown(proposal_id),
                description=f"{proposal_id}: forløb, fund, beslutninger og dokumenter",
            )
            return result

        return task(name=name, cache_policy=INPUTS + RUN_ID, persist_result=True, retries=2,
                    retry_delay_seconds=[2, 10])(run_and_publish)  # type: ignore[return-value]

    return decorate


check_submission = _step("check-submission")(steps.check_submission)
open_gate = _step("open-gate")(steps.open_gate)
judge_input = _step("judge-input")(steps.judge_input)
announce_decision = _step("announce-decision")(steps.announce_decision)
request_appointments = _step("request-appointments")(steps.request_appointments)
establish_group = _step("establish-group")(steps.establish_group)
finish_rejected = _step("finish-rejected")(steps.finish_rejected)
