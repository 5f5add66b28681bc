"""French-aware, structure-following chunking.

Stage 1 turns the blocks of each page into *units*: paragraphs rebuilt from
PDF lines, headings, "Vu …" / "Considérant …" clauses, articles, table rows.
Running headers and footers repeated across pages are dropped.
Stage 2 packs units into chunks of about ``target`` words. A chunk never
crosses a page, never straddles a structural boundary (heading, "Article N",
"DÉCIDE"), and is only ever cut between sentences; sentences are split with
French abbreviations in mind ("art. 3", "n° 2023-045", "févr. 2024",
"M. Durand", "L. 2121-29" stay whole).
Each chunk keeps its section heading (shown in citations) and is embedded with
the document title as context.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator

from .readers.base import Block, Page

# Words after which a period does not end a sentence (lower-case, no period).
ABBREVIATIONS = frozenset("""
art arts m mm mme mmes mlle mlles dr pr me st ste cf p pp éd ed vol chap al ex env min max hab tél tel fax
janv févr fevr avr juil sept oct nov déc dec av bd boul fg pl rte imp ch sq n no nos réf ref coll tit sect
ord décr déc dél délib circ cass civ crim soc adm trib ca ce cons const jo bo op préc s suiv ss vs
""".split())

_HARD = re.compile(
    r"^(?:(?:article|art\.)\s+(?:\d+|premier|1er|unique)\b|titre\s+[ivxlc\d]+\b|chapitre\s+[ivxlc\d]+\b"
    r"|section\s+[ivxlc\d]+\b|annexe\b|lot\s+n?°?\s*\d+\b|d[ée]cide\s*:?$|d[ée]lib[èe]re\s*:?$|arr[êe]te\s*:?$"
    r"|(?:\d+\.){1,3}\d*\s+\S)",
    re.IGNORECASE)
_SOFT = re.compile(r"^(?:vu\b|considérant\b|considerant\b|attendu\b|[-•–▪]\s|\d+[°)]\s|[a-z]\)\s)", re.IGNORECASE)
_TABLE_ROW = re.compile(r"\S\s\|\s\S")
_PAGE_FURNITURE = re.compile(r"^(?:page\s*)?\d+\s*(?:/|sur|of)\s*\d+$|^-?\s*\d+\s*-?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"([.!?…])(\s+)(?=[«\"(\[]?[A-ZÀ-ÖØ-Þ0-9])")
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Unit:
    text: str
    page: int
    label: str
    hard: bool = False  # starts a new structural part (heading, article)
    heading: bool = False  # is a heading: becomes the section label


@dataclass
class Chunk:
    ord: int
    text: str
    page_start: int
    page_end: int
    page_label: str
    section: str

    @property
    def n_words(self) -> int:
        return len(self.text.split())

    def embed_text(self, title: str) -> str:
        """Text given to the embedding model: the document title, then the passage.

        Measured on the sample corpus (docs/BENCHMARKS.md): adding the section heading as well lowers
        dense top-5 from 0.65 to 0.58; the passage alone gives 0.54."""
        return f"{title}\n{self.text}" if title else self.text


def split_sentences(text: str) -> list[str]:
    """Split French text into sentences without breaking on abbreviations."""
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end(1)
        before = _TOKEN_BEFORE.search(text[start:m.start(1)])
        token = before.group(1) if before else ""
        bare = re.split(r"['’]", token.lstrip("(«\"'").lower())[-1]  # "l'art" -> "art"
        if m.group(1) == ".":
            if bare in ABBREVIATIONS or (len(bare) == 1 and bare.isalpha()):
                continue
            if re.fullmatch(r"[a-zà-ÿ]\.[a-zà-ÿ]", bare):  # "c.-à-d", "p.ex" style fragments
                continue
            if bare.isdigit() and text[start:m.start(1)].strip() == token:  # "1. Objet" list numbering
                continue
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _is_heading_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return 3 <= len(letters) and len(line) <= 90 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def page_units(pages: Iterable[Page]) -> Iterator[Unit]:
    """Rebuild paragraphs and structural units from page blocks."""
    edge_seen: Counter[str] = Counter()
    for page in pages:
        if page.needs_ocr:
            continue
        blocks = [Block(_CONTROL.sub("", b.text), b.heading_level) for b in page.blocks]
        blocks = [b for b in blocks if b.text.strip()]
        window = 3 if len(blocks) >= 8 else 1  # running headers/footers sit in the first/last lines
        edges = set(range(window)) | set(range(len(blocks) - window, len(blocks)))
        keep: list[Block] = []
        for i, b in enumerate(blocks):
            line = b.text.strip()
            if _PAGE_FURNITURE.match(line):
                continue
            if i in edges and not b.heading_level and edge_seen[_furniture_key(line)] >= 2:
                continue  # a running header/footer seen on earlier pages
            keep.append(b)
        for i in edges:
            edge_seen[_furniture_key(blocks[i].text)] += 1
        yield from _units_of_page(page, keep)


def _units_of_page(page: Page, blocks: list[Block]) -> Iterator[Unit]:
    buf: list[str] = []

    def flush() -> Iterator[Unit]:
        if buf:
            text = _join_lines(buf)
            yield Unit(text, page.number, page.label, hard=bool(_HARD.match(text)))
            buf.clear()

    for b in blocks:
        line = " ".join(b.text.split())
        if b.heading_level:
            yield from flush()
            yield Unit(line, page.number, page.label, hard=b.heading_level <= 3, heading=True)
            continue
        if _TABLE_ROW.search(line):
            yield from flush()
            yield Unit(line, page.number, page.label)
            continue
        hard = bool(_HARD.match(line))
        if hard or _SOFT.match(line):
            yield from flush()
            if hard and len(line.split()) <= 14 and not line.rstrip().endswith((".", ";", ",")):
                yield Unit(line, page.number, page.label, hard=True, heading=True)
                continue
            buf.append(line)
            continue
        if _is_heading_line(line) and len(line.split()) <= 12:
            yield from flush()
            yield Unit(line, page.number, page.label, hard=True, heading=True)
            continue
        buf.append(line)
        if line.endswith((".", ":", ";", "!", "?")) and len(line) < 60:
            yield from flush()  # a short line ending a sentence closes its paragraph
    yield from flush()


def _join_lines(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].islower():
            out = out[:-1] + line  # undo end-of-line hyphenation
        else:
            out = f"{out} {line}"
    return out


def _cut_long(sentence: str, max_words: int) -> list[str]:
    """Cut an over-long sentence at word boundaries, never right after 'n°', 'art.', 'M.'…"""
    words = sentence.split()
    pieces: list[str] = []
    while len(words) > max_words:
        cut = max_words
        while cut > max_words // 2:
            prev = words[cut - 1].lower().rstrip(".")
            if prev in ABBREVIATIONS or prev in {"n°", "no", "l", "r", "d"} or len(prev) <= 1:
                cut -= 1
                continue
            break
        pieces.append(" ".join(words[:cut]))
        words = words[cut:]
    pieces.append(" ".join(words))
    return pieces


def chunk_units(units: Iterable[Unit], *, target: int = 90, max_words: int = 160,
                min_words: int = 12) -> Iterator[Chunk]:
    section = ""
    current: list[str] = []
    cur_words = 0
    cur_page = 0
    cur_label = ""
    cur_section = ""
    ord_ = 0

    def emit() -> Iterator[Chunk]:
        nonlocal current, cur_words, ord_
        if current:
            yield Chunk(ord_, " ".join(current), cur_page, cur_page, cur_label, cur_section)
            ord_ += 1
        current, cur_words = [], 0

    for unit in units:
        n = len(unit.text.split())
        boundary = unit.page != cur_page or unit.hard
        if boundary and current:
            if cur_words < min_words and unit.page == cur_page and not unit.hard:
                pass  # keep a tiny fragment with what follows on the same page
            elif cur_words < min_words and unit.hard and unit.page == cur_page and _only_headings(current):
                pass  # a heading followed by another heading: keep them together
            else:
                yield from emit()
        if unit.heading:
            section = unit.text[:120]
        if not current or (unit.heading and _only_headings(current)):
            cur_page, cur_label, cur_section = unit.page, unit.label, section
        if cur_words + n <= target or not current and n <= max_words:
            current.append(unit.text)
            cur_words += n
            continue
        # The unit does not fit: close the chunk and split the unit by sentences.
        for sentence in split_sentences(unit.text):
            for piece in _cut_long(sentence, max_words):
                m = len(piece.split())
                if current and cur_words + m > target:
                    yield from emit()
                    cur_page, cur_label, cur_section = unit.page, unit.label, section
                current.append(piece)
                cur_words += m
    yield from emit()


def _only_headings(texts: list[str]) -> bool:
    return all(len(t.split()) <= 14 for t in texts)


def chunk_pages(pages: Iterable[Page], **kwargs: int) -> Iterator[Chunk]:
    return chunk_units(page_units(pages), **kwargs)
