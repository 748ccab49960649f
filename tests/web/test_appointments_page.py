"""The appointments gate asks someone, with a link: when appointments open, the organisations are asked
for their members and the secretariat gets a mail with its own link to a page (no JavaScript) where the
members, the two chairs, the director and the kickoff are recorded, checked against the appointments
rules; reminders cover the gate like every other, on the engine's calendar (no waiting)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

SECRETARIAT = "sekretariat@example.dk"
PEOPLE = [("DPS", "Anne Holm", "midtjylland"), ("BUP", "Bo Ølund", "hovedstaden"), ("FYP", "Cilla Dahl", "syddanmark"),
          ("DSAM", "Dan Krog", "nordjylland"), ("DP", "Eva Friis", "sjaelland"), ("DASYS", "Finn Berg", ""),
          ("patients", "Gry Holm", ""), ("relatives", "Hans Ahl", ""), ("hospital_management", "Ida Fog", "")]


@pytest.fixture
def appointing(dmpg_home, examples, calendar):
    """A proposal the directors approved today: the organisations asked, the appointments gate open."""
    from dmpg.services.gatekeeper import open_gate
    from dmpg.services.steps import check_submission, request_appointments
    from forms.loading import load_form
    from models import ledger
    from models.db import dispose_engines

    form = load_form(examples / "angst-og-ocd.yaml")
    pid = ledger.create_proposal(form).id
    check_submission(pid, form.model_dump(mode="json"), 1)
    ledger.record_decision(pid, "approval", 1, "approve", {"decision": "approve", "rationale": "Ja.",
                           "meeting_date": calendar.today().isoformat(), "recorded_by": SECRETARIAT},
                           SECRETARIAT, channel="cli", identity="secretariat")
    request_appointments(pid)
    open_gate(pid, "appointments", 1, 1, "appointments-r1-a1")
    yield pid
    dispose_engines()


@pytest.fixture
def client():
    from fastapi.testclient import TestClient

    from dmpg.interfaces.web.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1") as c:
        yield c


def _mails(pid: str, kind: str) -> list:
    from dmpg.mail.outbox import list_notifications

    return [n for n in list_notifications(pid) if n.kind == kind]


def _fields(csrf: str, kickoff: date) -> dict[str, str]:
    fields = {"csrf": csrf, "director_name": "Jette Vang", "director_email": "jette.vang@example.dk",
              "kickoff_date": f"{kickoff:%d.%m.%Y}", "kickoff_time": "9.30", "kickoff_place": "Regionshuset Vejle"}
    for n, (code, name, region) in enumerate(PEOPLE, start=1):
        fields |= {f"m{n}_name": name, f"m{n}_email": f"{name.split()[0].lower().replace('ø', 'oe')}@example.dk",
                   f"m{n}_represents": code, f"m{n}_region": region}
    return fields | {"m1_chair": "1", "m2_chair": "1"}


def test_the_secretariat_is_asked_with_a_link_and_records_the_group_on_its_page(appointing, client):
    from models import ledger

    [asked] = _mails(appointing, "appointments_record")
    assert asked.recipient == SECRETARIAT and "registrér udpegningen" in asked.subject
    assert "Dansk Psykiatrisk Selskab: 2 medlemmer" in asked.body_text and "Svarfrist" not in asked.body_text
    assert re.search(r"De er bedt om at svare senest \d+\. \w+ \d{4}\.", asked.body_text)
    assert {n.recipient for n in _mails(appointing, "appointment_request")} >= {"dps@example.dk", "bup@example.dk"}
    from dmpg.state.links import fill_links

    sent = fill_links(asked.body_text, asked.recipient)  # as the deliverer sends it (the row keeps no token)
    link = "/" + re.search(r"https?://[^/]+/(beslut/\S+)", sent).group(1)

    page = client.get(link)
    assert page.status_code == 200
    html = page.text
    assert "Udpegede medlemmer" in html and "Medlem 12" in html and "Formand" in html
    assert 'value="DPS" selected' in html  # the form's seats preselect who appoints each row
    assert "Pårørende" in html or "Pårørenderepræsentanter" in html
    assert "relatives" not in html.split("<select")[0]  # the choices are Danish; the codes are only values
    assert "Basismedlemmer" in html and "præcis to formænd" in html  # the checks, before it is filled in
    assert "<script" not in html
    csrf = re.search(r'name="csrf" value="([^"]+)"', html).group(1)
    kickoff = date.today() + timedelta(days=40)

    # Incomplete: a base category missing and only one chair ticked — refused in Danish, nothing recorded.
    wrong = _fields(csrf, kickoff)
    del wrong["m2_chair"]
    wrong |= {"m9_name": "", "m9_email": ""}
    refused = client.post(link, data=wrong)
    assert refused.status_code == 422 and "Udpegningen er ikke registreret" in refused.text
    assert "Udpegede basismedlemmer:</strong>" in refused.text and "hospitalsledelse" in refused.text
    assert "Formandskabet:</strong>" in refused.text and "én formand, ikke to" in refused.text
    assert 'value="Anne Holm"' in refused.text  # what was typed is kept
    # A date that does not exist, and a bad e-mail, are named by the row and the field.
    bad = client.post(link, data=_fields(csrf, kickoff) | {"kickoff_date": "31.02.2027", "m3_email": "cilla"})
    assert bad.status_code == 422
    assert "Kickoff-møde › Dato:</strong> datoen 31.02.2027 findes ikke" in bad.text
    assert "Medlem 3 › E-mail:</strong> forventede en e-mailadresse" in bad.text
    assert ledger.decision(appointing, "appointments", 1) is None

    done = client.post(link, data=_fields(csrf, kickoff), follow_redirects=False)
    assert done.status_code == 303
    decided = ledger.decision(appointing, "appointments", 1)
    assert decided.channel == "mail-link" and decided.recorded_by == SECRETARIAT
    assert decided.payload["chairs"] == ["anne@example.dk", "bo@example.dk"] and len(decided.payload["members"]) == 9
    assert (decided.payload["kickoff_date"], decided.payload["kickoff_time"], decided.payload["kickoff_place"]) == (
        kickoff.isoformat(), "09:30", "Regionshuset Vejle")
    assert decided.payload["members"][5] == {"name": "Finn Berg", "email": "finn@example.dk", "represents": "DASYS",
                                             "region": None}


def test_reminders_cover_the_appointments_gate_on_the_engines_calendar(appointing, calendar):
    from dmpg.services.reminders import queue_reminders

    assert queue_reminders() == []  # nothing is due on the day the gate opened
    calendar.advance_to(calendar.today() + timedelta(days=15))
    [reminder] = queue_reminders()
    assert reminder.recipient == SECRETARIAT and reminder.kind == "reminder"
    text = " ".join(reminder.body_text.split())
    assert "har ventet på udpegning af medlemmer og formandskab i 15 dage" in text
    assert "Organisationerne er bedt om at udpege deres medlemmer senest" in text and "Svarfrist" not in text
    assert "at udpegningen af medlemmer og formandskab registreres" in text
    assert "Registrér udpegningen" in text and "/beslut/" in text
    assert queue_reminders() == [reminder] or len(queue_reminders()) == 1  # once per interval
