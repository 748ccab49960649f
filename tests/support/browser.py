"""Debian's chromium driven by Playwright for the browser tests (never a downloaded browser).

Contract: ``BROWSER_MARKS`` (the marks of a browser test: the session's Prefect stack, ``browser``, and
a skip when ``/usr/bin/chromium`` is missing); ``open_page(**context)`` yields a page of a fresh
headless chromium with the given context options (viewport, locale, mobile …), closed afterwards;
``screenshot(page, tmp_path, name)`` saves what the page shows to the test's tmp dir, and to
``DMPG_SCREENSHOT_DIR`` when it is set (how the guides' pictures in docs/images/ are made)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

BROWSER_MARKS = [
    pytest.mark.prefect,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                       "(make test installs it with apt-get when run as root or with sudo)"),
]


@contextmanager
def open_page(*, lang: str | None = None, **context: Any) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS + ([f"--lang={lang}"] if lang else []))
        try:
            page = browser.new_context(**context).new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def screenshot(page: Any, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path))
    if target := os.environ.get("DMPG_SCREENSHOT_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)


def login(page: Any, stack: Any) -> None:
    """The locked Prefect UI asks for the API's auth string once per browser, as `dmpg up` prints it."""
    page.goto(stack.ui_url, wait_until="networkidle")
    page.get_by_text("Login").first.wait_for()
    page.locator("input").first.fill(stack.stack.auth_string)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "login" not in url)


def submit_resume(page: Any, dialog: Any, tmp_path: Path, picture: str = "resume-refused.png") -> None:
    """Press Submit; when the local stack's SQLite server turns it away ("Oops. Something went wrong", the
    form left open), press it again, as docs/secretariat.md tells the secretariat. A form still open after
    three presses fails the test with what the person saw."""
    for _ in range(3):
        dialog.get_by_role("button", name="Submit").click()
        try:
            dialog.wait_for(state="hidden", timeout=20_000)
            return
        except Exception:  # noqa: BLE001 - Playwright's timeout: look at what the page says
            if not page.get_by_text("Something went wrong").first.is_visible():
                break
    screenshot(page, tmp_path, picture)
    pytest.fail(f"the Resume form stayed open: {dialog.inner_text()[-300:]!r}")
