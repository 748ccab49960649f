"""The decision page as a person meets it, on the real stack: the link in the mail the sink received,
opened in Debian's chromium on a phone-sized screen (390×844), read, decided, and the proposal moves
on; every bad case refused in Danish; a link scanner's GETs and two POSTs at once record one thing.

Screenshots go to the test's tmp dir, and to ``DMPG_SCREENSHOT_DIR`` when set (the pictures of docs/).
"""

from __future__ import annotations

import re
import threading

import httpx
import pytest
from support.browser import BROWSER_MARKS, open_page, screenshot
from support.lifecycle import REFERENCE, RKKP, decision, example_form, link_in_mail

from core import clock

pytestmark = BROWSER_MARKS


@pytest.fixture
def phone():
    with open_page(lang="da-DK", viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                   has_touch=True, locale="da-DK") as page:
        yield page


def test_a_person_decides_from_the_mail_on_a_phone(driver, phone, tmp_path):
    from models import ledger

    proposal = driver.propose(example_form() | {"title": "Angst og OCD i primærsektoren"})
    driver.wait_for_gate(proposal, "advice")
    driver.wait_for_mail(proposal)
    url = link_in_mail(driver.stack.home / "mail", proposal, REFERENCE, "følgegruppens rådgivning")
    assert url.startswith(f"http://127.0.0.1:{driver.stack.stack.settings.web_port}/beslut/")

    # A mail system's link scanner fetches the link first: nothing happens.
    for _ in range(3):
        assert httpx.get(url).status_code == 200
    assert ledger.decision(proposal, "advice", 1) is None

    page = phone
    page.goto(url)
    page.get_by_role("heading", name="Angst og OCD i primærsektoren").wait_for()
    for text in ("Følgegruppens rådgivning", "Støtter med ændringer", "Indstillingen i korte træk",
                 "Høringsbrev til følgegruppen", "Registreres for Følgegruppen, Danske Regioner"):
        assert page.get_by_text(text).first.is_visible(), text
    screenshot(page, tmp_path, "decision-page-phone.png")

    # A form with a blank summary, sent past the browser's own check: refused, named, nothing recorded.
    page.evaluate("document.querySelector('form').noValidate = true")
    page.get_by_label("Støtter med ændringer").check()
    page.get_by_role("button", name="Send rådgivningen").click()
    page.get_by_text("Resumé af rådgivningen: skal udfyldes").wait_for()
    assert ledger.decision(proposal, "advice", 1) is None

    page.get_by_label("Resumé af rådgivningen").fill("Følgegruppen støtter; pårørende & børn <under 18> skal med.")
    page.get_by_label("Mødedato").fill(f"{clock.today():%d.%m.%Y}")  # the meeting was today
    page.get_by_role("button", name="Send rådgivningen").click()
    page.get_by_text("Tak – beslutningen er registreret").wait_for()
    screenshot(page, tmp_path, "decision-recorded-phone.png")
    decided = ledger.decision(proposal, "advice", 1)
    assert (decided.outcome, decided.recorded_by, decided.channel) == ("support_with_changes", REFERENCE, "mail-link")

    # The proposal moves on: with the advice taken, the run waits for RKKP's statement.
    driver.wait_for_gate(proposal, "database")

    # The same link again (it shows what it recorded), and a tampered one: nothing recorded.
    page.goto(url)
    page.get_by_text("Tak – beslutningen er registreret").wait_for()
    page.goto(url[:-6] + "xxxxxx")
    page.get_by_role("heading", name="Linket er ikke gyldigt").wait_for()
    assert len([d for d in ledger.decisions(proposal) if d.gate == "advice"]) == 1


def test_a_closed_gate_and_two_posts_at_once(driver):
    from models import ledger

    proposal = driver.propose(example_form() | {"title": "Angst hos ældre i almen praksis"})
    driver.wait_for_gate(proposal, "advice")
    driver.wait_for_mail(proposal)
    mail_dir = driver.stack.home / "mail"
    rkkp_url = link_in_mail(mail_dir, proposal, RKKP, "databasegrundlaget")

    # Two POSTs at once through RKKP's link (two tabs): one decision.
    clients = [httpx.Client() for _ in range(2)]
    tokens = [re.search(r'name="csrf" value="([^"]+)"', c.get(rkkp_url).text).group(1) for c in clients]
    body = {k: v for k, v in decision("database", RKKP).items() if k != "recorded_by"}
    barrier, statuses = threading.Barrier(2), []

    def post(c: httpx.Client, token: str) -> None:
        barrier.wait()
        statuses.append(c.post(rkkp_url, data=body | {"csrf": token}).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [303, 303]
    assert len([d for d in ledger.decisions(proposal) if d.gate == "database"]) == 1

    # The reference group decides by another channel: the hearing link in their mail is dead.
    driver.resume(proposal, "advice", decision("advice", REFERENCE))
    driver.wait_for_gate(proposal, "steering")
    closed = httpx.get(link_in_mail(mail_dir, proposal, "foelgegruppe.sst@example.dk", "følgegruppens rådgivning"))
    assert closed.status_code == 410 and "Beslutningen er ikke længere åben" in closed.text
    assert any(e.kind == "link_refused" and e.detail["reason"] == "closed" for e in ledger.events(proposal))
