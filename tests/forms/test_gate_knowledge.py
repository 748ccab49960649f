"""A gate is its declaration: what is true of one gate is said in ``forms/gates.py``, never by comparing a
gate's name elsewhere (the README's Layout, "Adding a gate").

Outside the declaration a gate's name may be *used* — the flow waits at ``"steering"``, a letter reads
``answers["database"]`` — but not *judged*: ``gate == "revision"``, ``gate in ("advice", "database")``, a
table keyed by gates' names, or the same in a template. Each such place is a fact a new gate would have
to be taught one file at a time; it belongs on the :class:`forms.gates.Gate`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from forms.gates import GATES

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("core", "forms", "models", "dmpg", "tasks", "flows")
DECLARATION = ROOT / "forms" / "gates.py"
NAMES = frozenset(GATES)


def _names_in(node: ast.AST) -> list[str]:
    """Gate names written as a literal operand: ``"revision"`` or inside ``("advice", "database")``."""
    if isinstance(node, ast.Constant) and node.value in NAMES:
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in NAMES]
    return []


def _mostly_gates(values: list[ast.expr | None]) -> bool:
    names = [v for v in values if isinstance(v, ast.Constant) and v.value in NAMES]
    return len(names) >= 2 and len(names) * 2 > len(values)


def gate_knowledge(path: Path) -> list[str]:
    """Each place in a Python file where a gate's name is compared, or a table is keyed (or valued) by
    gates' names, as ``path:line: source``."""
    source = path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            hit = any(_names_in(operand) for operand in (node.left, *node.comparators))
        elif isinstance(node, ast.Dict):
            hit = _mostly_gates(node.keys) or _mostly_gates(node.values)
        else:
            continue
        if hit:
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            found.append(f"{where}:{node.lineno}: {ast.get_source_segment(source, node)}")
    return found


TEMPLATE_COMPARISON = re.compile(r"""\bgate\s*(==|!=|\bin\b|\bnot in\b)\s*[("']""")


def test_no_gate_name_is_compared_outside_the_declaration():
    found = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path != DECLARATION:
                found += gate_knowledge(path)
    for path in sorted((ROOT / "templates").rglob("*.j2")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_COMPARISON.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, ("gate knowledge outside forms/gates.py; declare it on the Gate instead:\n"
                       + "\n".join(found))


def test_the_check_finds_what_it_looks_for(tmp_path):
    """The check itself: each shape of gate knowledge is found, a gate's name merely used is not."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        'if gate == "revision": pass\n'                               # 1: found
        'if g.name in ("advice", "database"): pass\n'                 # 2: found
        'WORDS = {"advice": "Send", "database": "Send", "revision": "Send"}\n'  # 3: found
        'OF = {"hearing_letter": "advice", "director_memo": "approval"}\n'      # 4: found
        'answer = answers["database"]\n'                              # 5: used, not judged
        'done = decision(p, "advice", 1) is not None\n'               # 6: used, not judged
        'LABELS = {"steering": "Hos styregruppen", "submitted": "Indsendt", "rejected": "Afvist"}\n',  # 7: stages
        encoding="utf-8")
    lines = sorted(int(place.split(":")[1]) for place in gate_knowledge(sample))
    assert lines == [1, 2, 3, 4]
