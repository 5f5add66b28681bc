"""PDF reader: text per page, page labels, lazy page by page.

PDFium (pypdfium2) opens the file (page count, title, page labels) and gives the text of each page, about
five times faster than pypdf's ``extract_text``: it is what makes lexical ingestion run at its speed. A
file PDFium cannot open goes to pypdf, which reads it or says why it cannot (encrypted, corrupt, empty:
the reasons users see). PDFium gives a page's text with line breaks; cells of
a table row, which PDFium joins into one line, are put on lines of their own (as pypdf gives them) from
the gaps between the page's text segments, so that the chunker can give each figure its column header
back. A page that PDFium cannot read is read by pypdf instead.

Pages without a text layer, or with a poor one, are read by OCR when an :class:`~indexer.ocr.DocumentOcr`
is given (see :mod:`indexer.ocr`); otherwise, or when OCR reads nothing, an empty page is flagged
``needs_ocr``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..ocr import PDFIUM_LOCK, verdict
from .base import Block, Document, Page, ReadError

if TYPE_CHECKING:
    from ..ocr import DocumentOcr


def read_pdf(path: Path, *, min_chars: int = 25, max_pages: int = 3000,
             ocr: DocumentOcr | None = None) -> Document:
    head = _pdfium_head(path, max_pages)
    reader = None
    if head is not None:
        count, title, labels = head
    else:  # PDFium cannot open it: pypdf tells why (encrypted, corrupt, empty), or reads it
        reader, count, title, labels = _pypdf_open(path)

    doc = Document(format="pdf", title=title, page_count=count, pages=iter(()), unit="page")
    if count > max_pages:
        doc.warnings.append(("too_many_pages", {"limit": max_pages, "pages": count}))

    def pages() -> Iterator[Page]:
        nonlocal reader
        fast = _PdfiumText.open(path, count)  # opened with the first page read, closed with the last
        try:
            for i in range(min(count, max_pages)):
                label = labels[i] if i < len(labels) else str(i + 1)
                text = fast.text(i) if fast is not None else None
                if text is None:
                    if reader is None:
                        reader = _pypdf_quiet(path)
                    try:
                        text = (reader.pages[i].extract_text() or "") if reader is not None else ""
                    except Exception:  # noqa: BLE001 - one broken page must not lose the others
                        text = ""
                text = text.replace("\x00", "")
                state = "empty" if len(text.strip()) < min_chars else "ok"
                if ocr is not None:
                    state = verdict(text, min_chars, ocr.settings.min_quality)
                    if state != "ok":
                        result = ocr.page(i, text if state == "poor" else "")
                        if result is not None:
                            blocks = [Block(line) for line in result.lines]
                            yield Page(number=i + 1, label=label, blocks=blocks, ocr=result)
                            continue
                blocks = [Block(line) for line in text.splitlines() if line.strip()]
                yield Page(number=i + 1, label=label, blocks=blocks, needs_ocr=state == "empty")
        finally:
            if fast is not None:
                fast.close()
            if ocr is not None:
                ocr.close()  # the PDF it rendered pages from

    doc.pages = pages()
    return doc


def _pdfium_head(path: Path, max_pages: int) -> tuple[int, str, list[str]] | None:
    """Page count, title and page labels through PDFium (a quarter of a one-page file's reading time in
    pypdf); None when PDFium cannot open the file or finds no page (pypdf then decides why)."""
    import pypdfium2 as pdfium

    try:
        with PDFIUM_LOCK:
            pdf = pdfium.PdfDocument(str(path), password="")
            try:
                count = len(pdf)
                try:
                    title = str(pdf.get_metadata_dict().get("Title") or "").strip()
                except Exception:  # noqa: BLE001 - broken metadata must not stop reading
                    title = ""
                labels = [pdf.get_page_label(i) or str(i + 1) for i in range(min(count, max_pages))]
            finally:
                pdf.close()
    except Exception:  # noqa: BLE001 - pypdf opens it, or says why it cannot
        return None
    return (count, title, labels) if count else None


def _pypdf_open(path: Path):
    """pypdf's reader, page count, title and labels; :class:`ReadError` with the reason users see."""
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:  # noqa: BLE001 - any failure means we cannot open it
                ok = 0
            if not ok:
                raise ReadError("encrypted")
        count = len(reader.pages)
    except ReadError:
        raise
    except PermissionError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise ReadError("corrupt", format="PDF", detail=str(exc)[:200]) from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise ReadError("corrupt", format="PDF", detail=str(exc)[:200]) from exc
    if count == 0:
        raise ReadError("no_text")

    title = ""
    try:
        meta = reader.metadata
        if meta and meta.title:
            title = str(meta.title).strip()
    except Exception:  # noqa: BLE001 - broken metadata must not stop reading
        title = ""
    try:
        labels = list(reader.page_labels)
    except Exception:  # noqa: BLE001
        labels = []
    return reader, count, title, labels


def _pypdf_quiet(path: Path):
    """pypdf's reader for the pages PDFium could not read, or None."""
    try:
        return _pypdf_open(path)[0]
    except Exception:  # noqa: BLE001 - those pages are then empty (flagged for OCR)
        return None


# A gap between two text segments of one line at least this wide (in font sizes, and in points) separates
# table cells rather than words: justified text stretches spaces to well under the font size.
CELL_GAP_FONT_SIZES = 1.0
CELL_GAP_MIN_PT = 6.0
# Soft hyphens (U+00AD, or PDFium's U+FFFE / U+0002 marks): dropped inside a word, a hyphen at a line's end
# (the chunker joins the word again); NULs dropped.
_PDFIUM_JUNK = str.maketrans({"\ufffe": "-", "\x02": "-", "\xad": "-", "\x00": None})
_SOFT_HYPHEN_INSIDE = re.compile("[\ufffe\x02\xad](?=\\S)")


class _PdfiumText:
    """Page texts of one PDF through PDFium; ``None`` for a page (or a file) it cannot read."""

    def __init__(self, pdf) -> None:
        self.pdf = pdf

    @classmethod
    def open(cls, path: Path, count: int) -> "_PdfiumText | None":
        import pypdfium2 as pdfium

        try:
            with PDFIUM_LOCK:
                pdf = pdfium.PdfDocument(str(path), password="")
                if len(pdf) != count:  # the two parsers disagree on the file's structure: pypdf decides
                    pdf.close()
                    return None
        except Exception:  # noqa: BLE001 - pypdf opened it: it reads the text then
            return None
        return cls(pdf)

    def text(self, index: int) -> str | None:
        try:
            with PDFIUM_LOCK:
                page = self.pdf[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        return "\n".join(_page_lines(textpage))
                    finally:
                        textpage.close()
                finally:
                    page.close()
        except Exception:  # noqa: BLE001 - pypdf reads this page instead
            return None

    def close(self) -> None:
        with PDFIUM_LOCK:
            self.pdf.close()


def _page_lines(textpage) -> list[str]:
    """Lines of a page's text, in PDFium's reading order, with far-apart cells of a row on lines of their own.

    PDFium gives a page's text and a list of segments (runs of text on one line, with their boxes). Where a
    segment starts far to the right of the previous one on the same line (at least one font size, and
    ``CELL_GAP_MIN_PT``), the blank just before its first character becomes a line break. PDFium's character
    indices (what a hit test returns) and the positions in its text differ when a character has no Unicode
    value: each cut is converted before use."""
    import pypdfium2.raw as pdfium_c

    text = textpage.get_text_range()
    cuts: list[int] = []
    prev = None
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        if prev is not None:
            p_bottom, p_right, p_top = prev
            overlap = min(top, p_top) - max(bottom, p_bottom)  # same line: the boxes share some height
            if overlap > 0 and left - p_right >= CELL_GAP_MIN_PT:
                char = textpage.get_index(left + min(1.0, (right - left) / 2), (bottom + top) / 2, 0.5, 0.5)
                if char is not None and char > 0:
                    size = pdfium_c.FPDFText_GetFontSize(textpage.raw, char)
                    pos = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage.raw, char)
                    if left - p_right >= CELL_GAP_FONT_SIZES * size and pos > 0:
                        cuts.append(pos)
        prev = (bottom, right, top)
    if cuts:
        parts, last = [], 0
        for pos in sorted(set(cuts)):
            head = text[last:pos]
            if pos <= last or not head[-1:].isspace():
                continue  # the hit test did not land on the segment's first character
            parts.append(head.rstrip() + "\n")
            last = pos
        parts.append(text[last:])
        text = "".join(parts)
    text = _SOFT_HYPHEN_INSIDE.sub("", text).translate(_PDFIUM_JUNK)
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]
