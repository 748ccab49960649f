"""Turn an exception into what a user sees: one clear line (or a list of field problems), no traceback.

Unexpected errors are written in full to ``DMPG_HOME/run/dmpg-errors.log`` for IT, and the user is
told where that is. What reaches the terminal is :func:`core.errors.printable`: a message may quote a
file's text, and that text must not drive the terminal.
"""

from __future__ import annotations

import sys
import traceback

from core import clock
from core.errors import UserError, printable
from core.settings import get_settings


def report(exc: BaseException, command: str) -> int:
    if isinstance(exc, UserError):
        print(printable(f"dmpg {command}: {exc}"), file=sys.stderr)
        return exc.exit_code
    where = _log(exc)
    hint = f" (detaljer til IT i {where})" if where else ""
    print(printable(f"dmpg {command}: uventet fejl: {type(exc).__name__}: {exc}{hint}"), file=sys.stderr)
    return 3


def _log(exc: BaseException) -> str | None:
    try:
        log = get_settings().run_dir / "dmpg-errors.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {clock.wall().isoformat()}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return str(log)
    except Exception:  # noqa: BLE001 - logging must never mask the original error
        return None
