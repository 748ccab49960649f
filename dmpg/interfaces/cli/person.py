"""``dmpg person export EMAIL OUT``, ``dmpg person erase EMAIL``, ``dmpg person retention``: one person's
data under the GDPR (``dmpg.services.persondata``: what is kept as a case's record, and why).

``export`` writes ``personoplysninger-<address>.json`` (everything) and ``.docx`` (a Danish summary)
into the folder OUT; ``erase`` exits 1, changing nothing, while the person is on the roster or a party
to an open proposal. Each prints Danish for the secretariat; ``--json`` the facts.
"""

from __future__ import annotations

import argparse
import getpass

from core.text import danish_date
from dmpg.interfaces.cli._output import print_json, print_text
from dmpg.services import persondata


def _who() -> str:
    """Who ran the command, for the privacy log: the account of the shell."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "ukendt"


def run(args: argparse.Namespace) -> int:
    if args.person_command == "export":
        done = persondata.export(args.email, args.out, by=_who())
        if args.json:
            print_json({"email": args.email, "json": str(done.json_path), "docx": str(done.docx_path), "counts": done.counts})
        else:
            found = ", ".join(text for text, n in _danish_counts(done.counts) if n) or "intet"
            print_text(f"Udtræk for {args.email}: {found}.\n  {done.docx_path}  (læsbar oversigt)\n"
                       f"  {done.json_path}  (det hele)")
        return 0
    if args.person_command == "erase":
        done = persondata.erase(args.email, by=_who())
        if args.json:
            print_json(done.to_json())
            return 0
        lines = [f"{args.email} er slettet, hvor ingen akt kræver oplysningerne; personen hedder nu {done.pseudonym} "
                 "i det, der er ændret.",
                 f"  {_n(done.mails, 'e-mail', 'e-mails')} ryddet · {_n(done.links_deleted, 'link', 'links')} slettet, "
                 f"{done.links_pseudonymised} pseudonymiseret (brugt til en beslutning) · teknisk journal: "
                 f"{done.journal_deleted} slettet, {done.journal_pseudonymised} pseudonymiseret"]
        for kept in done.kept:
            until = f"til {danish_date(kept['until'])}" if kept["until"] else \
                "indtil sagen er afsluttet og opbevaringsperioden udløbet"
            lines.append(f"  Bevaret som sagens akter: {kept['proposal']} ({', '.join(kept['roles']) or 'nævnt i forløbet'}), {until}")
        print_text("\n".join(lines))
        return 0
    done = persondata.apply_retention(by=_who())
    if args.json:
        print_json(done.to_json())
    elif done.proposals or done.meetings:
        print_text(f"Opbevaringsperioden er udløbet for {', '.join(done.proposals + done.meetings)} (afsluttet før "
                   f"{done.cutoff}): {_n(done.people, 'person', 'personer')} pseudonymiseret, "
                   f"{_n(done.documents_deleted, 'dokument', 'dokumenter')} slettet.")
    else:
        print_text(f"Ingen afsluttede sager er ældre end opbevaringsperioden (afsluttet før {done.cutoff}).")
    return 0


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _danish_counts(counts: dict[str, int]) -> list[tuple[str, int]]:
    words = {"roster": ("plads på rosteren", "pladser på rosteren"),
             "organisations": ("kontakt for en organisation", "kontakter for organisationer"),
             "proposals": ("forslag", "forslag"), "decisions": ("beslutning", "beslutninger"),
             "mails": ("e-mail", "e-mails"), "documents": ("dokument", "dokumenter"), "links": ("link", "links"),
             "events": ("hændelse", "hændelser"), "meetings": ("møde", "møder"),
             "privacy_log": ("tidligere udtræk", "tidligere udtræk")}
    return [(_n(n, *words[k]), n) for k, n in counts.items()]
