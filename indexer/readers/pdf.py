"""PDF reader (pypdf): text per page, page labels, lazy page by page.

Pages without a text layer, or with a poor one, are read by OCR when an :class:`~indexer.ocr.DocumentOcr`
is given (see :mod:`indexer.ocr`); otherwise, or when OCR reads nothing, an empty page is flagged
``needs_ocr``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from ..ocr import verdict
from .base import Block, Document, Page, ReadError

if TYPE_CHECKING:
    from ..ocr import DocumentOcr


def read_pdf(path: Path, *, min_chars: int = 25, max_pages: int = 3000,
             ocr: DocumentOcr | None = None) -> Document:
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

    doc = Document(format="pdf", title=title, page_count=count, pages=iter(()), unit="page")
    if count > max_pages:
        doc.warnings.append(("too_many_pages", {"limit": max_pages, "pages": count}))

    def pages() -> Iterator[Page]:
        try:
            for i in range(min(count, max_pages)):
                label = labels[i] if i < len(labels) else str(i + 1)
                try:
                    text = reader.pages[i].extract_text() or ""
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
            if ocr is not None:
                ocr.close()  # the PDF it rendered pages from

    doc.pages = pages()
    return doc
