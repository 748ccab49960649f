"""What every mail of a proposal says besides its own text, and how it travels: the greeting that fits a
person or an organisation, the proposal in two lines, the reply deadline, the deciding meeting, a
deferral, answers to the secretariat and one thread per proposal."""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime, timezone

import pytest

from dmpg.mail.facts import mail_facts
from support.proofread import MailText, check_mail, html_text
from support.samples import sample_sources
from dmpg.mail import KINDS
from dmpg.mail.compose import render
from dmpg.mail.recipients import is_person_name, salutation
from tests.mail.samples import CONTEXTS

PEOPLE = ["Anne Holm", "Søren Ærø Åberg", "Anne-Mette Holm", "Lise Kjær"]
NOT_PEOPLE = ["Følgegruppen, Danske Regioner", "Lægefaglig direktør, Region Hovedstaden", "RKKP", "DMPG-sekretariatet",
              "RKKP, databaseenheden", "Danske Regioner", "Bedre Psykiatri", "Dansk Psykologforening", "Sundhed Danmark",
              "Dansk Selskab for Almen Medicin", "Patientrepræsentanter (SIND / Bedre Psykiatri)",
              "Hospitalsledelser i regionerne", "Forberedende gruppe, formand"]


@pytest.mark.parametrize("name", PEOPLE)
def test_a_person_is_greeted_kaere(name):
    assert is_person_name(name)
    assert salutation(name, "reference_group") == f"Kære {name}"


@pytest.mark.parametrize("name", NOT_PEOPLE)
def test_a_function_or_organisation_is_addressed_til(name):
    assert not is_person_name(name)
    assert salutation(name, "steering_group") == f"Til {name}"


def test_the_role_decides_where_the_name_cannot():
    assert salutation("Anne Holm", "organisation") == "Til Anne Holm"  # an organisation's contact is the organisation
    assert salutation("Medlem DPS Ærø", "member") == "Kære Medlem DPS Ærø"  # appointed members are people


def _context(kind: str, recipient: dict, **extra) -> dict:
    src = sample_sources()
    gate = CONTEXTS[kind].get("gate") or {"hearing": "advice", "database_request": "database",
                                          "steering_memo": "steering", "director_memo": "approval",
                                          "revision_request": "revision"}.get(kind)
    facts = mail_facts(src, kind, extra.pop("round", 1), gate)
    base = {"proposal_id": "DMPG-2026-001", "title": "Angst og OCD", "recipient": recipient, "attachments": [],
            "round": 1}
    if kind == "digest":
        del base["proposal_id"], base["title"]
        facts = {}
    return {**base, **facts, **CONTEXTS[kind], **extra}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_reads_right_to_a_person_and_to_an_organisation(kind):
    for recipient, opening in (({"name": "Søren Ærø Åberg", "email": "s@example.dk", "role": "proposer"}, "Kære Søren Ærø Åberg"),
                               ({"name": "Dansk Psykiatrisk Selskab", "email": "dps@example.dk", "role": "organisation"},
                                "Til Dansk Psykiatrisk Selskab")):
        mail = render(kind, _context(kind, recipient))
        read = MailText(kind, subject=mail.subject, text=mail.text, html_text=html_text(mail.html))
        assert check_mail(read) == []
        assert opening in mail.text.splitlines() and opening in read.html_text.splitlines()
        if kind != "digest":  # every proposal mail opens with the proposal in two lines
            assert mail.text.splitlines()[:2] == ["Forslag om ny DMPG: Angst og OCD (sag DMPG-2026-001)",
                                                  "Diagnoseområde (ICD-10: F40, F41, F42) · ca. 24.000 patienter pr. år"]
            assert read.html_text.splitlines()[0] == "Forslag om ny DMPG: Angst og OCD (sag DMPG-2026-001)"
        you = "I" if recipient["role"] == "organisation" else "du"  # one address per mail: an organisation is "I"
        assert f"Svarer {you} på den, går svaret til DMPG-sekretariatet." in mail.text


def test_requests_state_their_deadline_and_meeting_and_news_does_not():
    src = sample_sources()
    src.meeting_dates = {("steering", 2): date(2027, 1, 21)}
    hearing = mail_facts(src, "hearing", 1, "advice")
    assert hearing["deadline"] == date(2027, 3, 8)  # no stage recorded in the sample: 21 days from its today
    memo = mail_facts(src, "steering_memo", 2, "steering")
    assert memo["deadline"] is None
    assert mail_facts(src, "decision", 2, "steering") == {"summary": memo["summary"], "deadline": None,
                                                         "answers_by": None, "previous": None}
    meeting = {"id": "styregruppen-2027-01-21", "body": "steering_group", "title": "DMPG-styregruppens møde",
               "date": date(2027, 1, 21)}
    text = render("steering_memo", _context("steering_memo", {"name": "Anne Holm", "email": "a@x.dk"}) | memo
                  | {"meeting": meeting}).text
    assert "Møde: DMPG-styregruppens møde torsdag den 21. januar 2027" in text
    request = render("hearing", _context("hearing", {"name": "Anne Holm", "email": "a@x.dk"}) | hearing).text
    assert "Svarfrist: 8. marts 2027" in request


def test_a_steering_round_after_a_deferral_says_so_and_round_one_does_not():
    person = {"name": "Anne Holm", "email": "a@x.dk", "role": "steering_group"}
    second = render("steering_memo", _context("steering_memo", person, round=2) | {"round": 2})
    assert second.subject.endswith("styregruppens beslutning ønskes (runde 2)")
    assert ("Sagen er genoptaget: På mødet 3. december 2026 blev indstillingen udsat til et senere møde. "
            "Begrundelse: Afventer RKKP's tidsplan for den nye database.") in second.text
    first = render("steering_memo", _context("steering_memo", person))
    assert "genoptaget" not in first.text and "runde" not in first.subject


def test_a_revised_form_is_thanked_for_as_revised_and_says_where_it_goes():
    person = {"name": "Anne Holm", "email": "a@x.dk", "role": "proposer"}
    after_hearing = render("receipt", _context("receipt", person) | {"round": 3, "heard": True})
    assert "Tak for den reviderede indstilling (version 3)" in after_hearing.text
    assert "forelægges nu DMPG-styregruppen igen" in after_hearing.text
    assert after_hearing.subject.endswith("den reviderede indstilling er modtaget")
    before = render("receipt", _context("receipt", person) | {"round": 2})
    assert "sendes nu i høring hos følgegruppen" in before.text


@pytest.fixture
def flawed_findings(examples):
    from forms.loading import load_form
    from forms.premises import check_premises

    return [f.to_dict() for f in check_premises(load_form(examples / "personlighedsforstyrrelser.yaml"), [])]


def test_premise_findings_read_as_words(flawed_findings):
    person = {"name": "Anne Holm", "email": "a@x.dk", "role": "proposer"}
    mail = render("revision_request", _context("revision_request", person) | {"findings": flawed_findings})
    read = MailText("revision", subject=mail.subject, text=mail.text, html_text=html_text(mail.html))
    assert check_mail(read) == []
    assert "mangler pladser til: Børne- og Ungdomspsykiatrisk Selskab (BUP)" in mail.text
    assert "pårørenderepræsentanter og hospitalsledelse." in mail.text
    assert "topic." not in mail.text and "composition." not in mail.text


# --- on the wire ----------------------------------------------------------------------------------------


def test_thread_root_and_outlook_index_follow_from_the_proposal():
    from dmpg.adapters.delivery import thread_headers, thread_index, thread_root

    assert thread_root("DMPG-2026-001") == "<dmpg-2026-001.dmpg@example.dk>"  # DMPG_MAIL_FROM's domain
    raw = base64.b64decode(thread_index("DMPG-2026-001"))
    assert len(raw) == 22 and raw[0] == 1 and raw[6:] == uuid.uuid5(uuid.NAMESPACE_URL, "dmpg:DMPG-2026-001").bytes
    filetime = int.from_bytes(raw[1:6], "big") << 24
    assert datetime(1601, 1, 1, tzinfo=timezone.utc).timestamp() + filetime / 1e7 == \
        pytest.approx(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp(), abs=2)
    assert thread_index("DMPG-2026-002") != thread_index("DMPG-2026-001")
    assert thread_headers(None) == {}
    assert thread_headers("DMPG-2026-001")["In-Reply-To"] == thread_headers("DMPG-2026-001")["References"]


def test_delivered_mails_answer_to_the_secretariat_and_thread_even_when_retried(smtp_port, proposal, form, roster, dmpg_home):
    """Sent once while the server is down and again when it is up: one thread, the same headers."""
    from support.proofread import read_eml
    from dmpg.adapters.delivery import thread_headers
    from dmpg.adapters.sink import MailSink
    from dmpg.mail.outbox import deliver_pending, enqueue
    from dmpg.mail.recipients import recipients_for

    people = recipients_for("hearing", form=form, roster=roster)
    enqueue(proposal, "hearing", 1, people, {"title": form.title, **CONTEXTS["hearing"]})
    enqueue(proposal, "receipt", 1, recipients_for("receipt", form=form, roster=roster),
            {"title": form.title, **CONTEXTS["receipt"]})
    assert deliver_pending().retrying  # nobody listens yet
    with MailSink("127.0.0.1", smtp_port, dmpg_home / "mail") as sink:
        report = deliver_pending(ignore_backoff=True)
        assert report.failed == [] and report.retrying == []
        mails = [read_eml(p.read_bytes(), p.name) for p in sink.messages()]
    expected = thread_headers(proposal)
    assert len(mails) == len(people) + 3  # the hearing to the reference group; the receipt to 2 proposers + secretariat
    for m in mails:
        assert {k: m.headers[k] for k in expected} == expected
        # Answers go to the secretariat on the roster in force (the project's roster.yaml here);
        # the secretariat's own copy needs none.
        if m.headers["Delivered-To"] != "sekretariat@example.dk":
            assert m.headers["Reply-To"] == "sekretariat@example.dk"
