"""A deliverer killed (SIGKILL) in the middle of sending a step's mails, then the step replayed, as a
resumed flow run does, and delivery taken up again: every recipient still gets exactly one message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import datetime, timedelta, timezone

from dmpg.mail.outbox import deliver_pending, enqueue, list_notifications
from tests.mail.conftest import PROJECT, read_eml

PEOPLE = [{"name": f"Medlem {i} Ærøskøbing", "email": f"medlem{i}@example.dk", "role": "member"} for i in range(12)]
CONTEXT = {"title": "Angst og OCD", "url": "http://127.0.0.1:4200/runs/flow-run/x"}

# The child delivers the step's mails; on its 6th send it is killed before it reaches the server (rows
# 1-5 sent, row 6 claimed, rows 7-12 still pending) - a real SIGKILL, no clean-up code runs.
CHILD = textwrap.dedent(
    """
    import os, signal, sys
    from dmpg.mail import outbox
    calls = 0
    real_send = outbox._send
    def dying_send(row):
        global calls
        calls += 1
        if calls == 6:
            os.kill(os.getpid(), signal.SIGKILL)
        return real_send(row)
    outbox._send = dying_send
    outbox.deliver_pending()
    """
)


def test_killed_mid_step_then_replayed_sends_each_mail_exactly_once(sink, proposal):
    enqueue(proposal, "hearing", 1, PEOPLE, CONTEXT | {"gate": "advice"})  # the step
    code = CHILD.format()
    child = subprocess.run([sys.executable, "-c", code, proposal], cwd=PROJECT, env=os.environ.copy(),
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert len(sink.messages()) == 5
    statuses = [n.status for n in list_notifications()]
    assert statuses.count("sent") == 5 and statuses.count("sending") == 1 and statuses.count("pending") == 6

    enqueue(proposal, "hearing", 1, PEOPLE, CONTEXT | {"gate": "advice"})  # the resumed run replays the step
    lease_over = datetime.now(timezone.utc) + timedelta(minutes=10)
    deliver_pending(now=lease_over)  # the next scheduled delivery after the dead runner's lease

    delivered = sorted(read_eml(p)["Delivered-To"] for p in sink.messages())
    assert delivered == sorted(p["email"] for p in PEOPLE)
    assert {n.status for n in list_notifications()} == {"sent"}
