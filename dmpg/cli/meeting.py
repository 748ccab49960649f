"""``dmpg meeting plan|list|show|record|approve|form``: a body decides many proposals at one meeting
(DESIGN.md "Meetings"; the rules are in ``dmpg.meetings``)."""

from __future__ import annotations

import argparse
import shutil
from datetime import date
from pathlib import Path

from core.errors import UserError
from core.text import danish_date
from dmpg.cli._output import print_json, print_table


def run(args: argparse.Namespace) -> int:
    return {"plan": _plan, "list": _list, "show": _show, "record": _record, "approve": _approve,
            "form": _form, "cancel": _cancel}[args.meeting_command](args)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"the meeting date {text!r} is not a date as YYYY-MM-DD (e.g. 2027-03-11)", exit_code=2) from None


def _plan(args: argparse.Namespace) -> int:
    from dmpg.meetings import plan_meeting

    planned = plan_meeting(args.body, _date(args.date), args.proposal, start=args.time, place=args.place,
                           online_url=args.online)
    data = planned.to_json()
    if args.json:
        print_json(data)
        return 0
    what = "planned" if planned.created else (f"{len(planned.added)} added to the agenda" if planned.added
                                               else "already planned")
    print(f"{data['meeting']}: {what} ({danish_date(planned.meeting.date, weekday=True)}, {data['status']})")
    _agenda(data["agenda"])
    if planned.meeting.pack_at and data["status"] == "planned":
        print(f"The pack goes to the members {_local(planned.meeting.pack_at)} (flow run {data['meeting']} "
              "in the Prefect UI).")
    return 0


def _local(at) -> str:  # noqa: ANN001 - an aware datetime
    """A moment as the secretariat reads it: Copenhagen time."""
    from zoneinfo import ZoneInfo

    from dmpg.meetings import PACK_TIMEZONE

    return f"{at.astimezone(ZoneInfo(PACK_TIMEZONE)):%Y-%m-%d %H:%M} (Copenhagen time)"


def _agenda(items: list[dict]) -> None:
    if not items:
        print("The agenda is empty: nothing waits for this body yet.")
        return
    print_table(["#", "PROPOSAL", "TITLE", "GATE", "ROUND"],
                [[n, i["proposal"], i["title"], i["gate"], i["round"]] for n, i in enumerate(items, start=1)])


def _list(args: argparse.Namespace) -> int:
    from models import ledger
    from models.db import ensure_schema

    ensure_schema()
    rows = [{"meeting": m.id, "body": m.body, "date": m.date.isoformat(), "status": m.status,
             "agenda": len(ledger.agenda(m.id))} for m in ledger.list_meetings()]
    if args.json:
        print_json(rows)
    elif not rows:
        print("No meeting is planned. Plan one: dmpg meeting plan steering_group YYYY-MM-DD")
    else:
        print_table(["MEETING", "BODY", "DATE", "STATUS", "ITEMS"],
                    [[r["meeting"], r["body"], r["date"], r["status"], r["agenda"]] for r in rows])
    return 0


def _show(args: argparse.Namespace) -> int:
    from dmpg.agenda import get_meeting, meeting_view

    view = meeting_view(get_meeting(args.meeting))
    if args.json:
        print_json(view)
        return 0
    print(f"{view['meeting']} · {view['body']} · {view['date']} · {view['status']}")
    sent = any(d["kind"] == "meeting_pack" for d in view["documents"])
    if view["status"] == "minutes_recorded" and not sent:
        print("Pack: not sent (the minutes were recorded before it was due)")
    elif view["pack_at"]:
        from datetime import datetime

        print(f"Pack: {'sent' if sent else 'goes out'} {_local(datetime.fromisoformat(view['pack_at']))}"
              + (f" · {view['pack_url']}" if view["pack_url"] else ""))
    if view["minutes_by"]:
        print(f"Minutes: recorded by {view['minutes_by']} at {view['minutes_at'][:16].replace('T', ' ')} UTC"
              + (f", approved by {view['approved_by']}" if view["approved_by"] else ""))
    print()
    if view["agenda"]:
        print_table(["#", "PROPOSAL", "TITLE", "GATE", "ROUND", "ON AGENDA", "DECISION", "STAGE"],
                    [[n, i["proposal"], i["title"], i["gate"], i["round"], i["source"],
                      i["decision"] or i["in_minutes"] or "waiting", i["stage"]]
                     for n, i in enumerate(view["agenda"], start=1)])
    else:
        print("The agenda is empty.")
    if view["documents"]:
        print("\nDocuments")
        print_table(["KIND", "VERSION", "PATH"], [[d["kind"], d["version"], d["path"]] for d in view["documents"]])
    return 0


def _print_result(result, args: argparse.Namespace) -> int:
    data = result.to_json()
    if args.json:
        print_json(data)
    else:
        if data["status"] == "awaiting_approval":
            print(f"{data['meeting']}: the minutes ({len(data['decisions'])} decisions) are recorded and await the "
                  "chair's approval; nothing takes effect before that.")
        else:
            print(f"{data['meeting']}: minutes recorded; {len(data['decisions'])} decision(s) in force.")
        for d in data["decisions"]:
            late = "" if d["woken"] or data["status"] == "awaiting_approval" else \
                " (its run was not woken now: it takes the decision when it reaches the gate; if it waits there, run this again)"
            print(f"  {d['proposal']}: {d['gate']} (round {d['round']}) → {d['decision']}{late}")
        for d in data["not_recorded"]:
            print(f"  {d['proposal']}: NOT recorded: {d['reason']}")
        for p in data["left_waiting"]:
            print(f"  {p}: not in the minutes; keeps waiting" + (f" (now on {data['moved_to'][p]})" if p in data["moved_to"] else ""))
        for p, m in data["moved_to"].items():
            if p not in data["left_waiting"]:
                print(f"  {p}: deferred; on the agenda of {m}")
    return 1 if data["not_recorded"] else 0


def _record(args: argparse.Namespace) -> int:
    from dmpg.meetings import record_minutes

    return _print_result(record_minutes(args.meeting, Path(args.minutes), args.by), args)


def _approve(args: argparse.Namespace) -> int:
    from dmpg.meetings import approve_minutes

    return _print_result(approve_minutes(args.meeting, args.by), args)


def _form(args: argparse.Namespace) -> int:
    from dmpg.agenda import get_meeting
    from dmpg.documents.meeting import produce_meeting_document

    doc = produce_meeting_document(get_meeting(args.meeting).id, "minutes_form")
    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        raise UserError(f"{out}: the minutes form is a Word file; give a name ending in .docx", exit_code=2)
    shutil.copyfile(doc.path, out)
    print(f"wrote {out} (the minutes form of {doc.meeting_id}, version {doc.version})")
    return 0


def _cancel(args: argparse.Namespace) -> int:
    from dmpg.meetings import cancel_meeting

    meeting = cancel_meeting(args.meeting)
    if args.json:
        print_json({"meeting": meeting.id, "body": meeting.body, "date": meeting.date.isoformat(),
                    "status": meeting.status, "invitation_sequence": meeting.invitation_sequence})
    else:
        print(f"{meeting.id}: aflyst; medlemmerne får kalenderens aflysning. Forslagene på dagsordenen venter "
              "fortsat og kommer på det næste møde, der planlægges.")
    return 0
