"""The document viewer on real files: PDF page and hit, text documents scrolled and highlighted."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.answering import Citation

SENTENCE = "Article 2 : le prix du repas des enfants non domiciliés est fixé à 4,90 euros."


def cite(path: Path, page: int, passage: str, sentence: str, unit: str = "page", n: int = 1) -> Citation:
    start = passage.index(sentence)
    return Citation(n=n, doc_id="d", path=str(path), page=page, page_label=str(page), passage=passage,
                    span=(start, start + len(sentence)), title=path.stem, doc_type="deliberation",
                    doc_date="2024-06-18", chunk_id="d:0", unit=unit)


def test_pdf_opens_at_the_cited_page_with_the_sentence_found(qtbot, viewer, docs):
    pdf = docs / "deliberations" / "DEL-2024-037.pdf"
    passage = ("Après en avoir délibéré, le conseil municipal DÉCIDE : Article 1er : le prix du repas servi aux "
               "enfants domiciliés dans la commune est fixé à 3,45 euros. " + SENTENCE)
    with qtbot.waitSignal(viewer.highlighted, timeout=10000) as shown:
        viewer.show_citation(cite(pdf, 2, passage, SENTENCE))
    assert shown.args == [True]
    assert viewer.mode == "pdf" and viewer.current_page() == 2
    assert viewer.pdf_pane.search_string == SENTENCE  # searched as extracted, accents included
    assert viewer.pdf_pane.found_rects >= 1
    assert viewer.pdf_pane.page_label.text() == "Page 2 sur 2"
    assert viewer.info.text() == "Passage cité surligné."

    viewer.pdf_pane.go(1)
    qtbot.waitUntil(lambda: viewer.current_page() == 1)
    assert viewer.pdf_pane.page_label.text() == "Page 1 sur 2"

    first = "Objet : tarifs de la restauration scolaire"
    with qtbot.waitSignal(viewer.highlighted, timeout=10000) as shown:
        viewer.show_citation(cite(pdf, 1, "Séance du 18 juin 2024 - Délibération n° 2024-037 " + first, first))
    assert shown.args == [True] and viewer.current_page() == 1


def test_pdf_passage_that_cannot_be_found_is_quoted_instead(qtbot, viewer, docs):
    pdf = docs / "deliberations" / "DEL-2024-037.pdf"
    text = "Un texte qui ne figure nulle part dans ce document municipal."
    with qtbot.waitSignal(viewer.highlighted, timeout=10000) as shown:
        viewer.show_citation(cite(pdf, 2, text, text))
    assert shown.args == [False] and viewer.current_page() == 2
    assert "n'a pas pu être surligné" in viewer.info.text() and "nulle part" in viewer.info.text()


@pytest.mark.parametrize("name, section, sentence", [
    ("rh/faq.docx", 2, "Le télétravail est limité à deux jours par semaine, sur demande écrite validée par "
                       "le chef de service."),
    ("cimetiere.odt", 2, "Une case de columbarium coûte 600 euros pour quinze ans."),
    ("notes/fermeture.txt", 1, "La mairie sera fermée le 15 août 2025."),
])
def test_text_documents_scroll_to_the_section_and_highlight_it(qtbot, viewer, docs, name, section, sentence):
    # The index keeps passages with their whitespace flattened: the viewer must still find them.
    passage = "Intro.  " + sentence.replace(" ", "\n", 2)
    c = cite(docs / name, section, passage, sentence.replace(" ", "\n", 2), unit="section")
    with qtbot.waitSignal(viewer.highlighted, timeout=10000) as shown:
        viewer.show_citation(c)
    assert shown.args == [True]
    assert viewer.mode == "text"
    assert viewer.text_pane.highlighted_text() == sentence
    start, end = viewer.text_pane.sections[section]
    assert start <= viewer.text_pane.highlight[0] < end
    assert viewer.text_pane.browser.textCursor().position() == viewer.text_pane.highlight[0]


def test_missing_file_and_unreadable_file_get_french_messages(qtbot, viewer, tmp_path):
    gone = tmp_path / "parti.pdf"
    with qtbot.waitSignal(viewer.highlighted, timeout=5000):
        viewer.show_citation(cite(gone, 1, "texte", "texte"))
    assert viewer.mode == "error" and viewer.info.text().startswith("Fichier introuvable :")
    assert not viewer.open_button.isEnabled()

    empty = tmp_path / "vide.docx"
    empty.write_bytes(b"")
    with qtbot.waitSignal(viewer.highlighted, timeout=5000):
        viewer.show_citation(cite(empty, 1, "texte", "texte", unit="section"))
    assert viewer.info.text() == "Impossible d'ouvrir le document : Fichier vide (0 octet)."


def test_open_in_the_default_application(qtbot, viewer, docs, monkeypatch):
    from desktop import viewer as viewer_module

    opened = []
    monkeypatch.setattr(viewer_module, "open_external", lambda path: opened.append(path) or True)
    pdf = docs / "deliberations" / "DEL-2024-037.pdf"
    with qtbot.waitSignal(viewer.highlighted, timeout=10000):
        viewer.show_citation(cite(pdf, 2, SENTENCE, SENTENCE))
    assert viewer.open_button.text() == "Ouvrir dans l'application par défaut"
    viewer.open_button.click()
    assert opened == [str(pdf)]
