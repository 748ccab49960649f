"""The secretariat's quick looks answer in a blink: `dmpg pending` and `dmpg status` read the ledger with
the database's own driver and never import SQLAlchemy or Prefect (speed targets live in bench/)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "sqlmodel", "prefect", "docx", "apprise", "fastapi")


def _run(*argv: str) -> tuple[int, str, list[str]]:
    code = ("import sys; from dmpg.interfaces.cli import main; rc = main(sys.argv[1:]); "
            f"print('HEAVY', [m for m in {HEAVY!r} if m in sys.modules]); sys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=60)
    *out, heavy = result.stdout.splitlines()
    return result.returncode, "\n".join(out), eval(heavy.split(" ", 1)[1])  # noqa: S307 - our own list literal


def test_pending_and_status_stay_off_the_heavy_imports(dmpg_home, examples):
    from forms.loading import load_form
    from models import ledger
    from models.db import dispose_engines

    pid = ledger.create_proposal(load_form(examples / "angst-og-ocd.yaml")).id
    ledger.record_event(pid, key=f"{pid}:gate_opened:advice-r1-a1", kind="gate_opened", gate="advice", round=1,
                        detail={"key": "advice-r1-a1", "waiting_on": ["foelgegruppe.regioner@example.dk"]})
    dispose_engines()

    code, out, heavy = _run("pending")
    assert code == 0 and heavy == [] and pid in out and "følgegruppens rådgivning" in out and "AFVENTER" in out
    code, out, heavy = _run("status", pid)
    assert code == 0 and heavy == [] and "Stadie: Indsendt" in out and "Afventer beslutning" in out
    code, out, _ = _run("status", pid, "--json")
    status = json.loads(out)
    assert status["proposal"] == pid and {"at", "kind", "gate", "by", "channel"} <= set(status["events"][0])
    code, out, _ = _run("status", "DMPG-2099-999")
    assert code == 2
