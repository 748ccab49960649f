"""Loopback network probes for the local stack: is a port free, does it answer, is the API healthy.

Standard library only (urllib, socket) so that ``dmpg up``/``down``/status stay light.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request

LOOPBACK = "127.0.0.1"
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}

# Loopback only, so never through an HTTP(S)_PROXY from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def port_free(port: int, host: str = LOOPBACK) -> bool:
    """True when a server could listen on ``host:port`` now.

    SO_REUSEADDR mirrors what uvicorn and asyncio servers set, so a port merely in TIME_WAIT from
    a stack just stopped counts as free; a port someone listens on does not.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = LOOPBACK) -> int:
    """A port the kernel considers free right now (for tests and for suggestions in messages)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def tcp_answers(port: int, host: str = LOOPBACK, timeout: float = 0.5) -> bool:
    """True when something accepts a TCP connection on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def api_healthy(api_url: str, timeout: float = 1.0) -> bool:
    """True when ``GET <api_url>/health`` answers ``true`` (the Prefect server is up and migrated)."""
    try:
        with _OPENER.open(f"{api_url.rstrip('/')}/health", timeout=timeout) as resp:
            return resp.status == 200 and resp.read().strip() == b"true"
    except (urllib.error.URLError, OSError, ValueError):
        return False
