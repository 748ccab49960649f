"""The stack's process supervision with small real child processes instead of Prefect (fast):
start/stop, idempotent start, stale and reused pid files, a child dying during start, ports in use.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from core.settings import Settings
from dmpg.adapters.prefect_api import api_url
from dmpg.adapters.stack import Child, LocalStack, StackError
from dmpg.adapters.stack_net import free_port, port_free, tcp_answers
from dmpg.adapters.stack_procs import pid_alive
from dmpg.interfaces.cli import main

LISTENER = textwrap.dedent(
    """
    import socket, sys, time
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen()
    print("listening", flush=True)
    while True:
        conn, _ = s.accept(); conn.close()
    """
)


def listener(name: str, port: int, **kw) -> Child:
    return Child(
        name=name,
        title=f"test {name}",
        argv=(sys.executable, "-c", LISTENER, str(port)),
        ready=lambda _log, _off: tcp_answers(port),
        port=port,
        port_setting=f"DMPG_{name.upper()}_PORT",
        **kw,
    )


def script(name: str, code: str, **kw) -> Child:
    return Child(name=name, title=f"test {name}", argv=(sys.executable, "-c", code), **kw)


def printer_ready(log, offset):
    from dmpg.adapters.stack_procs import log_text

    return "ready" in log_text(log, offset)


@pytest.fixture
def settings(dmpg_home) -> Settings:
    return Settings(home=dmpg_home, prefect_port=free_port(), smtp_port=free_port())


def test_start_twice_starts_nothing_the_second_time(settings):
    port = settings.prefect_port
    stack = LocalStack(settings, [listener("server", port), script("runner", "print('ready', flush=True); import time; time.sleep(60)", ready=printer_ready, needs=("server",))])
    try:
        first = stack.start(timeout=30)
        assert first.started == ["server", "runner"]
        assert stack.is_running()

        again = LocalStack(settings, stack.children).start(timeout=30)  # as a second `dmpg up` would
        assert again.started == []
        assert again.already_running == ["server", "runner"]
        assert again.pids == first.pids
    finally:
        stack.stop()


def test_stop_stops_every_process_and_frees_ports(settings):
    port = settings.prefect_port
    stack = LocalStack(settings, [listener("server", port), script("runner", "print('ready', flush=True); import time; time.sleep(60)", ready=printer_ready)])
    report = stack.start(timeout=30)

    stopped = stack.stop()

    assert {s.name for s in stopped} == {"server", "runner"}
    assert not any(pid_alive(pid) for pid in report.pids.values())
    assert port_free(port)
    assert not list(stack.run_dir.glob("*.pid"))
    assert not stack.is_running()
    assert stack.stop() == []


def test_stop_kills_a_child_that_ignores_sigterm(settings):
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    stack = LocalStack(settings, [script("stubborn", code, ready=printer_ready)], grace=0.5)
    report = stack.start(timeout=30)

    [stopped] = stack.stop()

    assert stopped.killed
    assert not pid_alive(report.pids["stubborn"])


def test_stale_pid_file_is_cleaned_and_down_says_nothing_runs(settings, capsys):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    run_dir = settings.home / "run"
    run_dir.mkdir(parents=True)
    (run_dir / "server.pid").write_text(f"{gone.pid}\n")

    assert main(["down"]) == 0

    assert "Intet at stoppe" in capsys.readouterr().out
    assert not (run_dir / "server.pid").exists()


def test_stale_pid_file_is_replaced_on_start(settings):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stack = LocalStack(settings, [listener("server", settings.prefect_port)])
    stack.run_dir.mkdir(parents=True)
    stack.pid_path("server").write_text(f"{gone.pid}\n")
    try:
        report = stack.start(timeout=30)
        assert report.started == ["server"]
        assert report.pids["server"] != gone.pid
    finally:
        stack.stop()


def test_a_reused_pid_is_never_taken_for_ours(settings):
    """A pid file naming a live process that started at another time (pid reuse) is stale: not signalled."""
    stack = LocalStack(settings, [listener("server", settings.prefect_port)])
    stack.run_dir.mkdir(parents=True)
    stack.pid_path("server").write_text(f"{os.getpid()}\n")
    (stack.run_dir / "stack.json").write_text(f'{{"children": {{"server": {{"pid": {os.getpid()}, "ticks": 1}}}}}}')

    assert stack.stop() == []  # and this test process is still here to say so
    assert not stack.pid_path("server").exists()


def test_a_child_dying_during_start_stops_the_others_and_shows_its_log(settings):
    port = settings.prefect_port
    crash = "import sys; print('kan ikke starte: konfigurationen mangler', flush=True); sys.exit(3)"
    stack = LocalStack(settings, [listener("server", port), script("runner", crash, ready=printer_ready, needs=("server",))])

    with pytest.raises(StackError) as caught:
        stack.start(timeout=30)

    message = str(caught.value)
    assert "test runner exited during start with exit code 3" in message
    assert "kan ikke starte: konfigurationen mangler" in message
    assert port_free(port)
    assert not list(stack.run_dir.glob("*.pid"))


def test_a_missing_module_is_reported_and_the_rest_starts(settings):
    absent = script("runner", "pass", ready=printer_ready, module="flows.no_such_runner")
    stack = LocalStack(settings, [listener("server", settings.prefect_port), absent])
    try:
        report = stack.start(timeout=30)
        assert report.started == ["server"]
        assert "flows/no_such_runner.py does not exist yet" in report.not_started["runner"]
        assert stack.is_running()  # what can run, runs
    finally:
        stack.stop()


@pytest.mark.parametrize("setting", ["DMPG_PREFECT_PORT", "DMPG_SMTP_PORT"])
def test_dmpg_up_on_a_port_in_use_says_which_port_and_setting(dmpg_home, monkeypatch, capsys, setting):
    """Checked before anything starts, so this runs the real `dmpg up` without starting Prefect."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        taken = other.getsockname()[1]
        monkeypatch.setenv("DMPG_PREFECT_PORT", str(free_port()))
        monkeypatch.setenv("DMPG_SMTP_PORT", str(free_port()))
        monkeypatch.setenv(setting, str(taken))
        from core.settings import get_settings

        get_settings.cache_clear()

        assert main(["up"]) == 1

    err = capsys.readouterr().err
    assert f"port {taken} on 127.0.0.1" in err
    assert "already in use by another program" in err
    assert f"{setting}=" in err
    assert "Traceback" not in err
    assert not list((dmpg_home / "run").glob("*.pid"))


def test_two_parts_on_one_port_is_refused(settings):
    port = settings.prefect_port
    stack = LocalStack(settings, [listener("server", port), listener("sink", port)])
    with pytest.raises(StackError, match=f"both set to port {port}"):
        stack.start(timeout=30)


def test_api_url_prefers_the_environment(dmpg_home, monkeypatch):
    monkeypatch.setenv("DMPG_PREFECT_PORT", "4321")
    from core.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    assert api_url() == "http://127.0.0.1:4321/api"
    monkeypatch.setenv("PREFECT_API_URL", "https://prefect.region.example.dk/api")
    assert api_url() == "https://prefect.region.example.dk/api"


def test_children_get_a_loopback_prefect_with_everything_under_dmpg_home(settings):
    env = LocalStack(settings).env()
    prefect_home = settings.home.resolve() / "prefect"
    api = f"http://127.0.0.1:{settings.prefect_port}/api"
    assert env["PREFECT_API_URL"] == env["PREFECT_SERVER_UI_API_URL"] == api
    assert env["PREFECT_HOME"] == str(prefect_home)
    assert env["PREFECT_SERVER_DATABASE_CONNECTION_URL"] == f"sqlite+aiosqlite:///{prefect_home / 'prefect.db'}"
    assert env["PREFECT_SERVER_API_HOST"] == "127.0.0.1"
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert env["PREFECT_RESULTS_PERSIST_BY_DEFAULT"] == "true"
    assert env["PREFECT_RUNNER_POLL_FREQUENCY"] == "1"
    assert env["DMPG_HOME"] == str(settings.home.resolve())


def test_a_dead_child_is_started_again_and_the_others_are_kept(settings):
    """E.g. the runner was killed: `dmpg up` (or `start()`) brings back only what is missing."""
    runner = script("runner", "print('ready', flush=True); import time; time.sleep(60)", ready=printer_ready, needs=("server",))
    stack = LocalStack(settings, [listener("server", settings.prefect_port), runner])
    try:
        first = stack.start(timeout=30)
        os.kill(first.pids["runner"], 9)
        while pid_alive(first.pids["runner"]):  # SIGKILL is delivered asynchronously
            time.sleep(0.01)

        second = stack.start(timeout=30)

        assert second.started == ["runner"]
        assert second.already_running == ["server"]
        assert second.pids["server"] == first.pids["server"]
        assert second.pids["runner"] != first.pids["runner"]
    finally:
        stack.stop()
