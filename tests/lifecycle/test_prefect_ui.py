"""The Prefect UI as the people monitoring pending approvals use it, in Debian's chromium driven by
Playwright (never a downloaded browser): a waiting proposal is a Suspended run, its Resume form
shows the gate's Danish description and fields, an incomplete form is refused, and submitting the
form advances the proposal to its next gate.

Screenshots go to the test's tmp dir, and to ``DMPG_SCREENSHOT_DIR`` when set (how the README's
pictures are made: ``DMPG_SCREENSHOT_DIR=docs/images .venv/bin/python -m pytest tests/ui``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support.lifecycle import REFERENCE, example_form

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = [
    pytest.mark.prefect,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                       "(make test installs it with apt-get when run as root or with sudo)"),
]


@pytest.fixture
def browser_page(tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.set_default_timeout(30_000)
        yield page
        browser.close()


def login(page, stack) -> None:
    """The locked UI asks for the API's auth string once per browser, as `dmpg up` prints it."""
    page.goto(stack.ui_url, wait_until="networkidle")
    page.get_by_text("Login").first.wait_for()
    page.locator("input").first.fill(stack.stack.auth_string)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "login" not in url)


def _shot(page, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    page.screenshot(path=str(path))
    if target := os.environ.get("DMPG_SCREENSHOT_DIR"):
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(target) / name)


def test_a_waiting_proposal_is_decided_in_the_prefect_ui(driver, browser_page, tmp_path):
    from models import ledger

    page = browser_page
    proposal = driver.propose(example_form())
    gate = driver.wait_for_gate(proposal, "advice")
    url = f"{driver.stack.ui_url}/runs/flow-run/{gate.flow_run_id}"

    # The waiting proposal appears among the runs, suspended, named after the proposal.
    login(page, driver.stack)
    page.goto(f"{driver.stack.ui_url}/runs", wait_until="networkidle")
    page.get_by_text(f"{proposal}-angst-og-ocd").first.wait_for()
    page.goto(url, wait_until="networkidle")
    page.get_by_text("Suspended").first.wait_for()
    assert page.get_by_text(f"{proposal}-angst-og-ocd").count() >= 1
    _shot(page, tmp_path, "ui-waiting-run.png")

    # The Resume form: the gate's description (the proposal's summary) and the Danish fields.
    page.get_by_role("button", name="Resume").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text(f"{proposal} · Angst og OCD").wait_for()
    text = dialog.inner_text()
    for expected in ("Afventer: følgegruppens rådgivning (runde 1)", "Indstillingen i korte træk", "ICD-10: F40, F41, F42",
                     "Tjek af grundpræmisser", "Høringsbrev til følgegruppen",
                     "Anbefaling", "Resumé af rådgivningen", "Mødedato", "Registreret af"):
        assert expected in text, expected
    _shot(page, tmp_path, "ui-resume-form.png")

    # An incomplete form is refused in the browser, and the run stays suspended at the same gate.
    dialog.get_by_role("button", name="Submit").click()
    dialog.get_by_text("'recommendation' is a required property").wait_for()
    assert "'recorded_by' is a required property" in dialog.inner_text()
    assert ledger.get_proposal(proposal).stage == "reference_group"

    # Filled in and submitted: the proposal moves on to RKKP's statement, then the steering group.
    dialog.locator(".p-select button").first.press("ArrowDown")
    page.locator(".p-select-option__text", has_text="support_with_changes").click()
    dialog.locator("textarea").first.fill("Følgegruppen støtter & ønsker <børn og unge> med.")
    # «Registreret af» offers only the people allowed at this gate: the secretariat and the reference group.
    dialog.locator(".p-select button").nth(1).press("ArrowDown")
    page.locator(".p-select-option__text", has_text=REFERENCE).wait_for()
    options = page.locator(".p-select-option__text").all_inner_texts()
    assert REFERENCE in options and "sekretariat@example.dk" in options
    assert "styregruppe.hovedstaden@example.dk" not in options
    page.locator(".p-select-option__text", has_text=REFERENCE).click()
    dialog.locator("button", has_text="Select date").click()
    page.get_by_role("button", name="14", exact=True).first.click()
    page.get_by_role("button", name="Apply").click()
    dialog.get_by_role("button", name="Submit").click()

    driver.wait_for_gate(proposal, "database")
    advice = next(d for d in ledger.decisions(proposal) if d.gate == "advice")
    assert advice.outcome == "support_with_changes" and advice.recorded_by == REFERENCE
    assert advice.payload["summary"] == "Følgegruppen støtter & ønsker <børn og unge> med."
    assert advice.payload["meeting_date"].endswith("-14")
