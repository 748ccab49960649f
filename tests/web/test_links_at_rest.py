"""No copy of the ledger, and no backup made IT's guide's way (docs/it.md), yields a working decision link: an outbox
row keeps a marker naming its link row, and the deliverer signs the token when it sends the mail (with
the link keys, which no database holds). The mail itself, as the recipient gets it, works.

The SQLite ledger is copied as a file (with its WAL); the PostgreSQL ledger is backed up with
``deploy/backup.sh`` (pg_dump) and read back with pg_restore. Each link found in the copy is opened on
the decision page as anyone holding the copy would: none shows a decision form or a document.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from support.links_at_rest import link_paths, working_links

from tests.ledger.conftest import postgres_ledgers  # noqa: F401 - the fixture, shared with the ledger's tests

PROJECT = Path(__file__).resolve().parents[2]
REFERENCE = "foelgegruppe.regioner@example.dk"


@pytest.fixture
def client():
    from fastapi.testclient import TestClient

    from dmpg.interfaces.web.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1") as c:
        yield c


@pytest.fixture
def sink(dmpg_home, monkeypatch):
    from core.settings import get_settings
    from dmpg.adapters.sink import MailSink
    from dmpg.adapters.stack_net import free_port

    port = free_port()
    monkeypatch.setenv("DMPG_SMTP_PORT", str(port))
    get_settings.cache_clear()
    with MailSink("127.0.0.1", port, dmpg_home / "mail") as running:
        yield running


def ask_everyone(examples) -> list[str]:
    """Proposals whose gates have mailed personal links: one in the hearing (the reference group and
    RKKP asked), one back with its proposers for revision; their mails queued in the outbox."""
    from dmpg.services.gatekeeper import open_gate
    from dmpg.services.steps import check_submission
    from forms.loading import load_form
    from models import ledger

    hearing_form = load_form(examples / "angst-og-ocd.yaml")
    hearing = ledger.create_proposal(hearing_form).id
    check_submission(hearing, hearing_form.model_dump(mode="json"), 1)
    open_gate(hearing, "advice", 1, 1, "advice-r1-a1")
    open_gate(hearing, "database", 1, 1, "database-r1-a1")
    revision_form = load_form(examples / "personlighedsforstyrrelser.yaml")
    revising = ledger.create_proposal(revision_form).id
    check_submission(revising, revision_form.model_dump(mode="json"), 1)
    open_gate(revising, "revision", 1, 1, "revision-r1-a1")
    return [hearing, revising]


def delivered_links(sink) -> list[str]:
    """The decision links in the mails as their recipients got them."""
    import email
    from email import policy

    found = []
    for path in sink.messages():
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        found += link_paths(message.get_body(preferencelist=("plain",)).get_content())
    return found


def test_a_copy_of_the_sqlite_ledger_holds_no_working_link(dmpg_home, examples, sink, client, tmp_path):
    from core.settings import get_settings
    from dmpg.mail.outbox import deliver_pending, list_notifications
    from models.db import dispose_engines

    ask_everyone(examples)

    def copy() -> str:
        ledger = Path(get_settings().ledger_url.removeprefix("sqlite:///"))
        target = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}"
        target.mkdir()
        for part in ledger.parent.glob(ledger.name + "*"):  # ledger.db, its -wal and -shm
            shutil.copy(part, target / part.name)
        return "\n".join(p.read_bytes().decode("latin-1") for p in target.iterdir())

    before = copy()
    assert working_links(before, client) == []
    stored = [n for n in list_notifications() if "/beslut/" in n.body_html]
    assert len(stored) >= 5 and all("DMPG-LINK~" in n.body_html for n in stored)  # the mails ask for decisions
    assert deliver_pending().failed == []
    after = copy()
    assert working_links(after, client) == []

    # What the recipients got works: the deliverer signed each link as it sent the mail.
    got = delivered_links(sink)
    assert len(got) >= 5 and working_links("\n".join(got), client) == got
    dispose_engines()


@pytest.mark.postgres
def test_a_backup_of_the_postgresql_ledger_holds_no_working_link(postgres_ledgers, examples, sink, client, tmp_path):  # noqa: F811
    """``deploy/backup.sh`` as the backup unit runs it (pg_dump of Prefect's database and the ledger)."""
    from dmpg.mail.outbox import deliver_pending

    cluster = postgres_ledgers.cluster
    ledger_db, prefect_db = postgres_ledgers.create(), postgres_ledgers.create()
    postgres_ledgers.use(ledger_db)
    ask_everyone(examples)
    assert deliver_pending().failed == []
    assert len(delivered_links(sink)) >= 5

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("PG")},
           "PATH": f"{cluster.bindir}{os.pathsep}{os.environ['PATH']}",
           "DMPG_DATABASE_URL": ledger_db.sqlalchemy_url,
           "PREFECT_SERVER_DATABASE_CONNECTION_URL": prefect_db.asyncpg_url}
    backups = tmp_path / "backups"
    subprocess.run([str(PROJECT / "deploy" / "backup.sh"), str(backups)], env=env, check=True,
                   capture_output=True, text=True, timeout=300)
    dumps = sorted(backups.glob("*.dump"))
    assert [p.name.split("-")[0] for p in dumps] == ["ledger", "prefect"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in [backups, *dumps])  # backup.sh: umask 077
    text = "\n".join(subprocess.run([str(cluster.bindir / "pg_restore"), "--file=-", str(p)], check=True,
                                    capture_output=True, text=True, timeout=300).stdout for p in dumps)
    assert working_links(text, client) == []
    assert "DMPG-LINK~" in text  # the outbox is in the backup, each link as a marker


def test_a_link_marker_is_signed_only_for_the_person_it_names(dmpg_home, examples):
    """A marker copied into someone else's mail (or the secretariat's copy to a chat channel) becomes
    the decision page's front page, never that person's link."""
    from dmpg.state import links
    from dmpg.state.links import fill_links
    from models import ledger

    hearing = ask_everyone(examples)[0]
    row = next(r for r in _links(hearing) if r.recipient == REFERENCE)
    body = f'<a href="http://127.0.0.1:8030/beslut/DMPG-LINK~{row.id}~">Beslut</a>'
    mine = fill_links(body, REFERENCE.upper())  # addresses compare folded
    token = re.search(r'/beslut/([^"]+)"', mine).group(1)
    assert "DMPG-LINK" not in mine and links.verify(token).row.id == row.id
    assert fill_links(body, "channel:0123456789") == '<a href="http://127.0.0.1:8030/">Beslut</a>'
    assert fill_links(body, "rkkp.databaser@example.dk") == '<a href="http://127.0.0.1:8030/">Beslut</a>'
    assert ledger.get_decision_link(row.id).used_at is None


def _links(proposal: str):
    from sqlmodel import select

    from models.db import session_scope
    from models.tables import DecisionLink

    with session_scope() as session:
        return list(session.exec(select(DecisionLink).where(DecisionLink.proposal_id == proposal)).all())


@pytest.mark.prefect
def test_on_the_local_stack_only_the_mailboxes_hold_working_links(driver, client):
    """Two proposals asking for decisions on the real stack: their ledger (outbox, journal), Prefect's
    database, task results and the logs under DMPG_HOME hold no working decision link; the ledger no
    working link at all. The mails in the sink (the recipients' mailboxes) do."""
    from support.lifecycle import example_form, link_in_mail

    hearing = driver.propose(example_form() | {"title": "Angst hos unge i hvile"})
    revising = driver.propose(example_form("personlighedsforstyrrelser") | {"title": "Personlighed i hvile"})
    for proposal, gate in ((hearing, "advice"), (revising, "revision")):
        driver.wait_for_gate(proposal, gate)
        driver.wait_for_mail(proposal)

    home = driver.stack.home
    ledger_text = "\n".join(p.read_bytes().decode("latin-1") for p in home.glob("ledger.db*"))
    assert working_links(ledger_text, client) == []
    rest = [p for p in home.rglob("*") if p.is_file() and "mail" not in p.relative_to(home).parts
            and p.suffix != ".docx" and not p.name.startswith("ledger.db")]
    assert any(p.name.startswith("prefect.db") for p in rest)
    for path in rest:
        found = working_links(path.read_bytes().decode("latin-1"), client)
        assert [p for p in found if p.startswith("/beslut/")] == [], path

    url = link_in_mail(home / "mail", hearing, REFERENCE, "følgegruppens rådgivning")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert working_links(url, client) == [path]


def test_the_journal_keeps_an_opened_gate_without_its_description(dmpg_home, examples):
    """The open-gate step's journal entry (and Prefect's persisted result) has no description, whose
    document links would lie at rest; a replay makes the description again from the ledger."""
    from dmpg.services.gatekeeper import open_gate
    from tasks.lifecycle import _gate_form, _gate_form_at_rest

    hearing = ask_everyone(examples)[0]
    form = open_gate(hearing, "advice", 1, 2, "advice-r1-a2")
    stored = _gate_form_at_rest(form)
    assert "description" not in stored and "/dokument/" not in str(stored) and stored["recorders"] == form["recorders"]
    again = _gate_form(stored)
    assert again["description"].split("### Dokumenter")[0] == form["description"].split("### Dokumenter")[0]
    assert "/dokument/" in again["description"]
    old = {"description": "journaled before", "recorders": []}  # an entry from before: kept as it was
    assert _gate_form(old) == old
