"""The readable Danish summary of one person's data (``dmpg person export``): a Word document in the
house style (``docxstyle``) that a person can read without the JSON beside it — who we are, what we
hold about them and why, how long, and what they may ask for. Written in code, like the Word form.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt

from core import clock
from core.settings import get_settings
from core.text import capitalise, danish_date, one_line
from dmpg.documents import docxstyle as style
from forms.gates import GATES
from forms.vocabulary import BODY_LABELS, STAGE_LABELS, label
from models.vocabulary import EVENT_LABELS

# The mails by their Danish names; a gate's opening mail is named with the gate (forms.gates: wording.mail).
KIND_LABELS = {
    "receipt": "kvittering", "decision": "beslutning", "appointment_request": "anmodning om udpegning",
    "kickoff": "kickoff", "reminder": "påmindelse", "digest": "ugeoversigt", "recovery": "driftsbesked",
    "meeting_pack": "mødemateriale", "meeting_minutes": "referat", "minutes_approval": "godkendelse af referat",
    "established": "gruppen er etableret", "escalation": "frist overskredet", "meeting_invitation": "mødeinvitation",
    **{g.opening_mail: g.wording.mail for g in GATES.values() if g.opening_mail},
}
STATUS_LABELS = {"sent": "sendt", "pending": "venter", "sending": "sendes", "failed": "ikke sendt"}


def write_summary(found: Any, path: Path, json_name: str) -> Path:
    """Write the summary of ``found`` (``dmpg.services.persondata.Holdings``) to ``path``."""
    name = found.names[0] if found.names else found.email
    today = clock.today()
    doc = style.new_document("Personoplysninger i DMPG-systemet")
    style.make_danish(doc, f"Personoplysninger om {name}")
    style.title_block(doc, "Dine oplysninger i DMPG-systemet", f"{name} <{found.email}>",
                      f"Udtrukket {danish_date(today)}")

    doc.add_paragraph(
        "DMPG-sekretariatet bruger DMPG-systemet til at behandle forslag om nye Danske Multidisciplinære "
        "Psykiatri Grupper: forslagene, høringen, styregruppens og psykiatridirektørkredsens beslutninger, "
        "udpegningen af medlemmer og de breve og e-mails, der hører til. Her er alt, hvad systemet har om "
        f"dig, fundet ud fra din e-mailadresse {found.email}"
        + (f" og dit navn ({', '.join(found.names)})" if found.names else "") + ". "
        f"Den fulde udtrækning, med hver oplysning, står i filen {json_name}, som hører til dette dokument.")
    doc.add_paragraph(
        "Oplysningerne behandles, fordi sekretariatet varetager en opgave for regionerne (databeskyttelses"
        "forordningens artikel 6, stk. 1, litra e). Sagens akter — forslaget, beslutningerne, hvem der "
        "traf dem, brevene og forløbet — skal regionerne kunne dokumentere og opbevare efter offentligheds"
        "loven og arkivloven.")

    counts = found.counts()
    _heading(doc, "Kort fortalt")
    _table(doc, ["Hvad", "Antal"], [
        ["Plads på rosteren (organer og organisationer)", counts["roster"] + counts["organisations"]],
        ["Forslag, du indgår i", counts["proposals"]],
        ["Beslutninger, du har registreret eller er nævnt i", counts["decisions"]],
        ["E-mails til dig", counts["mails"]],
        ["Dokumenter, der nævner dig", counts["documents"]],
        ["Personlige links", counts["links"]],
        ["Hændelser i sagernes forløb, der nævner dig", counts["events"]],
        ["Møder", counts["meetings"]],
    ], [12.0, 3.0])

    _heading(doc, "På rosteren")
    _table(doc, ["Organ", "Navn", "E-mail"],
           [[label(BODY_LABELS, r["body"]), r["name"], r["email"]] for r in found.roster]
           + [[f"Kontakt for {o['code']}", o["name"], o["email"]] for o in found.organisations], [4.5, 5.5, 5.4])

    _heading(doc, "Forslag, du indgår i")
    _table(doc, ["Sag", "Titel", "Stadie", "Din rolle", "Akterne gemmes til"],
           [[p["proposal"], one_line(p["title"], 80), label(STAGE_LABELS, p["stage"]),
             capitalise(", ".join(p["roles"]) or "modtager af e-mails"),
             danish_date(p["record_kept_until"]) or "sagen er åben"] for p in found.proposals], [2.6, 4.0, 3.0, 3.8, 3.0])

    _heading(doc, "Beslutninger")
    _table(doc, ["Sag", "Beslutning", "Udfald", "Din rolle", "Registreret"],
           [[d["proposal"], capitalise(f"{GATES[d['gate']].label}, runde {d['round']}"),
             GATES[d["gate"]].outcome(d["outcome"]).label, capitalise(", ".join(d["roles"])), danish_date(d["at"])]
            for d in found.decisions], [2.6, 4.2, 3.0, 3.4, 3.2])

    _heading(doc, "E-mails til dig")
    _table(doc, ["Dato", "Sag", "Slags", "Emne", "Status"],
           [[danish_date(m["sent_at"] or m["created_at"]), m["proposal"] or "",
             capitalise(KIND_LABELS.get(m["kind"], m["kind"])), one_line(m["subject"], 90),
             capitalise(STATUS_LABELS.get(m["status"], m["status"]))] for m in found.mails],
           [2.5, 2.6, 2.9, 6.4, 2.0])
    if found.mails:
        doc.add_paragraph("Teksten i hver e-mail står i JSON-filen; dine personlige links er ikke gengivet.")

    _heading(doc, "Dokumenter, der nævner dig")
    _table(doc, ["Sag eller møde", "Dokument", "Version", "Nævner"],
           [[d["proposal"] or d["meeting"], d["title"], d["version"],
             "Din e-mailadresse" if d["names"] == "e-mailadresse" else "Dit navn"] for d in found.documents],
           [3.2, 7.2, 2.0, 4.0])

    _heading(doc, "Personlige links")
    _table(doc, ["Sag eller møde", "Til", "Oprettet", "Udløber", "Brugt"],
           [[lk["proposal"] or lk["meeting"] or "",
             capitalise(f"{GATES[lk['gate']].label}, runde {lk['round']}") if lk["gate"] in GATES
             else "Godkendelse af referat",
             danish_date(lk["created_at"]), danish_date(lk["expires_at"]), danish_date(lk["used_at"]) or "Nej"]
            for lk in found.links], [3.0, 4.8, 2.9, 2.9, 2.8])

    _heading(doc, "Hændelser i sagernes forløb")
    _table(doc, ["Tidspunkt (UTC)", "Sag", "Hændelse", "Du er"],
           [[e["at"][:16].replace("T", " "), e["proposal"], label(EVENT_LABELS, e["kind"]),
             "Den, der handlede" if e["role"] == "af" else "Nævnt"] for e in found.events], [3.4, 2.8, 6.8, 3.4])

    if found.meetings:
        _heading(doc, "Møder")
        _table(doc, ["Møde", "Dato", "Din rolle"],
               [[m["meeting"], danish_date(m["date"]), ", ".join(m["roles"])] for m in found.meetings], [6.0, 3.4, 6.0])

    _heading(doc, "Hvor længe, og hvad du kan bede om")
    years = get_settings().retention_years
    doc.add_paragraph(
        f"En sags akter opbevares i DMPG-systemet, mens sagen behandles, og i {years} år efter, at den er "
        "afsluttet. Derefter erstattes navne og e-mailadresser af et pseudonym, og dokumenterne slettes; "
        "sekretariatet journaliserer akterne i regionens sagssystem, hvor de opbevares efter regionens "
        "arkivregler.")
    doc.add_paragraph(
        "Du kan bede sekretariatet om at rette eller slette oplysninger om dig. Det, der ikke er en del af en "
        "sags akter — kopier af e-mails til dig, dine personlige links og tekniske data — slettes. Sagens "
        "akter kan ikke slettes, før opbevaringsperioden er udløbet. Du kan klage til Datatilsynet.")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _heading(doc: Any, text: str) -> None:
    doc.add_heading(text, level=1)


def _table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: list[float]) -> None:
    """A table with a navy header row, or "Ingen." when there is nothing to show."""
    if not rows:
        doc.add_paragraph("Ingen.")
        return
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        style.header_cell(cell, text)
    # The header row repeats on every page the table runs over, and never stands alone at a page's foot.
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    for paragraph in table.rows[0].cells[0].paragraphs:
        paragraph.paragraph_format.keep_with_next = True
    for row in rows:
        added = table.add_row()
        added._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit {nsdecls("w")}/>'))  # a row on one page
        cells = added.cells
        for cell, value in zip(cells, row):
            style.run(cell.paragraphs[0], "" if value is None else str(value), size=Pt(9))
    style.set_widths(table, widths)
