import pytest

from indexer.readers import ReadError, find_dates, read


@pytest.mark.parametrize("opened_by", ["pdfium", "pypdf"])
def test_pdf_pages_text_and_labels(make, monkeypatch, opened_by):
    """PDFium opens the file (count, title, labels); pypdf, when PDFium cannot, gives the same."""
    path = make.pdf("deliberation.pdf", ["Sommaire", "Préambule", "Le tarif est de 3,45 euros.", "Fin"],
                    labels=["i", "ii"], title="Délibération 2024-037")
    if opened_by == "pypdf":
        import pypdfium2

        def refuse(*args, **kwargs):
            raise pypdfium2.PdfiumError("simulated")
        monkeypatch.setattr(pypdfium2, "PdfDocument", refuse)
    doc = read(path)
    pages = list(doc.pages)
    assert doc.format == "pdf" and doc.page_count == 4 and doc.title == "Délibération 2024-037"
    assert [p.label for p in pages] == ["i", "ii", "1", "2"]
    assert "3,45" in pages[2].text and pages[2].number == 3


def test_docx_sections_follow_headings(make):
    path = make.docx("faq.docx", [("Congés annuels", ["Cinq fois les obligations hebdomadaires."]),
                                  ("Télétravail", ["Deux jours par semaine."])], title="FAQ RH")
    doc = read(path)
    pages = list(doc.pages)
    assert doc.unit == "section" and doc.title == "FAQ RH"
    assert [p.label for p in pages] == ["Congés annuels", "Télétravail"]
    assert pages[1].blocks[0].heading_level == 1
    assert "Deux jours" in pages[1].text


def test_odt_sections_follow_headings(make):
    path = make.odt("cimetiere.odt", [("Concessions", ["Trente ans : 450 euros."]), ("Columbarium", ["Case."])])
    pages = list(read(path).pages)
    assert len(pages) == 2 and "450 euros" in pages[0].text and pages[1].label == "Columbarium"


def test_non_utf8_text_is_decoded(make):
    path = make.text("note.txt", "Note de service : congés d'été, prime à 45 €.", encoding="cp1252")
    pages = list(read(path).pages)
    assert "congés d'été" in pages[0].text and "45 €" in pages[0].text


def test_html_keeps_headings_and_tables(make):
    path = make.text("page.html", "<html><head><title>Tarifs</title><script>x()</script></head><body>"
                     "<h1>Cantine</h1><p>Prix du repas</p><table><tr><td>Résident</td><td>3,45 €</td></tr></table>"
                     "</body></html>")
    doc = read(path)
    text = "\n".join(p.text for p in doc.pages)
    assert doc.title == "Tarifs" and "Résident | 3,45 €" in text and "x()" not in text


def test_wrong_extension_is_read_by_content(make):
    real = make.docx("real.docx", [("Titre", ["Contenu réel du document."])])
    fake = make.raw("deguise.pdf", real.read_bytes())
    doc = read(fake)
    assert doc.format == "docx"
    assert doc.warnings == [("wrong_extension", {"format": "DOCX"})]


def test_encrypted_pdf_with_empty_password_is_read(make):
    path = make.pdf("ouvert.pdf", ["Texte protégé par un mot de passe vide."], password="")
    assert "protégé" in next(iter(read(path).pages)).text


@pytest.mark.parametrize("builder, code", [
    (lambda m: m.pdf("secret.pdf", ["Confidentiel"], password="motdepasse"), "encrypted"),
    (lambda m: m.raw("vide.pdf", b""), "empty"),
    (lambda m: m.raw("casse.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage \x00\xff"), "corrupt"),
    (lambda m: m.raw("casse.docx", b"PK\x03\x04 not really a zip"), "corrupt"),
    (lambda m: m.raw("tableur.xlsx", b"PK\x03\x04 something"), "unsupported"),
    (lambda m: m.raw("image.bin", b"\x89PNG\r\n\x1a\n...."), "unsupported"),
])
def test_bad_files_raise_a_reason(make, builder, code):
    with pytest.raises(ReadError) as exc:
        doc = read(builder(make))
        list(doc.pages)
    assert exc.value.code == code


def test_too_large_is_refused_before_reading(make):
    path = make.raw("gros.txt", b"a" * (2 * 1024 * 1024))
    with pytest.raises(ReadError) as exc:
        read(path, max_mb=1)
    assert exc.value.code == "too_large"


def test_image_only_pages_are_flagged(make):
    pages = list(read(make.image_pdf("scan.pdf", pages=2)).pages)
    assert len(pages) == 2 and all(p.needs_ocr for p in pages)


def test_find_dates_in_french():
    dates = find_dates("Séance du 1er juin 2025, transmise le 12/06/2025 et publiée le 15 juin 2025.")
    assert [d.isoformat() for d in dates] == ["2025-06-01", "2025-06-15", "2025-06-12"]


def _table_pdf(path, justified_gap: float = 4.0):
    """A deliberation page as an office suite draws it: a sentence, a vote table whose cells are far apart
    on their lines, and a line whose words are spread (justified) but stay one line."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(70, 760, "Le conseil municipal approuve les tarifs.")
    for x, cell in zip((70, 200, 300, 400), ("Votants", "Pour", "Contre", "Abstentions")):
        c.drawString(x, 730, cell)
    for x, cell in zip((70, 200, 300, 400), ("29", "27", "0", "2")):
        c.drawString(x, 715, cell)
    x = 70
    for word in ("Fait", "à", "Valmoreau,", "le", "28", "mars", "2024."):
        c.drawString(x, 690, word)
        x += c.stringWidth(word, "Helvetica", 10) + justified_gap
    c.showPage()
    c.save()
    return path


def test_pdf_table_cells_get_lines_of_their_own_and_their_headers_back(tmp_path):
    from indexer.chunking import chunk_pages

    path = _table_pdf(tmp_path / "vote.pdf")
    pages = list(read(path).pages)
    lines = [b.text for b in pages[0].blocks]
    assert lines[1:9] == ["Votants", "Pour", "Contre", "Abstentions", "29", "27", "0", "2"]
    assert "Fait à Valmoreau, le 28 mars 2024." in lines  # spread words: one line
    text = " ".join(c.text for c in chunk_pages(iter(read(path).pages)))
    assert "Votants : 29 ; Pour : 27 ; Contre : 0 ; Abstentions : 2." in text


@pytest.mark.parametrize("broken", ["open", "page"])
def test_pdf_text_falls_back_to_pypdf_when_pdfium_fails(tmp_path, monkeypatch, broken):
    import pypdfium2

    from indexer.readers import pdf as pdf_reader

    path = _table_pdf(tmp_path / "vote.pdf")
    expected = [b.text for b in next(iter(read(path).pages)).blocks]
    if broken == "open":
        def refuse(*args, **kwargs):
            raise pypdfium2.PdfiumError("simulated")
        monkeypatch.setattr(pypdfium2, "PdfDocument", refuse)
    else:
        monkeypatch.setattr(pdf_reader, "_page_lines", lambda textpage: 1 / 0)
    lines = [b.text for b in next(iter(read(path).pages)).blocks]
    assert lines[0] == expected[0] and "Votants" in lines and "29" in lines  # pypdf's text, same cells


def test_corpus_pdf_bullets_are_read_as_bullets():
    from pathlib import Path

    path = next(Path(__file__).parents[3].glob("corpus/documents/deliberations/2024/DEL-2024-058_*.pdf"))
    text = "\n".join(p.text for p in read(path).pages)
    assert "\x7f" not in text and "•" in text  # pypdf read the bullet glyph as DEL


def test_pdf_cells_are_split_at_the_right_place_after_characters_without_unicode(tmp_path):
    """PDFium's character indices skip nothing, its text does (a drawn NUL or tab has no Unicode value): a cut
    computed on one and applied to the other would split « 1 234 567 » into « Montant 1 » and « 234 567 »."""
    from pathlib import Path

    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("Vera", str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")))
    path = tmp_path / "budget.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("Vera", 10)
    c.drawString(70, 760, "Total\x00\tgénéral de l'exer\u00adcice")
    c.drawString(70, 740, "Montant")
    c.drawString(300, 740, "1 234 567")
    c.drawString(70, 725, "Dépenses")
    c.drawString(300, 725, "-")  # a dash cell: its box is a sliver above the baseline, still on the line
    c.showPage()
    c.save()
    lines = [b.text for b in next(iter(read(path).pages)).blocks]
    assert lines[-4:] == ["Montant", "1 234 567", "Dépenses", "-"]
    assert "exercice" in lines[0]  # a soft hyphen inside a word is dropped


def test_pdf_words_spread_by_separate_text_objects_stay_on_their_line(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "spread.pdf"
    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("Helvetica", 10)
    x = 70
    for word in ("Le", "maire", "a", "reçu", "une", "aide"):  # 6.5 pt apart: more than a small word's box
        c.drawString(x, 760, word)
        x += c.stringWidth(word, "Helvetica", 10) + 6.5
    c.showPage()
    c.save()
    assert [b.text for b in next(iter(read(path).pages)).blocks] == ["Le maire a reçu une aide"]
