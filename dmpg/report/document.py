"""The status report as the secretariat sends it: a Word document in the house style
(``templates/status_report.docx``, variables in templates/README.md), and the same figures as JSON and CSV.

:func:`build` reads the ledger's history once (``models.ledger.quick.history``: plain SQL) and computes the
figures (``dmpg.report.figures``); :func:`context` turns them into what the template shows (Danish
labels, dates and sentences; pure); :func:`write_docx` renders it with the timeline chart as a picture
(``dmpg.documents.render``: sandboxed, autoescaped, strict); :func:`to_csv` flattens the figures into
one CSV table, a ``section`` column saying which part of the report a row belongs to.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from core import clock
from core.settings import get_settings
from core.text import capitalise, danish_date, join_danish, month_year
from dmpg.documents.render import Picture, render_template
from dmpg.report import chart
from dmpg.report.figures import LIFECYCLE, Period, Report, compute
from dmpg.services.deadlines import MEETING, NO_MEETING, REPLY
from forms.gates import GATES
from forms.meetings import MEETING_BODIES, meeting_title
from forms.roster import load_roster
from forms.vocabulary import STAGE_LABELS, label
from models.ledger.quick import first_of, history

TEMPLATE = "status_report.docx"
DOCUMENT_TITLE = "Statusrapport"
CHART_WIDTH_MM = 164  # the page's text width (A4, 2.3 cm margins)


def build(period: Period, now: datetime | None = None) -> Report:
    """The figures of ``period`` from the ledger in force (see ``dmpg.report.figures.compute``)."""
    settings = get_settings()
    return compute(history(), period, now=now or clock.now(), reply_days=settings.reply_days,
                   meeting_due_days=settings.meeting_due_days, escalate_after_days=settings.escalate_after_days)


# --- what the document says ----------------------------------------------------------------------------


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _number(value: float | int | None) -> str:
    """10.5 -> "10,5"; 28 -> "28"; None -> "—"."""
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") if value != int(value) else str(int(value))


def _dmy(value: str | None) -> str:
    return date.fromisoformat(value).strftime("%d.%m.%Y") if value else "—"


def summary_text(r: Mapping[str, Any]) -> str:
    """The report's opening paragraph: the period in five sentences at most."""
    s, period = r["summary"], r["period"]
    as_of = danish_date(period["as_of_day"])
    sentences = []
    if s["submitted"]:
        sentences.append(f"I {_in_period(period)} er der indsendt {_n(s['submitted'], 'nyt forslag', 'nye forslag')}")
    else:
        sentences.append(f"I {_in_period(period)} er der ikke indsendt nye forslag")
    at_meetings = sum(m["decisions"] for m in r["meetings"])
    if s["decisions"]:
        meetings = f", heraf {at_meetings} på {_n(s['meetings'], 'møde', 'møder')}" if at_meetings else ""
        sentences[-1] += f", og der er truffet {_n(s['decisions'], 'beslutning', 'beslutninger')}{meetings}."
    else:
        sentences[-1] += ", og der er ikke truffet beslutninger."
    names = join_danish([e["title"] for e in r["established"]])
    if s["established"]:
        groups = _n(s["established"], "ny DMPG er", "nye DMPG'er er")
        sentences.append(f"{groups} etableret: {names}.")
    if s["rejected"]:
        sentences.append(f"{_n(s['rejected'], 'forslag er', 'forslag er')} afvist: "
                         f"{join_danish([e['title'] for e in r['rejected']])}.")
    state = f"Pr. {as_of} er {_n(s['in_process'], 'forslag', 'forslag') if s['in_process'] else 'ingen forslag'} i proces"
    if s["overdue"]:
        state += (f", og {_n(s['overdue'], 'ventende beslutning har', 'ventende beslutninger har')} "
                  f"overskredet fristen ({_n(s['overdue_proposals'], 'forslag', 'forslag')}).")
    elif s["waiting"]:
        state += ", og ingen har overskredet fristen."
    else:
        state += "."
    sentences.append(state)
    return " ".join(sentences)


def _lower_first(text: str) -> str:
    """"I høring hos følgegruppen og RKKP" -> "i høring hos følgegruppen og RKKP" (names keep their capitals)."""
    return text[:1].lower() + text[1:]


def _in_period(period: Mapping[str, Any]) -> str:
    """"1. kvartal 2027" or "perioden 1. januar – 30. marts 2027" (after "I")."""
    return period["label"] if period.get("quarter") else f"perioden {period['label']}"


def context(r: Mapping[str, Any], *, today: date, secretariat: Mapping[str, str], chart_caption: str = "") -> dict[str, Any]:
    """What ``templates/status_report.docx`` shows of report ``r`` (``Report.to_json()``): every key the
    template uses, always present (pure). The chart itself is added as a picture by :func:`write_docx`."""
    def gate_label(code: str | None, round_: int | None = None) -> str:
        if code not in GATES:
            return "—"
        text = capitalise(GATES[code].label)
        return f"{text}, runde {round_}" if round_ and round_ > 1 else text

    def outcome(code: str, value: str) -> str:
        return GATES[code].outcome(value).label if code in GATES else value

    def status(row: Mapping[str, Any]) -> str:
        if not row["gate"]:
            return "Mellem to trin"
        if row["overdue"]:
            text = f"Overskredet med {_n(row['days_overdue'], 'dag', 'dage')}"
            return text + (f"; eskaleret {_dmy(row['escalated'])}" if row["escalated"] else "")
        return {REPLY: "Inden for svarfristen", MEETING: "På dagsordenen",
                NO_MEETING: "Afventer møde"}.get(row["deadline_rule"], "Ingen frist")

    def deadline_note(row: Mapping[str, Any]) -> str:
        day = danish_date(row["deadline"])
        if row["deadline_rule"] == MEETING:
            return f"mødet {day} (sagen stod på dagsordenen)"
        if row["deadline_rule"] == NO_MEETING:
            return f"{day} (intet møde planlagt)"
        return f"svarfristen {day}"

    s = r["summary"]
    in_process = [{
        "proposal": row["proposal"], "title": row["title"], "stage": label(STAGE_LABELS, row["stage"]),
        "waiting_for": gate_label(row["gate"], row["round"]), "body": GATES[row["gate"]].decider if row["gate"] else "",
        "since": _dmy(row["waiting_since"]), "days": "" if row["days_waiting"] is None else str(row["days_waiting"]),
        "deadline": _dmy(row["deadline"]) if row["deadline"] else "—", "overdue": row["overdue"], "status": status(row),
    } for row in r["in_process"]]
    overdue = [{
        "proposal": row["proposal"], "title": row["title"],
        "text": (f"{capitalise(GATES[row['gate']].label)}: {deadline_note(row)}, overskredet med "
                 f"{_n(row['days_overdue'], 'dag', 'dage')}"
                 + (f"; eskaleret {danish_date(row['escalated'])}" if row["escalated"] else "")),
    } for row in r["in_process"] if row["overdue"]]

    titles = {p["proposal"]: p["title"] for p in r["proposals"]}
    meetings = []
    for m in r["meetings"]:
        decided = [d for d in r["decisions"] if d["body"] == m["body"] and d["date"] == m["date"]]
        meetings.append({
            "title": f"{meeting_title(m['body'])} {danish_date(m['date'], weekday=True)}",
            "decisions": [{"proposal": d["proposal"], "title": d["title"], "what": gate_label(d["gate"], d["round"]),
                           "label": outcome(d["gate"], d["outcome"])} for d in decided],
        })
    others = [{"date": _dmy(d["date"]), "proposal": d["proposal"], "title": d["title"],
               "what": gate_label(d["gate"], d["round"]), "label": outcome(d["gate"], d["outcome"])}
              for d in r["decisions"] if d["body"] not in MEETING_BODIES]

    steps = []
    for row in r["gate_times"]:
        step = ("Hele forløbet: fra indsendt til etableret gruppe" if row["gate"] == LIFECYCLE
                else gate_label(row["gate"]))
        slowest = (f"{row['slowest_days']} ({row['slowest_proposal']})" if row["slowest_days"] is not None else "—")
        steps.append({"step": step, "decided": str(row["decided"]), "median": _number(row["median_days"]),
                      "slowest": slowest, "waiting": str(row["waiting"]),
                      "longest": _number(row["longest_waiting_days"])})

    registry = [{"name": g["name"] + (" (ny)" if g["new"] else ""), "phase": g["phase"],
                 "dmpg_since": month_year(date.fromisoformat(g["dmpg_since"])),
                 "database_since": g["database_since"] or "—"} for g in r["registry"]]
    candidate_states = {"established": "Etableret som DMPG", "in_process": "I proces", "rejected": "Afvist",
                        "none": "Ingen indstilling endnu"}
    candidates = [{"topic": c["topic"], "status": candidate_states[c["status"]]
                   + (f" ({c['proposal']}: {_lower_first(label(STAGE_LABELS, c['stage']))})"
                      if c["status"] == "in_process" else f" ({c['proposal']})" if c["proposal"] else "")}
                  for c in r["candidates"]]
    rules = r["rules"]
    return {
        "document_title": DOCUMENT_TITLE,
        "date": today,
        "period": {"label": r["period"]["label"], "from": date.fromisoformat(r["period"]["from"]),
                   "to": date.fromisoformat(r["period"]["to"]), "as_of": date.fromisoformat(r["period"]["as_of_day"])},
        "summary": summary_text(r),
        "figures": {"submitted": s["submitted"], "decisions": s["decisions"], "established": s["established"],
                    "in_process": s["in_process"], "overdue": s["overdue"]},
        "in_process": in_process,
        "overdue": overdue,
        "chart_caption": chart_caption,
        "meetings": meetings,
        "other_decisions": others,
        "gate_times": steps,
        "established": [{"title": e["title"], "proposal": e["proposal"], "date": danish_date(e["established"]),
                         "days": str(e["days"])} for e in r["established"]],
        "rejected": [{"title": e["title"], "proposal": e["proposal"], "date": danish_date(e["rejected"]),
                      "days": str(e["days"])} for e in r["rejected"]],
        "submitted": [{"title": titles.get(e["proposal"], e["title"]), "proposal": e["proposal"],
                       "date": danish_date(e["submitted"])} for e in r["submitted"]],
        "registry": registry,
        "candidates": candidates,
        "rules": {"reply_days": rules["reply_days"], "meeting_due_days": rules["meeting_due_days"],
                  "escalate_after_days": rules["escalate_after_days"]},
        "secretariat": {"name": secretariat.get("name", ""), "email": secretariat.get("email", "")},
    }


def write_docx(report: Report, out: Path, *, today: date | None = None) -> str:
    """Render the report with its timeline chart to ``out`` (written atomically); its sha256."""
    data = report.to_json()
    drawn = chart.render(data)
    secretariat = first_of("secretariat") or _secretariat_on_file()  # the signature: the roster in force
    ctx = context(data, today=today or clock.today(), secretariat=secretariat,
                  chart_caption=drawn.caption if drawn else "")
    ctx["chart"] = None
    pictures = {"chart": Picture(drawn.png, CHART_WIDTH_MM)} if drawn else {}
    return render_template(TEMPLATE, ctx, out, pictures=pictures)


def _secretariat_on_file() -> dict[str, str]:
    """The roster file's first secretariat entry, for a ledger that has not taken the roster yet."""
    people = load_roster(get_settings().roster).people("secretariat")
    return {"name": people[0].name, "email": str(people[0].email)} if people else {}


# --- the same figures as CSV -----------------------------------------------------------------------------

CSV_SECTIONS = ("in_process", "decisions", "meetings", "gate_times", "submitted", "established", "rejected",
                "registry", "candidates", "proposals", "rounds")


def to_csv(report: Report) -> str:
    """The figures as one CSV table: ``section`` names the part of the report (``period`` and ``summary``
    as ``key``/``value`` rows, then one row per item of each list in :data:`CSV_SECTIONS`), the other
    columns are the JSON's field names; dates ISO, empty for none."""
    data = report.to_json()
    rows: list[dict[str, Any]] = []
    for section in ("period", "summary", "rules"):
        rows += [{"section": section, "key": key, "value": value} for key, value in data[section].items()]
    for section in CSV_SECTIONS:
        rows += [{"section": section, **item} for item in data[section]]
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buf.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value
