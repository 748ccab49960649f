"""``dmpg up`` and ``dmpg down``: start or stop the local stack of the current DMPG_HOME.

``up`` prints the UI address (``--json``: ``{"ui", "api", "smtp", "home", "pids", ...}``, see
``dmpg.adapters.stack.StartReport.to_json``) and exits 0 when the stack runs, also when it already ran.
``down`` says what it stopped and exits 0, also when nothing ran.
"""

from __future__ import annotations

import argparse
import json

from dmpg.adapters.stack import LocalStack, StartReport, Stopped


def run(args: argparse.Namespace) -> int:
    stack = LocalStack()
    if args.command == "down":
        print(_down_text(stack, stack.stop()))
        return 0
    report = stack.start()
    if getattr(args, "json", False):
        print(json.dumps(report.to_json(), indent=2))
    else:
        print(_up_text(stack, report))
    return 0


def _up_text(stack: LocalStack, report: StartReport) -> str:
    titles = {c.name: c.title for c in stack.children}
    if not report.started:
        head = f"DMPG's lokale stak kører allerede (DMPG_HOME={report.home}); intet startet."
    elif report.already_running:
        restarted = ", ".join(titles[n] for n in report.started)
        head = f"DMPG's lokale stak kører (DMPG_HOME={report.home}); startede {restarted}, resten kørte allerede."
    else:
        head = f"DMPG's lokale stak er startet (DMPG_HOME={report.home})."
    lines = [head]
    if report.tightened:
        lines.append(report.tightened.sentence(report.home))
    lines += [f"  Prefect UI:   {report.ui}  (log ind med {stack.auth_string})",
              f"  Prefect API:  {report.api}  (låst: PREFECT_API_AUTH_STRING, gemt i {stack.settings.api_auth_file})"]
    if "web" in report.pids:
        lines.append(f"  Beslutninger: {stack.settings.public_base_url}  (siden bag linkene i mails)")
    if "sink" in report.pids:
        lines.append(f"  Mailsink:     {report.smtp}  (mails i {stack.settings.mail_dir.resolve()})")
    if "runner" in report.pids:
        lines.append(f"  Flowkører:    pid {report.pids['runner']}")
    lines.append(f"  Logfiler:     {report.logs}")
    for name, reason in report.not_started.items():
        lines.append(f"Ikke startet: {titles[name]}: {reason}.")
    lines.append("Stop den med: dmpg down")
    return "\n".join(lines)


def _down_text(stack: LocalStack, stopped: list[Stopped]) -> str:
    if not stopped:
        return f"Intet at stoppe: der kører ingen lokal stak for DMPG_HOME={stack.home}."
    titles = {c.name: c.title for c in stack.children}
    parts = [
        f"{titles.get(s.name, s.name)} (pid {s.pid}{', dræbt efter fristen' if s.killed else ''})"
        for s in stopped
    ]
    return f"DMPG's lokale stak er stoppet (DMPG_HOME={stack.home}): " + ", ".join(parts) + "."
