"""Shared fixtures. Every test gets its own DMPG_HOME so no test touches the user's var/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLES = PROJECT / "examples"


def pytest_configure(config):
    # Prefect sets up its console log handler on first import, bound to the sys.stderr of that
    # moment. Import it before any test's capture (capsys) exists, so no handler is left holding a
    # stream pytest closes after that test ("I/O operation on closed file" in a later test).
    import prefect  # noqa: F401


@pytest.fixture
def dmpg_home(tmp_path, monkeypatch) -> Path:
    """A fresh DMPG_HOME (ledger, documents, mail) for one test; settings re-read from the env."""
    from core.settings import get_settings

    home = tmp_path / "dmpg-home"
    monkeypatch.setenv("DMPG_HOME", str(home))
    monkeypatch.delenv("DMPG_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield home
    get_settings.cache_clear()


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def calendar(tmp_path, monkeypatch):
    """A simulated calendar for this test (``core.clock`` behind ``DMPG_CLOCK_FILE``): it starts at the
    machine's time and moves only forward, with ``calendar.advance_to(date)`` — dates are tested on the
    engine's clock, never by waiting."""
    from core import clock

    monkeypatch.setenv(clock.ENV, str(tmp_path / "clock.json"))
    return clock


# ---- PostgreSQL (session) ----


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL cluster for this test session (``support.postgres.PostgresCluster``:
    ``create_database(name, extensions=())``, ``drop_database``, ``dump``, ``restore``), started on
    first use, stopped and deleted at the end. Where PostgreSQL cannot run, the tests that need it
    skip with the reason; under CI they fail with it instead, so the production database path is
    never dropped from a CI run without anyone noticing."""
    from support.postgres import PostgresCluster, PostgresUnavailable

    try:
        cluster = PostgresCluster.create()
    except PostgresUnavailable as exc:
        reason = str(exc)
    else:
        with cluster:
            yield cluster
        return
    if _in_ci():
        pytest.fail(f"PostgreSQL is required under CI: {reason}", pytrace=False)
    pytest.skip(reason)


# ---- local stack (session) ----
# One real local stack (Prefect server + UI, flow runner, mail sink) for the whole test run, started
# on first use by a test marked `@pytest.mark.prefect` that asks for `local_stack`. While it runs, the
# process environment points at it (DMPG_HOME, ports, PREFECT_API_URL, PREFECT_HOME ...); every other
# test sees the environment as it was before (see `_hide_local_stack_env`).
from dataclasses import dataclass  # noqa: E402

_STACK_SAVED_ENV: dict[str, str | None] | None = None  # the environment before the session stack


@dataclass(frozen=True)
class RunningStack:
    """What `local_stack` yields: addresses of the running stack and the `LocalStack` behind it."""

    home: Path
    api_url: str
    ui_url: str
    smtp_port: int
    stack: object  # dmpg.adapters.stack.LocalStack
    report: object  # dmpg.adapters.stack.StartReport: what runs, what was not started and why


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    """Start one local stack on free ports under a temporary DMPG_HOME; stop it after the session."""
    global _STACK_SAVED_ENV
    from core.settings import Settings, get_settings
    from dmpg.adapters.stack import LocalStack

    home = tmp_path_factory.mktemp("local-stack") / "dmpg-home"
    # The session's own copy of the roster: a test may change it as the secretariat would (a member leaves).
    roster = home.parent / "roster.yaml"
    roster.write_bytes((Path(__file__).resolve().parent.parent / "roster.yaml").read_bytes())
    prefect_port, smtp_port, web_port = _distinct_free_ports(3)
    stack = LocalStack(Settings(home=home, prefect_port=prefect_port, smtp_port=smtp_port, smtp_host="127.0.0.1",
                                web_port=web_port, roster=roster))
    # The scheduler service passes every 5 s instead of 60, so a test sees it schedule within the session.
    # The stack runs on a simulated calendar (core.clock) that stays at the machine's time until a test
    # moves it (``stack_calendar``), as the demo does.
    from core import clock

    env = {**stack.client_env(), "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "5",
           clock.ENV: str(home / "run" / "calendar.json"), "DMPG_ROSTER": str(roster)}
    saved = {key: os.environ.get(key) for key in [*env, "DMPG_DATABASE_URL"]}
    os.environ.update(env)
    os.environ.pop("DMPG_DATABASE_URL", None)  # the ledger lives under the session's DMPG_HOME
    get_settings.cache_clear()
    _STACK_SAVED_ENV = saved
    try:
        report = stack.start()
        # Prefect reads its settings once at import (maybe before this fixture): override them too.
        import prefect.settings as prefect_settings

        updates = {getattr(prefect_settings, k): v for k, v in env.items() if hasattr(prefect_settings, k)}
        with prefect_settings.temporary_settings(updates=updates):
            yield RunningStack(home, stack.api_url, stack.ui_url, smtp_port, stack, report)
    finally:
        stack.stop()
        _STACK_SAVED_ENV = None
        _restore_env(saved)
        get_settings.cache_clear()


def _distinct_free_ports(n: int) -> list[int]:
    from dmpg.adapters.stack_net import free_port

    ports: list[int] = []
    while len(ports) < n:
        if (port := free_port()) not in ports:
            ports.append(port)
    return ports


def _restore_env(saved: dict[str, str | None]) -> None:
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(autouse=True)
def _hide_local_stack_env(request, monkeypatch):
    """Tests that do not use the session stack see the environment as it was before it started."""
    if _STACK_SAVED_ENV is None or "local_stack" in request.fixturenames:
        yield
        return
    from core.settings import get_settings

    for key, value in _STACK_SAVED_ENV.items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def stack_calendar(local_stack):
    """The session stack's simulated calendar (``core.clock``): this test moves it forward with
    ``stack_calendar.advance_to(day)`` — every process of the stack reads the same clock file — and
    afterwards the calendar is back at the machine's time for the tests that follow (a test's reset;
    the engine's own calendar never runs backwards)."""
    from core import clock

    yield clock
    path = clock.clock_file()
    if path is not None:
        path.unlink(missing_ok=True)


@pytest.fixture
def driver(local_stack, tmp_path):
    """Proposals through the lifecycle on the session's local stack (see ``support.lifecycle``)."""
    from support.lifecycle import Driver

    return Driver(local_stack, tmp_path)
