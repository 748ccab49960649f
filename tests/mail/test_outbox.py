"""The outbox against a real SMTP server (aiosmtpd MailSink) and a real SQLite ledger: every mail
arrives once, intact, with its attachments; outages and concurrent deliverers change nothing."""

from __future__ import annotations

import io
import threading
from datetime import datetime, timedelta, timezone

import pytest

from core.errors import UserError
from dmpg.mail import KINDS, MEETING_KINDS
from dmpg.mail.outbox import deliver_pending, enqueue, list_notifications, retry_failed
from dmpg.mail.recipients import Recipient, meeting_recipients, recipients_for
from tests.mail.conftest import read_eml
from tests.mail.samples import CONTEXTS, SUBJECT_ASKS, URL

LATER = datetime.now(timezone.utc) + timedelta(days=1)


def mails_by_recipient(sink) -> dict[str, list]:
    out: dict[str, list] = {}
    for path in sink.messages():
        msg = read_eml(path)
        out.setdefault(msg["Delivered-To"], []).append(msg)
    return out


def parts(msg):
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    files = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
    return text, html, files


def lifecycle_recipients(kind, form, roster):
    if kind in MEETING_KINDS:
        members, secretariat = meeting_recipients(kind, "steering_group", roster)
        return members + secretariat
    if kind == "kickoff":
        return recipients_for(kind, form=form, roster=roster, appointments={
            "members": [{"name": "Anne Holm", "email": "anne@example.dk"},
                        {"name": "Bo Ølund", "email": "bo@example.dk"}],
            "chairs": ["anne@example.dk", "bo@example.dk"],
            "director": {"name": "Dorte Direktør", "email": "dorte@example.dk"}})
    if kind == "reminder":
        return recipients_for(kind, form=form, roster=roster, waiting_on=["styregruppe.rkkp@example.dk"])
    if kind == "escalation":
        return recipients_for(kind, form=form, roster=roster, gate="advice")
    return recipients_for(kind, form=form, roster=roster)


def test_every_kind_arrives_once_per_recipient_intact_with_its_attachment(sink, proposal, form, roster, docx):
    from docx import Document

    expected: dict[str, int] = {}
    for kind in KINDS:
        people = lifecycle_recipients(kind, form, roster)
        pid = None if kind in ("digest", *MEETING_KINDS) else proposal
        enqueue(pid, kind, 1, people, {"title": form.title, **CONTEXTS[kind]}, [docx])
        for person in people:
            expected[person.email] = expected.get(person.email, 0) + 1
    report = deliver_pending()
    assert report.failed == [] and report.retrying == [] and report.still_pending == 0

    got = mails_by_recipient(sink)
    assert {to: len(msgs) for to, msgs in got.items()} == expected
    for to, msgs in got.items():
        for msg in msgs:
            assert msg["To"] == to and "dmpg-sekretariatet@example.dk" in msg["From"]
            assert msg["X-DMPG-Key"].endswith(f":{to}")
            text, html, files = parts(msg)
            opening = next(line for line in text.splitlines() if line.startswith(("Kære ", "Til ")))
            assert opening in html  # the greeting that fits a person or a function, in both parts
            assert URL in text  # the gate's link survives in the plain-text part
            assert list(files) == ["Beslutningsoplaeg-styregruppen.docx"]  # ASCII name
            opened = Document(io.BytesIO(files["Beslutningsoplaeg-styregruppen.docx"]))
            assert opened.paragraphs[0].text == "Beslutningsoplæg: Angst og OCD – særlig vægt på børn og unge"

    steering = next(m for m in got["styregruppe.sjaelland@example.dk"] if "styregruppens beslutning" in m["Subject"])
    assert steering["Subject"] == "[DMPG-2026-001] Angst og OCD: styregruppens beslutning ønskes"
    text, html, _ = parts(steering)
    assert "Til Lægefaglig direktør, Region Sjælland" in text  # a function, not a person
    assert "Følgegruppen støtter indstillingen med ændringer." in text
    assert "<strong>Angst og OCD</strong>" in html
    for kind, msgs in (("decision", got["forslag.angst@example.dk"]),):
        assert any(SUBJECT_ASKS[kind] in m["Subject"] for m in msgs)
    subjects = {m["Subject"] for msgs in got.values() for m in msgs}
    assert all(any(ask in s for s in subjects) for ask in SUBJECT_ASKS.values())
    assert all(n.status == "sent" and n.attempts == 1 and n.sent_at for n in list_notifications())


def test_enqueue_twice_is_one_row_and_one_mail(sink, proposal, form, roster):
    people = recipients_for("hearing", form=form, roster=roster)
    ctx = {"title": form.title, "url": URL}
    first = enqueue(proposal, "hearing", 1, people, ctx)
    deliver_pending()
    again = enqueue(proposal, "hearing", 1, people, ctx)
    deliver_pending()
    assert [n.key for n in first] == [n.key for n in again] == [
        "DMPG-2026-001:hearing:1:foelgegruppe.regioner@example.dk", "DMPG-2026-001:hearing:1:foelgegruppe.sst@example.dk"]
    assert len(list_notifications()) == 2 and len(sink.messages()) == 2


def test_concurrent_enqueues_of_the_same_mail_write_one_row(sink, proposal, form, roster):
    people = recipients_for("steering_memo", form=form, roster=roster)
    barrier = threading.Barrier(4)

    def go():
        barrier.wait()
        enqueue(proposal, "steering_memo", 1, people, {"title": form.title, "url": URL})

    threads = [threading.Thread(target=go) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(list_notifications()) == len(people)


def test_decisions_of_different_gates_in_the_same_round_are_different_mails(sink, proposal, form, roster):
    people = recipients_for("decision", form=form, roster=roster)
    enqueue(proposal, "decision", 1, people, {"title": form.title, "gate": "advice", "outcome": "support"})
    enqueue(proposal, "decision", 1, people, {"title": form.title, "gate": "steering", "outcome": "approve"})
    deliver_pending()
    assert len(sink.messages()) == 2 * len(people)
    assert {n.key.split(":")[1] for n in list_notifications()} == {"decision/advice", "decision/steering"}


def test_outage_keeps_mail_pending_and_delivers_each_exactly_once_when_the_server_returns(
    smtp_port, dmpg_home, proposal, form, roster
):
    from dmpg.adapters.sink import MailSink

    people = recipients_for("receipt", form=form, roster=roster)
    enqueue(proposal, "receipt", 1, people, {"title": form.title})  # the step only queues
    result = deliver_pending()  # the deliverer's round: the server is down, nothing fails
    assert result.sent == [] and len(result.retrying) == 3
    rows = list_notifications()
    assert {n.status for n in rows} == {"pending"} and all(n.attempts == 1 for n in rows)
    assert all("Connection refused" in n.last_error and f"mailto://127.0.0.1:{smtp_port}" in n.last_error for n in rows)
    assert all(n.next_attempt_at > datetime.now(timezone.utc) for n in rows)  # backoff
    assert deliver_pending().sent == []  # nothing is due yet: no hammering of a down server

    sink = MailSink("127.0.0.1", smtp_port, dmpg_home / "mail").start()
    try:
        assert len(deliver_pending(now=LATER).sent) == 3
        assert deliver_pending(now=LATER + timedelta(days=1)).sent == []
        enqueue(proposal, "receipt", 1, people, {"title": form.title})  # a replayed step
        deliver_pending(now=LATER + timedelta(days=2))
        assert sorted(mails_by_recipient(sink)) == sorted(p.email for p in people)
        assert all(len(m) == 1 for m in mails_by_recipient(sink).values())
    finally:
        sink.stop()
    rows = list_notifications()
    assert {n.status for n in rows} == {"sent"} and all(n.attempts == 2 and n.last_error is None for n in rows)


def test_after_max_attempts_a_row_fails_and_retry_sends_it(smtp_port, dmpg_home, monkeypatch, proposal, form, roster):
    from core.settings import get_settings
    from dmpg.adapters.sink import MailSink

    monkeypatch.setenv("DMPG_MAIL_MAX_ATTEMPTS", "2")
    get_settings.cache_clear()
    people = recipients_for("director_memo", form=form, roster=roster)[:1]
    enqueue(proposal, "director_memo", 1, people, {"title": form.title, "url": URL})
    assert deliver_pending().retrying and deliver_pending(now=LATER).failed
    [row] = list_notifications()
    assert (row.status, row.attempts) == ("failed", 2)
    assert deliver_pending(now=LATER + timedelta(days=30)).sent == []  # failed rows wait for a person

    with MailSink("127.0.0.1", smtp_port, dmpg_home / "mail") as sink:
        assert retry_failed() == 1
        assert len(deliver_pending().sent) == 1
        assert len(sink.messages()) == 1
    [row] = list_notifications()
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)


def test_concurrent_deliverers_never_send_a_row_twice(sink, proposal, form, roster):
    people = [Recipient(f"Modtager {i} æøå", f"m{i}@example.dk", "member") for i in range(24)]
    enqueue(proposal, "hearing", 1, people, {"title": form.title, "url": URL})
    barrier = threading.Barrier(4)
    reports = []

    def deliverer():
        barrier.wait()
        reports.append(deliver_pending())

    threads = [threading.Thread(target=deliverer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent = [key for r in reports for key in r.sent]
    assert len(sent) == len(set(sent)) == 24
    assert {to: len(m) for to, m in mails_by_recipient(sink).items()} == {p.email: 1 for p in people}


def test_a_claim_abandoned_by_a_crashed_deliverer_is_taken_over_after_its_lease(sink, proposal, form, roster):
    from core.settings import get_settings
    from dmpg.mail.outbox import _claim

    [row] = enqueue(proposal, "director_memo", 1, recipients_for("director_memo", form=form, roster=roster),
                    {"title": form.title, "url": URL})
    now = datetime.now(timezone.utc)
    assert _claim(row.id, now, False)  # a deliverer took it ... and died before sending
    assert deliver_pending().sent == []  # its lease still runs: nobody else sends it
    lease_over = now + timedelta(seconds=get_settings().mail_lease_seconds + 1)
    assert deliver_pending(now=lease_over).sent == [row.key]
    assert len(sink.messages()) == 1


def test_secretariat_channel_gets_its_own_row_and_a_gone_channel_is_explained(sink, monkeypatch, proposal, form, roster):
    from core.settings import get_settings

    monkeypatch.setenv("DMPG_SECRETARIAT_APPRISE_URLS", '["json://127.0.0.1:9/teams-webhook-token"]')
    get_settings.cache_clear()
    rows = enqueue(proposal, "receipt", 1, recipients_for("receipt", form=form, roster=roster), {"title": form.title})
    channel = [n for n in rows if n.recipient.startswith("channel:")]
    assert len(channel) == 1 and "token" not in channel[0].recipient and channel[0].body_html == ""
    monkeypatch.setenv("DMPG_SECRETARIAT_APPRISE_URLS", "[]")
    get_settings.cache_clear()
    report = deliver_pending()
    assert len(report.sent) == 3 and "no longer in DMPG_SECRETARIAT_APPRISE_URLS" in report.errors[channel[0].key]


def test_a_non_mail_transport_url_is_refused_with_the_setting_named(sink, monkeypatch, proposal, form, roster):
    from core.settings import get_settings

    monkeypatch.setenv("DMPG_APPRISE_URLS", '["msteams://token-a/token-b/token-c"]')
    get_settings.cache_clear()
    enqueue(proposal, "director_memo", 1, recipients_for("director_memo", form=form, roster=roster)[:1],
            {"title": form.title, "url": URL})
    report = deliver_pending()
    [error] = report.errors.values()
    assert "DMPG_APPRISE_URLS[0]" in error and "DMPG_SECRETARIAT_APPRISE_URLS" in error and "token-b" not in error


def test_configured_transports_are_addressed_per_recipient_and_tried_in_order(sink, monkeypatch, smtp_port,
                                                                               proposal, form, roster):
    from core.settings import get_settings

    down = f"mailto://127.0.0.1:9?from=dmpg@example.dk&to=everyone@example.dk&cc=boss@example.dk"
    up = f"mailto://127.0.0.1:{smtp_port}?from=dmpg@example.dk"
    monkeypatch.setenv("DMPG_APPRISE_URLS", f'["{down}", "{up}"]')
    get_settings.cache_clear()
    people = recipients_for("steering_memo", form=form, roster=roster)
    enqueue(proposal, "steering_memo", 1, people, {"title": form.title, "url": URL})
    assert len(deliver_pending().sent) == 2
    got = mails_by_recipient(sink)
    assert sorted(got) == sorted(p.email for p in people)  # no cc fan-out, no 'everyone'
    assert all(m[0]["From"] == "DMPG-sekretariatet <dmpg@example.dk>" for m in got.values())


def test_missing_attachment_or_context_writes_nothing(dmpg_home, proposal, form, roster, tmp_path):
    people = recipients_for("hearing", form=form, roster=roster)
    with pytest.raises(UserError, match="attachment file"):
        enqueue(proposal, "hearing", 1, people, {"title": form.title, "url": URL}, [tmp_path / "nope.docx"])
    with pytest.raises(UserError, match="lacks url"):
        enqueue(proposal, "hearing", 1, people, {"title": form.title})
    assert list_notifications() == []
