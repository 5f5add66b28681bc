"""Re-embed every stored passage with the configured model (after a model change).

Passage texts come from the catalogue, so no file is read again.
"""

from __future__ import annotations

import numpy as np

from .chunking import Chunk
from .store import Store
from .vectors import drop_collection


def rebuild(store: Store, progress=None, batch: int = 256) -> int:
    cat = store.catalog
    with cat.tx() as c:
        cat.set_meta(c, "embedding_model", store.model_id)
    drop_collection(store.settings.chroma_path)  # vectors of the old model go
    store.reset_vectors()
    vecs = store.vectors
    rows = cat.conn.execute(
        "SELECT c.*, d.title AS title, d.path AS path FROM chunks c JOIN documents d ON d.id = c.doc_id "
        "WHERE d.status = 'indexed' ORDER BY c.doc_id, c.ord").fetchall()
    total = len(rows)
    for start in range(0, total, batch):
        part = rows[start:start + batch]
        texts = [Chunk(r["ord"], r["text"], r["page_start"], r["page_end"], r["page_label"] or "",
                       r["section"] or "", r["context"]).embed_text(r["title"] or "") for r in part]
        emb = store.embedder.embed(texts)
        metas = [{"doc_id": r["doc_id"], "path": r["path"], "page_start": r["page_start"],
                  "page_end": r["page_end"], "space": r["space"], "doc_type": r["doc_type"] or "",
                  "date_num": r["date_num"] or 0} for r in part]
        vecs.upsert([r["id"] for r in part], np.asarray(emb, dtype=np.float32), metas)
        if progress:
            progress(min(start + batch, total), total, "")
    with cat.tx() as c:
        cat.bump_generation(c)
    store.mark_seen()
    return total
