"""`dmpg up` / `dmpg down` as a user runs them, with the real Prefect server (one start for this
module, on free ports under a temporary DMPG_HOME so it never meets the session's or a user's stack),
and the session fixture `local_stack` that other suites use.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from dmpg.adapters.stack_net import api_healthy, free_port, port_free
from dmpg.adapters.stack_procs import group_alive

pytestmark = pytest.mark.prefect

PROJECT = Path(__file__).resolve().parents[2]
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def dmpg(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).parent / "dmpg"), *args], env=env, cwd=PROJECT, capture_output=True, text=True, timeout=300
    )


def get(url: str, accept: str = "*/*") -> tuple[int, str, str]:
    with NO_PROXY.open(urllib.request.Request(url, headers={"Accept": accept}), timeout=10) as resp:
        return resp.status, resp.headers.get("content-type", ""), resp.read().decode()


@pytest.fixture(scope="module")
def up(tmp_path_factory):
    """`dmpg up --json` in a DMPG_HOME left by an older version (readable by everyone: a mail and a
    document from then); `dmpg down` afterwards whatever the tests did."""
    home = tmp_path_factory.mktemp("stack-cli") / "home"
    for folder in (home / "mail", home / "documents" / "DMPG-2025-001"):
        folder.mkdir(parents=True, mode=0o755)
    (home / "mail" / "20250101T000000Z-0001-a@example.dk.eml").write_text("Subject: gammel\n\nhej\n")
    (home / "documents" / "DMPG-2025-001" / "gammel.docx").write_bytes(b"PK")
    for path in [home, *home.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DMPG_", "PREFECT_"))}
    env.update(DMPG_HOME=str(home), DMPG_PREFECT_PORT=str(free_port()), DMPG_SMTP_PORT=str(free_port()),
               DMPG_WEB_PORT=str(free_port()))
    result = dmpg(env, "up", "--json")
    assert result.returncode == 0, result.stderr
    try:
        yield env, json.loads(result.stdout), result
    finally:
        dmpg(env, "down")


def test_up_starts_server_ui_and_sink_and_prints_the_addresses(up):
    env, info, _ = up
    port = env["DMPG_PREFECT_PORT"]
    assert info["ui"] == f"http://127.0.0.1:{port}"
    assert info["api"] == f"http://127.0.0.1:{port}/api"
    assert info["smtp"] == f"smtp://127.0.0.1:{env['DMPG_SMTP_PORT']}"
    assert info["home"] == env["DMPG_HOME"]
    assert {"server", "sink"} <= set(info["pids"])
    assert api_healthy(info["api"])
    assert not port_free(int(env["DMPG_SMTP_PORT"]))
    if "runner" not in info["pids"]:  # until flows/serve.py exists, `up` says so rather than failing
        assert "flows/serve.py does not exist yet" in info["not_started"]["runner"]


def test_the_ui_is_served_and_talks_to_this_stacks_api(up):
    env, info, _ = up
    status, content_type, body = get(info["ui"] + "/")
    assert status == 200 and content_type.startswith("text/html")
    assert "<title>Prefect Server</title>" in body
    # The UI finds its API through /ui-settings: on a non-default port this must be ours.
    _, _, settings = get(info["ui"] + "/ui-settings")
    assert json.loads(settings)["api_url"] == info["api"]


def test_up_again_reports_the_running_stack_and_starts_nothing(up):
    env, info, _ = up
    run_dir = Path(env["DMPG_HOME"]) / "run"
    pid_files = {p.name: p.read_text() for p in run_dir.glob("*.pid")}

    again = dmpg(env, "up")

    assert again.returncode == 0, again.stderr
    assert "kører allerede" in again.stdout and "intet startet" in again.stdout
    assert info["ui"] in again.stdout
    assert {p.name: p.read_text() for p in run_dir.glob("*.pid")} == pid_files


def test_everything_under_dmpg_home_is_its_owners_alone(up):
    """`up` made the older home private (and said so, in the JSON too); everything the stack writes
    then — the ledger and its WAL, Prefect's database, documents, mails, logs, keys — is 0600 in
    folders of 0700, also after a proposal went through its first step."""
    import time

    from core.private import open_to_others

    env, info, _ = up
    home = Path(env["DMPG_HOME"])
    assert info["made_private"] == {"directories": 4, "files": 2}
    again = dmpg(env, "up")
    assert "gjort privat" not in again.stdout  # nothing left to tighten

    proposed = dmpg(env, "propose", str(PROJECT / "examples" / "angst-og-ocd.yaml"), "--json")
    assert proposed.returncode == 0, proposed.stderr
    proposal = json.loads(proposed.stdout)["proposal"]
    deadline = time.monotonic() + 120
    while not list(home.glob(f"documents/{proposal}/*.docx")) or len(list(home.glob("mail/*.eml"))) < 4:
        assert time.monotonic() < deadline, "the proposal's first documents and mails never came"
        time.sleep(0.5)
    written = {p.relative_to(home).parts[0] for p in home.rglob("*") if p.is_file()}
    assert {"ledger.db", "ledger.db-wal", "prefect", "documents", "mail", "run"} <= written
    assert open_to_others(home) == []


def test_down_stops_every_process_and_frees_the_ports(up):
    env, info, _ = up

    down = dmpg(env, "down")

    assert down.returncode == 0, down.stderr
    assert "lokale stak er stoppet" in down.stdout
    assert all(f"pid {pid}" in down.stdout for pid in info["pids"].values())
    assert not any(group_alive(pid) for pid in info["pids"].values())
    assert port_free(int(env["DMPG_PREFECT_PORT"])) and port_free(int(env["DMPG_SMTP_PORT"]))
    assert not list((Path(env["DMPG_HOME"]) / "run").glob("*.pid"))
    nothing = dmpg(env, "down")
    assert nothing.returncode == 0 and "Intet at stoppe" in nothing.stdout


SEEN: dict = {}


def test_session_stack_points_this_process_at_itself(local_stack):
    from core.settings import get_settings
    from dmpg.adapters.prefect_api import api_url

    SEEN["stack"] = local_stack
    assert api_healthy(local_stack.api_url)
    assert api_url() == local_stack.api_url == os.environ["PREFECT_API_URL"]
    assert get_settings().home == local_stack.home
    assert get_settings().smtp_port == local_stack.smtp_port
    import prefect.settings

    assert prefect.settings.PREFECT_API_URL.value() == local_stack.api_url
    assert prefect.settings.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is True


def test_unit_tests_do_not_see_the_session_stack(dmpg_home):
    """Runs after the test above: the session stack is up, yet this test's settings are its own."""
    from core.settings import get_settings

    stack = SEEN.get("stack")
    if stack is None:
        pytest.skip("runs only after the session stack test")
    assert get_settings().home == dmpg_home
    assert get_settings().prefect_port != int(stack.api_url.rsplit(":", 1)[1].split("/")[0])
    assert os.environ.get("PREFECT_API_URL") != stack.api_url


def test_the_server_schedules_the_reminders_and_logs_no_traceback(local_stack):
    """sqlalchemy 2.1 made Prefect 3.8.8's scheduler fail every minute, so no schedule ever fired:
    the reminders deployment must get scheduled runs, and the server log stay free of tracebacks."""
    import time

    from dmpg.adapters.prefect_api import PrefectAPI

    with PrefectAPI() as api:
        deployment = api.deployment_id("dmpg-reminders/dmpg-reminders")
        deadline, scheduled = time.monotonic() + 90, []
        while not scheduled and time.monotonic() < deadline:
            scheduled = api.flow_runs({"deployments": {"id": {"any_": [deployment]}},
                                       "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}}}, limit=5)
            time.sleep(1)
    assert scheduled, "the Prefect scheduler never scheduled the dmpg-reminders deployment"
    log = (local_stack.home / "run" / "server.log").read_text(encoding="utf-8", errors="replace")
    # Tracebacks other than SQLite's "database is locked" (busy under the session's load; the server
    # answers 503 and every client retries, as Prefect's does) mean a broken service.
    blocks = log.split("Traceback (most recent call last):")[1:]
    broken = [b for b in blocks if "database is locked" not in b[:20_000]]
    assert not broken and "Can't evaluate bulk DML" not in log, (broken or [log])[0][-3000:]


def test_the_prefect_api_is_locked(local_stack):
    """Nobody without the stack's auth string can resume a run; no page on another origin can call it."""
    import httpx

    api = local_stack.api_url
    run = f"{api}/flow_runs/00000000-0000-0000-0000-000000000000"
    # A forged resume is refused before it reaches the run: without a CSRF token (Prefect checks that
    # first), and no token is handed out without the auth string; reads need the auth string too.
    anonymous = httpx.post(f"{run}/resume", json={"run_input": {"recorded_by": "direktoer.hovedstaden@example.dk"}})
    assert anonymous.status_code == 403 and "CSRF" in anonymous.text
    assert httpx.get(f"{api}/csrf-token", params={"client": "x"}).status_code == 401
    forged = httpx.post(f"{run}/resume", json={"run_input": {}},
                        headers={"Prefect-Csrf-Token": "guess", "Prefect-Csrf-Client": "x"})
    assert forged.status_code in (401, 403)
    assert httpx.get(run).status_code == 401
    auth = httpx.BasicAuth(*local_stack.stack.auth_string.split(":", 1))
    without_csrf = httpx.post(f"{api}/flow_runs/filter", json={}, auth=auth)
    assert without_csrf.status_code == 403 and "CSRF" in without_csrf.text
    preflight = httpx.options(f"{api}/flow_runs/filter", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type"})
    assert preflight.headers.get("access-control-allow-origin") not in ("*", "https://evil.example")
    own = httpx.options(f"{api}/flow_runs/filter", headers={
        "Origin": local_stack.ui_url, "Access-Control-Request-Method": "POST"})
    assert own.headers.get("access-control-allow-origin") == local_stack.ui_url
    assert httpx.get(f"{api}/health").json() is True  # probes need no credentials
    mode = (local_stack.home / "run" / "api-auth").stat().st_mode & 0o777
    assert mode == 0o600
