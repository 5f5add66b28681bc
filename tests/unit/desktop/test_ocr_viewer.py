"""The viewer on scanned pages: the cited sentence is highlighted with the boxes of the words OCR read.

A scanned page has no text layer, so QPdfSearchModel finds nothing; the viewer then finds the sentence
among the OCR words kept in the data dir and paints their boxes over the page image. The first tests
write those words themselves (no Tesseract needed); the last one indexes a corpus scan with the real
Tesseract, searches a figure of the minute and opens the result as the app does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer import ocr, ocr_store
from indexer.answering import Citation
from indexer.ocr_store import OcrPage, Word
from indexer.settings import OcrSettings

SENTENCE = "Article 2 : le prix du repas des enfants non domiciliés est fixé à 4,90 euros."
FONT_SIZE = 12  # reportlab's default, as writers.pdf draws


def cite(path: Path, page: int, passage: str, sentence: str) -> Citation:
    start = passage.index(sentence)
    return Citation(n=1, doc_id="d", path=str(path), page=page, page_label=str(page), passage=passage,
                    span=(start, start + len(sentence)), title=path.stem, doc_type="deliberation",
                    doc_date="2024-06-18", chunk_id="d:0", unit="page")


def scanned_minutes(writers, folder: Path) -> tuple[Path, dict[int, OcrPage]]:
    """The two-page minutes as an image-only PDF (150 dpi), and the words a perfect OCR would read,
    boxed where writers.pdf drew them (x = 50 pt, baselines 14 pt apart from y = 800 pt)."""
    import pypdfium2 as pdfium
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text_pdf = writers.pdf(folder / "texte.pdf", list(writers.minutes), "Délibération n° 2024-037")
    doc = pdfium.PdfDocument(str(text_pdf))
    try:
        images = []
        for i in range(len(doc)):
            page = doc[i]
            images.append(page.render(scale=150 / 72, grayscale=True).to_pil().convert("L"))
            page.close()
        width, height = (float(v) for v in doc[0].get_size())
    finally:
        doc.close()
    scan = folder / "DEL-2024-037_scan.pdf"
    images[0].save(scan, format="PDF", resolution=150.0, save_all=True, append_images=images[1:])
    pages = {}
    for number, text in enumerate(writers.minutes, 1):
        words = []
        for line_no, line in enumerate(text.splitlines()):
            baseline = height - (800 - 14 * line_no)
            x = 50.0
            for word in line.split(" "):
                w = stringWidth(word, "Helvetica", FONT_SIZE)
                words.append(Word(word, x, baseline - 0.72 * FONT_SIZE, x + w, baseline + 0.21 * FONT_SIZE, line_no,
                                  95.0))
                x += w + stringWidth(" ", "Helvetica", FONT_SIZE)
        pages[number] = OcrPage(number, width, height, words)
    return scan, pages


def highlight_pixels(view):
    """(yellowness: mean R-B, share of dark pixels) over the painted OCR boxes, from a grab of the view."""
    image = view.viewport().grab().toImage()
    yellow, dark, n = 0.0, 0, 0
    for rect in view.ocr_rects():
        for x in range(int(rect.left()) + 2, int(rect.right()) - 1, 2):
            for y in range(int(rect.top()) + 2, int(rect.bottom()) - 1, 2):
                c = image.pixelColor(x, y)
                yellow += c.red() - c.blue()
                dark += (c.red() + c.green() + c.blue()) / 3 < 170  # ink under the yellow (paper: ~225)
                n += 1
    return (yellow / n, dark / n) if n else (0.0, 0.0)


def test_a_sentence_of_a_scanned_page_is_highlighted_with_its_ocr_boxes(qtbot, viewer, writers, tmp_path,
                                                                       passeur_home):
    scan, pages = scanned_minutes(writers, tmp_path)
    ocr_store.save(passeur_home, ocr_store.file_hash(scan), pages, OcrSettings())
    passage = "Après en avoir délibéré, le conseil municipal DÉCIDE : Article 1er : ... 3,45 euros. " + SENTENCE
    with qtbot.waitSignal(viewer.highlighted, timeout=10000) as shown:
        viewer.show_citation(cite(scan, 2, passage, SENTENCE))
    assert shown.args == [True]
    pane = viewer.pdf_pane
    assert viewer.mode == "pdf" and viewer.current_page() == 2
    assert pane.search_string == ""  # the PDF engine found nothing: there is no text layer
    assert viewer.info.text().startswith("Passage cité surligné sur la page numérisée")
    [(page, box)] = pane.view.ocr_boxes  # the sentence is one line: one band
    line = [w for w in pages[2].words if w.line == 2]
    assert page == 1 and box == (line[0].x0, line[0].y0, line[-1].x1, line[-1].y1)

    # Painted where the words are on the page image: yellow, with the letters' dark pixels inside it.
    qtbot.waitUntil(lambda: highlight_pixels(pane.view)[1] > 0.08, timeout=10000)  # measured 0.22
    yellow, dark = highlight_pixels(pane.view)
    assert yellow > 40 and dark < 0.6
    rect = pane.view.ocr_rects()[0]
    frame = pane.view.viewport().rect()
    assert frame.contains(rect.center().toPoint())  # scrolled into view

    # Scrolled, the boxes follow the page.
    bar = pane.view.verticalScrollBar()
    assert bar.value() >= 60
    bar.setValue(bar.value() - 60)
    assert pane.view.ocr_rects()[0].top() == pytest.approx(rect.top() + 60, abs=1)

    # The page is where page_geometry says QPdfView put it (the boxes are placed from it).
    from desktop.viewer import page_geometry

    qtbot.wait(50)
    image = pane.view.viewport().grab().toImage()
    frame_2 = page_geometry(pane.view, 1)
    background = image.pixelColor(1, 1)
    row = int(frame_2.top()) + 20
    left = next(x for x in range(image.width()) if image.pixelColor(x, row) != background)
    column = int(frame_2.center().x())
    gap = [y for y in range(int(frame_2.top()) - 12, int(frame_2.top()) + 12)  # between pages 1 and 2
           if image.pixelColor(column, y) == background]
    top = max(gap) + 1
    assert 0 < frame_2.top() < image.height() - 20
    assert left == pytest.approx(frame_2.left(), abs=1) and top == pytest.approx(frame_2.top(), abs=1)


def test_a_scan_without_ocr_words_falls_back_to_quoting_the_passage(qtbot, viewer, writers, tmp_path):
    scan, _pages = scanned_minutes(writers, tmp_path)  # nothing stored in this data dir
    with qtbot.waitSignal(viewer.highlighted, timeout=10000) as shown:
        viewer.show_citation(cite(scan, 2, SENTENCE, SENTENCE))
    assert shown.args == [False]
    assert viewer.pdf_pane.view.ocr_boxes == [] and "n'a pas pu être surligné" in viewer.info.text()


def test_a_text_pdf_still_uses_the_pdf_engine(qtbot, viewer, docs):
    pdf = docs / "deliberations" / "DEL-2024-037.pdf"
    with qtbot.waitSignal(viewer.highlighted, timeout=10000) as shown:
        viewer.show_citation(cite(pdf, 2, SENTENCE, SENTENCE))
    assert shown.args == [True] and viewer.pdf_pane.search_string == SENTENCE
    assert viewer.pdf_pane.view.ocr_boxes == [] and viewer.info.text() == "Passage cité surligné."


ocr.forget_probes()


@pytest.mark.skipif(not ocr.probe(OcrSettings()).ready,
                    reason="Tesseract with its French data is absent (bash installer/system-deps.sh installs it)")
def test_a_figure_of_a_scanned_minute_is_found_by_search_and_highlighted(qtbot, viewer, tmp_path, passeur_home):
    from indexer.search import Searcher
    from indexer.settings import Settings
    from indexer.store import Store
    from indexer.sync import Syncer

    folder = tmp_path / "deliberations"
    folder.mkdir()
    corpus = Path(__file__).resolve().parents[3] / "corpus" / "documents"
    scan = Path(shutil.copy(corpus / "deliberations/2024/DEL-2024-049_denomination-voies-clos-des-vergnes.pdf",
                            folder))
    store = Store(Settings.load())
    try:
        sid = store.catalog.add_source(str(folder), "general")
        report = Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
        assert report.added == 1 and report.ocr_pages == 3 and report.needs_ocr == 0
        question = "Sur quel compte du budget la dépense des plaques de rue est-elle imputée ?"
        hit = Searcher(store).search(question, k=3)[0]
    finally:
        store.close()
    assert hit.path == str(scan) and "2152" in hit.text

    citation = Citation.from_hit(1, hit, question)
    with qtbot.waitSignal(viewer.highlighted, timeout=15000) as shown:
        viewer.show_citation(citation)
    assert shown.args == [True]
    assert viewer.info.text().startswith("Passage cité surligné sur la page numérisée")
    boxes = viewer.pdf_pane.view.ocr_boxes
    assert boxes and {page for page, _box in boxes} <= {hit.page - 1, hit.page}
    words = ocr_store.load(passeur_home, ocr_store.file_hash(scan))
    inside = [w.text for page, (x0, y0, x1, y1) in boxes for w in words[page + 1].words
              if x0 <= (w.x0 + w.x1) / 2 <= x1 and y0 <= (w.y0 + w.y1) / 2 <= y1]
    assert "2152" in inside  # the figure itself is under the highlight
    qtbot.waitUntil(lambda: highlight_pixels(viewer.pdf_pane.view)[1] > 0.08, timeout=10000)  # measured 0.19
    assert highlight_pixels(viewer.pdf_pane.view)[0] > 40
