"""Helpers for driving proposals through the real lifecycle on the session's local stack (real Prefect server,
real runner, real SMTP sink). Decisions go through ``resume_flow_run`` — the call the UI's Resume
button makes — or through the ``dmpg decide`` CLI."""

from __future__ import annotations

import collections
import json
import time
from pathlib import Path
from typing import Any

import yaml

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

SECRETARIAT = "sekretariat@example.dk"
REFERENCE = "foelgegruppe.regioner@example.dk"
STEERING = "styregruppe.midtjylland@example.dk"
DIRECTOR = "direktoer.syddanmark@example.dk"
RKKP = "rkkp.databaser@example.dk"


def example_form(name: str = "angst-og-ocd") -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))


def appointments_input(form: dict[str, Any], recorded_by: str = SECRETARIAT) -> dict[str, Any]:
    regions = ["hovedstaden", "sjaelland", "syddanmark", "midtjylland", "nordjylland"]
    codes = ["DPS", "BUP", "FYP", "DSAM", "DP", "DASYS", "patients", "relatives", "hospital_management"]
    members = [
        {"name": f"Medlem {code} Ærø", "email": f"{code.lower()}.medlem@example.dk", "represents": code,
         "region": regions[i % len(regions)]}
        for i, code in enumerate(codes)
    ]
    return {
        "members": members,
        "chairs": [members[0]["email"], members[1]["email"]],
        "director": {"name": "Direktør Åse Øberg", "email": "direktoer.ny@example.dk"},
        "kickoff_date": "2027-03-01",
        "recorded_by": recorded_by,
    }


class Driver:
    """Propose, wait for gates and answer them; every wait is bounded and says what it waited for."""

    def __init__(self, stack, tmp_path: Path):
        self.stack = stack
        self.tmp_path = tmp_path

    def cli(self, *argv: str) -> tuple[int, str, str]:
        """Run a ``dmpg`` command in-process. Own buffers, not ``capsys``: a logging handler created
        meanwhile (Prefect's, on first import) must not keep a stream that pytest closes later."""
        import contextlib
        import io

        from dmpg.interfaces.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
        return code, out.getvalue(), err.getvalue()

    def propose(self, form: dict[str, Any], *, again: bool = True) -> str:
        """Submit ``form`` as the secretariat does. The session's stack collects proposals from every test, so
        the same example form is submitted many times: ``--again`` unless a test is about exactly that."""
        path = self.tmp_path / f"form-{time.monotonic_ns()}.json"
        path.write_text(json.dumps(form, default=str), encoding="utf-8")
        code, out, err = self.cli("propose", str(path), "--json", *(["--again"] if again else []))
        assert code == 0, err
        return json.loads(out)["proposal"]

    def wait_for_gate(self, proposal: str, gate: str, round: int | None = None, timeout: float = 240):
        """Until the ledger has the gate open *and* Prefect shows the run suspended on its key."""
        from dmpg.adapters.prefect_api import PrefectAPI
        from dmpg.state.gates_open import open_gates

        deadline = time.monotonic() + timeout
        last = None
        with PrefectAPI() as api:
            while time.monotonic() < deadline:
                for g in open_gates(proposal):
                    if g.gate == gate and (round is None or g.round == round):
                        last = api.run_state(g.flow_run_id)
                        # Suspended on its key, and its Resume form stored (Prefect stores it just after)
                        if last.paused and last.pause_key == g.key and (
                                not last.form_key or api.stored_form(g.flow_run_id, last)):
                            return g
                time.sleep(0.2)
        raise AssertionError(f"{proposal} never waited at {gate} r{round} (last Prefect state {last}); "
                             f"stage {self.stage(proposal)}; open {open_gates(proposal)}")

    def resume(self, proposal: str, gate: str, payload: dict[str, Any], round: int | None = None):
        """Answer a gate exactly like the UI's Resume button: the gate's input as its Danish Resume form
        takes it (``forms.resume_form``)."""
        from dmpg.adapters.prefect_api import PrefectAPI, PrefectUnavailable

        g = self.wait_for_gate(proposal, gate, round)
        values = self.form_values(proposal, gate, payload)
        with PrefectAPI() as api:
            for _press in range(3):
                try:
                    outcome = api.resume(g.flow_run_id, values)
                except PrefectUnavailable:
                    # The local stack's SQLite server stood still past the client's 30 s (a burst of
                    # writes): as a person would, look whether the press took (a read waits the server
                    # out), and press again if the run still waits there.
                    state = api.run_state(g.flow_run_id)
                    if not (state.paused and state.pause_key == g.key):
                        return g
                    continue
                assert outcome == "ACCEPT", outcome
                return g
        raise AssertionError(f"the Resume of {proposal} at {gate} never reached the Prefect server")

    @staticmethod
    def form_values(proposal: str, gate: str, payload: dict[str, Any]) -> dict[str, Any]:
        from dmpg.services.gatekeeper import proposers
        from forms.gates import GATES, allowed_recorders
        from forms.resume_form import to_form_values
        from models import ledger

        payload = json.loads(json.dumps(payload, default=str))  # dates as JSON carries them
        people = allowed_recorders(GATES[gate], ledger.roster(), proposers(proposal))
        return to_form_values(GATES[gate], payload, people)

    def hearing(self, proposal: str, **advice: Any) -> None:
        """The reference group advises and RKKP states its plan (through the UI path, advice first)."""
        self.resume(proposal, "advice", decision("advice", REFERENCE, **advice))
        self.resume(proposal, "database", decision("database", RKKP))

    def wait_for_stage(self, proposal: str, stage: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.stage(proposal) == stage:
                return
            time.sleep(0.2)
        raise AssertionError(f"{proposal} never reached {stage}; it is {self.stage(proposal)}")

    def wait_for_final_run(self, proposal: str, timeout: float = 60):
        from dmpg.adapters.prefect_api import PrefectAPI
        from models import ledger

        run_id = ledger.get_proposal(proposal).flow_run_id
        deadline = time.monotonic() + timeout
        with PrefectAPI() as api:
            while time.monotonic() < deadline:
                state = api.run_state(run_id)
                if state.final:
                    return state
                time.sleep(0.2)
        raise AssertionError(f"the flow run of {proposal} did not finish")

    def wait_for_mail(self, proposal: str, timeout: float = 60) -> None:
        """Until the outbox deliverer has sent every mail of the proposal (steps only queue them)."""
        from dmpg.mail.outbox import list_notifications

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            left = [n.key for n in list_notifications(proposal) if n.status != "sent"]
            if not left:
                return
            time.sleep(0.2)
        raise AssertionError(f"mail of {proposal} not delivered: {left}")

    @staticmethod
    def stage(proposal: str) -> str:
        from models import ledger

        return ledger.get_proposal(proposal).stage

    # ---- recovery ------------------------------------------------------------------------------------

    @staticmethod
    def run_state(proposal: str):
        """The Prefect state of the proposal's lifecycle run (``dmpg.adapters.prefect_api.RunState``)."""
        from dmpg.adapters.prefect_api import PrefectAPI
        from models import ledger

        with PrefectAPI() as api:
            return api.run_state(ledger.get_proposal(proposal).flow_run_id)

    def waits_at(self, proposal: str, gate: str):
        """A predicate: the open gate when the proposal waits at ``gate`` (ledger and Prefect agree), else None."""
        def check():
            try:
                return self.wait_for_gate(proposal, gate, timeout=0.5)
            except AssertionError:
                return None
        return check

    def pending_states_until(self, proposal: str, until, timeout: float) -> set[str]:
        """Every ``state`` that ``dmpg pending --json`` shows for ``proposal`` until ``until()`` is true
        (``AssertionError`` when it is not within ``timeout``, a hang guard)."""
        seen: set[str] = set()
        deadline = time.monotonic() + timeout
        while True:
            code, out, _ = self.cli("pending", "--json")
            seen.update(r["state"] for r in json.loads(out) if r["proposal"] == proposal)
            if until():
                return seen
            assert time.monotonic() < deadline, f"{proposal} did not recover; it is {self.stage(proposal)}"
            time.sleep(0.3)

    @staticmethod
    def events(proposal: str, kind: str) -> list:
        from models import ledger

        return [e for e in ledger.events(proposal) if e.kind == kind]

    @staticmethod
    def recovery_mails(proposal: str) -> list:
        from dmpg.mail.outbox import list_notifications

        return [n for n in list_notifications(proposal) if n.kind == "recovery"]

    def interrupt_the_step_after_steering(self, proposal: str, kill, processes) -> None:
        """Approve at the steering gate and call ``kill(flow_run_id)`` in the middle of the step that
        follows: it has begun (the minutes are recorded) and has not ended (the approval gate is not open).
        The step writes the minutes, queues the decision mail, then opens the approval gate.

        ``processes()`` gives the pids that may be running flow runs (a forkserver's children, a worker's
        recorded pid); the one that appears after the resume runs the step, and it is run a few
        milliseconds at a time (``faults.step_until``) so the kill lands between the two writes on any
        machine: ``kill`` finds it frozen there."""
        from models.ledger import quick
        from support import faults

        def minutes_recorded() -> bool:  # a plain reader: the frozen step may hold the ledger's write lock
            return any(d["kind"] == "steering_minutes" for d in quick.proposal_status(proposal)["documents"])

        before = set(processes())
        self.resume(proposal, "steering", decision("steering", STEERING))
        new: set[int] = set()
        assert _wait(lambda: bool(new.update(set(processes()) - before) or new), 120, 0.002), \
            "no process took the resumed run"
        [process] = new
        began = faults.step_until(process, minutes_recorded)
        kill(quick.proposal_status(proposal)["proposal"]["flow_run_id"])
        ended = "approval" in [e.gate for e in self.events(proposal, "gate_opened")]
        assert began, "the step after the decision never began"
        assert not ended, "the step ended before the kill"

    def assert_recovered_once(self, proposal: str, gate: str, hang_guard: float) -> None:
        """The proposal reaches ``gate``, shown as recovering meanwhile; the incident is closed, the
        secretariat had one mail about it, nothing was written twice and every mail went out."""
        assert "recovering" in self.pending_states_until(proposal, self.waits_at(proposal, gate), hang_guard)
        assert _wait(lambda: self.recovered(proposal), 60, 0.2)
        assert_exactly_once(proposal)
        assert len(self.recovery_mails(proposal)) == 1
        self.wait_for_mail(proposal)

    @classmethod
    def recovered(cls, proposal: str) -> bool:
        """The proposal had an incident and it is over (the sweep saw the run wait again)."""
        from dmpg.state.incidents import open_incidents

        return bool(cls.events(proposal, "run_recovered")) and proposal not in open_incidents(proposal)


def decision(kind: str, recorded_by: str, **extra: Any) -> dict[str, Any]:
    if kind == "database":
        return {"database_plan": "planned", "expected_start": "2027-09-01", "recorded_by": recorded_by,
                "statement": "RKKP planlægger en database; indikatorer & mål <udvikles> sammen med gruppen."} | extra
    base = {"meeting_date": meeting_day(), "recorded_by": recorded_by}
    if kind == "advice":
        base |= {"recommendation": "support", "summary": "Følgegruppen støtter; husk pårørende & børn <under 18>."}
    else:
        base |= {"decision": "approve", "rationale": "Emnet er centralt — \"godkendt\" {{ ikke en skabelon }}."}
    return base | extra


def meeting_day() -> str:
    """The day a decision was taken, as a gate takes it: the engine's today (``core.clock``; a meeting
    date after today is refused)."""
    from core import clock

    return clock.today().isoformat()


def fixed_form() -> dict[str, Any]:
    """The flawed example, revised so that it meets the premises: the revised form of the scripted
    lifecycle (``examples/lifecycle/script.yaml``'s revision step), as its file has it."""
    from dmpg.services import scripted

    revision = next(step for step in scripted.load().steps if step.gate == "revision")
    return yaml.safe_load(revision.input.read_text(encoding="utf-8"))


def assert_exactly_once(proposal: str) -> None:
    """No side effect written twice, however often the flow re-ran from the top (a resume, a retried
    task, a run restarted after its runner or worker died)."""
    from dmpg.mail.outbox import list_notifications
    from models import ledger

    docs = collections.Counter((d.kind, d.round, d.recipient) for d in ledger.documents(proposal, latest_only=False))
    assert all(n == 1 for n in docs.values()), docs
    decisions = collections.Counter((d.gate, d.round) for d in ledger.decisions(proposal))
    assert all(n == 1 for n in decisions.values()), decisions
    mails = collections.Counter(n.key for n in list_notifications(proposal))
    assert all(n == 1 for n in mails.values()), mails
    opened = collections.Counter(e.detail.get("key") for e in ledger.events(proposal) if e.kind == "gate_opened")
    assert all(n == 1 for n in opened.values()), opened


def _wait(predicate, timeout: float, interval: float):
    from support.prefect_server import wait_until

    return wait_until(predicate, timeout, interval)


def link_in_mail(mail_dir: Path, proposal: str, to: str, subject_words: str) -> str:
    """The personal link in the mail ``to`` got about ``proposal`` (as the sink stored it)."""
    import email
    import re
    from email import policy

    for path in sorted(mail_dir.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if (message["Subject"] or "").startswith(f"[{proposal}]") and subject_words in message["Subject"] \
                and to in str(message["To"]):
            text = message.get_body(preferencelist=("plain",)).get_content()
            return re.search(r"(https?://\S+/beslut/\S+)", text).group(1)
    raise AssertionError(f"no mail '{subject_words}' to {to} about {proposal}")
