"""Numbered migrations of the SQLite catalogue.

Each ``mNNN_name()`` returns the SQL that upgrades the schema by one step; the version reached
is kept in ``PRAGMA user_version``. Never edit a released migration: add one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable


def m001_initial() -> str:
    return """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE sources (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        space TEXT NOT NULL DEFAULT 'general',
        added_at TEXT NOT NULL,
        synced_at TEXT
    );
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
        path TEXT NOT NULL UNIQUE,
        content_hash TEXT,
        size INTEGER,
        mtime_ns INTEGER,
        format TEXT,
        title TEXT,
        doc_type TEXT,
        doc_date TEXT,
        space TEXT NOT NULL,
        pages INTEGER,
        unit TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        reason_params TEXT,
        warnings TEXT,
        chunks INTEGER NOT NULL DEFAULT 0,
        ocr_pages INTEGER NOT NULL DEFAULT 0,
        metadata TEXT,
        indexed_at TEXT
    );
    CREATE INDEX documents_hash ON documents(content_hash);
    CREATE INDEX documents_source ON documents(source_id);
    CREATE INDEX documents_status ON documents(status);
    CREATE TABLE chunks (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        ord INTEGER NOT NULL,
        page_start INTEGER NOT NULL,
        page_end INTEGER NOT NULL,
        page_label TEXT,
        section TEXT,
        text TEXT NOT NULL,
        space TEXT NOT NULL,
        doc_type TEXT,
        date_num INTEGER
    );
    CREATE INDEX chunks_doc ON chunks(doc_id, ord);
    CREATE INDEX chunks_space ON chunks(space);
    CREATE VIRTUAL TABLE chunks_fts USING fts5(
        title, section, body, tokenize = 'unicode61 remove_diacritics 2'
    );
    """


def m002_fts_vocabulary() -> str:
    """Document frequency of every indexed term (for the "not found" decision)."""
    return "CREATE VIRTUAL TABLE chunks_fts_vocab USING fts5vocab('chunks_fts', 'row')"


def m003_personal_data() -> str:
    """Kinds and counts of personal data found in each document (for the DPO); never the values."""
    return "ALTER TABLE documents ADD COLUMN pii TEXT"


def m004_acts() -> str:
    """Structure of administrative acts (number, date, vote…) and the acts each one amends or repeals."""
    return """
    CREATE TABLE acts (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        kind TEXT NOT NULL DEFAULT '',
        number TEXT NOT NULL DEFAULT '',
        act_date TEXT NOT NULL DEFAULT '',
        procurement TEXT NOT NULL DEFAULT '',
        info TEXT NOT NULL
    );
    CREATE INDEX acts_number ON acts(number);
    CREATE INDEX acts_procurement ON acts(procurement);
    CREATE TABLE act_links (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        relation TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT '',
        number TEXT NOT NULL DEFAULT '',
        act_date TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX act_links_doc ON act_links(doc_id);
    CREATE INDEX act_links_number ON act_links(number);
    CREATE INDEX act_links_date ON act_links(act_date);
    CREATE INDEX acts_date ON acts(act_date);
    """


def m005_outline() -> str:
    """The headings above a passage's section (« Titre IV — Autorisations spéciales d'absence »), searched with
    it. Passages indexed before keep an empty outline until their file is read again."""
    return "ALTER TABLE chunks ADD COLUMN context TEXT NOT NULL DEFAULT ''"


MIGRATIONS: list[Callable[[], str]] = [m001_initial, m002_fts_vocabulary, m003_personal_data, m004_acts,
                                       m005_outline]


def _statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (trigger bodies keep their inner semicolons)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip().strip(";").strip():
                out.append(buf)
            buf = ""
    if buf.strip():
        out.append(buf + ";")
    return out


def migrate(conn: sqlite3.Connection, migrations: list[Callable[[], str]] | None = None) -> int:
    """Apply pending migrations (the catalogue's by default; other databases pass their own list,
    e.g. the audit log); returns the schema version.

    Each step runs in one ``BEGIN IMMEDIATE`` transaction that re-reads the version first, so two
    processes (or threads) opening a new database at once apply each step exactly once, and a crash
    leaves the previous version intact. ``conn`` must be in autocommit mode (isolation_level=None).
    """
    steps = MIGRATIONS if migrations is None else migrations
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(steps):
        from . import errors

        raise errors.PasseurError(
            fr=(f"Ce dossier de données a été écrit par une version plus récente de Passeur (schéma {version} ; "
                f"cette version connaît le schéma {len(steps)}). Installez la dernière version de Passeur ou "
                "restaurez une sauvegarde du dossier de données."),
            en=f"database schema {version} is newer than this program's ({len(steps)})")
    for number, step in enumerate(steps, start=1):
        if number <= version:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if number > version:
                for statement in _statements(step()):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")
                version = number
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return version


def open_database(path: Path, migrations: list[Callable[[], str]] | None = None, *,
                  synchronous: str = "NORMAL") -> tuple[sqlite3.Connection, int]:
    """Open (creating it if needed) one of Passeur's SQLite files the same way everywhere: autocommit
    mode with explicit transactions, WAL so readers never block the writer, foreign keys on, rows by
    name; then apply its migrations. Returns the connection and the schema version."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn, migrate(conn, migrations)
