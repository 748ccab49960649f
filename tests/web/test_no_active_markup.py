"""Text from a proposal is shown literally wherever markdown is rendered (the Prefect UI's Resume
description and the proposal's artifact): never a link, an image, a heading or raw HTML."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

HOSTILE = ("[klik her](javascript:alert(1)) ![sporing](http://evil.example/x.png) <img src=x onerror=alert(1)> "
           "# Overskrift **fed** <https://evil.example> www.evil.example")


@pytest.fixture
def hostile_proposal(dmpg_home, examples):
    from dmpg.gatekeeper import open_gate
    from dmpg.steps import check_submission
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
    from dmpg.narrative import gate_description, summary_markdown

    markdown = gate_description(hostile_proposal, "advice", 1) if what == "gate description" else \
        summary_markdown(hostile_proposal)
    html = MarkdownIt("commonmark", {"html": True}).render(markdown)  # raw HTML allowed: the worst case
    assert 'href="javascript' not in html
    assert "<img" not in html and 'href="http://evil' not in html and 'href="https://evil' not in html
    assert "<h1>Overskrift" not in html and "<strong>fed</strong>" not in html
    assert "[klik her](javascript:alert(1))" in html.replace("&amp;", "&")  # the words, as typed
    hrefs = [part.split('"')[1] for part in html.split("href=")[1:]]
    assert all(h.startswith("http://127.0.0.1:8030/dokument/") for h in hrefs), hrefs  # only our signed links
