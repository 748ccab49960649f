"""``dmpg``: the command line (contract: DESIGN.md "The command line").

Start-up must stay fast (``dmpg --help`` under 0.5 s): this module imports only argparse; each
command's module, and with it Prefect, SQLAlchemy or docx, is imported when that command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# command -> (module under dmpg.cli, one-line help, function adding its arguments)
Adder = Callable[[argparse.ArgumentParser], None]


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _check(p: argparse.ArgumentParser) -> None:
    p.add_argument("form", help="the proposal form: .yaml, .yml, .json or a filled .docx")
    _json_flag(p)


def _form(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="form_command", required=True, metavar="{blank,render}")
    blank = sub.add_parser("blank", help="write an empty, fillable indstillingsskema (.docx)")
    blank.add_argument("out", help="where to write the .docx")
    render = sub.add_parser("render", help="fill the Word form from a YAML/JSON form")
    render.add_argument("form", help="the proposal form (.yaml/.json)")
    render.add_argument("out", help="where to write the .docx")


def _propose(p: argparse.ArgumentParser) -> None:
    p.add_argument("form", help="the proposal form: .yaml, .json or a filled .docx")
    _json_flag(p)


def _gate_names() -> list[str]:
    # The gates are declared in forms.gates (pydantic models): imported only when `decide` is parsed.
    from forms.gates import GATES

    return list(GATES)


def _decide(p: argparse.ArgumentParser) -> None:
    p.add_argument("proposal", help="proposal id, e.g. DMPG-2026-001")
    p.add_argument("gate", choices=_gate_names(), help="the gate that waits, e.g. steering")
    p.add_argument("--input", required=True, metavar="FILE", help="the decision as YAML or JSON")
    p.add_argument("--by", required=True, metavar="EMAIL", help="who records it (must be on the roster)")
    p.add_argument("--wait", action="store_true", help="return when the proposal waits at its next gate (or ends)")
    _json_flag(p)


def _status(p: argparse.ArgumentParser) -> None:
    p.add_argument("proposal", help="proposal id, e.g. DMPG-2026-001")
    _json_flag(p)


def _recover(p: argparse.ArgumentParser) -> None:
    p.add_argument("proposal", help="proposal id, e.g. DMPG-2026-001")
    _json_flag(p)


def _report(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", metavar="OUT.docx", help="where to write the report (Word)")
    p.add_argument("--from", dest="start", metavar="DATE", help="the period's first day, YYYY-MM-DD "
                   "(default: three months before --to)")
    p.add_argument("--to", dest="end", metavar="DATE", help="the period's last day, YYYY-MM-DD (default: today)")
    formats = p.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="also print the figures as JSON")
    formats.add_argument("--csv", action="store_true", help="also print the figures as CSV")


def _up(p: argparse.ArgumentParser) -> None:
    _json_flag(p)


def _demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--keep-running", action="store_true", help="leave the local stack up to browse the UI")


def _outbox(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="outbox_command", metavar="{list,retry}")
    lst = sub.add_parser("list", help="list notifications (default)")
    _json_flag(lst)
    sub.add_parser("retry", help="send again what failed or is pending")
    _json_flag(p)


def _meeting(p: argparse.ArgumentParser) -> None:
    bodies = ["reference_group", "steering_group", "director_circle"]
    sub = p.add_subparsers(dest="meeting_command", required=True, metavar="{plan,list,show,record,approve,form}")
    plan = sub.add_parser("plan", help="plan a meeting: its agenda, and its pack scheduled in Prefect")
    plan.add_argument("body", choices=bodies, help="the deciding body")
    plan.add_argument("date", help="the meeting's date, YYYY-MM-DD")
    plan.add_argument("--proposal", action="append", default=[], metavar="P",
                      help="put exactly these proposals on the agenda (repeatable); default: all waiting")
    _json_flag(plan)
    _json_flag(sub.add_parser("list", help="the meetings, by date"))
    show = sub.add_parser("show", help="a meeting: agenda, each item's state, documents")
    show.add_argument("meeting", help="meeting id, e.g. styregruppen-2027-03-11")
    _json_flag(show)
    record = sub.add_parser("record", help="record the minutes: every decision of the meeting at once")
    record.add_argument("meeting", help="meeting id, e.g. styregruppen-2027-03-11")
    record.add_argument("--minutes", required=True, metavar="FILE",
                        help="YAML/JSON 'decisions: [{proposal, decision, rationale}]' or the filled minutes form (.docx)")
    record.add_argument("--by", required=True, metavar="EMAIL", help="who records them (the secretariat or a member)")
    _json_flag(record)
    approve = sub.add_parser("approve", help="the chair approves the minutes (when DMPG_MINUTES_NEED_CHAIR_APPROVAL)")
    approve.add_argument("meeting", help="meeting id")
    approve.add_argument("--by", required=True, metavar="EMAIL", help="the chair")
    _json_flag(approve)
    form = sub.add_parser("form", help="write the meeting's minutes form (.docx) to fill in")
    form.add_argument("meeting", help="meeting id")
    form.add_argument("out", help="where to write the .docx")


COMMANDS: dict[str, tuple[str, str, Adder | None]] = {
    "check": ("check", "check a proposal form against the basic premises (grundpræmisser)", _check),
    "form": ("form", "the proposal form in Word: blank or filled", _form),
    "registry": ("registry", "list the established DMPGs", _json_flag),
    "up": ("stack", "start the local stack: Prefect server + UI, flow runner, mail sink", _up),
    "down": ("stack", "stop what 'dmpg up' started", None),
    "propose": ("propose", "submit a proposal: starts its lifecycle flow run", _propose),
    "pending": ("pending", "list proposals waiting at a gate", _json_flag),
    "decide": ("decide", "record a gate's decision (resumes the waiting flow run)", _decide),
    "status": ("status", "a proposal's stage, timeline, documents and notifications", _status),
    "meeting": ("meeting", "meetings: plan, list, show, record the minutes", _meeting),
    "report": ("report", "the status report: proposals in process, decisions, times per gate, overdue (Word)",
               _report),
    "outbox": ("outbox", "the notification outbox: list, or retry what failed", _outbox),
    "recover": ("recover", "resume a proposal whose lifecycle run stopped (the recovery sweep does it on its own)",
                _recover),
    "demo": ("demo", "run an example proposal through the whole lifecycle on the local stack", _demo),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser. Only ``command`` (the first argument) gets its arguments: a command's choices may
    import what they list, and no other command (nor ``dmpg --help``) pays for that."""
    parser = argparse.ArgumentParser(
        prog="dmpg",
        description="DMPG proposal engine: from indstillingsskema to established group, on Prefect.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_module, help_text, adder) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if adder and name == command:
            adder(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(next((a for a in argv if not a.startswith("-")), None)).parse_args(argv)
    module_name, _, _ = COMMANDS[args.command]
    try:
        module = importlib.import_module(f"dmpg.cli.{module_name}")
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("dmpg: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``dmpg registry | head``): not an error. Silence the final flush.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place that turns any error into one line
        from dmpg.cli._errors import report

        return report(exc, args.command)


if __name__ == "__main__":
    sys.exit(main())
