"""Danish wording of the codes documents show (decisions, severities, topic kinds, ...).

Codes stay English in data (contract); people read these. Unknown codes fall back to the code itself,
so a new code never breaks a document.
"""

from __future__ import annotations

from forms.vocabulary import DATABASE_STATUS_LABELS, REGION_NAMES, REPRESENTS_LABELS, TOPIC_KIND_LABELS

SEVERITY = {"block": "Blokerende", "warn": "Advarsel", "info": "Til orientering"}
TOPIC_KIND = TOPIC_KIND_LABELS
DATABASE_STATUS = DATABASE_STATUS_LABELS
ADVICE = {
    "support": "Følgegruppen støtter forslaget",
    "support_with_changes": "Følgegruppen støtter forslaget med ændringer",
    "not_support": "Følgegruppen støtter ikke forslaget",
}
STEERING = {
    "approve": "Godkendt — indstilles til psykiatridirektørkredsen",
    "reject": "Afvist",
    "revise": "Sendt tilbage til de indstillende til revision",
    "defer": "Udsat til et senere møde",
}
APPROVAL = {"approve": "Godkendt", "reject": "Afvist"}
YES_NO = {True: "Ja", False: "Nej", None: ""}


def label(mapping: dict, code: object) -> str:
    """The Danish label of ``code`` in ``mapping``; the code itself when unknown, "" for None."""
    if code is None:
        return ""
    return mapping.get(code, str(code))


def region_name(code: str | None) -> str:
    return label(REGION_NAMES, code)


def represents_label(code: str | None) -> str:
    return label(REPRESENTS_LABELS, code)
