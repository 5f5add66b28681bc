#!/usr/bin/env python
"""Deterministic build of the Passeur sample corpus (Commune de Valmoreau).

Usage:
    python corpus/build.py            # render changed sources, write manifest + questions
    python corpus/build.py --force    # re-render every source
    python corpus/build.py --check    # build everything into a temp dir, compare with corpus/
    python corpus/build.py --prune    # also delete rendered files that no source produces

Sources: corpus/src/<group>/*.md (YAML front matter + small Markdown subset, see
corpus/FORMAT.md). Questions: corpus/src/questions/*.yaml -> corpus/questions.jsonl.

Every output is byte-reproducible: reportlab runs in invariant mode, scans use
seeded noise, and DOCX/ODT zip containers are rewritten with fixed timestamps and
a fixed entry order. A malformed source is reported and skipped; the build goes on
with the others and exits non-zero at the end.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import filecmp
import hashlib
import io
import json
import os
import re
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CORPUS = Path(__file__).resolve().parent
SRC = CORPUS / "src"
DOCS_DIR = "documents/"  # rendered documents (what Passeur indexes), apart from sources and scripts
QUESTIONS_DIR = SRC / "questions"
BUILD_SCRIPT = Path(__file__).resolve()

COMMUNE = "Commune de Valmoreau"
AUTHOR = "Mairie de Valmoreau"
FORMATS = ("pdf", "docx", "odt")
TYPES = {
    "deliberation", "arrete", "reglement", "marche-rc", "marche-ccap", "marche-cctp", "marche-ae",
    "marche-rao", "marche-notification", "budget", "rh-livret", "rh-faq", "note-service",
    "rh-individuel", "memo-juridique", "compte-rendu", "charte",
}
SPACES = {"general", "rh", "juridique"}
PROFILES = {"agent", "rh", "juridique", "admin"}
QUESTION_TYPES = {"factual", "procedural", "multi-document", "temporal", "comparison",
                  "unanswerable", "restricted"}
SCAN_DPI = 150


class SourceError(Exception):
    """A problem in one source file; reported, the rest of the build goes on."""


# --------------------------------------------------------------------------------------
# Text helpers
# --------------------------------------------------------------------------------------

def normalize_ws(text: str) -> str:
    """Collapse every run of whitespace (incl. no-break spaces) into one space."""
    return " ".join(text.split())


# Characters outside WinAnsi (cp1252) that the built-in PDF fonts cannot show.
PDF_CHAR_MAP = {
    "\u202f": "\u00a0",  # narrow no-break space -> no-break space
    "\u2011": "-",       # non-breaking hyphen
    "\u2212": "-",       # minus sign
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2192": "->",
    "\u2713": "x",
    "\u2010": "-",
}


def pdf_safe(text: str, where: str) -> str:
    for bad, good in PDF_CHAR_MAP.items():
        text = text.replace(bad, good)
    try:
        text.encode("cp1252")
    except UnicodeEncodeError as exc:
        ch = exc.object[exc.start]
        raise SourceError(f"{where}: character {ch!r} (U+{ord(ch):04X}) cannot be shown by the "
                          f"built-in PDF fonts (WinAnsi); please replace it") from None
    return text


# --------------------------------------------------------------------------------------
# Source parsing
# --------------------------------------------------------------------------------------

@dataclass
class Block:
    kind: str                 # heading | para | bullets | table | pagebreak
    level: int = 0
    text: str = ""
    items: list = field(default_factory=list)   # bullets: [str]; table: [[str]] (row 0 = header)


@dataclass
class Source:
    src: Path
    rel_src: str
    meta: dict
    blocks: list

    @property
    def out(self) -> str:
        """Output path relative to corpus/: every rendered document lives under corpus/documents/."""
        return DOCS_DIR + self.meta["out"]

    @property
    def fmt(self) -> str:
        return self.meta["out"].rsplit(".", 1)[-1].lower()


FRONT_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n(.*)\Z", re.S)
TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def parse_source(path: Path) -> Source:
    rel = path.relative_to(CORPUS).as_posix()
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{rel}: not valid UTF-8 ({exc})") from None
    m = FRONT_RE.match(raw)
    if not m:
        raise SourceError(f"{rel}: missing YAML front matter (--- ... --- at the top)")
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise SourceError(f"{rel}: invalid YAML front matter: {exc}") from None
    if not isinstance(meta, dict):
        raise SourceError(f"{rel}: front matter must be a mapping")
    meta = validate_meta(meta, rel)
    blocks = parse_markdown(m.group(2), rel)
    if not blocks:
        raise SourceError(f"{rel}: empty body")
    return Source(path, rel, meta, blocks)


def validate_meta(meta: dict, rel: str) -> dict:
    for key in ("out", "type", "space", "title", "date"):
        if meta.get(key) in (None, ""):
            raise SourceError(f"{rel}: front matter field '{key}' is required")
    out = str(meta["out"]).strip()
    if out.startswith("/") or ".." in Path(out).parts or out.startswith("src/"):
        raise SourceError(f"{rel}: 'out' must be a relative path inside corpus/ (got {out!r})")
    ext = out.rsplit(".", 1)[-1].lower() if "." in out else ""
    if ext not in FORMATS:
        raise SourceError(f"{rel}: 'out' extension must be one of {FORMATS} (got {out!r})")
    if meta["type"] not in TYPES:
        raise SourceError(f"{rel}: unknown type {meta['type']!r}")
    if meta["space"] not in SPACES:
        raise SourceError(f"{rel}: unknown space {meta['space']!r}")
    date = meta["date"]
    if isinstance(date, dt.datetime):
        date = date.date()
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise SourceError(f"{rel}: 'date' must be ISO YYYY-MM-DD (got {date!r})") from None
    if not isinstance(date, dt.date):
        raise SourceError(f"{rel}: 'date' must be ISO YYYY-MM-DD (got {date!r})")
    scan = bool(meta.get("scan") or False)
    columns = int(meta.get("columns") or 1)
    if columns not in (1, 2):
        raise SourceError(f"{rel}: 'columns' must be 1 or 2")
    if (scan or columns == 2 or meta.get("page_labels")) and ext != "pdf":
        raise SourceError(f"{rel}: scan / columns / page_labels are PDF-only options")
    labels = meta.get("page_labels") or None
    if labels is not None:
        if not (isinstance(labels, dict) and set(labels) == {"roman_front"}
                and isinstance(labels["roman_front"], int) and labels["roman_front"] > 0):
            raise SourceError(f"{rel}: page_labels must look like {{\"roman_front\": 2}}")
    number = meta.get("number")
    for key in ("amends", "repeals"):
        val = meta.get(key) or []
        if isinstance(val, (str, int)):
            val = [val]
        if not isinstance(val, list):
            raise SourceError(f"{rel}: '{key}' must be a list of act numbers")
        meta[key] = [str(v) for v in val]
    proc = meta.get("procurement")
    return {
        "out": out,
        "scan": scan,
        "columns": columns,
        "type": meta["type"],
        "space": meta["space"],
        "title": str(meta["title"]).strip(),
        "date": date.isoformat(),
        "number": None if number in (None, "") else str(number),
        "amends": meta["amends"],
        "repeals": meta["repeals"],
        "procurement": None if proc in (None, "") else str(proc),
        "page_labels": labels,
    }


def parse_markdown(body: str, rel: str) -> list:
    blocks: list[Block] = []
    lines = body.splitlines()
    i, n = 0, len(lines)
    para: list[str] = []

    def flush_para():
        if para:
            blocks.append(Block("para", text=" ".join(s.strip() for s in para)))
            para.clear()

    while i < n:
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            flush_para()
            i += 1
            continue
        if stripped.startswith("<!--"):
            flush_para()
            # comment may span lines
            chunk = stripped
            while "-->" not in chunk and i + 1 < n:
                i += 1
                chunk += " " + lines[i].strip()
            if re.fullmatch(r"<!--\s*pagebreak\s*-->", chunk):
                blocks.append(Block("pagebreak"))
            i += 1
            continue
        hm = re.match(r"^(#{1,6})\s+(.*?)\s*#*\s*$", stripped)
        if hm:
            flush_para()
            level = len(hm.group(1))
            if level > 3:
                raise SourceError(f"{rel}:{i + 1}: only #, ## and ### headings are allowed")
            blocks.append(Block("heading", level=level, text=hm.group(2)))
            i += 1
            continue
        if stripped.startswith("|"):
            flush_para()
            rows = []
            start = i
            while i < n and lines[i].strip().startswith("|"):
                rows.append(lines[i].strip())
                i += 1
            if len(rows) < 2 or not TABLE_SEP_RE.match(rows[1]):
                raise SourceError(f"{rel}:{start + 1}: pipe table needs a |---|---| separator "
                                  f"row right after the header")
            cells = [split_row(r) for r in [rows[0]] + rows[2:]]
            width = len(cells[0])
            for k, row in enumerate(cells):
                if len(row) != width:
                    raise SourceError(f"{rel}:{start + 1}: table row {k + 1} has {len(row)} cells, "
                                      f"header has {width}")
            blocks.append(Block("table", items=cells))
            continue
        if re.match(r"^[-*]\s+", stripped) and not re.match(r"^\*\*", stripped):
            flush_para()
            items = []
            while i < n:
                cur = lines[i]
                cs = cur.strip()
                bm = re.match(r"^[-*]\s+(.*)$", cs)
                if bm and not cs.startswith("**"):
                    items.append(bm.group(1).strip())
                elif cs and cur[:1] in (" ", "\t") and items:
                    items[-1] += " " + cs           # indented continuation line
                else:
                    break
                i += 1
            blocks.append(Block("bullets", items=items))
            continue
        para.append(stripped)
        i += 1
    flush_para()
    return blocks


def split_row(row: str) -> list:
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    parts = re.split(r"(?<!\\)\|", row)
    return [p.strip().replace("\\|", "|") for p in parts]


INLINE_RE = re.compile(r"\*\*(.+?)\*\*|(?<![\*\w])\*(?!\s)(.+?)(?<!\s)\*(?![\*\w])")


def inline_runs(text: str) -> list:
    """Split '**bold**' / '*italic*' markup into [(text, bold, italic)] runs."""
    runs = []
    pos = 0
    for m in INLINE_RE.finditer(text):
        if m.start() > pos:
            runs.append((text[pos:m.start()], False, False))
        if m.group(1) is not None:
            inner = m.group(1)
            # italic inside bold
            for t, _, it in inline_runs(inner):
                runs.append((t, True, it))
        else:
            runs.append((m.group(2), False, True))
        pos = m.end()
    if pos < len(text):
        runs.append((text[pos:], False, False))
    return [r for r in runs if r[0]]


def plain(text: str) -> str:
    return "".join(t for t, _, _ in inline_runs(text))


# --------------------------------------------------------------------------------------
# PDF rendering (reportlab platypus)
# --------------------------------------------------------------------------------------

def _rl_markup(text: str, where: str) -> str:
    from xml.sax.saxutils import escape
    out = []
    for t, b, it in inline_runs(pdf_safe(text, where)):
        t = escape(t)
        if it:
            t = f"<i>{t}</i>"
        if b:
            t = f"<b>{t}</b>"
        out.append(t)
    return "".join(out)


def _pdf_styles():
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.styles import ParagraphStyle
    base = ParagraphStyle("body", fontName="Times-Roman", fontSize=10.5, leading=14,
                          alignment=TA_JUSTIFY, spaceAfter=5)
    return {
        "body": base,
        "h1": ParagraphStyle("h1", parent=base, fontName="Helvetica-Bold", fontSize=13.5,
                             leading=17.5, alignment=TA_CENTER, spaceBefore=4, spaceAfter=8,
                             keepWithNext=1),
        "h2": ParagraphStyle("h2", parent=base, fontName="Helvetica-Bold", fontSize=11.2,
                             leading=14.5, alignment=TA_LEFT, spaceBefore=9, spaceAfter=4,
                             keepWithNext=1),
        "h3": ParagraphStyle("h3", parent=base, fontName="Helvetica-BoldOblique", fontSize=10.3,
                             leading=13.5, alignment=TA_LEFT, spaceBefore=6, spaceAfter=3,
                             keepWithNext=1),
        "bullet": ParagraphStyle("bullet", parent=base, spaceAfter=2.5),
        "cell": ParagraphStyle("cell", parent=base, fontName="Helvetica", fontSize=8.6,
                               leading=10.6, alignment=TA_LEFT, spaceAfter=0),
        "cellh": ParagraphStyle("cellh", parent=base, fontName="Helvetica-Bold", fontSize=8.6,
                                leading=10.6, alignment=TA_LEFT, spaceAfter=0),
    }


def _table_flowable(rows, width, styles, where):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle
    ncol = len(rows[0])
    weights = []
    for c in range(ncol):
        longest = max(len(plain(r[c])) for r in rows)
        weights.append(min(max(longest, 6), 45))
    total = sum(weights)
    col_w = [width * w / total for w in weights]
    data = []
    for r_i, row in enumerate(rows):
        st = styles["cellh"] if r_i == 0 else styles["cell"]
        data.append([Paragraph(_rl_markup(cell, where), st) for cell in row])
    tbl = Table(data, colWidths=col_w, repeatRows=1, hAlign="LEFT")
    tbl.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDDDDD")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]))
    return tbl


def _flowables(blocks, width, styles, where):
    from reportlab.platypus import ListFlowable, ListItem, PageBreak, Paragraph, Spacer
    flow = []
    for b in blocks:
        if b.kind == "heading":
            flow.append(Paragraph(_rl_markup(b.text, where), styles[f"h{b.level}"]))
        elif b.kind == "para":
            flow.append(Paragraph(_rl_markup(b.text, where), styles["body"]))
        elif b.kind == "bullets":
            items = [ListItem(Paragraph(_rl_markup(t, where), styles["bullet"]))
                     for t in b.items]
            flow.append(ListFlowable(items, bulletType="bullet", start="\u2022", leftIndent=14,
                                     bulletFontName="Times-Roman", bulletFontSize=10))
            flow.append(Spacer(1, 3))
        elif b.kind == "table":
            flow.append(Spacer(1, 3))
            flow.append(_table_flowable(b.items, width, styles, where))
            flow.append(Spacer(1, 7))
        elif b.kind == "pagebreak":
            flow.append(PageBreak())
    return flow


def _to_roman(n: int) -> str:
    vals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


def _make_canvas_class(title: str, roman_front: int):
    from reportlab.lib.units import cm
    from reportlab.pdfgen.canvas import Canvas

    class NumberedCanvas(Canvas):
        """Defers page output so every footer can show the total page count."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_states = []

        def showPage(self):
            self._saved_states.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_states)
            for idx, state in enumerate(self._saved_states):
                self.__dict__.update(state)
                self._decorate(idx, total)
                super().showPage()
            if roman_front:
                self.addPageLabel(0, "ROMAN_LOWER", 1)
                if total > roman_front:
                    self.addPageLabel(roman_front, "ARABIC", 1)
            super().save()

        def _decorate(self, idx, total):
            w, h = self._pagesize
            self.saveState()
            self.setFont("Helvetica", 8.5)
            self.drawString(2 * cm, h - 1.35 * cm, COMMUNE)
            self.setLineWidth(0.4)
            self.line(2 * cm, h - 1.5 * cm, w - 2 * cm, h - 1.5 * cm)
            self.line(2 * cm, 1.55 * cm, w - 2 * cm, 1.55 * cm)
            self.setFont("Helvetica", 7.8)
            t = title if len(title) <= 95 else title[:94].rstrip() + "\u2026"
            self.drawString(2 * cm, 1.1 * cm, t)
            if idx < roman_front:
                label = f"page {_to_roman(idx + 1)}"
            else:
                label = f"page {idx + 1 - roman_front} / {total - roman_front}"
            self.drawRightString(w - 2 * cm, 1.1 * cm, label)
            self.restoreState()

    return NumberedCanvas


def render_pdf_bytes(src: Source) -> bytes:
    from reportlab import rl_config
    rl_config.invariant = 1
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import cm
    from reportlab.platypus import BaseDocTemplate, Frame, FrameBreak, NextPageTemplate, PageTemplate

    meta = src.meta
    title = pdf_safe(meta["title"], src.rel_src)
    styles = _pdf_styles()
    page_w, page_h = A4
    lm = rm = 2.2 * cm
    tm, bm = 2.1 * cm, 2.1 * cm
    full_w = page_w - lm - rm
    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=A4, leftMargin=lm, rightMargin=rm, topMargin=tm,
                          bottomMargin=bm, title=title, author=AUTHOR, subject=meta["type"],
                          creator="Passeur corpus build", producer="Passeur corpus build",
                          invariant=1)
    if meta["columns"] == 2:
        gap = 0.7 * cm
        col_w = (full_w - gap) / 2
        body_h = page_h - tm - bm
        # preamble = everything before the first level-2 heading, full width on page 1
        first_h2 = next((k for k, b in enumerate(src.blocks)
                         if b.kind == "heading" and b.level >= 2), len(src.blocks))
        pre = _flowables(src.blocks[:first_h2], full_w, styles, src.rel_src)
        rest = _flowables(src.blocks[first_h2:], col_w, styles, src.rel_src)
        pre_h = 0.0
        for f in pre:
            _, fh = f.wrap(full_w, body_h)
            pre_h += fh + f.getSpaceBefore() + f.getSpaceAfter()
        pre_h = min(pre_h + 14, body_h * 0.6)
        top = Frame(lm, page_h - tm - pre_h, full_w, pre_h, id="top")
        cols_h = body_h - pre_h
        first = PageTemplate("first", [
            top,
            Frame(lm, bm, col_w, cols_h, id="c1a"),
            Frame(lm + col_w + gap, bm, col_w, cols_h, id="c2a"),
        ])
        later = PageTemplate("later", [
            Frame(lm, bm, col_w, body_h, id="c1"),
            Frame(lm + col_w + gap, bm, col_w, body_h, id="c2"),
        ])
        doc.addPageTemplates([first, later])
        story = [NextPageTemplate("later")] + pre + [FrameBreak()] + rest
    else:
        doc.addPageTemplates([PageTemplate("one", [Frame(lm, bm, full_w, page_h - tm - bm,
                                                         id="body")])])
        story = _flowables(src.blocks, full_w, styles, src.rel_src)
    roman = (meta.get("page_labels") or {}).get("roman_front", 0)
    doc.build(story, canvasmaker=_make_canvas_class(title, roman))
    return buf.getvalue()


def render_scan_bytes(src: Source) -> bytes:
    """Text PDF -> grayscale raster, slight skew, seeded noise, JPEG -> image-only PDF."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter
    from reportlab import rl_config
    rl_config.invariant = 1
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    text_pdf = render_pdf_bytes(src)
    pdf = pdfium.PdfDocument(text_pdf)
    seed = int(hashlib.sha256(src.out.encode()).hexdigest()[:8], 16)
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    canvas.setTitle(src.meta["title"])
    canvas.setAuthor(AUTHOR)
    canvas.setCreator("Passeur corpus build (scan)")
    canvas.setProducer("Passeur corpus build (scan)")
    try:
        for idx in range(len(pdf)):
            page = pdf[idx]
            bitmap = page.render(scale=SCAN_DPI / 72, grayscale=True)
            img = bitmap.to_pil().convert("L")
            page.close()
            angle = 0.4 + 0.4 * rng.random()
            angle = angle if rng.random() < 0.5 else -angle
            # slight skew, a touch of scanner softness, uneven paper tone and a few specks
            img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=244)
            img = img.filter(ImageFilter.GaussianBlur(0.6))
            arr = np.asarray(img, dtype=np.float32)
            h, w = arr.shape
            low = rng.normal(0.0, 3.0, size=(h // 16 + 1, w // 16 + 1)).astype(np.float32)
            low = np.asarray(Image.fromarray(low, mode="F").resize((w, h), Image.BILINEAR))
            arr = np.minimum(arr, 242.0) + low
            specks = rng.random(arr.shape) < 0.0004
            arr[specks] -= 90.0
            img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode="L")
            jpg = io.BytesIO()
            img.save(jpg, format="JPEG", quality=62, optimize=True)
            jpg.seek(0)
            canvas.drawImage(ImageReader(jpg), 0, 0, width=A4[0], height=A4[1])
            canvas.showPage()
    finally:
        pdf.close()
    canvas.save()
    return buf.getvalue()


# --------------------------------------------------------------------------------------
# Zip normalisation (DOCX / ODT)
# --------------------------------------------------------------------------------------

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalize_zip(data: bytes, first: tuple = ()) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    names = src.namelist()
    ordered = [n for n in first if n in names] + sorted(n for n in names if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in ordered:
            payload = src.read(name)
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, payload, compresslevel=6 if name != "mimetype" else None)
    return out.getvalue()


# --------------------------------------------------------------------------------------
# DOCX rendering (python-docx)
# --------------------------------------------------------------------------------------

def _fixed_dt(date_iso: str) -> dt.datetime:
    d = dt.date.fromisoformat(date_iso)
    return dt.datetime(d.year, d.month, d.day, 9, 0, 0)


def render_docx_bytes(src: Source) -> bytes:
    import docx
    from docx.shared import Pt

    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(11)
    section = d.sections[0]
    header = section.header.paragraphs[0]
    header.text = COMMUNE
    footer = section.footer.paragraphs[0]
    footer.text = src.meta["title"]

    def add_runs(par, text):
        for t, b, it in inline_runs(text):
            run = par.add_run(t)
            run.bold = b or None
            run.italic = it or None

    for b in src.blocks:
        if b.kind == "heading":
            par = d.add_heading(level=b.level)
            add_runs(par, b.text)
        elif b.kind == "para":
            add_runs(d.add_paragraph(), b.text)
        elif b.kind == "bullets":
            for item in b.items:
                add_runs(d.add_paragraph(style="List Bullet"), item)
        elif b.kind == "table":
            rows = b.items
            tbl = d.add_table(rows=len(rows), cols=len(rows[0]))
            tbl.style = d.styles["Table Grid"]
            for r_i, row in enumerate(rows):
                for c_i, cell_text in enumerate(row):
                    cell = tbl.cell(r_i, c_i)
                    par = cell.paragraphs[0]
                    for t, bb, it in inline_runs(cell_text):
                        run = par.add_run(t)
                        run.bold = (bb or r_i == 0) or None
                        run.italic = it or None
            d.add_paragraph()
        # pagebreak: ignored in DOCX (sections are the unit)
    cp = d.core_properties
    cp.title = src.meta["title"]
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.subject = src.meta["type"]
    cp.keywords = src.meta["number"] or ""
    cp.comments = ""
    cp.category = src.meta["space"]
    cp.revision = 1
    cp.created = _fixed_dt(src.meta["date"])
    cp.modified = _fixed_dt(src.meta["date"])
    cp.last_printed = _fixed_dt(src.meta["date"])
    buf = io.BytesIO()
    d.save(buf)
    return normalize_zip(buf.getvalue(), first=("[Content_Types].xml",))


# --------------------------------------------------------------------------------------
# ODT rendering (odfpy)
# --------------------------------------------------------------------------------------

def render_odt_bytes(src: Source) -> bytes:
    from odf import dc, meta as odfmeta, table, text
    from odf.opendocument import OpenDocumentText
    from odf.style import (FontFace, ListLevelProperties, ParagraphProperties, Style,
                           TableCellProperties, TableColumnProperties, TableProperties,
                           TextProperties)
    from odf.text import ListLevelStyleBullet, ListStyle

    # odfpy keeps the declared namespaces in a class attribute shared by every document of the
    # process; reset it so the output does not depend on what was rendered or read before.
    from odf.element import Element
    Element.namespaces.clear()
    doc = OpenDocumentText()
    doc.fontfacedecls.addElement(FontFace(name="Liberation Serif",
                                          fontfamily="'Liberation Serif'",
                                          fontfamilygeneric="roman", fontpitch="variable"))
    doc.fontfacedecls.addElement(FontFace(name="Liberation Sans",
                                          fontfamily="'Liberation Sans'",
                                          fontfamilygeneric="swiss", fontpitch="variable"))
    std = Style(name="Standard", family="paragraph")
    std.addElement(TextProperties(fontname="Liberation Serif", fontsize="11pt"))
    doc.styles.addElement(std)
    body = Style(name="Text_20_body", displayname="Text body", family="paragraph",
                 parentstylename="Standard")
    body.addElement(ParagraphProperties(margintop="0cm", marginbottom="0.21cm",
                                        textalign="justify"))
    doc.styles.addElement(body)
    heading = Style(name="Heading", family="paragraph", parentstylename="Standard",
                    nextstylename="Text_20_body")
    heading.addElement(ParagraphProperties(margintop="0.42cm", marginbottom="0.21cm",
                                           keepwithnext="always"))
    heading.addElement(TextProperties(fontname="Liberation Sans", fontweight="bold"))
    doc.styles.addElement(heading)
    h_styles = {}
    for lvl, size in ((1, "16pt"), (2, "13pt"), (3, "11.5pt")):
        st = Style(name=f"Heading_20_{lvl}", displayname=f"Heading {lvl}", family="paragraph",
                   parentstylename="Heading", nextstylename="Text_20_body",
                   defaultoutlinelevel=str(lvl))
        st.addElement(TextProperties(fontsize=size, fontweight="bold",
                                     fontstyle="italic" if lvl == 3 else "normal"))
        doc.styles.addElement(st)
        h_styles[lvl] = st
    tcontents = Style(name="Table_20_Contents", displayname="Table Contents", family="paragraph",
                      parentstylename="Standard")
    tcontents.addElement(TextProperties(fontname="Liberation Sans", fontsize="9.5pt"))
    doc.styles.addElement(tcontents)
    bold = Style(name="Strong_20_Emphasis", displayname="Strong Emphasis", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.styles.addElement(bold)
    emph = Style(name="Emphasis", family="text")
    emph.addElement(TextProperties(fontstyle="italic"))
    doc.styles.addElement(emph)
    bolditalic = Style(name="T_bi", family="text")
    bolditalic.addElement(TextProperties(fontweight="bold", fontstyle="italic"))
    doc.automaticstyles.addElement(bolditalic)
    bullets = ListStyle(name="List_20_1", displayname="List 1")
    blvl = ListLevelStyleBullet(level=1, bulletchar="\u2022")
    blvl.addElement(ListLevelProperties(spacebefore="0.4cm", minlabelwidth="0.4cm"))
    bullets.addElement(blvl)
    doc.styles.addElement(bullets)
    cell_style = Style(name="Tcell", family="table-cell")
    cell_style.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.08cm"))
    doc.automaticstyles.addElement(cell_style)
    head_cell = Style(name="Theadcell", family="table-cell")
    head_cell.addElement(TableCellProperties(border="0.5pt solid #000000", padding="0.08cm",
                                             backgroundcolor="#dddddd"))
    doc.automaticstyles.addElement(head_cell)

    def add_runs(par, s):
        for t, b, it in inline_runs(s):
            if b and it:
                par.addElement(text.Span(stylename=bolditalic, text=t))
            elif b:
                par.addElement(text.Span(stylename=bold, text=t))
            elif it:
                par.addElement(text.Span(stylename=emph, text=t))
            else:
                par.addText(t)

    tcount = 0
    for b in src.blocks:
        if b.kind == "heading":
            h = text.H(outlinelevel=b.level, stylename=h_styles[b.level])
            add_runs(h, b.text)
            doc.text.addElement(h)
        elif b.kind == "para":
            p = text.P(stylename=body)
            add_runs(p, b.text)
            doc.text.addElement(p)
        elif b.kind == "bullets":
            lst = text.List(stylename=bullets)
            for item in b.items:
                li = text.ListItem()
                p = text.P(stylename=body)
                add_runs(p, item)
                li.addElement(p)
                lst.addElement(li)
            doc.text.addElement(lst)
        elif b.kind == "table":
            tcount += 1
            rows = b.items
            ncol = len(rows[0])
            tstyle = Style(name=f"Tableau{tcount}", family="table")
            tstyle.addElement(TableProperties(width="17cm", align="margins"))
            doc.automaticstyles.addElement(tstyle)
            colst = Style(name=f"Tableau{tcount}.A", family="table-column")
            colst.addElement(TableColumnProperties(columnwidth=f"{17 / ncol:.3f}cm"))
            doc.automaticstyles.addElement(colst)
            tbl = table.Table(name=f"Tableau{tcount}", stylename=tstyle)
            tbl.addElement(table.TableColumn(numbercolumnsrepeated=ncol, stylename=colst))
            for r_i, row in enumerate(rows):
                tr = table.TableRow()
                for cell_text in row:
                    tc = table.TableCell(valuetype="string",
                                         stylename=head_cell if r_i == 0 else cell_style)
                    p = text.P(stylename=tcontents)
                    if r_i == 0:
                        p.addElement(text.Span(stylename=bold, text=plain(cell_text)))
                    else:
                        add_runs(p, cell_text)
                    tc.addElement(p)
                    tr.addElement(tc)
                tbl.addElement(tr)
            doc.text.addElement(tbl)
        # pagebreak ignored
    stamp = _fixed_dt(src.meta["date"]).isoformat()
    doc.meta.addElement(dc.Title(text=src.meta["title"]))
    doc.meta.addElement(dc.Subject(text=src.meta["type"]))
    doc.meta.addElement(odfmeta.InitialCreator(text=AUTHOR))
    doc.meta.addElement(dc.Creator(text=AUTHOR))
    doc.meta.addElement(odfmeta.CreationDate(text=stamp))
    doc.meta.addElement(dc.Date(text=stamp))
    buf = io.BytesIO()
    doc.write(buf)
    return normalize_zip(buf.getvalue(), first=("mimetype",))


# --------------------------------------------------------------------------------------
# Text extraction (the same rules the tests use)
# --------------------------------------------------------------------------------------

def pdf_pages_text(path: Path) -> list:
    from pypdf import PdfReader
    reader = PdfReader(str(path))
    return [(p.extract_text() or "") for p in reader.pages]


def _sections_from_units(units) -> list:
    """units: iterable of (is_break_heading, text). FORMAT.md rule: a level 1/2 heading
    starts a new section, unless the current section is still empty (so a document that
    opens with a heading has that heading in section 1)."""
    sections = [[]]
    for is_break, txt in units:
        if is_break and any(s.strip() for s in sections[-1]):
            sections.append([])
        sections[-1].append(txt)
    return ["\n".join(s) for s in sections]


def docx_sections_text(path: Path) -> list:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    d = docx.Document(str(path))
    units = []
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            par = Paragraph(el, d)
            style = par.style.name if par.style is not None else ""
            is_break = style in ("Heading 1", "Heading 2", "Title")
            units.append((is_break, par.text))
        elif tag == "tbl":
            tbl = Table(el, d)
            lines = []
            for row in tbl.rows:
                lines.append(" | ".join(c.text for c in row.cells))
            units.append((False, "\n".join(lines)))
    return _sections_from_units(units)


def _odt_text(node) -> str:
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS
    if node.nodeType != node.ELEMENT_NODE:
        return ""
    if node.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
        return teletype.extractText(node) + "\n"
    sep = " | " if node.qname == (TABLENS, "table-row") else ""
    return sep.join(_odt_text(c) for c in node.childNodes)


def odt_sections_text(path: Path) -> list:
    from odf.namespaces import TEXTNS
    from odf.opendocument import load
    doc = load(str(path))
    units = []
    for node in doc.text.childNodes:
        if node.nodeType != node.ELEMENT_NODE:
            continue
        if node.qname == (TEXTNS, "h"):
            lvl = node.getAttrNS(TEXTNS, "outline-level")
            is_break = str(lvl) in ("1", "2")
            units.append((is_break, _odt_text(node)))
        elif node.qname[1] in ("sequence-decls", "tracked-changes"):
            continue
        else:
            units.append((False, _odt_text(node)))
    return _sections_from_units(units)


def units_text(path: Path) -> list:
    ext = path.suffix.lower()
    if ext == ".pdf":
        return pdf_pages_text(path)
    if ext == ".docx":
        return docx_sections_text(path)
    if ext == ".odt":
        return odt_sections_text(path)
    raise ValueError(path)


# --------------------------------------------------------------------------------------
# Build orchestration
# --------------------------------------------------------------------------------------

def render_bytes(src: Source) -> bytes:
    fmt = src.fmt
    if fmt == "pdf":
        return render_scan_bytes(src) if src.meta["scan"] else render_pdf_bytes(src)
    if fmt == "docx":
        return render_docx_bytes(src)
    if fmt == "odt":
        return render_odt_bytes(src)
    raise SourceError(f"{src.rel_src}: unsupported format {fmt}")


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _render_job(args):
    """Worker: parse + render one source; returns (rel_src, out, ok, message, seconds)."""
    src_path, out_root = args
    t0 = time.perf_counter()
    try:
        src = parse_source(Path(src_path))
        data = render_bytes(src)
        write_atomic(Path(out_root) / src.out, data)
        return (src.rel_src, src.out, True, "", time.perf_counter() - t0)
    except SourceError as exc:
        return (src_path, None, False, str(exc), time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - report and continue with the others
        rel = Path(src_path).relative_to(CORPUS).as_posix()
        return (src_path, None, False, f"{rel}: rendering failed: {type(exc).__name__}: {exc}",
                time.perf_counter() - t0)


def source_files() -> list:
    return sorted(p for p in SRC.rglob("*.md")
                  if QUESTIONS_DIR not in p.parents and not p.name.startswith("."))


def rendered_files(root: Path) -> set:
    out = set()
    for ext in FORMATS:
        for p in root.rglob(f"*.{ext}"):
            rel = p.relative_to(root)
            if rel.parts[0] in ("src",) or p.name.startswith(".tmp-"):
                continue
            out.add(rel.as_posix())
    return out


def page_count(path: Path) -> int:
    if path.suffix.lower() == ".pdf":
        from pypdf import PdfReader
        return len(PdfReader(str(path)).pages)
    return len(units_text(path))


class TextCache:
    def __init__(self, root: Path):
        self.root = root
        self._cache = {}

    def get(self, out: str) -> list:
        if out not in self._cache:
            self._cache[out] = [normalize_ws(t) for t in units_text(self.root / out)]
        return self._cache[out]


def compile_questions(root: Path, docs: dict, failed_outs: set, errors: list) -> list:
    """docs: out -> manifest entry. Returns the question records."""
    texts = TextCache(root)
    records = []
    seen = {}
    warnings = []
    for qfile in sorted(QUESTIONS_DIR.glob("*.yaml")) + sorted(QUESTIONS_DIR.glob("*.yml")):
        rel = qfile.relative_to(CORPUS).as_posix()
        try:
            items = yaml.safe_load(qfile.read_text(encoding="utf-8")) or []
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            errors.append(f"{rel}: invalid YAML: {exc}")
            continue
        if not isinstance(items, list):
            errors.append(f"{rel}: must be a YAML list of questions")
            continue
        for k, q in enumerate(items):
            where = f"{rel}[{k}]"
            try:
                rec = _compile_question(q, where, root, docs, failed_outs, texts, warnings)
            except SourceError as exc:
                errors.append(str(exc))
                continue
            if rec is None:
                continue
            if rec["id"] in seen:
                errors.append(f"{where}: duplicate question id {rec['id']!r} "
                              f"(also in {seen[rec['id']]})")
                continue
            seen[rec["id"]] = where
            records.append(rec)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    return records


def _compile_question(q, where, root, docs, failed_outs, texts, warnings):
    if not isinstance(q, dict):
        raise SourceError(f"{where}: each question must be a mapping")
    for key in ("id", "question", "profile", "type", "answer"):
        if not q.get(key):
            raise SourceError(f"{where}: field '{key}' is required")
    qid = str(q["id"])
    where = f"{where} ({qid})"
    if q["profile"] not in PROFILES:
        raise SourceError(f"{where}: unknown profile {q['profile']!r}")
    if q["type"] not in QUESTION_TYPES:
        raise SourceError(f"{where}: unknown type {q['type']!r}")
    key_figures = [str(x) for x in (q.get("key_figures") or [])]
    expected_src = q.get("expected") or []
    if not isinstance(expected_src, list):
        raise SourceError(f"{where}: 'expected' must be a list")
    if q["type"] == "unanswerable" and expected_src:
        raise SourceError(f"{where}: unanswerable questions must have expected: []")
    if q["type"] != "unanswerable" and not expected_src:
        raise SourceError(f"{where}: expected is empty but type is {q['type']!r}")
    space = q.get("space")
    if q["type"] == "restricted":
        if space not in SPACES or space == "general":
            raise SourceError(f"{where}: restricted questions need space: rh or juridique")
    elif space is not None and space not in SPACES:
        raise SourceError(f"{where}: unknown space {space!r}")
    expected = []
    for e in expected_src:
        if not isinstance(e, dict) or not e.get("out") or not e.get("needle"):
            raise SourceError(f"{where}: each expected item needs 'out' and 'needle'")
        out = DOCS_DIR + str(e["out"])
        if out in failed_outs:
            raise SourceError(f"{where}: expected document {out} failed to build (see above)")
        if out not in docs:
            raise SourceError(f"{where}: expected document {out} is not produced by any source "
                              f"in corpus/src (check the 'out' path)")
        if docs[out]["scan"]:
            raise SourceError(f"{where}: {out} is a scan (no text layer) and cannot be an "
                              f"expected page")
        if not (root / out).exists():
            raise SourceError(f"{where}: {out} does not exist")
        needle = normalize_ws(str(e["needle"]))
        pages = [i + 1 for i, t in enumerate(texts.get(out)) if needle in t]
        if not pages:
            unit = "page" if out.endswith(".pdf") else "section"
            raise SourceError(f"{where}: needle {e['needle']!r} not found on any {unit} of {out} "
                              f"(whitespace-normalised match against extracted text; a needle "
                              f"must not straddle a page break)")
        if len(pages) > 1:
            warnings.append(f"{where}: needle {e['needle']!r} occurs on pages {pages} of {out}; "
                            f"using page {pages[0]} (use a more specific needle)")
        item = {"path": out, "page": pages[0]}
        if item not in expected:
            expected.append(item)
    for fig in key_figures:
        nfig = normalize_ws(fig)
        if not any(nfig in texts.get(x["path"])[x["page"] - 1] for x in expected):
            raise SourceError(f"{where}: key figure {fig!r} appears on none of the expected "
                              f"pages {[(x['path'], x['page']) for x in expected]}")
    rec = {
        "id": qid,
        "question": str(q["question"]).strip(),
        "profile": q["profile"],
        "type": q["type"],
        "answer": str(q["answer"]).strip(),
        "key_figures": key_figures,
        "expected": expected,
    }
    if space is not None:
        rec["space"] = space
    return rec


def build(out_root: Path, force: bool, jobs: int, quiet: bool = False) -> tuple:
    """Render into out_root (corpus/ or a temp dir). Returns (errors, outs_built)."""
    errors: list[str] = []
    sources = source_files()
    parsed: dict[str, Source] = {}
    by_out: dict[str, str] = {}
    failed_outs: set[str] = set()
    for p in sources:
        try:
            s = parse_source(p)
        except SourceError as exc:
            errors.append(str(exc))
            continue
        if s.out in by_out:
            errors.append(f"{s.rel_src}: out path {s.out} is already produced by {by_out[s.out]}")
            failed_outs.add(s.out)
            continue
        by_out[s.out] = s.rel_src
        parsed[s.rel_src] = s

    script_mtime = BUILD_SCRIPT.stat().st_mtime
    todo = []
    for rel, s in parsed.items():
        target = out_root / s.out
        if (not force and target.exists()
                and target.stat().st_mtime >= max(s.src.stat().st_mtime, script_mtime)):
            continue
        todo.append(str(s.src))
    t0 = time.perf_counter()
    if todo:
        if not quiet:
            print(f"rendering {len(todo)} of {len(parsed)} documents with {jobs} worker(s)...")
        if jobs > 1 and len(todo) > 1:
            with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as ex:
                results = list(ex.map(_render_job, [(p, str(out_root)) for p in todo]))
        else:
            results = [_render_job((p, str(out_root))) for p in todo]
        for rel_src, out, ok, msg, secs in results:
            if not ok:
                errors.append(msg)
                bad = next((s for s in parsed.values() if str(s.src) == rel_src), None)
                if bad is not None:
                    failed_outs.add(bad.out)
            elif not quiet:
                print(f"  {out}  ({secs:.1f} s)")
    if not quiet:
        print(f"render: {time.perf_counter() - t0:.1f} s")

    manifest = []
    docs = {}
    for s in sorted(parsed.values(), key=lambda s: s.out):
        if s.out in failed_outs or not (out_root / s.out).exists():
            continue
        m = s.meta
        entry = {
            "path": s.out,
            "format": s.fmt,
            "type": m["type"],
            "space": m["space"],
            "title": m["title"],
            "date": m["date"],
            "number": m["number"],
            "amends": m["amends"],
            "repeals": m["repeals"],
            "procurement": m["procurement"],
            "scan": m["scan"],
            "pages": page_count(out_root / s.out),
        }
        manifest.append(entry)
        docs[s.out] = entry
    write_atomic(out_root / "manifest.jsonl", "".join(
        json.dumps(e, ensure_ascii=False, sort_keys=False) + "\n" for e in manifest).encode())

    questions = compile_questions(out_root, docs, failed_outs, errors)
    write_atomic(out_root / "questions.jsonl", "".join(
        json.dumps(q, ensure_ascii=False) + "\n" for q in questions).encode())

    # cross-reference sanity (numbers cited in amends/repeals should exist)
    numbers = {e["number"] for e in manifest if e["number"]}
    for e in manifest:
        for key in ("amends", "repeals"):
            for num in e[key]:
                if num not in numbers:
                    print(f"warning: {e['path']}: {key} {num!r} matches no document number "
                          f"in the corpus (yet)", file=sys.stderr)
    orphans = rendered_files(out_root) - set(by_out)
    return errors, manifest, questions, orphans


def compare_trees(built: Path, committed: Path, outs: list) -> list:
    diffs = []
    for rel in outs + ["manifest.jsonl", "questions.jsonl"]:
        a, b = built / rel, committed / rel
        if not b.exists():
            diffs.append(f"missing in corpus/: {rel}")
        elif not a.exists():
            diffs.append(f"not produced by the build: {rel}")
        elif not filecmp.cmp(a, b, shallow=False):
            diffs.append(f"differs from a fresh build: {rel}")
    extra = rendered_files(committed) - set(outs)
    for rel in sorted(extra):
        diffs.append(f"in corpus/ but produced by no source: {rel}")
    return diffs


def stats_table() -> str:
    """Markdown counts table built from corpus/manifest.jsonl and corpus/questions.jsonl."""
    from collections import Counter
    man = [json.loads(x) for x in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines() if x]
    qs = [json.loads(x) for x in (CORPUS / "questions.jsonl").read_text(encoding="utf-8").splitlines() if x]
    fmt = Counter(d["format"] for d in man)
    typ = Counter(d["type"] for d in man)
    spc = Counter(d["space"] for d in man)
    qt = Counter(q["type"] for q in qs)
    join = lambda c: ", ".join(f"{k} {v}" for k, v in sorted(c.items()))
    rows = [
        ("Documents", str(len(man))),
        ("Pages (PDF) + sections (DOCX/ODT)", str(sum(d["pages"] for d in man))),
        ("Formats", join(fmt)),
        ("Scans (image-only PDF)", str(sum(1 for d in man if d["scan"]))),
        ("Spaces", join(spc)),
        ("Types", join(typ)),
        ("Golden questions", f"{len(qs)} ({join(qt)})"),
    ]
    return "| | |\n|---|---|\n" + "\n".join(f"| {a} | {b} |" for a, b in rows)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true",
                    help="build into a temp dir and compare with the files in corpus/")
    ap.add_argument("--force", action="store_true", help="re-render every source")
    ap.add_argument("--prune", action="store_true",
                    help="delete rendered files in corpus/ that no source produces")
    ap.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("--stats", action="store_true",
                    help="print the counts table of corpus/README.md from the committed files")
    args = ap.parse_args(argv)
    if args.stats:
        print(stats_table())
        return 0
    t0 = time.perf_counter()
    if args.check:
        with tempfile.TemporaryDirectory(prefix="passeur-corpus-") as tmp:
            tmp_root = Path(tmp)
            errors, manifest, questions, _ = build(tmp_root, True, args.jobs, quiet=True)
            outs = [e["path"] for e in manifest]
            diffs = compare_trees(tmp_root, CORPUS, outs)
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
        for d in diffs:
            print(f"diff: {d}", file=sys.stderr)
        ok = not errors and not diffs
        print(f"check {'OK' if ok else 'FAILED'}: {len(manifest)} documents, {len(questions)} "
              f"questions, {len(errors)} error(s), {len(diffs)} difference(s) "
              f"[{time.perf_counter() - t0:.1f} s]")
        return 0 if ok else 1

    errors, manifest, questions, orphans = build(CORPUS, args.force, args.jobs, quiet=args.quiet)
    for rel in sorted(orphans):
        if args.prune:
            (CORPUS / rel).unlink()
            print(f"pruned {rel} (no source produces it)")
        else:
            print(f"warning: {rel} is produced by no source (run with --prune to delete it)",
                  file=sys.stderr)
    for e in errors:
        print(f"error: {e}", file=sys.stderr)
    pages = sum(e["pages"] for e in manifest)
    print(f"{len(manifest)} documents ({pages} pages/sections), {len(questions)} questions, "
          f"{len(errors)} error(s) [{time.perf_counter() - t0:.1f} s]")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
