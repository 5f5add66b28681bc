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


def test_the_process_holding_the_model_tokenises_with_the_model_s_own_tables(monkeypatch):
    from indexer import embedding
    from indexer.settings import Settings

    monkeypatch.setattr(embedding, "_CACHE", {})
    embedding._standalone_tokenizer.cache_clear()
    alone = use_token_ids(["Le conseil municipal délibère."])  # no model here: tables loaded alone
    assert embedding._standalone_tokenizer.cache_info().currsize == 1
    embedding._standalone_tokenizer.cache_clear()
    model = embedding.get_embedder(Settings())
    assert use_token_ids(["Le conseil municipal délibère."]) == alone
    assert embedding._standalone_tokenizer.cache_info().currsize == 0  # no second copy beside the model
    assert embedding._use_tokenizer() is model._get()._tokenizer
