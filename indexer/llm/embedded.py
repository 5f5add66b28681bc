"""Embedded LLM: llama.cpp in-process (llama-cpp-python), no server.

The model is loaded once per process and kept warm; llama.cpp reuses the
evaluated prefix of the previous prompt (the fixed system prompt and
examples), so a second question only pays for its own tokens.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from pathlib import Path
from typing import Iterator

from .base import ChatMessage, LLMUnavailable
from .model_files import QWEN_CODER_1_5B, ModelSpec, verified

log = logging.getLogger(__name__)

_LOADED: dict[str, object] = {}
_LOAD_LOCK = threading.Lock()
LOAD_COUNT = {"n": 0}  # how many times a model was loaded in this process (tests check it stays 1)


@atexit.register
def _close_all() -> None:
    """Free the models before interpreter teardown (llama.cpp's finalizer fails once modules are gone)."""
    for llm in _LOADED.values():
        try:
            llm.close()
        except Exception:  # noqa: BLE001
            pass
    _LOADED.clear()


class EmbeddedLLM:
    def __init__(self, spec: ModelSpec = QWEN_CODER_1_5B, path: Path | None = None, n_ctx: int = 4096,
                 n_threads: int | None = None) -> None:
        self.spec = spec
        self.path = path
        self.n_ctx = n_ctx
        self.n_threads = n_threads or max(1, min(4, os.cpu_count() or 2))
        self.name = f"embarqué : {spec.name}"
        self._gen_lock = threading.Lock()

    def available(self) -> None:
        try:
            import llama_cpp  # noqa: F401
        except ImportError as exc:
            raise LLMUnavailable(
                fr="Le moteur embarqué (llama-cpp-python) n'est pas installé : la recherche seule reste disponible.",
                en="llama-cpp-python not installed") from exc
        verified(self.spec, self.path)

    def list_models(self) -> list[str]:
        return [self.spec.name]

    def _model(self):
        path = str(verified(self.spec, self.path))
        with _LOAD_LOCK:
            llm = _LOADED.get(path)
            if llm is None:
                try:
                    from llama_cpp import Llama
                except ImportError as exc:
                    raise LLMUnavailable(
                        fr="Le moteur embarqué (llama-cpp-python) n'est pas installé.",
                        en="llama-cpp-python not installed") from exc
                log.info("loading embedded model %s", path)
                llm = Llama(model_path=path, n_ctx=self.n_ctx, n_threads=self.n_threads, n_batch=512,
                            verbose=False)
                LOAD_COUNT["n"] += 1
                _LOADED[path] = llm
            return llm

    def warm_up(self) -> None:
        """Load the model now (e.g. in a background thread when the app starts)."""
        self._model()

    def stream_chat(self, messages: list[ChatMessage], *, max_tokens: int = 512,
                    temperature: float = 0.1) -> Iterator[str]:
        llm = self._model()
        with self._gen_lock:  # one generation at a time on the shared model
            try:
                stream = llm.create_chat_completion(
                    messages=[{"role": m.role, "content": m.content} for m in messages],
                    max_tokens=max_tokens, temperature=temperature, top_p=0.9, repeat_penalty=1.05,
                    stream=True)
                for part in stream:
                    delta = part["choices"][0].get("delta", {})
                    text = delta.get("content")
                    if text:
                        yield text
            except ValueError as exc:  # prompt longer than the context
                raise LLMUnavailable(
                    fr="La question et les passages dépassent la capacité du modèle embarqué.",
                    en=f"embedded model error: {exc}") from exc
