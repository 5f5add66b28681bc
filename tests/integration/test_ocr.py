"""OCR through the real Tesseract (French) on the corpus scans and on simulated scans; ingestion and search.

The character error rate (CER) of each case is printed (and recorded as a test property); the bounds
asserted are the measured figures plus a margin (bench/ocr.py gives them all, at several resolutions).
Tests that need Tesseract skip when it is absent: ``bash installer/system-deps.sh`` installs it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from indexer import ocr, ocr_store
from indexer.cli import main
from indexer.readers import read
from indexer.settings import OcrSettings



def _load_cases():
    """tests/ocr_cases.py by path (tests/ is not a package)."""
    name = "passeur_ocr_cases"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "ocr_cases.py")
        sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


cases = _load_cases()

ocr.forget_probes()
requires_tesseract = pytest.mark.skipif(
    not ocr.probe(OcrSettings()).ready,
    reason="Tesseract with its French data is absent (bash installer/system-deps.sh installs tesseract-ocr and "
           "tesseract-ocr-fra)")

DEL_049 = "deliberations/2024/DEL-2024-049_denomination-voies-clos-des-vergnes.pdf"
NS_09 = "rh/notes-de-service/NS-2025-09_consignes-canicule-ete-2025_scan.pdf"


@pytest.fixture(autouse=True)
def _fresh_probes():
    ocr.forget_probes()
    yield
    ocr.forget_probes()


def ocr_text(pdf: Path, settings: OcrSettings | None = None) -> tuple[list[str], ocr.DocumentOcr]:
    engine = ocr.DocumentOcr(settings or OcrSettings(), pdf)
    pages = list(read(pdf, ocr=engine).pages)
    assert all(p.ocr is not None for p in pages), "every page of a scan is read by OCR"
    return [p.text for p in pages], engine


def report(capsys, record_property, name: str, reference: str, text: str) -> tuple[float, float]:
    cer, recall = ocr.char_error_rate(reference, text), ocr.word_recall(reference, text)
    record_property("cer", round(cer, 4))
    record_property("word_recall", round(recall, 4))
    with capsys.disabled():
        print(f"\n[OCR] {name}: CER {cer:.2%}, mots retrouvés {recall:.1%}")
    return cer, recall


def assert_accents_survive(reference: str, text: str, required: str) -> None:
    for ch in required:
        assert ch in reference, f"the case should contain {ch!r}"
        assert text.count(ch) >= 0.9 * reference.count(ch), (ch, text.count(ch), reference.count(ch))


# -- error rates ---------------------------------------------------------------------------------------------

@requires_tesseract
@pytest.mark.parametrize("out, max_cer, accented", [
    # measured at 200 dpi: 4.9 % (the vote table and the page header are read in another order than the
    # text layer they were made from: every word is there, see the word recall) and 2.4 %
    (DEL_049, 0.08, "éèàçœ"),
    (NS_09, 0.05, "éèàêô"),
])
def test_corpus_scans_are_read_in_french(out, max_cer, accented, capsys, record_property):
    case = cases.corpus_scan(out)
    pages, engine = ocr_text(case.pdf)
    assert len(pages) == len(case.reference) and engine.warnings() == []
    reference, text = "\n".join(case.reference), "\n".join(pages)
    cer, recall = report(capsys, record_property, case.name, reference, text)
    assert cer <= max_cer
    assert recall >= 0.97
    assert_accents_survive(reference, text, accented)
    assert "Cœur de Morée" in text or out == NS_09


@pytest.fixture(scope="module")
def skewed_scan(tmp_path_factory):
    """Page 1 of a corpus deliberation as a 200 dpi scan turned by 0.8 degree."""
    folder = tmp_path_factory.mktemp("scans")
    return cases.simulated_case("deliberations/2024/DEL-2024-037_tarifs-restauration-scolaire.pdf", 1, folder,
                                dpi=200, angle=0.8)


@requires_tesseract
def test_a_skewed_200_dpi_scan_of_a_corpus_page(skewed_scan, capsys, record_property):
    pages, _engine = ocr_text(skewed_scan.pdf)
    reference, text = skewed_scan.reference[0], pages[0]
    cer, recall = report(capsys, record_property, skewed_scan.name, reference, text)
    assert cer <= 0.04  # measured 1.7 %
    assert recall >= 0.97
    assert_accents_survive(reference, text, "éèàçœû")
    assert "9,84 €" in text and "82 000 repas" in text  # the figures of the minute


@requires_tesseract
def test_a_garbled_text_layer_is_replaced_by_ocr(skewed_scan, tmp_path, capsys, record_property):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(skewed_scan.pdf))
    try:
        page = doc[0]
        image = page.render(scale=200 / 72, grayscale=True).to_pil().convert("L")
        page.close()
    finally:
        doc.close()
    garbled = cases.garbage_layer_pdf(image, skewed_scan.reference[0], tmp_path / "garbled.pdf")
    layer = cases.pdf_text(garbled)[0]
    assert len(layer) > 500 and ocr.verdict(layer, 25, OcrSettings().min_quality) == "poor"
    [page] = list(read(garbled, ocr=ocr.DocumentOcr(OcrSettings(), garbled)).pages)
    assert page.ocr is not None and not page.needs_ocr
    cer, _recall = report(capsys, record_property, "couche texte illisible remplacée", skewed_scan.reference[0],
                          page.text)
    assert cer <= 0.04


def test_no_text_page_of_the_corpus_is_taken_for_a_poor_layer():
    """The quality measure must not send good text pages to OCR (it would waste minutes per document)."""
    min_quality = OcrSettings().min_quality
    scores = []
    for pdf in sorted(cases.DOCUMENTS.rglob("*.pdf")):
        for number, text in enumerate(cases.pdf_text(pdf), 1):
            if len(text.strip()) >= 25:
                scores.append((ocr.text_quality(text).score, pdf.name, number))
    assert len(scores) > 250
    worst = min(scores)
    assert worst[0] >= min_quality + 0.2, worst


# -- ingestion and search --------------------------------------------------------------------------------------

def status_json(capsys) -> dict:
    capsys.readouterr()
    assert main(["index", "status", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_without_tesseract_scans_are_flagged_and_the_status_says_how_to_enable_ocr(make, monkeypatch, capsys,
                                                                                 tmp_path):
    empty = tmp_path / "no-programs"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no tesseract on the PATH
    make.image_pdf("scan.pdf")
    make.pdf("texte.pdf", ["Le conseil municipal fixe le tarif de la cantine à 3,45 euros par repas."])
    assert main(["index", "add", str(make.root)]) == 0
    out = capsys.readouterr().out
    assert "tesseract-ocr tesseract-ocr-fra" in out
    status = status_json(capsys)
    assert status["by_status"] == {"indexed": 1, "needs_ocr": 1}
    messages = {f["reason"]: f["message"] for f in status["failures"] if f["path"].endswith("scan.pdf")}
    assert set(messages) == {"needs_ocr", "ocr_unavailable"}
    assert "OCR" in messages["needs_ocr"]
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-fra" in messages["ocr_unavailable"]
    assert "passeur index sync" in messages["ocr_unavailable"]


@requires_tesseract
def test_once_tesseract_is_there_sync_reads_the_scan_and_search_finds_its_figure(tmp_path, passeur_home, capsys):
    folder = tmp_path / "partage"
    folder.mkdir()
    scan = Path(shutil.copy(cases.DOCUMENTS / NS_09, folder))
    (passeur_home / "passeur.toml").write_text(f'[ocr]\ntesseract = "{tmp_path / "absent"}"\n', encoding="utf-8")
    assert main(["index", "add", str(folder)]) == 0
    assert status_json(capsys)["by_status"] == {"needs_ocr": 1}

    (passeur_home / "passeur.toml").write_text("", encoding="utf-8")  # the administrator installed it
    ocr.forget_probes()
    capsys.readouterr()
    assert main(["index", "sync"]) == 0
    assert "1 page(s) numérisée(s) lue(s) par reconnaissance de caractères" in capsys.readouterr().out
    status = status_json(capsys)
    assert status["by_status"] == {"indexed": 1} and status["failures"] == []

    assert main(["search", "jusqu'à quelle heure travaillent les services techniques en journée continue pendant "
                           "la canicule", "--json", "-k", "3"]) == 0
    top = json.loads(capsys.readouterr().out)["results"][0]
    assert top["path"] == str(scan) and top["page"] == 1
    assert "13 h 42" in top["text"] and "journée continue" in top["text"]

    words = ocr_store.load(passeur_home, ocr_store.file_hash(scan))
    assert list(words) == [1] and "13 h 42" in " ".join(w.text for w in words[1].words)
    assert main(["index", "sync"]) == 0  # unchanged: neither read nor OCRed again
    assert "1 inchangé(s)" in capsys.readouterr().out

    os.remove(scan)
    assert main(["index", "sync"]) == 0
    assert not any((passeur_home / "ocr").iterdir())  # the word boxes go with the document
