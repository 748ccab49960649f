"""The Prefect UI as the people monitoring pending approvals use it, in Debian's chromium driven by
Playwright (never a downloaded browser): a waiting proposal is a Suspended run, its Resume form
shows the gate's Danish description and fields, an incomplete form is refused, and submitting the
form advances the proposal to its next gate.

Screenshots go to the test's tmp dir, and to ``DMPG_SCREENSHOT_DIR`` when set (how the guides'
pictures are made: ``DMPG_SCREENSHOT_DIR=docs/images .venv/bin/python -m pytest -m browser tests``).
"""

from __future__ import annotations

import pytest
from support.browser import BROWSER_MARKS, login, open_page, screenshot, submit_resume
from support.lifecycle import REFERENCE, example_form

from core import clock

pytestmark = BROWSER_MARKS


@pytest.fixture
def browser_page():
    with open_page(viewport={"width": 1400, "height": 1400}) as page:
        yield page


def test_a_waiting_proposal_is_decided_in_the_prefect_ui(driver, browser_page, tmp_path):
    from models import ledger

    page = browser_page
    proposal = driver.propose(example_form())
    gate = driver.wait_for_gate(proposal, "advice")
    url = f"{driver.stack.ui_url}/runs/flow-run/{gate.flow_run_id}"

    # The waiting proposal appears among the runs, suspended, named after the proposal and what it waits for.
    login(page, driver.stack)
    page.goto(f"{driver.stack.ui_url}/runs", wait_until="networkidle")
    waiting_name = f"{proposal} · Angst og OCD — venter på følgegruppen og RKKP"
    page.get_by_text(waiting_name).first.wait_for()
    page.goto(url, wait_until="networkidle")
    page.get_by_text("Suspended").first.wait_for()
    screenshot(page, tmp_path, "ui-waiting-run.png")

    # The Resume form: the gate's description (the proposal's summary) and the Danish fields.
    page.get_by_role("button", name="Resume").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text(f"{proposal} · Angst og OCD").wait_for()
    text = dialog.inner_text()
    for expected in ("Afventer: følgegruppens rådgivning (runde 1)", "Indstillingen i korte træk", "ICD-10: F40, F41, F42",
                     "Tjek af grundpræmisser", "Høringsbrev til følgegruppen",
                     "Anbefaling", "Resumé af rådgivningen", "Mødedato", "Registreret af"):
        assert expected in text, expected
    screenshot(page, tmp_path, "ui-resume-form.png")

    # An incomplete form is refused in the browser, and the run stays suspended at the same gate.
    dialog.get_by_role("button", name="Submit").click()
    dialog.get_by_text("'recommendation' is a required property").wait_for()
    assert "'recorded_by' is a required property" in dialog.inner_text()
    assert ledger.get_proposal(proposal).stage == "reference_group"

    # Filled in and submitted: the proposal moves on to RKKP's statement, then the steering group.
    # The choices are Danish (with the code), the date is typed the Danish way.
    dialog.locator(".p-select button").first.press("ArrowDown")
    choices = page.locator(".p-select-option__text").all_inner_texts()
    assert {"Støtter (support)", "Støtter med ændringer (support_with_changes)", "Støtter ikke (not_support)"} <= set(choices)
    page.locator(".p-select-option__text", has_text="Støtter med ændringer").click()
    dialog.locator("textarea").first.fill("Følgegruppen støtter & ønsker <børn og unge> med.")
    held = clock.today()  # the meeting was today: a meeting date after today is refused
    dialog.get_by_role("textbox").last.fill(f"{held:%d.%m.%Y}")  # Mødedato (dd.mm.åååå)
    # «Registreret af» offers only the people allowed at this gate, by name: the secretariat and the reference group.
    dialog.locator(".p-select button").nth(1).press("ArrowDown")
    page.locator(".p-select-option__text", has_text=REFERENCE).wait_for()
    options = page.locator(".p-select-option__text").all_inner_texts()
    assert f"Følgegruppen, Danske Regioner <{REFERENCE}>" in options
    assert "DMPG-sekretariatet <sekretariat@example.dk>" in options
    assert not any("styregruppe.hovedstaden@example.dk" in o for o in options)
    page.locator(".p-select-option__text", has_text=REFERENCE).click()
    submit_resume(page, dialog, tmp_path)

    driver.wait_for_gate(proposal, "database")
    advice = next(d for d in ledger.decisions(proposal) if d.gate == "advice")
    assert advice.outcome == "support_with_changes" and advice.recorded_by == REFERENCE
    assert advice.payload["summary"] == "Følgegruppen støtter & ønsker <børn og unge> med."
    assert advice.payload["meeting_date"] == held.isoformat()


def test_the_runs_list_is_the_secretariats_board(driver, browser_page, tmp_path):
    """Three proposals waiting at different gates: the runs list names each one's gate and body, and the
    one link of the secretariat's guide lists every waiting proposal, however long it has waited."""

    page = browser_page
    hearing = driver.propose(example_form() | {"title": "Tvangslidelser hos børn"})
    revising = driver.propose(example_form("personlighedsforstyrrelser") | {"title": "PTSD efter flugt"})
    steering = driver.propose(example_form() | {"title": "Spiseforstyrrelser hos voksne"})
    driver.hearing(steering)
    driver.wait_for_gate(steering, "steering")
    driver.wait_for_gate(hearing, "advice")
    driver.wait_for_gate(revising, "revision")

    login(page, driver.stack)
    page.goto(f"{driver.stack.ui_url}/runs?type=span&seconds=-315360000&state=Suspended", wait_until="networkidle")
    for name in (f"{hearing} · Tvangslidelser hos børn — venter på følgegruppen og RKKP",
                 f"{revising} · PTSD efter flugt — venter på indstillerne",
                 f"{steering} · Spiseforstyrrelser hos voksne — venter på DMPG-styregruppen"):
        page.get_by_text(name).first.wait_for()
    for tag in ("venter på følgegruppen", "venter på RKKP", "venter på indstillerne", "venter på DMPG-styregruppen"):
        assert page.get_by_text(tag, exact=True).count() >= 1, tag
    screenshot(page, tmp_path, "ui-board.png")

    # The steering gate's Resume form offers the steering group's Danish choices.
    page.get_by_text(f"{steering} · Spiseforstyrrelser hos voksne").first.click()
    page.get_by_role("button", name="Resume").click()
    dialog = page.get_by_role("dialog")
    dialog.locator(".p-select button").first.press("ArrowDown")
    page.locator(".p-select-option__text", has_text="Godkendt (approve)").wait_for()  # the list opens after a moment
    choices = page.locator(".p-select-option__text").all_inner_texts()
    assert {"Godkendt (approve)", "Afvist (reject)", "Sendt tilbage til revision (revise)",
            "Udsat til et senere møde (defer)"} <= set(choices)
    page.keyboard.press("Escape")

    # The revision gate's form points to the decision page's upload (through the personal link in the
    # revision request: a link kept in Prefect's database must not work); it asks only who records.
    page.goto(f"{driver.stack.ui_url}/runs/flow-run/{driver.wait_for_gate(revising, 'revision').flow_run_id}",
              wait_until="networkidle")
    page.get_by_role("button", name="Resume").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("uploades på beslutningssiden").wait_for()
    assert f"dmpg decide {revising} revision --input skema.docx" in dialog.inner_text()
    assert not [a for a in dialog.locator("a").evaluate_all("as => as.map(a => a.href)") if "/beslut/" in a]
    assert "Property is type" not in dialog.inner_text() and "Registreret af" in dialog.inner_text()
