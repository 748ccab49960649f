"""Helpers for the meeting tests: proposals brought to the steering gate, minutes files, the ledger's counts."""

from __future__ import annotations

import collections
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from support.lifecycle import STEERING, example_form

SECRETARIAT = "sekretariat@example.dk"
TOPICS = ("Retspsykiatri", "Hurtig opstart i BUP", "Prædiagnostisk indsats", "PTSD", "Tvangslidelser",
          "Selvskade", "Psykose hos unge", "Demens og psykiatri", "Autisme", "Søvn og psykiatri")


def at_steering(driver, titles) -> list[str]:
    """Proposals (the Angst og OCD example under other titles) through the hearing, waiting at steering."""
    proposals = [driver.propose(example_form() | {"title": t}) for t in titles]
    for p in proposals:
        driver.hearing(p)
    for p in proposals:
        driver.wait_for_gate(p, "steering")
    return proposals


def soon(days: int) -> date:
    """A meeting date ``days`` from today (the pack of a meeting within a week goes out at once)."""
    return date.today() + timedelta(days=days)


def minutes_file(tmp: Path, decisions: list[dict[str, Any]], name: str = "referat.yaml", **top: Any) -> Path:
    path = tmp / name
    path.write_text(yaml.safe_dump({**top, "decisions": decisions}, allow_unicode=True), encoding="utf-8")
    return path


def cli_json(driver, *argv: str) -> Any:
    code, out, err = driver.cli(*argv, "--json")
    assert code == 0, err
    return json.loads(out)


def counts(proposals: list[str], meeting_ids: list[str]) -> dict[str, Any]:
    """Everything that must exist once: decisions per round, decision events, proposal documents,
    meeting documents, outbox rows (all keys)."""
    from dmpg.mail.outbox import list_notifications
    from models import ledger

    decisions = collections.Counter((d.proposal_id, d.gate, d.round) for p in proposals for d in ledger.decisions(p))
    events = collections.Counter(e.key for p in proposals for e in ledger.events(p) if e.kind == "decision_recorded")
    docs = collections.Counter((d.proposal_id, d.kind, d.round, d.recipient)
                               for p in proposals for d in ledger.documents(p, latest_only=False))
    meeting_docs = collections.Counter((d.meeting_id, d.kind) for m in meeting_ids for d in ledger.meeting_documents(m))
    mails = collections.Counter(n.key for n in list_notifications())
    return {"decisions": decisions, "events": events, "docs": docs, "meeting_docs": meeting_docs, "mails": mails}


def assert_once(c: dict[str, Any]) -> None:
    for what, counter in c.items():
        twice = {k: n for k, n in counter.items() if n > 1}
        assert not twice, f"{what} written more than once: {twice}"


def steering_member() -> str:
    return STEERING
