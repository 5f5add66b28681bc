"""The USE embedder through the real model: token ids computed apart give the very vectors of the texts."""

import numpy as np
import pytest

from indexer.embedding import UseEmbedder, use_token_ids


@pytest.fixture(scope="module")
def embedder():
    return UseEmbedder(threads=1)


def test_embedding_token_ids_gives_the_vectors_of_the_texts(embedder):
    texts = ["Délibération n° 2024-037 — Tarifs de la restauration scolaire", "Le repas coûte 4,90 € [1].",
             "", "a", "œuvre " * 400, "Ελληνικά 中文"]  # empty, tiny, over the model's token budget, other scripts
    ids = use_token_ids(texts)
    assert all(isinstance(i, int) for seq in ids for i in seq) and ids[0][0] != ids[0][1]
    assert np.array_equal(embedder.embed_tokens(ids), embedder.embed(texts))
    assert embedder.embed_tokens([]).shape == (0, UseEmbedder.dim)
