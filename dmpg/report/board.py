"""The report's figures on the Prefect UI's board (plain Python; ``tasks.board`` publishes them).

- :func:`deadline_cells`: the deadline columns of the table artifact ``dmpg-ventende`` (every gate round
  that waits and how long it has waited): its deadline, and whether it is *overskredet*.
- :func:`timeline_markdown`: the markdown artifact ``dmpg-tidslinje``: the timeline chart of the last
  three months as an inline ``data:`` image (the Prefect UI renders markdown artifacts in the browser,
  which cannot load a file from the server's disk; an inline image needs nothing else to be reachable),
  and the overdue gates under it.

Every text that comes from a form goes through ``core.text.markdown_literal``.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from core.text import markdown_literal as lit
from dmpg.services.deadlines import overdue_label
from forms.gates import GATES

WAITING = "venter"


def deadline_cells(due: Any, today: date) -> dict[str, str]:
    """The board table's deadline columns for a waiting gate round's ``Due`` (``dmpg.services.deadlines``):
    *Tilstand* ("venter", or "overskredet (N dage)") and *Frist* (its date)."""
    return {"Tilstand": overdue_label(due.days_overdue(today)) or WAITING,
            "Frist": f"{due.deadline:%d.%m.%Y}" if due.deadline else ""}


def timeline_markdown(report: Mapping[str, Any], png: bytes | None, *, updated: datetime) -> str:
    """The board's timeline card: heading, the chart (an inline PNG), the overdue gates and how to get
    the whole report (``report``: ``Report.to_json()``)."""
    s = report["summary"]
    lines = [
        "# Tidslinje: forslag i proces",
        f"*{report['period']['label']} · opdateret {updated:%d.%m.%Y %H:%M} (UTC) · {s['in_process']} forslag i "
        f"proces, {s['overdue']} {'overskreden frist' if s['overdue'] == 1 else 'overskredne frister'}*",
        "",
    ]
    if png:
        data = base64.b64encode(png).decode("ascii")
        lines += [f"![Hvert forslags vej gennem beslutningstrinnene](data:image/png;base64,{data})", ""]
    else:
        lines += ["Ingen forslag har været i proces i perioden.", ""]
    overdue = [r for r in report["in_process"] if r["overdue"]]
    if overdue:
        lines.append("### Overskredet")
        for r in overdue:
            lines.append(f"- **{lit(r['title'])}** ({r['proposal']}): {GATES[r['gate']].label}, frist "
                         f"{date.fromisoformat(r['deadline']):%d.%m.%Y} — {overdue_label(r['days_overdue'])}"
                         + (f", eskaleret {date.fromisoformat(r['escalated']):%d.%m.%Y}" if r["escalated"] else ""))
        lines.append("")
    lines.append("Hele statusrapporten (Word, JSON eller CSV): `dmpg report rapport.docx`")
    return "\n".join(lines)
