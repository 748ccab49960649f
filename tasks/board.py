"""The Prefect UI as the secretariat's board: what each proposal waits for, in Prefect's own views.

- :func:`show_waiting` names and tags the current flow run after the gates it waits at — the runs
  list then reads "DMPG-2026-001 · Angst og OCD — venter på følgegruppen og RKKP (siden 30.11.2026)"
  with a tag per body it waits on — right before the run suspends; :func:`show_finished` at the end.
- :func:`publish_story` keeps one markdown artifact per proposal (key ``dmpg-2026-001``) current,
  updated in place, so the run's Artifacts tab holds one card, never a pile of versions.
- :func:`publish_waiting` keeps one table artifact of everything that waits (key ``dmpg-ventende``),
  not tied to any run: the Artifacts page shows the secretariat's whole board, with each gate's deadline
  and what is *overskredet*.
- :func:`publish_timeline` keeps one markdown artifact with the timeline chart (key ``dmpg-tidslinje``),
  refreshed by the daily ``dmpg-reminders`` flow.

All through Prefect's public client API; the ledger says what waits (``dmpg.state.gates_open``).

Form text is never markup here. The UI renders artifact descriptions, markdown artifacts and every
text cell of a table artifact as markdown: a table goes out through :func:`table_rows` (each text cell
literal, ``core.text.markdown_literal``), the story is made literal by ``dmpg.documents.narrative``. A run's
name and tags are shown as text, and other tools (notifications, automations) may quote them into
markdown: form text in them goes through ``core.text.inert_label``.
"""

from __future__ import annotations

from prefect import get_client
from prefect.artifacts import create_markdown_artifact
from prefect.client.schemas.actions import ArtifactCreate, ArtifactUpdate
from prefect.client.schemas.filters import (
    ArtifactCollectionFilter,
    ArtifactCollectionFilterKey,
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
)
from prefect.runtime import flow_run

from core import clock
from core.text import inert_label, join_danish, markdown_literal
from dmpg.documents import narrative
from dmpg.report import chart
from dmpg.report.board import WAITING, deadline_cells, timeline_markdown
from dmpg.report.document import build
from dmpg.report.figures import default_period
from dmpg.services.deadlines import open_dues
from dmpg.state.gates_open import open_gates
from forms.gates import GATES
from forms.vocabulary import STAGE_LABELS, label
from models import ledger

WAITING_KEY = "dmpg-ventende"
TIMELINE_KEY = "dmpg-tidslinje"


def show_waiting(proposal_id: str) -> None:
    """Name and tag the current flow run after what the proposal waits for (see the module docstring)."""
    gates = open_gates(proposal_id)
    if not gates or not flow_run.id:
        return
    deciders = list(dict.fromkeys(GATES[g.gate].decider for g in gates))
    since = min(g.waiting_since for g in gates)
    _rename(proposal_id, f"venter på {join_danish(deciders)} (siden {since:%d.%m.%Y})",
            [f"venter på {d}" for d in deciders])


def show_finished(proposal_id: str) -> None:
    """Name and tag the current flow run after the proposal's final stage."""
    stage = label(STAGE_LABELS, ledger.get_proposal(proposal_id).stage).lower()
    _rename(proposal_id, stage, [stage])


def run_name(proposal_id: str, title: str, what: str) -> str:
    """``DMPG-2026-001 · Angst og OCD — venter på følgegruppen …``: the title as an inert label."""
    return f"{proposal_id} · {inert_label(title, 120)} — {what}"[:200]


def _rename(proposal_id: str, what: str, tags: list[str]) -> None:
    name = run_name(proposal_id, ledger.get_proposal(proposal_id).title, what)
    with get_client(sync_client=True) as client:
        client.update_flow_run(flow_run.id, name=name, tags=["dmpg", proposal_id, *(inert_label(t, 100) for t in tags)])


def publish_story(proposal_id: str) -> None:
    """The proposal's story (``dmpg.documents.narrative.summary_markdown``) in its one artifact of this run."""
    key = proposal_id.lower()
    markdown = narrative.summary_markdown(proposal_id)
    description = f"{proposal_id}: forløb, fund, beslutninger og dokumenter"
    with get_client(sync_client=True) as client:
        mine = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=[key]), flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id])), limit=1)
        if mine:
            client.update_artifact(mine[0].id, ArtifactUpdate(data=markdown, description=description))
            return
    create_markdown_artifact(key=key, markdown=markdown, description=description)


def table_rows(rows: list[dict]) -> list[dict]:
    """``rows`` as a table artifact's data: every text cell literal markdown (the UI renders text cells
    as markdown; numbers as they are). Every table we publish goes out through here (``_keep_current``)."""
    return [{column: markdown_literal(value) if isinstance(value, str) else value for column, value in row.items()}
            for row in rows]


def waiting_rows(now) -> list[dict]:  # noqa: ANN001 - an aware datetime
    """One row per open gate, overdue first: how long it has waited, its deadline and whether it is
    *overskredet* (``dmpg.services.deadlines``). Form text as it is: :func:`table_rows` makes it literal."""
    gates = open_gates()
    dues, today = open_dues(gates, now=now)
    rows = [
        {"Forslag": g.proposal, "Titel": g.title,
         **deadline_cells(dues[(g.proposal, g.gate, g.round)], today),  # in view without scrolling
         "Afventer": GATES[g.gate].label, "Hos": GATES[g.gate].decider,
         "Runde": g.round, "Siden": f"{g.waiting_since:%d.%m.%Y}", "Dage": (now - g.waiting_since).days}
        for g in gates
    ]
    rows.sort(key=lambda r: r["Tilstand"] == WAITING)  # overdue first; each part stays oldest first
    return rows


def publish_waiting() -> None:
    """Everything that waits, as one table artifact kept current (see the module docstring)."""
    now = clock.now()
    rows = waiting_rows(now)
    overdue = sum(1 for r in rows if r["Tilstand"] != WAITING)
    description = (f"Det venter på beslutning: {len(rows)} punkt(er), heraf {overdue} overskredet; "
                   f"opdateret {now:%d.%m.%Y %H:%M} (UTC)")
    _keep_current(WAITING_KEY, "table", rows, description)


def publish_timeline() -> None:
    """The timeline chart of the last three months with what is overdue, as one markdown artifact kept
    current (key ``dmpg-tidslinje``; ``dmpg.report.board.timeline_markdown``). Drawing it takes a second,
    so the daily flow does it, not every gate change."""
    now = clock.now()
    report = build(default_period(clock.today()), now=now).to_json()
    drawn = chart.render(report, limit=30, dpi=110)
    markdown = timeline_markdown(report, drawn.png if drawn else None, updated=now)
    description = f"Tidslinje og overskredne frister, {report['period']['label']}"
    _keep_current(TIMELINE_KEY, "markdown", markdown, description)


def _keep_current(key: str, type_: str, data, description: str) -> None:  # noqa: ANN001 - rows or markdown
    """The artifact ``key`` (not tied to a run) with ``data``, updated in place (its latest version). A
    table's rows go out through :func:`table_rows`; ``description`` and markdown must hold no form text
    that is not literal already (``core.text.markdown_literal``)."""
    if type_ == "table":
        data = table_rows(data)
    with get_client(sync_client=True) as client:
        latest = client.read_latest_artifacts(
            artifact_filter=ArtifactCollectionFilter(key=ArtifactCollectionFilterKey(any_=[key])), limit=1)
        if latest:
            client.update_artifact(latest[0].latest_id, ArtifactUpdate(data=data, description=description))
        else:
            client.create_artifact(ArtifactCreate(key=key, type=type_, data=data, description=description))
