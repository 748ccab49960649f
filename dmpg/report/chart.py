"""The timeline chart: each proposal's way through its gates, one row per proposal, drawn headless
(matplotlib's Agg backend) into a PNG for the Word report and the Prefect UI's board.

A bar per gate round, coloured by gate, from the day it opened to its decision (or to the report's
``as_of`` while it waits: lighter and hatched, outlined red when *overskredet*). The hearing's two gates
(the reference group and RKKP) run side by side, so they share the row, one above the other. Markers
show what a round ended in when the proposal did not simply move on (a deferral, a send-back for
revision, a rejection) and the group's establishment. The report's period is shaded.

Text from forms (titles) is drawn as plain text: math rendering is off, so a ``$`` is a dollar.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from core.text import danish_date
from dmpg.documents.context import local_day
from forms.gates import GATES

MAX_ROWS = 40  # proposals drawn; the caption says how many of how many
OVERDUE = "#C0392B"
PERIOD = "#EEF2F7"
# The gates' colours in the order they are declared (a gate added later takes the next, round again).
PALETTE: tuple[str, ...] = ("#E08A3C", "#A9C3E0", "#5B8FC9", "#1F3A5F", "#2E8B85", "#74B05F")
GATE_COLOURS: dict[str, str] = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(GATES)}
# Markers for how a round ended when the proposal did not just move on: (marker, colour, Danish label).
OUTCOME_MARKERS: dict[str, tuple[str, str, str]] = {
    "defer": ("D", "#7F8C8D", "Udsat til senere møde"),
    "revise": ("<", "#E08A3C", "Sendt tilbage til revision"),
    "reject": ("X", OVERDUE, "Afvist"),
    "not_support": ("v", "#7F8C8D", "Følgegruppen støtter ikke"),
}
ESTABLISHED = ("*", "#D4A017", "Etableret")


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the PNG, how many proposals it shows of how many, and a Danish caption."""

    png: bytes
    shown: int
    total: int
    caption: str


def gate_names() -> dict[str, str]:
    """The legend's names of the gates, from their declaration (``Gate.legend``): who decides
    ("Følgegruppen", "RKKP"), the proposers' revision and the appointments by what they are."""
    return {name: g.legend for name, g in GATES.items()}


def bar_slot(gate: str) -> tuple[float, float]:
    """``(top, height)`` of a gate's bar within its proposal's row: gates that wait at the same time (the
    same stage: the hearing's advice and statement) share the row, the later declared on top."""
    siblings = [name for name, g in GATES.items() if g.stage == GATES[gate].stage] if gate in GATES else [gate]
    slot, count = len(siblings) - 1 - siblings.index(gate), len(siblings)
    height = (0.64 - 0.04 * (count - 1)) / count
    return -0.32 + slot * (height + 0.04), height


def select(report: Mapping[str, Any], limit: int = MAX_ROWS) -> list[dict[str, Any]]:
    """The proposals the chart shows, in the order it shows them (oldest submission at the top): every
    proposal active in the period, or when there are more than ``limit``, those still in process first
    (longest waiting first), then those finished in the period (latest first)."""
    proposals = list(report["proposals"])
    if len(proposals) > limit:
        waiting = sorted((p for p in proposals if not p["finished"]), key=lambda p: p["submitted"])
        done = sorted((p for p in proposals if p["finished"]), key=lambda p: p["finished"], reverse=True)
        proposals = (waiting + done)[:limit]
    return sorted(proposals, key=lambda p: (p["submitted"], p["proposal"]))


def render(report: Mapping[str, Any], *, limit: int = MAX_ROWS, width_cm: float = 16.4, dpi: int = 200) -> Chart | None:
    """The timeline of ``report`` (``dmpg.report.figures.Report.to_json()``) as a PNG ``width_cm`` wide;
    None when no proposal was active in the period."""
    # lazy: matplotlib (0.5 s) only when the chart is drawn: every flow step's board imports the report
    import matplotlib

    matplotlib.use("Agg")
    # lazy: pyplot after matplotlib.use("Agg") above, which must come first
    from matplotlib import pyplot as plt
    from matplotlib.dates import MonthLocator, date2num
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    shown = select(report, limit)
    if not shown:
        return None
    period_from = date.fromisoformat(report["period"]["from"])
    period_to = date.fromisoformat(report["period"]["to"])
    as_of = date.fromisoformat(report["period"]["as_of_day"])
    rounds: dict[str, list[dict[str, Any]]] = {}
    for r in report["rounds"]:
        rounds.setdefault(r["proposal"], []).append(r)
    first = min([_day(r["opened"]) for p in shown for r in rounds.get(p["proposal"], [])] + [period_from])
    first = max(first, period_from - timedelta(days=365)).replace(day=1)  # at most a year before; a whole month
    right = as_of + timedelta(days=1)

    names = gate_names()
    rc = {"font.family": "DejaVu Sans", "font.size": 7.5, "text.parse_math": False, "axes.edgecolor": "#9AA5B1",
          "axes.linewidth": 0.6, "xtick.color": "#3B4754", "ytick.color": "#1B1B1B"}
    height_cm = 1.2 + 0.62 * len(shown)
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi)
        ax.axvspan(date2num(period_from), date2num(period_to + timedelta(days=1)), color=PERIOD, zorder=0)
        bars = _Bars()
        for y, proposal in enumerate(shown):
            for r in rounds.get(proposal["proposal"], []):
                bars.add(y, r, first, right, date2num)
            if proposal["finished"] and proposal["stage"] == "established":
                bars.markers.setdefault(ESTABLISHED, []).append((date2num(_day(proposal["finished"])), y))
        bars.draw(ax)
        ax.axvline(date2num(right), color="#3B4754", linewidth=0.6, linestyle=(0, (3, 2)), zorder=4)
        ax.set_ylim(len(shown) - 0.5, -0.5)
        ax.set_yticks(range(len(shown)))
        ax.set_yticklabels([_row_label(p) for p in shown])
        ax.set_xlim(date2num(first), date2num(right + timedelta(days=3)))
        ax.xaxis.set_major_locator(MonthLocator())
        ax.xaxis.set_major_formatter(FuncFormatter(_month_label))
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#D5DCE4", linewidth=0.5, zorder=0)
        ax.set_axisbelow(True)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
        # The legend names what the chart shows: its gates, its kinds of waiting, its markers.
        drawn = [r for p in shown for r in rounds.get(p["proposal"], [])]
        handles = [Patch(facecolor=GATE_COLOURS[g], label=names[g]) for g in GATE_COLOURS
                   if g in names and any(r["gate"] == g for r in drawn)]
        if any(not r["closed"] and not r["overdue"] for r in drawn):
            handles.append(Patch(facecolor="#C9D3DE", edgecolor="#5B6B7B", hatch="////", label="Venter"))
        if any(not r["closed"] and r["overdue"] for r in drawn):
            handles.append(Patch(facecolor="#C9D3DE", edgecolor=OVERDUE, hatch="////", label="Venter, overskredet"))
        handles.append(Patch(facecolor=PERIOD, edgecolor="#C5CFDA", label="Rapportens periode"))
        outcomes = {r["outcome"] for r in drawn if r["closed"]}
        handles += [Line2D([], [], linestyle="", marker=m, color=c, markeredgecolor="white", label=text)
                    for code, (m, c, text) in OUTCOME_MARKERS.items() if code in outcomes]
        if any(p["finished"] and p["stage"] == "established" for p in shown):
            handles.append(Line2D([], [], linestyle="", marker=ESTABLISHED[0], color=ESTABLISHED[1],
                                  markersize=8, label=ESTABLISHED[2]))
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(-0.02, -0.06 - 1.0 / height_cm), ncol=4,
                  fontsize=7, frameon=False, handlelength=1.4, columnspacing=1.0, borderaxespad=0)
        fig.subplots_adjust(left=0.26, right=0.99, top=0.99, bottom=0.1)
        buf = io.BytesIO()
        # "tight": the figure grows to hold the proposals' labels and the legend; the document scales it.
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white", bbox_inches="tight", pad_inches=0.06)
        plt.close(fig)
    total = len(report["proposals"])
    caption = (f"Hvert forslags vej gennem beslutningstrinnene, {len(shown)} forslag"
               + (f" af {total} (de ventende først, derefter de senest afsluttede)" if total > len(shown) else "")
               + f". Den stiplede linje er opgørelsesdagen, {_dmy(as_of)}.")
    return Chart(buf.getvalue(), len(shown), total, caption)


class _Bars:
    """The chart's bars and markers, gathered first and drawn with one call per look (a few calls, not
    one per round: matplotlib's cost is per call)."""

    def __init__(self) -> None:
        self.bars: dict[tuple[str, bool, bool], list[tuple[float, float, float, float]]] = {}
        self.markers: dict[tuple[str, str, str], list[tuple[float, int]]] = {}

    def add(self, y: int, r: Mapping[str, Any], first: date, right: date, date2num: Any) -> None:
        start = max(_day(r["opened"]), first)
        end = _day(r["closed"]) if r["closed"] else right
        if end < first:
            return
        left, width = date2num(start), max(date2num(end) - date2num(start), 0.8)
        top, size = bar_slot(r["gate"])
        look = (r["gate"], not r["closed"], bool(r["overdue"]) and not r["closed"])
        self.bars.setdefault(look, []).append((left, width, y + top, size))
        if r["closed"] and r["outcome"] in OUTCOME_MARKERS:
            self.markers.setdefault(OUTCOME_MARKERS[r["outcome"]], []).append((date2num(end), y))

    def draw(self, ax: Any) -> None:
        for (gate, waiting, overdue), items in self.bars.items():
            left, width, bottom, height = zip(*items)
            colour = GATE_COLOURS.get(gate, "#7F8C8D")
            if not waiting:
                ax.bar(left, height, width=width, bottom=bottom, align="edge", color=colour, edgecolor="white",
                       linewidth=0.4, zorder=2)
                continue
            ax.bar(left, height, width=width, bottom=bottom, align="edge", color=colour, alpha=0.45, zorder=2)
            ax.bar(left, height, width=width, bottom=bottom, align="edge", color="none", hatch="////",
                   edgecolor=OVERDUE if overdue else colour, linewidth=0.9 if overdue else 0.4, zorder=3)
        for (marker, colour, _), points in self.markers.items():
            x, y = zip(*points)
            big = marker == ESTABLISHED[0]
            ax.plot(x, y, linestyle="", marker=marker, color=colour, markersize=8 if big else 5,
                    markeredgecolor="#7A5C00" if big else "white", markeredgewidth=0.4 if big else 0.5, zorder=5)


def _row_label(p: Mapping[str, Any]) -> str:
    """"Angst og OCD" over "DMPG-2026-002": the title as people know it, cut at 34 characters."""
    title = " ".join(str(p["title"]).split())
    return f"{title if len(title) <= 34 else title[:33] + '…'}\n{p['proposal']}"


def _month_label(value: float, pos: int | None) -> str:
    """"jan" under the tick of January (with the year under it, as under the first tick)."""
    # lazy: matplotlib (0.5 s) only when the chart is drawn: every flow step's board imports the report
    from babel.dates import get_month_names
    from matplotlib.dates import num2date

    day = num2date(value)
    short = get_month_names("wide", locale="da_DK")[day.month][:3]
    return f"{short}\n{day.year}" if day.month == 1 or pos == 0 else short


def _day(value: str | date | datetime) -> date:
    """A day from the report's ISO strings: a date, or a UTC moment as its Copenhagen day."""
    if isinstance(value, str) and len(value) > 10:
        return local_day(datetime.fromisoformat(value))
    return local_day(value) if not isinstance(value, str) else date.fromisoformat(value)


def _dmy(day: date) -> str:
    return danish_date(day)
