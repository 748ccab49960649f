"""The decision page through its HTTP interface (FastAPI's test client) on a real ledger: what a person
sees behind the link in their mail, what a POST records, and every bad case refused in Danish with
nothing recorded. (The whole path on the real stack, in a phone-sized browser: test_decision_browser.py.)"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone

import pytest

STEERING = "styregruppe.hovedstaden@example.dk"
OTHER = "styregruppe.sjaelland@example.dk"


@pytest.fixture
def waiting(dmpg_home, examples):
    """A proposal waiting at the steering gate (round 1), as the flow leaves it: gate opened, memo and
    mails made, in a fresh ledger with the project's roster."""
    from dmpg.services.gatekeeper import open_gate
    from dmpg.services.steps import check_submission
    from forms.loading import load_form
    from models import ledger
    from models.db import dispose_engines

    form = load_form(examples / "angst-og-ocd.yaml").model_copy(update={"title": "Angst & OCD <script>alert(1)</script>"})
    pid = ledger.create_proposal(form).id
    check_submission(pid, form.model_dump(mode="json"), 1)
    open_gate(pid, "steering", 1, 1, "steering-r1-a1")
    yield pid
    dispose_engines()


@pytest.fixture
def client():
    from fastapi.testclient import TestClient

    from dmpg.interfaces.web.app import create_app

    with TestClient(create_app(), base_url="http://127.0.0.1") as c:
        yield c


def _path(url: str) -> str:
    """The path of an absolute link (the test client talks to the app directly)."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _link(pid: str, who: str = STEERING) -> str:
    from dmpg.state.links import gate_link

    return _path(gate_link(pid, "steering", 1, who))


def _csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def _decision(**fields) -> dict:
    return {"decision": "approve", "meeting_date": "11.03.2026", "rationale": "Stort behov på tværs af sektorer."} | fields


def _refusals(pid: str) -> list:
    from models import ledger

    return [e for e in ledger.events(pid) if e.kind == "link_refused"]


def test_the_page_shows_what_is_decided_and_a_get_records_nothing(waiting, client):
    from models import ledger

    link = _link(waiting)
    for _ in range(2):  # a mail scanner's prefetch, then the person
        page = client.get(link)
        assert page.status_code == 200
    html = page.text
    assert '<html lang="da">' in html and "Styregruppens beslutning" in html
    for label in ("Godkendt", "Afvist", "Sendt tilbage til revision", "Udsat til et senere møde", "Begrundelse",
                  "Mødedato", "Indstillingen i korte træk", "Tjek af grundpræmisser", "Indstilling til DMPG-styregruppen"):
        assert label in html, label
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html  # form text never becomes markup
    assert "file://" not in html
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert page.headers["cache-control"] == "no-store" and page.headers["x-frame-options"] == "DENY"
    assert ledger.decision(waiting, "steering", 1) is None and _refusals(waiting) == []

    document = re.search(r'href="[^"]*(/dokument/[^"]+)"', html).group(1)
    memo = client.get(document)
    assert memo.status_code == 200 and memo.content[:2] == b"PK"
    assert client.get(document[:-3] + "xyz").status_code == 404


def test_a_post_records_the_decision_for_the_links_recipient_once(waiting, client):
    from models import ledger

    link = _link(waiting)
    csrf = _csrf(client.get(link).text)
    answer = client.post(link, data=_decision(csrf=csrf), follow_redirects=False)
    assert answer.status_code == 303
    done = client.get(answer.headers["location"])
    assert "Tak – beslutningen er registreret" in done.text and "Godkendt" in done.text
    assert "Indstillingen går nu videre til psykiatridirektørkredsen." in done.text

    decided = ledger.decision(waiting, "steering", 1)
    assert (decided.recorded_by, decided.channel, decided.identity) == (STEERING, "mail-link", "link")
    assert decided.payload["meeting_date"] == "2026-03-11"
    again = client.post(link, data=_decision(csrf=csrf, decision="reject"))
    assert "Tak – beslutningen er registreret" in again.text  # the same link shows what it recorded
    assert ledger.decision(waiting, "steering", 1).outcome == "approve"
    other = client.get(_link(waiting, OTHER))
    assert other.status_code == 410 and "ikke længere åben" in other.text


def test_a_form_with_errors_names_the_fields_in_danish_and_keeps_the_link(waiting, client):
    from models import ledger

    link = _link(waiting)
    csrf = _csrf(client.get(link).text)
    wrong = client.post(link, data={"csrf": csrf, "decision": "approve", "meeting_date": "", "rationale": " "})
    assert wrong.status_code == 422, wrong.text[wrong.text.find("<main>"):][:1500]
    assert "Beslutningen er ikke registreret" in wrong.text
    assert "Begrundelse:</strong> skal udfyldes" in wrong.text and "Mødedato:</strong> skal udfyldes" in wrong.text
    assert ledger.decision(waiting, "steering", 1) is None
    assert _refusals(waiting)[-1].detail["reason"] == "invalid"
    assert client.post(link, data=_decision(csrf=csrf), follow_redirects=False).status_code == 303


def test_a_meeting_in_the_future_or_a_date_that_does_not_exist_is_refused_in_danish(waiting, client, calendar):
    from datetime import date

    from models import ledger

    calendar.advance_to(date(2027, 3, 1))
    link = _link(waiting)
    csrf = _csrf(client.get(link).text)
    future = client.post(link, data=_decision(csrf=csrf, meeting_date="11.03.2027"))
    assert future.status_code == 422
    assert ("Mødedato:</strong> mødedatoen 11. marts 2027 ligger efter dags dato (1. marts 2027); en beslutning "
            "registreres, når mødet har været holdt") in future.text
    no_such = client.post(link, data=_decision(csrf=csrf, meeting_date="31.02.2027"))
    assert no_such.status_code == 422 and "Mødedato:</strong> datoen 31.02.2027 findes ikke" in no_such.text
    assert ledger.decision(waiting, "steering", 1) is None
    assert client.post(link, data=_decision(csrf=csrf, meeting_date="26.02.2027"),
                       follow_redirects=False).status_code == 303


@pytest.mark.parametrize("case", ["tampered", "no_csrf", "expired", "closed", "foreign_key"])
def test_bad_links_are_refused_in_danish_and_record_nothing(waiting, client, case, monkeypatch):
    from core.settings import get_settings
    from dmpg.services.decisions import record_decision
    from models import ledger

    link = _link(waiting)
    data = _decision(csrf=_csrf(client.get(link).text))
    expect = {"tampered": (404, "Linket er ikke gyldigt"), "no_csrf": (403, "Siden skal åbnes igen"),
              "expired": (410, "Linket er udløbet"), "closed": (410, "ikke længere åben"),
              "foreign_key": (404, "Linket er ikke gyldigt")}[case]
    if case == "tampered":
        link = link[:-4] + ("AAAA" if not link.endswith("AAAA") else "BBBB")
    elif case == "no_csrf":
        data.pop("csrf")
    elif case == "expired":
        from models.db import session_scope
        from models.tables import DecisionLink

        with session_scope() as s:
            for row in s.query(DecisionLink).all():
                row.expires_at = datetime.now(timezone.utc) - timedelta(days=1)
    elif case == "closed":
        record_decision(waiting, "steering", _decision(recorded_by=OTHER, meeting_date="2026-03-11"))
    elif case == "foreign_key":  # signed by another installation's key
        monkeypatch.setenv("DMPG_LINK_KEYS", '["en-anden-regions-noegle"]')
        get_settings.cache_clear()
        link = _link(waiting)
        monkeypatch.delenv("DMPG_LINK_KEYS")
        get_settings.cache_clear()
    answer = client.post(link, data=data)
    assert (answer.status_code, expect[1] in answer.text) == (expect[0], True), answer.text
    assert "Intet er registreret." in answer.text or "Siden skal åbnes igen" in answer.text
    decided = ledger.decision(waiting, "steering", 1)
    assert decided is None or decided.recorded_by == OTHER


def test_rotated_keys_keep_links_in_flight_working(waiting, client, monkeypatch):
    from core.settings import get_settings

    monkeypatch.setenv("DMPG_LINK_KEYS", '["gammel-noegle"]')
    get_settings.cache_clear()
    old = _link(waiting)
    monkeypatch.setenv("DMPG_LINK_KEYS", '["ny-noegle", "gammel-noegle"]')  # the first signs, all verify
    get_settings.cache_clear()
    assert client.get(old).status_code == 200
    monkeypatch.setenv("DMPG_LINK_KEYS", '["ny-noegle"]')  # the old key retired
    get_settings.cache_clear()
    assert client.get(old).status_code == 404


def test_two_posts_at_once_record_one_decision(waiting):
    from fastapi.testclient import TestClient

    from dmpg.interfaces.web.app import create_app
    from models import ledger

    link = _link(waiting)
    clients = [TestClient(create_app(), base_url="http://127.0.0.1") for _ in range(2)]
    forms = [_decision(csrf=_csrf(c.get(link).text), decision=d) for c, d in zip(clients, ("approve", "defer"))]
    barrier, statuses = threading.Barrier(2), []

    def post(c, data):
        barrier.wait()
        statuses.append(c.post(link, data=data, follow_redirects=False).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, forms)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Each is shown the outcome: redirected to it, or (the link found used while the other recorded) shown it.
    assert len(statuses) == 2 and set(statuses) <= {200, 303}
    assert len([d for d in ledger.decisions(waiting) if d.gate == "steering"]) == 1
    assert sum(e.kind == "decision_recorded" for e in ledger.events(waiting)) == 1


@pytest.fixture
def revising(dmpg_home, examples):
    """A proposal whose form misses basic premises, waiting at the revision gate for its proposers."""
    from dmpg.services.gatekeeper import open_gate
    from dmpg.services.steps import check_submission
    from forms.loading import load_form
    from models import ledger
    from models.db import dispose_engines

    form = load_form(examples / "personlighedsforstyrrelser.yaml")
    pid = ledger.create_proposal(form).id
    assert not check_submission(pid, form.model_dump(mode="json"), 1)
    open_gate(pid, "revision", 1, 1, "revision-r1-a1")
    yield pid
    dispose_engines()


def _revision_link(pid: str) -> str:
    from dmpg.state.links import gate_link

    return _path(gate_link(pid, "revision", 1, "noegleperson.pf@example.dk"))


def _upload(client, link: str, name: str, content: bytes):
    csrf = _csrf(client.get(link).text)
    return client.post(link, data={"csrf": csrf}, files={"fil": (name, content)}, follow_redirects=False)


def test_the_revised_word_form_is_uploaded_and_recorded(revising, client, tmp_path, examples):
    from dmpg.documents.wordform import write_filled_form
    from forms.loading import load_form
    from models import ledger

    link = _revision_link(revising)
    page = client.get(link).text
    assert 'enctype="multipart/form-data"' in page and 'accept=".docx"' in page
    assert "Revideret indstillingsskema" in page and "Blokerende" in page  # what must be fixed

    fixed = load_form(examples / "personlighedsforstyrrelser-revideret.yaml")
    path = write_filled_form(fixed, tmp_path / "revideret.docx")
    answer = _upload(client, link, "revideret indstillingsskema.docx", path.read_bytes())
    assert answer.status_code == 303
    decided = ledger.decision(revising, "revision", 1)
    assert decided.channel == "mail-link" and decided.recorded_by == "noegleperson.pf@example.dk"
    assert decided.payload["topic"]["target_group"]["primary_sector"] is True


@pytest.mark.parametrize("case", ["errors", "not_word", "too_large", "zip_bomb"])
def test_a_bad_upload_is_refused_in_danish_and_the_link_still_works(revising, client, tmp_path, examples, case):
    import io
    import zipfile

    from docx import Document

    from dmpg.documents.wordform import write_filled_form
    from forms.loading import load_form
    from models import ledger

    link = _revision_link(revising)
    if case == "errors":
        path = write_filled_form(load_form(examples / "angst-og-ocd.yaml"), tmp_path / "f.docx")
        doc = Document(str(path))
        table = next(t for t in doc.tables if t.rows[0].cells[0].paragraphs[0].text == "Repræsenterer")
        table.rows[2].cells[1].paragraphs[0].text = "to"
        doc.save(str(path))
        content, name, status, says = path.read_bytes(), "f.docx", 422, "Antal pladser"
    elif case == "not_word":
        content, name, status, says = b"title: x\n", "skema.txt", 422, "forventede en fil af typen .docx"
    elif case == "too_large":
        content, name, status, says = b"0" * 11_000_000, "stor.docx", 413, "For stor fil"
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("word/document.xml", b"<a/>" + b" " * 200_000_000)
        content, name, status, says = buffer.getvalue(), "bombe.docx", 422, "Skemaet er ikke modtaget"
    answer = _upload(client, link, name, content)
    assert answer.status_code == status and says in answer.text, answer.text[-2500:]
    assert ledger.decision(revising, "revision", 1) is None
    assert client.get(link).status_code == 200  # nothing used up: the proposers can try again


def test_a_dead_link_opened_again_and_again_is_audited_once_and_only_its_own_spelling_is_a_link(waiting, client):
    link = _link(waiting)
    client.post(link, data=_decision(csrf=_csrf(client.get(link).text)), follow_redirects=False)
    for _ in range(3):  # a scanner and a person reloading the used link
        assert client.get(link).status_code == 200  # the page that says what was recorded
    other = _link(waiting, OTHER)  # a member whose gate round is decided: the link is closed
    for _ in range(3):
        assert client.get(other).status_code == 410
    assert [(e.detail["reason"], e.by) for e in _refusals(waiting)] == [("closed", OTHER)]
    assert client.get(link + "==").status_code == 404  # padding makes it another spelling, not the link


def test_a_link_used_by_an_older_release_that_recorded_nothing_is_the_persons_again(waiting, client):
    """Before link use and decision were one act, a process stopped between the two left a used link and no
    decision: the gate still waits, so the person must not be told it was decided, nor hold a dead link."""
    from models import ledger

    link = _link(waiting)
    row = ledger.get_decision_link(_row_id(waiting))
    assert ledger.use_decision_link(row.id)
    page = client.get(link)
    assert page.status_code == 200 and "allerede brugt" not in page.text and 'name="csrf"' in page.text
    answer = client.post(link, data=_decision(csrf=_csrf(page.text)), follow_redirects=False)
    assert answer.status_code == 303
    assert ledger.decision(waiting, "steering", 1).detail["link"] == row.id


def _row_id(pid: str, who: str = STEERING) -> str:
    from sqlmodel import select

    from models.db import session_scope
    from models.tables import DecisionLink

    with session_scope() as s:
        return s.exec(select(DecisionLink.id).where(DecisionLink.proposal_id == pid,
                                                   DecisionLink.recipient == who)).one()


def test_the_page_process_killed_between_using_the_link_and_recording_leaves_both_undone(waiting, client, tmp_path):
    """The decision page's process dies in the middle of recording (after the link's use was written, before the
    decision was): one transaction, so neither is in the ledger; the person opens the link again and decides."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from dmpg.adapters.stack_net import free_port, tcp_answers
    from models import ledger

    port = free_port()
    # The page as `dmpg up` serves it, with a kill point where the decision row is written.
    code = ("import os, signal, models.ledger.gate_decisions as L\n"
            "real = L.insert_once\n"
            "def insert_once(session, row):\n"
            "    if type(row).__name__ == 'Decision':\n"
            "        session.flush()  # the link's use is written in this transaction\n"
            "        os.kill(os.getpid(), signal.SIGKILL)\n"
            "    return real(session, row)\n"
            "L.insert_once = insert_once\n"
            "import runpy; runpy.run_module('dmpg.interfaces.web', run_name='__main__')\n")
    env = {**os.environ, "DMPG_WEB_PORT": str(port), "DMPG_PUBLIC_URL": f"http://127.0.0.1:{port}"}
    page = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not tcp_answers(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port}{_link(waiting)}"
        with httpx.Client() as browser:
            form = browser.get(url)
            with pytest.raises(httpx.HTTPError):  # the process dies under the request
                browser.post(url, data=_decision(csrf=_csrf(form.text)))
        assert page.wait(timeout=30) == -9
    finally:
        page.kill()
    assert ledger.decision(waiting, "steering", 1) is None
    assert ledger.get_decision_link(_row_id(waiting)).used_at is None
    link = _link(waiting)
    again = client.get(link)
    assert again.status_code == 200 and "registreret" not in again.text.lower()
    assert client.post(link, data=_decision(csrf=_csrf(again.text)), follow_redirects=False).status_code == 303
    assert "registreret" in client.get(link).text.lower()
