"""Finding the links in a copy of stored data (a ledger file, a database dump, a mail) and telling
which of them still work, as anyone holding the copy would find out: by opening each on the decision
page. A working link shows a decision form (``/beslut/…``) or serves a document (``/dokument/…``)."""

from __future__ import annotations

import re
from typing import Any

LINK = re.compile(r"/(?:beslut|dokument)/[A-Za-z0-9_.~=-]+")


def link_paths(text: str) -> list[str]:
    """Every decision or document link's path in ``text``, in order, without repeats."""
    return list(dict.fromkeys(LINK.findall(text)))


def working_links(text: str, client: Any) -> list[str]:
    """The link paths in ``text`` that work on the decision page (``client``: a test client of
    ``dmpg.interfaces.web.app``), in the order they appear."""
    working = []
    for path in link_paths(text):
        response = client.get(path)
        if response.status_code != 200:
            continue
        decides = path.startswith("/beslut/") and re.search(r'<form[^>]*method="post"', response.text) is not None
        serves = path.startswith("/dokument/") and "wordprocessingml" in response.headers.get("content-type", "")
        if decides or serves:
            working.append(path)
    return working
