"""LLM backend that asks an Ollama server (official ``ollama`` Python client).

The server is the one the administrator configured (``[ollama] host`` in
``passeur.toml``); it is also the only host the network guard lets through.
Every failure (server down, model not pulled, timeout, unexpected answer)
becomes an :class:`LLMUnavailable` with a French message the user can act
on; the English message and the original exception go to the logs.

Proxy variables from the environment (``HTTP_PROXY``...) are ignored on
purpose: Passeur talks to the configured server directly, never through a
third party.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any, Iterator
from urllib.parse import urlsplit

from .base import ChatMessage, LLMUnavailable

log = logging.getLogger(__name__)

DEFAULT_PORT = 11434
PROBE_TIMEOUT_S = 10.0
"""Upper bound for the quick checks (version, model list) and for opening a connection."""


def normalize_host(host: str) -> str:
    """``localhost`` -> ``http://localhost:11434``; a URL with a scheme is kept as written."""
    host = (host or "").strip().rstrip("/")
    if not host:
        return f"http://127.0.0.1:{DEFAULT_PORT}"
    if "://" not in host:
        parts = urlsplit(f"http://{host}")
        netloc = parts.netloc if parts.port else f"{parts.netloc}:{DEFAULT_PORT}"
        return f"http://{netloc}{parts.path}"
    return host


def _model_matches(wanted: str, available: str) -> bool:
    """``mistral`` and ``mistral:latest`` name the same model."""
    def canon(name: str) -> str:
        name = name.strip()
        return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"

    return canon(wanted) == canon(available)


class OllamaLLM:
    """Chat through an Ollama server; implements :class:`indexer.llm.base.LLM`."""

    def __init__(self, host: str, model: str, timeout_s: float = 120.0) -> None:
        self.host = normalize_host(host)
        self.model = model.strip()
        self.timeout_s = float(timeout_s)
        self.name = f"ollama {self.host} — {self.model}"
        self.server_version: str | None = None
        """Version reported by the server at the last successful :meth:`available`."""
        self._lock = threading.Lock()
        self._client: Any = None
        self._probe: Any = None

    @classmethod
    def from_settings(cls, settings) -> "OllamaLLM":
        """Build from :class:`indexer.settings.Settings` (or its ``ollama`` section)."""
        section = getattr(settings, "ollama", settings)
        return cls(section.host, section.model, section.timeout_s)

    # -- clients -----------------------------------------------------------

    def _clients(self) -> tuple[Any, Any]:
        """(ollama client for the model calls, plain httpx client for the version probe)."""
        with self._lock:
            if self._client is None:
                try:
                    import httpx
                    import ollama
                except ImportError as exc:
                    raise LLMUnavailable(
                        fr=("Le client Ollama n'est pas installé (paquet Python « ollama ») : "
                            "la recherche seule reste disponible."),
                        en="ollama Python client not installed") from exc
                connect = min(self.timeout_s, PROBE_TIMEOUT_S)
                self._client = ollama.Client(
                    host=self.host, trust_env=False,
                    timeout=httpx.Timeout(self.timeout_s, connect=connect))
                self._probe = httpx.Client(
                    base_url=self.host, trust_env=False, follow_redirects=True,
                    timeout=httpx.Timeout(min(self.timeout_s, PROBE_TIMEOUT_S)))
            return self._client, self._probe

    def close(self) -> None:
        """Close the HTTP connections (the object can still be used: they reopen on demand)."""
        with self._lock:
            client, probe = self._client, self._probe
            self._client = self._probe = None
        if client is not None:
            client.close()
        if probe is not None:
            probe.close()

    def __enter__(self) -> "OllamaLLM":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the LLM protocol --------------------------------------------------

    def _require_model(self) -> None:
        if not self.model:
            raise LLMUnavailable(
                fr=("Aucun modèle Ollama n'est configuré : indiquez-le (« model ») dans la section [ollama] "
                    "de passeur.toml, par exemple model = \"mistral\"."),
                en="no ollama model configured ([ollama] model is empty)")

    def available(self) -> None:
        """Check that the server answers and that the model is pulled; raise LLMUnavailable otherwise."""
        self._require_model()
        _, probe = self._clients()
        try:
            response = probe.get("/api/version")
        except Exception as exc:  # noqa: BLE001 - every failure becomes a French message
            raise self._translate(exc, "version") from exc
        version = None
        if response.status_code == 200:
            try:
                version = response.json().get("version")
            except (ValueError, AttributeError):
                version = None
        if not version:
            raise LLMUnavailable(
                fr=(f"Le serveur à l'adresse {self.host} ne semble pas être un serveur Ollama "
                    f"(réponse HTTP {response.status_code} à /api/version). Vérifiez l'adresse "
                    "dans la section [ollama] de passeur.toml, ou passez en mode recherche seule."),
                en=f"{self.host} is not an Ollama server (HTTP {response.status_code} on /api/version)")
        self.server_version = str(version)
        names = self.list_models()
        if not any(_model_matches(self.model, name) for name in names):
            raise self._model_missing(names)
        log.info("ollama %s (version %s) has model %s", self.host, version, self.model)

    def list_models(self) -> list[str]:
        """Names of the models pulled on the server (``ollama list``)."""
        client, _ = self._clients()
        try:
            listing = client.list()
        except Exception as exc:  # noqa: BLE001
            raise self._translate(exc, "list") from exc
        return [m.model for m in listing.models if m.model]

    def stream_chat(self, messages: list[ChatMessage], *, max_tokens: int = 512,
                    temperature: float = 0.1) -> Iterator[str]:
        """Yield the answer's pieces as the server generates them."""
        self._require_model()
        client, _ = self._clients()
        payload = [m if isinstance(m, dict) else {"role": m.role, "content": m.content} for m in messages]
        stream = None
        try:
            stream = client.chat(model=self.model, messages=payload, stream=True,
                                 options={"num_predict": max_tokens, "temperature": temperature})
            for part in stream:
                piece = part.message.content if part.message is not None else None
                if piece:
                    yield piece
                if part.done:
                    if part.done_reason == "length":
                        log.info("ollama answer cut at max_tokens=%d", max_tokens)
                    break
        except LLMUnavailable:
            raise
        except Exception as exc:  # noqa: BLE001
            raise self._translate(exc, "chat") from exc
        finally:
            if stream is not None:
                stream.close()  # releases the HTTP response when the reader stops early

    # -- errors ------------------------------------------------------------

    def _model_missing(self, names: list[str] | None = None) -> LLMUnavailable:
        known = ""
        if names:
            shown = ", ".join(sorted(names)[:8]) + (" …" if len(names) > 8 else "")
            known = f" Modèles présents sur ce serveur : {shown}."
        return LLMUnavailable(
            fr=(f"Le modèle « {self.model} » n'est pas installé sur le serveur Ollama ({self.host}). "
                f"Sur ce serveur, lancez : ollama pull {self.model}{known} "
                "En attendant, la recherche seule reste disponible."),
            en=f"model {self.model!r} not found on {self.host}; run `ollama pull {self.model}`")

    def _translate(self, exc: BaseException, action: str) -> LLMUnavailable:
        """Turn any client/transport failure into a French, actionable LLMUnavailable."""
        import httpx
        import ollama

        log.warning("ollama %s failed on %s: %r", action, self.host, exc)
        blocked = _blocked_by_netguard(exc)
        if blocked is not None:
            return LLMUnavailable(fr=blocked.fr, en=blocked.en)
        if isinstance(exc, httpx.ConnectTimeout):
            return self._unreachable(exc)
        if isinstance(exc, httpx.TimeoutException):
            return LLMUnavailable(
                fr=(f"Le serveur Ollama ({self.host}) n'a pas répondu dans le délai imparti "
                    f"({_fr_number(self.timeout_s)} s). Le modèle est peut-être en cours de chargement ou la "
                    "machine est surchargée : réessayez dans un instant, ou augmentez « timeout_s » "
                    "dans la section [ollama] de passeur.toml."),
                en=f"ollama {self.host} timed out after {self.timeout_s:g} s ({type(exc).__name__})")
        if isinstance(exc, (ConnectionError, httpx.ConnectError, httpx.RemoteProtocolError,
                            httpx.NetworkError)):
            return self._unreachable(exc)
        if isinstance(exc, ollama.ResponseError):
            text = _plain(str(exc.error))
            if exc.status_code == 404 and "model" in text.lower() and "not found" in text.lower():
                return self._model_missing()
            what = (f"a refusé la demande (code {exc.status_code})" if exc.status_code > 0
                    else "a signalé une erreur pendant la génération")
            return LLMUnavailable(
                fr=f"Le serveur Ollama ({self.host}) {what} : {text}. La recherche seule reste disponible.",
                en=f"ollama {self.host} error {exc.status_code} on {action}: {text}")
        if isinstance(exc, ollama.RequestError):
            return LLMUnavailable(
                fr=(f"Réglage Ollama invalide : {exc.error}. Vérifiez la section [ollama] de "
                    "passeur.toml (nom du modèle)."),
                en=f"invalid ollama request: {exc.error}")
        return LLMUnavailable(
            fr=(f"Réponse inattendue du serveur Ollama ({self.host}) : {type(exc).__name__}. "
                "Vérifiez l'adresse et la version du serveur ; la recherche seule reste disponible."),
            en=f"unexpected ollama failure on {action} at {self.host}: {exc!r}")

    def _unreachable(self, exc: BaseException) -> LLMUnavailable:
        return LLMUnavailable(
            fr=(f"Le serveur Ollama ({self.host}) ne répond pas. Vérifiez qu'il est démarré "
                "(« ollama serve ») ou passez en mode recherche seule."),
            en=f"ollama server {self.host} unreachable: {type(exc).__name__}: {exc}")


def _fr_number(value: float) -> str:
    """2.5 -> "2,5" (French decimal comma)."""
    return f"{value:g}".replace(".", ",")


def _plain(text: str, limit: int = 200) -> str:
    """A server's error text fit for a message: tags removed, one line, at most ``limit`` characters."""
    text = " ".join(re.sub(r"<[^>]*>", " ", text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _blocked_by_netguard(exc: BaseException):
    """The netguard refusal hidden in the exception chain (httpx wraps it in ConnectError), if any."""
    from ..netguard import NetworkBlocked

    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, NetworkBlocked):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
