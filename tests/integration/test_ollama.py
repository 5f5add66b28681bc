"""OllamaLLM with the real ``ollama`` client, over loopback HTTP.

Two targets run the same contract checks:

* ``peer``: ``tests/ollama_peer.py``, a test peer speaking part of Ollama's
  API in front of SmolLM2-135M (llama-cpp-python). It is not Ollama; the
  model is tiny and incoherent in French: only the plumbing is checked.
* ``live`` (marker ``ollama_live``): a real Ollama at ``$PASSEUR_OLLAMA_LIVE_HOST``
  (default http://127.0.0.1:11434), chatting with ``$PASSEUR_OLLAMA_LIVE_MODEL``
  or else the smallest chat model it has. Skipped when no server answers. Tests
  run offline, so the host must be loopback (tunnel a remote server with
  ``ssh -L 11434:127.0.0.1:11434 server``). Run only these with ``-m ollama_live``.

Failure cases that need no model (server down, timeout, not an Ollama server,
network guard) use plain sockets.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import os
import socket
import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from indexer.llm.base import ChatMessage, LLMUnavailable
from indexer.llm.ollama_backend import OllamaLLM, _model_matches, normalize_host

LIVE_HOST = os.environ.get("PASSEUR_OLLAMA_LIVE_HOST", "http://127.0.0.1:11434")
LIVE_MODEL = os.environ.get("PASSEUR_OLLAMA_LIVE_MODEL", "")
MISSING_MODEL = "passeur-modele-absent:1b"
QUESTION = [ChatMessage("system", "You are a helpful assistant. Answer briefly."),
            ChatMessage("user", "Name three colours of the rainbow.")]


def _load_peer_module():
    """tests/ollama_peer.py by path: tests/ is not a package (pytest runs with --import-mode=importlib)."""
    path = Path(__file__).resolve().parents[1] / "ollama_peer.py"
    spec = importlib.util.spec_from_file_location("passeur_tests_ollama_peer", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


ollama_peer = _load_peer_module()


@dataclass
class Target:
    kind: str
    host: str
    model: str


@pytest.fixture(scope="session")
def peer():
    """The test peer with SmolLM2 loaded once for the whole session; stopped at teardown."""
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is needed by the Ollama test peer")
    try:
        path = ollama_peer.smollm2_gguf(verify=True)  # a checksum mismatch fails, it does not skip
    except ollama_peer.PeerModelMissing as exc:
        pytest.skip(f"test model not installed: {exc}")
    # n_threads=1: two threads are far slower when other processes share the 2 cores (see OllamaPeer)
    with ollama_peer.OllamaPeer(model_path=path, n_ctx=2048, n_threads=1, max_tokens=64) as server:
        yield server


def _is_loopback(host: str) -> bool:
    name = urlsplit(normalize_host(host)).hostname or ""
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="session")
def live_ollama() -> Target:
    """A real Ollama server, or a clean skip."""
    import httpx

    host = normalize_host(LIVE_HOST)
    if not _is_loopback(host):
        pytest.skip(f"tests run offline: {host} is not loopback (use an SSH tunnel to 127.0.0.1)")
    try:
        with httpx.Client(base_url=host, timeout=2.0, trust_env=False) as http:
            version = http.get("/api/version").json()["version"]
            tags = http.get("/api/tags").json().get("models", [])
            if LIVE_MODEL:
                model = LIVE_MODEL
            else:
                chat_models = []
                for tag in sorted(tags, key=lambda t: t.get("size") or 0):
                    show = http.post("/api/show", json={"model": tag["model"]}, timeout=10.0).json()
                    if "completion" in (show.get("capabilities") or ["completion"]):
                        chat_models.append(tag["model"])
                if not chat_models:
                    pytest.skip(f"Ollama {version} at {host} has no chat model (set PASSEUR_OLLAMA_LIVE_MODEL)")
                model = chat_models[0]
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        pytest.skip(f"no Ollama answers at {host}: {type(exc).__name__}")
    return Target("live", host, model)


@pytest.fixture(params=["peer", pytest.param("live", marks=pytest.mark.ollama_live)])
def target(request) -> Target:
    if request.param == "live":
        return request.getfixturevalue("live_ollama")
    server = request.getfixturevalue("peer")
    return Target("peer", server.url, server.model_name)


@pytest.fixture
def llm(target):
    with OllamaLLM(target.host, target.model, timeout_s=120.0) as backend:
        yield backend


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the contract, against the peer and (marker ollama_live) a real Ollama ---------------------


def test_server_version_and_models(llm, target):
    llm.available()
    assert llm.server_version
    models = llm.list_models()
    assert any(_model_matches(target.model, name) for name in models)
    assert llm.name == f"ollama {target.host} — {target.model}"


def test_streaming_chat_yields_pieces(llm):
    pieces = list(llm.stream_chat(QUESTION, max_tokens=24, temperature=0.0))
    assert len(pieces) >= 2, pieces
    assert all(isinstance(p, str) and p for p in pieces)
    assert "".join(pieces).strip()


def test_reader_stopping_early_leaves_backend_usable(llm):
    stream = llm.stream_chat(QUESTION, max_tokens=24, temperature=0.0)
    first = next(stream)
    stream.close()  # the user cancelled: the HTTP response is released
    assert first
    assert "".join(llm.stream_chat(QUESTION, max_tokens=8, temperature=0.0)).strip()


def test_unknown_model_says_which_pull_to_run(target):
    with OllamaLLM(target.host, MISSING_MODEL, timeout_s=30.0) as backend:
        with pytest.raises(LLMUnavailable) as info:
            backend.available()
        assert f"ollama pull {MISSING_MODEL}" in info.value.fr
        assert "n'est pas installé" in info.value.fr
        with pytest.raises(LLMUnavailable) as info:
            list(backend.stream_chat(QUESTION, max_tokens=8))
        assert f"ollama pull {MISSING_MODEL}" in info.value.fr
        assert "Traceback" not in info.value.fr


# -- the peer's own API surface (the client's other calls) ---------------------------------------


def test_peer_speaks_generate_show_and_non_streaming(peer):
    import ollama

    with ollama.Client(host=peer.url, timeout=60, trust_env=False) as client:
        parts = list(client.generate(model=peer.model_name, prompt="The sky is", stream=True,
                                     options={"num_predict": 8, "temperature": 0}))
        assert parts[-1].done and parts[-1].done_reason in ("stop", "length")
        assert parts[-1].eval_count and parts[-1].eval_count >= 1
        assert "".join(p.response or "" for p in parts).strip()

        whole = client.generate(model=peer.model_name, prompt="The sky is", stream=False,
                                options={"num_predict": 8, "temperature": 0})
        assert whole.done and (whole.response or "").strip()

        reply = client.chat(model=peer.model_name, messages=[{"role": "user", "content": "Hi!"}],
                            stream=False, options={"num_predict": 8, "temperature": 0})
        assert reply.done and reply.message.role == "assistant" and reply.message.content

        show = client.show(peer.model_name)
        assert show.details is not None and show.details.format == "gguf"

        with pytest.raises(ollama.ResponseError) as info:
            client.chat(model="nope:1b", messages=[{"role": "user", "content": "Hi"}])
        assert info.value.status_code == 404 and info.value.error == "model 'nope:1b' not found"


def test_peer_embed(peer):
    import ollama

    with ollama.Client(host=peer.url, timeout=60, trust_env=False) as client:
        out = client.embed(model=peer.model_name, input=["bonjour", "au revoir"])
    assert len(out.embeddings) == 2 and len(out.embeddings[0]) > 10
    assert out.embeddings[0] != out.embeddings[1]
    assert abs(sum(x * x for x in out.embeddings[0]) - 1.0) < 1e-6


def test_model_without_tag_means_latest(peer):
    assert _model_matches("mistral", "mistral:latest")
    assert _model_matches("mistral:latest", "mistral")
    assert not _model_matches("smollm2", "smollm2:135m")
    with OllamaLLM(peer.url, "smollm2", timeout_s=10) as backend:  # the peer only has smollm2:135m
        with pytest.raises(LLMUnavailable) as info:
            backend.available()
        assert "ollama pull smollm2" in info.value.fr and "smollm2:135m" in info.value.fr


# -- failures that need no model -------------------------------------------------------------------


def test_built_from_settings(passeur_home):
    from indexer.settings import Settings

    (passeur_home / "passeur.toml").write_text(
        '[ollama]\nhost = "localhost:11500"\nmodel = "mistral"\ntimeout_s = 30\n', encoding="utf-8")
    backend = OllamaLLM.from_settings(Settings.load())
    assert (backend.host, backend.model, backend.timeout_s) == ("http://localhost:11500", "mistral", 30.0)
    assert backend.name == "ollama http://localhost:11500 — mistral"


def test_empty_model_name_is_a_settings_problem():
    with OllamaLLM(f"http://127.0.0.1:{_free_port()}", "  ") as backend:
        for call in (backend.available, lambda: list(backend.stream_chat(QUESTION))):
            with pytest.raises(LLMUnavailable) as info:
                call()
            assert "Aucun modèle Ollama n'est configuré" in info.value.fr


def test_server_down_says_it_does_not_answer():
    host = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    with OllamaLLM(host, "mistral", timeout_s=5) as backend:
        for call in (backend.available, backend.list_models,
                     lambda: list(backend.stream_chat(QUESTION))):
            with pytest.raises(LLMUnavailable) as info:
                call()
            assert info.value.fr == (f"Le serveur Ollama ({host}) ne répond pas. Vérifiez qu'il est démarré "
                                     "(« ollama serve ») ou passez en mode recherche seule.")
            assert "unreachable" in info.value.en


def test_silent_server_times_out():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # accepts connections (kernel backlog) but never answers
        host = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with OllamaLLM(host, "mistral", timeout_s=0.3) as backend:
            for call in (backend.available, lambda: list(backend.stream_chat(QUESTION))):
                with pytest.raises(LLMUnavailable) as info:
                    call()
                assert "n'a pas répondu dans le délai imparti (0,3 s)" in info.value.fr
                assert "timeout_s" in info.value.fr


def test_http_server_that_is_not_ollama():
    class NotOllama(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = b"<html>intranet</html>"
            self.send_response(404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_POST = do_GET  # noqa: N815

        def log_message(self, *args):
            pass

    server = ollama_peer.QuietHTTPServer(("127.0.0.1", 0), NotOllama)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        host = f"http://127.0.0.1:{server.server_address[1]}"
        with OllamaLLM(host, "mistral", timeout_s=5) as backend:
            with pytest.raises(LLMUnavailable) as info:
                backend.available()
            assert "ne semble pas être un serveur Ollama" in info.value.fr
            with pytest.raises(LLMUnavailable) as info:
                list(backend.stream_chat(QUESTION))
            assert "a refusé la demande (code 404) : intranet." in info.value.fr
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_network_guard_refusal_is_explained():
    from indexer import netguard

    netguard.install(["http://192.0.2.10:11434"])  # the configured server is elsewhere (conftest disables)
    host = f"http://127.0.0.1:{_free_port()}"
    with OllamaLLM(host, "mistral", timeout_s=5) as backend:
        with pytest.raises(LLMUnavailable) as info:
            backend.available()
    assert "Connexion réseau bloquée vers 127.0.0.1" in info.value.fr
    assert ("127.0.0.1", int(host.rsplit(":", 1)[1])) in netguard.blocked()
