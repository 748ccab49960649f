"""The proofreader (``support.proofread``): each check catches what a reader would notice, and
every sample document passes it. The defects of issue 13 (an empty "Styregruppens medlemmer", "()",
"Kære Følgegruppen, Danske Regioner", a signature said twice, "Version 1" over "Revision 2") are caught."""

from __future__ import annotations

from support.proofread import (
    Block,
    DocumentText,
    MailText,
    check_document,
    check_mail,
    disagreeing_versions,
    empty_fields,
    empty_parentheses,
    empty_sections,
    english_words,
    html_text,
    leftover_codes,
    misplaced_salutations,
    read_docx,
    repeated_signature,
)


def test_a_heading_with_nothing_under_it_is_an_empty_section():
    blocks = [Block("heading", "Styregruppens medlemmer", 1), Block("paragraph", ""),
              Block("heading", "Beslutning", 1), Block("paragraph", "Godkendt"),
              Block("heading", "Medlemmer", 1), Block("table", rows=(("Navn", "Region"),), header=True),
              Block("heading", "Resumé", 1), Block("table", rows=(("Titel", "Angst og OCD"),)),
              Block("heading", "Opgaven", 1), Block("heading", "Retningslinjer", 2), Block("paragraph", "Én"),
              Block("heading", "Til sidst", 1)]
    assert empty_sections(blocks) == ["empty section 'Styregruppens medlemmer'", "empty section 'Medlemmer'",
                                      "empty section 'Til sidst'"]


def test_a_label_without_a_value_is_an_empty_field():
    blocks = [Block("table", rows=(("Titel", "Angst og OCD"), ("Begrundelse for målgruppe", "")))]
    assert empty_fields(blocks) == ["empty field 'Begrundelse for målgruppe'"]


def test_empty_parentheses_codes_and_english_words():
    assert empty_parentheses("Til Dansk Selskab for Almen Medicin (DSAM) ()") == ["skab for Almen Medicin (DSAM) ()"]
    assert empty_parentheses("Region Midtjylland (formand)") == []

    text = ("Følgegruppen support_with_changes. Styregruppen: steering. Vedrører: relatives, None {{ title }}. "
            "DPS udpeger; Dansk Psykiatrisk Selskab (DPS) er fint; revision og database er danske ord.")
    assert leftover_codes(text) == ["DPS", "None", "relatives", "steering", "support_with_changes", "{{", "}}"]
    # Addresses, links and file names are not prose.
    assert leftover_codes("Se DMPG-2026-001_steering-minutes_r2_DPS_v1.docx, http://x/runs/steering og "
                          "styregruppe.rkkp@example.dk") == []
    assert english_words("Dear members, the meeting is pending. Frist for svar: se linket; version 2 til mødet.") == \
        ["dear", "meeting", "members", "pending", "the"]


def test_a_signature_said_twice():
    assert repeated_signature(["Med venlig hilsen", "DMPG-sekretariatet", "DMPG-sekretariatet, RKKP · s@x.dk"]) == \
        ["signature repeats 'DMPG-sekretariatet' in 'DMPG-sekretariatet, RKKP · s@x.dk'"]
    assert repeated_signature(["Med venlig hilsen", "Søs Æbelø", "DMPG-sekretariatet, RKKP · s@x.dk"]) == []
    assert repeated_signature(["Venlig hilsen", "A", "…", "Med venlig hilsen", "A"])[0].startswith("2 closings")


def test_version_numbers_must_agree():
    assert disagreeing_versions("DMPG-2026-001 · Indstillingsskema · Version 1", "Revision 2. Skemaet …") == \
        ["version numbers disagree: 1, 2"]
    assert disagreeing_versions("… · Version 2", "Version 2: det reviderede indstillingsskema") == []


def test_functions_and_organisations_are_not_greeted_as_people():
    lines = ["Kære Følgegruppen, Danske Regioner", "Kære Patientrepræsentanter (SIND / Bedre Psykiatri),",
             "Kære RKKP", "Kære Anne Holm", "Kære medlemmer af følgegruppen,", "Kære indstillere,",
             "Til Dansk Selskab for Almen Medicin"]
    assert [p.split(": ", 1)[1] for p in misplaced_salutations(lines)] == [
        "'Kære Følgegruppen, Danske Regioner'", "'Kære Patientrepræsentanter (SIND / Bedre Psykiatri),'",
        "'Kære RKKP'"]


def test_a_document_with_the_old_defects_is_refused_line_by_line():
    doc = DocumentText("referat.docx", (
        Block("paragraph", "Kære Følgegruppen, Danske Regioner"),
        Block("paragraph", "Revision 2. Indstillingsskemaet er gengivet, som det blev modtaget."),
        Block("heading", "Styregruppens medlemmer", 1),
        Block("heading", "Beslutning", 1), Block("paragraph", "Til Dansk Selskab for Almen Medicin (DSAM) ()"),
        Block("paragraph", "Med venlig hilsen"), Block("paragraph", "DMPG-sekretariatet"),
        Block("paragraph", "DMPG-sekretariatet, RKKP · sekretariat@example.dk"),
    ), header="DMPG-2026-001 · Indstillingsskema · Version 1")
    problems = check_document(doc)
    assert all(p.startswith("referat.docx: ") for p in problems)
    assert len(problems) == 5, problems
    assert any("empty section 'Styregruppens medlemmer'" in p for p in problems)
    assert any("empty parentheses" in p for p in problems)
    assert any("signature repeats" in p for p in problems)
    assert any("version numbers disagree: 1, 2" in p for p in problems)
    assert any("greets a function or organisation" in p for p in problems)


def test_a_mail_is_checked_in_both_parts_with_its_reply_to_and_thread():
    html = ("<html><head><title>steering</title><style>p{}</style></head><body><p>Kære Følgegruppen, Danske "
            "Regioner</p><p>Følgegruppen support.</p><p>Venlig hilsen<br>DMPG-sekretariatet</p></body></html>")
    assert html_text(html) == "Kære Følgegruppen, Danske Regioner\nFølgegruppen support.\nVenlig hilsen\nDMPG-sekretariatet"
    mail = MailText("m.eml", {"Reply-To": "sekretariat@example.dk", "References": "<other@x>"}, "Emne",
                    "Til Dansk Psykiatrisk Selskab\nGodt.\n", html_text(html))
    problems = check_mail(mail, reply_to="sekretariat@example.dk", thread_root="<dmpg-2026-001.dmpg@example.dk>")
    assert problems == [
        "m.eml: html: leftover code 'support'",
        "m.eml: html: greets a function or organisation as a person: 'Kære Følgegruppen, Danske Regioner'",
        "m.eml: In-Reply-To is None, expected <dmpg-2026-001.dmpg@example.dk>",
        "m.eml: References is '<other@x>', expected <dmpg-2026-001.dmpg@example.dk>",
    ]


def test_every_sample_document_reads_right(tmp_path):
    from support.samples import render_samples

    written = render_samples(tmp_path)
    assert len(written) > 10
    assert [p for path in written for p in check_document(read_docx(path))] == []


def test_a_document_is_read_in_order_with_its_tables_and_header(tmp_path):
    from dmpg.documents.context import compose_context
    from dmpg.documents.render import render_template
    from support.samples import sample_sources

    out = tmp_path / "h.docx"
    render_template("hearing_letter.docx", compose_context("hearing_letter", sample_sources()), out)
    doc = read_docx(out)
    kinds = [(b.kind, b.text) for b in doc.blocks]
    i = kinds.index(("heading", "Resumé af forslaget"))
    assert doc.blocks[i + 1].kind == "table" and doc.blocks[i + 1].rows[0] == ("Foreslået DMPG", "Angst og OCD")
    assert doc.header == "DMPG-2026-001 · Høringsbrev til følgegruppen · Version 1"
