"""Find a cited passage again in the document shown to the user (no Qt here).

The index keeps each passage as the reader extracted it, with the span of its
best sentence. To highlight it, the viewer searches that text in the page as
the PDF engine extracts it: both come from the same characters (accents
included: the search is accent-sensitive), but line breaks, hyphenation and
spacing may differ, so the search tries the whole sentence first, then
shorter pieces of it.
"""

from __future__ import annotations

import re

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
