"""Generate the default Word templates in templates/ (python-docx + docxtpl/Jinja tags).

After this, the committed .docx files are what the secretariat edits in Word; run this script only to
recreate the defaults (it overwrites them):  ``.venv/bin/python scripts/build_templates.py`` (or name the
files to recreate: ``.venv/bin/python scripts/build_templates.py status_report.docx``)

Each template shares one look: a letterhead block ("DMPG" mark + "Danske Regioner · DMPG-sekretariatet ·
RKKP"), the document title, a header on every page with proposal id · document title · Version N and a
footer with "Side X af Y" (PAGE/NUMPAGES fields). The variables each template uses are listed in
templates/README.md; the context comes from dmpg/documents/context.py.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from docx.enum.text import WD_BREAK
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dmpg.documents import docxstyle as house  # noqa: E402
from dmpg.documents.naming import KINDS, MEETING_KINDS, kind  # noqa: E402


def new_document(kind_name: str, version: str = "{{ version }}"):
    """A house-style document; ``version`` is the header's version number (a template expression)."""
    doc = house.new_document("{{ proposal_id }} · {{ document_title }} · Version " + version)
    house.title_block(doc, "{{ document_title }}", "{{ title }}", "{{ date|danish_date }}")
    house.make_danish(doc, KINDS[kind_name].title)
    return doc


def new_meeting_document(kind_name: str):
    doc = house.new_document("{{ meeting.id }} · {{ document_title }} · Version {{ version }}")
    house.title_block(doc, "{{ document_title }}", "{{ meeting.title }} {{ meeting.date|danish_date(weekday=True) }}",
                      "{{ date|danish_date }}")
    house.make_danish(doc, MEETING_KINDS[kind_name].title)
    return doc


def para(doc, text: str = "", *, bold_lead: str = "", style: str | None = None, italic=False):
    p = doc.add_paragraph(style=style)
    if bold_lead:
        house.run(p, bold_lead, bold=True)
    if text:
        house.run(p, text, italic=italic)
    return p


def heading(doc, text: str, level: int = 1):
    return doc.add_heading(text, level=level)


def tag(doc, text: str):
    """A paragraph holding only a docxtpl paragraph tag ({%p ... %}); it vanishes when rendered."""
    return doc.add_paragraph(text)


def bullets(doc, loop: str, text: str):
    tag(doc, "{%p " + loop + " %}")
    doc.add_paragraph(text, style="List Bullet")
    tag(doc, "{%p endfor %}")


_ONE_VALUE = re.compile(r"^\{\{\s*([\w.]+)\s*(?:\|[^}]*)?\}\}$")


def kv_table(doc, rows: list[tuple[str, str]]):
    """A two-column label | value table (labels shaded). A row whose value is one variable
    (``{{ form.research }}``) is left out when that variable is empty: a letter never shows an empty
    field nor "Ikke oplyst"."""
    t = doc.add_table(rows=0, cols=2)
    t.style = "Table Grid"
    for label, value in rows:
        m = _ONE_VALUE.match(value)
        if m:
            t.add_row().cells[0].paragraphs[0].add_run("{%tr if " + m.group(1) + " %}")
        cells = t.add_row().cells
        house.label_cell(cells[0], label)
        house.run(cells[1].paragraphs[0], value, size=Pt(10))
        if m:
            t.add_row().cells[0].paragraphs[0].add_run("{%tr endif %}")
    house.set_widths(t, [5.0, 11.4])
    doc.add_paragraph()
    return t


def loop_table(doc, headers: list[str], loop: str, cells: list[str], widths: list[float] | None = None):
    """A table with a header row and one row per item: ``{%tr for ... %}`` / row / ``{%tr endfor %}``."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    for i, h in enumerate(headers):
        house.header_cell(t.rows[0].cells[i], h)
    t.rows[1].cells[0].paragraphs[0].add_run("{%tr " + loop + " %}")
    for i, text in enumerate(cells):
        house.run(t.rows[2].cells[i].paragraphs[0], text, size=Pt(10))
    t.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if widths:
        house.set_widths(t, widths)
    doc.add_paragraph()
    return t


def comparison_table(doc, rows: list[tuple[str, str]], columns: int = 4):
    """Candidates side by side: a column for each of ``group[0]`` … ``group[columns-1]`` (the context
    pads a group with empty candidates), a row per aspect, the candidates' titles in the header row.
    ``value`` is written for ``c``: ``{{ c.topic }}`` becomes ``{{ group[0].topic }}`` in column 1."""
    t = doc.add_table(rows=1 + len(rows), cols=1 + columns)
    t.style = "Table Grid"
    house.header_cell(t.rows[0].cells[0], "")
    for i in range(columns):
        house.header_cell(t.rows[0].cells[1 + i], f"{{{{ group[{i}].title }}}}")
    for row, (label, value) in zip(t.rows[1:], rows):
        house.label_cell(row.cells[0], label)
        for i in range(columns):
            house.run(row.cells[1 + i].paragraphs[0], value.replace("c.", f"group[{i}]."), size=Pt(9))
    house.set_widths(t, [3.0] + [13.4 / columns] * columns)
    doc.add_paragraph()
    return t


def signature(doc, closing: str = "Med venlig hilsen"):
    """Closing, the secretariat's person (when the roster names one) and the unit with its address."""
    para(doc, closing)
    tag(doc, "{%p if secretariat.signer %}")
    para(doc, "{{ secretariat.signer }}")
    tag(doc, "{%p endif %}")
    para(doc, "DMPG-sekretariatet, RKKP · {{ secretariat.email }}")


def when_known(doc, text: str, condition: str = "meeting_date"):
    """A paragraph shown only when ``condition`` has a value (e.g. a meeting date not yet planned)."""
    tag(doc, "{%p if " + condition + " %}")
    para(doc, text)
    tag(doc, "{%p endif %}")


def previous_treatment(doc):
    """A gate held again says so first: what the previous round decided, and why."""
    tag(doc, "{%p if previous %}")
    para(doc, "{{ previous.sentence }} Begrundelse: {{ previous.rationale }}", bold_lead="Genoptaget sag: ")
    tag(doc, "{%p endif %}")


# ---------------------------------------------------------------- shared sections


def proposal_summary(doc, level: int = 1):
    heading(doc, "Resumé af forslaget", level)
    kv_table(doc, [
        ("Foreslået DMPG", "{{ form.title }}"),
        ("Indstillet af", "{{ form.proposer_names }}"),
        ("Indsendt", "{{ form.submitted_on|danish_date }}"),
        ("Emnetype", "{{ form.topic.kind }}"),
        ("Emne", "{{ form.topic.description }}"),
        ("ICD-10-koder", "{{ form.topic.icd_codes }}"),
        ("Sværhedsgrad", "{{ form.topic.severity }}"),
        ("Volumen", "{{ form.topic.volume }}"),
        ("Målgruppe", "{{ form.topic.target_summary }}"),
        ("Klinisk kvalitetsdatabase", "{{ form.topic.database }}"),
    ])


def findings_section(doc, title: str = "Vurdering af grundpræmisser", level: int = 1):
    heading(doc, title, level)
    para(doc, "{{ findings_summary }}")
    tag(doc, "{%p if findings %}")
    loop_table(doc, ["Alvor", "Bemærkning", "Vedrører"], "for f in findings",
               ["{{ f.severity }}", "{{ f.message }}", "{{ f.affected }}"], [3.0, 9.4, 4.0])
    tag(doc, "{%p endif %}")


def advice_section(doc, level: int = 1):
    heading(doc, "Følgegruppens rådgivning", level)
    tag(doc, "{%p if advice %}")
    kv_table(doc, [
        ("Anbefaling", "{{ advice.recommendation }}"),
        ("Møde", "{{ advice.meeting_date|danish_date }}"),
        ("Rådgivning", "{{ advice.summary }}"),
    ])
    tag(doc, "{%p else %}")
    para(doc, "Følgegruppens rådgivning foreligger ikke.", italic=True)
    tag(doc, "{%p endif %}")


def database_section(doc, level: int = 1):
    heading(doc, "RKKP's udtalelse om den kliniske kvalitetsdatabase", level)
    tag(doc, "{%p if answers.database %}")
    kv_table(doc, [
        ("Databasegrundlag", "{{ answers.database.label }}"),
        ("Forventet opstart", "{{ answers.database.expected_start|danish_date }}"),
        ("Udtalelse", "{{ answers.database.statement }}"),
    ])
    para(doc, "RKKP's udtalelse træder i stedet for indstillingsskemaets oplysning om databasen.", italic=True)
    tag(doc, "{%p else %}")
    para(doc, "RKKP's udtalelse foreligger ikke.", italic=True)
    tag(doc, "{%p endif %}")


def composition_section(doc, level: int = 2):
    """The proposed composition: a row per seat category, and the total."""
    heading(doc, "Foreslået sammensætning", level)
    loop_table(doc, ["Repræsenterer", "Antal pladser", "Beskrivelse"], "for s in form.seats",
               ["{{ s.represents }}", "{{ s.count }}", "{{ s.description }}"], [6.4, 3.0, 7.0])
    para(doc, "{{ form.seat_total }} pladser i alt. Foreslået sundhedsfaglig direktør: {{ form.director }}.")


def members_table(doc):
    loop_table(doc, ["Navn", "Repræsenterer", "Region", "E-mail"], "for m in members",
               ["{{ m.name }}{% if m.chair %} (formand){% endif %}", "{{ m.represents }}", "{{ m.region }}", "{{ m.email }}"],
               [4.4, 4.6, 3.4, 4.0])


# ---------------------------------------------------------------- the templates


def build_proposal():
    # The form's version is its revision round: the header and the text below say the same number.
    doc = new_document("proposal", version="{{ round }}")
    tag(doc, "{%p if round > 1 %}")
    para(doc, "Version {{ round }}: det reviderede indstillingsskema, gengivet som indstillerne indsendte det; "
              "sekretariatets vurdering af grundpræmisserne følger som bilag.", italic=True)
    tag(doc, "{%p else %}")
    para(doc, "Version 1: indstillingsskemaet, gengivet som det blev modtaget; sekretariatets vurdering af "
              "grundpræmisserne følger som bilag.", italic=True)
    tag(doc, "{%p endif %}")
    heading(doc, "Indstillere")
    loop_table(doc, ["Navn", "E-mail", "Organisation", "Region"], "for p in form.proposers",
               ["{{ p.name }}", "{{ p.email }}", "{{ p.organisation }}", "{{ p.region }}"], [4.2, 4.4, 4.6, 3.2])
    heading(doc, "1) Emnevalg")
    kv_table(doc, [
        ("Titel", "{{ form.title }}"),
        ("Indsendt", "{{ form.submitted_on|danish_date }}"),
        ("Emnetype", "{{ form.topic.kind }}"),
        ("Beskrivelse af emnet", "{{ form.topic.description }}"),
        ("ICD-10-koder", "{{ form.topic.icd_codes }}"),
        ("Sværhedsgrad", "{{ form.topic.severity }}"),
        ("Volumen", "{{ form.topic.volume }}"),
        ("Målgruppe", "{{ form.topic.target_summary }}"),
        ("Begrundelse for målgruppe", "{{ form.topic.target_justification }}"),
        ("Klinisk kvalitetsdatabase", "{{ form.topic.database }}"),
    ])
    heading(doc, "2) Opgaven i gruppen")
    heading(doc, "Foreslåede retningslinjer", 2)
    tag(doc, "{%p if form.guidelines %}")
    bullets(doc, "for g in form.guidelines", "{{ g.title }}{% if g.rationale %}: {{ g.rationale }}{% endif %}")
    tag(doc, "{%p else %}")
    para(doc, "Skemaet foreslår ingen retningslinjer.", italic=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if form.monitoring or form.research or form.education %}")
    kv_table(doc, [
        ("Monitorering", "{{ form.monitoring }}"),
        ("Forskning", "{{ form.research }}"),
        ("Uddannelse", "{{ form.education }}"),
    ])
    tag(doc, "{%p endif %}")
    heading(doc, "3) Sammensætning af deltagerkreds")
    loop_table(doc, ["Repræsenterer", "Antal pladser", "Beskrivelse"], "for s in form.seats",
               ["{{ s.represents }}", "{{ s.count }}", "{{ s.description }}"], [6.4, 3.0, 7.0])
    para(doc, "{{ form.seat_total }} pladser i alt. Foreslået sundhedsfaglig direktør: {{ form.director }}")
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.PAGE)  # the appendix starts on its own page
    heading(doc, "Bilag: Vurdering af grundpræmisser")
    findings_section(doc, "Sekretariatets bemærkninger", level=2)
    return doc


def build_hearing_letter():
    doc = new_document("hearing_letter")
    para(doc, "Til følgegruppen for Danske Multidisciplinære Psykiatri Grupper")
    para(doc, "Kære medlemmer af følgegruppen,")
    para(doc, "DMPG-sekretariatet har modtaget et indstillingsskema med forslag om en ny DMPG for "
              "»{{ title }}«, indstillet af {{ form.proposer_names }}. Forslaget er vurderet i forhold til "
              "grundpræmisserne for etablering af DMPG'er, og vi beder hermed om følgegruppens rådgivning, "
              "inden forslaget forelægges DMPG-styregruppen.")
    para(doc, "Vi beder særligt om følgegruppens vurdering af emnets relevans, af målgruppen på tværs af "
              "sektorer og af den foreslåede sammensætning af deltagerkredsen. Rådgivningen registreres som "
              "en anbefaling (støtter, støtter med ændringer eller støtter ikke) med en kort begrundelse.")
    para(doc, "Vi beder om følgegruppens rådgivning senest {{ deadline|danish_date }}.", bold_lead="Svarfrist: ")
    when_known(doc, "Sagen behandles på følgegruppens møde {{ meeting_date|danish_date(weekday=True) }}.")
    proposal_summary(doc)
    heading(doc, "Foreslåede retningslinjer")
    bullets(doc, "for g in form.guidelines", "{{ g.title }}")
    findings_section(doc)
    para(doc, "Indstillingsskemaet er vedlagt i sin helhed. Spørgsmål kan rettes til sekretariatet.")
    signature(doc)
    return doc


def build_steering_memo():
    doc = new_document("steering_memo")
    para(doc, "Til DMPG-styregruppen · Styregruppebehandling, runde {{ round }}", italic=True)
    when_known(doc, "Behandles på styregruppens møde {{ meeting_date|danish_date(weekday=True) }}.")
    previous_treatment(doc)
    heading(doc, "Indstilling")
    para(doc, "DMPG-sekretariatet indstiller, at styregruppen drøfter og træffer beslutning om etablering af "
              "en ny DMPG for »{{ title }}« på baggrund af indstillingsskemaet, vurderingen af "
              "grundpræmisserne, følgegruppens rådgivning og RKKP's udtalelse om den kliniske kvalitetsdatabase. "
              "Styregruppen kan godkende forslaget og sende det "
              "videre til psykiatridirektørkredsen, afvise det, sende det tilbage til revision eller udsætte "
              "sagen til et senere møde.")
    proposal_summary(doc)
    heading(doc, "Foreslåede retningslinjer", 2)
    bullets(doc, "for g in form.guidelines", "{{ g.title }}")
    composition_section(doc)
    findings_section(doc)
    advice_section(doc)
    database_section(doc)
    tag(doc, "{%p if previous_rounds %}")
    heading(doc, "Tidligere behandling i styregruppen")
    bullets(doc, "for r in previous_rounds", "Runde {{ r.round }}, {{ r.meeting_date|danish_date }}: {{ r.decision }}. {{ r.rationale }}")
    tag(doc, "{%p endif %}")
    return doc


def build_steering_minutes():
    doc = new_document("steering_minutes")
    kv_table(doc, [
        ("Møde", "DMPG-styregruppen, {{ decision.meeting_date|danish_date(weekday=True) }}"),
        ("Punkt", "Forslag om ny DMPG: {{ title }} ({{ proposal_id }}), runde {{ round }}"),
        ("Registreret af", "{{ decision.recorded_by }}"),
    ])
    previous_treatment(doc)
    heading(doc, "Styregruppens medlemmer")
    bullets(doc, "for m in steering_group", "{{ m.name }}")
    heading(doc, "Beslutning")
    para(doc, "{{ decision.label }}", bold_lead="Styregruppen besluttede: ")
    heading(doc, "Begrundelse")
    para(doc, "{{ decision.rationale }}")
    heading(doc, "Videre forløb")
    para(doc, "{{ decision.next_step }}")
    return doc


def build_director_memo():
    doc = new_document("director_memo")
    para(doc, "Til psykiatridirektørkredsen", italic=True)
    when_known(doc, "Behandles på psykiatridirektørkredsens møde {{ meeting_date|danish_date(weekday=True) }}.")
    heading(doc, "Indstilling")
    para(doc, "DMPG-styregruppen godkendte {{ steering.meeting_date|danish_date }} forslaget om en ny DMPG for "
              "»{{ title }}« og indstiller, at psykiatridirektørkredsen godkender etableringen.")
    para(doc, "{{ steering.rationale }}", bold_lead="Styregruppens begrundelse: ")
    proposal_summary(doc)
    heading(doc, "Foreslåede retningslinjer", 2)
    bullets(doc, "for g in form.guidelines", "{{ g.title }}")
    composition_section(doc)
    advice_section(doc)
    database_section(doc)
    findings_section(doc)
    heading(doc, "Ved godkendelse")
    para(doc, "Sekretariatet anmoder de faglige selskaber og organisationer om at udpege medlemmer, "
              "formandskabet sammensættes af to formænd blandt de udpegede medlemmer og en sundhedsfaglig "
              "direktør, og gruppen får sit kommissorium og et kickoff-møde.")
    return doc


def build_director_letter():
    doc = new_document("director_letter")
    para(doc, "Til {{ form.proposer_names }}")
    para(doc, "Kære indstillere,")
    tag(doc, "{%p if decision.approved %}")
    para(doc, "Psykiatridirektørkredsen har på sit møde {{ decision.meeting_date|danish_date }} godkendt "
              "forslaget om etablering af en ny DMPG for »{{ title }}«. Tak for jeres grundige forarbejde.")
    para(doc, "Sekretariatet anmoder nu de faglige selskaber og organisationer om at udpege medlemmer. "
              "Når medlemmerne er udpeget, vælges to formænd blandt dem, og gruppen får sit kommissorium og "
              "en invitation til kickoff-møde.")
    tag(doc, "{%p else %}")
    para(doc, "Psykiatridirektørkredsen har på sit møde {{ decision.meeting_date|danish_date }} behandlet "
              "forslaget om etablering af en ny DMPG for »{{ title }}« og har besluttet ikke at godkende det.")
    tag(doc, "{%p endif %}")
    para(doc, "{{ decision.label }}", bold_lead="Beslutning: ")
    para(doc, "{{ decision.rationale }}", bold_lead="Begrundelse: ")
    signature(doc)
    return doc


def build_terms_of_reference():
    doc = new_document("terms_of_reference")
    para(doc, "Kommissorium for DMPG {{ title }}, godkendt af psykiatridirektørkredsen "
              "{{ approved_on|danish_date }}.", italic=True)
    heading(doc, "1. Formål")
    para(doc, "DMPG {{ title }} er en national, tværfaglig og tværsektoriel gruppe under Danske "
              "Multidisciplinære Psykiatri Grupper. Formålet er at skabe et tværregionalt fagligt kvalitetsløft "
              "for patienter og pårørende gennem udvikling og implementering af nationale retningslinjer.")
    para(doc, "{{ form.topic.description }}", bold_lead="Område: ")
    para(doc, "{{ form.topic.target_summary }}", bold_lead="Målgruppe: ")
    heading(doc, "2. Opgaver og første retningslinjer")
    para(doc, "Gruppen skal til en start udarbejde kliniknære DMPG-retningslinjer via nedsættelse af "
              "forfattergrupper. De første retningslinjer er:")
    bullets(doc, "for g in form.guidelines", "{{ g.title }}")
    kv_table(doc, [
        ("Monitorering", "{{ form.monitoring }}"),
        ("Forskning (på sigt)", "{{ form.research }}"),
        ("Uddannelse (på sigt)", "{{ form.education }}"),
    ])
    heading(doc, "3. Sammensætning")
    para(doc, "Gruppens medlemmer er udpeget af de faglige selskaber og organisationer. Gruppen kan selv "
              "supplere sig ved behov for særlig viden og kompetencer.")
    members_table(doc)
    heading(doc, "4. Formandskab")
    para(doc, "Formandskabet består af to formænd valgt blandt de udpegede medlemmer samt en sundhedsfaglig direktør.")
    bullets(doc, "for c in chairs", "Formand: {{ c.name }} ({{ c.email }})")
    para(doc, "{{ director.name }} ({{ director.email }})", bold_lead="Sundhedsfaglig direktør: ")
    heading(doc, "5. Koordinering med den kliniske kvalitetsdatabase")
    para(doc, "{{ database_coordination }}")
    heading(doc, "6. Møder")
    para(doc, "Gruppens første møde (kickoff) holdes {{ kickoff_date|danish_date(weekday=True) }} kl. "
              "{{ kickoff.time }}, {{ kickoff.place }}. Herefter fastlægger formandskabet en mødeplan; "
              "DMPG-sekretariatet i RKKP varetager sekretariatsbetjeningen.")
    return doc


def build_appointment_request():
    doc = new_document("appointment_request")
    # Addressed to the organisation (the roster's contact is the organisation's), so no "Kære" line.
    para(doc, "Til {{ organisation.name }}")
    para(doc, "Psykiatridirektørkredsen har godkendt etableringen af en ny Dansk Multidisciplinær Psykiatri "
              "Gruppe (DMPG) for »{{ title }}«. På vegne af DMPG-styregruppen beder vi jer udpege "
              "{{ seats }} {{ 'medlem' if seats == 1 else 'medlemmer' }} til gruppen.")
    tag(doc, "{%p if seat_description %}")
    para(doc, "{{ seat_description }}", bold_lead="Om pladsen: ")
    tag(doc, "{%p endif %}")
    para(doc, "Gruppen skal til en start udarbejde kliniknære retningslinjer via forfattergrupper og følge "
              "kvalitetsdata på området. Vi tilstræber repræsentation fra alle regioner, og formandskabet "
              "vælges blandt de udpegede medlemmer.")
    heading(doc, "Foreslåede retningslinjer")
    bullets(doc, "for g in form.guidelines", "{{ g.title }}")
    para(doc, "Send venligst navn, e-mail og region for de udpegede til sekretariatet "
              "({{ secretariat.email }}) senest {{ deadline|danish_date }}.", bold_lead="Svarfrist: ")
    signature(doc)
    return doc


def build_kickoff_invitation():
    doc = new_document("kickoff_invitation")
    para(doc, "Til medlemmerne af DMPG {{ title }}")
    para(doc, "Kære medlemmer,")
    para(doc, "Velkommen i DMPG {{ title }}. Vi inviterer hermed til gruppens første møde "
              "{{ kickoff_date|danish_date(weekday=True) }}.")
    kv_table(doc, [
        ("Dato", "{{ kickoff_date|danish_date(weekday=True) }}"),
        ("Tid", "Kl. {{ kickoff.time }}–{{ kickoff.end_time }}"),
        ("Sted", "{{ kickoff.place }}"),
        ("Deltag online", "{{ kickoff.online_url }}"),
    ])
    para(doc, "En kalenderinvitation følger med mailen; den lægger mødet i Outlook, Google Kalender og andre "
              "kalendere.", italic=True)
    heading(doc, "Dagsorden")
    for item in (
        "Velkomst og præsentation af medlemmerne",
        "Kommissorium: formål, opgaver og formandskab",
        "De første retningslinjer og nedsættelse af forfattergrupper",
        "Koordinering med den kliniske kvalitetsdatabase",
        "Mødeplan og arbejdsform",
        "Eventuelt",
    ):
        doc.add_paragraph(item, style="List Number")
    heading(doc, "De første retningslinjer", 2)
    bullets(doc, "for g in form.guidelines", "{{ g.title }}")
    heading(doc, "Formandskab", 2)
    para(doc, "{{ chair_names }} (formænd) og {{ director.name }} (sundhedsfaglig direktør).")
    heading(doc, "Medlemmer", 2)
    members_table(doc)
    para(doc, "Kommissoriet er vedlagt. Vi ser frem til samarbejdet.")
    signature(doc, "Med venlig hilsen og på vegne af formandskabet")
    return doc


def build_meeting_pack():
    doc = new_meeting_document("meeting_pack")
    para(doc, "Til {{ meeting.body }} · Mødemateriale", italic=True)
    heading(doc, "Dagsorden")
    loop_table(doc, ["Nr.", "Sag", "Forslag", "Indstillet af"], "for a in agenda",
               ["{{ a.number }}", "{{ a.proposal_id }}",
                "{{ a.title }}{% if a.deferred %} (udsat fra et tidligere møde){% endif %}", "{{ a.proposers }}"],
               [1.2, 3.2, 6.0, 6.0])
    para(doc, "{{ meeting.question }}", bold_lead="Til beslutning: ")
    bullets(doc, "for c in choices", "{{ c.label }} ({{ c.code }})")
    heading(doc, "Forslagene side om side")
    tag(doc, "{%p for group in candidate_groups %}")
    comparison_table(doc, [
        ("Sag", "{{ c.proposal_id }}"), ("Emne", "{{ c.topic }}"), ("Målgruppe", "{{ c.target }}"),
        ("Primær­sektor", "{{ c.primary_sector }}"),
        ("Børn og voksne", "{{ c.child_adult }}"), ("Volumen", "{{ c.volume_short }}"),
        ("Klinisk database", "{{ c.database }}"), ("RKKP's udtalelse", "{{ c.rkkp }}"),
        ("Overlap med DMPG'er", "{{ c.overlap }}"), ("Sammensætning", "{{ c.composition }}"),
        ("Grund­præmisser", "{{ c.findings }}"), ("Følgegruppen", "{{ c.advice }}"),
    ])
    tag(doc, "{%p endfor %}")
    heading(doc, "Grupper under etablering lige nu")
    para(doc, "Etablering af nye DMPG'er sker i tæt samarbejde med de kliniske kvalitetsdatabaser, og der er brug for "
              "opmærksomhed på klog brug af de involverede klinikeres tid. Sådan ser det ud i dag:")
    loop_table(doc, ["Status", "Antal", "Grupper"], "for w in workload",
               ["{{ w.what }}", "{{ w.count }}", "{{ w.names }}"], [7.0, 1.8, 7.6])
    heading(doc, "Bilag")
    para(doc, "Hvert forslags indstilling følger herefter som bilag, i dagsordenens rækkefølge:")
    bullets(doc, "for a in agenda", "Bilag {{ a.number }}: {{ a.title }} ({{ a.proposal_id }})")
    para(doc, "Mødesekretær: {{ secretariat.name }} · {{ secretariat.email }}", italic=True)
    return doc


def build_meeting_minutes():
    doc = new_meeting_document("meeting_minutes")
    kv_table(doc, [
        ("Møde", "{{ meeting.title }} {{ meeting.date|danish_date(weekday=True) }}"),
        ("Mødets id", "{{ meeting.id }}"),
        ("Registreret af", "{{ recorded_by }}"),
    ])
    tag(doc, "{%p if approved_by %}")
    para(doc, "{{ approved_by }}", bold_lead="Referatet er godkendt af formanden: ")
    tag(doc, "{%p endif %}")
    heading(doc, "Medlemmer")
    bullets(doc, "for m in members", "{{ m.name }}")
    heading(doc, "Beslutninger")
    loop_table(doc, ["Sag", "Forslag", "Beslutning", "Begrundelse", "Videre forløb"], "for d in decisions",
               ["{{ d.proposal_id }}", "{{ d.title }}", "{{ d.label }}", "{{ d.rationale }}", "{{ d.next_step }}"],
               [2.8, 3.0, 2.4, 4.6, 3.6])
    tag(doc, "{%p if not_decided %}")
    heading(doc, "Ikke behandlet")
    para(doc, "Disse forslag var på dagsordenen, men blev ikke behandlet; de afventer fortsat og sættes på næste møde:")
    bullets(doc, "for a in not_decided", "{{ a.title }} ({{ a.proposal_id }})")
    tag(doc, "{%p endif %}")
    para(doc, "Udarbejdet af DMPG-sekretariatet, RKKP · {{ secretariat.email }}", italic=True)
    return doc


def report_table(doc, headers: list[str], loop: str, cells: list[str], widths: list[float], size: float = 8.5):
    """A report's table: like :func:`loop_table`, in a smaller type (a report has wide tables)."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = "Table Grid"
    for i, h in enumerate(headers):
        house.header_cell(t.rows[0].cells[i], h)
        t.rows[0].cells[i].paragraphs[0].runs[0].font.size = Pt(size)
    t.rows[1].cells[0].paragraphs[0].add_run("{%tr " + loop + " %}")
    for i, text in enumerate(cells):
        house.run(t.rows[2].cells[i].paragraphs[0], text, size=Pt(size))
    t.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    house.set_widths(t, widths)
    doc.add_paragraph()
    return t


def key_figures(doc, figures: list[tuple[str, str]]):
    """The report's key figures side by side: each number large, its label under it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    t = doc.add_table(rows=2, cols=len(figures))
    for i, (value, label) in enumerate(figures):
        top, bottom = t.rows[0].cells[i], t.rows[1].cells[i]
        for cell in (top, bottom):
            house.shade(cell, house.LIGHT_HEX)
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        house.run(top.paragraphs[0], value, bold=True, size=Pt(22), colour=house.NAVY)
        house.run(bottom.paragraphs[0], label, size=Pt(8), colour=house.GREY)
    house.set_widths(t, [16.4 / len(figures)] * len(figures))
    doc.add_paragraph()
    return t


def build_status_report():
    """The secretariat's status report (dmpg report): not a proposal's document, so its header names the
    report and its period."""
    doc = house.new_document("DMPG · {{ document_title }} · {{ period.label }}")
    house.title_block(doc, "{{ document_title }}", "Etablering af nye DMPG'er · {{ period.label }}",
                      "{{ date|danish_date }}")
    doc.core_properties.title = "Statusrapport"
    para(doc, "Til DMPG-styregruppen og psykiatridirektørkredsen. Perioden {{ period.from|danish_date }} – "
              "{{ period.to|danish_date }}, opgjort pr. {{ period.as_of|danish_date }} ud fra sagsbehandlingens log.",
         italic=True)
    heading(doc, "Resumé")
    para(doc, "{{ summary }}")
    key_figures(doc, [("{{ figures.submitted }}", "nye forslag"), ("{{ figures.decisions }}", "beslutninger"),
                      ("{{ figures.established }}", "nye DMPG'er"), ("{{ figures.in_process }}", "forslag i proces"),
                      ("{{ figures.overdue }}", "overskredne frister")])

    heading(doc, "Forslag i proces")
    tag(doc, "{%p if in_process %}")
    t = report_table(doc, ["Forslag", "Stadie: afventer", "Dage", "Frist", "Status"],
                     "for p in in_process",
                     ["{{ p.title }}", "", "{{ p.days }}", "{{ p.deadline }}", ""],
                     [4.4, 4.6, 1.3, 2.3, 3.8], size=8.5)
    house.run(t.rows[2].cells[0].add_paragraph(), "{{ p.proposal }}", size=Pt(7.5), colour=house.GREY)
    stage = t.rows[2].cells[1].paragraphs[0]  # the stage, and under it what it waits for
    house.run(stage, "{{ p.stage }}", bold=True, size=Pt(8.5))
    house.run(t.rows[2].cells[1].add_paragraph(), "{{ p.waiting_for }}", size=Pt(8.5))
    status = t.rows[2].cells[4].paragraphs[0]  # red and bold when overdue, plain otherwise
    house.run(status, "{% if p.overdue %}{{ p.status }}{% endif %}", bold=True, size=Pt(8.5),
              colour=house.RGBColor(0xC0, 0x39, 0x2B))
    house.run(status, "{% if not p.overdue %}{{ p.status }}{% endif %}", size=Pt(8.5))
    tag(doc, "{%p else %}")
    para(doc, "Ingen forslag er i proces.", italic=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if overdue %}")
    heading(doc, "Overskredne frister", 2)
    bullets(doc, "for o in overdue", "{{ o.title }} ({{ o.proposal }}): {{ o.text }}.")
    tag(doc, "{%p endif %}")

    heading(doc, "Tidslinje")
    tag(doc, "{%p if chart %}")
    para(doc, "{{ chart }}")
    p = para(doc)
    house.run(p, "{{ chart_caption }}", italic=True, size=Pt(8.5), colour=house.GREY)
    tag(doc, "{%p else %}")
    para(doc, "Ingen forslag var i proces i perioden.", italic=True)
    tag(doc, "{%p endif %}")

    heading(doc, "Beslutninger i perioden")
    tag(doc, "{%p if not meetings and not other_decisions %}")
    para(doc, "Der er ikke truffet beslutninger i perioden.", italic=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p for m in meetings %}")
    heading(doc, "{{ m.title }}", 2)
    tag(doc, "{%p if m.decisions %}")
    report_table(doc, ["Forslag", "Beslutning om", "Udfald"], "for d in m.decisions",
                 ["{{ d.title }} ({{ d.proposal }})", "{{ d.what }}", "{{ d.label }}"], [6.0, 6.0, 4.4])
    tag(doc, "{%p else %}")
    para(doc, "Der er ikke registreret beslutninger fra mødet.", italic=True)
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p if other_decisions %}")
    heading(doc, "Øvrige svar og beslutninger", 2)
    report_table(doc, ["Dato", "Forslag", "Svar på", "Udfald"], "for d in other_decisions",
                 ["{{ d.date }}", "{{ d.title }} ({{ d.proposal }})", "{{ d.what }}", "{{ d.label }}"],
                 [2.3, 5.3, 5.3, 3.5])
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if submitted or established or rejected %}")
    heading(doc, "Indsendt, etableret og afvist", 2)
    bullets(doc, "for e in submitted", "Indsendt {{ e.date }}: {{ e.title }} ({{ e.proposal }})")
    bullets(doc, "for e in established", "Etableret {{ e.date }}: {{ e.title }} ({{ e.proposal }}), "
                                         "{{ e.days }} dage fra indsendelse")
    bullets(doc, "for e in rejected", "Afvist {{ e.date }}: {{ e.title }} ({{ e.proposal }}), "
                                      "{{ e.days }} dage fra indsendelse")
    tag(doc, "{%p endif %}")

    heading(doc, "Sagsbehandlingstider")
    para(doc, "Dage fra et trin blev åbnet, til beslutningen blev registreret, for de runder der blev afsluttet i "
              "perioden; en udsættelse eller en revision tæller som en ny runde. «Venter nu» er de runder, der "
              "venter ved opgørelsen.")
    report_table(doc, ["Trin", "Afsluttet", "Median", "Længst", "Venter nu", "Længst ventende"],
                 "for g in gate_times",
                 ["{{ g.step }}", "{{ g.decided }}", "{{ g.median }}", "{{ g.slowest }}", "{{ g.waiting }}",
                  "{{ g.longest }}"], [4.5, 2.1, 1.8, 3.6, 1.9, 2.5])

    heading(doc, "Etablerede DMPG'er")
    report_table(doc, ["DMPG", "Fase", "DMPG siden", "Klinisk kvalitetsdatabase"], "for g in registry",
                 ["{{ g.name }}", "{{ g.phase }}", "{{ g.dmpg_since }}", "{{ g.database_since }}"],
                 [5.0, 3.2, 2.8, 5.4])
    heading(doc, "Kandidatemner")
    para(doc, "Emnerne fra projektperiodens fase 3, der endnu ikke var DMPG'er, og hvor de står nu:")
    report_table(doc, ["Emne", "Status"], "for c in candidates", ["{{ c.topic }}", "{{ c.status }}"], [8.4, 8.0])

    heading(doc, "Om opgørelsen")
    for text in (
        "Tallene er talt op i sagsbehandlingens log (hvert trins åbning og beslutning med tidspunkt), som den "
        "så ud ved opgørelsen; dage er kalenderdage.",
        "En beslutning truffet på et møde hører til mødets dato; de øvrige svar til den dag, de blev registreret.",
        "Frist: følgegruppens og RKKP's svar og udpegningen har svarfristen i brev og e-mail "
        "({{ rules.reply_days }} dage, flyttet til en arbejdsdag). Styregruppens og direktørkredsens beslutning "
        "har mødet, sagen står på dagsordenen til; står den ikke på et møde, er fristen {{ rules.meeting_due_days }} "
        "dage efter, at den kom til beslutning. Revision har ingen frist.",
        "Overskredet: fristen er passeret uden beslutning. Efter {{ rules.escalate_after_days }} dage får "
        "formanden for det organ, der skal svare (sekretariatet for udpegningen), én påmindelse om sagen.",
    ):
        doc.add_paragraph(text, style="List Bullet")
    para(doc, "DMPG-sekretariatet, RKKP · {{ secretariat.email }}", italic=True)
    return doc


MEETING_BUILDERS = {"meeting_pack": build_meeting_pack, "meeting_minutes": build_meeting_minutes}
# Templates of no proposal and no meeting, by file name.
REPORT_BUILDERS = {"status_report.docx": build_status_report}

BUILDERS = {
    "proposal": build_proposal,
    "hearing_letter": build_hearing_letter,
    "steering_memo": build_steering_memo,
    "steering_minutes": build_steering_minutes,
    "director_memo": build_director_memo,
    "director_letter": build_director_letter,
    "terms_of_reference": build_terms_of_reference,
    "appointment_request": build_appointment_request,
    "kickoff_invitation": build_kickoff_invitation,
}


def main(out_dir: Path = ROOT / "templates", only: list[str] | None = None) -> None:
    """Write every template (or ``only`` those files, e.g. ``status_report.docx``) to ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    builders = {kind(name).template: build for name, build in {**BUILDERS, **MEETING_BUILDERS}.items()}
    for template, build in {**builders, **REPORT_BUILDERS}.items():
        if only and template not in only:
            continue
        path = out_dir / template
        build().save(path)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    # build_templates.py [OUT_DIR] [TEMPLATE.docx ...]: all templates, or only those named.
    args = sys.argv[1:]
    main(Path(args[0]) if args and not args[0].endswith(".docx") else ROOT / "templates",
         [a for a in args if a.endswith(".docx")] or None)
