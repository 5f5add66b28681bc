"""Upgrades keep the index: a catalogue written at any earlier schema version opens with the current code,
its rows intact and its schema brought to the latest version.

Each earlier version is built with the real machinery (``migrate`` over the first N migrations), filled
with representative rows (a source, an indexed and a failed document, passages and their FTS5 entries),
then opened through :class:`indexer.catalog.Catalog`, as the app does after an upgrade.
"""

import sqlite3
from contextlib import closing

import pytest

from indexer import errors, migrations, textnorm
from indexer.catalog import Catalog

CURRENT = len(migrations.MIGRATIONS)
PASSAGES = [
    ("Article 1 — Tarifs", "Le repas d'un enfant non résident est facturé 5,10 € à la cantine."),
    ("Article 2 — Tarif social", "Les familles dont le quotient familial est inférieur à 650 paient 1,00 €."),
]


def _create_at(path, version: int) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), isolation_level=None)
    assert migrations.migrate(conn, migrations.MIGRATIONS[:version]) == version
    return conn


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def _fill(conn: sqlite3.Connection) -> None:
    """Rows as an older Passeur wrote them: only the columns its schema had."""
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                     [("generation", "7"), ("embedding_model", "usem3-multilingual-v3")])
    conn.execute("INSERT INTO sources(id, path, space, added_at, synced_at) VALUES "
                 "(1, '/srv/partage/deliberations', 'general', '2025-09-01T08:00:00+00:00', "
                 "'2025-09-02T08:00:00+00:00')")
    doc_cols = set(_columns(conn, "documents"))
    documents = [
        {"id": "d1", "source_id": 1, "path": "/srv/partage/deliberations/DEL-2025-041.pdf", "content_hash": "ab12",
         "size": 48213, "mtime_ns": 1_750_000_000_000_000_000, "format": "pdf",
         "title": "Tarifs de la restauration scolaire", "doc_type": "deliberation", "doc_date": "2025-06-24",
         "space": "general", "pages": 3, "unit": "page", "status": "indexed", "chunks": 2,
         "indexed_at": "2025-09-02T08:00:00+00:00", "pii": '{"phone": 1}'},
        {"id": "d2", "source_id": 1, "path": "/srv/partage/deliberations/DEL-2024-049.pdf", "content_hash": "cd34",
         "size": 9120, "format": "pdf", "space": "general", "status": "needs_ocr", "reason": "needs_ocr",
         "reason_params": "{}", "chunks": 0},
    ]
    for doc in documents:
        doc = {k: v for k, v in doc.items() if k in doc_cols}  # e.g. no ``pii`` before migration 3
        conn.execute(f"INSERT INTO documents({', '.join(doc)}) VALUES ({', '.join('?' for _ in doc)})",
                     tuple(doc.values()))
    for ord_, (section, text) in enumerate(PASSAGES):
        cur = conn.execute(
            "INSERT INTO chunks(id, doc_id, ord, page_start, page_end, page_label, section, text, space, doc_type, "
            "date_num) VALUES (?, 'd1', ?, 2, 2, '2', ?, ?, 'general', 'deliberation', 20250624)",
            (f"d1:{ord_}", ord_, section, text))
        conn.execute("INSERT INTO chunks_fts(rowid, title, section, body) VALUES (?, ?, ?, ?)",
                     (cur.lastrowid, textnorm.index_terms("Tarifs de la restauration scolaire"),
                      textnorm.index_terms(section), textnorm.index_terms(text)))
    conn.execute("COMMIT")


def _snapshot(conn: sqlite3.Connection) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of every ordinary table (FTS5 shadow tables aside: checked by querying the index)."""
    virtual = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
    out = {}
    for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'").fetchall():
        if any(table.startswith(v + "_") for v in virtual):
            continue
        cols = _columns(conn, table)
        out[table] = (cols, conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid").fetchall())
    return out


def test_migrations_are_numbered_steps():
    assert CURRENT >= 1
    assert [step.__name__[:4] for step in migrations.MIGRATIONS] == [f"m{n:03d}" for n in range(1, CURRENT + 1)]


@pytest.mark.parametrize("version", range(1, CURRENT))
def test_catalogue_from_previous_schema_is_upgraded_with_its_data(tmp_path, version):
    path = tmp_path / "catalog.sqlite3"
    with closing(_create_at(path, version)) as old:
        _fill(old)
        before = _snapshot(old)

    cat = Catalog(path)  # what the new version does when it opens the data folder
    try:
        assert cat.version == CURRENT
        assert cat.conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT
        after = _snapshot(cat.conn)
        for table, (cols, rows) in before.items():
            assert table in after, f"table {table} lost by the upgrade from version {version}"
            new_cols, _ = after[table]
            assert set(cols) <= set(new_cols), f"columns of {table} lost: {set(cols) - set(new_cols)}"
            kept = cat.conn.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY rowid").fetchall()
            assert [tuple(r) for r in kept] == [tuple(r) for r in rows], f"rows of {table} changed"

        # The catalogue API reads the old rows.
        assert [s["path"] for s in cat.sources()] == ["/srv/partage/deliberations"]
        assert cat.get_meta("embedding_model") == "usem3-multilingual-v3" and cat.generation() == 7
        doc = cat.document("d1")
        assert doc["title"] == "Tarifs de la restauration scolaire" and doc["status"] == "indexed"
        if "pii" in doc.keys() and version < 3:
            assert doc["pii"] is None  # added by migration 3, empty for documents indexed before
        assert [c["text"] for c in cat.chunks_of("d1")] == [text for _, text in PASSAGES]
        rows = cat.chunk_rows(["d1:0"])
        assert rows["d1:0"]["path"].endswith("DEL-2025-041.pdf")
        counts = cat.counts()
        assert counts["sources"] == 1 and counts["documents_indexed"] == 1 and counts["chunks"] == 2
        assert counts["documents_needs_ocr"] == 1
        assert [p["path"] for p in cat.problems()] == ["/srv/partage/deliberations/DEL-2024-049.pdf"]

        # The full-text index written before the upgrade still answers, with the current query code.
        term = textnorm.index_terms("résident")
        hits = cat.conn.execute("SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?", [f'"{term}"']).fetchall()
        assert [h[0] for h in hits] == [cat.conn.execute("SELECT rowid FROM chunks WHERE id = 'd1:0'").fetchone()[0]]
        df, total = cat.term_frequencies([textnorm.index_terms("cantine"), textnorm.index_terms("quotient")])
        assert total == 2 and set(df.values()) == {1}
        df, total = cat.term_frequencies([textnorm.index_terms("cantine")], spaces=["general"])
        assert (df, total) == ({textnorm.index_terms("cantine"): 1}, 2)

        # Writing still works after the upgrade (a later sync).
        cat.add_source("/srv/partage/arretes", "general")
        assert len(cat.sources()) == 2
    finally:
        cat.close()


@pytest.mark.parametrize("version", range(1, CURRENT))
def test_data_folder_from_previous_version_opens_through_the_store(passeur_home, version):
    """The object every command and the app open (it may complete new tables from old rows)."""
    from indexer.settings import Settings
    from indexer.store import Store

    settings = Settings.load(passeur_home)
    with closing(_create_at(settings.catalog_path, version)) as old:
        _fill(old)
        before = _snapshot(old)
    store = Store(settings)
    try:
        assert store.catalog.version == CURRENT
        after = _snapshot(store.catalog.conn)
        for table in ("sources", "documents", "chunks", "meta"):
            assert len(after[table][1]) == len(before[table][1])
        store.check_model()  # the stored embedding model is still the configured one: no rebuild needed
    finally:
        store.close()


def test_upgrade_is_idempotent_and_survives_reopening(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    with closing(_create_at(path, 1)) as old:
        _fill(old)
    for _ in range(2):
        cat = Catalog(path)
        try:
            assert cat.version == CURRENT and cat.counts()["chunks"] == 2
        finally:
            cat.close()


def test_catalogue_from_newer_version_is_refused(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    with closing(_create_at(path, CURRENT)) as conn:
        conn.execute(f"PRAGMA user_version = {CURRENT + 1}")
    cat = None
    try:
        with pytest.raises(errors.PasseurError) as raised:
            cat = Catalog(path)
        assert "version" in raised.value.fr
    finally:
        if cat is not None:
            cat.close()
