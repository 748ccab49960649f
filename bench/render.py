"""Rendering a document vs the python-docx floor, in one process (target: <= 2.5x).

The floor is ``Document()`` + save to memory, the least any .docx costs. The measured render is the
steering memo (indstilling til styregruppen) of a realistic sample proposal, rendered and saved to
memory through the same code path as every document (sandboxed, autoescaped, strict docxtpl).

    .venv/bin/python -m bench.render [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

TARGET = 2.5
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the sample proposal: support.samples


def _median_seconds(fn, repeat: int) -> float:
    fn()  # warm-up: imports, template and compile caches (a running worker has them warm too)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args(argv)

    from docx import Document

    from dmpg.documents.context import compose_context
    from dmpg.documents.naming import KINDS
    from dmpg.documents.render import render_to_bytes
    from support.samples import sample_sources

    ctx = compose_context("steering_memo", sample_sources(), round=2)

    def floor() -> None:
        Document().save(io.BytesIO())

    def render() -> None:
        render_to_bytes(KINDS["steering_memo"].template, ctx)

    t_floor = _median_seconds(floor, args.repeat)
    t_render = _median_seconds(render, args.repeat)
    ratio = t_render / t_floor
    print(f"python-docx floor (Document() + save): median {t_floor * 1000:7.1f} ms")
    print(f"render steering_memo (docxtpl):         median {t_render * 1000:7.1f} ms")
    print(f"ratio {ratio:.2f}x  (target <= {TARGET}x: {'met' if ratio <= TARGET else 'NOT met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
