"""Where the words read by OCR are kept, with their position on the page, for the viewer.

The SQLite catalogue keeps the text of OCRed pages like any other (in the passages); the word boxes
live beside it, one gzip-compressed JSON file per document content in ``<data dir>/ocr/``, named
after the file's SHA-256 (the catalogue's ``content_hash``): a copy or a move of a scan shares it, the
viewer finds it from the file alone, and a later sync can reuse it instead of OCRing again. Files of
contents no longer indexed are removed by :func:`prune` at the end of a full sync.

Format (``version`` 1)::

    {"version": 1, "engine": "tesseract", "language": "fra", "dpi": 200,
     "pages": {"3": {"width": 595.3, "height": 841.9,
                     "words": [["Rue", 72.1, 140.2, 90.8, 151.0, 12, 96.5], ...]}}}

Each word is ``[text, x0, y0, x1, y1, line, confidence]``: its box in PDF points with the origin at
the top-left corner of the page (as QtPdf draws), ``line`` its line number on the page in reading
order, ``confidence`` Tesseract's (0-100).
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

VERSION = 1
DIR_NAME = "ocr"
_HASH = re.compile(r"^[0-9a-f]{16,128}$")


@dataclass(frozen=True)
class Word:
    """A word read by OCR, its box in PDF points (origin top-left), its line on the page."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    line: int
    conf: float = -1.0


@dataclass
class OcrPage:
    """The words of one page read by OCR, in reading order."""

    number: int  # 1-based
    width: float  # points
    height: float  # points
    words: list[Word]

    @property
    def lines(self) -> list[str]:
        out: list[str] = []
        current = None
        for w in self.words:
            if w.line != current:
                out.append(w.text)
                current = w.line
            else:
                out[-1] += " " + w.text
        return out

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def directory(home: Path) -> Path:
    return Path(home) / DIR_NAME


def path_for(home: Path, content_hash: str) -> Path:
    if not _HASH.match(content_hash or ""):
        raise ValueError(f"not a content hash: {content_hash!r}")
    return directory(home) / f"{content_hash}.json.gz"


def _settings_key(settings) -> dict:
    return {"engine": "tesseract", "language": settings.language, "dpi": settings.dpi}


def save(home: Path, content_hash: str, pages: dict[int, OcrPage], settings) -> Path:
    """Write the word boxes of ``pages`` (atomically: a reader never sees half a file)."""
    target = path_for(home, content_hash)
    target.parent.mkdir(parents=True, exist_ok=True)
    payload = {"version": VERSION, **_settings_key(settings), "pages": {
        str(n): {"width": p.width, "height": p.height,
                 "words": [[w.text, w.x0, w.y0, w.x1, w.y1, w.line, w.conf] for w in p.words]}
        for n, p in sorted(pages.items())}}
    data = gzip.compress(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), mtime=0)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json.gz")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def load(home: Path, content_hash: str, settings=None) -> dict[int, OcrPage]:
    """The pages stored for this content; {} when none (or, with ``settings``, when read differently)."""
    try:
        path = path_for(home, content_hash)
        raw = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, EOFError) as exc:
        log.warning("unreadable OCR word file for %s: %s", content_hash, exc)
        return {}
    if not isinstance(raw, dict) or raw.get("version") != VERSION:
        return {}
    if settings is not None and any(raw.get(k) != v for k, v in _settings_key(settings).items()):
        return {}
    pages: dict[int, OcrPage] = {}
    try:
        for key, page in raw.get("pages", {}).items():
            words = [Word(str(t), float(a), float(b), float(c), float(d), int(line), float(conf))
                     for t, a, b, c, d, line, conf in page["words"]]
            pages[int(key)] = OcrPage(int(key), float(page["width"]), float(page["height"]), words)
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("malformed OCR word file for %s: %s", content_hash, exc)
        return {}
    return pages


def prune(home: Path, keep: set[str]) -> int:
    """Remove the word files of contents not in ``keep``; returns how many were removed."""
    folder = directory(home)
    if not folder.is_dir():
        return 0
    removed = 0
    for entry in folder.iterdir():
        name = entry.name
        digest = name.removesuffix(".json.gz")
        if name.endswith(".json.gz") and (digest not in keep or name.startswith(".tmp-")):
            try:
                entry.unlink()
                removed += 1
            except OSError as exc:
                log.warning("cannot remove %s: %s", entry, exc)
    return removed


def file_hash(path: str | Path) -> str:
    """SHA-256 of a file, as the sync computes it (the key of its word file)."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
