"""The scripted lifecycle: one proposal from submission to an established DMPG, its steps written once as
example files (``examples/lifecycle/``: ``script.yaml`` names, in order, each step's gate, its input file
and who records it). The demo tells it, the benchmarks time it and the tests drive their happy path
with it.

Contract:
- ``load(path=SCRIPT) -> Script``: the script file, checked (every gate declared, every input there);
  a bad file raises ``InputError`` naming each field.
- ``Script.steps`` in order; ``straight()`` without the detours (the revision round, a deferral);
  ``hearing()`` the hearing's two answers; ``step(name)`` by its input's file name (``"steering-defer"``).
- ``recorded_by(step, roster, proposer)``: who records a step, a roster body's first member or the proposer.
- ``Script.input(step, by)``: the step's input as the gate takes it (``dmpg decide``'s reading of the
  file, ``recorded_by`` = ``by``), dated on the engine's today (``core.clock``): on the demo's simulated
  calendar the day of the step, elsewhere the real day. ``Script.write_input(step, by, folder)``: the
  same as a YAML file for ``dmpg decide --input``.

Dates are the calendar's, never the files': a decision's meeting is on the day of its step, since a
decision is recorded after its meeting and the engine refuses a meeting date after today.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator

from core import clock, workdays
from core.errors import InputError
from core.settings import PROJECT_ROOT
from dmpg.services.decisions import read_decision_file
from forms.gates import GATES
from forms.loading import read_data, validate_model
from forms.roster import Roster
from forms.vocabulary import BODIES

SCRIPT = PROJECT_ROOT / "examples" / "lifecycle" / "script.yaml"
PROPOSERS = "proposers"  # a step the proposers record (the revision); any other ``by`` is a roster body


class Step(BaseModel):
    """One step: the gate it answers, its input file, whose member records it, what the demo says about
    it and how many days the demo's calendar moves on (to a working day) before it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    gate: str
    input: Path
    by: str
    says: str
    days: int = Field(ge=0)
    detour: bool = False  # a revision round or a deferral: not on the straight way

    @property
    def name(self) -> str:
        """The step's name: its input's file name without the suffix (``steering-approve``)."""
        return self.input.stem

    @field_validator("gate")
    @classmethod
    def _declared(cls, gate: str) -> str:
        if gate not in GATES:
            raise ValueError(f"ukendt gate; forventede en af {', '.join(GATES)}")
        return gate

    @field_validator("by")
    @classmethod
    def _body(cls, by: str) -> str:
        if by != PROPOSERS and by not in BODIES:
            raise ValueError(f"forventede {PROPOSERS} eller et organ på rosteren ({', '.join(BODIES)})")
        return by


class Script(BaseModel):
    """The script file: the forms it submits, the dating rule and the steps in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    form: Path  # submitted with known gaps: revised once
    straight_form: Path  # meets the premises: the hearing opens at once
    dates: dict[str, int] = Field(default_factory=dict)  # input field -> days after the step's day
    steps: tuple[Step, ...]

    def straight(self) -> tuple[Step, ...]:
        """The straight way, for a form that meets the premises: every step but the detours."""
        return tuple(s for s in self.steps if not s.detour)

    def hearing(self) -> tuple[Step, ...]:
        """The hearing's two answers, the reference group's advice and RKKP's statement."""
        return tuple(s for s in self.straight() if GATES[s.gate].advisory)

    def step(self, name: str) -> Step:
        """The step whose input file is called ``name`` (without its suffix)."""
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(f"the script has no step {name!r}; it has {', '.join(s.name for s in self.steps)}")

    def input(self, step: Step, by: str, today: date | None = None) -> dict[str, Any]:
        """The step's input as its gate takes it, recorded by ``by`` and dated on ``today`` (the engine's)."""
        return self.dated(read_decision_file(step.input, step.gate, by), today)

    def dated(self, payload: dict[str, Any], today: date | None = None) -> dict[str, Any]:
        """``payload`` with each date field of the rule (``dates``) that it has set from ``today``."""
        today = today or clock.today()
        for field, days in self.dates.items():
            if field in payload:
                day = today if days == 0 else workdays.next_working_day(today + timedelta(days=days))
                payload[field] = day.isoformat()
        return payload

    def write_input(self, step: Step, by: str, folder: Path) -> Path:
        """The step's dated input as a YAML file under ``folder`` (for ``dmpg decide --input``)."""
        path = folder / f"{step.name}.yaml"
        path.write_text(yaml.safe_dump(self.input(step, by), allow_unicode=True, sort_keys=False), encoding="utf-8")
        return path


def load(path: Path = SCRIPT) -> Script:
    """The script at ``path``, its files resolved against its folder; ``InputError`` when it is not right."""
    script = validate_model(Script, read_data(path), str(path))
    folder = path.resolve().parent
    resolved = script.model_copy(update={
        "form": (folder / script.form).resolve(),
        "straight_form": (folder / script.straight_form).resolve(),
        "steps": tuple(s.model_copy(update={"input": (folder / s.input).resolve()}) for s in script.steps),
    })
    missing = [(where, f"filen {file} findes ikke") for where, file in
               [("form", resolved.form), ("straight_form", resolved.straight_form)]
               + [(f"steps[{n}].input", s.input) for n, s in enumerate(resolved.steps)] if not file.is_file()]
    if missing:
        raise InputError(str(path), missing)
    return resolved


def recorded_by(step: Step, roster: Roster, proposer: str) -> str:
    """Who records ``step``: ``proposer`` (the form's first proposer) for the proposers' step, else the
    first member of the step's roster body."""
    return proposer if step.by == PROPOSERS else str(roster.people(step.by)[0].email)
