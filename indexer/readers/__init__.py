"""Readers: turn a file into a :class:`Document` of pages, whatever it claims to be.

The real format is sniffed from the first bytes, so a DOCX saved as ``.pdf``
is read as DOCX (and reported); unknown formats raise ``ReadError("unsupported")``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .base import Block, Document, Page, ReadError, find_dates
from .office import read_docx, read_odt
from .pdf import read_pdf
from .text import read_html, read_text

__all__ = ["EXT_FORMAT", "Block", "Document", "Page", "ReadError", "find_dates", "read", "sniff"]

EXT_FORMAT = {".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".txt": "txt", ".md": "md",
               ".markdown": "md", ".html": "html", ".htm": "html"}


def sniff(path: Path, head: bytes) -> str | None:
    """The real format of a file from its first bytes (and its extension for text)."""
    if head.startswith(b"%PDF") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and z.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                    return "odt"
        except (zipfile.BadZipFile, OSError, KeyError):
            return EXT_FORMAT.get(path.suffix.lower())  # a broken zip: let the reader report corruption
        return None
    ext = EXT_FORMAT.get(path.suffix.lower())
    if ext in ("pdf", "docx", "odt"):
        return ext  # claims a binary format but is not: the reader reports it as corrupt
    lowered = head[:2048].lower()
    if b"<html" in lowered or b"<!doctype html" in lowered:
        return "html"
    if ext in ("txt", "md", "html"):
        return ext
    return None


def read(path: Path, *, max_mb: int = 200, max_pages: int = 3000, min_chars: int = 25, ocr=None) -> Document:
    """Open ``path`` with the reader of its real format. Raises ReadError.

    ``ocr`` (an :class:`indexer.ocr.DocumentOcr`) reads the scanned pages of a PDF; without it they are flagged."""
    size = path.stat().st_size
    if size == 0:
        raise ReadError("empty")
    if size > max_mb * 1024 * 1024:
        raise ReadError("too_large", size_mb=round(size / 1024 / 1024), limit_mb=max_mb)
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except PermissionError as exc:
        raise ReadError("unreadable") from exc
    fmt = sniff(path, head)
    if fmt is None:
        raise ReadError("unsupported", ext=path.suffix.lower() or "sans extension")
    claimed = EXT_FORMAT.get(path.suffix.lower())
    try:
        if fmt == "pdf":
            doc = read_pdf(path, min_chars=min_chars, max_pages=max_pages, ocr=ocr)
        elif fmt == "docx":
            doc = read_docx(path, max_pages=max_pages)
        elif fmt == "odt":
            doc = read_odt(path, max_pages=max_pages)
        elif fmt == "html":
            doc = read_html(path, max_pages=max_pages)
        else:
            doc = read_text(path, markdown=(fmt == "md"), max_pages=max_pages)
    except PermissionError as exc:
        raise ReadError("unreadable") from exc
    if claimed is not None and claimed != fmt and {claimed, fmt} != {"txt", "md"}:
        doc.warnings.append(("wrong_extension", {"format": fmt.upper()}))
    return doc
