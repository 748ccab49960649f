"""Hostile input files end in exit code 2 with a short, specific message (issue 12, item 5).

Each row of ``hostile_files.CASES`` is made under a temporary folder and read by the installed
``dmpg check`` (some rows also by the decision reader of ``dmpg decide --input``) in a process
limited to 500 MB of address space. A crash (a negative exit code), a traceback, exit 3, an escape
sequence or carriage return on the terminal, a line of a system file, or a message that quotes the
file at length all fail the row. Timeouts only guard against hangs; speed lives in ``bench.hostile``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hostile_files import CASES, Case, Outcome, check_argv, decision_argv, run

MAX_MESSAGE = 4_000  # characters on stderr: a message one reads, never a file echoed back

Reader = Callable[[Path], list[str]]
RUNS: dict[str, tuple[Reader, Case]] = {
    **{f"check: {case.name}": (check_argv, case) for case in CASES},
    **{f"decide: {case.name}": (decision_argv, case) for case in CASES if case.decision},
}


@pytest.fixture(scope="module")
def outcomes(request, tmp_path_factory) -> dict[str, Outcome]:
    """The outcome of every selected run. Each run is a process of about a second, so they run a
    few at a time; the files are made first, one after the other."""
    selected = [item.callspec.params["run_id"] for item in request.session.items
                if item.module is request.module and item.originalname == "test_a_hostile_file_is_refused_clearly"]
    root = tmp_path_factory.mktemp("hostile")
    argvs: dict[str, tuple[list[str], dict[str, str]]] = {}
    for number, run_id in enumerate(selected):
        reader, case = RUNS[run_id]
        folder = root / str(number)
        folder.mkdir()
        case.make(folder / case.filename)
        env = {**os.environ, "DMPG_HOME": str(folder / "home")}
        env.pop("DMPG_DATABASE_URL", None)
        argvs[run_id] = (reader(folder / case.filename), env)
    with ThreadPoolExecutor(max_workers=max(2, min(4, os.cpu_count() or 2))) as pool:
        done = pool.map(lambda run_id: (run_id, run(*argvs[run_id])), argvs)
        return dict(done)


@pytest.mark.parametrize("run_id", list(RUNS))
def test_a_hostile_file_is_refused_clearly(run_id: str, outcomes):
    case, result = RUNS[run_id][1], outcomes[run_id]
    err = result.err.decode("utf-8", "replace")
    assert result.code == 2, f"exit {result.code} (negative: killed by that signal)\n{err}"
    assert result.out == b""
    assert "Traceback" not in err and "uventet fejl" not in err
    assert case.expected in err, err
    assert len(err) < MAX_MESSAGE, f"{len(err)} characters on stderr"
    for control in (b"\x1b", b"\r", "\u009b".encode(), b"\x07", b"\x00"):
        assert control not in result.out + result.err, f"{control!r} reached the terminal"
    if case.secret is not None:
        lines = [line for line in case.secret.read_text(errors="replace").splitlines() if line.strip()]
        assert not [line for line in lines if line in err], f"a line of {case.secret} was shown"


def test_the_table_keeps_growing():
    assert len(CASES) >= 60
    assert len({case.name for case in CASES}) == len(CASES), "every row needs its own name"
