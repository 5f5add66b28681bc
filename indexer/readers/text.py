"""Plain text, Markdown and HTML readers."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

from .base import Block, Document, Page, ReadError
from .sections import group_sections

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, else Latin-1: never fails."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _paragraph_blocks(text: str, markdown: bool) -> Iterator[Block]:
    para: list[str] = []
    for line in text.splitlines():
        m = _MD_HEADING.match(line) if markdown else None
        if m or not line.strip():
            if para:
                yield Block(" ".join(para))
                para = []
            if m:
                yield Block(m.group(2).strip(), heading_level=len(m.group(1)))
            continue
        para.append(line.strip())
    if para:
        yield Block(" ".join(para))


def read_text(path: Path, *, markdown: bool = False, max_pages: int = 3000) -> Document:
    text = decode(path.read_bytes()).replace("\x00", "")
    if not text.strip():
        raise ReadError("no_text")
    fmt = "md" if markdown else "txt"
    if "\f" in text:  # form feeds are page breaks (text exported from a printer driver or pdftotext)
        def pages() -> Iterator[Page]:
            for i, chunk in enumerate(text.split("\f")[:max_pages]):
                yield Page(number=i + 1, label=str(i + 1), blocks=list(_paragraph_blocks(chunk, markdown)))
        return Document(format=fmt, title=_first_line(text), page_count=text.count("\f") + 1,
                        pages=pages(), unit="page")
    blocks = list(_paragraph_blocks(text, markdown))
    title = next((b.text for b in blocks if b.heading_level), "") or _first_line(text)
    return Document(format=fmt, title=title, page_count=None, pages=group_sections(blocks, max_pages),
                    unit="section")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip().lstrip("#").strip()[:120]
    return ""


def read_html(path: Path, *, max_pages: int = 3000) -> Document:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode(path.read_bytes()), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer"]):
        tag.decompose()
    blocks: list[Block] = []
    for el in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "blockquote", "dd", "dt"]):
        if el.name == "tr":
            cells = [" ".join(c.get_text(" ").split()) for c in el.find_all(["td", "th"])]
            text = " | ".join(c for c in cells if c)
        else:
            if el.find_parent(["p", "li", "tr"]) is not None:
                continue
            text = " ".join(el.get_text(" ").split())
        if text:
            level = int(el.name[1]) if el.name[0] == "h" and el.name[1:].isdigit() else 0
            blocks.append(Block(text, heading_level=level))
    if not blocks:
        body = " ".join(soup.get_text(" ").split())
        if body:
            blocks.append(Block(body))
    if not blocks:
        raise ReadError("no_text")
    title = (soup.title.get_text().strip() if soup.title else "") or next(
        (b.text for b in blocks if b.heading_level), "")
    return Document(format="html", title=title, page_count=None, pages=group_sections(blocks, max_pages),
                    unit="section")
