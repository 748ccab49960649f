"""Talking to the Prefect API from the CLI: ``PREFECT_API_URL`` when set (a production server), else
the local stack's. Errors come back as one clear line (``UserError``), never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from core.errors import UserError

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient

LIFECYCLE_DEPLOYMENT = "dmpg-proposal/dmpg-proposal"


@contextmanager
def prefect_client() -> Iterator["SyncPrefectClient"]:
    """A connected sync client; fails fast with a hint when no server answers."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from dmpg.stack import api_url

    url = api_url()
    with temporary_settings({PREFECT_API_URL: url}):
        client = get_client(sync_client=True)
    with client:
        error = client.api_healthcheck()
        if error is not None:
            raise UserError(
                f"cannot reach the Prefect API at {url} ({type(error).__name__}); "
                "start the local stack with 'dmpg up' or set PREFECT_API_URL", exit_code=3)
        yield client


def lifecycle_deployment(client: "SyncPrefectClient"):
    from prefect.exceptions import ObjectNotFound

    try:
        return client.read_deployment_by_name(LIFECYCLE_DEPLOYMENT)
    except ObjectNotFound:
        raise UserError(
            f"the deployment {LIFECYCLE_DEPLOYMENT} is not served by this Prefect server; "
            "start the local stack with 'dmpg up' (or run a worker for the deployments in prefect.yaml)",
            exit_code=3) from None
