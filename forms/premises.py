"""The premise check (grundpræmisser, seed 001) of a proposal form: pure, no I/O, milliseconds.

Contract (DESIGN.md "Premise findings"): one rule per code, with exactly the severities of the
table, reported in the table's order. Messages are Danish, say what is missing and cite the seed
rule, so the proposers can fix the form without reading the seed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.text import join_danish
from forms.findings import Finding
from forms.proposal import ProposalForm
from forms.registry import RegistryEntry, overlap_reason
from forms.vocabulary import BASE_CATEGORIES, represents_name

# Seed 001's wording, quoted by the messages.
EMNE = "Grundpræmis (Emne)"
OPGAVER = "Grundpræmis (Opgaver)"
DELTAGERE = "Grundpræmis (Deltagere)"


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def _proposers(form: ProposalForm, _registry: Sequence[RegistryEntry]) -> Finding | None:
    if any(not _blank(p.name) and p.email for p in form.proposers):
        return None
    items = []
    for i, p in enumerate(form.proposers):
        gaps = [word for word, gone in (("navn", _blank(p.name)), ("e-mail", not p.email)) if gone]
        items.append(f"indstiller {i + 1}: mangler {' og '.join(gaps)}")
    return Finding(
        "proposers.missing",
        "block",
        "Indstillingsskema: Mindst én indstiller fra den forberedende gruppe skal stå med både navn og e-mail, "
        "så sekretariatet kan kvittere og sende skemaet tilbage til revision.",
        items,
    )


def _topic_description(form: ProposalForm, _registry: Sequence[RegistryEntry]) -> Finding | None:
    if form.topic is not None and not _blank(form.topic.description):
        return None
    return Finding(
        "topic.description",
        "block",
        f"{EMNE}: Beskriv emnet. Emnet for en DMPG kan være et diagnoseområde, men kan også være et tværgående "
        "emne.",
    )


def _severity_volume(form: ProposalForm, _registry: Sequence[RegistryEntry]) -> Finding | None:
    topic = form.topic
    missing = []
    if topic is None or _blank(topic.severity):
        missing.append("topic.severity")
    if topic is None or topic.volume is None or topic.volume.patients_per_year is None:
        missing.append("topic.volume.patients_per_year")
    if not missing:
        return None
    words = {"topic.severity": "sværhedsgrad", "topic.volume.patients_per_year": "volumen (patienter pr. år)"}
    return Finding(
        "topic.severity_volume",
        "block",
        f"{EMNE}: DMPG'en skal dække et område eller et emne af en vis sværhedsgrad og volumen. "
        f"Skemaet mangler {' og '.join(words[m] for m in missing)}.",
        missing,
    )


def _primary_sector(form: ProposalForm, _registry: Sequence[RegistryEntry]) -> Finding | None:
    target = form.topic.target_group if form.topic else None
    if target is not None and target.primary_sector is True:
        return None
    state = "er ikke udfyldt" if target is None or target.primary_sector is None else "er angivet som nej"
    return Finding(
        "target.primary_sector",
        "block",
        f"{EMNE}: Målgruppen for DMPG'erne er ikke kun regional, men skal også inkludere primærsektoren og "
        f"dermed sikre bredde fra start. Primærsektoren i målgruppen {state}.",
    )


def _child_adult(form: ProposalForm, _registry: Sequence[RegistryEntry]) -> Finding | None:
    target = form.topic.target_group if form.topic else None
    child = target is not None and target.child_and_adolescent is True
    adult = target is not None and target.adult is True
    if (child and adult) or (target is not None and not _blank(target.justification)):
        return None
    missing = [
        path
        for path, covered in (
            ("topic.target_group.child_and_adolescent", child),
            ("topic.target_group.adult", adult),
        )
        if not covered
    ]
    return Finding(
        "target.child_adult",
        "warn",
        f"{EMNE}: Målgruppen skal i videst muligt omfang gå på tværs af børne- og ungdomspsykiatri og "
        "voksenpsykiatri. Målgruppen dækker ikke begge, og der er ingen begrundelse for det.",
        missing,
    )


def _guidelines(form: ProposalForm, _registry: Sequence[RegistryEntry]) -> Finding | None:
    if form.tasks is not None and form.tasks.guidelines:
        return None
    return Finding(
        "tasks.guidelines",
        "block",
        f"{OPGAVER}: De enkelte DMPG'er skal til en start have fokus på udarbejdelse af en række kliniknære "
        "DMPG-retningslinjer via forfattergrupper. Foreslå mindst én retningslinje.",
    )


def _base_members(form: ProposalForm, _registry: Sequence[RegistryEntry]) -> Finding | None:
    seated = {seat.represents for seat in form.composition.seats} if form.composition else set()
    missing = [code for code in BASE_CATEGORIES if code not in seated]
    if not missing:
        return None
    return Finding(
        "composition.base_members",
        "block",
        f"{DELTAGERE}: Basismedlemmer i alle DMPG'er er repræsentanter fra DPS, BUP, FYP, DSAM, DP og DASYS "
        "(udpeget fra de faglige selskaber), for patienter og for pårørende samt på hospitalsledelsesniveau. "
        "Sammensætningen mangler pladser til: "
        f"{join_danish([represents_name(code, in_sentence=True) for code in missing])}.",
        missing,
    )


def _database(form: ProposalForm, _registry: Sequence[RegistryEntry]) -> Finding:
    db = form.topic.clinical_database if form.topic else None
    status = db.status if db else None
    name = db.name if db and not _blank(db.name) else None
    rule = (
        f"{EMNE}: Der er ikke krav om, at en klinisk kvalitetsdatabase skal være igangsat før oprettelse af "
        "en DMPG og vice versa."
    )
    named = f" ({name})" if name else ""
    text = {
        "existing": f"Der findes en klinisk kvalitetsdatabase på området{named}; DMPG'en og databasen koordinerer "
        "monitoreringen.",
        "planned": f"En klinisk kvalitetsdatabase er planlagt{named}: koordinér etableringen med RKKP, så DMPG og "
        "database går i takt.",
        "none": "Der er ingen klinisk kvalitetsdatabase på området.",
        None: "Skemaet oplyser ikke status for en klinisk kvalitetsdatabase (findes, planlagt eller ingen).",
    }[status]
    return Finding("database.status", "info", f"{text} {rule}")


def _overlap(form: ProposalForm, registry: Sequence[RegistryEntry]) -> Finding | None:
    reasons = {g.name: r for g in registry if (r := overlap_reason(form, g))}
    if not reasons:
        return None
    return Finding(
        "registry.overlap",
        "warn",
        "Der findes allerede en DMPG, som dækker emnet: "
        f"{'; '.join(reasons.values())}. Overvej at samarbejde med eller udvide den eksisterende gruppe.",
        list(reasons),
    )


Rule = Callable[[ProposalForm, Sequence[RegistryEntry]], Finding | None]

# The table's order (DESIGN.md) is the order of the findings.
RULES: tuple[Rule, ...] = (
    _proposers,
    _topic_description,
    _severity_volume,
    _primary_sector,
    _child_adult,
    _guidelines,
    _base_members,
    _database,
    _overlap,
)


def check_premises(form: ProposalForm, registry: Sequence[RegistryEntry]) -> list[Finding]:
    """Every premise finding of ``form`` against the established groups in ``registry``, in contract order."""
    return [finding for rule in RULES if (finding := rule(form, registry)) is not None]
