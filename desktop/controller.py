"""The bridge between the widgets and the Qt-free services.

Widgets call :class:`Backend` methods and listen to its signals; they never
touch the index, the model or a thread. The backend owns two worker threads
(answers, indexing), the local conversation and feedback stores, and the
preferences of the app.
"""

from __future__ import annotations

import itertools
import logging

from indexer.conversations import ConversationStore, default_user
from indexer.feedback import FeedbackStore

from .config import DesktopPrefs
from .qt import QObject, QThread, QTimer, Signal, Slot
from .workers import AnswerWorker, AskRequest, FilterSpec, SyncJob, SyncWorker

log = logging.getLogger(__name__)


class Backend(QObject):
    tokenReceived = Signal(str)
    answered = Signal(object)  # indexer.answering.Answer
    askFailed = Signal(str)  # "" when the user stopped the answer
    busyChanged = Signal(bool)
    statusChanged = Signal(object)  # dict: documents, chunks, doc_types, model, profiles (or error)
    syncProgress = Signal(int, int, str)
    syncFinished = Signal(object)  # indexer.sync.SyncReport
    syncFailed = Signal(str)
    syncRunningChanged = Signal(bool)
    indexStateChanged = Signal(object)  # dict: sources, problems, counts (or error)
    settingsChanged = Signal(object)
    memoryReleased = Signal()  # idle: the vector index's memory was given back

    _askRequested = Signal(object)
    _warmRequested = Signal(bool)
    _statusRequested = Signal()
    _answerReconfigure = Signal(object)
    _syncRequested = Signal(object)
    _syncReconfigure = Signal(object)
    _indexStateRequested = Signal()

    def __init__(self, settings, llm=None, prefs: DesktopPrefs | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.prefs = prefs or DesktopPrefs.load(settings.home)
        self.user = default_user()
        self.conversations = ConversationStore.in_dir(settings.home)
        self.feedback = FeedbackStore.in_dir(settings.home)
        self.last_status: dict = {}
        self._ids = itertools.count(1)
        self._current: AskRequest | None = None
        self._sync_job: SyncJob | None = None
        self._started = False

        self._answer_thread = QThread(self)
        self._answer_thread.setObjectName("passeur-answers")
        self._answer_worker = AnswerWorker(settings, llm)
        self._answer_worker.moveToThread(self._answer_thread)
        self._askRequested.connect(self._answer_worker.ask)
        self._warmRequested.connect(self._answer_worker.warm_up)
        self._statusRequested.connect(self._answer_worker.refresh_status)
        self._answerReconfigure.connect(self._answer_worker.reconfigure)
        self._answer_worker.token.connect(self._on_token)
        self._answer_worker.answered.connect(self._on_answered)
        self._answer_worker.failed.connect(self._on_failed)
        self._answer_worker.status.connect(self._on_status)
        # Idle after answers: the vector index's memory is given back (search.release_after_idle_s).
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._release_idle)

        self._sync_thread = QThread(self)
        self._sync_thread.setObjectName("passeur-indexing")
        self._sync_worker = SyncWorker(settings)
        self._sync_worker.moveToThread(self._sync_thread)
        self._syncRequested.connect(self._sync_worker.run)
        self._syncReconfigure.connect(self._sync_worker.reconfigure)
        self._indexStateRequested.connect(self._sync_worker.refresh)
        self._sync_worker.progress.connect(self.syncProgress)
        self._sync_worker.finished.connect(self._on_sync_finished)
        self._sync_worker.failed.connect(self._on_sync_failed)
        self._sync_worker.state.connect(self.indexStateChanged)

    # -- life cycle -------------------------------------------------------------------------------------------
    def start(self, warm_model: bool = True) -> None:
        """Start the workers and warm the search engine up (call it once the window shows)."""
        if self._started:
            return
        self._started = True
        self._prepare_catalog()
        self._answer_thread.start()
        self._sync_thread.start()
        self._warmRequested.emit(warm_model)
        self._indexStateRequested.emit()

    def _prepare_catalog(self) -> None:
        """Create or upgrade the catalogue once, before two workers open it at the same time
        (two first openings would both run its migrations)."""
        from indexer.catalog import Catalog

        try:
            Catalog(self.settings.catalog_path).close()
        except Exception:  # noqa: BLE001 - the workers report it in French
            log.exception("cannot open the catalogue")

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the workers; False when one is still busy after ``timeout_ms`` (a long generation)."""
        self._idle_timer.stop()
        if self._current is not None:
            self._current.cancel.set()
        if self._sync_job is not None:
            self._sync_job.cancel.set()
        ok = True
        if self._started:
            for thread in (self._answer_thread, self._sync_thread):
                thread.quit()
                ok = thread.wait(timeout_ms) and ok
            self._started = not ok
        if ok:
            self._answer_worker.close()  # its thread has stopped: safe from here
            self.conversations.close()
            self.feedback.close()
        return ok

    # -- questions --------------------------------------------------------------------------------------------
    def allowed_profiles(self) -> list[str]:
        """The profiles this user may pick: every profile until the rights of #6 map users to profiles
        (``[users]`` in passeur.toml), then only theirs, the default one first."""
        if getattr(self.settings, "users", None) is not None:
            try:
                from indexer import rights

                return list(rights.profiles_of(self.settings, self.user))
            except (ImportError, AttributeError):
                pass
            except Exception:  # noqa: BLE001 - a bad [users] table: least privilege
                log.exception("cannot read the user's profiles")
                return [self.settings.default_profile]
        return list(self.settings.profiles)

    @property
    def profile(self) -> str:
        allowed = self.allowed_profiles()
        chosen = self.prefs.profile
        if chosen in allowed:
            return chosen
        if self.settings.default_profile in allowed or not allowed:
            return self.settings.default_profile
        return allowed[0]

    def spaces(self) -> list[str]:
        return list(self.settings.profiles.get(self.profile, []))

    @property
    def busy(self) -> bool:
        return self._current is not None

    def ask(self, question: str, history: list[tuple[str, str]] | None = None, filters: FilterSpec | None = None,
            no_llm: bool = False) -> int | None:
        """Ask in the answer thread; None when an answer is already on its way."""
        if self._current is not None or not question.strip():
            return None
        req = AskRequest(id=next(self._ids), question=question.strip(), history=list(history or []),
                         filters=filters or FilterSpec(), profile=self.profile, no_llm=no_llm)
        self._current = req
        self._idle_timer.stop()
        self.busyChanged.emit(True)
        self._askRequested.emit(req)
        return req.id

    def stop(self) -> None:
        if self._current is not None:
            self._current.cancel.set()

    @Slot(int, str)
    def _on_token(self, req_id: int, piece: str) -> None:
        if self._current is not None and req_id == self._current.id and not self._current.cancel.is_set():
            self.tokenReceived.emit(piece)

    @Slot(int, object)
    def _on_answered(self, req_id: int, answer) -> None:
        if self._current is None or req_id != self._current.id:
            return
        stopped = self._current.cancel.is_set()
        self._current = None
        self.busyChanged.emit(False)
        if stopped:
            self.askFailed.emit("")
        else:
            self.answered.emit(answer)
        self._arm_idle_release()
        self.refresh_status()

    @Slot()
    def _release_idle(self) -> None:
        """Run in this (GUI) thread, not the worker's: freeing Chroma needs a garbage collection, which must
        not run in a thread that could collect Qt objects of another thread. The worker is idle here (the
        timer runs only between questions), and the release touches no SQLite connection."""
        if self._current is None and self._started:
            self._answer_worker.release_memory()
            self.memoryReleased.emit()

    def _arm_idle_release(self) -> None:
        delay = self.settings.search.release_after_idle_s
        if delay > 0:
            self._idle_timer.start(int(delay * 1000))

    @Slot(int, str)
    def _on_failed(self, req_id: int, message: str) -> None:
        if self._current is None or req_id != self._current.id:
            return
        self._current = None
        self.busyChanged.emit(False)
        self._arm_idle_release()
        self.askFailed.emit(message)

    @Slot(object)
    def _on_status(self, status: dict) -> None:
        self.last_status = status
        self.statusChanged.emit(status)

    def refresh_status(self) -> None:
        if self._started:
            self._statusRequested.emit()

    # -- indexing ----------------------------------------------------------------------------------------------
    @property
    def syncing(self) -> bool:
        return self._sync_job is not None

    def add_folder(self, folder: str, space: str) -> bool:
        return self._start_sync(SyncJob(add=(folder, space)))

    def sync_all(self) -> bool:
        return self._start_sync(SyncJob())

    def _start_sync(self, job: SyncJob) -> bool:
        if self._sync_job is not None:
            return False
        self._sync_job = job
        self.syncRunningChanged.emit(True)
        self._syncRequested.emit(job)
        return True

    def cancel_sync(self) -> None:
        if self._sync_job is not None:
            self._sync_job.cancel.set()

    def refresh_index_state(self) -> None:
        if self._started:
            self._indexStateRequested.emit()

    @Slot(object)
    def _on_sync_finished(self, report) -> None:
        self._sync_job = None
        self.syncRunningChanged.emit(False)
        self.syncFinished.emit(report)
        self.refresh_status()

    @Slot(str)
    def _on_sync_failed(self, message: str) -> None:
        self._sync_job = None
        self.syncRunningChanged.emit(False)
        self.syncFailed.emit(message)

    # -- settings ------------------------------------------------------------------------------------------------
    def apply_settings(self, settings, prefs: DesktopPrefs) -> None:
        """Use new settings (after the settings page saved them): workers reopen what they need."""
        home_changed = settings.home != self.settings.home
        self.settings = settings
        self.prefs = prefs
        if home_changed:
            self.conversations.close()
            self.feedback.close()
            self.conversations = ConversationStore.in_dir(settings.home)
            self.feedback = FeedbackStore.in_dir(settings.home)
        if self._started and home_changed:
            self._prepare_catalog()
        self._answerReconfigure.emit(settings)
        self._syncReconfigure.emit(settings)
        self.settingsChanged.emit(settings)
        self.refresh_status()
        self.refresh_index_state()

