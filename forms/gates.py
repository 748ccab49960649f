"""Each gate's decision input (contract: DESIGN.md "The lifecycle flow and its gates").

Plain pydantic models, free of Prefect: the flow turns them into the Resume forms of suspended runs
(titles become the Danish field labels, ``Literal`` becomes a dropdown, ``date`` a date picker) and the
CLI validates ``dmpg decide --input FILE`` against the same models before it resumes a run.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from forms.proposal import LooseDate, Person, ProposalForm
from forms.vocabulary import Region, RepresentsCode

GateName = Literal["revision", "advice", "steering", "approval", "appointments"]
GATES: tuple[str, ...] = ("revision", "advice", "steering", "approval", "appointments")

_RECORDED_BY = dict(
    title="Registreret af",
    description="E-mail på den, der registrerer beslutningen; skal stå på rosteren (sekretariatet eller organets medlemmer).",
)
_MEETING_DATE = dict(title="Mødedato", description="Datoen for mødet, hvor beslutningen blev truffet.")


class _GateInput(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class RevisionInput(ProposalForm):
    """The revised indstillingsskema from the proposers (the whole form) and who records it."""

    recorded_by: EmailStr = Field(**_RECORDED_BY)

    def form(self) -> ProposalForm:
        return ProposalForm.model_validate(self.model_dump(exclude={"recorded_by"}))


class AdviceInput(_GateInput):
    """Følgegruppens rådgivning."""

    recommendation: Literal["support", "support_with_changes", "not_support"] = Field(
        title="Anbefaling",
        description="support (støtter), support_with_changes (støtter med ændringer) eller not_support (støtter ikke).",
    )
    summary: str = Field(min_length=1, title="Resumé af rådgivningen", description="Følgegruppens rådgivning i korte træk.")
    meeting_date: LooseDate = Field(**_MEETING_DATE)
    recorded_by: EmailStr = Field(**_RECORDED_BY)


class SteeringInput(_GateInput):
    """DMPG-styregruppens beslutning."""

    decision: Literal["approve", "reject", "revise", "defer"] = Field(
        title="Beslutning",
        description="approve (godkend), reject (afvis), revise (tilbage til revision) eller defer (udskyd til næste møde).",
    )
    meeting_date: LooseDate = Field(**_MEETING_DATE)
    rationale: str = Field(min_length=1, title="Begrundelse", description="Styregruppens begrundelse (til beslutningsreferatet).")
    recorded_by: EmailStr = Field(**_RECORDED_BY)


class ApprovalInput(_GateInput):
    """Psykiatridirektørkredsens godkendelse."""

    decision: Literal["approve", "reject"] = Field(
        title="Beslutning", description="approve (godkend) eller reject (afvis)."
    )
    meeting_date: LooseDate = Field(**_MEETING_DATE)
    rationale: str = Field(min_length=1, title="Begrundelse", description="Direktørkredsens begrundelse.")
    recorded_by: EmailStr = Field(**_RECORDED_BY)


class AppointedMember(_GateInput):
    name: str = Field(min_length=1, title="Navn", description="Det udpegede medlems navn.")
    email: EmailStr = Field(title="E-mail", description="Medlemmets e-mailadresse.")
    represents: RepresentsCode = Field(title="Repræsenterer", description="Hvilken organisation har udpeget medlemmet (fx DPS).")
    region: Region | None = Field(None, title="Region", description="Medlemmets region.")


class AppointmentsInput(_GateInput):
    """Udpegede medlemmer, de to formænd og den sundhedsfaglige direktør."""

    members: list[AppointedMember] = Field(
        min_length=1, title="Udpegede medlemmer", description="Medlemmerne, som organisationerne har udpeget."
    )
    chairs: list[EmailStr] = Field(
        title="Formænd", description="E-mail på de to formænd; begge skal være blandt de udpegede medlemmer."
    )
    director: Person = Field(title="Sundhedsfaglig direktør", description="Direktøren i formandskabet.")
    kickoff_date: LooseDate = Field(title="Dato for kickoff-møde", description="Dato for gruppens første møde.")
    recorded_by: EmailStr = Field(**_RECORDED_BY)


GATE_INPUTS: dict[str, type[BaseModel]] = {
    "revision": RevisionInput,
    "advice": AdviceInput,
    "steering": SteeringInput,
    "approval": ApprovalInput,
    "appointments": AppointmentsInput,
}

# Which roster body may record which gate, besides the secretariat (who may record any gate).
# The revision gate belongs to the proposers, named on the form rather than on the roster.
GATE_BODIES: dict[str, str | None] = {
    "revision": None,
    "advice": "reference_group",
    "steering": "steering_group",
    "approval": "director_circle",
    "appointments": None,
}
