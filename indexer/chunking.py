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
_PAGE_FURNITURE = re.compile(r"^(?:page\s*)?\d+\s*(?:/|sur|of)\s*\d+$|^page\s*\d+$", re.IGNORECASE)
_NUMBERED_FOOTER = re.compile(r"\bpage\s*\d+\s*(?:/|sur|of)\s*\d+\s*$", re.IGNORECASE)  # "Titre … page 3 / 4"
_BARE_NUMBER = re.compile(r"^-?\s*\d{1,4}\s*-?$")  # a page number, when it is the first or last line
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
    level: int = 0  # a heading's rank in the document's outline (lower: higher up), see heading_rank


@dataclass
class Chunk:
    ord: int
    text: str
    page_start: int
    page_end: int
    page_label: str
    section: str
    context: str = ""  # the headings above ``section`` ("Titre IV — Autorisations spéciales d'absence")

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
    if len(line) > 90:
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 4:
        return False
    if len(letters) < 0.5 * len(line.replace(" ", "")):
        return False  # a reference number such as "000-2176-DEL2025041-DE" is not a heading
    return sum(c.isupper() for c in letters) / len(letters) > 0.8


_RANKED = (
    (re.compile(r"^(?:partie|livre)\s+[ivxlc\d]+\b|^(?:premi[èe]re|deuxi[èe]me|troisi[èe]me)\s+partie\b", re.I), 1),
    (re.compile(r"^(?:titre\s+[ivxlc\d]+|annexe)\b", re.I), 2),
    (re.compile(r"^(?:chapitre\s+[ivxlc\d]+|lot\s+n?°?\s*\d+)\b", re.I), 3),
    (re.compile(r"^section\s+[ivxlc\d]+\b", re.I), 4),
    (re.compile(r"^(?:article|art\.)\s", re.I), 5),
)
_NUMBERED = re.compile(r"^((?:\d+\.){1,3}\d*)\s+\S")
_OPERATIVE = re.compile(r"^(?:d[ée]cide|d[ée]lib[èe]re|arr[êe]te)\s*:?$", re.I)
_LEAF = 9


def heading_rank(line: str, block_level: int = 0) -> int:
    """Rank of a heading in the document's outline, lower is higher: the reader's level when it has one
    (DOCX/ODT/Markdown), else the legal outline (partie > titre, annexe > chapitre, lot > section >
    article > "12.2" numbering); other headings (a line in capitals, « DÉCIDE ») are leaves."""
    if block_level:
        return block_level
    if _OPERATIVE.match(line):
        return _LEAF
    for pattern, rank in _RANKED:
        if pattern.match(line):
            return rank
    m = _NUMBERED.match(line)
    if m:
        return 4 + len([p for p in m.group(1).split(".") if p])
    return _LEAF - 1


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


# A figure, or a dash standing for "none" in a table cell.
_VALUE_CELL = re.compile(r"^(?:[-+]?\s*\d[\d\s\u00a0\u202f.,]*(?:\s?(?:%|€|eur|euros|h|ha|m²|m2|k€))?|[-–—])$",
                         re.IGNORECASE)


def _is_header_cell(line: str) -> bool:
    words = line.split()
    return (1 <= len(words) <= 6 and len(line) <= 48 and not _VALUE_CELL.match(line)
            and not line.rstrip().endswith((".", ";", ",", ":")) and line[:1].isupper())


def merge_cell_columns(lines: list[str]) -> list[str]:
    """Put back together a table that the PDF text layer gives one cell per line.

    The PDF reader gives "Votants / Pour / Contre / Abstentions / 29 / 29 / 0 / 0" as eight lines (cells far
    apart on a line are split: see :mod:`indexer.readers.pdf`); read that way the
    figures lose their meaning (and look like page numbers). A run of short header cells followed by a
    whole number of rows of numeric cells becomes "Votants : 29 ; Pour : 29 ; Contre : 0 ; Abstentions : 0."
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and _is_header_cell(lines[j].strip()):
            j += 1
        m = j
        while m < len(lines) and _VALUE_CELL.match(lines[m].strip()):
            m += 1
        n_values = m - j
        merged = False
        for skip in range(0, max(0, j - i - 1)):  # a caption line may precede the header cells
            header = [h.strip() for h in lines[i + skip:j]]
            if len(header) >= 2 and n_values >= len(header) and n_values % len(header) == 0:
                out.extend(h.strip() for h in lines[i:i + skip])
                for r in range(n_values // len(header)):
                    row = [v.strip() for v in lines[j + r * len(header): j + (r + 1) * len(header)]]
                    out.append(" ; ".join(f"{h} : {v}" for h, v in zip(header, row)) + ".")
                i, merged = m, True
                break
        if not merged:
            out.append(lines[i])
            i += 1
    return out


def _pipe_cells(line: str) -> list[str] | None:
    if " | " not in line:
        return None
    cells = [c.strip() for c in line.split(" | ")]
    return cells if len(cells) >= 2 else None


def merge_pipe_rows(blocks: list[Block]) -> list[Block]:
    """Make each row of a table self-describing: under the header "Votants | Pour | Contre | Abstentions",
    the row "29 | 27 | 0 | 2" becomes "Votants : 29 ; Pour : 27 ; Contre : 0 ; Abstentions : 2." (DOCX and ODT
    tables are read one row per line, cells separated by " | "). A passage cut from the middle of a long
    table then still says what each figure is."""
    out: list[Block] = []
    header: list[str] | None = None
    header_block: Block | None = None
    for b in blocks:
        cells = None if b.heading_level else _pipe_cells(b.text.strip())
        if cells is None:
            if header_block is not None:
                out.append(header_block)  # a header with no row under it stays as it was
            header = header_block = None
            out.append(b)
            continue
        if header is not None and len(cells) == len(header):
            if header_block is not None:
                header_block = None  # its words now sit in every row
            out.append(Block(" ; ".join(f"{h} : {c}" for h, c in zip(header, cells) if c and h) + "."))
            continue
        if header_block is not None:
            out.append(header_block)
        if all(c and len(c) <= 60 and not _VALUE_CELL.match(c) for c in cells):
            header, header_block = cells, b
        else:
            header = header_block = None
            out.append(b)
    if header_block is not None:
        out.append(header_block)
    return out


def _edges(blocks: list[Block]) -> set[int]:
    window = 3 if len(blocks) >= 8 else 1  # running headers/footers sit in the first/last lines
    return set(range(min(window, len(blocks)))) | set(range(max(0, len(blocks) - window), len(blocks)))


def page_units(pages: Iterable[Page], lookahead: int = 2) -> Iterator[Unit]:
    """Rebuild paragraphs and structural units from page blocks.

    A line at the top or bottom of a page that recurs at the edge of at least two other pages is a
    running header or footer and is dropped; pages are read ``lookahead`` pages ahead so that the first
    pages lose theirs too.
    """
    edge_pages: Counter[str] = Counter()  # furniture key -> number of pages with it at an edge
    window: list[tuple[Page, list[Block], set[str]]] = []

    def take(page: Page) -> None:
        blocks = [Block(_CONTROL.sub("", b.text), b.heading_level) for b in page.blocks]
        blocks = [b for b in blocks if b.text.strip()]
        keys = {_furniture_key(blocks[i].text) for i in _edges(blocks)}
        edge_pages.update(keys)
        window.append((page, blocks, keys))

    def emit() -> Iterator[Unit]:
        page, blocks, _keys = window.pop(0)
        if page.needs_ocr:
            return
        if blocks and _BARE_NUMBER.match(blocks[-1].text.strip()):
            blocks = blocks[:-1]
        if blocks and _BARE_NUMBER.match(blocks[0].text.strip()):
            blocks = blocks[1:]
        if not any(b.heading_level for b in blocks):
            blocks = [Block(t) for t in merge_cell_columns([b.text for b in blocks])]
        blocks = merge_pipe_rows(blocks)
        edges = _edges(blocks)
        keep: list[Block] = []
        for i, b in enumerate(blocks):
            line = b.text.strip()
            if i in edges and (_PAGE_FURNITURE.match(line) or _NUMBERED_FOOTER.search(line)):
                continue
            if (i in edges and not b.heading_level and edge_pages[_furniture_key(line)] >= 3
                    and not _HARD.match(line)):
                continue  # a running header/footer (never an "Article N" that starts several pages)
            keep.append(b)
        yield from _units_of_page(page, keep)

    for page in pages:
        take(page)
        if len(window) > lookahead:
            yield from emit()
    while window:
        yield from emit()


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
            yield Unit(line, page.number, page.label, hard=b.heading_level <= 3, heading=True,
                       level=heading_rank(line, b.heading_level))
            continue
        if _TABLE_ROW.search(line):
            yield from flush()
            yield Unit(line, page.number, page.label)
            continue
        hard = bool(_HARD.match(line))
        if hard or _SOFT.match(line):
            yield from flush()
            if hard and len(line.split()) <= 14 and not line.rstrip().endswith((".", ";", ",")):
                yield Unit(line, page.number, page.label, hard=True, heading=True, level=heading_rank(line))
                continue
            buf.append(line)
            continue
        if _is_heading_line(line) and len(line.split()) <= 12:
            yield from flush()
            yield Unit(line, page.number, page.label, hard=True, heading=True, level=heading_rank(line))
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
    trail: list[tuple[int, str]] = []  # the outline above the current heading: (rank, text)
    context = cur_context = ""
    ord_ = 0

    heads = 0  # how many units of ``current`` are headings
    held: Chunk | None = None  # a chunk of one or two headings only, emitted only if nothing follows

    def emit() -> Iterator[Chunk]:
        nonlocal current, cur_words, ord_, heads, held
        if current:
            chunk = Chunk(ord_, " ".join(current), cur_page, cur_page, cur_label, cur_section, cur_context)
            if heads == len(current) and heads <= 2:
                # A heading alone at the foot of a page or before a sub-heading says nothing by itself and
                # outranks real passages on short queries; the chunks after it carry it as their section.
                held = chunk
            else:
                held = None
                yield chunk
                ord_ += 1
        current, cur_words, heads = [], 0, 0

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
            rank = unit.level or _LEAF - 1
            while trail and trail[-1][0] >= rank:
                trail.pop()
            context = " ".join(text for _, text in trail[-2:])
            if rank < _LEAF:
                trail.append((rank, section))
        if not current or (unit.heading and _only_headings(current)):
            cur_page, cur_label, cur_section, cur_context = unit.page, unit.label, section, context
        if cur_words + n <= target or not current and n <= max_words:
            current.append(unit.text)
            cur_words += n
            heads += unit.heading
            continue
        # The unit does not fit: close the chunk and split the unit by sentences.
        for sentence in split_sentences(unit.text):
            for piece in _cut_long(sentence, max_words):
                m = len(piece.split())
                only_heads = heads == len(current)
                if current and cur_words + m > target and not (only_heads and cur_words + m <= max_words):
                    yield from emit()
                    cur_page, cur_label, cur_section, cur_context = unit.page, unit.label, section, context
                current.append(piece)
                cur_words += m
    yield from emit()
    if held is not None and ord_ == 0:
        yield held  # a document made of a title only still gets found


def _only_headings(texts: list[str]) -> bool:
    return all(len(t.split()) <= 14 for t in texts)


def chunk_pages(pages: Iterable[Page], **kwargs: int) -> Iterator[Chunk]:
    return chunk_units(page_units(pages), **kwargs)
