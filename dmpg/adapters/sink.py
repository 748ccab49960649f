"""The local mail sink: a real SMTP server (aiosmtpd) that saves every message as an ``.eml`` file.

Contract: ``MailSink(host, port, directory)`` with ``start()`` / ``stop()`` runs in-process (tests);
``python -m dmpg.adapters.sink`` runs it in the foreground with the settings (``smtp_host``, ``smtp_port``,
``DMPG_HOME/mail``), prints one line when it listens and stops cleanly on SIGTERM or Ctrl-C.

Each envelope recipient gets its own file ``<timestamp>-<n>-<recipient>.eml`` holding the raw
message with ``Delivered-To`` and ``X-Envelope-To`` headers in front, so each person's mail is a file a
demo user can open in any mail program. Files appear atomically (written aside, then renamed).
"""

from __future__ import annotations

import errno
import itertools
import re
import signal
import sys
import threading
from pathlib import Path

from aiosmtpd.controller import Controller

from core import clock
from core.settings import get_settings
from dmpg.adapters.stack_net import port_free

_UNSAFE = re.compile(r"[^A-Za-z0-9@._+-]+")


class _SaveHandler:
    """aiosmtpd handler: store the message once per envelope recipient."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        stamp = clock.now().strftime("%Y%m%dT%H%M%S.%fZ")
        for rcpt in envelope.rcpt_tos:
            with self._lock:
                n = next(self._counter)
            name = f"{stamp}-{n:04d}-{_UNSAFE.sub('_', rcpt)}.eml"
            head = f"Delivered-To: {rcpt}\r\nX-Envelope-To: {rcpt}\r\n".encode("utf-8")
            tmp = self.directory / f".{name}.part"
            tmp.write_bytes(head + raw)
            tmp.replace(self.directory / name)
        return "250 Message accepted for delivery"


class MailSink:
    """An SMTP server on ``host:port`` that writes what it receives to ``directory``.

    ``start()`` returns once the server accepts connections (raises ``OSError`` when the port is taken);
    ``stop()`` closes it. Also a context manager.
    """

    def __init__(self, host: str, port: int, directory: Path | str):
        self.host = host
        self.port = port
        self.directory = Path(directory)
        self._controller = None

    def start(self) -> "MailSink":
        self.directory.mkdir(parents=True, exist_ok=True)
        # Fail fast with a plain OSError if the port is taken (aiosmtpd would only time out). The probe
        # allows reuse, as the server does, so a port in TIME_WAIT from the last run is not "taken".
        if not port_free(self.port, self.host):
            raise OSError(errno.EADDRINUSE, f"Address already in use: {self.host}:{self.port}")
        controller = Controller(
            _SaveHandler(self.directory),
            hostname=self.host,
            port=self.port,
            server_hostname="dmpg-mail-sink",
            enable_SMTPUTF8=True,
            ready_timeout=10,
        )
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def messages(self) -> list[Path]:
        """The stored ``.eml`` files, oldest first."""
        return sorted(self.directory.glob("*.eml"))

    def __enter__(self) -> "MailSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> int:
    settings = get_settings()
    sink = MailSink(settings.smtp_host, settings.smtp_port, settings.mail_dir)
    try:
        sink.start()
    except OSError as exc:
        print(f"dmpg mail sink: cannot listen on {settings.smtp_host}:{settings.smtp_port}: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    print(
        f"dmpg mail sink listening on {settings.smtp_host}:{settings.smtp_port}, saving to {settings.mail_dir}",
        flush=True,
    )
    stop.wait()
    sink.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
