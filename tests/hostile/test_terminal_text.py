"""Text from a form reaches a terminal shown, never obeyed; JSON output stays exactly the data."""

from __future__ import annotations

import json

from core.errors import MAX_SHOWN_PROBLEMS, InputError, printable
from dmpg.interfaces.cli._output import print_json, print_table
from dmpg.interfaces.cli.check import render_text
from forms.findings import Finding

HOSTILE = "Angst\x1b[32m\rKan indsendes\u009b2J\u202eOCD\x07\nnæste linje"


def test_printable_shows_what_a_terminal_would_obey():
    shown = printable(HOSTILE)
    assert shown == "Angst\\u001b[32m\\u000dKan indsendes\\u009b2J\\u202eOCD\\u0007\nnæste linje"
    assert printable(HOSTILE, newlines=False).count("\n") == 0
    assert printable("Pårørende\tog børn") == "Pårørende\tog børn"  # ordinary text is untouched
    assert printable(shown) == shown


def test_json_output_is_the_exact_data(capsys):
    data = {"title": HOSTILE, "items": ["\u0085", "\u2028"]}
    print_json(data)
    out = capsys.readouterr().out
    assert json.loads(out) == data
    assert not any(char in out for char in "\x1b\r\u009b\u202e\x07\u0085\u2028")


def test_the_human_report_keeps_form_text_on_its_own_line():
    finding = Finding(code="database.status", severity="info", message=f"Database: {HOSTILE}", items=[HOSTILE])
    lines = render_text(HOSTILE, [finding]).splitlines()
    assert lines[0].startswith("Indstillingsskema: Angst\\u001b[32m\\u000dKan indsendes")
    assert [line for line in lines if line.startswith("Kan ")] == ["Kan indsendes: ingen blokerende mangler."]
    assert not any(char in line for line in lines for char in "\x1b\r\u009b\u202e\x07")


def test_tables_and_errors_show_control_characters(capsys):
    print_table(["TITEL"], [[HOSTILE]])
    assert "\\u001b[32m" in capsys.readouterr().out
    error = InputError(f"skema{HOSTILE}.yaml", [(f"proposers[0].{HOSTILE}", f"got the text '{HOSTILE}'")])
    assert len(str(error).splitlines()) == 2  # the header and one line for the one problem
    assert error.problems == [(f"proposers[0].{HOSTILE}", f"got the text '{HOSTILE}'")]  # the data, as given


def test_a_long_list_of_problems_is_cut():
    error = InputError("skema.yaml", [(f"proposers[{n}]", "expected a mapping") for n in range(1_000)])
    lines = str(error).splitlines()
    assert lines[0] == "skema.yaml: 1000 fejl i indholdet:"
    assert lines[-1] == f"  - … og {1_000 - MAX_SHOWN_PROBLEMS} fejl mere" and len(lines) == MAX_SHOWN_PROBLEMS + 2
