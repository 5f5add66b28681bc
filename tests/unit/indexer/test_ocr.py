"""OCR without Tesseract: text-layer quality, word boxes, the word store, bounds, the "tesseract absent" path.

Tesseract itself is exercised by tests/integration/test_ocr.py; here its output is given (or faked).
"""

from __future__ import annotations

import json
import os
import random
import stat

import pytest

from indexer import errors, ocr, ocr_store
from indexer.ocr_store import OcrPage, Word
from indexer.readers import read
from indexer.settings import OcrSettings, Settings

PROSE = ("Après en avoir délibéré, le conseil municipal décide de fixer le prix du repas servi aux enfants "
         "domiciliés dans la commune à 3,45 euros à compter du 1er septembre 2024. La présente délibération "
         "sera transmise au représentant de l'État et publiée sur le site internet de la commune de Valmoreau.")


def shifted(text: str) -> str:
    """A font with a custom encoding and no Unicode map: every letter comes out as the next one."""
    return "".join(chr(ord(c) + 1) if c.isascii() and c.isalpha() else c for c in text)


# -- text-layer quality ----------------------------------------------------------------------------------------

def test_french_prose_scores_high():
    q = ocr.text_quality(PROSE)
    assert q.garbage == 0 and q.wordlike > 0.95 and q.dictionary > 0.2 and q.score > 0.95


@pytest.mark.parametrize("broken, below", [
    (shifted(PROSE * 3), 0.6),  # shifted encoding: letters, but not words
    ("".join(chr(0xE000 + ord(c) % 200) if c.isalpha() else c for c in PROSE), 0.2),  # private-use soup
    (" ".join(f"(cid:{ord(c) % 90})" for c in PROSE), 0.1),  # pdfminer-style placeholders
    ("".join(random.Random(3).choice("bcdfghjklmnpqrstvwxzBCDFGHJKL0123456789 ") for _ in range(800)), 0.6),
    ("".join("\ufffd" if c.isalpha() else c for c in PROSE), 0.2),
])
def test_broken_text_layers_score_low(broken, below):
    assert ocr.text_quality(broken).score < below
    assert ocr.verdict(broken, 25, 0.6) == "poor"


def test_figures_names_and_headings_are_not_taken_for_garbage():
    table = "Chapitre 011 | 2 345 000,00 € | 12,5 %\nChapitre 012 | 4 120 500,00 € | 3,2 %\n" * 5
    names = "Mme Hélène CASTAING, M. Gérard BOISSEL, Mme Zoé MARCHETTI, M. Yannick LE GOFF, Mme Nadia BENSAÏD"
    for text in (table, names, "COMMUNE DE VALMOREAU — Communauté de communes Cœur de Morée"):
        assert ocr.text_quality(text).score >= 0.9, text
        assert ocr.verdict(text, 25, 0.6) == "ok"


def test_verdict_of_an_empty_page():
    assert ocr.verdict("  \n 12 \n", 25, 0.6) == "empty"
    assert ocr.text_quality("").chars == 0


# -- Tesseract output to words and boxes ------------------------------------------------------------------------

def tsv(rows):
    """image_to_data's DICT output from (level, block, par, line, left, top, width, height, conf, text)."""
    keys = ("level", "block_num", "par_num", "line_num", "left", "top", "width", "height", "conf", "text")
    return {k: [r[i] for r in rows] for i, k in enumerate(keys)}


def test_words_get_boxes_in_pdf_points_and_lines_in_reading_order():
    scale = 200 / 72  # pixels per point at 200 dpi
    data = tsv([
        (1, 1, 0, 0, 0, 0, 1654, 2339, -1, ""),  # page
        (4, 1, 1, 1, 139, 278, 600, 40, -1, ""),  # a line
        (5, 1, 1, 1, 139, 278, 200, 40, 96.2, "Délibération"),
        (5, 1, 1, 1, 361, 280, 50, 38, 91.0, "n°"),
        (5, 1, 1, 2, 139, 334, 120, 40, 88.0, "Cœur"),
        (5, 1, 1, 2, 280, 334, 300, 6, 40.0, "————"),  # a rule read as text
        (5, 1, 1, 2, 600, 334, 10, 40, 30.0, "|"),  # a table border
        (5, 2, 1, 1, 139, 500, 160, 40, 93.0, "e\u0301te\u0301"),  # decomposed accents
        (5, 2, 1, 1, 320, 500, 160, 40, 93.0, "ofﬁce"),  # ligature
        (5, 2, 1, 1, 500, 500, 40, 40, 95.0, "  "),
    ])
    words = ocr.words_from_data(data, scale)
    assert [w.text for w in words] == ["Délibération", "n°", "Cœur", "été", "office"]
    assert [w.line for w in words] == [0, 0, 1, 2, 2]
    first = words[0]
    assert first.x0 == pytest.approx(139 / scale, abs=0.01) and first.y0 == pytest.approx(278 / scale, abs=0.01)
    assert first.x1 == pytest.approx(339 / scale, abs=0.01) and first.y1 == pytest.approx(318 / scale, abs=0.01)
    assert first.x0 == pytest.approx(50.04, abs=0.01)  # 139 px at 200 dpi is 50 pt from the left edge
    page = OcrPage(1, 595.3, 841.9, words)
    assert page.lines == ["Délibération n°", "Cœur", "été office"]
    assert page.text == "Délibération n°\nCœur\nété office"
    assert len("été") == 3 and "œ" in page.text  # NFC: one character each


def test_line_boxes_join_the_words_of_each_line():
    from desktop import locate

    words = [Word("Rue", 10, 100, 30, 112, 4), Word("des", 34, 101, 50, 112, 4), Word("Vergnes", 54, 99, 90, 113, 4),
             Word("Allée", 10, 120, 40, 132, 5)]
    assert locate.line_boxes(words) == [(10, 99, 90, 113), (10, 120, 40, 132)]


def test_locate_in_words_survives_reflowing_and_hyphenation():
    from desktop import locate

    words = "la dépense est impu- tée au compte 2152 du budget principal . Madame le Maire".split()
    passage = "Les plaques sont posées ; la dépense est imputée au compte 2152 du budget principal."
    span = (passage.index("la dépense"), len(passage))
    start, end = locate.locate_in_words(words, passage, span)
    assert words[start] == "la" and words[end - 1] in ("principal", ".")
    assert locate.locate_in_words(words, "Un texte absent de la page.", (0, 27)) is None


# -- the word store -----------------------------------------------------------------------------------------------

def test_word_store_round_trip_prune_and_settings(tmp_path):
    settings = OcrSettings()
    page = OcrPage(2, 595.28, 841.89, [Word("Cœur", 50.0, 60.5, 80.25, 70.0, 0, 93.5)])
    digest = "ab12" * 16
    path = ocr_store.save(tmp_path, digest, {2: page}, settings)
    assert path == tmp_path / "ocr" / f"{digest}.json.gz"
    assert ocr_store.load(tmp_path, digest) == {2: page}
    assert ocr_store.load(tmp_path, digest, settings) == {2: page}
    assert ocr_store.load(tmp_path, digest, OcrSettings(dpi=300)) == {}  # read differently: not reused
    assert ocr_store.load(tmp_path, "cd34" * 16) == {}
    path.write_bytes(b"not gzip")
    assert ocr_store.load(tmp_path, digest) == {}  # a damaged file is ignored, not fatal
    ocr_store.save(tmp_path, digest, {2: page}, settings)
    ocr_store.save(tmp_path, "ef56" * 16, {2: page}, settings)
    assert ocr_store.prune(tmp_path, {digest}) == 1
    assert [p.name for p in (tmp_path / "ocr").iterdir()] == [f"{digest}.json.gz"]
    with pytest.raises(ValueError):
        ocr_store.path_for(tmp_path, "../../etc/passwd")


# -- measuring OCR ---------------------------------------------------------------------------------------------------

def _levenshtein(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def test_edit_distance_matches_the_textbook_definition():
    rng = random.Random(5)
    for _ in range(200):
        a = "".join(rng.choice("abcœé ") for _ in range(rng.randint(0, 12)))
        b = "".join(rng.choice("abcœé ") for _ in range(rng.randint(0, 12)))
        assert ocr.edit_distance(a, b) == _levenshtein(a, b), (a, b)


def test_char_error_rate_and_word_recall():
    assert ocr.char_error_rate("Cœur de Morée", "Cœur  de\nMorée") == 0  # whitespace runs are one space
    assert ocr.char_error_rate("l’arrêté", "l'arrêté") == 0  # one apostrophe
    assert ocr.char_error_rate("Morée", "Moree") == pytest.approx(1 / 5)  # a lost accent is an error
    assert ocr.word_recall("la rue des Vergnes", "Vergnes des rue la") == 1.0
    assert ocr.word_recall("Cœur de Morée", "Coeur de Morée") == pytest.approx(2 / 3)


# -- finding Tesseract, and the path without it ---------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fresh_probes():
    ocr.forget_probes()
    yield
    ocr.forget_probes()


def fake_tesseract(tmp_path, languages: str):
    """A stand-in ``tesseract`` that only answers --list-langs."""
    script = tmp_path / "tesseract"
    script.write_text(f'#!/bin/sh\necho "List of available languages in \\"/x/\\" (2):"\nprintf "{languages}"\n',
                      encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_probe_says_what_is_missing(tmp_path):
    assert ocr.probe(OcrSettings(tesseract=str(tmp_path / "absent"))).problem == "ocr_unavailable"
    assert ocr.probe(OcrSettings(enabled=False)).problem == "ocr_disabled"
    english_only = ocr.probe(OcrSettings(tesseract=fake_tesseract(tmp_path, "eng\\nosd\\n")))
    assert english_only.problem == "ocr_language_missing" and english_only.params == {"language": "fra"}
    fake_tesseract(tmp_path, "eng\\nfra\\n")  # the French data installed meanwhile
    assert not ocr.probe(OcrSettings(tesseract=english_only.command)).ready  # the answer is cached a while
    ocr.forget_probes()
    assert ocr.probe(OcrSettings(tesseract=english_only.command)).ready
    message = errors.reason_text("ocr_language_missing", "fr", **english_only.params)
    assert "tesseract-ocr-fra" in message and "passeur index sync" in message


def test_without_tesseract_scanned_pages_are_flagged_with_how_to_install(make, tmp_path):
    engine = ocr.DocumentOcr(OcrSettings(tesseract=str(tmp_path / "absent")), make.image_pdf("scan.pdf"))
    pages = list(read(make.root / "scan.pdf", ocr=engine).pages)
    assert [p.needs_ocr for p in pages] == [True, True] and all(p.ocr is None for p in pages)
    [(code, params)] = engine.warnings()
    assert code == "ocr_unavailable"
    message = errors.reason_text(code, "fr", **params)
    assert "Tesseract" in message and "tesseract-ocr tesseract-ocr-fra" in message
    assert "passeur index sync" in message


def test_text_pages_never_start_tesseract(make, monkeypatch):
    monkeypatch.setattr(ocr, "probe", lambda settings: pytest.fail("no page needed OCR"))
    path = make.pdf("texte.pdf", [PROSE, PROSE])
    engine = ocr.DocumentOcr(OcrSettings(), path)
    pages = list(read(path, ocr=engine).pages)
    assert all(p.ocr is None and not p.needs_ocr for p in pages) and engine.warnings() == []


# -- bounds ---------------------------------------------------------------------------------------------------------

def fake_engine(monkeypatch, reply):
    monkeypatch.setattr(ocr, "probe", lambda settings: ocr.Probe("tesseract", None))
    calls = []

    def run(image, command, settings):
        calls.append(image.size)
        return reply(len(calls))

    monkeypatch.setattr(ocr, "run_tesseract", run)
    return calls


def one_line(n):
    return tsv([(5, 1, 1, 1, 100, 100, 300, 40, 95.0, "Délibération"), (5, 1, 1, 1, 420, 100, 300, 40, 95.0,
                                                                          f"n°2024-0{n}")])


def test_ocr_stops_at_max_pages_and_says_so(make, monkeypatch):
    calls = fake_engine(monkeypatch, one_line)
    engine = ocr.DocumentOcr(OcrSettings(max_pages=2, dpi=100), make.image_pdf("scan.pdf", pages=3))
    pages = list(read(make.root / "scan.pdf", ocr=engine).pages)
    assert len(calls) == 2 and calls[0] == (827, 1170)  # A4 at 100 dpi
    assert [p.ocr is not None for p in pages] == [True, True, False] and pages[2].needs_ocr
    assert pages[1].text == "Délibération n°2024-02"
    assert engine.warnings() == [("ocr_limit", {"limit": 2, "count": 1})]


def test_a_page_past_the_time_limit_is_skipped_and_reported(make, monkeypatch):
    def reply(n):
        if n == 1:
            raise RuntimeError("Tesseract process timeout")  # what pytesseract raises after killing it
        return one_line(n)

    fake_engine(monkeypatch, reply)
    engine = ocr.DocumentOcr(OcrSettings(timeout_s=5), make.image_pdf("scan.pdf", pages=2))
    pages = list(read(make.root / "scan.pdf", ocr=engine).pages)
    assert pages[0].needs_ocr and pages[1].ocr is not None
    [(code, params)] = engine.warnings()
    assert code == "ocr_timeout" and params["pages"] == "1" and params["count"] == 1
    assert "5" in errors.reason_text(code, "fr", **params)


def test_huge_pages_are_rendered_within_the_pixel_budget(make, monkeypatch):
    calls = fake_engine(monkeypatch, one_line)
    monkeypatch.setattr(ocr, "MAX_PIXELS", 1_000_000)
    engine = ocr.DocumentOcr(OcrSettings(dpi=600), make.image_pdf("scan.pdf", pages=1))
    page = next(iter(read(make.root / "scan.pdf", ocr=engine).pages))
    width, height = calls[0]
    assert width * height <= 1_000_000 * 1.01
    assert page.ocr.words[0].x0 == pytest.approx(100 * 595.28 / width, rel=0.01)  # boxes follow the real scale


def test_a_poor_layer_is_replaced_only_by_better_text(make, monkeypatch):
    fake_engine(monkeypatch, lambda n: tsv([(5, 1, 1, 1, 10, 10, 50, 20, 90.0, w)
                                            for w in "le conseil municipal a délibéré sur les tarifs".split()]))
    soup = make.pdf("soupe.pdf", [shifted(PROSE * 2)])
    pages = list(read(soup, ocr=ocr.DocumentOcr(OcrSettings(), soup)).pages)
    assert pages[0].ocr is not None and "délibéré" in pages[0].text

    fake_engine(monkeypatch, lambda n: tsv([(5, 1, 1, 1, 10, 10, 50, 20, 20.0, "xq#kz")] * 30))
    pages = list(read(soup, ocr=ocr.DocumentOcr(OcrSettings(), soup)).pages)
    assert pages[0].ocr is None and pages[0].text.startswith(shifted("Après")[:4])  # kept the layer


def test_pages_already_read_are_taken_from_the_store(make, monkeypatch, tmp_path):
    calls = fake_engine(monkeypatch, one_line)
    scan = make.image_pdf("scan.pdf", pages=2)
    digest = ocr_store.file_hash(scan)
    first = ocr.DocumentOcr(OcrSettings(), scan, tmp_path, digest)
    list(read(scan, ocr=first).pages)
    first.finish()
    assert len(calls) == 2 and ocr_store.load(tmp_path, digest)[2].words[1].text == "n°2024-02"
    again = ocr.DocumentOcr(OcrSettings(), scan, tmp_path, digest)
    assert [p.text for p in read(scan, ocr=again).pages] == ["Délibération n°2024-01", "Délibération n°2024-02"]
    assert len(calls) == 2  # no new OCR


def test_tesseract_child_gets_its_thread_limit_and_the_process_keeps_its_environment(monkeypatch):
    from PIL import Image
    from pytesseract import pytesseract as binding

    seen = {}

    def fake_popen(args, **kwargs):
        seen["args"], seen["env"] = args, kwargs["env"]
        raise FileNotFoundError(2, "no tesseract")

    monkeypatch.setattr(binding.subprocess, "Popen", fake_popen)
    monkeypatch.setattr(binding, "get_tesseract_version", lambda **kw: binding.parse("5.3.0"))
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    with pytest.raises(OSError):
        ocr.run_tesseract(Image.new("L", (20, 20), 255), "/opt/tess/bin/tesseract", OcrSettings(threads=1))
    assert seen["args"][0] == "/opt/tess/bin/tesseract" and "fra" in seen["args"]
    assert seen["env"]["OMP_THREAD_LIMIT"] == "1"
    assert "OMP_THREAD_LIMIT" not in os.environ and binding.tesseract_cmd == "tesseract"


def test_retry_after_tesseract_is_installed(tmp_path):
    flagged = json.dumps([["partial_ocr", {"count": 2}], ["ocr_unavailable", {"command": "tesseract"}]])
    ready = OcrSettings(tesseract=fake_tesseract(tmp_path, "fra\\n"))
    assert ocr.retry_worthy(flagged, ready)
    assert not ocr.retry_worthy(flagged, OcrSettings(tesseract=str(tmp_path / "absent")))
    assert not ocr.retry_worthy(json.dumps([["partial_ocr", {"count": 2}]]), ready)  # OCR ran: no retry
    assert not ocr.retry_worthy(None, ready)


def test_ocr_settings_in_passeur_toml(passeur_home):
    (passeur_home / "passeur.toml").write_text(
        '[ocr]\nlanguage = "fra+eng"\ndpi = 300\nmin_quality = 0.5\nmax_pages = 20\ntimeout_s = 30\n',
        encoding="utf-8")
    s = Settings.load()
    assert (s.ocr.language, s.ocr.dpi, s.ocr.min_quality, s.ocr.max_pages, s.ocr.timeout_s) == \
        ("fra+eng", 300, 0.5, 20, 30.0)
    assert s.ocr.enabled and s.ocr.threads == 1
    (passeur_home / "passeur.toml").write_text("[ocr]\nlangue = 'fra'\n", encoding="utf-8")
    with pytest.raises(errors.PasseurError) as exc:
        Settings.load()
    assert "langue" in exc.value.fr
