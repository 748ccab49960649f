"""The house look of every Word document we generate (python-docx): A4, Calibri, navy headings, the
DMPG letterhead block, a header line on every page and a footer with "Side X af Y".

Used by scripts/build_templates.py (the docxtpl templates) and by the Word form (wordform.py), so the
form and the letters look like one family. Imports python-docx: load lazily from CLI code paths.
"""

from __future__ import annotations

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from core import clock

NAVY = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
NAVY_HEX = "1F3A5F"
LIGHT_HEX = "E8EEF5"
SENDER = "Danske Regioner · DMPG-sekretariatet · RKKP"


def shade(cell, hex_colour: str) -> None:
    """Fill a table cell with a colour."""
    cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{hex_colour}"/>'))


def add_field(paragraph, instr: str, size: Pt = Pt(8)) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when the page is laid out."""
    paragraph._p.append(parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr="{instr}"><w:r><w:rPr><w:sz w:val="{int(size.pt * 2)}"/>'
        f'<w:color w:val="595959"/></w:rPr><w:t>1</w:t></w:r></w:fldSimple>'
    ))


def run(paragraph, text: str, *, bold=False, italic=False, size=None, colour=None):
    r = paragraph.add_run(text)
    r.bold, r.italic = bold, italic
    if size:
        r.font.size = size
    if colour:
        r.font.color.rgb = colour
    return r


def new_document(header_text: str) -> Document:
    """An empty A4 document in the house style, with ``header_text`` in the header of every page
    and the sender and page numbers in the footer; starts with the letterhead block."""
    doc = Document()
    styles = doc.styles
    styles["Normal"].font.name = "Calibri"
    styles["Normal"].font.size = Pt(11)
    styles["Normal"].paragraph_format.space_after = Pt(6)
    for name, size in (("Heading 1", 14), ("Heading 2", 12)):
        st = styles[name]
        st.font.name, st.font.size, st.font.color.rgb, st.font.bold = "Calibri", Pt(size), NAVY, True
        st.paragraph_format.space_before, st.paragraph_format.space_after = Pt(12), Pt(4)
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2.0)

    hp = section.header.paragraphs[0]
    hp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run(hp, header_text, size=Pt(8), colour=GREY)

    fp = section.footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(fp, f"{SENDER}    Side ", size=Pt(8), colour=GREY)
    add_field(fp, "PAGE")
    run(fp, " af ", size=Pt(8), colour=GREY)
    add_field(fp, "NUMPAGES")

    letterhead(doc)
    make_danish(doc)
    return doc


LANGUAGE = "da-DK"
AUTHOR = "DMPG-sekretariatet"


def make_danish(doc, title: str | None = None, when=None) -> None:  # noqa: ANN001 - a python-docx Document
    """A Danish document as Word sees it: ``da-DK`` as the language of the document defaults and of every
    style (so Word spell-checks Danish as Danish), and real core properties: ``title``, the secretariat as
    author and last editor, created and modified ``when`` (default: the engine's now, ``core.clock``),
    and the language. Applied when a document is made, so an edited template gets it too."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    holders = [_child(rpr_default, "w:rPr")]
    # Every style inherits the defaults; those that name a language themselves (an English template's
    # styles do) and the default styles say Danish too.
    holders += [style.get_or_add_rPr() for style in styles.findall(qn("w:style"))
                if style.get(qn("w:default")) in ("1", "true") or style.find(f"{qn('w:rPr')}/{qn('w:lang')}") is not None]
    for rpr in holders:
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            # The schema's order: w:lang comes before these three, after everything else of a w:rPr.
            later = next((c for c in rpr if c.tag in {qn("w:eastAsianLayout"), qn("w:specVanish"), qn("w:oMath")}), None)
            if later is not None:
                later.addprevious(lang)
            else:
                rpr.append(lang)
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
    props = doc.core_properties
    moment = (when or clock.now()).replace(microsecond=0, tzinfo=None)  # core properties are UTC, naive
    if title:
        props.title = title
    props.author = props.last_modified_by = AUTHOR
    props.created = props.modified = moment
    props.language = LANGUAGE
    props.revision = 1
    props.comments = ""


def _child(parent, tag: str):  # noqa: ANN001, ANN202 - lxml elements
    found = parent.find(qn(tag))
    if found is None:
        found = OxmlElement(tag)
        parent.append(found)
    return found


def set_widths(table, widths_cm: list[float]) -> None:
    """Fix the column widths (Word reads the cells, LibreOffice the grid: set both)."""
    table.autofit = False
    for col, w in zip(table.columns, widths_cm):
        col.width = Cm(w)
    for row in table.rows:
        for cell, w in zip(row.cells, widths_cm):
            cell.width = Cm(w)


def letterhead(doc) -> None:
    """The DMPG mark (navy block) beside the sender line."""
    lh = doc.add_table(rows=1, cols=2)
    lh.alignment = WD_TABLE_ALIGNMENT.LEFT
    set_widths(lh, [2.4, 14.0])
    mark, sender = lh.rows[0].cells
    shade(mark, NAVY_HEX)
    mp = mark.paragraphs[0]
    mp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(mp, "DMPG", bold=True, size=Pt(16), colour=WHITE)
    run(sender.paragraphs[0], SENDER, bold=True, size=Pt(11), colour=NAVY)
    run(sender.add_paragraph(), "Danske Multidisciplinære Psykiatri Grupper", size=Pt(9), colour=GREY)


def title_block(doc, title: str, subtitle: str = "", date_text: str = "") -> None:
    """Date (right-aligned), the document title and an optional subtitle."""
    if date_text:
        dp = doc.add_paragraph()
        dp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run(dp, date_text, size=Pt(10), colour=GREY)
    run(doc.add_paragraph(), title, bold=True, size=Pt(20), colour=NAVY)
    if subtitle:
        run(doc.add_paragraph(), subtitle, size=Pt(13), colour=GREY)


def header_cell(cell, text: str) -> None:
    """A navy table header cell with white bold text."""
    shade(cell, NAVY_HEX)
    run(cell.paragraphs[0], text, bold=True, size=Pt(10), colour=WHITE)


def label_cell(cell, text: str, help_text: str = "") -> None:
    """A shaded label cell: the label in bold, an optional help text below it in small grey italics."""
    shade(cell, LIGHT_HEX)
    run(cell.paragraphs[0], text, bold=True, size=Pt(10))
    if help_text:
        run(cell.add_paragraph(), help_text, italic=True, size=Pt(8), colour=GREY)
