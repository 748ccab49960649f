"""What the mails say: every kind renders Danish subject, text and HTML from the editable templates."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from core.errors import UserError
from support.proofread import html_text
from dmpg.mail import KINDS, MEETING_KINDS
from dmpg.mail.compose import danish_date, render, templates_dir
from tests.mail.samples import CONTEXTS, SUBJECT_ASKS, URL

RECIPIENT = {"name": "Søren Ærø Åberg", "email": "soeren@example.dk", "role": "proposer"}


def context(kind, **extra):
    base = {"proposal_id": "DMPG-2026-001", "title": "Angst og OCD – børn og unge",
            "recipient": RECIPIENT, "attachments": ["Beslutningsoplaeg.docx"]}
    if kind in ("digest", *MEETING_KINDS):
        del base["proposal_id"], base["title"]
    return {**base, **CONTEXTS[kind], **extra}


def test_every_kind_has_its_three_templates():
    for kind in KINDS:
        for part in ("subject", "txt", "html"):
            assert (templates_dir() / f"{kind}.{part}.j2").is_file(), f"{kind}.{part}.j2"


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_names_the_proposal_the_action_and_keeps_danish_letters(kind):
    mail = render(kind, context(kind))
    assert "\n" not in mail.subject and mail.subject == mail.subject.strip()
    assert SUBJECT_ASKS[kind] in mail.subject
    if kind in MEETING_KINDS:
        assert mail.subject.startswith("[styregruppen-2027-03-11] ")
        assert "Angst og OCD – børn og unge" in mail.text  # what the meeting decides (or decided)
    elif kind != "digest":
        assert mail.subject.count("[DMPG-2026-001] Angst og OCD – børn og unge") == 1
    for body in (mail.text, mail.html):
        assert "Kære Søren Ærø Åberg" in body
        assert URL in body  # the link to the waiting gate, also as visible text
        assert "Venlig hilsen" in body
    if kind != "digest":
        assert "Beslutningsoplaeg.docx" in mail.text and "<li>Beslutningsoplaeg.docx</li>" in mail.html
    assert mail.html.startswith("<!DOCTYPE html>") and 'lang="da"' in mail.html
    assert "<" not in mail.text.replace("<b>", "")  # the text part has no markup


def test_deadline_and_decision_details_are_spelled_out_in_danish():
    mail = render("decision", context("decision", deadline=date(2026, 12, 24)))
    assert "på mødet 3. december 2026" in mail.text
    assert "Begrundelse: Stort behov på tværs af sektorer" in mail.text
    assert "Indstillingen går nu videre til psykiatridirektørkredsen." in mail.text
    assert "Svarfrist: 24. december 2026" in mail.text


def test_html_escapes_what_people_typed_but_text_keeps_it():
    mail = render("decision", context("decision", rationale='Se <script>alert("x")</script> & mere'))
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html and "&amp; mere" in mail.html
    assert 'Se <script>alert("x")</script> & mere' in mail.text


def test_missing_context_is_named_before_rendering():
    ctx = context("kickoff")
    del ctx["kickoff"], ctx["chairs"]
    with pytest.raises(UserError, match=r"mail 'kickoff': the context lacks kickoff, chairs"):
        render("kickoff", ctx)


def test_unknown_outcome_and_kind_are_refused_with_the_choices():
    with pytest.raises(UserError, match=r"unknown outcome 'maybe' at gate 'steering'; expected one of: approve"):
        render("decision", context("decision", outcome="maybe"))
    with pytest.raises(UserError, match="unknown mail kind"):
        render("memo", context("hearing"))


def test_an_edited_template_with_a_typo_is_reported_with_file_and_line(tmp_path):
    custom = tmp_path / "mail"
    shutil.copytree(templates_dir(), custom)
    (custom / "hearing.subject.j2").write_text("[{{ proposal_id }}] {{ titel }}\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"mail template hearing\.subject\.j2.*'titel' is undefined"):
        render("hearing", context("hearing"), directory=custom)


def test_templates_cannot_reach_python_internals(tmp_path):
    custom = tmp_path / "mail"
    shutil.copytree(templates_dir(), custom)
    (custom / "hearing.subject.j2").write_text("{{ title.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(UserError, match="hearing.subject.j2"):
        render("hearing", context("hearing"), directory=custom)


def test_subjects_cannot_inject_headers():
    mail = render("hearing", context("hearing", title="Angst\r\nBcc: alle@example.dk"))
    assert "\n" not in mail.subject and "\r" not in mail.subject


def test_danish_dates():
    assert danish_date(date(2026, 11, 2)) == "2. november 2026"
    assert danish_date("2027-05-17") == "17. maj 2027"


def test_the_shapes_the_lifecycle_has_are_accepted():
    """Gate inputs as dumped, organisation codes, chairs and director as {name, email}."""
    ctx = {k: v for k, v in context("decision").items() if k not in ("rationale", "decided_on")}
    decision = render("decision", ctx | {"gate": "advice", "outcome": "support_with_changes", "decision": {
        "summary": "Støtter; tilføj PTSD-perspektiv.", "meeting_date": "2026-11-20"}})
    assert ("Følgegruppen har givet sin rådgivning i sagen om en ny DMPG om \"Angst og OCD – børn og unge\" på mødet "
            "20. november 2026: Følgegruppen støtter indstillingen med ændringer.") in decision.text
    assert "Rådgivningen: Støtter; tilføj PTSD-perspektiv." in decision.text  # advice is not a decision
    assert "truffet beslutning" not in decision.text and "Begrundelse" not in decision.text
    assert decision.subject.endswith("Følgegruppen har givet sin rådgivning")
    statement = render("decision", ctx | {"gate": "database", "outcome": "planned", "decision": {
        "database_plan": "planned", "statement": "Databasen starter til efteråret.", "expected_start": "2027-09-01"}})
    assert "RKKP har afgivet sin udtalelse om databasegrundlaget" in statement.text
    assert "(forventet opstart 1. september 2027)" in statement.text and "Udtalelsen: Databasen starter" in statement.text

    request = render("appointment_request", context("appointment_request", organisations=["patients", "relatives"]))
    assert request.subject.endswith("anmodning om udpegning af medlemmer – Patientrepræsentanter, Pårørenderepræsentanter")
    assert "- Patientrepræsentanter\n" in request.text

    kickoff = render("kickoff", context("kickoff", chairs=[{"name": "Anne Holm", "email": "a@x.dk"},
                                                           {"name": "Bo Ølund", "email": "b@x.dk"}],
                                        director={"name": "Dorte Direktør", "email": "d@x.dk"}))
    assert "Formandskab: Anne Holm og Bo Ølund (formænd) samt Dorte Direktør" in kickoff.text


# What each kind's mail carries in the lifecycle (the steps attach it; tests/lifecycle/test_whole_correspondence
# and tests/meetings/test_meetings_stack read the delivered mails): the text may name only these.
ATTACHES: dict[str, set[str]] = {
    "receipt": {"proposal"}, "revision_request": {"proposal"}, "hearing": {"hearing-letter", "proposal"},
    "database_request": {"proposal"}, "steering_memo": {"steering-memo"},
    "director_memo": {"director-memo", "steering-minutes"}, "decision": {"steering-minutes", "director-letter"},
    "appointment_request": {"appointment-request"}, "appointments_record": set(),
    "kickoff": {"terms-of-reference", "kickoff-invitation", ".ics"}, "established": {"terms-of-reference"},
    "reminder": set(), "digest": set(), "recovery": set(), "escalation": set(),
    "meeting_pack": {"meeting-pack", "minutes-form"},
    "meeting_minutes": {"meeting-minutes"}, "minutes_approval": set(), "meeting_invitation": {".ics"},
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_mail_names_only_what_its_kind_attaches(kind):
    from support.proofread import named_attachments

    assert set(ATTACHES) == set(KINDS)
    for role in ("proposer", "secretariat", "member"):
        mail = render(kind, context(kind, recipient={**RECIPIENT, "role": role}))
        assert named_attachments(mail.text) <= ATTACHES[kind], (kind, role)
        assert named_attachments(mail.text) == named_attachments(html_text(mail.html)), (kind, role)
    if ATTACHES[kind]:
        assert named_attachments(render(kind, context(kind, recipient={**RECIPIENT, "role": "secretariat"})).text), kind
