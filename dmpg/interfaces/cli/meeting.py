"""``dmpg meeting plan|list|show|record|approve|form``: a body decides many proposals at one meeting
(DESIGN.md "Meetings"; the rules are in ``dmpg.services.meetings``)."""

from __future__ import annotations

import argparse
import shutil
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from core.errors import UserError
from core.text import capitalise, danish_date, date_problem, plural
from dmpg.documents.meeting import produce_meeting_document
from dmpg.interfaces.cli._output import print_json, print_table
from dmpg.services.meetings import (
    PACK_TIMEZONE,
    approve_minutes,
    cancel_meeting,
    plan_meeting,
    record_minutes,
)
from dmpg.state.agenda import get_meeting, meeting_view
from forms.gates import GATES
from forms.meetings import STATUS_LABELS
from forms.vocabulary import BODY_LABELS, STAGE_LABELS
from models import ledger
from models.ledger import ensure_schema

SOURCE_LABELS = {"automatic": "automatisk", "named": "valgt", "deferred": "udsat hertil", "carried_over": "overført"}
DOCUMENT_TITLES = {"meeting_pack": "Mødemateriale", "meeting_minutes": "Beslutningsreferat", "minutes_form": "Referatskema"}


def _outcome(gate: str, code: str | None) -> str:
    """A decision's Danish label ("Godkendt"); "afventer" while there is none."""
    return GATES[gate].outcome(code).label if code else "afventer"


def run(args: argparse.Namespace) -> int:
    return {"plan": _plan, "list": _list, "show": _show, "record": _record, "approve": _approve,
            "form": _form, "cancel": _cancel}[args.meeting_command](args)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"mødedatoen: {date_problem(text)}", exit_code=2) from None


def _plan(args: argparse.Namespace) -> int:
    planned = plan_meeting(args.body, _date(args.date), args.proposal, start=args.time, place=args.place,
                           online_url=args.online)
    data = planned.to_json()
    if args.json:
        print_json(data)
        return 0
    what = "planlagt" if planned.created else (f"{len(planned.added)} sat på dagsordenen" if planned.added
                                               else "allerede planlagt")
    m = planned.meeting
    print(f"{data['meeting']}: {what} ({danish_date(m.date, weekday=True)} kl. {m.start_time}, {m.place}"
          + (f", online: {m.online_url}" if m.online_url else "") + ")")
    _agenda(data["agenda"])
    if planned.meeting.pack_at and data["status"] == "planned":
        print(f"Mødematerialet sendes til medlemmerne {_local(planned.meeting.pack_at)} (kørslen {data['meeting']} "
              "i Prefect UI). Medlemmerne har fået en kalenderinvitation.")
    return 0


def _local(at) -> str:  # noqa: ANN001 - an aware datetime
    """A moment as the secretariat reads it: Copenhagen time."""
    local = at.astimezone(ZoneInfo(PACK_TIMEZONE))
    return f"{danish_date(local)} kl. {local:%H:%M}"


def _agenda(items: list[dict]) -> None:
    if not items:
        print("Dagsordenen er tom: intet venter på dette organ endnu.")
        return
    print_table(["#", "FORSLAG", "TITEL", "AFVENTER", "RUNDE"],
                [[n, i["proposal"], i["title"], GATES[i["gate"]].label, i["round"]] for n, i in enumerate(items, start=1)])


def _list(args: argparse.Namespace) -> int:
    ensure_schema()
    rows = [{"meeting": m.id, "body": m.body, "date": m.date.isoformat(), "status": m.status,
             "agenda": len(ledger.agenda(m.id))} for m in ledger.list_meetings()]
    if args.json:
        print_json(rows)
    elif not rows:
        print("Der er ikke planlagt noget møde. Planlæg et: dmpg meeting plan steering_group ÅÅÅÅ-MM-DD")
    else:
        print_table(["MØDE", "ORGAN", "DATO", "STATUS", "PUNKTER"],
                    [[r["meeting"], capitalise(BODY_LABELS.get(r["body"], r["body"])), r["date"],
                      STATUS_LABELS.get(r["status"], r["status"]), r["agenda"]] for r in rows])
    return 0


def _show(args: argparse.Namespace) -> int:
    view = meeting_view(get_meeting(args.meeting))
    if args.json:
        print_json(view)
        return 0
    print(f"{view['meeting']} · {capitalise(BODY_LABELS.get(view['body'], view['body']))} · "
          f"{danish_date(view['date'], weekday=True)} · {STATUS_LABELS.get(view['status'], view['status'])}")
    sent = any(d["kind"] == "meeting_pack" for d in view["documents"])
    if view["status"] == "minutes_recorded" and not sent:
        print("Mødemateriale: ikke sendt (referatet blev registreret, før det skulle ud)")
    elif view["pack_at"]:
        print(f"Mødemateriale: {'sendt' if sent else 'sendes'} {_local(datetime.fromisoformat(view['pack_at']))}"
              + (f" · {view['pack_url']}" if view["pack_url"] else ""))
    if view["minutes_by"]:
        print(f"Referat: registreret af {view['minutes_by']} {view['minutes_at'][:16].replace('T', ' kl. ')} (UTC)"
              + (f", godkendt af {view['approved_by']}" if view["approved_by"] else ""))
    print()
    if view["agenda"]:
        print_table(["#", "FORSLAG", "TITEL", "AFVENTER", "RUNDE", "PÅ DAGSORDENEN", "BESLUTNING", "STADIE"],
                    [[n, i["proposal"], i["title"], GATES[i["gate"]].label, i["round"], SOURCE_LABELS.get(i["source"], i["source"]),
                      _outcome(i["gate"], i["decision"] or i["in_minutes"]), STAGE_LABELS.get(i["stage"], i["stage"])]
                     for n, i in enumerate(view["agenda"], start=1)])
    else:
        print("Dagsordenen er tom.")
    if view["documents"]:
        print("\nDokumenter")
        print_table(["DOKUMENT", "VERSION", "FIL"], [[DOCUMENT_TITLES.get(d["kind"], d["kind"]), d["version"], d["path"]]
                                                    for d in view["documents"]])
    return 0


def _print_result(result, args: argparse.Namespace) -> int:
    data = result.to_json()
    if args.json:
        print_json(data)
    else:
        n = len(data["decisions"])
        if data["status"] == "awaiting_approval":
            print(f"{data['meeting']}: referatet ({plural(n, 'beslutning', 'beslutninger')}) er registreret og afventer "
                  "formandens godkendelse; intet træder i kraft før det.")
        else:
            print(f"{data['meeting']}: referatet er registreret; {plural(n, 'beslutning', 'beslutninger')} i kraft.")
        for d in data["decisions"]:
            late = "" if d["woken"] or data["status"] == "awaiting_approval" else \
                " (sagen blev ikke vækket nu: den tager beslutningen, når den når punktet; venter den der, så kør kommandoen igen)"
            print(f"  {d['proposal']}: {GATES[d['gate']].label} (runde {d['round']}) → {_outcome(d['gate'], d['decision'])}{late}")
        for d in data["not_recorded"]:
            print(f"  {d['proposal']}: IKKE registreret: {d['reason']}")
        for p in data["left_waiting"]:
            print(f"  {p}: ikke i referatet; venter fortsat" + (f" (nu på {data['moved_to'][p]})" if p in data["moved_to"] else ""))
        for p, m in data["moved_to"].items():
            if p not in data["left_waiting"]:
                print(f"  {p}: udsat; på dagsordenen for {m}")
    return 1 if data["not_recorded"] else 0


def _record(args: argparse.Namespace) -> int:
    return _print_result(record_minutes(args.meeting, Path(args.minutes), args.by), args)


def _approve(args: argparse.Namespace) -> int:
    return _print_result(approve_minutes(args.meeting, args.by), args)


def _form(args: argparse.Namespace) -> int:
    doc = produce_meeting_document(get_meeting(args.meeting).id, "minutes_form")
    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        raise UserError(f"{out}: referatskemaet er en Word-fil; angiv et navn, der ender på .docx", exit_code=2)
    shutil.copyfile(doc.path, out)
    print(f"Referatskemaet til {doc.meeting_id} (version {doc.version}) er skrevet: {out}")
    return 0


def _cancel(args: argparse.Namespace) -> int:
    meeting = cancel_meeting(args.meeting)
    if args.json:
        print_json({"meeting": meeting.id, "body": meeting.body, "date": meeting.date.isoformat(),
                    "status": meeting.status, "invitation_sequence": meeting.invitation_sequence})
    else:
        print(f"{meeting.id}: aflyst; medlemmerne får kalenderens aflysning. Forslagene på dagsordenen venter "
              "fortsat og kommer på det næste møde, der planlægges.")
    return 0
