"""The interface every LLM backend implements, and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator, Protocol

from .. import errors


@dataclass
class ChatMessage:
    role: str  # "system" | "user" | "assistant"
    content: str


class LLMUnavailable(errors.PasseurError):
    """The model cannot answer now (server down, model missing, file absent): search still works."""


class LLM(Protocol):
    name: str
    """Shown to the user: "embarqué : qwen2.5-coder-1.5b-instruct" or "ollama http://host:11434 — mistral"."""

    def available(self) -> None:
        """Raise LLMUnavailable with a French message if the model cannot be used now."""

    def stream_chat(self, messages: list[ChatMessage], *, max_tokens: int = 512,
                    temperature: float = 0.1) -> Iterator[str]:
        """Yield the answer's text pieces as they are generated. Raise LLMUnavailable on failure."""

    def list_models(self) -> list[str]:
        """Models this backend can use (for the settings screen)."""
