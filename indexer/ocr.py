"""OCR of scanned PDF pages: text-layer quality, page rendering, Tesseract in French, word boxes.

When is a page OCRed?
    The PDF reader takes each page's text layer first. A page is OCRed when that text is empty (fewer
    than ``index.min_chars_per_page`` characters: an image-only scan) or poor (its
    :func:`text_quality` score is below ``ocr.min_quality``). For a poor page the OCR text replaces the
    layer's only when it scores higher, so a page that is merely unusual (a table of names) keeps its text.

Text-layer quality (:func:`text_quality`), from two shares, each 0..1:
    - ``garbage``: share of the visible characters a French document does not print: control and
      private-use characters, U+FFFD, letters of non-Latin scripts, unusual symbols, ``(cid:N)``
      placeholders. A font without a Unicode map gives such soup.
    - ``wordlike``: share of the letter runs (two letters or more, or a one-letter function word) that
      are dictionary-like: a French function word (``textnorm.STOPWORDS``: le, de, des, et, à...), or
      shaped like a French word: at least one vowel, at most four consonants in a row, no letter three
      times in a row, lower-case, Capitalised or UPPER-CASE. A shifted or random encoding fails this.
    ``score = (1 - garbage) * wordlike``. On the 280 text pages of corpus/ the lowest score is 0.90
    (a technical specification full of abbreviations); a page shifted by one letter scores 0.59,
    random characters under 0.3, private-use soup under 0.1. ``dictionary`` (the share of function
    words alone: 0.44 on a median corpus page) is reported too.

Rendering uses pypdfium2 (PDFium, the engine of Chromium: a wheel with no system dependency, on
Linux and Windows alike); recognition runs the ``tesseract`` program in French through pytesseract,
whose word boxes (``image_to_data``) are kept in PDF points, origin at the top-left corner of the
page, so that the viewer can draw them over the page. Text is NFC-normalised (accents and œ survive
as single characters) and typographic ligatures (ﬁ, ﬂ) are spelled out.

Bounds: each page is rendered at most at ``MAX_PIXELS``, Tesseract is killed after ``ocr.timeout_s``
seconds on one page, and at most ``ocr.max_pages`` pages of one document are OCRed; the pages left
are flagged "needs OCR" with a warning that says why.

Without Tesseract (or its French data) nothing fails: pages stay flagged "needs OCR" and the document
carries a warning (``ocr_unavailable`` in ``errors.REASONS``) telling the administrator what to install;
the next sync reads such documents again once OCR can run (:func:`retry_worthy`).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from . import ocr_store
from .ocr_store import OcrPage, Word
from .settings import OcrSettings
from .textnorm import STOPWORDS, strip_accents

log = logging.getLogger(__name__)

__all__ = ["DocumentOcr", "OcrPage", "Quality", "Word", "probe", "text_quality", "verdict", "words_from_data"]

MAX_PIXELS = 40_000_000
"""Largest rendered page (pixels): an A0 poster is rendered below ``ocr.dpi`` rather than exhaust memory."""
PROBE_TTL_S = 60.0
"""How long the answer "is Tesseract there?" is trusted before the program is looked for again."""

# -- text-layer quality --------------------------------------------------------------------------------------

_RUN = re.compile(r"[^\W\d_]+")
_CID = re.compile(r"\(cid:\d+\)")
_PRINTED = frozenset(".,;:!?'\"«»()[]{}-–—‐‑/\\%€$£&@*+=<>°§_’‘“”…|~·•●▪■□✓→←−×±≤≥²³½ªº")
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿœæ")
_TRIPLE = re.compile(r"(.)\1\1")


@dataclass(frozen=True)
class Quality:
    garbage: float  # share of visible characters that are not printed French text
    wordlike: float  # share of letter runs that are dictionary-like
    dictionary: float  # share of letter runs that are French function words
    chars: int  # visible characters

    @property
    def score(self) -> float:
        return (1.0 - self.garbage) * self.wordlike


def _latin(ch: str) -> bool:
    code = ord(ch)
    return code < 0x250 or 0x1E00 <= code < 0x1F00


def _shaped(run: str) -> bool:
    """A letter run shaped like a French word (see the module docstring)."""
    if not (run.islower() or run.isupper() or (run[0].isupper() and run[1:].islower())):
        return False
    low = run.lower()
    if not any(c in _VOWELS for c in low) or _TRIPLE.search(low):
        return False
    consonants = 0
    for c in low:
        consonants = 0 if c in _VOWELS else consonants + 1
        if consonants > 4:
            return False
    return True


_PRINTED_CLASS = "".join(re.escape(c) for c in sorted(_PRINTED))
# A visible character that is not printed French text: neither a Latin letter (code point below U+0250, or
# Latin Extended Additional), nor a decimal digit, nor common punctuation.
_BAD_CHAR = re.compile(r"[^\s\dA-Za-z\u00aa\u00b5\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
                       + _PRINTED_CLASS + "]")
_VISIBLE = re.compile(r"\S")


@functools.lru_cache(maxsize=50_000)
def _judge_run(run: str) -> tuple[bool, bool, bool]:
    """(judged, function word, word-like) for one letter run; runs repeat, so this is cached."""
    function_word = strip_accents(run.lower()) in STOPWORDS
    if len(run) < 2 and not function_word:
        return False, False, False  # initials, article numbers' letters: no evidence either way
    if not all(_latin(c) for c in run):
        return True, False, False
    return True, function_word, function_word or _shaped(run)


def text_quality(text: str) -> Quality:
    """How much ``text`` looks like printed French (see the module docstring)."""
    cids = sum(len(m) for m in _CID.findall(text))
    text = _CID.sub(" ", text)
    total = len(_VISIBLE.findall(text)) + cids
    if not total:
        return Quality(0.0, 0.0, 0.0, 0)
    bad = cids + len(_BAD_CHAR.findall(text))
    judged = wordlike = dictionary = 0
    for run in _RUN.findall(text):
        is_judged, function_word, shaped = _judge_run(run)
        if is_judged:
            judged += 1
            dictionary += function_word
            wordlike += shaped
    if not judged:  # only figures and punctuation (a table of amounts): judged on its characters alone
        return Quality(bad / total, 1.0, 0.0, total)
    return Quality(bad / total, wordlike / judged, dictionary / judged, total)


def verdict(text: str, min_chars: int, min_quality: float) -> str:
    """``ok``, ``empty`` (no text layer: a scan) or ``poor`` (a text layer worth replacing by OCR)."""
    if len(text.strip()) < min_chars:
        return "empty"
    return "poor" if text_quality(text).score < min_quality else "ok"


# -- Tesseract output ----------------------------------------------------------------------------------------

_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_RULE = re.compile(r"^[\W_]{3,}$")  # "———", "|||", "_-_-": table borders and rules read as text


def clean_word(text: str) -> str:
    """A word as Tesseract wrote it, NFC (é, œ as one character), ligatures spelled out; "" for noise."""
    word = unicodedata.normalize("NFC", text).translate(_LIGATURES).strip()
    if not word or word in ("|", "¦") or _RULE.match(word):
        return ""
    return word


def words_from_data(data: dict, scale: float) -> list[Word]:
    """Words of ``pytesseract.image_to_data(..., output_type=DICT)``, boxes turned from pixels of an image
    rendered at ``scale`` pixels per point into PDF points; lines numbered in reading order."""
    words: list[Word] = []
    lines: dict[tuple[int, int, int], int] = {}
    for i, raw in enumerate(data.get("text", [])):
        if int(data["level"][i]) != 5:
            continue
        text = clean_word(str(raw))
        if not text:
            continue
        key = (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))
        line = lines.setdefault(key, len(lines))
        left, top = float(data["left"][i]), float(data["top"][i])
        width, height = float(data["width"][i]), float(data["height"][i])
        words.append(Word(text, round(left / scale, 2), round(top / scale, 2), round((left + width) / scale, 2),
                          round((top + height) / scale, 2), line, round(float(data["conf"][i]), 1)))
    return words


# -- finding Tesseract ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Probe:
    command: str | None  # the program to run; None when not found
    problem: str | None  # None when ready, else a reason code of errors.REASONS
    params: dict = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.problem is None


_PROBES: dict[tuple[str, str], tuple[float, Probe]] = {}
_PROBE_LOCK = threading.Lock()


def find_tesseract(configured: str) -> str | None:
    """The tesseract program: the configured path, else the PATH, else (Windows) the default install folder."""
    if configured:
        return configured if Path(configured).is_file() and os.access(configured, os.X_OK) else None
    found = shutil.which("tesseract")
    if found:
        return found
    if sys.platform == "win32":
        default = Path(os.environ.get("ProgramFiles", r"C:\Program Files")) / "Tesseract-OCR" / "tesseract.exe"
        if default.is_file():
            return str(default)
    return None


def _languages(command: str) -> set[str]:
    try:
        out = subprocess.run([command, "--list-langs"], capture_output=True, timeout=30, check=False,
                             stdin=subprocess.DEVNULL, **_hidden_window())
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("tesseract --list-langs failed: %s", exc)
        return set()
    text = (out.stdout + out.stderr).decode("utf-8", "replace")
    return {line.strip() for line in text.splitlines()[1:] if line.strip() and " " not in line.strip()}


def probe(settings: OcrSettings) -> Probe:
    """Whether OCR can run with these settings (cached for ``PROBE_TTL_S`` seconds)."""
    if not settings.enabled:
        return Probe(None, "ocr_disabled")
    key = (settings.tesseract, settings.language)
    with _PROBE_LOCK:
        cached = _PROBES.get(key)
        if cached is not None and time.monotonic() - cached[0] < PROBE_TTL_S:
            return cached[1]
        command = find_tesseract(settings.tesseract)
        if command is None:
            result = Probe(None, "ocr_unavailable", {"command": settings.tesseract or "tesseract"})
        else:
            have = _languages(command)
            missing = [lang for lang in settings.language.split("+") if lang not in have]
            result = (Probe(command, "ocr_language_missing", {"language": missing[0]}) if missing
                      else Probe(command, None))
        _PROBES[key] = (time.monotonic(), result)
        return result


def forget_probes() -> None:
    """Look for Tesseract again at the next :func:`probe` (after an install, and in tests)."""
    with _PROBE_LOCK:
        _PROBES.clear()


def _hidden_window() -> dict:
    """On Windows, no console window flashes for each page."""
    if sys.platform == "win32":
        return {"creationflags": getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {}


_TESSERACT_LOCK = threading.Lock()


def run_tesseract(image, command: str, settings: OcrSettings) -> dict:
    """``image_to_data`` of one page image (a PIL image), as a dict of columns.

    pytesseract hands its module-level ``environ`` to the child process; it is set, for that child only,
    to this process's environment with ``OMP_THREAD_LIMIT`` = ``ocr.threads``. Tesseract's OpenMP threads
    were measured 3 to 5 times slower than one thread when other work shares a 2-core CPU, and setting the
    variable in ``os.environ`` would also throttle the OpenMP threads of llama.cpp in this process."""
    import pytesseract
    from pytesseract import pytesseract as binding

    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = str(max(1, settings.threads))
    with _TESSERACT_LOCK:  # the binding's settings are module-wide: one call at a time
        saved = binding.tesseract_cmd, binding.environ
        binding.tesseract_cmd, binding.environ = command, env
        try:
            return pytesseract.image_to_data(image, lang=settings.language, config="--psm 3",
                                             output_type=pytesseract.Output.DICT, timeout=settings.timeout_s)
        finally:
            binding.tesseract_cmd, binding.environ = saved


# -- rendering -----------------------------------------------------------------------------------------------

PDFIUM_LOCK = threading.Lock()  # PDFium is not thread-safe (the PDF reader takes it too)


def render_page(pdf, index: int, dpi: int):
    """Page ``index`` (0-based) of an open ``pypdfium2.PdfDocument`` as a grayscale PIL image, with the
    scale used (pixels per point) and the page size in points."""
    with PDFIUM_LOCK:
        page = pdf[index]
        try:
            width, height = page.get_size()
            scale = dpi / 72.0
            if width * height * scale * scale > MAX_PIXELS:
                scale = (MAX_PIXELS / (width * height)) ** 0.5
            image = page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()
    return image, scale, (width, height)


# -- one document --------------------------------------------------------------------------------------------

class DocumentOcr:
    """OCR for the pages of one PDF that need it, within the bounds of :class:`OcrSettings`.

    The reader calls :meth:`page` for each page without (usable) text; the sync then calls
    :meth:`finish`, which writes the word boxes next to the catalogue (:mod:`indexer.ocr_store`) and
    closes the PDF, and adds :meth:`warnings` to the document. Pages already OCRed with the same
    settings (same file content) are taken from that store instead of being read again."""

    def __init__(self, settings: OcrSettings, path: Path | str, home: Path | None = None,
                 content_hash: str | None = None) -> None:
        self.settings = settings
        self.path = Path(path)
        self.home = home  # data dir where the word boxes are kept (None: not kept)
        self.content_hash = content_hash
        self.pages: dict[int, OcrPage] = {}  # 1-based page number -> OCR result used for the text
        self.seconds = 0.0
        self._probe: Probe | None = None
        self._pdf = None
        self._cache: dict[int, OcrPage] | None = None
        self._attempted = 0
        self._over_limit = 0
        self._timed_out: list[int] = []
        self._failed: list[tuple[int, str]] = []

    def _ready(self) -> bool:
        if self._probe is None:
            self._probe = probe(self.settings)
            if not self._probe.ready:
                log.info("OCR not available (%s): scanned pages of %s are flagged", self._probe.problem, self.path)
        return self._probe.ready

    def _cached(self, number: int) -> OcrPage | None:
        if self._cache is None:
            self._cache = {}
            if self.home is not None and self.content_hash:
                self._cache = ocr_store.load(self.home, self.content_hash, self.settings)
        return self._cache.get(number)

    def page(self, index: int, layer_text: str = "") -> OcrPage | None:
        """OCR of page ``index`` (0-based), or None when OCR cannot run or reads nothing better than
        ``layer_text`` (the page's own text layer, empty for a scan)."""
        if not self._ready():
            return None
        result = self._cached(index + 1)
        if result is None:
            if self._attempted >= self.settings.max_pages:
                self._over_limit += 1
                return None
            self._attempted += 1
            result = self._recognise(index)
            if result is None:
                return None
        text = result.text
        if len("".join(text.split())) < 8:
            return None  # a drawing, a blank page, a photograph: nothing readable
        if layer_text.strip() and text_quality(text).score <= text_quality(layer_text).score:
            return None  # the text layer was unusual rather than broken
        self.pages[index + 1] = result
        return result

    def _recognise(self, index: int) -> OcrPage | None:
        import pypdfium2 as pdfium
        from pytesseract import TesseractError

        started = time.perf_counter()
        try:
            if self._pdf is None:
                with PDFIUM_LOCK:
                    self._pdf = pdfium.PdfDocument(str(self.path), password="")
            image, scale, (width, height) = render_page(self._pdf, index, self.settings.dpi)
            data = run_tesseract(image, self._probe.command, self.settings)
        except RuntimeError as exc:
            if not isinstance(exc, TesseractError) and "timeout" in str(exc).lower():  # pytesseract's timeout
                self._timed_out.append(index + 1)
                log.warning("OCR of page %d of %s took more than %s s: skipped", index + 1, self.path,
                            self.settings.timeout_s)
                return None
            log.warning("OCR of page %d of %s failed: %s", index + 1, self.path, exc)
            self._failed.append((index + 1, str(exc)[:200]))
            return None
        except (OSError, ValueError, pdfium.PdfiumError) as exc:
            log.warning("OCR of page %d of %s failed: %s", index + 1, self.path, exc)
            self._failed.append((index + 1, str(exc)[:200]))
            return None
        finally:
            self.seconds += time.perf_counter() - started
        return OcrPage(index + 1, round(width, 2), round(height, 2), words_from_data(data, scale))

    def warnings(self) -> list[tuple[str, dict]]:
        """Why some scanned pages were left without text (reason codes of ``errors.REASONS``)."""
        out: list[tuple[str, dict]] = []
        if self._probe is not None and not self._probe.ready:
            out.append((self._probe.problem, dict(self._probe.params)))
        if self._over_limit:
            out.append(("ocr_limit", {"limit": self.settings.max_pages, "count": self._over_limit}))
        if self._timed_out:
            out.append(("ocr_timeout", {"seconds": self.settings.timeout_s, "count": len(self._timed_out),
                                        "pages": ", ".join(map(str, self._timed_out[:20]))}))
        if self._failed:
            out.append(("ocr_failed", {"count": len(self._failed), "detail": self._failed[0][1]}))
        return out

    def finish(self) -> None:
        """Store the word boxes of the OCRed pages (for the viewer) and close the PDF."""
        try:
            if self.pages and self.home is not None and self.content_hash:
                ocr_store.save(self.home, self.content_hash, self.pages, self.settings)
        finally:
            self.close()

    def close(self) -> None:
        if self._pdf is not None:
            with PDFIUM_LOCK:
                self._pdf.close()
            self._pdf = None


def retry_worthy(warnings_json: str | None, settings: OcrSettings) -> bool:
    """A document indexed while OCR could not run, now that it can: the next sync reads it again."""
    if not warnings_json or not any(f'"{code}"' in warnings_json
                                    for code in ("ocr_unavailable", "ocr_language_missing", "ocr_disabled")):
        return False
    return probe(settings).ready


# -- measuring OCR -------------------------------------------------------------------------------------------

def _comparable(text: str) -> str:
    """Text as compared by :func:`char_error_rate`: NFC, one kind of apostrophe and of space."""
    text = unicodedata.normalize("NFC", text).translate(_LIGATURES)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings (row by row, each row vectorised with numpy)."""
    import numpy as np

    if not a or not b:
        return len(a) + len(b)
    if len(a) < len(b):
        a, b = b, a
    codes = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(len(b) + 1, dtype=np.int64)
    previous = steps.copy()
    for ch in a:
        # substitution or deletion first, then insertions as a running minimum along the row
        best = np.empty_like(previous)
        best[0] = previous[0] + 1
        np.minimum(previous[1:] + 1, previous[:-1] + (codes != ord(ch)), out=best[1:])
        previous = np.minimum.accumulate(best - steps) + steps
    return int(previous[-1])


def char_error_rate(reference: str, hypothesis: str) -> float:
    """Character error rate: edits to turn the OCR text into the reference, per reference character,
    after :func:`_comparable` (whitespace runs count as one space). Reading order counts: a table read
    column by column instead of row by row costs edits."""
    ref, hyp = _comparable(reference), _comparable(hypothesis)
    return edit_distance(ref, hyp) / max(1, len(ref))


def word_recall(reference: str, hypothesis: str) -> float:
    """Share of the reference's words (with their accents and case) found in the OCR text, whatever their
    order: a measure that reading order does not affect."""
    from collections import Counter

    ref = Counter(re.findall(r"\w+", _comparable(reference)))
    hyp = Counter(re.findall(r"\w+", _comparable(hypothesis)))
    total = sum(ref.values())
    return sum((ref & hyp).values()) / total if total else 1.0
