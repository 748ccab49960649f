"""Every page of the decision page is accessible (WCAG 2.1 AA) as people meet it, in Debian's chromium:
axe-core finds no violation on the front page, the accessibility statement, the page of every gate, a
form sent back with errors, the recorded page, a used and a closed link (which say what was decided, by
whom and when, and whom to ask), every refusal, and the minutes' pages; a decision is made with the
keyboard alone, at 200 % zoom, and on a phone the case in brief comes before the form.

The page is served by the real app (uvicorn) on a real ledger with real documents; no Prefect is needed
(a decision recorded here wakes no flow run, as none waits).
"""

from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
from support.a11y import assert_accessible, assert_no_sideways_scrolling, focused
from support.browser import CHROMIUM, open_page, screenshot

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed "
                                 "(make test installs it with apt-get when run as root or with sudo)")]

SECRETARIAT = "sekretariat@example.dk"
REFERENCE = "foelgegruppe.regioner@example.dk"
OTHER_REFERENCE = "foelgegruppe.sst@example.dk"
RKKP = "rkkp.databaser@example.dk"
STEERING = "styregruppe.hovedstaden@example.dk"
DIRECTOR = "direktoer.hovedstaden@example.dk"
PROPOSER = "noegleperson.pf@example.dk"


@pytest.fixture
def site(dmpg_home, examples, monkeypatch):
    """The decision page on a free port, over a ledger with a proposal at each gate, and a meeting whose
    minutes wait for the chair; yields ``(base url, links)``: each link a path for one person."""
    import uvicorn

    from core.settings import get_settings
    from dmpg.adapters.stack_net import free_port
    from dmpg.interfaces.web.app import create_app
    from dmpg.services.gatekeeper import open_gate
    from dmpg.services.steps import check_submission
    from dmpg.state import links
    from forms.loading import load_form
    from forms.meetings import AWAITING_APPROVAL
    from models import ledger
    from models.db import dispose_engines

    port = free_port()
    monkeypatch.setenv("DMPG_WEB_PORT", str(port))
    get_settings.cache_clear()

    def proposal(example: str, title: str) -> str:
        form = load_form(examples / f"{example}.yaml").model_copy(update={"title": title})
        pid = ledger.create_proposal(form).id
        check_submission(pid, form.model_dump(mode="json"), 1)
        return pid

    hearing = proposal("angst-og-ocd", "Angst og OCD")
    for gate in ("advice", "database"):
        open_gate(hearing, gate, 1, 1, f"{gate}-r1-a1")
    steering = proposal("angst-og-ocd", "Tvangslidelser hos børn")
    for gate in ("steering", "approval", "appointments"):
        open_gate(steering, gate, 1, 1, f"{gate}-r1-a1")
    revising = proposal("personlighedsforstyrrelser", "Personlighedsforstyrrelser")
    open_gate(revising, "revision", 1, 1, "revision-r1-a1")

    meeting, _ = ledger.create_meeting("styregruppen-2026-11-05", "steering_group", date(2026, 11, 5))
    ledger.update_meeting(meeting.id, status=AWAITING_APPROVAL, minutes_by=SECRETARIAT, minutes={"decisions": [
        {"proposal": steering, "gate": "steering", "round": 1, "decision": "approve",
         "rationale": "Stort behov på tværs af sektorer.", "payload": {}}]})

    def path(url: str) -> str:
        return "/" + url.split("://", 1)[1].split("/", 1)[1]

    paths = {
        "advice": path(links.gate_link(hearing, "advice", 1, REFERENCE)),
        "advice_other": path(links.gate_link(hearing, "advice", 1, OTHER_REFERENCE)),
        "database": path(links.gate_link(hearing, "database", 1, RKKP)),
        "steering": path(links.gate_link(steering, "steering", 1, STEERING)),
        "approval": path(links.gate_link(steering, "approval", 1, DIRECTOR)),
        "appointments": path(links.gate_link(steering, "appointments", 1, SECRETARIAT)),
        "revision": path(links.gate_link(revising, "revision", 1, PROPOSER)),
        "minutes": path(links.url_of(ledger.decision_link(
            purpose="minutes", meeting_id=meeting.id, recipient=STEERING, make_id=lambda: "minutes-link",
            expires_at=links.clock.now() + timedelta(days=30)))),
    }
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the decision page did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", paths
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        dispose_engines()


@pytest.fixture
def phone():
    with open_page(lang="da-DK", viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                   has_touch=True, locale="da-DK") as page:
        yield page


@pytest.fixture
def zoomed():
    """A 1280×800 screen at 200 % zoom: 640×400 CSS pixels, each drawn twice as large."""
    with open_page(lang="da-DK", viewport={"width": 640, "height": 400}, device_scale_factor=2, locale="da-DK") as page:
        yield page


BUTTONS = {"advice": "Send rådgivningen", "database": "Send udtalelsen", "revision": "Send det reviderede skema",
           "steering": "Registrér beslutningen", "approval": "Registrér beslutningen"}


def test_every_gates_page_and_the_front_pages_are_accessible(site, phone, tmp_path):
    base, paths = site
    page = phone
    for path, heading in (("/", "DMPG-beslutninger"), ("/tilgaengelighed", "Tilgængelighedserklæring for DMPG-beslutningssiden")):
        page.goto(base + path)
        page.get_by_role("heading", level=1, name=heading).wait_for()
        assert_accessible(page, path)
        assert page.get_by_role("contentinfo").get_by_role("link", name="Tilgængelighedserklæring").is_visible()
        assert page.get_by_role("contentinfo").get_by_role("link", name=SECRETARIAT).is_visible()
    statement = page.locator("main").inner_text()
    for words in ("Overholdelsesstatus", "delvist i overensstemmelse med standarden WCAG 2.1 på niveau AA",
                  "Feedback og kontakt", SECRETARIAT, "Digitaliseringsstyrelsen"):
        assert words in statement, words

    for gate, button in BUTTONS.items():
        page.goto(base + paths[gate])
        page.get_by_role("button", name=button).wait_for()
        assert_accessible(page, gate)
        assert_no_sideways_scrolling(page)
        # On the phone the case in brief comes before the form; a link jumps straight to the form.
        summary = page.get_by_role("heading", name="Indstillingen i korte træk").bounding_box()
        form = page.locator("form#beslutning").bounding_box()
        assert summary["y"] < form["y"], gate
        assert page.get_by_role("link", name="Gå direkte til").count() == 1
        assert page.get_by_role("contentinfo").get_by_role("link", name="Tilgængelighedserklæring").is_visible()
        if gate == "steering":
            screenshot(page, tmp_path, "decision-page-phone-a11y.png")

    # The appointments page, the secretariat's own.
    page.goto(base + paths["appointments"])
    page.get_by_role("button", name="Registrér udpegningen").wait_for()
    assert_accessible(page, "appointments")
    assert_no_sideways_scrolling(page)


def test_a_decision_with_the_keyboard_alone_and_what_a_used_or_closed_link_says(site, phone, tmp_path):
    base, paths = site
    page = phone
    page.goto(base + paths["advice"])
    # Tab from the top: first the skip link, which takes the focus to the content.
    page.keyboard.press("Tab")
    assert focused(page).startswith("a Gå til indholdet")
    page.keyboard.press("Enter")
    # Into the form: its first choice, chosen with the arrow keys, then each field in turn.
    for _ in range(40):
        page.keyboard.press("Tab")
        if focused(page).startswith("input[radio]"):
            break
    assert focused(page) == "input[radio] Støtter"
    page.keyboard.press("ArrowDown")
    assert focused(page) == "input[radio] Støtter med ændringer"
    page.keyboard.press("Tab")
    assert focused(page).startswith("textarea[textarea] Resumé af rådgivningen")
    page.keyboard.type("Følgegruppen støtter; pårørende skal inddrages.")
    page.keyboard.press("Tab")
    assert focused(page).startswith("input[text] Mødedato")
    page.keyboard.type("14.10.2026")
    page.keyboard.press("Tab")
    assert focused(page) == "button[submit] Send rådgivningen"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Tak – beslutningen er registreret").wait_for()
    assert_accessible(page, "recorded")

    # The same link again: what was decided, by whom and when, and whom to ask.
    page.goto(base + paths["advice"])
    page.get_by_role("heading", name="Det blev besluttet").wait_for()
    text = page.locator("main").inner_text()
    for words in ("Støtter med ændringer", f"Følgegruppen, Danske Regioner ({REFERENCE})", "Registreret den",
                  "14. oktober 2026", SECRETARIAT):
        assert words in text, words
    assert_accessible(page, "used link")
    screenshot(page, tmp_path, "used-link-phone.png")

    # A colleague's link to the same hearing is closed now: their page says the same, and who to ask.
    page.goto(base + paths["advice_other"])
    page.get_by_role("heading", name="Beslutningen er ikke længere åben").wait_for()
    text = page.locator("main").inner_text()
    for words in ("Det blev besluttet", "Støtter med ændringer", f"Følgegruppen, Danske Regioner ({REFERENCE})",
                  "Spørgsmål? Skriv til sekretariatet", SECRETARIAT):
        assert words in text, words
    assert_accessible(page, "closed link")


def test_errors_and_every_refusal_are_accessible(site, phone):
    base, paths = site
    page = phone
    # A form sent with its fields empty (past the browser's own check): the summary links to each field.
    page.goto(base + paths["steering"])
    page.evaluate("document.querySelector('form').noValidate = true")
    page.get_by_role("button", name="Registrér beslutningen").click()
    page.get_by_role("heading", name="Beslutningen er ikke registreret").wait_for()
    assert page.title().startswith("Fejl: ")
    assert_accessible(page, "errors")
    page.get_by_role("link", name="Begrundelse: skal udfyldes").click()
    assert page.evaluate("document.activeElement.id") == "felt-rationale"
    assert page.get_by_label("Begrundelse").get_attribute("aria-invalid") == "true"

    refusals = []
    page.goto(base + paths["steering"][:-6] + "xxxxxx")  # tampered
    refusals.append("Linket er ikke gyldigt")
    page.get_by_role("heading", name=refusals[-1]).wait_for()
    assert_accessible(page, "tampered")
    page.goto(base + "/dokument/ikke-et-dokument")  # a document link that is not one
    page.get_by_role("heading", level=1).wait_for()
    assert_accessible(page, "document link")
    # The page opened, then its cookie lost: the POST is refused (CSRF).
    page.goto(base + paths["approval"])
    page.context.clear_cookies()
    page.get_by_label("Godkendt").check()
    page.get_by_label("Begrundelse").fill("Godkendt.")
    page.get_by_label("Mødedato").fill("01.11.2026")
    page.get_by_role("button", name="Registrér beslutningen").click()
    page.get_by_role("heading", name="Siden skal åbnes igen").wait_for()
    assert_accessible(page, "csrf")
    # A file too large for the upload.
    page.goto(base + paths["revision"])
    page.get_by_label("Det reviderede indstillingsskema").set_input_files(
        files=[{"name": "stor.docx", "mimeType": "application/octet-stream", "buffer": b"0" * 11_000_000}])
    page.get_by_role("button", name="Send det reviderede skema").click()
    page.get_by_role("heading", name="For stor fil").wait_for()
    assert_accessible(page, "too large")


def test_the_minutes_pages_are_accessible(site, phone):
    base, paths = site
    page = phone
    page.goto(base + paths["minutes"])
    page.get_by_role("button", name="Godkend referatet").wait_for()
    assert_accessible(page, "minutes")
    page.get_by_role("button", name="Godkend referatet").press("Enter")
    page.get_by_role("heading", name="Tak – referatet er godkendt").wait_for()
    assert_accessible(page, "minutes approved")
    page.goto(base + paths["minutes"])  # the used link shows what it approved, and whom to ask
    page.get_by_role("heading", name="Tak – referatet er godkendt").wait_for()
    assert SECRETARIAT in page.locator("main").inner_text()


def test_a_decision_at_200_percent_zoom_with_the_keyboard(site, zoomed, tmp_path):
    base, paths = site
    page = zoomed
    page.goto(base + paths["database"])
    page.get_by_role("button", name="Send udtalelsen").wait_for()
    assert_no_sideways_scrolling(page)
    assert_accessible(page, "200 %")
    screenshot(page, tmp_path, "decision-page-200-percent.png")
    page.get_by_role("link", name="Gå direkte til").focus()
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused(page).startswith("input[radio]"):
            break
    page.keyboard.press("ArrowDown")  # "Database planlagt", the second choice
    page.keyboard.press("Tab")
    page.keyboard.type("RKKP planlægger en database fra 2027.")
    page.keyboard.press("Tab")
    page.keyboard.type("01.09.2027")
    page.keyboard.press("Tab")
    assert focused(page) == "button[submit] Send udtalelsen"
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Tak – beslutningen er registreret").wait_for()
    assert_no_sideways_scrolling(page)
    assert_accessible(page, "recorded at 200 %")


def test_every_page_fits_a_320_pixel_screen(site):
    """WCAG 1.4.10 Reflow: content at 320 CSS px (a 1280 px screen at 400 %) needs no sideways scrolling."""
    base, paths = site
    with open_page(lang="da-DK", viewport={"width": 320, "height": 640}, locale="da-DK") as page:
        for path in ("/", "/tilgaengelighed", *(paths[g] for g in ("steering", "revision", "appointments"))):
            page.goto(base + path)
            page.get_by_role("heading", level=1).first.wait_for()
            assert_no_sideways_scrolling(page)
