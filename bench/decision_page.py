"""The decision page as a person meets it, on a real local stack (temporary DMPG_HOME, free ports):

- the page's GET (what a phone waits for after tapping the link in the mail): median of 20 (target ≤ 300 ms);
- POST → the proposal waits at its next gate, its documents written and its mails in the outbox:
  median over the gates a mail link decides (target ≤ 3 s, moonshot 1.5 s).

    .venv/bin/python -m bench.decision_page
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from datetime import date

from bench.lifecycle import SCRIPT, Row, _propose, payload, recorder, running_stack

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def fields(step) -> dict[str, str]:
    """The script's ``step`` as a person fills in the page: its choices and texts, dates typed as
    dd.mm.åååå (who decides is the link's recipient, not a field)."""
    answer = payload(step)
    del answer["recorded_by"]
    return {k: (f"{date.fromisoformat(v):%d.%m.%Y}" if ISO_DATE.fullmatch(str(v)) else v) for k, v in answer.items()}


LINKED = ("advice", "database", "steering", "approval")  # the gates a mail link decides with this page


def run() -> tuple[list[float], list[float]]:
    import httpx

    from dmpg.services.decisions import wait_for_gate
    from dmpg.state.links import gate_link

    gets, posts = [], []
    proposal = _propose()
    for step in SCRIPT.straight():
        if step.gate not in LINKED:
            continue
        gate, filled, who = step.gate, fields(step), recorder(step)
        waiting = wait_for_gate(proposal, gate, timeout=120)
        url = gate_link(proposal, gate, waiting.round, who)
        with httpx.Client() as client:
            for _ in range(5):
                t = time.perf_counter()
                page = client.get(url)
                gets.append(time.perf_counter() - t)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            t = time.perf_counter()
            client.post(url, data={**filled, "csrf": csrf})
            wait_for_gate(proposal, timeout=120, after=(gate, waiting.round))
            posts.append(time.perf_counter() - t)
    return gets, posts


def main() -> int:
    with running_stack():
        run()  # warm-up: the first run starts the forkserver
        gets, posts = run()
    get, post = statistics.median(gets), statistics.median(posts)
    rows = [
        Row("decision page GET, median", get * 1000, "ms", "≤ 300 ms", get <= 0.3),
        Row("decision page POST → next gate waiting, median", post, "s", "≤ 3 s", post <= 3),
        Row("… slowest", max(posts), "s", "", None),
    ]
    for row in rows:
        print(row.line(), flush=True)
    return 0 if all(r.met is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
