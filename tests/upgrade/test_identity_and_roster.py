"""A recorded decision always moves its proposal, on the real local stack:

- an address typed in capitals, or with a look-alike character, is the roster's person and is recorded
  under the roster's spelling — and the run stored by Prefect with that day's people still wakes;
- a director who takes the seat while the approval gate waits decides by the command line, by the link
  in the mail the engine sends them, and through the Prefect UI's Resume form (re-armed with today's
  people), and each proposal moves on.
"""

from __future__ import annotations

import json
import re

import httpx
import pytest
import yaml
from support.browser import login, open_page, screenshot, submit_resume
from support.lifecycle import (
    DIRECTOR,
    STEERING,
    assert_exactly_once,
    decision,
    example_form,
    link_in_mail,
)
from support.prefect_server import wait_until

pytestmark = [pytest.mark.prefect]

MEETING = "2026-11-26"  # a meeting that has taken place
NEW_DIRECTOR = "ny.direktoer.syddanmark@example.dk"
KELVIN = "\u212a"  # KELVIN SIGN: NFKC makes it a plain K


def _decide(driver, proposal: str, gate: str, payload: dict, by: str) -> tuple[int, str, str]:
    path = driver.tmp_path / f"{proposal}-{gate}.yaml"
    path.write_text(yaml.safe_dump({k: v for k, v in payload.items() if k != "recorded_by"}, allow_unicode=True),
                    encoding="utf-8")
    return driver.cli("decide", proposal, gate, "--input", str(path), "--by", by, "--json")


def test_an_address_in_capitals_or_with_a_look_alike_is_the_rosters_person(driver):
    from models import ledger

    proposal = driver.propose(example_form() | {"title": "Angst og OCD (stavemåder)"})
    driver.wait_for_gate(proposal, "advice")
    code, out, err = _decide(driver, proposal, "advice", decision("advice", "", meeting_date=MEETING),
                             "FOELGEGRUPPE.SST@EXAMPLE.DK")
    assert code == 0, err
    assert json.loads(out)["woken"] is True  # the form Prefect stored lists the person in lower case
    code, _, err = _decide(driver, proposal, "database", decision("database", ""), f"r{KELVIN}{KELVIN}p.databaser@example.dk")
    assert code == 0, err
    driver.wait_for_gate(proposal, "steering")
    by = {d.gate: d.recorded_by for d in ledger.decisions(proposal)}
    assert by == {"advice": "foelgegruppe.sst@example.dk", "database": "rkkp.databaser@example.dk"}
    # An address on no roster entry is refused before anything is recorded.
    code, _, err = _decide(driver, proposal, "steering", decision("steering", "", meeting_date=MEETING),
                           "styregruppe.midtjylland@example.com")
    assert code == 1 and "må ikke registrere" in err
    assert ledger.decision(proposal, "steering", 1) is None
    assert_exactly_once(proposal)


@pytest.fixture
def replaced_director(local_stack):
    """The roster with the Region of Southern Denmark's psychiatry director replaced by a new one, as the
    secretariat edits roster.yaml; the old roster back afterwards."""
    from core.settings import get_settings

    path = get_settings().roster
    before = path.read_text(encoding="utf-8")
    yield lambda: path.write_text(before.replace(f"email: {DIRECTOR}", f"email: {NEW_DIRECTOR}")
                                  .replace("Psykiatridirektør, Region Syddanmark", "Ny psykiatridirektør, Region Syddanmark"),
                                  encoding="utf-8")
    path.write_text(before, encoding="utf-8")


@pytest.mark.browser
def test_a_director_who_takes_the_seat_while_the_gate_waits_decides_by_every_channel(driver, replaced_director):
    from dmpg.adapters.prefect_api import PrefectAPI
    from models import ledger

    proposals = [driver.propose(example_form() | {"title": f"Angst og OCD (ny direktør {n})"}) for n in range(3)]
    for proposal in proposals:
        driver.hearing(proposal, meeting_date=MEETING)
        driver.resume(proposal, "steering", decision("steering", STEERING, meeting_date=MEETING))
    old_keys = {p: driver.wait_for_gate(p, "approval").key for p in proposals}

    replaced_director()
    assert ledger.roster().person(NEW_DIRECTOR) is not None
    # The sweep sees Resume forms that offer the director who left: it re-arms them with today's people, and
    # the new director gets the director memo with a personal link (the others had theirs already).
    def rearmed() -> bool:
        return all(driver.wait_for_gate(p, "approval").key != old_keys[p] for p in proposals)
    assert wait_until(rearmed, 120, 1.0), "the waiting runs were not re-armed"
    for proposal in proposals:
        driver.wait_for_mail(proposal)
    assert_no_second_memo(proposals)

    approve = decision("approval", "", meeting_date=MEETING, rationale="Godkendt af den nye direktør.")
    # 1. The command line, on the new director's behalf.
    code, out, err = _decide(driver, proposals[0], "approval", approve, NEW_DIRECTOR.upper())
    assert code == 0, err

    # 2. The link in the new director's own mail.
    url = link_in_mail(driver.stack.home / "mail", proposals[1], NEW_DIRECTOR, "")
    with httpx.Client() as client:
        page = client.get(url)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
        answer = client.post(url, data={"decision": "approve", "meeting_date": "26.11.2026",
                                        "rationale": "Godkendt via linket.", "csrf": csrf})
        assert answer.status_code == 303

    # 3. The Prefect UI's Resume form, which now offers the new director. Once the two runs above have
    # moved on: on the local stack's SQLite a burst of writes can make the server refuse a resume (the UI
    # says "Oops. Something went wrong"; docs/secretariat.md tells the person to press Submit again).
    for proposal in proposals[:2]:
        driver.wait_for_gate(proposal, "appointments")
        driver.wait_for_mail(proposal)
    with open_page(viewport={"width": 1400, "height": 1000}) as page:
        login(page, driver.stack)
        run_id = ledger.get_proposal(proposals[2]).flow_run_id
        page.goto(f"{driver.stack.ui_url}/runs/flow-run/{run_id}", wait_until="networkidle")
        page.get_by_role("button", name="Resume").click()
        dialog = page.get_by_role("dialog")
        fill_approval(page, dialog, "Godkendt i Prefect UI.")
        screenshot(page, driver.tmp_path, "resume-new-director.png")
        submit_resume(page, dialog, driver.tmp_path)

    for proposal in proposals:
        driver.wait_for_gate(proposal, "appointments")
        assert_exactly_once(proposal)
    approvals = {p: ledger.decision(p, "approval", 1) for p in proposals}
    assert {a.recorded_by for a in approvals.values()} == {NEW_DIRECTOR}
    assert [a.channel for a in approvals.values()] == ["cli", "mail-link", "prefect-ui"]
    with PrefectAPI() as api:
        assert all(api.run_state(ledger.get_proposal(p).flow_run_id).paused for p in proposals)


def assert_no_second_memo(proposals: list[str]) -> None:
    """The re-arm mailed the memo to the new director only: nobody got it twice."""
    from dmpg.mail.outbox import list_notifications

    for proposal in proposals:
        memos = [n.recipient for n in list_notifications(proposal) if n.kind == "director_memo"]
        assert sorted(set(memos)) == sorted(memos) and NEW_DIRECTOR in memos


def fill_approval(page, dialog, rationale: str) -> None:
    """Fill the approval gate's Danish Resume form for the new director."""
    selects = dialog.locator(".p-select button")
    selects.first.press("ArrowDown")
    page.locator(".p-select-option__text", has_text="Godkendt (approve)").click()
    fields = dialog.locator("textarea")  # the form's text fields, in the order of the gate's input
    fields.nth(0).fill("26.11.2026")  # Mødedato (dd.mm.åååå)
    fields.nth(1).fill(rationale)  # Begrundelse
    selects.last.press("ArrowDown")
    page.locator(".p-select-option__text", has_text=NEW_DIRECTOR).click()
