"""The Prefect UI's board as the secretariat sees it, in Debian's chromium: the table of what waits shows
each gate's deadline and *overskredet*, and the timeline artifact shows its chart — an inline ``data:``
PNG, which the UI's markdown renders (a file on the server's disk it could not load) — with the overdue
gate under it, its title as plain text.

Screenshots go to the test's tmp dir, and to ``DMPG_SCREENSHOT_DIR`` when set (the pictures of docs/).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from support.browser import BROWSER_MARKS, open_page, screenshot

pytestmark = BROWSER_MARKS

TITLE = "Angst [og](javascript:alert(1)) <b>OCD</b>"  # form text: never markup on the board


@pytest.fixture
def overdue_appointments(local_stack):
    """A proposal waiting for its appointments since the directors approved, its svarfrist passed a few
    days ago (fewer than DMPG_ESCALATE_AFTER_DAYS: nothing is escalated in the session's ledger). Written
    straight to the ledger, with no flow run (nothing else on the stack acts on it); removed afterwards."""
    from core import clock, workdays
    from forms.proposal import ProposalForm
    from models import ledger
    from models.db import session_scope
    from models.tables import StageEvent
    from models.vocabulary import EventKind

    due = clock.today() - timedelta(days=5)
    while not workdays.is_working_day(due):
        due -= timedelta(days=1)
    approved = clock.at_copenhagen(due - timedelta(days=21), 10)  # 21 days before a working day: due then
    pid = ledger.create_proposal(ProposalForm(title=TITLE)).id
    with session_scope() as s:
        s.add(StageEvent(proposal_id=pid, key=f"{pid}:stage:appointments:1", kind=EventKind.STAGE_ENTERED,
                         stage="appointments", at=approved))
        s.add(StageEvent(proposal_id=pid, key=f"{pid}:answer:approval:r1:test", kind=EventKind.DECISION_RECORDED,
                         gate="approval", round=1, at=approved, detail={"outcome": "approve"}))
        s.add(StageEvent(proposal_id=pid, key=f"{pid}:gate_opened:appointments-r1-a1", kind=EventKind.GATE_OPENED,
                         gate="appointments", round=1, at=approved, detail={"key": "appointments-r1-a1", "waiting_on": []}))
    try:
        yield pid, (clock.today() - due).days
    finally:
        ledger.delete_proposal(pid)


def test_the_board_shows_deadlines_and_the_timeline(local_stack, overdue_appointments, tmp_path):
    from tasks.board import TIMELINE_KEY, WAITING_KEY, publish_timeline, publish_waiting

    pid, days = overdue_appointments
    publish_waiting()
    publish_timeline()
    with open_page(viewport={"width": 1400, "height": 1500}) as page:
        page.goto(local_stack.ui_url, wait_until="networkidle")
        page.get_by_text("Login").first.wait_for()
        page.locator("input").first.fill(local_stack.stack.auth_string)
        page.keyboard.press("Enter")
        page.wait_for_url(lambda url: "login" not in url)

        # Artifacts → dmpg-tidslinje: the key's page lists its versions; the latest one is the board's card.
        page.goto(f"{local_stack.ui_url}/artifacts/key/{TIMELINE_KEY}", wait_until="networkidle")
        page.locator(".artifact-timeline a").first.click()
        page.wait_for_load_state("networkidle")
        chart = page.locator('img[src^="data:image/png;base64,"]').first
        chart.wait_for()
        assert page.evaluate("img => img.complete && img.naturalWidth > 600", chart.element_handle())
        text = page.locator("body").inner_text()
        assert "Tidslinje: forslag i proces" in text
        assert f"{TITLE} ({pid}): udpegning af medlemmer og formandskab" in text  # the title exactly as typed
        assert f"overskredet ({days} dage)" in text
        assert page.locator('a[href^="javascript"]').count() == 0 and page.locator("b", has_text="OCD").count() == 0
        screenshot(page, tmp_path, "ui-timeline.png")

        page.goto(f"{local_stack.ui_url}/artifacts/key/{WAITING_KEY}", wait_until="networkidle")
        page.locator(".artifact-timeline a").first.click()
        page.wait_for_load_state("networkidle")
        page.get_by_text(f"overskredet ({days} dage)").first.wait_for()
        assert "Frist" in page.locator("body").inner_text()
