"""Preloaded by the runner's forkserver (see ``flows.serve``): heavy libraries every lifecycle step
uses, imported and initialised once so each resumed run forks with them ready (apprise alone scans
its 150+ plugins for 0.6–1 s on first use)."""

import apprise
import docx  # noqa: F401
import docxtpl  # noqa: F401
import sqlalchemy  # noqa: F401
from apprise.manager_plugins import NotificationManager

import models.ledger  # noqa: F401

NotificationManager().load_modules()
