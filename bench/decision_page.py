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

from bench.lifecycle import EXAMPLES, Row, _propose, running_stack

STEPS = [  # (gate, fields a person fills in, whose link)
    ("advice", {"recommendation": "support", "summary": "Følgegruppen støtter.", "meeting_date": "14.01.2026"},
     "foelgegruppe.regioner@example.dk"),
    ("database", {"database_plan": "planned", "statement": "En database er planlagt."}, "rkkp.databaser@example.dk"),
    ("steering", {"decision": "approve", "meeting_date": "11.03.2026", "rationale": "Godkendt."},
     "styregruppe.hovedstaden@example.dk"),
    ("approval", {"decision": "approve", "meeting_date": "08.04.2026", "rationale": "Godkendt."},
     "direktoer.hovedstaden@example.dk"),
]


def run() -> tuple[list[float], list[float]]:
    import httpx

    from dmpg.services.decisions import wait_for_gate
    from dmpg.state.links import gate_link

    gets, posts = [], []
    proposal = _propose(EXAMPLES / "angst-og-ocd.yaml")
    for gate, fields, who in STEPS:
        waiting = wait_for_gate(proposal, gate, timeout=120)
        url = gate_link(proposal, gate, waiting.round, who)
        with httpx.Client() as client:
            for _ in range(5):
                t = time.perf_counter()
                page = client.get(url)
                gets.append(time.perf_counter() - t)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
            t = time.perf_counter()
            client.post(url, data={**fields, "csrf": csrf})
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
