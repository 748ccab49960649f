"""An upgrade with proposals waiting at every gate, as IT does it on the local stack (docs/it.md: *Upgrading the
local stack*): the earlier release (``support.earlier_release.EARLIER``) installed in a folder and venv of
its own runs the stack, and proposals are left waiting at revision, the hearing (advice and RKKP's
database statement), steering, approval and appointments. Before anything is switched, this release's
``dmpg upgrade check`` reads the live ledger and Prefect and says every one can carry on. Then ``dmpg
down``, this release's ``dmpg up`` on the same ``DMPG_HOME``, and every proposal is decided on to
established — no document made twice, no mail sent twice."""

from __future__ import annotations

import collections
import email
from email import policy

import pytest
import yaml
from core.settings import PROJECT_ROOT
from dmpg.services import scripted
from dmpg.services.scripted import recorded_by
from forms.roster import load_roster
from support.earlier_release import Home, Release
from support.lifecycle import fixed_form

pytestmark = [pytest.mark.upgrade]

SCRIPT = scripted.load()  # the decisions: the scripted lifecycle's straight way, each by its body's first member
STEPS = {step.gate: step for step in SCRIPT.straight()}
ROSTER = load_roster(PROJECT_ROOT / "roster.yaml")
ORDER = ["advice", "database", "steering", "approval", "appointments"]
# Where each proposal is left waiting by the earlier release: the gates it is decided through first.
LEFT_AT = {"revision": None, "advice": [], "database": ["advice"], "steering": ["advice", "database"],
           "approval": ["advice", "database", "steering"], "appointments": ["advice", "database", "steering", "approval"]}


def _decide(release: Release, home: Home, tmp_path, proposal: str, gate: str) -> None:
    by = recorded_by(STEPS[gate], ROSTER, "")
    fields = {k: v for k, v in SCRIPT.input(STEPS[gate], by).items() if k != "recorded_by"}
    path = tmp_path / f"{proposal}-{gate}.yaml"
    path.write_text(yaml.safe_dump(fields, allow_unicode=True), encoding="utf-8")
    release.dmpg(home, "decide", proposal, gate, "--input", str(path), "--by", by)


def test_proposals_left_waiting_at_every_gate_by_the_earlier_release_carry_on_after_the_upgrade(tmp_path_factory):
    root = tmp_path_factory.mktemp("upgrade")
    earlier, current, home = Release.earlier(root / "release"), Release.current(), Home.make(root)
    forms = {"revision": root / "flawed.yaml", "other": root / "form.yaml"}
    forms["revision"].write_text((current.root / "examples" / "personlighedsforstyrrelser.yaml").read_text("utf-8"), "utf-8")

    earlier.up(home)
    try:
        proposals: dict[str, str] = {}
        for gate, before in LEFT_AT.items():
            source = current.root / "examples" / "angst-og-ocd.yaml"
            form = yaml.safe_load(source.read_text("utf-8")) | {"title": f"Angst og OCD (venter ved {gate})"}
            if gate == "revision":
                form = yaml.safe_load(forms["revision"].read_text("utf-8"))
            path = root / f"{gate}.yaml"
            path.write_text(yaml.safe_dump(form, allow_unicode=True), "utf-8")
            proposals[gate] = earlier.json(home, "propose", str(path))["proposal"]
            earlier.wait_for(home, proposals[gate], "revision" if gate == "revision" else "advice")
            for step in before or []:
                _decide(earlier, home, root, proposals[gate], step)
                earlier.wait_for(home, proposals[gate], ORDER[ORDER.index(step) + 1])
        # IT's check, by the new release, before anything is switched: every waiting round can carry on.
        check = current.dmpg(home, "upgrade", "check", "--json", check=False)
        assert check.returncode == 0, check.stdout + check.stderr
        rounds = {(r["proposal"], r["gate"]) for r in yaml.safe_load(check.stdout)}
        assert {(proposals[g], g) for g in LEFT_AT} | {(proposals["advice"], "database")} == rounds
        assert all(r["started_under"] == "før 0.2.0" for r in yaml.safe_load(check.stdout))
    finally:
        earlier.down(home)

    current.up(home)  # the same DMPG_HOME: the ledger is migrated, the runs the earlier release suspended wait on
    try:
        current.dmpg(home, "decide", proposals["revision"], "revision", "--input", str(_fixed(root)),
                     "--by", "noegleperson.pf@example.dk")
        for gate, proposal in proposals.items():
            done = set(LEFT_AT[gate] or [])
            for step in ORDER:
                if step in done:
                    continue
                current.wait_for(home, proposal, step)
                _decide(current, home, root, proposal, step)
            status = current.wait_for(home, proposal, None)
            assert status["stage"] == "established", status["stage"]
            assert all(d["version"] == 1 for d in status["documents"]), status["documents"]  # none made twice
            assert len({(n["to"], n["subject"]) for n in status["notifications"]}) == len(status["notifications"])
        assert _mails_sent_twice(home) == []
    finally:
        current.down(home)


def _fixed(root):
    path = root / "revised.yaml"
    path.write_text(yaml.safe_dump(fixed_form(), allow_unicode=True), "utf-8")
    return path


def _mails_sent_twice(home: Home) -> list:
    sent = collections.Counter()
    for path in sorted((home.path / "mail").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        sent[(str(message["To"]), str(message["Subject"]))] += 1
    return [key for key, n in sent.items() if n > 1]
