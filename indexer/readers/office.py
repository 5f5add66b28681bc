"""DOCX (python-docx) and ODT (odfpy) readers: headings kept, tables as rows."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Iterator

from .base import Block, Document, ReadError
from .sections import group_sections

_HEADING_STYLE = re.compile(r"^(?:heading|titre|überschrift)\s*(\d)$", re.IGNORECASE)


def _docx_blocks(doc) -> Iterator[Block]:
    from docx.table import Table

    # Style names by id, read once: ``Paragraph.style`` looks the style up in the styles part every time.
    names = {}
    for st in doc.styles:
        try:
            names[st.style_id] = st.name or ""
        except (AttributeError, KeyError, ValueError):  # a broken style entry: not a heading
            continue
    for item in doc.iter_inner_content():
        if isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    text = " ".join(cell.text.split())
                    if not cells or cells[-1] != text:  # merged cells repeat their text
                        cells.append(text)
                line = " | ".join(c for c in cells if c)
                if line:
                    yield Block(line)
            continue
        text = item.text.strip()
        if not text:
            continue
        level = 0
        style_id = item._p.style  # pStyle of the paragraph, None for the default style
        style = names.get(style_id, "") if style_id else ""
        m = _HEADING_STYLE.match(style or "")
        if m:
            level = int(m.group(1))
        elif style and style.lower() == "title":
            level = 1
        yield Block(text, heading_level=level)


def read_docx(path: Path, *, max_pages: int = 3000) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        d = docx.Document(str(path))
    except PermissionError:
        raise
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadError("corrupt", format="DOCX", detail=str(exc)[:200]) from exc
    except Exception as exc:  # noqa: BLE001
        raise ReadError("corrupt", format="DOCX", detail=str(exc)[:200]) from exc
    blocks = list(_docx_blocks(d))
    props = d.core_properties
    title = (props.title or "").strip() or next((b.text for b in blocks if b.heading_level), "")
    meta = {}
    for key in ("created", "modified"):
        value = getattr(props, key, None)
        if value is not None:
            meta[key] = value.isoformat()
    return Document(format="docx", title=title, page_count=None,
                    pages=group_sections(blocks, max_pages), unit="section", metadata=meta)


def _odt_blocks(element) -> Iterator[Block]:
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS

    for node in element.childNodes:
        qname = getattr(node, "qname", None)
        if qname is None:
            continue
        if qname == (TEXTNS, "h"):
            text = teletype.extractText(node).strip()
            if text:
                level = node.getAttrNS(TEXTNS, "outline-level")
                yield Block(text, heading_level=int(level) if level and str(level).isdigit() else 1)
        elif qname == (TEXTNS, "p"):
            text = teletype.extractText(node).strip()
            if text:
                yield Block(text)
        elif qname == (TABLENS, "table"):
            for row in node.getElementsByType(_odf_row()):
                cells = [" ".join(teletype.extractText(c).split())
                         for c in row.childNodes if getattr(c, "qname", None) == (TABLENS, "table-cell")]
                line = " | ".join(c for c in cells if c)
                if line:
                    yield Block(line)
        elif qname in ((TEXTNS, "list"), (TEXTNS, "list-item"), (TEXTNS, "section")):
            yield from _odt_blocks(node)


def _odf_row():
    from odf.table import TableRow

    return TableRow


def read_odt(path: Path, *, max_pages: int = 3000) -> Document:
    from odf import opendocument
    from odf.namespaces import DCNS

    try:
        d = opendocument.load(str(path))
    except PermissionError:
        raise
    except Exception as exc:  # noqa: BLE001 - odfpy raises many kinds on broken files
        raise ReadError("corrupt", format="ODT", detail=str(exc)[:200]) from exc
    blocks = list(_odt_blocks(d.text))
    title = ""
    for node in d.meta.childNodes:
        if getattr(node, "qname", None) == (DCNS, "title"):
            title = str(node).strip()
    title = title or next((b.text for b in blocks if b.heading_level), "")
    return Document(format="odt", title=title, page_count=None,
                    pages=group_sections(blocks, max_pages), unit="section")
