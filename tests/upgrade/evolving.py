"""A small lifecycle whose gates change between two releases, for tests/upgrade/test_evolution.py. It runs on
the engine's own machinery (``flows.gates``: suspension, replay from the ledger, the gatekeeper), and which
release it is comes from ``DMPG_EVOLUTION`` (``v1`` or ``v2``), read when the module is imported — in the
runner and in each flow run it starts, as a new release's code would be.

- v1: the gate ``evoreview`` (input version 1: ``decision`` go/hold with the labels "Fortsæt"/"Vent",
  ``meeting_date``, ``rationale``), then the end.
- v2: ``evoreview``'s input gains an optional field (``note``), its choice ``go`` gets a new label
  ("Klar til næste trin"), its version is 2; and a gate ``evocheck`` is inserted before the next step.
"""

from __future__ import annotations

import os
from typing import Literal

from prefect import flow
from pydantic import Field

from flows.gates import wait_for_decision
from forms.gates import GATES, Gate, Outcome
from forms.inputs import MEETING_DATE, RECORDED_BY, GateInput
from forms.proposal import LooseDate

VERSION = os.environ.get("DMPG_EVOLUTION", "v1")


class ReviewV1(GateInput):
    decision: Literal["go", "hold"] = Field(title="Beslutning")
    meeting_date: LooseDate = Field(**MEETING_DATE)
    rationale: str = Field(min_length=1, title="Begrundelse")
    recorded_by: str = Field(**RECORDED_BY)


class ReviewV2(ReviewV1):
    note: str | None = Field(None, title="Bemærkning")


class CheckV2(GateInput):
    decision: Literal["ok"] = Field(title="Kontrol")
    recorded_by: str = Field(**RECORDED_BY)


def _gates(version: str) -> list[Gate]:
    go = "Fortsæt" if version == "v1" else "Klar til næste trin"
    review = Gate(name="evoreview", input=ReviewV1 if version == "v1" else ReviewV2, decided_by="steering_group",
                  stage="steering", label="gennemgangen", question="Fortsætter sagen?", outcome_field="decision",
                  outcomes=(Outcome("go", go, "har sagt god for sagen", "Sagen fortsætter."),
                            Outcome("hold", "Vent", "har sat sagen i bero", "Sagen venter.")),
                  schema_version=1 if version == "v1" else 2)
    if version == "v1":
        return [review]
    check = Gate(name="evocheck", input=CheckV2, decided_by="steering_group", stage="steering",
                 label="kontrollen", question="Er kontrollen gjort?", outcome_field="decision",
                 outcomes=(Outcome("ok", "Kontrolleret", "har kontrolleret sagen", "Sagen afsluttes."),))
    return [review, check]


def install(version: str) -> None:
    """Declare this release's evolving gates beside the engine's own (in this process)."""
    uninstall()
    GATES.update({g.name: g for g in _gates(version)})


def uninstall() -> None:
    for name in ("evoreview", "evocheck"):
        GATES.pop(name, None)


install(VERSION)


@flow(name="dmpg-evolving", persist_result=True)
def evolving(proposal_id: str) -> str:
    """The evolving lifecycle (see the module docstring)."""
    install(VERSION)  # Prefect may hand the run this function by value, without importing the module
    review = wait_for_decision(proposal_id, "evoreview", 1)
    if VERSION == "v2":
        wait_for_decision(proposal_id, "evocheck", 1)
    return review["decision"]


if __name__ == "__main__":
    evolving.serve(name="evo", limit=4)
