"""Incremental synchronisation of sources into the store.

A sync walks each source, compares size and mtime with the catalogue (no read
of unchanged files), hashes new and changed files, and then:
- same hash at a new path while the old path is gone: a move (no re-embedding);
- same hash as an indexed document elsewhere: a copy (its vectors are reused);
- otherwise the file is read, chunked, embedded and written.

Write protocol, for crash safety: the document row is first committed with
status ``indexing``; chunks go to SQLite and Chroma batch by batch; the
status becomes ``indexed`` last. A ``kill -9`` anywhere leaves either the old
state or an ``indexing``/``deleting`` row that :meth:`Store.reconcile`
cleans up before the next sync re-reads the file.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from . import legal, ocr, ocr_store
from .catalog import FINAL_STATUSES, ChunkRow, dumps, now_iso
from .parse import ReadAhead, parse_file
from .readers import EXT_FORMAT
from .store import Store
from .writes import WriteBuffer

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    moved: int = 0
    copied: int = 0
    deleted: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    needs_ocr: int = 0
    ocr_pages: int = 0  # pages whose text was read by OCR
    warnings: int = 0
    chunks: int = 0
    pages: int = 0
    files_read: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    problems: list[tuple[str, str, dict]] = field(default_factory=list)

    def merge(self, other: "SyncReport") -> None:
        for name in ("added", "updated", "moved", "copied", "deleted", "unchanged", "failed", "skipped",
                     "needs_ocr", "ocr_pages", "warnings", "chunks", "pages", "files_read", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.cancelled = self.cancelled or other.cancelled
        self.problems.extend(other.problems)


@dataclass
class FileInfo:
    path: str
    size: int
    mtime_ns: int


def file_hash(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def walk(root: Path, ignore: list[str], exclude: frozenset[str] = frozenset()) -> Iterator[FileInfo]:
    """Every regular file under root (or root itself), with its stat; links are not followed.
    Folders in ``exclude`` (nested sources with their own space) are not entered."""
    if root.is_file():
        st = root.stat()
        yield FileInfo(str(root), st.st_size, st.st_mtime_ns)
        return
    stack = [str(root)]
    while stack:
        current = stack.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda e: e.name)
        except OSError as exc:
            log.warning("cannot list %s: %s", current, exc)
            continue
        for entry in entries:
            if any(fnmatch.fnmatch(entry.name, pat) for pat in ignore):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.path not in exclude:
                        stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    yield FileInfo(entry.path, st.st_size, st.st_mtime_ns)
            except OSError as exc:
                log.warning("cannot stat %s: %s", entry.path, exc)


def _date_num(value: str | None) -> int:
    return int(value.replace("-", "")) if value else 0


class Syncer:
    def __init__(self, store: Store, progress: Progress | None = None,
                 cancel: threading.Event | None = None) -> None:
        self.store = store
        self.settings = store.settings
        self.catalog = store.catalog
        self.progress = progress
        self.cancel = cancel or threading.Event()
        self._ahead: ReadAhead | None = None
        self._writes = WriteBuffer(store, self.settings.index.embed_batch, self.settings.index.write_batch)

    # -- entry points -----------------------------------------------------------
    def sync_all(self) -> SyncReport:
        report = SyncReport()
        self.store.reconcile()
        for source in self.catalog.sources():
            report.merge(self.sync_source(source, reconciled=True))
            if report.cancelled:
                break
        if not report.cancelled:  # word boxes of contents no longer indexed
            ocr_store.prune(self.settings.home, {r[0] for r in self.catalog.conn.execute(
                "SELECT content_hash FROM documents WHERE content_hash IS NOT NULL")})
        return report

    def sync_source(self, source, reconciled: bool = False) -> SyncReport:
        started = time.perf_counter()
        if not reconciled:
            self.store.reconcile()
        report = SyncReport()
        root = Path(source["path"])
        nested = frozenset(s["path"] for s in self.catalog.sources()
                           if s["id"] != source["id"] and s["path"].startswith(str(root) + os.sep))
        self._adopt(source, nested)
        known = self.catalog.documents_of_source(source["id"])
        present: dict[str, FileInfo] = {}
        if root.exists():
            for info in walk(root, self.settings.index.ignore, nested):
                present[info.path] = info
        else:
            log.warning("source %s is missing: its documents are kept until it comes back", root)
            present = {p: FileInfo(p, r["size"] or 0, r["mtime_ns"] or 0) for p, r in known.items()}

        todo: list[FileInfo] = []
        for path, info in present.items():
            row = known.get(path)
            if (row is not None and row["status"] in FINAL_STATUSES and row["content_hash"]
                    and row["size"] == info.size and row["mtime_ns"] == info.mtime_ns
                    and not ocr.retry_worthy(row["warnings"], self.settings.ocr)):
                report.unchanged += 1
            else:
                todo.append(info)
        gone = {p: r for p, r in known.items() if p not in present}
        gone_by_hash = {r["content_hash"]: r for r in gone.values() if r["content_hash"]}

        total = len(todo)
        digests: dict[str, str] = {}  # hashes computed while looking ahead
        if self.settings.index.read_ahead > 0 and len(todo) > 1:
            self._ahead = ReadAhead(self.settings, self.settings.index.read_timeout_s)
            self._ahead.start()  # its start-up overlaps the first files, read here meanwhile
        try:
            for done, info in enumerate(todo):
                if self.cancel.is_set():
                    report.cancelled = True
                    break
                if self.progress:
                    self.progress(done, total, info.path)
                self._look_ahead(todo, done + 1, known, gone_by_hash, digests)
                try:
                    self._one_file(source, info, known.get(info.path), gone, gone_by_hash, report,
                                   digests.pop(info.path, None))
                except Exception as exc:  # noqa: BLE001 - one file must never stop the sync
                    log.exception("unexpected failure on %s", info.path)
                    self._record_failure(source, info, known.get(info.path), None, "error",
                                         {"detail": f"{type(exc).__name__}: {exc}"[:300]}, report)
        finally:
            if self._ahead is not None:
                self._ahead.close()
                self._ahead = None
            self._writes.flush()  # a failure marks the waiting documents failed, in the report too
        if self.progress and not report.cancelled:
            self.progress(total, total, "")
        if not report.cancelled:
            for row in gone.values():
                self.remove_document(row)
                report.deleted += 1
            with self.catalog.tx() as c:
                c.execute("UPDATE sources SET synced_at = ? WHERE id = ?", (now_iso(), source["id"]))
        report.seconds = time.perf_counter() - started
        return report

    def _look_ahead(self, todo: list[FileInfo], start: int, known: dict, gone_by_hash: dict,
                    digests: dict[str, str]) -> None:
        """Queue the next files that will need reading on the worker process, so that it reads and chunks
        them while this process embeds. Only files that look like full ingestions are queued (supported,
        within the size limit, new content that is neither a move nor a copy); the decision is taken again
        when their turn comes, and a parse that turns out not to be needed is simply dropped."""
        ahead = self._ahead
        if ahead is None:
            return
        idx = self.settings.index
        for info in todo[start:start + idx.read_ahead]:
            if info.path in ahead or info.path in digests:
                continue
            if (Path(info.path).suffix.lower() not in idx.extensions
                    or info.size > idx.max_file_mb * 1024 * 1024):
                continue
            try:
                digest = file_hash(info.path)
            except OSError:
                continue  # reported when its turn comes
            digests[info.path] = digest
            row = known.get(info.path)
            if ((row is not None and row["content_hash"] == digest and row["status"] in FINAL_STATUSES)
                    or digest in gone_by_hash or self.catalog.indexed_twin(digest, "") is not None):
                continue
            ahead.submit(info.path, digest, info.mtime_ns)

    def _adopt(self, source, nested: frozenset[str]) -> None:
        """Take over documents indexed by an enclosing source: a sub-folder registered with its own
        space gives its files that space (vectors kept, metadata updated in both stores)."""
        root = source["path"]
        rows = self.catalog.conn.execute(
            "SELECT * FROM documents WHERE source_id != ? AND substr(path, 1, ?) = ?",
            (source["id"], len(root) + 1, root + os.sep)).fetchall()
        for row in rows:
            if any(row["path"].startswith(n + os.sep) for n in nested):
                continue
            owner = self.catalog.conn.execute("SELECT path FROM sources WHERE id = ?", (row["source_id"],)).fetchone()
            if owner is not None and len(owner[0]) > len(root):
                continue  # it belongs to a more specific source
            ids = [r["id"] for r in self.catalog.chunks_of(row["id"])]
            self.store.vectors.update_metadata(ids, [{"space": source["space"]} for _ in ids])
            with self.catalog.tx() as c:
                c.execute("UPDATE documents SET source_id = ?, space = ? WHERE id = ?",
                          (source["id"], source["space"], row["id"]))
                c.execute("UPDATE chunks SET space = ? WHERE doc_id = ?", (source["space"], row["id"]))
                self.catalog.bump_generation(c)
            self.store.mark_seen()

    # -- one file -----------------------------------------------------------------
    def _one_file(self, source, info: FileInfo, row, gone: dict, gone_by_hash: dict, report: SyncReport,
                  digest: str | None = None) -> None:
        ext = Path(info.path).suffix.lower()
        if ext not in self.settings.index.extensions:
            if row is None or row["status"] != "skipped":
                self._record_failure(source, info, row, None, "unsupported", {"ext": ext or "sans extension"},
                                     report, status="skipped")
            else:
                self._touch(row, info, row["content_hash"])
                report.skipped += 1
            return
        if info.size > self.settings.index.max_file_mb * 1024 * 1024:
            self._record_failure(source, info, row, None, "too_large",
                                 {"size_mb": round(info.size / 1048576), "limit_mb": self.settings.index.max_file_mb},
                                 report, status="skipped")
            return
        try:
            digest = digest or file_hash(info.path)
        except PermissionError:
            self._record_failure(source, info, row, None, "unreadable", {}, report)
            return
        except OSError as exc:
            self._record_failure(source, info, row, None, "error", {"detail": str(exc)[:200]}, report)
            return
        report.files_read += 1
        if (row is not None and row["content_hash"] == digest and row["status"] in FINAL_STATUSES
                and not ocr.retry_worthy(row["warnings"], self.settings.ocr)):
            self._touch(row, info, digest)  # same content, new mtime
            report.unchanged += 1
            return
        if row is None and digest in gone_by_hash:
            old = gone_by_hash.pop(digest)
            gone.pop(old["path"], None)
            self._move(old, source, info)
            report.moved += 1
            return
        doc_id = row["id"] if row is not None else hashlib.sha1(
            f"{source['id']}:{info.path}:{digest}".encode()).hexdigest()[:16]
        if self._writes.has_content(digest):
            self._writes.flush()  # an identical file was just indexed: make it a twin to copy from
        twin = self.catalog.indexed_twin(digest, doc_id)
        if twin is not None:
            self._copy(twin, doc_id, source, info, digest)
            report.copied += 1
            return
        self._ingest(source, info, row, doc_id, digest, report)

    def _touch(self, row, info: FileInfo, digest: str | None) -> None:
        with self.catalog.tx() as c:
            c.execute("UPDATE documents SET size = ?, mtime_ns = ?, content_hash = ? WHERE id = ?",
                      (info.size, info.mtime_ns, digest, row["id"]))

    def _record_failure(self, source, info: FileInfo, row, digest: str | None, code: str, params: dict,
                        report: SyncReport, status: str = "failed") -> None:
        doc_id = row["id"] if row is not None else hashlib.sha1(
            f"{source['id']}:{info.path}".encode()).hexdigest()[:16]
        if row is not None and row["chunks"]:
            self.store.vectors.delete_doc(doc_id)
        with self.catalog.tx() as c:
            self.catalog.delete_chunks(c, doc_id)
            self.catalog.upsert_document(
                c, id=doc_id, source_id=source["id"], path=info.path, content_hash=digest or f"stat:{info.size}",
                size=info.size, mtime_ns=info.mtime_ns, format=Path(info.path).suffix.lower().lstrip("."),
                title=Path(info.path).stem, doc_type=None, doc_date=None, space=source["space"], pages=0,
                unit=None, status=status, reason=code, reason_params=dumps(params), warnings=None, chunks=0,
                ocr_pages=0, metadata=None, indexed_at=now_iso())
            legal.forget(c, doc_id)
            self.catalog.bump_generation(c)
        self.store.mark_seen()
        if status == "skipped":
            report.skipped += 1
        elif status == "needs_ocr":
            report.needs_ocr += 1
        else:
            report.failed += 1
        report.problems.append((info.path, code, params))

    def _move(self, old, source, info: FileInfo) -> None:
        ids = [r["id"] for r in self.catalog.chunks_of(old["id"])]
        self.store.vectors.update_metadata(ids, [{"path": info.path, "space": source["space"]} for _ in ids])
        with self.catalog.tx() as c:
            c.execute("UPDATE documents SET path = ?, source_id = ?, size = ?, mtime_ns = ?, space = ? WHERE id = ?",
                      (info.path, source["id"], info.size, info.mtime_ns, source["space"], old["id"]))
            c.execute("UPDATE chunks SET space = ? WHERE doc_id = ?", (source["space"], old["id"]))
            self.catalog.bump_generation(c)
        self.store.mark_seen()

    def _copy(self, twin, doc_id: str, source, info: FileInfo, digest: str) -> None:
        """Index a copy of an already indexed file by reusing its chunks and vectors."""
        chunks = self.catalog.chunks_of(twin["id"])
        vecs = self.store.vectors.vectors([r["id"] for r in chunks])
        space = source["space"]
        fields = {k: twin[k] for k in ("format", "title", "doc_type", "doc_date", "pages", "unit", "reason",
                                       "reason_params", "ocr_pages", "metadata", "pii")}
        # Warnings that depend on the file name are recomputed for the copy's name.
        warnings = [w for w in json.loads(twin["warnings"] or "[]") if w[0] != "wrong_extension"]
        claimed = EXT_FORMAT.get(Path(info.path).suffix.lower())
        if claimed and claimed != twin["format"] and {claimed, twin["format"]} != {"txt", "md"}:
            warnings.append(["wrong_extension", {"format": twin["format"].upper()}])
        fields["warnings"] = dumps(warnings)
        with self.catalog.tx() as c:
            self.catalog.delete_chunks(c, doc_id)
            self.catalog.upsert_document(c, id=doc_id, source_id=source["id"], path=info.path, content_hash=digest,
                                         size=info.size, mtime_ns=info.mtime_ns, space=space, status="indexing",
                                         chunks=0, indexed_at=None, **fields)
        self.store.vectors.delete_doc(doc_id)
        rows = [ChunkRow(f"{doc_id}:{r['ord']}", doc_id, r["ord"], r["page_start"], r["page_end"], r["page_label"],
                         r["section"], r["text"], space, r["doc_type"], r["date_num"], context=r["context"])
                for r in chunks]
        with self.catalog.tx() as c:
            self.catalog.insert_chunks(c, rows, twin["title"])
        self._writes.add_vectors(rows, [vecs[r["id"]] for r in chunks], info.path)
        if not self._writes.flush():
            raise RuntimeError("vector write failed")  # the document is reported failed by the caller
        with self.catalog.tx() as c:
            c.execute("UPDATE documents SET status = 'indexed', chunks = ?, indexed_at = ? WHERE id = ?",
                      (len(rows), now_iso(), doc_id))
            legal.copy(c, twin["id"], doc_id)
            self.catalog.bump_generation(c)
        self.store.mark_seen()

    # -- full ingestion -----------------------------------------------------------
    def _ingest(self, source, info: FileInfo, row, doc_id: str, digest: str, report: SyncReport) -> None:
        parsed = self._ahead.take(info.path, digest) if self._ahead is not None else None
        if parsed is None:
            parsed = parse_file(info.path, digest, info.mtime_ns, self.settings)
        if parsed.error is not None:
            code, params = parsed.error
            self._record_failure(source, info, row, digest, code, params, report, status=parsed.error_status)
            return
        title, doc_type, doc_date = parsed.title, parsed.doc_type, parsed.doc_date
        space = source["space"]
        date_num = _date_num(doc_date)
        was_indexed = row is not None and row["chunks"]
        report.ocr_pages += parsed.ocr_read

        with self.catalog.tx() as c:
            self.catalog.delete_chunks(c, doc_id)
            self.catalog.upsert_document(
                c, id=doc_id, source_id=source["id"], path=info.path, content_hash=digest, size=info.size,
                mtime_ns=info.mtime_ns, format=parsed.format, title=title, doc_type=doc_type, doc_date=doc_date,
                space=space, pages=parsed.page_count, unit=parsed.unit, status="indexing", reason=None,
                reason_params=None, warnings=None, chunks=0, ocr_pages=0,
                metadata=dumps({**parsed.metadata, "dates": parsed.dates}), indexed_at=None)
        if was_indexed:
            self.store.vectors.delete_doc(doc_id)

        rows = [ChunkRow(f"{doc_id}:{ch.ord}", doc_id, ch.ord, ch.page_start, ch.page_end, ch.page_label,
                         ch.section, ch.text, space, doc_type, date_num, terms, ch.context)
                for ch, terms in zip(parsed.chunks, parsed.terms)]
        if rows:
            with self.catalog.tx() as c:
                self.catalog.insert_chunks(c, rows, title)

        n_chunks = len(parsed.chunks)
        ocr_pages = parsed.empty_pages
        warnings = parsed.warnings
        if n_chunks == 0:
            status, reason = ("needs_ocr", "needs_ocr") if ocr_pages else ("failed", "no_text")
        else:
            status, reason = "indexed", None
        if self.catalog.get_meta("embedding_model") is None:
            with self.catalog.tx() as c:
                self.catalog.set_meta(c, "embedding_model", self.store.model_id)
        def finish(c) -> None:
            c.execute("UPDATE documents SET status = ?, reason = ?, warnings = ?, chunks = ?, ocr_pages = ?, "
                      "pages = ?, indexed_at = ?, pii = ? WHERE id = ?",
                      (status, reason, dumps([[w, p] for w, p in warnings]), n_chunks, ocr_pages,
                       parsed.page_count or parsed.seen_pages, now_iso(), dumps(parsed.pii), doc_id))
            if status == "indexed":
                legal.save(c, doc_id, parsed.act)
            else:
                legal.forget(c, doc_id)

        report.pages += parsed.seen_pages
        report.chunks += n_chunks
        if warnings:
            report.warnings += len(warnings)
            for code, params in warnings:
                report.problems.append((info.path, code, params))
        counter = "added" if row is None else "updated"
        if status == "indexed":
            setattr(report, counter, getattr(report, counter) + 1)
        elif status == "needs_ocr":
            report.needs_ocr += 1
            report.problems.append((info.path, "needs_ocr", {}))
        else:
            report.failed += 1
            report.problems.append((info.path, reason or "no_text", {}))

        def failed(detail: str) -> None:  # the model or Chroma failed before this document was finished
            if status == "indexed":
                setattr(report, counter, getattr(report, counter) - 1)
            elif status == "needs_ocr":
                report.needs_ocr -= 1
            else:
                report.failed -= 1
            report.failed += 1
            report.chunks -= n_chunks
            report.problems.append((info.path, "error", {"detail": detail}))

        # The document becomes 'indexed' once its vectors are in Chroma (see indexer.writes).
        self._writes.add_document(doc_id, digest, info.path, rows, [ch.embed_text(title) for ch in parsed.chunks],
                                  finish, failed, token_ids=parsed.token_ids)

    # -- removal --------------------------------------------------------------------
    def remove_document(self, row) -> None:
        with self.catalog.tx() as c:
            c.execute("UPDATE documents SET status = 'deleting' WHERE id = ?", (row["id"],))
        self.store.vectors.delete_doc(row["id"])
        with self.catalog.tx() as c:
            self.catalog.delete_chunks(c, row["id"])
            c.execute("DELETE FROM documents WHERE id = ?", (row["id"],))
            self.catalog.bump_generation(c)
        self.store.mark_seen()
