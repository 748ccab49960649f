"""The gates of the lifecycle, each declared once (contract: DESIGN.md "The lifecycle flow and its gates").

A :class:`Gate` says everything about one gate: the input it waits for, who decides it, the stage
the proposal is in while it waits, what is being decided and its outcomes in Danish, the documents
and mail it opens with (and the requests it sends first), when its answer is due, whether its body
meets on it or it only advises, its page and its words on pages and in mails (:class:`Wording`), the
document that records its decision, and any completeness check of the input. Everything else derives
from :data:`GATES`: the command line's choices, the Prefect UI's Resume form and description, the
decision page, mail phrases, documents and their deadlines, the status chart, who a gate waits on and
the stage mapping. No other module compares a gate's name (tests/forms/test_gate_knowledge.py).

:func:`judge` is the one set of rules for an answer to a gate, used alike by the flow (an answer
from the Prefect UI) and by every channel that records a decision itself (command line, decision
page, meeting minutes). Plain pydantic and Python: no Prefect, no ledger.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import pydantic
from pydantic import EmailStr, Field

from core import clock
from core.identity import fold_address
from core.text import capitalise, danish_date
from forms.appointments import AppointmentsInput, check_appointments
from forms.findings import Finding, blocking
from forms.inputs import MEETING_DATE, RECORDED_BY, GateInput
from forms.validation import describe_validation_error
from forms.proposal import LooseDate, ProposalForm
from forms.vocabulary import BODIES, BODY_LABELS, STAGES

if TYPE_CHECKING:
    from forms.roster import Roster

PROPOSERS = "proposers"  # the revision gate is decided by the proposal's own proposers (named on the form)
# A gate's page on the decision site (templates/web/): the common decision page, or one of its own.
DECIDE_PAGE, APPOINTMENTS_PAGE = "decide.html.j2", "appointments.html.j2"


# --- the inputs ----------------------------------------------------------------------------------


class RevisionInput(ProposalForm):
    """The revised indstillingsskema from the proposers (the whole form) and who records it."""

    recorded_by: EmailStr = Field(**RECORDED_BY)


class DatabaseInput(GateInput):
    """RKKP's statement on the clinical quality database."""

    database_plan: Literal["existing", "planned", "none", "not_relevant"] = Field(
        title="Databasegrundlag",
        description="existing (der findes en database), planned (planlagt), none (ingen database) eller "
                    "not_relevant (ikke relevant for emnet).",
    )
    statement: str = Field(min_length=1, title="RKKP's udtalelse",
                           description="RKKP's vurdering af databasegrundlaget og koordineringen med DMPG'en.")
    expected_start: LooseDate | None = Field(None, title="Forventet opstart",
                                             description="Hvornår en planlagt database forventes at starte (valgfri).")
    recorded_by: EmailStr = Field(**RECORDED_BY)


class AdviceInput(GateInput):
    """Følgegruppens rådgivning."""

    recommendation: Literal["support", "support_with_changes", "not_support"] = Field(
        title="Anbefaling",
        description="support (støtter), support_with_changes (støtter med ændringer) eller not_support (støtter ikke).",
    )
    summary: str = Field(min_length=1, title="Resumé af rådgivningen", description="Følgegruppens rådgivning i korte træk.")
    meeting_date: LooseDate = Field(**MEETING_DATE)
    recorded_by: EmailStr = Field(**RECORDED_BY)


class SteeringInput(GateInput):
    """DMPG-styregruppens beslutning."""

    decision: Literal["approve", "reject", "revise", "defer"] = Field(
        title="Beslutning",
        description="approve (godkend), reject (afvis), revise (tilbage til revision) eller defer (udskyd til næste møde).",
    )
    meeting_date: LooseDate = Field(**MEETING_DATE)
    rationale: str = Field(min_length=1, title="Begrundelse", description="Styregruppens begrundelse (til beslutningsreferatet).")
    recorded_by: EmailStr = Field(**RECORDED_BY)


class ApprovalInput(GateInput):
    """Psykiatridirektørkredsens godkendelse."""

    decision: Literal["approve", "reject"] = Field(title="Beslutning", description="approve (godkend) eller reject (afvis).")
    meeting_date: LooseDate = Field(**MEETING_DATE)
    rationale: str = Field(min_length=1, title="Begrundelse", description="Direktørkredsens begrundelse.")
    recorded_by: EmailStr = Field(**RECORDED_BY)


# --- the declaration -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One outcome of a gate, in Danish: ``label`` in lists and tables ("Godkendt"), ``statement``
    completes a sentence whose subject is the deciding body ("… har godkendt indstillingen"),
    ``next_step`` says what happens now."""

    code: str
    label: str
    statement: str
    next_step: str


@dataclass(frozen=True)
class Wording:
    """How pages and mails name the act of answering a gate, in Danish (the defaults suit a decision)."""

    button: str                  # a mail's button: "Registrér styregruppens beslutning"
    reminder: str                # what a reminder asks for: "at styregruppens beslutning registreres"
    ready: str = "den foreligger"  # a reminder: "… via linket nedenfor, så snart <ready>"
    submit: str = "Registrér beslutningen"  # the decision page's submit button: what the act is
    heading: str = "Din beslutning"         # the decision page's form heading
    not_recorded: str = "Beslutningen er ikke registreret"  # above a form sent back with problems
    legend: str = ""             # the status report chart's name of the gate; default: who decides
    decision_record: str = ""    # how the decision mail names its attachment (the decision document)
    mail: str = ""               # the opening mail where mails are listed (a person's data summary): "høring"


@dataclass(frozen=True)
class Gate:
    """One gate of the lifecycle (see the module docstring). Checked when declared: a missing or
    inconsistent piece is an error at import, never a KeyError while a proposal waits."""

    name: str
    input: type[pydantic.BaseModel]
    decided_by: str                 # a roster body, or PROPOSERS; the secretariat may always record
    stage: str                      # the proposal's stage while the gate waits
    label: str                      # what the gate waits for: "styregruppens beslutning"
    question: str                   # what is being decided, for the person deciding
    outcomes: tuple[Outcome, ...]
    outcome_field: str | None = None  # the input field holding the outcome; None: the gate has one outcome
    reason_field: str | None = None  # the input field holding the free-text reason (a meeting's minutes fill it)
    opening_documents: tuple[str, ...] = ()  # document kinds rendered when the gate opens
    attach_proposal: bool = False  # the opening mail also carries the latest indstillingsskema
    opening_mail: str | None = None  # mail kind sent to whoever the gate waits on
    decision_document: str | None = None  # the document recording the decision
    attach_decided: tuple[str, ...] = ()  # the opening mail also carries these gates' decision records
    completeness: Callable[[Any], list[Finding]] | None = None  # blocking findings refuse the input
    # How the answer is announced: what the body did ("Følgegruppen har givet sin rådgivning"), and
    # the heading of its free text ("Rådgivningen"); advice and statements are not decisions.
    announced: str = ""
    reason_title: str = "Begrundelse"
    # The version of the gate's input: raised whenever ``input`` changes (a field added, a choice added or
    # renamed). Each gate round records the version it opened under, and ``dmpg upgrade check`` compares
    # it with the installed code's (tests/forms/test_gate_versions.py fails when ``input`` changes
    # without a new version).
    schema_version: int = 1
    wording: Wording = Wording(button="Registrér beslutningen", reminder="at beslutningen registreres")
    # The answer is asked for by a date, ``reply_days`` after the day it was asked: the first day of a
    # stage (a stage's code: the hearing), or the day another gate was decided with its first outcome
    # (a gate's name: the directors' approval sends the appointment requests). None: no reply date.
    reply_from: str | None = None
    requests: tuple[str, ...] = ()  # document kinds sent (with their mails) to others who answer first
    # The Word documents the gate makes (its opening documents, requests and decision document): kind ->
    # the Danish title in the header and first heading; the template is templates/<kind>.docx.
    documents: Mapping[str, str] = field(default_factory=dict, hash=False)
    held_again: bool = False  # a round may be followed by another (a deferral): its documents name their round
    answerers: str = ""  # who those others are, for the secretariat following up ("de faglige selskaber …")
    # Named pieces of the opening mail's context (``dmpg.services.gatekeeper.OPENING_CONTEXT``).
    opening_context: tuple[str, ...] = ()
    advisory: bool = False  # the answer advises or states (the hearing), it decides nothing
    page: str = DECIDE_PAGE  # the decision page's template (templates/web/); another has a page of its own

    def __post_init__(self) -> None:
        problems = []
        if not re.fullmatch(r"[a-z][a-z0-9]*", self.name):
            # The name goes into the run's suspension keys, and Prefect's input keys take only lowercase
            # letters, digits and dashes (the dash separates the round and attempt).
            problems.append("a gate's name is lowercase letters and digits only")
        if self.decided_by != PROPOSERS and self.decided_by not in BODIES:
            problems.append(f"decided_by {self.decided_by!r} is neither {PROPOSERS!r} nor a roster body {BODIES}")
        if self.stage not in STAGES:
            problems.append(f"stage {self.stage!r} is not one of {STAGES}")
        if "recorded_by" not in self.input.model_fields:
            problems.append(f"{self.input.__name__} has no recorded_by field")
        codes = [o.code for o in self.outcomes]
        if self.outcome_field is None:
            if len(codes) != 1:
                problems.append("a gate without an outcome field has exactly one outcome")
        elif self.outcome_field not in self.input.model_fields:
            problems.append(f"outcome field {self.outcome_field!r} is not a field of {self.input.__name__}")
        else:
            choices = _literal_choices(self.input, self.outcome_field)
            if choices is not None and set(choices) != set(codes):
                problems.append(f"outcomes {codes} differ from the choices of {self.outcome_field}: {choices}")
        if self.reason_field is not None and self.reason_field not in self.input.model_fields:
            problems.append(f"reason field {self.reason_field!r} is not a field of {self.input.__name__}")

        if self.reply_from is not None and self.reply_from not in STAGES and not re.fullmatch(r"[a-z][a-z0-9]*", self.reply_from):
            problems.append(f"reply_from {self.reply_from!r} is neither a stage {STAGES} nor a gate's name")
        made = [*self.opening_documents, *self.requests, *([self.decision_document] if self.decision_document else [])]
        if missing := [k for k in made if k not in self.documents]:
            problems.append(f"documents {missing} have no title in documents")
        if unused := [k for k in self.documents if k not in made]:
            problems.append(f"documents {unused} are neither opening documents, requests nor the decision document")
        if self.opening_mail and not self.wording.mail:
            problems.append(f"the opening mail {self.opening_mail!r} needs its Danish name (wording.mail)")
        if bool(self.decision_document) != bool(self.wording.decision_record):
            problems.append("a decision document and the decision mail's name for it (wording.decision_record) go together")
        if problems:
            raise ValueError(f"gate {self.name!r}: " + "; ".join(problems))
        if not self.announced:
            object.__setattr__(self, "announced", f"{self.decider[:1].upper()}{self.decider[1:]} har truffet beslutning")

    @property
    def takes_form(self) -> bool:
        """The answer is the whole indstillingsskema (the revision): sent as the Word form, read as a form."""
        return issubclass(self.input, ProposalForm)

    @property
    def upload(self) -> str | None:
        """The file a decision page asks for instead of fields (".docx" for a form), else None."""
        return ".docx" if self.takes_form else None

    @property
    def meets(self) -> bool:
        """The gate is decided at a meeting of its body (its input records the meeting's date)."""
        return "meeting_date" in self.input.model_fields

    @property
    def legend(self) -> str:
        """The gate's name in the status report's chart ("Følgegruppen", "Udpegning af medlemmer")."""
        return self.wording.legend or capitalise(self.decider)

    @property
    def decider(self) -> str:
        """Who decides, in Danish: "følgegruppen", "indstillerne"."""
        return "indstillerne" if self.decided_by == PROPOSERS else BODY_LABELS[self.decided_by]

    def outcome(self, code: str) -> Outcome:
        """The outcome called ``code``; ``ValueError`` naming the gate's outcomes otherwise."""
        for outcome in self.outcomes:
            if outcome.code == code:
                return outcome
        raise ValueError(f"gate {self.name!r} has no outcome {code!r}; it has {', '.join(o.code for o in self.outcomes)}")

    def outcome_of(self, data: Mapping[str, Any]) -> str:
        """The outcome code of an accepted input (its outcome field, or the gate's only outcome)."""
        return str(data[self.outcome_field]) if self.outcome_field else self.outcomes[0].code


def _literal_choices(model: type[pydantic.BaseModel], field: str) -> list[str] | None:
    schema = model.model_json_schema()["properties"].get(field, {})
    return schema.get("enum")


GATES: dict[str, Gate] = {g.name: g for g in (
    Gate(
        name="revision", input=RevisionInput, decided_by=PROPOSERS, stage="needs_revision",
        label="revideret indstillingsskema",
        question="Indstillerne bedes indsende et revideret indstillingsskema, der opfylder grundpræmisserne "
                 "(se de blokerende fund). Hele skemaet indsendes igen.",
        outcomes=(Outcome("revised", "Revideret", "har indsendt en revideret indstilling",
                          "Den reviderede indstilling bliver nu tjekket mod grundpræmisserne igen."),),
        opening_mail="revision_request", attach_proposal=True,
        announced="Indstillerne har indsendt en revideret indstilling",
        opening_context=("findings", "sent_back"),
        wording=Wording(button="Indsend revideret indstilling", reminder="at den reviderede indstilling indsendes",
                        submit="Send det reviderede skema", heading="Det reviderede skema",
                        not_recorded="Skemaet er ikke modtaget", legend="Revision (indstillerne)",
                        mail="anmodning om revision"),
        schema_version=2,  # the form's choices are read in Danish as well as by code (0.2.0)
    ),
    Gate(
        name="database", input=DatabaseInput, decided_by="rkkp", stage="reference_group",
        label="RKKP's udtalelse om den kliniske kvalitetsdatabase",
        question="RKKP bedes udtale sig om databasegrundlaget: findes der, eller planlægges der, en klinisk "
                 "kvalitetsdatabase på området, og hvordan koordineres den med DMPG'en? Udtalelsen indgår i "
                 "styregruppens beslutningsgrundlag sammen med følgegruppens rådgivning.",
        outcome_field="database_plan",
        outcomes=(
            Outcome("existing", "Der findes en database", "oplyser, at der findes en klinisk kvalitetsdatabase på området",
                    "Udtalelsen indgår i indstillingen til DMPG-styregruppen."),
            Outcome("planned", "Database planlagt", "oplyser, at en klinisk kvalitetsdatabase er planlagt",
                    "Udtalelsen indgår i indstillingen til DMPG-styregruppen, og etableringen koordineres med RKKP."),
            Outcome("none", "Ingen database", "oplyser, at der ikke er en klinisk kvalitetsdatabase på området",
                    "Udtalelsen indgår i indstillingen til DMPG-styregruppen."),
            Outcome("not_relevant", "Ikke relevant", "vurderer, at en klinisk kvalitetsdatabase ikke er relevant for emnet",
                    "Udtalelsen indgår i indstillingen til DMPG-styregruppen."),
        ),
        opening_mail="database_request", attach_proposal=True, reason_field="statement",
        announced="RKKP har afgivet sin udtalelse om databasegrundlaget", reason_title="Udtalelsen",
        advisory=True, reply_from="reference_group",
        wording=Wording(button="Afgiv RKKP's udtalelse", reminder="at RKKP afgiver sin udtalelse",
                        submit="Send udtalelsen", heading="RKKP's udtalelse",
                        not_recorded="Udtalelsen er ikke registreret", mail="anmodning til RKKP"),
    ),
    Gate(
        name="advice", input=AdviceInput, decided_by="reference_group", stage="reference_group",
        label="følgegruppens rådgivning",
        question="Følgegruppen bedes give sin rådgivning om indstillingen: støtter, støtter med ændringer eller "
                 "støtter ikke, med et kort resumé.",
        outcome_field="recommendation", reason_field="summary",
        outcomes=(
            Outcome("support", "Støtter", "støtter indstillingen", "Indstillingen går nu videre til DMPG-styregruppen."),
            Outcome("support_with_changes", "Støtter med ændringer", "støtter indstillingen med ændringer",
                    "Indstillingen går nu videre til DMPG-styregruppen sammen med følgegruppens bemærkninger."),
            Outcome("not_support", "Støtter ikke", "støtter ikke indstillingen",
                    "Indstillingen går videre til DMPG-styregruppen sammen med følgegruppens rådgivning."),
        ),
        opening_documents=("hearing_letter",), opening_mail="hearing", attach_proposal=True,
        documents={"hearing_letter": "Høringsbrev til følgegruppen"},
        announced="Følgegruppen har givet sin rådgivning", reason_title="Rådgivningen",
        advisory=True, reply_from="reference_group",
        wording=Wording(button="Giv følgegruppens rådgivning", reminder="at følgegruppen giver sin rådgivning",
                        submit="Send rådgivningen", heading="Din rådgivning",
                        not_recorded="Rådgivningen er ikke registreret", mail="høring"),
    ),
    Gate(
        name="steering", input=SteeringInput, decided_by="steering_group", stage="steering",
        label="styregruppens beslutning",
        question="DMPG-styregruppen beslutter på sit møde: godkend, afvis, send tilbage til revision eller "
                 "udskyd til næste møde.",
        outcome_field="decision", reason_field="rationale",
        outcomes=(
            Outcome("approve", "Godkendt", "har godkendt indstillingen",
                    "Indstillingen går nu videre til psykiatridirektørkredsen."),
            Outcome("reject", "Afvist", "har afvist indstillingen", "Sagen er hermed afsluttet."),
            Outcome("revise", "Sendt tilbage til revision", "har sendt indstillingen tilbage til revision",
                    "Indstillerne modtager en særskilt anmodning om revision, og den reviderede indstilling "
                    "forelægges styregruppen igen."),
            Outcome("defer", "Udsat til et senere møde", "har udsat beslutningen til et senere møde",
                    "Indstillingen behandles igen på et senere styregruppemøde."),
        ),
        opening_documents=("steering_memo",), opening_mail="steering_memo", decision_document="steering_minutes",
        documents={"steering_memo": "Indstilling til DMPG-styregruppen",
                   "steering_minutes": "Beslutningsreferat, DMPG-styregruppen"},
        opening_context=("advice",), held_again=True,
        wording=Wording(button="Registrér styregruppens beslutning", reminder="at styregruppens beslutning registreres",
                        decision_record="Beslutningsreferatet", mail="indstilling til styregruppen"),
    ),
    Gate(
        name="approval", input=ApprovalInput, decided_by="director_circle", stage="director_approval",
        label="psykiatridirektørkredsens godkendelse",
        question="Psykiatridirektørkredsen godkender eller afviser oprettelsen af gruppen.",
        outcome_field="decision", reason_field="rationale",
        outcomes=(
            Outcome("approve", "Godkendt", "har godkendt oprettelsen af gruppen",
                    "De faglige selskaber og organisationer bliver nu bedt om at udpege medlemmer."),
            Outcome("reject", "Afvist", "har afvist oprettelsen af gruppen", "Sagen er hermed afsluttet."),
        ),
        opening_documents=("director_memo",), opening_mail="director_memo", decision_document="director_letter",
        documents={"director_memo": "Indstilling til psykiatridirektørkredsen",
                   "director_letter": "Meddelelse om psykiatridirektørkredsens beslutning"},
        attach_decided=("steering",),
        wording=Wording(button="Registrér direktørkredsens beslutning",
                        reminder="at psykiatridirektørkredsens beslutning registreres",
                        decision_record="Psykiatridirektørkredsens meddelelse", mail="indstilling til direktørkredsen"),
    ),
    Gate(
        name="appointments", input=AppointmentsInput, decided_by="secretariat", stage="appointments",
        label="udpegning af medlemmer og formandskab",
        question="Sekretariatet registrerer de udpegede medlemmer, de to formænd (blandt de udpegede) og den "
                 "sundhedsfaglige direktør samt datoen for kickoff-mødet.",
        outcomes=(Outcome("appointed", "Udpeget", "har registreret de udpegede medlemmer og formandskabet",
                          "Gruppen er nu etableret, og medlemmerne indkaldes til kickoff-møde."),),
        completeness=check_appointments, opening_mail="appointments_record",
        announced="Sekretariatet har registreret udpegningen", reason_title="Bemærkning",
        requests=("appointment_request",), reply_from="approval", opening_context=("appointments_asked",),
        documents={"appointment_request": "Anmodning om udpegning"},
        answerers="de faglige selskaber og organisationer, der udpeger medlemmer", page=APPOINTMENTS_PAGE,
        wording=Wording(button="Registrér udpegningen", reminder="at udpegningen af medlemmer og formandskab registreres",
                        ready="medlemmerne er udpeget", legend="Udpegning af medlemmer",
                        mail="registrering af udpegningen"),
        schema_version=2,  # the kickoff's time, place and online link (0.2.0)
    ),
)}


for _g in GATES.values():  # what a declaration names of the others: checked once all are declared
    if _g.reply_from is not None and _g.reply_from not in STAGES and _g.reply_from not in GATES:
        raise ValueError(f"gate {_g.name!r}: reply_from {_g.reply_from!r} is neither a stage nor a gate")
    if any(name not in GATES for name in _g.attach_decided):
        raise ValueError(f"gate {_g.name!r}: attach_decided {_g.attach_decided} names an unknown gate")


def asking_gate(document_kind: str) -> Gate | None:
    """The gate that sends documents of ``document_kind`` when it opens or asks (its opening documents or
    its requests): the hearing letter's gate is ``advice``; None for a document no gate sends."""
    return next((g for g in GATES.values() if document_kind in (*g.opening_documents, *g.requests)), None)


def gate(name: str) -> Gate:
    """The gate called ``name``; ``ValueError`` naming the gates otherwise."""
    try:
        return GATES[name]
    except KeyError:
        raise ValueError(f"unknown gate {name!r}; the gates are {', '.join(GATES)}") from None


# --- who may record --------------------------------------------------------------------------------


def _norm(email: object) -> str:
    return fold_address(email)


def allowed_recorders(g: Gate, roster: Roster, proposers: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Everyone who may record ``g`` as ``(name, email)``, secretariat first, each e-mail once."""
    people = [(p.name, str(p.email)) for p in roster.people("secretariat")]
    if g.decided_by == PROPOSERS:
        people += [(email, email) for email in proposers if email]
    elif g.decided_by != "secretariat":
        people += [(p.name, str(p.email)) for p in roster.people(g.decided_by)]
    seen: dict[str, tuple[str, str]] = {}
    for name, email in people:
        seen.setdefault(_norm(email), (name, email))
    return list(seen.values())


def waiting_on(g: Gate, roster: Roster, proposers: Iterable[str] = ()) -> list[str]:
    """The e-mails ``g`` waits on: its deciders (the proposers, or the body's members)."""
    if g.decided_by == PROPOSERS:
        return [email for email in proposers if email]
    return [str(p.email) for p in roster.people(g.decided_by)]


def may_record(g: Gate, email: str, roster: Roster, proposers: Iterable[str] = ()) -> tuple[bool, str]:
    """Whether ``email`` may record ``g``, and why (Danish; a refusal names who may)."""
    who = _norm(email)
    proposers = sorted({_norm(p) for p in proposers if p})
    what = f"'{g.name}' ({g.label})"
    if who in roster.emails("secretariat"):
        return True, f"{email} er med i sekretariatet, som må registrere alle gates"
    if g.decided_by == PROPOSERS and who in proposers:
        return True, f"{email} er indstiller på forslaget og må registrere {what}"
    if g.decided_by in BODIES and g.decided_by != "secretariat" and who in roster.emails(g.decided_by):
        return True, f"{email} er medlem af {g.decider}, som må registrere {what}"
    allowed = [f"sekretariatet ({', '.join(sorted(roster.emails('secretariat')))})"]
    if g.decided_by == PROPOSERS:
        allowed.append(f"forslagets indstillere ({', '.join(proposers) or 'ingen angivet'})")
    elif g.decided_by != "secretariat":
        members = ", ".join(sorted(roster.emails(g.decided_by))) or "ingen på rosteren"
        allowed.append(f"medlemmerne af {g.decider} ({members})")
    return False, f"{email} må ikke registrere {what}; det må kun {' og '.join(allowed)}"


# --- judging an answer -----------------------------------------------------------------------------

Refusal = Literal["invalid", "not_allowed", "incomplete"]


@dataclass(frozen=True)
class Verdict:
    """What :func:`judge` decided. Accepted: ``data`` (the input as JSON) and ``outcome``. Refused:
    ``refusal`` says why in one word, ``reason`` in a sentence, ``problems`` lists ``(field path,
    what was expected)`` of an invalid input and ``findings`` the check of an incomplete one."""

    accepted: bool
    by: str
    data: dict[str, Any] | None = None
    outcome: str | None = None
    refusal: Refusal | None = None
    reason: str = ""
    problems: tuple[tuple[str, str], ...] = ()
    findings: tuple[Finding, ...] = ()


# Fields holding the day a decision was taken: it cannot lie after the day it is recorded.
DECIDED_ON_FIELDS: tuple[str, ...] = ("meeting_date",)


def future_dates(g: Gate, data: Mapping[str, Any], today: date | None = None) -> list[tuple[str, str]]:
    """``(field, Danish message)`` for each day a decision was taken (``meeting_date``) that lies after
    ``today`` (default: the engine's day, ``core.clock``): a decision is recorded after its meeting,
    never before it. ``data`` is a gate input, validated or not (a value that is no date is left to
    the input's own validation)."""
    today = today or clock.today()
    problems = []
    for name in DECIDED_ON_FIELDS:
        if name not in g.input.model_fields:
            continue
        value = data.get(name)
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value)) if value else None
        except ValueError:
            continue
        if day is not None and day > today:
            problems.append((name, f"mødedatoen {danish_date(day)} ligger efter dags dato ({danish_date(today)}); "
                                   "en beslutning registreres, når mødet har været holdt"))
    return problems


def judge(g: Gate, payload: Mapping[str, Any], *, roster: Roster, proposers: Sequence[str] = ()) -> Verdict:
    """Whether an answer to ``g`` stands: valid for the gate's input (its meeting date not after today,
    :func:`future_dates`), recorded by someone allowed, and complete (``g.completeness``). Pure but for
    the engine's clock: the caller writes the verdict to the ledger."""
    # One identity at every door: the address as the roster (or the form's proposers) spells it, after
    # NFKC and case folding, so "ANNE@REGION.DK" and a look-alike character record the same person.
    by = fold_address(payload.get("recorded_by"))
    payload = {**payload, "recorded_by": by} if "recorded_by" in payload else dict(payload)
    try:
        accepted = g.input.model_validate(dict(payload))
    except pydantic.ValidationError as exc:
        problems = tuple(describe_validation_error(exc, model=g.input))
        reason = "; ".join(f"{path}: {message}" if path else message for path, message in problems)
        return Verdict(False, by, refusal="invalid", reason=reason, problems=problems)
    if problems := tuple(future_dates(g, accepted.model_dump())):
        reason = "; ".join(f"{path}: {message}" for path, message in problems)
        return Verdict(False, by, refusal="invalid", reason=reason, problems=problems)
    allowed, why = may_record(g, by, roster, proposers)
    if not allowed:
        return Verdict(False, by, refusal="not_allowed", reason=why)
    if g.completeness is not None:
        findings = tuple(g.completeness(accepted))
        if blockers := blocking(findings):
            reason = "; ".join(f"{f.code}: {f.message}" for f in blockers)
            return Verdict(False, by, refusal="incomplete", reason=reason, findings=findings)
    data = accepted.model_dump(mode="json")
    return Verdict(True, by, data=data, outcome=g.outcome_of(data))
