"""Workers that run the Qt-free services off the GUI thread and report through signals.

- :class:`AnswerWorker` lives in its own thread and owns the answering
  service (store, embedding model, LLM): it warms them up after the window
  shows, answers questions (each token is a signal) and reports the state of
  the index and the model.
- :class:`SyncWorker` lives in another thread and runs the indexer's sync with
  progress signals; a :class:`threading.Event` cancels it between two files
  (the next sync resumes: unchanged files are skipped).
- :func:`run_in_background` runs a short call (list Ollama models, read a
  document) in Qt's thread pool.

Slots here receive plain Python values; nothing in this module touches a widget.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from indexer import errors

from .i18n import language
from .qt import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


class StopRequested(Exception):
    """Raised from the token callback when the user stops an answer."""


@dataclass
class FilterSpec:
    """The filters chosen in the window (turned into ``indexer.search.Filters`` in the worker)."""

    spaces: list[str] | None = None
    types: list[str] | None = None
    since: date | None = None
    until: date | None = None
    in_force: bool = False
    procurement: str | None = None

    def to_filters(self):
        from indexer.search import Filters

        return Filters(spaces=self.spaces, types=self.types, since=self.since, until=self.until,
                       in_force=self.in_force, procurement=self.procurement)


@dataclass
class AskRequest:
    id: int
    question: str
    history: list[tuple[str, str]] = field(default_factory=list)
    filters: FilterSpec = field(default_factory=FilterSpec)
    profile: str | None = None
    no_llm: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)


def user_message(exc: BaseException) -> str:
    """What the user reads for a failure: the French (or English) message, never a traceback."""
    if not isinstance(exc, errors.PasseurError):
        log.error("unexpected failure", exc_info=exc)
    return errors.message(exc, language())


def model_info(settings, llm=None) -> dict:
    """Which model answers, for the status line (no model is loaded here)."""
    if llm is not None:
        return {"backend": "custom", "name": getattr(llm, "name", "?")}
    backend = settings.llm.backend
    if backend == "ollama":
        from indexer.llm.ollama_backend import normalize_host

        return {"backend": "ollama", "host": normalize_host(settings.ollama.host), "name": settings.ollama.model}
    if backend == "embedded":
        from indexer.llm.model_files import QWEN_CODER_1_5B

        return {"backend": "embedded", "name": QWEN_CODER_1_5B.name}
    return {"backend": "none", "name": ""}


class AnswerWorker(QObject):
    token = Signal(int, str)
    answered = Signal(int, object)
    failed = Signal(int, str)
    status = Signal(object)

    def __init__(self, settings, llm=None) -> None:
        super().__init__()
        self._settings = settings
        self._llm = llm
        self._service = None
        self._model_error: str | None = None
        self._probed = False  # the Ollama server is asked once per configuration, not after every answer

    def service(self):
        if self._service is None:
            from indexer.answering import AnswerService

            self._service = AnswerService(self._settings, llm=self._llm)
        return self._service

    @Slot(object)
    def reconfigure(self, settings) -> None:
        self.close()
        self._settings = settings
        self._probed = False

    @Slot(bool)
    def warm_up(self, load_model: bool) -> None:
        """Open the index and load the embedding model (and the embedded LLM) before the first question."""
        try:
            svc = self.service()
            if svc.store.catalog.counts().get("chunks"):
                svc.store.vectors  # noqa: B018 - opens Chroma (slow import)
                svc.store.embedder.embed(["passeur"])
        except Exception as exc:  # noqa: BLE001 - reported in the status line
            self.status.emit({"error": user_message(exc)})
            return
        self.refresh_status()
        if load_model and self._llm is None and svc.llm_backend == "embedded":
            from indexer.llm.base import LLMUnavailable

            try:
                llm = svc.llm()
                llm.available()
                llm.warm_up()  # type: ignore[attr-defined]
            except LLMUnavailable:
                pass  # told in the status line and at the first question
            except Exception:  # noqa: BLE001
                log.exception("embedded model warm-up failed")

    @Slot()
    def refresh_status(self) -> None:
        try:
            self.status.emit(self._status())
        except Exception as exc:  # noqa: BLE001
            self.status.emit({"error": user_message(exc)})

    def _status(self) -> dict[str, Any]:
        from indexer.llm.base import LLMUnavailable

        svc = self.service()
        cat = svc.store.catalog
        counts = cat.counts()
        types = [r[0] for r in cat.conn.execute(
            "SELECT DISTINCT doc_type FROM documents WHERE status = 'indexed' AND doc_type IS NOT NULL "
            "ORDER BY doc_type")]
        from indexer import legal

        procurements = legal.procurements(cat.conn)
        model = model_info(self._settings, self._llm)
        if model["backend"] == "ollama" and not self._probed:
            self._probed = True
            self._model_error = None
            try:
                svc.llm().available()
            except LLMUnavailable as exc:
                self._model_error = exc.en if language() == "en" else exc.fr
        if self._model_error:
            model["error"] = self._model_error
        return {"documents": counts.get("documents_indexed", 0), "chunks": counts.get("chunks", 0),
                "pages": counts.get("pages", 0), "doc_types": types, "procurements": procurements, "model": model,
                "profiles": dict(self._settings.profiles), "default_profile": self._settings.default_profile}

    @Slot(object)
    def ask(self, req: AskRequest) -> None:
        def on_token(piece: str) -> None:
            if req.cancel.is_set():
                raise StopRequested()
            self.token.emit(req.id, piece)

        try:
            answer = self.service().ask(req.question, history=req.history, filters=req.filters.to_filters(),
                                        profile=req.profile, on_token=on_token, no_llm=req.no_llm)
        except StopRequested:
            self.failed.emit(req.id, "")
            return
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message
            self.failed.emit(req.id, user_message(exc))
            return
        self._audit(answer, req.profile)
        down = next((w for w in answer.warnings if w.get("code") == "llm_unavailable"), None)
        if down is not None:
            self._model_error = str(down.get("message_en") if language() == "en" else down.get("message"))
        elif answer.model:
            self._model_error = None
        self.answered.emit(req.id, answer)

    def release_memory(self) -> None:
        """Idle for a while: give the vector index's memory back (the next question reopens it). Called
        from the GUI thread while this worker is idle (see ``Backend._release_idle``)."""
        if self._service is not None:
            try:
                self._service.store.release_vectors()
            except Exception:  # noqa: BLE001 - memory stays as it was; nothing else is affected
                log.exception("could not release the vector index")

    def _audit(self, answer, profile: str | None) -> None:
        """Traceability: who saw which passages (the audit log of indexer/audit.py)."""
        try:
            from indexer import rights
            from indexer.audit import AuditLog

            if getattr(self, "_audit_log", None) is None:
                self._audit_log = AuditLog(self._settings)
            self._audit_log.record(answer, rights.current_user(), profile or self._settings.default_profile)
        except Exception:  # noqa: BLE001 - never lose the answer, but say loudly that the trail has a gap
            log.exception("could not write the audit entry")

    @Slot()
    def close(self) -> None:
        if getattr(self, "_audit_log", None) is not None:
            self._audit_log.close()
            self._audit_log = None
        if self._service is not None:
            self._service.store.close()
            self._service = None


@dataclass
class SyncJob:
    add: tuple[str, str] | None = None  # (folder, space) to register, then sync
    cancel: threading.Event = field(default_factory=threading.Event)


class SyncWorker(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)  # SyncReport
    failed = Signal(str)
    state = Signal(object)  # sources, counts and problems of the index

    def __init__(self, settings) -> None:
        super().__init__()
        self._settings = settings

    @Slot(object)
    def reconfigure(self, settings) -> None:
        self._settings = settings

    @Slot(object)
    def run(self, job: SyncJob) -> None:
        from pathlib import Path

        from indexer.store import Store
        from indexer.sync import Syncer

        store = None
        try:
            store = Store(self._settings)
            store.check_model()
            syncer = Syncer(store, progress=lambda d, t, p: self.progress.emit(d, t, p), cancel=job.cancel)
            if job.add is not None:
                folder = Path(job.add[0]).expanduser().resolve()
                if not folder.exists():
                    raise errors.source_not_found(str(folder))
                source_id = store.catalog.add_source(str(folder), job.add[1])
                source = next(s for s in store.catalog.sources() if s["id"] == source_id)
                report = syncer.sync_source(source)
            else:
                report = syncer.sync_all()
        except Exception as exc:  # noqa: BLE001
            self.failed.emit(user_message(exc))
        else:
            self.finished.emit(report)
        finally:
            if store is not None:
                store.close()
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        import json

        from indexer.catalog import Catalog

        try:
            cat = Catalog(self._settings.catalog_path)
        except Exception as exc:  # noqa: BLE001
            self.state.emit({"error": user_message(exc)})
            return
        try:
            per_source = dict(cat.conn.execute(
                "SELECT source_id, COUNT(*) FROM documents WHERE status = 'indexed' GROUP BY source_id"))
            sources = [{"path": s["path"], "space": s["space"], "synced_at": s["synced_at"],
                        "documents": per_source.get(s["id"], 0)} for s in cat.sources()]
            problems = []
            for r in cat.problems():
                if r["reason"]:
                    params = json.loads(r["reason_params"]) if r["reason_params"] else {}
                    problems.append({"path": r["path"], "code": r["reason"], "params": params})
                for code, params in json.loads(r["warnings"]) if r["warnings"] else []:
                    problems.append({"path": r["path"], "code": code, "params": params})
            counts = cat.counts()
            self.state.emit({"sources": sources, "problems": problems,
                             "documents": counts.get("documents_indexed", 0), "chunks": counts.get("chunks", 0),
                             "pages": counts.get("pages", 0)})
        except Exception as exc:  # noqa: BLE001
            self.state.emit({"error": user_message(exc)})
        finally:
            cat.close()


# -- short calls in the thread pool ------------------------------------------------------------------------------
class _Relay(QObject):
    """Lives in the GUI thread: the pool thread emits, the slots run here (queued connection)."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, on_done: Callable[[Any], None], on_failed: Callable[[str], None]) -> None:
        super().__init__()
        self._on_done = on_done
        self._on_failed = on_failed
        self.done.connect(self._done)
        self.failed.connect(self._failed)

    @Slot(object)
    def _done(self, value: Any) -> None:
        _PENDING.discard(self)
        self._on_done(value)

    @Slot(str)
    def _failed(self, message: str) -> None:
        _PENDING.discard(self)
        self._on_failed(message)


class _Call(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception as exc:  # noqa: BLE001
            self._emit(self.relay.failed, user_message(exc))
        else:
            self._emit(self.relay.done, result)

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the window closed meanwhile
            pass


_PENDING: set[_Relay] = set()


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[str], None]) -> None:
    """Run ``fn`` in the thread pool; ``on_done(result)`` or ``on_failed(message)`` run in the GUI thread."""
    relay = _Relay(on_done, on_failed)
    _PENDING.add(relay)
    QThreadPool.globalInstance().start(_Call(fn, relay))


def wait_background(timeout_ms: int = 15000) -> bool:
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
