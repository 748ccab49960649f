"""The Prefect server as production runs it (docs/it.md → Production): on PostgreSQL, with the API
behind PREFECT_SERVER_API_AUTH_STRING. One real server for this module, on a fresh database of the
session's throwaway cluster; the scheduler loops every 2 s instead of 60 so that it runs within the test.
"""

from __future__ import annotations

import re
import uuid

import pytest
from support.prefect_server import PrefectServer, wait_until

pytestmark = [pytest.mark.topology, pytest.mark.postgres]

SCHEDULER_PASS = re.compile(r"prefect\.server\.services\.scheduler - Scheduled \d+ runs\.")
HANG_GUARD = 120  # seconds: the scheduler passes every 2 s (and every 5 s for new deployments)


@pytest.fixture(scope="module")
def server(postgres, tmp_path_factory):
    db = postgres.create_database("prefect_topology", extensions=["pg_trgm"])
    server = PrefectServer(
        tmp_path_factory.mktemp("prefect-on-postgres"),
        db.asyncpg_url,
        settings={"PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2"},
    )
    with server.running():
        yield server
    postgres.drop_database(db)


def _create(server: PrefectServer, path: str, body: dict) -> dict:
    response = server.request("POST", path, json=body)
    assert response.status_code in (200, 201), response.text
    return response.json()


def _flow_with_hourly_deployment(server: PrefectServer, name: str) -> str:
    """A flow and a deployment of it that runs every hour; returns the deployment's id."""
    flow = _create(server, "/flows/", {"name": name})
    deployment = _create(server, "/deployments/", {
        "name": f"{name}-hourly",
        "flow_id": flow["id"],
        "schedules": [{"schedule": {"interval": 3600}, "active": True}],
    })
    return deployment["id"]


def _scheduled_runs(server: PrefectServer, deployment_id: str) -> list[dict]:
    response = server.request("POST", "/flow_runs/filter", json={
        "deployments": {"id": {"any_": [deployment_id]}},
        "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
    })
    assert response.status_code == 200, response.text
    return response.json()


def test_the_api_answers_only_with_the_auth_string(server):
    assert server.request("POST", "/flow_runs/filter", json={}, auth=False).status_code == 401
    assert server.request("POST", "/flow_runs/filter", json={}).status_code == 200
    assert server.request("POST", "/flow_runs/filter", json={}, auth="admin:guess").status_code == 401
    # Load balancers and probes may check health without credentials.
    assert server.request("GET", "/health", auth=False).status_code == 200
    _assert_log_clean(server)


def test_a_deployment_schedule_fires_and_the_server_log_stays_clean(server):
    """sqlalchemy 2.1 broke exactly this on Prefect 3.8.8: the scheduler failed on every pass and no
    scheduled run was ever created."""
    deployment_id = _flow_with_hourly_deployment(server, f"dmpg-schedule-{uuid.uuid4().hex[:8]}")

    # Stop waiting at the first error in the log: it is the failure to show.
    wait_until(lambda: server.problems() or len(_scheduled_runs(server, deployment_id)) >= 3, HANG_GUARD)
    _assert_log_clean(server)
    runs = _scheduled_runs(server, deployment_id)
    assert len(runs) >= 3 and all(run["auto_scheduled"] for run in runs)

    # One more full pass of the scheduler after the runs exist: it must not fail on them either.
    passes = _scheduler_passes(server)
    wait_until(lambda: server.problems() or _scheduler_passes(server) > passes, HANG_GUARD)
    _assert_log_clean(server)
    assert _scheduler_passes(server) > passes


def _assert_log_clean(server: PrefectServer) -> None:
    problems = server.problems()
    assert not problems, f"{server.log}:\n" + "\n\n".join(problems)


def _scheduler_passes(server: PrefectServer) -> int:
    return len(SCHEDULER_PASS.findall(server.log_since_start()))


def test_a_database_upgrade_as_it_runs_it_keeps_the_data(server):
    """Upgrading Prefect in production means `prefect server database upgrade -y` against the stopped
    server's database. Here the newest migration is undone first, so the upgrade has real work to do."""
    name = f"dmpg-upgrade-{uuid.uuid4().hex[:8]}"
    deployment_id = _flow_with_hourly_deployment(server, name)
    server.stop()

    for step in (["server", "database", "downgrade", "-y"], ["server", "database", "upgrade", "-y"]):
        result = server.prefect(*step)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
    server.start()

    assert server.request("GET", f"/flows/name/{name}").status_code == 200
    assert server.request("GET", f"/deployments/{deployment_id}").json()["name"] == f"{name}-hourly"
    _assert_log_clean(server)
