"""templates/README.md lists every variable each template uses (the secretariat's reference)."""

from __future__ import annotations

import re

import pytest

from core.settings import PROJECT_ROOT
from dmpg.documents.naming import KINDS, MEETING_KINDS
from dmpg.documents.render import jinja_env

README = (PROJECT_ROOT / "templates" / "README.md").read_text(encoding="utf-8")


def _names(text: str) -> set[str]:
    return {m.split(".")[0].split("|")[0] for m in re.findall(r"`([a-z_][a-z_.|]*)`", text)}


@pytest.mark.parametrize("kind", [*KINDS, *(k for k, v in MEETING_KINDS.items() if v.template)])
def test_every_variable_of_the_template_is_documented(kind, templates_dir):
    from docxtpl import DocxTemplate

    template = (KINDS.get(kind) or MEETING_KINDS[kind]).template
    used = DocxTemplate(str(templates_dir / template)).get_undeclared_template_variables(jinja_env())
    common = _names(README.split("## Variables in every template")[1].split("## Per template")[0])
    row = next(line for line in README.splitlines() if line.startswith(f"| `{template}`"))
    assert used - common - _names(row) == set()
