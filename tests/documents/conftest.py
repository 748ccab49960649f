"""Fixtures and read-back helpers for the document tests: real .docx files read with python-docx."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: str | Path) -> str:
    """All text a reader sees, via python-docx: body paragraphs, tables (nested too), headers, footers."""
    from docx import Document

    doc = Document(str(path))
    out: list[str] = []

    def walk(container) -> None:
        for p in container.paragraphs:
            out.append(p.text)
        for t in container.tables:
            for row in t.rows:
                for cell in row.cells:
                    walk(cell)

    walk(doc)
    for s in doc.sections:
        for part in (s.header, s.footer, s.first_page_header, s.first_page_footer, s.even_page_header, s.even_page_footer):
            walk(part)
    return "\n".join(out)


def part_texts(path: str | Path) -> dict[str, str]:
    """The text of every XML part of the package (body, headers, footers, footnotes, properties ...),
    one line per paragraph: nothing can hide from a check for left-over template tags."""
    from lxml import etree

    texts: dict[str, str] = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith(".xml"):
                continue
            root = etree.fromstring(z.read(name))
            paragraphs = root.iter(f"{W}p") if name.startswith("word/") else [root]
            lines = ["".join(t.text or "" for t in p.iter(f"{W}t")) if name.startswith("word/")
                     else " ".join(root.itertext()) for p in paragraphs]
            texts[name] = "\n".join(lines)
    return texts


TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


@pytest.fixture
def templates_dir() -> Path:
    from core.settings import get_settings

    return get_settings().templates_dir
