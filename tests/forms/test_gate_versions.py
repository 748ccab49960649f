"""A gate's input never changes without a new version: each round records the version it opened with, and
``dmpg upgrade check`` compares it with the installed code's. This fails when ``forms.gates`` changes a
gate's input and keeps its ``schema_version`` — raise the version and record the new digest in
tests/forms/gate_versions.json (the digest is of the input model's JSON schema)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from forms.gates import GATES

KNOWN = json.loads((Path(__file__).parent / "gate_versions.json").read_text(encoding="utf-8"))


def digest(gate) -> str:
    schema = json.dumps(gate.input.model_json_schema(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(schema.encode()).hexdigest()[:16]


def test_every_gate_input_change_comes_with_a_new_schema_version():
    for name, gate in GATES.items():
        known = KNOWN.get(name)
        assert known is not None, f"gate {name!r} is new: add it to gate_versions.json"
        if known["schema_version"] == gate.schema_version:
            assert known["digest"] == digest(gate), (
                f"the input of gate {name!r} changed but its schema_version is still {gate.schema_version}: "
                f"raise it, and record {digest(gate)} for the new version in gate_versions.json")
        else:
            assert gate.schema_version > known["schema_version"], f"gate {name!r}: a version never goes back"
