"""``dmpg``: the command line (contract: DESIGN.md "The command line").

Start-up must stay fast (``dmpg --help`` under 0.5 s): this module imports only argparse; each
command's module, and with it Prefect, SQLAlchemy or docx, is imported when that command runs.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from core.private import UMASK

# command -> (module under dmpg.interfaces.cli, one-line help, function adding its arguments)
Adder = Callable[[argparse.ArgumentParser], None]

# argparse's own words in Danish (it looks them up through gettext's ``_`` at call time).
_ARGPARSE_DA = {
    "usage: ": "brug: ", "positional arguments": "argumenter", "options": "tilvalg",
    "show this help message and exit": "vis denne hjælp og afslut",
    "the following arguments are required: %s": "disse argumenter mangler: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg: %(value)r (vælg mellem %(choices)s)",
    "unrecognized arguments: %s": "ukendte argumenter: %s", "expected one argument": "forventede ét argument",
}
argparse._ = lambda text: _ARGPARSE_DA.get(text, text)  # type: ignore[attr-defined]


def _json_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="skriv JSON i stedet for en tabel")


def _check(p: argparse.ArgumentParser) -> None:
    p.add_argument("form", help="indstillingsskemaet: .yaml, .yml, .json eller et udfyldt .docx")
    _json_flag(p)


def _form(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="form_command", required=True, metavar="{blank,render}")
    blank = sub.add_parser("blank", help="skriv et tomt indstillingsskema til at udfylde (.docx)")
    blank.add_argument("out", help="hvor .docx-filen skrives")
    render = sub.add_parser("render", help="udfyld Word-skemaet fra et YAML/JSON-skema")
    render.add_argument("form", help="indstillingsskemaet (.yaml/.json)")
    render.add_argument("out", help="hvor .docx-filen skrives")


def _propose(p: argparse.ArgumentParser) -> None:
    p.add_argument("form", help="indstillingsskemaet: .yaml, .json eller et udfyldt .docx")
    p.add_argument("--again", action="store_true",
                   help="indsend også, når en åben sag har samme titel og indstillere")
    _json_flag(p)


def _gate_names() -> list[str]:
    # lazy: the command dispatch: the gates (pydantic models) only when `decide` is parsed
    from forms.gates import GATES

    return list(GATES)


def _decide(p: argparse.ArgumentParser) -> None:
    p.add_argument("proposal", help="sagens id, fx DMPG-2026-001")
    p.add_argument("gate", choices=_gate_names(), help="det punkt, der venter, fx steering")
    p.add_argument("--input", required=True, metavar="FILE", help="beslutningen som YAML eller JSON")
    p.add_argument("--by", required=True, metavar="EMAIL", help="hvem den registreres for (skal stå på rosteren)")
    p.add_argument("--wait", action="store_true", help="vend tilbage, når sagen venter ved sit næste punkt (eller er afsluttet)")
    _json_flag(p)


def _status(p: argparse.ArgumentParser) -> None:
    p.add_argument("proposal", help="sagens id, fx DMPG-2026-001")
    _json_flag(p)


def _recover(p: argparse.ArgumentParser) -> None:
    p.add_argument("proposal", help="sagens id, fx DMPG-2026-001")
    _json_flag(p)


def _report(p: argparse.ArgumentParser) -> None:
    p.add_argument("out", metavar="OUT.docx", help="hvor rapporten skrives (Word)")
    p.add_argument("--from", dest="start", metavar="DATO", help="periodens første dag, ÅÅÅÅ-MM-DD "
                   "(standard: tre måneder før --to)")
    p.add_argument("--to", dest="end", metavar="DATO", help="periodens sidste dag, ÅÅÅÅ-MM-DD (standard: i dag)")
    formats = p.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="skriv også tallene som JSON")
    formats.add_argument("--csv", action="store_true", help="skriv også tallene som CSV")


def _up(p: argparse.ArgumentParser) -> None:
    _json_flag(p)


def _demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--keep-running", action="store_true", help="lad den lokale stak køre bagefter, så UI'et kan ses")


def _outbox(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="outbox_command", metavar="{list,retry}")
    lst = sub.add_parser("list", help="vis e-mails i udbakken (standard)")
    _json_flag(lst)
    sub.add_parser("retry", help="send det igen, der fejlede eller venter")
    _json_flag(p)


def _meeting(p: argparse.ArgumentParser) -> None:
    # lazy: the command dispatch: the meetings' vocabulary only when `meeting` is parsed
    from forms.meetings import MEETING_BODIES

    bodies = list(MEETING_BODIES)
    sub = p.add_subparsers(dest="meeting_command", required=True,
                           metavar="{plan,list,show,record,approve,form,cancel}")
    plan = sub.add_parser("plan", help="planlæg et møde: dagsorden, kalenderinvitation og mødemateriale")
    plan.add_argument("body", choices=bodies, help="det besluttende organ")
    plan.add_argument("date", help="mødets dato, ÅÅÅÅ-MM-DD")
    plan.add_argument("--proposal", action="append", default=[], metavar="P",
                      help="sæt netop disse forslag på dagsordenen (kan gentages); standard: alle, der venter")
    plan.add_argument("--time", metavar="HH:MM", help="hvornår det begynder (standard DMPG_MEETING_TIME); et andet "
                                                      "tidspunkt for et planlagt møde ændrer invitationen")
    plan.add_argument("--place", metavar="TEXT", help="hvor det holdes (standard DMPG_MEETING_PLACE)")
    plan.add_argument("--online", metavar="URL", help="link til at deltage online (standard DMPG_MEETING_ONLINE_URL)")
    _json_flag(plan)
    _json_flag(sub.add_parser("list", help="møderne, efter dato"))
    show = sub.add_parser("show", help="et møde: dagsorden, hvert punkts stilling, dokumenter")
    show.add_argument("meeting", help="mødets id, fx styregruppen-2027-03-11")
    _json_flag(show)
    record = sub.add_parser("record", help="registrér referatet: alle mødets beslutninger på én gang")
    record.add_argument("meeting", help="mødets id, fx styregruppen-2027-03-11")
    record.add_argument("--minutes", required=True, metavar="FILE",
                        help="YAML/JSON 'decisions: [{proposal, decision, rationale}]' eller det udfyldte referatskema (.docx)")
    record.add_argument("--by", required=True, metavar="EMAIL", help="hvem de registreres for (sekretariatet eller et medlem)")
    _json_flag(record)
    approve = sub.add_parser("approve", help="formanden godkender referatet (med DMPG_MINUTES_NEED_CHAIR_APPROVAL)")
    approve.add_argument("meeting", help="mødets id")
    approve.add_argument("--by", required=True, metavar="EMAIL", help="formanden")
    _json_flag(approve)
    form = sub.add_parser("form", help="skriv mødets referatskema (.docx) til at udfylde")
    form.add_argument("meeting", help="mødets id")
    form.add_argument("out", help="hvor .docx-filen skrives")
    cancel = sub.add_parser("cancel", help="aflys et møde: medlemmerne får kalenderens aflysning")
    cancel.add_argument("meeting", help="mødets id")
    _json_flag(cancel)


def _upgrade(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = sub.add_parser("check", help="read-only: can this release carry on every waiting proposal? "
                                         "(exit 1 when one cannot)")
    _json_flag(check)


def _person(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="person_command", required=True, metavar="{export,erase,retention}")
    export = sub.add_parser("export", help="udtræk alt, hvad systemet har om en person: JSON og en dansk oversigt i Word")
    export.add_argument("email", help="personens e-mailadresse")
    export.add_argument("out", help="mappen, de to filer skrives i (oprettes, hvis den mangler)")
    _json_flag(export)
    erase = sub.add_parser("erase", help="slet eller pseudonymisér en persons oplysninger, hvor ingen akt kræver dem")
    erase.add_argument("email", help="personens e-mailadresse")
    _json_flag(erase)
    retention = sub.add_parser("retention", help="pseudonymisér akterne i sager, der sluttede for DMPG_RETENTION_YEARS år siden")
    _json_flag(retention)


COMMANDS: dict[str, tuple[str, str, Adder | None]] = {
    "check": ("check", "tjek et indstillingsskema mod grundpræmisserne", _check),
    "form": ("form", "indstillingsskemaet i Word: tomt eller udfyldt", _form),
    "registry": ("registry", "vis de etablerede DMPG'er", _json_flag),
    "up": ("stack", "start den lokale stak: Prefect-server og UI, flowkører, mailsink", _up),
    "down": ("stack", "stop det, 'dmpg up' startede", None),
    "propose": ("propose", "indsend en indstilling: starter sagens forløb", _propose),
    "pending": ("pending", "vis de sager, der venter på en beslutning", _json_flag),
    "decide": ("decide", "registrér en beslutning (sagen går videre)", _decide),
    "status": ("status", "en sags stadie, forløb, dokumenter og e-mails", _status),
    "meeting": ("meeting", "møder: planlæg, vis, registrér referatet, aflys", _meeting),
    "report": ("report", "statusrapporten: sager i gang, beslutninger, tid pr. gate, overskredne frister (Word)",
               _report),
    "outbox": ("outbox", "udbakken: vis, eller send det igen, der fejlede", _outbox),
    "recover": ("recover", "genoptag en sag, hvis kørsel stoppede (recovery sweep gør det selv)",
                _recover),
    "upgrade": ("upgrade", "før en opgradering: kan denne version føre alle ventende sager videre?", _upgrade),
    "person": ("person", "én persons oplysninger (GDPR): udtræk, sletning; opbevaringsreglen", _person),
    "demo": ("demo", "kør et eksempel gennem hele forløbet på den lokale stak", _demo),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser. Only ``command`` (the first argument) gets its arguments: a command's choices may
    import what they list, and no other command (nor ``dmpg --help``) pays for that."""
    parser = argparse.ArgumentParser(
        prog="dmpg",
        description="DMPG-sagsbehandlingen: fra indstillingsskema til etableret gruppe, på Prefect.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (_module, help_text, adder) in COMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        if adder and name == command:
            adder(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Whatever a command writes under DMPG_HOME is its owner's alone (core.private); called in-process
    # (the tests), the caller's umask is given back.
    previous = os.umask(UMASK)
    try:
        return _run(list(sys.argv[1:] if argv is None else argv))
    finally:
        os.umask(previous)


def _run(argv: list[str]) -> int:
    args = build_parser(next((a for a in argv if not a.startswith("-")), None)).parse_args(argv)
    module_name, _, _ = COMMANDS[args.command]
    try:
        module = importlib.import_module(f"dmpg.interfaces.cli.{module_name}")
        return int(module.run(args) or 0)
    except KeyboardInterrupt:
        print("dmpg: afbrudt", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``dmpg registry | head``): not an error. Silence the final flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # noqa: BLE001 - the one place that turns any error into one line
        # lazy: the command dispatch: the error report only when a command fails
        from dmpg.interfaces.cli._errors import report

        return report(exc, args.command)


if __name__ == "__main__":
    sys.exit(main())
