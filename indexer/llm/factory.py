"""Choose the LLM backend from settings (embedded by default)."""

from __future__ import annotations

from ..settings import Settings
from .base import LLM, LLMUnavailable


def get_llm(settings: Settings, backend: str | None = None, model: str | None = None) -> LLM:
    backend = backend or settings.llm.backend
    if backend == "embedded":
        from .embedded import EmbeddedLLM

        return EmbeddedLLM(n_ctx=settings.llm.n_ctx)
    if backend == "ollama":
        from .ollama_backend import OllamaLLM

        return OllamaLLM(settings.ollama.host, model or settings.ollama.model, settings.ollama.timeout_s)
    raise LLMUnavailable(fr=f"Moteur de langue inconnu « {backend} » (embedded, ollama ou none).",
                         en=f"unknown llm backend {backend!r}")
