"""The mail sink as `dmpg up` runs it, and `dmpg outbox` as the secretariat uses it."""

from __future__ import annotations

import json
import os
import signal
import smtplib
import subprocess
import sys
from email.message import EmailMessage

from dmpg.interfaces.cli import main
from dmpg.mail.outbox import enqueue, list_notifications
from dmpg.mail.recipients import recipients_for
from tests.mail.conftest import PROJECT, read_eml
from tests.mail.samples import URL


def test_sink_process_prints_one_ready_line_stores_each_recipient_and_stops_on_sigterm(smtp_port, dmpg_home):
    proc = subprocess.Popen([sys.executable, "-m", "dmpg.adapters.sink"], cwd=PROJECT, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert f"listening on 127.0.0.1:{smtp_port}" in line and str(dmpg_home / "mail") in line
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = "a@example.dk", "b@example.dk, c@example.dk", "Hej fra Ærø"
        msg.set_content("Søde hilsner")
        with smtplib.SMTP("127.0.0.1", smtp_port) as smtp:
            smtp.send_message(msg)
        files = sorted((dmpg_home / "mail").glob("*.eml"))
        assert [read_eml(f)["Delivered-To"] for f in files] == ["b@example.dk", "c@example.dk"]
        assert files[0].name.endswith("-0001-b@example.dk.eml")
        assert read_eml(files[1])["Subject"] == "Hej fra Ærø"
        assert read_eml(files[1]).get_content().strip() == "Søde hilsner"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0


def test_sink_on_a_taken_port_says_so(smtp_port, dmpg_home):
    from dmpg.adapters.sink import MailSink

    with MailSink("127.0.0.1", smtp_port, dmpg_home / "mail"):
        done = subprocess.run([sys.executable, "-m", "dmpg.adapters.sink"], cwd=PROJECT, env=os.environ.copy(),
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{smtp_port}" in done.stderr and "Traceback" not in done.stderr


def test_outbox_lists_and_retry_sends_what_waited(smtp_port, dmpg_home, proposal, form, roster, capsys):
    from dmpg.adapters.sink import MailSink
    from dmpg.mail.outbox import deliver_pending

    assert main(["outbox"]) == 0
    assert "Udbakken er tom" in capsys.readouterr().out

    enqueue(proposal, "steering_memo", 1, recipients_for("steering_memo", form=form, roster=roster),
            {"title": form.title, "url": URL})
    deliver_pending()  # the server is down
    assert main(["outbox", "retry"]) == 1
    out = capsys.readouterr().out
    assert "0 sendt" in out and "Connection refused" in out and "stadig ikke leveret" in out

    assert main(["outbox", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["to"], r["status"], r["attempts"]) for r in rows] == [
        ("styregruppe.sjaelland@example.dk", "pending", 2), ("styregruppe.rkkp@example.dk", "pending", 2)]
    assert rows[0]["subject"] == "[DMPG-2026-001] Angst og OCD: styregruppens beslutning ønskes"
    assert "Connection refused" in rows[0]["last_error"]

    assert main(["outbox"]) == 0
    table = capsys.readouterr().out
    assert "2 venter." in table and "dmpg outbox retry" in table

    with MailSink("127.0.0.1", smtp_port, dmpg_home / "mail") as sink:
        assert main(["outbox", "--json", "retry"]) == 0
        report = json.loads(capsys.readouterr().out)
        assert len(report["sent"]) == 2 and report["still_pending"] == 0
        assert len(sink.messages()) == 2
        assert main(["outbox", "retry"]) == 0  # nothing left: sends nothing again
        assert len(sink.messages()) == 2
    assert {n.status for n in list_notifications()} == {"sent"}
