"""SQLite catalogue: sources, documents, chunks, FTS5 index and metadata.

WAL mode lets the desktop app read while the indexer writes. All writes go
through :meth:`Catalog.tx` (one explicit transaction each).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from . import textnorm
from .migrations import open_database

FINAL_STATUSES = ("indexed", "failed", "skipped", "needs_ocr")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class ChunkRow:
    id: str
    doc_id: str
    ord: int
    page_start: int
    page_end: int
    page_label: str
    section: str
    text: str
    space: str
    doc_type: str
    date_num: int
    terms: str | None = None  # the text as FTS5 stores it (textnorm.index_terms), when already computed
    context: str = ""  # the headings above the section (outline), searched with it in the FTS5 section column


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn, self.version = open_database(path)
        self.lock = threading.RLock()
        # term_frequencies' cache, valid for one index generation
        self._df_cache: dict[tuple[str, tuple[str, ...] | None], int] = {}
        self._df_generation: int | None = None
        self._present_spaces: set[str] = set()

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    # -- meta -----------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, conn: sqlite3.Connection, key: str, value: str) -> None:
        conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                     "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def generation(self) -> int:
        """Bumped at every committed change of indexed content (readers reopen Chroma on change)."""
        return int(self.get_meta("generation", "0") or 0)

    def bump_generation(self, conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO meta(key, value) VALUES ('generation', '1') "
                     "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")

    # -- sources --------------------------------------------------------------
    def add_source(self, path: str, space: str) -> int:
        with self.tx() as c:
            row = c.execute("SELECT id FROM sources WHERE path = ?", (path,)).fetchone()
            if row:
                c.execute("UPDATE sources SET space = ? WHERE id = ?", (space, row[0]))
                return int(row[0])
            cur = c.execute("INSERT INTO sources(path, space, added_at) VALUES (?, ?, ?)", (path, space, now_iso()))
            return int(cur.lastrowid)

    def sources(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM sources ORDER BY path").fetchall()

    def source_by_path(self, path: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM sources WHERE path = ?", (path,)).fetchone()

    # -- documents ------------------------------------------------------------
    def documents_of_source(self, source_id: int) -> dict[str, sqlite3.Row]:
        rows = self.conn.execute("SELECT * FROM documents WHERE source_id = ?", (source_id,)).fetchall()
        return {r["path"]: r for r in rows}

    def document(self, doc_id: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()

    def indexed_twin(self, content_hash: str, exclude_id: str) -> sqlite3.Row | None:
        """Another indexed document with the same content (a copy): its vectors can be reused."""
        return self.conn.execute(
            "SELECT * FROM documents WHERE content_hash = ? AND status = 'indexed' AND id != ? LIMIT 1",
            (content_hash, exclude_id)).fetchone()

    def unfinished(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT * FROM documents WHERE status IN ('indexing', 'deleting')").fetchall()

    def upsert_document(self, conn: sqlite3.Connection, **fields: object) -> None:
        cols = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        updates = ", ".join(f"{k} = excluded.{k}" for k in fields if k != "id")
        conn.execute(f"INSERT INTO documents({cols}) VALUES ({marks}) "
                     f"ON CONFLICT(id) DO UPDATE SET {updates}", tuple(fields.values()))

    def delete_chunks(self, conn: sqlite3.Connection, doc_id: str) -> None:
        conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT rowid FROM chunks WHERE doc_id = ?)", (doc_id,))
        conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))

    def insert_chunks(self, conn: sqlite3.Connection, rows: Iterable[ChunkRow], title: str) -> None:
        title_terms = textnorm.index_terms(title)
        section_terms: dict[str, str] = {}
        for r in rows:
            cur = conn.execute(
                "INSERT INTO chunks(id, doc_id, ord, page_start, page_end, page_label, section, context, text, "
                "space, doc_type, date_num) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (r.id, r.doc_id, r.ord, r.page_start, r.page_end, r.page_label, r.section, r.context, r.text,
                 r.space, r.doc_type, r.date_num))
            heading = f"{r.context} {r.section}" if r.context else r.section
            if heading not in section_terms:
                section_terms[heading] = textnorm.index_terms(heading)
            conn.execute("INSERT INTO chunks_fts(rowid, title, section, body) VALUES (?, ?, ?, ?)",
                         (cur.lastrowid, title_terms, section_terms[heading],
                          r.terms if r.terms is not None else textnorm.index_terms(r.text)))

    def chunks_of(self, doc_id: str) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM chunks WHERE doc_id = ? ORDER BY ord", (doc_id,)).fetchall()

    def following(self, chunk_id: str) -> sqlite3.Row | None:
        """The passage after ``chunk_id`` in its document when both lie on one and the same page (a citation
        names one page), else None."""
        return self.conn.execute(
            "SELECT n.* FROM chunks c JOIN chunks n ON n.doc_id = c.doc_id AND n.ord = c.ord + 1 "
            "AND n.page_start = c.page_start AND n.page_end = c.page_start AND c.page_end = c.page_start "
            "WHERE c.id = ?", (chunk_id,)).fetchone()

    def continuation(self, chunk_id: str, text: str) -> sqlite3.Row | None:
        """The passage that ``text`` (the passage ``chunk_id``) announces when it ends with a colon (« … un
        élément proportionnel au traitement : »): the list or table after it on the same page; else None."""
        return self.following(chunk_id) if text.rstrip().endswith(":") else None

    def chunk_rows(self, ids: list[str]) -> dict[str, sqlite3.Row]:
        if not ids:
            return {}
        marks = ",".join("?" for _ in ids)
        rows = self.conn.execute(
            f"SELECT c.*, d.title AS title, d.path AS path, d.status AS status, d.format AS format, "
            f"d.doc_date AS doc_date, d.unit AS unit FROM chunks c JOIN documents d ON d.id = c.doc_id "
            f"WHERE c.id IN ({marks})", ids).fetchall()
        return {r["id"]: r for r in rows}

    DF_CAP = 1000
    """Document frequencies within a set of spaces are counted up to this many passages: above it a word
    is common and its IDF weight barely changes, and counting stops early (the "not found" decision runs
    before every answer)."""

    def term_frequencies(self, terms: list[str], spaces: list[str] | None = None) -> tuple[dict[str, int], int]:
        """Number of indexed passages containing each (stemmed) term, and the number of passages, counted
        within ``spaces`` only (None: all): what a profile may not read must not change its answers.
        A term of several words (« plac du march ») is counted as a phrase, up to ``DF_CAP``.
        Counts are cached until the index changes (its generation)."""
        if not terms:
            return {}, 0
        with self.lock:
            generation = self.generation()
            if self._df_generation != generation or len(self._df_cache) > 100_000:
                self._df_cache = {}
                self._df_generation = generation
                self._present_spaces = {r[0] for r in self.conn.execute("SELECT DISTINCT space FROM chunks")}
            key = None if spaces is None or set(spaces) >= self._present_spaces else tuple(sorted(set(spaces)))
            todo = [t for t in terms if (t, key) not in self._df_cache]
            if key is None:
                for t in [t for t in todo if " " in t]:  # phrases: not in the vocabulary table
                    self._df_cache[(t, key)] = self.conn.execute(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)",
                        ['"' + t.replace('"', '""') + '"', self.DF_CAP]).fetchone()[0]
                todo = [t for t in todo if " " not in t]
            if todo and key is None:
                marks = ",".join("?" for _ in todo)
                found = dict(self.conn.execute(
                    f"SELECT term, doc FROM chunks_fts_vocab WHERE term IN ({marks})", todo).fetchall())
                for t in todo:
                    self._df_cache[(t, key)] = found.get(t, 0)
            elif todo:
                marks = ",".join("?" for _ in key) or "NULL"
                for t in todo:
                    self._df_cache[(t, key)] = self.conn.execute(
                        "SELECT COUNT(*) FROM (SELECT 1 FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
                        f"WHERE chunks_fts MATCH ? AND c.space IN ({marks}) LIMIT ?)",
                        ['"' + t.replace('"', '""') + '"', *key, self.DF_CAP]).fetchone()[0]
            if ("\x00total", key) not in self._df_cache:
                if key is None:
                    total = self.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
                else:
                    marks = ",".join("?" for _ in key) or "NULL"
                    total = self.conn.execute(f"SELECT COUNT(*) FROM chunks WHERE space IN ({marks})",
                                              list(key)).fetchone()[0]
                self._df_cache[("\x00total", key)] = total
            return {t: self._df_cache[(t, key)] for t in terms}, self._df_cache[("\x00total", key)]

    # -- reports --------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        out = {"sources": self.conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0]}
        for status, n in self.conn.execute("SELECT status, COUNT(*) FROM documents GROUP BY status"):
            out[f"documents_{status}"] = n
        out["chunks"] = self.conn.execute(
            "SELECT COUNT(*) FROM chunks c JOIN documents d ON d.id = c.doc_id "
            "WHERE d.status = 'indexed'").fetchone()[0]
        out["pages"] = self.conn.execute(
            "SELECT COALESCE(SUM(pages), 0) FROM documents WHERE status = 'indexed'").fetchone()[0]
        return out

    def problems(self) -> list[sqlite3.Row]:
        return self.conn.execute(
            "SELECT path, status, reason, reason_params, warnings, format FROM documents "
            "WHERE status IN ('failed', 'skipped', 'needs_ocr') OR warnings IS NOT NULL ORDER BY path").fetchall()


def dumps(value: object) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None
