"""Private by default (core.private): whatever the engine writes under DMPG_HOME is its owner's alone,
an older home is tightened, and every process of the local stack and of deploy/ makes private files."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from core.private import open_to_others, private_umask, tighten

PROJECT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_an_older_home_is_tightened_and_the_count_says_what_changed(tmp_path):
    home = tmp_path / "home"
    (home / "documents" / "DMPG-2026-001").mkdir(parents=True)
    (home / "mail").mkdir()
    for path in (home, home / "documents", home / "documents" / "DMPG-2026-001", home / "mail"):
        path.chmod(0o755)
    ledger = home / "ledger.db"
    ledger.write_text("x")
    ledger.chmod(0o644)
    (home / "mail" / "a.eml").write_text("x")
    (home / "mail" / "a.eml").chmod(0o664)
    script = home / "documents" / "run.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    (home / "link").symlink_to("/etc/hostname")  # never followed

    assert len(open_to_others(home)) == 7
    done = tighten(home)

    assert (done.directories, done.files) == (4, 3) and bool(done)
    assert open_to_others(home) == []
    assert mode(home) == mode(home / "mail") == 0o700
    assert mode(ledger) == mode(home / "mail" / "a.eml") == 0o600 and mode(script) == 0o700
    assert "4 mapper og 3 filer" in done.sentence(home) and str(home) in done.sentence(home)
    assert not tighten(home)  # nothing left to do: `dmpg up` then says nothing


def test_the_local_stacks_children_make_private_files(tmp_path):
    from dmpg.adapters.stack_procs import spawn

    made = tmp_path / "made-by-child"
    log = tmp_path / "run" / "child.log"
    proc, _ = spawn([sys.executable, "-c", f"open({str(made)!r}, 'w').write('x')"], dict(os.environ), log)
    assert proc.wait(timeout=60) == 0
    assert mode(made) == 0o600 and mode(log) == 0o600 and mode(log.parent) == 0o700


def test_the_dmpg_command_writes_privately_and_gives_the_umask_back(dmpg_home, examples, tmp_path):
    from dmpg.interfaces.cli import main

    before = os.umask(0o022)
    try:
        assert main(["form", "render", str(examples / "angst-og-ocd.yaml"), str(tmp_path / "skema.docx")]) == 0
        assert os.umask(0o022) == 0o022  # in-process callers keep theirs
    finally:
        os.umask(before)
    assert mode(tmp_path / "skema.docx") == 0o600
    with private_umask():
        (tmp_path / "x").write_text("x")
    assert mode(tmp_path / "x") == 0o600


def test_every_unit_in_deploy_runs_with_umask_077():
    units = sorted((PROJECT / "deploy").glob("*.service"))
    assert units
    for unit in units:
        lines = [line.strip() for line in unit.read_text().splitlines()]
        service = lines[lines.index("[Service]"):]
        assert "UMask=0077" in service, unit.name


def test_an_older_home_is_made_private_and_up_says_so(dmpg_home, tmp_path):
    """The line `dmpg up` prints (the whole start: tests/stack/test_real_stack.py)."""
    from core.private import Tightened
    from dmpg.adapters.stack import LocalStack, StartReport
    from dmpg.interfaces.cli.stack import _up_text

    report = StartReport(home=tmp_path, api="a", ui="u", smtp="s", started=["server"],
                         tightened=Tightened(directories=2, files=5))
    text = _up_text(LocalStack(), report)
    assert f"DMPG_HOME er gjort privat: 2 mapper og 5 filer under {tmp_path}" in text.splitlines()[1]
