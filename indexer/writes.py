"""Embedding and Chroma writes batched across documents.

A one-page document has a handful of passages; embedding them alone and writing them to Chroma in a
call of their own costs far more than their share of a full batch (measured in docs/BENCHMARKS.md: the
USE model is ~1.5 × slower on batches of 7 than of 64, and each Chroma call has a fixed cost that grows
with the collection). :class:`WriteBuffer` therefore queues the passages of consecutive documents, embeds
them ``embed_batch`` at a time and writes the vectors ``write_batch`` at a time.

Crash safety is the sync's protocol (see :mod:`indexer.sync`): a document's passages are in SQLite with
the status ``indexing`` until its vectors are in Chroma; only then, in :meth:`WriteBuffer.flush`, does its
finishing transaction mark it indexed. A run killed in between leaves ``indexing`` rows that
``Store.reconcile`` cleans up. If the embedding model or Chroma fails, every document still waiting is
marked failed with the reason, and nothing half-written stays visible.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .catalog import ChunkRow, dumps

log = logging.getLogger(__name__)


@dataclass
class _Waiting:
    doc_id: str
    digest: str
    finish: Callable[[sqlite3.Connection], None]  # marks the document indexed (same transaction for all)
    on_fail: Callable[[str], None]  # tells the sync report, with the reason's detail


class WriteBuffer:
    def __init__(self, store, embed_batch: int, write_batch: int) -> None:
        self.store = store
        self.catalog = store.catalog
        self.embed_batch = max(1, embed_batch)
        self.write_batch = max(1, write_batch)
        self._to_embed: list[tuple[ChunkRow, str, str, list[int] | None]] = []  # (row, text, path, token ids)
        self._ids: list[str] = []
        self._vectors: list[np.ndarray] = []
        self._metas: list[dict] = []
        self._docs: list[_Waiting] = []

    def has_content(self, digest: str) -> bool:
        return any(d.digest == digest for d in self._docs)

    def add_document(self, doc_id: str, digest: str, path: str, rows: list[ChunkRow], texts: list[str],
                     finish: Callable[[sqlite3.Connection], None], on_fail: Callable[[str], None],
                     token_ids: list[list[int]] | None = None) -> None:
        """Queue a document whose passages are already in SQLite (status ``indexing``). Never raises: a
        failure of the model or of Chroma marks the waiting documents failed (see :meth:`_abandon`).
        ``token_ids``: the texts tokenised by the reader (:func:`indexer.embedding.use_token_ids`)."""
        ids = token_ids if token_ids is not None and len(token_ids) == len(texts) else [None] * len(texts)
        self._to_embed.extend(zip(rows, texts, [path] * len(rows), ids))
        self._docs.append(_Waiting(doc_id, digest, finish, on_fail))
        try:
            self._embed(final=False)
        except Exception as exc:  # noqa: BLE001 - the model failed: reported on each waiting document
            self._abandon(exc)
            return
        if len(self._ids) + len(self._to_embed) >= self.write_batch or not (self._to_embed or self._ids):
            self.flush()

    def add_vectors(self, rows: list[ChunkRow], vectors: np.ndarray, path: str) -> None:
        """Vectors known already (a copy of an indexed document)."""
        self._pend(rows, vectors, [path] * len(rows))

    def _pend(self, rows: list[ChunkRow], vectors, paths: list[str]) -> None:
        """Vectors to the next Chroma write, with their metadata."""
        self._ids.extend(r.id for r in rows)
        self._vectors.append(np.asarray(vectors, dtype=np.float32).reshape(len(rows), -1))
        self._metas.extend(_meta(r, path) for r, path in zip(rows, paths))

    def flush(self) -> bool:
        """Embed what is queued, write every pending vector in one Chroma call, then mark the documents
        indexed in one transaction. False when that failed (the waiting documents are then marked failed)."""
        try:
            self._embed(final=True)
            if self._ids:
                self.store.vectors.upsert(self._ids, np.concatenate(self._vectors), self._metas)
                self._ids, self._vectors, self._metas = [], [], []
            if self._docs:
                with self.catalog.tx() as c:
                    for doc in self._docs:
                        doc.finish(c)
                    self.catalog.bump_generation(c)
                self._docs = []
                self.store.mark_seen()
        except Exception as exc:  # noqa: BLE001 - the model or Chroma failed: reported on each document
            self._abandon(exc)
            return False
        return True

    def _embed(self, final: bool) -> None:
        embedder = self.store.embedder
        takes_ids = getattr(embedder, "takes_token_ids", False)
        while len(self._to_embed) >= self.embed_batch or (final and self._to_embed):
            batch = self._to_embed[: self.embed_batch]
            if takes_ids and all(ids is not None for *_, ids in batch):
                vectors = embedder.embed_tokens([ids for *_, ids in batch])
            else:
                vectors = embedder.embed([text for _, text, _, _ in batch])
            del self._to_embed[: self.embed_batch]
            self._pend([row for row, *_ in batch], vectors, [path for _, _, path, _ in batch])

    def _abandon(self, exc: Exception) -> None:
        """The model or Chroma failed: the waiting documents are marked failed, with no passage left."""
        detail = f"{type(exc).__name__}: {exc}"[:300]
        log.warning("embedding or vector write failed, %d waiting document(s) marked failed: %s",
                    len(self._docs), detail)
        docs, self._docs = self._docs, []
        self._to_embed, self._ids, self._vectors, self._metas = [], [], [], []
        for doc in docs:
            try:
                self.store.vectors.delete_doc(doc.doc_id)
            except Exception:  # noqa: BLE001 - Chroma itself may be what failed; reconcile finishes the job
                log.warning("could not remove the vectors of %s", doc.doc_id)
        with self.catalog.tx() as c:
            for doc in docs:
                self.catalog.delete_chunks(c, doc.doc_id)
                # No content hash: the next sync reads the file again (the failure was not the file's).
                c.execute("UPDATE documents SET status = 'failed', reason = 'error', reason_params = ?, chunks = 0, "
                          "content_hash = NULL WHERE id = ?", (dumps({"detail": detail}), doc.doc_id))
            self.catalog.bump_generation(c)
        for doc in docs:
            doc.on_fail(detail)
        self.store.mark_seen()


def _meta(row: ChunkRow, path: str) -> dict:
    return {"doc_id": row.doc_id, "path": path, "page_start": row.page_start, "page_end": row.page_end,
            "space": row.space, "doc_type": row.doc_type or "", "date_num": row.date_num}
