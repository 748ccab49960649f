"""Form text is never markup in the Prefect UI: a proposal whose every text field holds Markdown, HTML,
links and images is opened on every page of the UI we make for it — the runs list, its run (with its
artifacts), the Artifacts page with the board's table and the proposal's story, and the Resume form —
in Debian's chromium. No element comes from that text, and the browser asks no host of it for anything.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from support.browser import BROWSER_MARKS, open_page, screenshot
from support.lifecycle import example_form

pytestmark = BROWSER_MARKS

EVIL = "evil.example"


def hostile(n: int) -> str:
    """Markdown, HTML, links and images, numbered so each field's own text can be found."""
    return (f"Fri tekst {n} <b>fed{n}</b> <i>kursiv{n}</i> **stjerne{n}** _streg{n}_ `kode{n}` "
            f"[klik{n}](https://{EVIL}/klik{n}) ![pixel{n}](https://{EVIL}/p{n}.png) "
            f"<img src=https://{EVIL}/img{n}.png> <a href='https://{EVIL}/a{n}'>a{n}</a> "
            f"<script>fetch('https://{EVIL}/s{n}')</script> <https://{EVIL}/auto{n}> www.{EVIL} "
            f"kontakt{n}@{EVIL} # overskrift{n} > citat{n} | celle{n} |")


def hostile_form() -> dict[str, Any]:
    """The example form (it meets the premises, so it waits at the hearing) with every text field hostile."""
    form = copy.deepcopy(example_form())
    counter = iter(range(100))

    def fill(node: Any, key: str | None = None) -> Any:
        if isinstance(node, dict):
            return {k: fill(v, k) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v, key) for v in node]
        if isinstance(node, str) and key not in {"email", "region", "kind", "status", "represents", "submitted_on"}:
            return hostile(next(counter))
        return node

    form = fill(form)
    form["title"] = "Angst " + hostile(99)
    form["topic"]["icd_codes"] = ["F40", hostile(98)]
    return form


# What no page may hold: an element made from the hostile text (by its tag and the words inside it), or
# an attribute pointing at its host.
FIND_MARKUP = """() => {
  const made = [];
  const words = /(fed|kursiv|stjerne|streg|kode|klik|pixel|overskrift|citat|celle|kontakt)\\d+|^a\\d+$/;
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      if (['src', 'href', 'srcset', 'action', 'formaction', 'poster', 'data', 'background', 'style',
           'xlink:href'].includes(attr.name) && attr.value.includes('evil.example')) made.push(el.outerHTML.slice(0, 200));
    }
    const tag = el.tagName.toLowerCase();
    const own = [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('');
    if (['b', 'i', 'strong', 'em', 'code', 'a', 'img', 'script', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
         'blockquote', 'td', 'th'].includes(tag) && words.test(own.trim()) && !own.includes('Fri tekst')) {
      made.push(el.outerHTML.slice(0, 200));
    }
  }
  return made;
}"""


@pytest.fixture
def browser_page():
    with open_page(viewport={"width": 1400, "height": 1400}) as page:
        yield page


def test_form_text_is_never_markup_in_the_prefect_ui(driver, browser_page, tmp_path):
    from dmpg.adapters.prefect_api import PrefectAPI
    from tests.lifecycle.test_prefect_ui import login

    page = browser_page
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if EVIL in request.url else None)

    proposal = driver.propose(hostile_form())
    gate = driver.wait_for_gate(proposal, "advice")
    run_url = f"{driver.stack.ui_url}/runs/flow-run/{gate.flow_run_id}"
    with PrefectAPI() as api:
        artifacts = api._request("POST", "/artifacts/filter", json={"artifacts": {"key": {"any_": [
            proposal.lower(), "dmpg-ventende"]}}, "sort": "CREATED_DESC"})
    assert {a["key"] for a in artifacts} == {proposal.lower(), "dmpg-ventende"}

    def look(url: str, shows: str, name: str) -> None:
        page.goto(url, wait_until="networkidle")
        page.get_by_text(shows).first.wait_for()
        page.wait_for_timeout(500)  # let lazy parts (markdown, tables) render
        assert page.evaluate(FIND_MARKUP) == [], url
        screenshot(page, tmp_path, name)

    login(page, driver.stack)
    look(f"{driver.stack.ui_url}/runs?type=span&seconds=-315360000&state=Suspended", "Fri tekst 99", "runs.png")
    look(run_url, "Fri tekst 99", "run.png")
    for tab in ("Artifacts", "Parameters"):
        page.get_by_text(tab, exact=True).first.click()
        page.wait_for_timeout(1000)
        assert page.evaluate(FIND_MARKUP) == [], tab
    look(f"{driver.stack.ui_url}/artifacts", "dmpg-ventende", "artifacts.png")
    for artifact in artifacts:
        look(f"{driver.stack.ui_url}/artifacts/artifact/{artifact['id']}", "Fri tekst 99", f"{artifact['key']}.png")
        look(f"{driver.stack.ui_url}/artifacts/key/{artifact['key']}", artifact["key"], f"{artifact['key']}-key.png")

    # The Resume form: the gate's description above the Danish fields.
    page.goto(run_url, wait_until="networkidle")
    page.get_by_role("button", name="Resume").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Indstillingen i korte træk").wait_for()
    assert "<b>fed99</b>" in dialog.inner_text() and "[klik1](https://evil.example/klik1)" in dialog.inner_text()
    assert page.evaluate(FIND_MARKUP) == []
    screenshot(page, tmp_path, "resume.png")

    assert asked == []  # not one request to the text's host, from any page
