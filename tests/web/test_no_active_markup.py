"""Text from a proposal is shown literally wherever markdown is rendered (the Prefect UI's Resume
description and the proposal's artifact): never a link, an image, a heading or raw HTML."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

HOSTILE = ("[klik her](javascript:alert(1)) ![sporing](http://evil.example/x.png) <img src=x onerror=alert(1)> "
           "# Overskrift **fed** <https://evil.example> www.evil.example")


@pytest.fixture
def hostile_proposal(dmpg_home, examples):
    from dmpg.services.gatekeeper import open_gate
    from dmpg.services.steps import check_submission
    from forms.loading import load_form
    from models import ledger
    from models.db import dispose_engines

    form = load_form(examples / "angst-og-ocd.yaml")
    form = form.model_copy(update={"title": f"Angst {HOSTILE}",
                                   "topic": form.topic.model_copy(update={"description": HOSTILE})})
    pid = ledger.create_proposal(form).id
    check_submission(pid, form.model_dump(mode="json"), 1)
    open_gate(pid, "advice", 1, 1, "advice-r1-a1")
    yield pid
    dispose_engines()


@pytest.mark.parametrize("what", ["gate description", "artifact"])
def test_proposal_text_renders_literally(hostile_proposal, what):
    from dmpg.documents.narrative import gate_description, summary_markdown

    markdown = gate_description(hostile_proposal, "advice", 1) if what == "gate description" else \
        summary_markdown(hostile_proposal)
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)  # raw HTML allowed: the worst case
    assert 'href="javascript' not in html
    assert "<img" not in html and 'href="http://evil' not in html and 'href="https://evil' not in html
    assert "<h1>Overskrift" not in html and "<strong>fed</strong>" not in html
    assert "[klik her](javascript:alert(1))" in html.replace("&amp;", "&")  # the words, as typed
    hrefs = [part.split('"')[1] for part in html.split("href=")[1:]]
    assert all(h.startswith("http://127.0.0.1:8030/dokument/") for h in hrefs), hrefs  # only our signed links


def test_every_text_cell_of_a_table_artifact_renders_literally():
    """The UI renders each text cell of a table artifact as markdown (``tasks.board.table_rows``)."""
    from tasks.board import table_rows

    rows = table_rows([{"Forslag": "DMPG-2026-001", "Titel": f"Angst {HOSTILE} kontakt@evil.example", "Runde": 2}])
    assert rows[0]["Runde"] == 2  # numbers are shown as they are
    for cell in (rows[0]["Forslag"], rows[0]["Titel"]):
        html = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(cell)
        assert "<a " not in html and "<img" not in html and "<h1>" not in html and "<strong>" not in html, html
    assert "[klik her](javascript:alert(1))" in MarkdownIt("commonmark").render(rows[0]["Titel"]).replace("&amp;", "&")


def test_a_run_name_or_tag_is_an_inert_label():
    """Shown as text in the UI; quoted into markdown or HTML elsewhere, it still makes no tag, link or image."""
    from core.text import inert_label
    from tasks.board import run_name

    name = run_name("DMPG-2026-001", f"Angst <b>X</b> {HOSTILE}\nny linje", "venter på følgegruppen")
    assert name.startswith("DMPG-2026-001 · Angst ‹b›X‹/b› [klik her] (javascript") and name.endswith("venter på følgegruppen")
    html = MarkdownIt("commonmark", {"html": True}).render(name)
    assert "<a " not in html and "<img" not in html and "<b>" not in html and "\n" not in name
    assert inert_label("Angst og OCD (børn)") == "Angst og OCD (børn)"  # ordinary titles are left as they are
    assert len(inert_label("x" * 500)) == 200
