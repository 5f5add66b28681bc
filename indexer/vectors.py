"""Chroma vector store. Embeddings are always computed by Passeur and passed in:
Chroma's default embedder would download a model and fail offline.

A process that keeps a client open does not see what another process added
until it reopens the client: :meth:`VectorStore.refresh` does that when the
catalogue's generation counter moved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import errors

COLLECTION = "passeur_chunks"


class VectorStore:
    def __init__(self, path: Path, model_id: str) -> None:
        self.path = path
        self.model_id = model_id
        self._client = None
        self._col = None
        self.open()

    def open(self) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.path.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            str(self.path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=True))
        self._col = self._client.get_or_create_collection(
            COLLECTION, configuration={"hnsw": {"space": "cosine"}},
            metadata={"embedding_model": self.model_id}, embedding_function=None)
        stored = (self._col.metadata or {}).get("embedding_model")
        if stored and stored != self.model_id:
            raise errors.embedding_model_mismatch(stored, self.model_id)

    def refresh(self) -> None:
        """Drop the process-wide Chroma cache and reopen, to see other writers' vectors."""
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
        self.open()

    def count(self) -> int:
        return self._col.count()

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict]) -> None:
        if ids:
            self._col.upsert(ids=list(ids), embeddings=vectors, metadatas=list(metadatas))

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[dict]) -> None:
        if ids:
            self._col.update(ids=list(ids), metadatas=list(metadatas))

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        if not ids:
            return {}
        got = self._col.get(ids=list(ids), include=["embeddings"])
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(got["ids"], got["embeddings"])}

    def delete_doc(self, doc_id: str) -> None:
        self._col.delete(where={"doc_id": doc_id})

    def delete_ids(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), 5000):
            self._col.delete(ids=list(ids[start:start + 5000]))

    def all_ids(self) -> set[str]:
        return set(self._col.get(include=[])["ids"])

    def query(self, vector: np.ndarray, n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        # No count() first: it cost more than the query itself on a large store (bench/latency.py), and
        # Chroma 1.5 answers an empty collection, or n above its size, with what it has.
        res = self._col.query(query_embeddings=vector.reshape(1, -1), n_results=max(1, n),
                              where=where or None, include=["distances"])
        return list(zip(res["ids"][0], res["distances"][0]))


def drop_collection(path: Path) -> None:
    """Delete the vectors collection without opening it (its model may differ)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(str(path), settings=ChromaSettings(anonymized_telemetry=False,
                                                                          allow_reset=True))
    if COLLECTION in [c.name if hasattr(c, "name") else c for c in client.list_collections()]:
        client.delete_collection(COLLECTION)
