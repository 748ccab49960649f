"""Preloaded by the runner's forkserver (see ``flows.serve``): everything a lifecycle step imports,
imported once, so each resumed run forks with it ready instead of importing it at its first step.

A step renders Word documents (docxtpl), queues mail (Jinja2 templates), issues signed decision
links (itsdangerous), writes the ledger (``models.ledger``: SQLAlchemy's SQLite dialect) and runs as a Prefect task
(the task engine, artifacts). Mail is sent by the outbox deliverer, not here. The ledger is SQLite on
the local stack and PostgreSQL in production (psycopg): both dialects are loaded.
"""

import docx  # noqa: F401
import docxtpl  # noqa: F401
import itsdangerous  # noqa: F401
import jinja2.sandbox  # noqa: F401
import prefect.artifacts  # noqa: F401
import prefect.task_engine  # noqa: F401

import dmpg.documents.produce  # noqa: F401
import dmpg.documents.render  # noqa: F401
import dmpg.mail.outbox  # noqa: F401
import dmpg.services.effects  # noqa: F401
import dmpg.state.links  # noqa: F401
from flows.prefect_compat import preload_private, quiet_suspension_observer
from models import ledger

# The ledger's repository modules and both database dialects (they load on first use otherwise).
ledger.load_all()

# Private modules Prefect's run loads on first use: anyio's asyncio backend (its event loop threads) and rich's
# emoji table (its console log handler, at the first log line). Named in flows.prefect_compat alone.
preload_private()
# In the forkserver, so every run forked from it starts without the observer (see flows.prefect_compat).
quiet_suspension_observer()
