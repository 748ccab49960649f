"""Which release this code is: the package version and the git commit it was installed from.

Every proposal records the release it started under (``proposals.release``), so IT can tell which waiting
proposals an older release suspended (``dmpg status --json`` shows it; ``dmpg upgrade check`` lists every
waiting proposal with whether the installed code can carry it on). The commit comes from
``DMPG_RELEASE_COMMIT`` when set (an installation without its git directory), else from the checkout the
package runs from; ``None`` when neither is there.

Standard library only, and cached: asked once per process.
"""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path

PACKAGE = "dmpg-engine"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def current() -> dict[str, str | None]:
    """``{"version": "0.2.0", "commit": "4a8c6b0d1e2f"}`` of the code running now."""
    try:
        version = metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        version = None
    return {"version": version, "commit": os.environ.get("DMPG_RELEASE_COMMIT") or _commit()}


def describe(release: dict | None) -> str:
    """A release as people read it: ``0.2.0 (4a8c6b0d1e2f)``; ``før 0.2.0`` when none was recorded
    (proposals started before releases were recorded)."""
    if not release:
        return "før 0.2.0"
    version, commit = release.get("version") or "?", release.get("commit")
    return f"{version} ({commit})" if commit else str(version)


def _commit() -> str | None:
    if not (PROJECT_ROOT / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short=12", "HEAD"],
                              capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None
