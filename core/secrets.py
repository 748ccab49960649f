"""Secrets the local stack makes for itself under ``DMPG_HOME`` (the Prefect API's auth string, the
key that signs decision links) when no setting supplies them: created once, readable only by their
owner, never printed into logs.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create(path: Path, make: callable = lambda: secrets.token_urlsafe(32)) -> str:  # type: ignore[valid-type]
    """The secret in ``path``; when there is none yet, ``make()`` is written there (mode 0600, created
    exclusively, so two processes starting at once end up with the same secret)."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(make())
    return path.read_text(encoding="utf-8").strip()


def read(path: Path) -> str | None:
    """The secret in ``path``, or None when it does not exist (yet)."""
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
