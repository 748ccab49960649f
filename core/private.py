"""Private by default: everything under ``DMPG_HOME`` is readable by its owner only.

``DMPG_HOME`` holds the ledger (every proposal, decision and mail), the documents, the mail sink's
messages, the logs and the keys that sign decision links. On a shared machine another account must
read none of it, so every process of the engine creates files with the umask :data:`UMASK` (files
0600, directories 0700): the ``dmpg`` command sets it for itself, ``dmpg up`` for every process it
starts (``dmpg.adapters.stack_procs.spawn``), and each systemd unit in ``deploy/`` says ``UMask=0077``.
:func:`tighten` brings a home made before this rule (or by a tool with another umask) in line;
``dmpg up`` runs it and says what it changed.

Standard library only: the CLI's start-up path imports this module.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

UMASK = 0o077  # files 0600, directories 0700
OPEN_TO_OTHERS = 0o077  # the group's and everyone else's bits


@dataclass
class Tightened:
    """What :func:`tighten` changed: how many directories and files, and a few of them as examples."""

    directories: int = 0
    files: int = 0
    examples: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.directories or self.files)

    def sentence(self, home: Path) -> str:
        """One line for ``dmpg up`` (Danish, as the command line speaks): what was made private."""
        folders = f"{self.directories} {'mappe' if self.directories == 1 else 'mapper'}"
        files = f"{self.files} {'fil' if self.files == 1 else 'filer'}"
        return (f"DMPG_HOME er gjort privat: {folders} og {files} under {home} kunne læses af andre brugere "
                "og kan nu kun læses af dig (0700/0600).")


def tighten(root: Path) -> Tightened:
    """Take the group's and everyone else's rights from ``root`` and everything under it: directories
    become 0700, files lose their group and other bits (0644 -> 0600). Symbolic links are not followed,
    and entries this account does not own are left as they are (``chmod`` would be refused)."""
    done = Tightened()
    if not root.exists():
        return done
    me = os.geteuid()

    def visit(path: Path, info: os.stat_result) -> None:
        if info.st_uid != me or not info.st_mode & OPEN_TO_OTHERS:
            return
        is_dir = stat.S_ISDIR(info.st_mode)
        try:
            os.chmod(path, 0o700 if is_dir else stat.S_IMODE(info.st_mode) & 0o700)
        except OSError:
            return
        if is_dir:
            done.directories += 1
        else:
            done.files += 1
        if len(done.examples) < 3:
            done.examples.append(str(path))

    visit(root, root.lstat())
    for directory, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            path = Path(directory) / name
            try:
                info = path.lstat()
            except OSError:
                continue  # gone meanwhile (a log rotated, a temp file renamed)
            if stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode):
                visit(path, info)
    return done


def open_to_others(root: Path) -> list[Path]:
    """Every directory and regular file under ``root`` (``root`` too) that another account may read,
    write or enter: what :func:`tighten` would change. For tests and ``dmpg up``'s check."""
    found = []
    for path in [root, *root.rglob("*")]:
        try:
            info = path.lstat()
        except OSError:
            continue
        if (stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)) and info.st_mode & OPEN_TO_OTHERS:
            found.append(path)
    return found


@contextmanager
def private_umask() -> Iterator[None]:
    """Create files privately (:data:`UMASK`) for the duration; the umask before is restored."""
    before = os.umask(UMASK)
    try:
        yield
    finally:
        os.umask(before)


def make_private_dir(path: Path) -> Path:
    """``path`` (and missing parents) as a directory of mode 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
