"""Values produced by the readers: a document made of pages (or sections)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from ..ocr_store import OcrPage


@dataclass
class Block:
    """A run of text with its structural role: a heading or body text."""

    text: str
    heading_level: int = 0  # 0: body text; 1..6: heading


@dataclass
class Page:
    """One page of a PDF, or one section of a format without pages."""

    number: int  # 1-based physical page / section number
    label: str  # printed page label ("iii", "12"), or section title
    blocks: list[Block]
    needs_ocr: bool = False  # no usable text: a scan that could not be OCRed
    ocr: OcrPage | None = None  # set when the text was read by OCR (its words and their boxes)

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


@dataclass
class Document:
    """A readable document: metadata plus a lazy stream of pages."""

    format: str  # pdf, docx, odt, txt, md, html
    title: str
    page_count: int | None
    pages: Iterator[Page]
    unit: str = "page"  # "page" (PDF) or "section" (others)
    metadata: dict = field(default_factory=dict)
    warnings: list[tuple[str, dict]] = field(default_factory=list)


class ReadError(Exception):
    """A file that cannot be read; ``code`` is a key of ``errors.REASONS``."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


_MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
}
_DATE_LONG = re.compile(
    r"\b(1er|[0-3]?\d)\s+(" + "|".join(_MONTHS) + r")\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_DATE_NUM = re.compile(r"\b([0-3]?\d)/([01]?\d)/((?:19|20)\d\d)\b")


def find_dates(text: str, limit: int = 20) -> list[date]:
    """Dates written in French in a text ("12 mars 2024", "1er juin 2025", "12/03/2024")."""
    found: list[date] = []
    for m in _DATE_LONG.finditer(text):
        day = 1 if m.group(1).lower() == "1er" else int(m.group(1))
        try:
            found.append(date(int(m.group(3)), _MONTHS[m.group(2).lower()], day))
        except ValueError:
            continue
        if len(found) >= limit:
            return found
    for m in _DATE_NUM.finditer(text):
        try:
            found.append(date(int(m.group(3)), int(m.group(2)), int(m.group(1))))
        except ValueError:
            continue
        if len(found) >= limit:
            break
    return found
