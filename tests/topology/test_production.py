"""The production topology of deploy/, installed and run as IT's guide (docs/it.md) tells IT: a locked Prefect server
on PostgreSQL, the ledger on PostgreSQL, two workers of the dmpg-process work pool (Prefect's process worker, warm-started) running the deployments of
prefect.yaml, the outbox deliverer, the recovery sweep, shared storage for documents and results, and an
SMTP server. Each unit's own command line and environment files; the guide's procedures step by step.

On it: a whole lifecycle, each resume landing on either worker; a worker killed (its whole cgroup, as
systemd does) while it starts a run and in the middle of a step, with the other worker taking over; the
Prefect server restarted during a wait; a mail outage; the upgrade and the backup-and-restore procedures.
Waits are hang guards; `make bench` measures how long things take.
"""

from __future__ import annotations

import os
import re
import subprocess
import time

import httpx
import pytest
import yaml
from support import faults
from support.lifecycle import (
    DIRECTOR,
    REFERENCE,
    RKKP,
    SECRETARIAT,
    STEERING,
    Driver,
    appointments_input,
    assert_exactly_once,
    decision,
    example_form,
    link_in_mail,
)
from support.prefect_server import wait_until
from support.topology import PROJECT_ROOT, install

pytestmark = [pytest.mark.topology, pytest.mark.postgres]

HANG_GUARD = 300
WORKER = "dmpg-worker@.service"


@pytest.fixture(scope="module")
def production(postgres, tmp_path_factory):
    # DMPG_MAIL_BACKOFF_SECONDS is a documented setting the operator may add: mail retries after 2 s
    # (doubling) instead of 60, so the outage below is short.
    topology = install(postgres, tmp_path_factory.mktemp("production"), extra_site={"DMPG_MAIL_BACKOFF_SECONDS": "2"})
    try:
        yield topology
    finally:
        topology.stop_all()


@pytest.fixture
def driver(production, tmp_path, monkeypatch):
    """The `dmpg` command and the checks of the lifecycle tests, as on a host with site.env loaded."""
    from core.settings import get_settings

    for key in [k for k in os.environ if k.startswith(("PREFECT_", "DMPG_"))]:
        monkeypatch.delenv(key)
    for key, value in production.client_env().items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield Driver(production, tmp_path)
    get_settings.cache_clear()


def _taken(production, flow_run_id: str) -> dict[str, int]:
    """How often each worker took the run: its log's submissions less those the server aborted (both workers
    poll the pool, and the one that loses the race to the run's Pending state logs the attempt and its abort)."""
    def taken(log: str) -> int:
        return log.count(f"submitting flow run '{flow_run_id}'") - log.count(f"Aborted submission of flow run '{flow_run_id}'")

    return {i: taken(production.log(WORKER, i)) for i in ("1", "2")}


def _decide(driver, proposal: str, gate: str, by: str, **extra) -> str:
    path = driver.tmp_path / f"{gate}.yaml"
    path.write_text(yaml.safe_dump(decision(gate, by, **extra)), encoding="utf-8")
    code, out, err = driver.cli("decide", proposal, gate, "--input", str(path), "--by", by)
    assert code == 0, err
    return out


def test_the_deployments_are_prefect_yamls_on_the_work_pool_with_two_workers(production, driver):
    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        for name in ("dmpg-proposal/dmpg-proposal", "dmpg-reminders/dmpg-reminders"):
            deployment = api.deployment(name)
            assert deployment["work_pool_name"] == "dmpg-process" and deployment["pull_steps"] == []
            assert ":" not in deployment["entrypoint"]  # a module path: the code installed on the worker
        workers = api._request("POST", "/work_pools/dmpg-process/workers/filter", json={})
        pool = api._request("GET", "/work_pools/dmpg-process")
    assert sorted(w["status"] for w in workers) == ["ONLINE", "ONLINE"]
    assert pool["type"] == "dmpg-process"  # the warm-start worker type of flows/worker.py
    assert all("warm start on" in production.log(WORKER, i) for i in ("1", "2"))


def test_a_whole_lifecycle_on_two_workers(production, driver):
    from models import ledger

    form = example_form("angst-og-ocd")
    proposal = driver.propose(form)
    # The reference group advises from the link in its mail, on the decision page's own unit behind
    # DMPG_PUBLIC_URL: a worker signed the link, the page verifies it with the site's DMPG_LINK_KEYS.
    driver.wait_for_gate(proposal, "advice", timeout=HANG_GUARD)
    driver.wait_for_mail(proposal, timeout=HANG_GUARD)
    url = link_in_mail(production.mail.directory, proposal, REFERENCE, "følgegruppens rådgivning")
    assert url.startswith(production.site["DMPG_PUBLIC_URL"] + "/beslut/")
    with httpx.Client() as phone:
        csrf = re.search(r'name="csrf" value="([^"]+)"', phone.get(url).text).group(1)
        body = {k: v for k, v in decision("advice", REFERENCE).items() if k != "recorded_by"}
        done = phone.post(url, data=body | {"csrf": csrf}, follow_redirects=True)
    assert "Tak – beslutningen er registreret" in done.text
    assert ledger.decision(proposal, "advice", 1).channel == "mail-link"
    driver.resume(proposal, "database", decision("database", RKKP))
    driver.resume(proposal, "steering", decision("steering", STEERING))
    driver.resume(proposal, "approval", decision("approval", DIRECTOR))
    driver.resume(proposal, "appointments", appointments_input(form))
    driver.wait_for_stage(proposal, "established", timeout=HANG_GUARD)
    assert driver.wait_for_final_run(proposal, timeout=HANG_GUARD).type == "COMPLETED"

    assert_exactly_once(proposal)
    assert any(g.name == "Angst og OCD" for g in ledger.list_registry())
    driver.wait_for_mail(proposal)
    delivered = list(production.mail.directory.glob("*.eml"))
    assert any("direktoer.ny" in p.name for p in delivered)  # the kickoff reached the appointed director
    # Each resume ran in a process of its own on whichever worker asked first; every one of them wrote its
    # documents and results to the shared storage.
    taken = _taken(production, ledger.get_proposal(proposal).flow_run_id)
    print(f"\n{proposal}: worker 1 took {taken['1']} of its runs, worker 2 took {taken['2']}")
    assert sum(taken.values()) >= 6
    assert all(os.path.isfile(d.path) for d in ledger.documents(proposal))
    assert any((production.home / "prefect-results").iterdir())


def _run_process(run_id: str) -> int:
    """The process that runs the flow run now: the pid its worker recorded on it (``infrastructure_pid``)."""
    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        pid = api.flow_run(run_id).get("infrastructure_pid")
    assert pid, "no worker has recorded a process for the flow run"
    return int(pid)


def _forkservers(production) -> dict[str, int]:
    """Each worker's warm-start forkserver (flows/worker.py), which forks every flow-run process."""
    found = {i: faults.forkserver(production.pid(WORKER, i)) for i in ("1", "2")}
    assert all(found.values()), f"a worker's warm start is off (forkservers {found}); see flows/worker.py"
    return found


def _kill_worker(production, instance: str) -> None:
    """SIGKILL to the worker unit's whole cgroup, as systemd does when its main process dies."""
    faults.kill_unit(production.pid(WORKER, instance))
    production.forget(WORKER, instance)


def _kill_the_worker_of(production, process: int) -> str:
    """Kill the worker unit under which ``process`` runs; its instance."""
    above = faults.ancestors(process)
    instance = next(i for i in ("1", "2") if production.pid(WORKER, i) in above)
    _kill_worker(production, instance)
    return instance


def test_a_worker_killed_while_it_starts_a_run_is_replaced_by_the_other(production, driver):
    proposal = driver.propose(example_form() | {"title": "Angst og OCD (worker død under opstart)"})
    driver.wait_for_gate(proposal, "advice", timeout=HANG_GUARD)
    run_id = _run_id(proposal)
    forkservers = _forkservers(production)

    # The forkservers are frozen, so the worker that takes the resumed run (Pending) cannot start its
    # process. First the suspended run's process must be gone.
    assert wait_until(lambda: not any(faults.children(f) for f in forkservers.values()), 60, 0.05)
    faults.freeze(forkservers.values())
    before = _taken(production, run_id)
    driver.resume(proposal, "advice", decision("advice", REFERENCE))
    def holder() -> str | None:  # the one worker that took the run and was not turned away
        took = [i for i, n in _taken(production, run_id).items() if n > before[i]]
        return took[0] if driver.run_state(proposal).type == "PENDING" and len(took) == 1 else None

    killed = wait_until(holder, 120, 0.05)
    time.sleep(2)  # another worker's attempt is turned away within this: then the holder is known
    killed = holder() or killed
    assert killed, f"no worker took the run; it is {driver.run_state(proposal)}"
    survivor = "2" if killed == "1" else "1"
    _kill_worker(production, killed)
    faults.thaw([forkservers[survivor]])
    try:
        seen = driver.pending_states_until(proposal, driver.waits_at(proposal, "database"), HANG_GUARD)
        assert "recovering" in seen
        # The other worker took over. (It may log more than one take: both workers poll the pool, and a
        # worker that loses the race to a run's Pending state logs the attempt too.)
        assert _taken(production, run_id)[survivor] > before[survivor]
        assert [e.detail["problem"] for e in driver.events(proposal, "run_stuck")] == ["stuck"]
        assert wait_until(lambda: driver.recovered(proposal), 60)
        assert [m.recipient for m in driver.recovery_mails(proposal)] == [SECRETARIAT]
        assert_exactly_once(proposal)
    finally:
        production.start(WORKER, killed)  # what systemd's Restart= does


def test_a_worker_killed_in_the_middle_of_a_step_is_replaced_by_the_other(production, driver):
    proposal = driver.propose(example_form() | {"title": "Angst og OCD (worker død midt i et trin)"})
    driver.hearing(proposal)
    driver.wait_for_gate(proposal, "steering", timeout=HANG_GUARD)
    killed: list[str] = []

    def kill(run_id: str) -> None:
        process = _run_process(run_id)
        faults.freeze([process])  # the step stops where it is, then its worker dies
        killed.append(_kill_the_worker_of(production, process))

    forkservers = _forkservers(production).values()
    try:
        driver.interrupt_the_step_after_steering(proposal, kill,
                                                 lambda: [p for f in forkservers for p in faults.children(f)])
        driver.assert_recovered_once(proposal, "approval", HANG_GUARD)
    finally:
        for instance in killed:
            production.start(WORKER, instance)


def test_decisions_made_while_the_prefect_server_restarts_reach_their_run(production, driver):
    proposal = driver.propose(example_form() | {"title": "Angst og OCD (server genstartet)"})
    driver.wait_for_gate(proposal, "advice", timeout=HANG_GUARD)

    production.systemctl(["stop", "prefect-server"])
    try:
        _decide(driver, proposal, "database", RKKP)
        out = _decide(driver, proposal, "advice", REFERENCE)
        assert "sagen tager den op, når den når dette punkt" in out  # recorded; the wake-up could not get through
    finally:
        production.systemctl(["start", "prefect-server"])

    # Workers and the sweep carried on through the restart; the sweep delivers the wake-up.
    assert wait_until(driver.waits_at(proposal, "steering"), HANG_GUARD, 0.5)
    assert [e.detail["problem"] for e in driver.events(proposal, "run_stuck")] == ["unwoken"]
    assert driver.recovery_mails(proposal) == []
    for instance in ("1", "2"):
        assert faults.cmdline(production.pid(WORKER, instance)), f"worker {instance} did not survive the restart"
    assert_exactly_once(proposal)


def test_mail_held_back_by_an_outage_goes_out_on_its_own_when_the_server_is_back(production, driver):
    from dmpg.mail.outbox import list_notifications

    proposal = driver.propose(example_form() | {"title": "Angst og OCD (mailserver nede)"})
    driver.wait_for_gate(proposal, "advice", timeout=HANG_GUARD)
    driver.wait_for_mail(proposal)

    def memo_rows():
        return [n for n in list_notifications(proposal) if n.kind == "steering_memo"]

    production.mail.stop()
    try:
        driver.hearing(proposal)
        driver.wait_for_gate(proposal, "steering", timeout=HANG_GUARD)
        # The steering group's memo mails were tried, refused, and wait for their next try.
        assert wait_until(lambda: memo_rows() and all(n.last_error and n.status == "pending" for n in memo_rows()), 60)
        assert all("127.0.0.1" in n.last_error for n in memo_rows())
    finally:
        production.mail.start()

    # Nobody decides anything more and nobody runs `dmpg outbox retry`: the deliverer's backoff does it.
    driver.wait_for_mail(proposal, timeout=HANG_GUARD)
    assert all(n.status == "sent" and n.attempts >= 2 for n in memo_rows())
    names = [p.name for p in production.mail.directory.glob("*.eml")]
    assert all(any(n.recipient in name for name in names) for n in memo_rows())


def test_the_upgrade_procedure_brings_both_databases_to_the_new_schema_and_waiting_proposals_carry_on(production, driver):
    from models.db import HEAD, REVISIONS, current_revision, dispose_engines, get_engine

    proposal = driver.propose(example_form() | {"title": "Angst og OCD (opgradering)"})
    driver.wait_for_gate(proposal, "advice", timeout=HANG_GUARD)

    # The new release, installed beside the running one, says every waiting proposal can carry on.
    release = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
    checked = "".join(production.follow("upgrade-check", {"<release>": release}))
    assert "Traceback" not in checked and "kan fortsætte med denne version" in checked

    production.follow("stop")
    # The databases as the previous release left them: one migration back, in each.
    for argv in (["/opt/dmpg/.venv/bin/alembic", "-c", "/opt/dmpg/models/alembic.ini", "downgrade", REVISIONS[-2]],
                 ["/opt/dmpg/.venv/bin/prefect", "server", "database", "downgrade", "-y"]):
        result = production.run(*argv)
        assert result.returncode == 0, result.stdout + result.stderr
    dispose_engines()
    assert current_revision(get_engine()) == REVISIONS[-2]

    output = "".join(production.follow("upgrade"))
    assert "Traceback" not in output
    dispose_engines()
    assert current_revision(get_engine()) == HEAD
    production.follow("start")

    driver.resume(proposal, "advice", decision("advice", REFERENCE))
    driver.resume(proposal, "database", decision("database", RKKP))
    driver.wait_for_gate(proposal, "steering", timeout=HANG_GUARD)
    assert_exactly_once(proposal)


def test_backup_and_restore_drill(production, driver, postgres):
    """IT's guide's backup, then its restore into new, empty databases: a proposal waiting at a gate when
    the backup was taken still resumes there."""
    from models.db import dispose_engines

    proposal = driver.propose(example_form() | {"title": "Angst og OCD (gendannet)"})
    driver.hearing(proposal)
    driver.wait_for_gate(proposal, "steering", timeout=HANG_GUARD)
    before = [(e.kind, e.gate, e.round) for e in driver.events(proposal, "gate_opened")]

    production.follow("backup")
    dumps = sorted(p.name for p in (production.root / "backups").glob("*.dump"))
    assert [d.split("-")[0] for d in dumps] == ["ledger", "prefect"]
    stamp = dumps[0].removeprefix("ledger-").removesuffix(".dump")

    production.follow("stop")
    dispose_engines()
    # The database administrator's part: the broken databases gone, new empty ones as in *Databases*.
    for name, extensions in (("prefect", ["pg_trgm"]), ("dmpg", [])):
        postgres.execute([f"DROP DATABASE {name} WITH (FORCE)"])
        postgres.create_database(name, extensions=extensions)
    production.follow("restore", {"STAMP": stamp})
    production.follow("start")

    assert [(e.kind, e.gate, e.round) for e in driver.events(proposal, "gate_opened")] == before
    driver.wait_for_gate(proposal, "steering", timeout=HANG_GUARD)
    driver.resume(proposal, "steering", decision("steering", STEERING))
    driver.wait_for_gate(proposal, "approval", timeout=HANG_GUARD)
    assert_exactly_once(proposal)


def _run_id(proposal: str) -> str:
    from models import ledger

    return ledger.get_proposal(proposal).flow_run_id


def test_the_local_runner_refuses_to_take_over_the_workers_deployments(production):
    """`python -m flows.serve` (what `dmpg up` runs) pointed at the production server: it would replace the
    pool's deployments, so it says so and exits."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "DMPG_"))}
    result = subprocess.run([sys.executable, "-m", "flows.serve"], env={**env, **production.client_env()},
                            cwd=production.root, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "dmpg-proposal/dmpg-proposal (work pool 'dmpg-process')" in result.stdout
    assert "silently replace" in result.stdout
