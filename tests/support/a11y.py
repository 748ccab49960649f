"""Accessibility checks for any page a browser test opens: axe-core (bundled with axe-playwright-python,
nothing downloaded) against WCAG 2.1 A and AA, and what a keyboard or a zoomed screen needs.

Contract (any page test may call these; the decision page's tests do, for every page it serves):

- ``assert_accessible(page, what="")``: no axe-core violation of WCAG 2.0/2.1 A and AA on the page as it
  is now; the failure lists each rule, its impact, its help and the first offending elements.
- ``assert_no_sideways_scrolling(page)``: the content fits the viewport's width (WCAG 1.4.10 Reflow: open
  the page at 320 CSS px, or a 1280 px screen at 400 %, or at 200 %: 640 px).
- ``focused(page)``: a short description of the element that has the keyboard focus (for tabbing tests).
"""

from __future__ import annotations

from typing import Any

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.1 A and AA on ``page`` now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]})
    return results.response["violations"]


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:3]:
            lines.append(f"    {' '.join(map(str, node.get('target', [])))}: {node.get('html', '')[:160]}")
            if node.get("failureSummary"):
                lines.append(f"      {' '.join(node['failureSummary'].split())[:300]}")
    return "\n".join(lines)


def assert_accessible(page: Any, what: str = "") -> None:
    """No WCAG 2.1 A/AA violation that axe-core finds on ``page`` (see the module docstring)."""
    found = violations(page)
    assert not found, f"{what or page.url}: {len(found)} accessibility violation(s)\n{describe(found)}"


def assert_no_sideways_scrolling(page: Any) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url}: the page is {width[0]} px wide in a {width[1]} px viewport"


def focused(page: Any) -> str:
    return page.evaluate("""() => {
      const el = document.activeElement;
      if (!el) return '';
      const label = el.labels && el.labels.length ? el.labels[0].innerText : (el.innerText || el.getAttribute('aria-label') || '');
      return `${el.tagName.toLowerCase()}${el.type ? '[' + el.type + ']' : ''} ${label.trim().split('\\n')[0]}`;
    }""")
