"""Find a cited passage again in the document shown to the user (no Qt here).

The index keeps each passage as the reader extracted it, with the span of its
best sentence. To highlight it, the viewer searches that text in the page as
the PDF engine extracts it: both come from the same characters (accents
included: the search is accent-sensitive; the indexer reads PDF text with
PDFium too, the engine behind QtPdf), but line breaks, hyphenation, table
cells and spacing may differ, so the search tries the whole sentence first,
then shorter pieces of it.

A scanned page has no text layer for the PDF engine: its words, read by OCR at
indexing time, are kept with their boxes (indexer/ocr_store.py), and
:func:`locate_in_words` finds the sentence among them.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text or "").strip()


def span_text(passage: str, span: tuple[int, int]) -> str:
    a, b = span
    if 0 <= a < b <= len(passage):
        return normalise(passage[a:b])
    return normalise(passage)


def search_candidates(passage: str, span: tuple[int, int], min_chars: int = 12) -> list[str]:
    """Search strings for the PDF engine, most precise first."""
    sentence = span_text(passage, span)
    words = sentence.split(" ")
    out = [" ".join(words[:40]),  # the sentence (bounded: a page search stays fast)
           " ".join(words[:12]), " ".join(words[-12:]), " ".join(words[:6]), " ".join(words[-6:]),
           " ".join(normalise(passage).split(" ")[:8])]
    seen: set[str] = set()
    result = []
    for cand in out:
        cand = cand.strip(" ,;:")
        if len(cand) >= min_chars and cand not in seen:
            seen.add(cand)
            result.append(cand)
    return result


def find_normalised(haystack: str, needle: str) -> tuple[int, int] | None:
    """Span of ``needle`` in ``haystack`` ignoring differences of whitespace; None when absent."""
    target = normalise(needle)
    if not target:
        return None
    # Collapse the haystack's whitespace while remembering where each kept character came from.
    kept: list[str] = []
    origin: list[int] = []
    previous_space = True
    for i, ch in enumerate(haystack):
        if ch.isspace():
            if not previous_space:
                kept.append(" ")
                origin.append(i)
            previous_space = True
            continue
        kept.append(ch)
        origin.append(i)
        previous_space = False
    flat = "".join(kept)
    at = flat.find(target)
    if at < 0:
        return None
    end = at + len(target) - 1
    return origin[at], origin[end] + 1


def locate_in_text(haystack: str, passage: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """Where the cited sentence (else the start of the passage) is in ``haystack``."""
    for cand in (span_text(passage, span), *search_candidates(passage, span)):
        found = find_normalised(haystack, cand)
        if found:
            return found
    return None


# -- pages read by OCR (no text layer for the PDF engine to search) ---------------------------------------------

def _letters(text: str) -> str:
    """Letters and digits only, case-folded, NFC: what survives the index's re-flowing of OCR lines
    (spacing, end-of-line hyphenation, punctuation glued to words)."""
    return "".join(c for c in unicodedata.normalize("NFC", text).casefold() if c.isalnum())


def locate_in_words(words: list[str], passage: str, span: tuple[int, int],
                    min_chars: int = 8) -> tuple[int, int] | None:
    """Words ``[start, end)`` of an OCRed page that spell the cited sentence (else the first piece of it
    that is found, as for the PDF engine); None when absent."""
    flat: list[str] = []
    owner: list[int] = []
    for i, word in enumerate(words):
        key = _letters(word)
        flat.append(key)
        owner.extend([i] * len(key))
    haystack = "".join(flat)
    for cand in (span_text(passage, span), *search_candidates(passage, span)):
        needle = _letters(cand)
        if len(needle) < min_chars:
            continue
        at = haystack.find(needle)
        if at >= 0:
            return owner[at], owner[at + len(needle) - 1] + 1
    return None


def line_boxes(words) -> list[tuple[float, float, float, float]]:
    """One box per line for a run of OCR words (objects with ``line``, ``x0``, ``y0``, ``x1``, ``y1``),
    so that a highlighted sentence reads as bands rather than a box per word."""
    boxes: dict[int, list[float]] = {}
    for w in words:
        box = boxes.get(w.line)
        if box is None:
            boxes[w.line] = [w.x0, w.y0, w.x1, w.y1]
        else:
            box[0], box[1] = min(box[0], w.x0), min(box[1], w.y0)
            box[2], box[3] = max(box[2], w.x1), max(box[3], w.y1)
    return [tuple(b) for _line, b in sorted(boxes.items(), key=lambda item: item[1][1])]
