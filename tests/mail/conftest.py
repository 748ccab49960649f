"""Fixtures for the mail tests: a real SMTP sink on a free port, the example roster, form and proposal."""

from __future__ import annotations

import email
import socket
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_eml(path: Path) -> Message:
    return email.message_from_bytes(path.read_bytes(), policy=default_policy)


@pytest.fixture
def smtp_port(dmpg_home, monkeypatch) -> int:
    """A free port that the settings point the mail transport at (nothing listens yet)."""
    from core.settings import get_settings

    port = free_port()
    monkeypatch.setenv("DMPG_SMTP_PORT", str(port))
    monkeypatch.setenv("DMPG_MAIL_BACKOFF_SECONDS", "60")
    get_settings.cache_clear()
    return port


@pytest.fixture
def sink(smtp_port, dmpg_home):
    """A running MailSink (aiosmtpd, in-process) saving to DMPG_HOME/mail."""
    from dmpg.adapters.sink import MailSink

    with MailSink("127.0.0.1", smtp_port, dmpg_home / "mail") as running:
        yield running


ROSTER = {
    "secretariat": [{"name": "Sekretær Søs Æbelø", "email": "sekretariat@example.dk"}],
    "reference_group": [
        {"name": "Følgegruppen, Danske Regioner", "email": "foelgegruppe.regioner@example.dk"},
        {"name": "Følgegruppen, Sundhedsstyrelsen", "email": "foelgegruppe.sst@example.dk"},
    ],
    "steering_group": [
        {"name": "Lægefaglig direktør, Region Sjælland", "email": "styregruppe.sjaelland@example.dk"},
        {"name": "RKKP", "email": "styregruppe.rkkp@example.dk"},
    ],
    "director_circle": [
        {"name": "Psykiatridirektør, Region Nordjylland", "email": "direktoer.nordjylland@example.dk"},
    ],
    "rkkp": [{"name": "RKKP, databaseenheden", "email": "rkkp.databaser@example.dk"}],
    "organisations": {
        code: {"name": name, "email": f"{code.lower()}@example.dk"}
        for code, name in {
            "DPS": "Dansk Psykiatrisk Selskab", "BUP": "Børne- og Ungdomspsykiatrisk Selskab",
            "FYP": "Foreningen af Yngre Psykiatere", "DSAM": "Dansk Selskab for Almen Medicin",
            "DP": "Dansk Psykologforening", "DASYS": "Dansk Sygepleje Selskab",
            "patients": "Patientrepræsentanter", "relatives": "Pårørenderepræsentanter",
            "hospital_management": "Hospitalsledelser i regionerne",
        }.items()
    },
}


@pytest.fixture
def roster():
    """A small roster (the project's roster.yaml belongs to the demo; tests own their data)."""
    from forms.roster import Roster

    return Roster.model_validate(ROSTER)


@pytest.fixture
def form(examples):
    from forms.loading import load_form

    return load_form(examples / "angst-og-ocd.yaml")


@pytest.fixture
def proposal(dmpg_home, form) -> str:
    """A proposal in a fresh ledger; its id."""
    from models.ledger import create_proposal

    return create_proposal(form, year=2026).id


@pytest.fixture
def docx(tmp_path) -> Path:
    """A real Word document with Danish text and a Danish file name."""
    from docx import Document

    path = tmp_path / "Beslutningsoplæg – styregruppen.docx"
    doc = Document()
    doc.add_paragraph("Beslutningsoplæg: Angst og OCD – særlig vægt på børn og unge")
    doc.save(path)
    return path
