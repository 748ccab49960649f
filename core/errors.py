"""Errors a user can cause. The CLI prints them as one clear line, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; ``str(self)`` says what and how. ``exit_code`` is the CLI's exit."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(UserError):
    """Unreadable or invalid input. ``problems`` lists ``(field path, what was expected)`` pairs."""

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        lines = [f"{source}: {len(problems)} problem(s) in the input:"]
        lines += [f"  - {path}: {message}" if path else f"  - {message}" for path, message in problems]
        super().__init__("\n".join(lines), exit_code=2)
