"""Errors a user can cause. The CLI prints them as one clear line, never a traceback.

Their messages quote what the user gave (file names, field values), so they are built with
:func:`printable`: no control character or terminal escape sequence from a file reaches a terminal.
"""

from __future__ import annotations

import re

# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts ANSI/OSC
# sequences, CR returns to the start of the line, U+009B is a one-character CSI), DEL, and the
# Unicode marks that reorder or break lines on display. Tab and newline are layout, kept on request.
_UNPRINTABLE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
_SHOWN = {
    True: re.compile(f"[{_UNPRINTABLE}]"),
    False: re.compile(f"[{_UNPRINTABLE}\t\n]"),
}

MAX_SHOWN_PROBLEMS = 25  # a file with thousands of wrong values still gets a message one can read


def printable(text: str, *, newlines: bool = True) -> str:
    r"""``text`` safe to write to a terminal: each character a terminal would act on is shown as its
    ``\uXXXX`` escape (``\x1b`` -> ``\u001b``), so it is visible and, inside JSON, still the same
    string. With ``newlines=False`` tabs and line breaks are escaped too (for text that must stay on
    one line, such as a title)."""
    return _SHOWN[newlines].sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class UserError(Exception):
    """Something the user can fix; ``str(self)`` says what and how. ``exit_code`` is the CLI's exit."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(UserError):
    """Unreadable or invalid input. ``problems`` lists ``(field path, what was expected)`` pairs, as
    given; the message shows each on one printable line, at most ``MAX_SHOWN_PROBLEMS`` of them."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{printable(source, newlines=False)}: {len(problems)} fejl i indholdet:" if source
                 else f"{len(problems)} fejl i indholdet:"]
        for path, message in problems[:MAX_SHOWN_PROBLEMS]:
            shown = printable(message, newlines=False)
            lines.append(f"  - {printable(path, newlines=False)}: {shown}" if path else f"  - {shown}")
        if len(problems) > MAX_SHOWN_PROBLEMS:
            lines.append(f"  - … og {len(problems) - MAX_SHOWN_PROBLEMS} fejl mere")
        super().__init__("\n".join(lines), exit_code=2)
