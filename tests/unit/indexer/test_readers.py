import pytest

from indexer.readers import ReadError, find_dates, read


def test_pdf_pages_text_and_labels(make):
    path = make.pdf("deliberation.pdf", ["Sommaire", "Préambule", "Le tarif est de 3,45 euros.", "Fin"],
                    labels=["i", "ii"], title="Délibération 2024-037")
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
