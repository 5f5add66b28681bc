"""The main window: conversations | question and answers | sources and document; indexing and settings pages;
the status line (model in use, index state, profile)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from . import i18n
from .ask_view import AskView
from .conversations_view import ConversationsView
from .i18n import tr
from .indexing_view import IndexingView
from .qt import QKeySequence, QLabel, QMainWindow, QShortcut, QSplitter, QTabWidget, Qt, QWidget
from .settings_view import SettingsView
from .sources_view import SourcesView
from .viewer import DocumentViewer

if TYPE_CHECKING:
    from indexer.answering import Citation

    from .controller import Backend

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.setObjectName("passeur-main")
        self.resize(1360, 860)

        self.conversations = ConversationsView(self)
        self.ask = AskView(backend, self)
        self.sources = SourcesView(self)
        self.viewer = DocumentViewer(self)
        self.viewer.data_home = lambda: self.backend.settings.home  # OCR word boxes of scanned pages
        self.side = QTabWidget(self)
        self.side.addTab(self.sources, "")
        self.side.addTab(self.viewer, "")
        self.split = QSplitter(Qt.Orientation.Horizontal, self)
        for w in (self.conversations, self.ask, self.side):
            self.split.addWidget(w)
        self.split.setStretchFactor(0, 0)
        self.split.setStretchFactor(1, 3)
        self.split.setStretchFactor(2, 2)
        self.split.setSizes([220, 620, 520])
        self.split.setChildrenCollapsible(False)

        self.indexing = IndexingView(backend, self)
        self.settings_page = SettingsView(backend, self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.split, "")
        self.tabs.addTab(self.indexing, "")
        self.tabs.addTab(self.settings_page, "")
        self.setCentralWidget(self.tabs)

        self.model_label = QLabel(self)
        self.index_label = QLabel(self)
        self.profile_label = QLabel(self)
        bar = self.statusBar()
        bar.addWidget(self.model_label, 1)
        bar.addPermanentWidget(self.index_label)
        bar.addPermanentWidget(self.profile_label)

        self.ask.answerShown.connect(self._show_sources)
        self.ask.openCitation.connect(self.open_citation)
        self.sources.openCitation.connect(self.open_citation)
        self.ask.conversationsChanged.connect(self.refresh_conversations)
        self.conversations.selected.connect(self.ask.load_conversation)
        self.conversations.newRequested.connect(self.new_conversation)
        self.conversations.renameRequested.connect(self._rename)
        self.conversations.deleteRequested.connect(self._delete)
        self.settings_page.languageChanged.connect(self.set_language)
        backend.statusChanged.connect(self.show_status)
        backend.settingsChanged.connect(self._settings_changed)
        backend.busyChanged.connect(lambda busy: self.conversations.setEnabled(not busy))

        self._shortcuts = []
        for keys, slot in ((QKeySequence.StandardKey.New, self.new_conversation),
                           ("Ctrl+L", self.focus_question), ("Escape", backend.stop),
                           ("Ctrl+E", lambda: self.ask.export_dialog("md")),
                           ("Ctrl+Shift+E", lambda: self.ask.export_dialog("odt")),
                           ("Ctrl+1", lambda: self.tabs.setCurrentIndex(0)),
                           ("Ctrl+2", lambda: self.tabs.setCurrentIndex(1)),
                           ("Ctrl+3", lambda: self.tabs.setCurrentIndex(2)),
                           ("Ctrl+D", lambda: self.side.setCurrentWidget(self.viewer)),
                           ("Ctrl+R", lambda: self.side.setCurrentWidget(self.sources))):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

        self.retranslate()
        last = backend.prefs.last_conversation
        conv = backend.conversations.get(last) if last is not None else None
        if conv is not None and (conv.user, conv.profile) == (backend.user, backend.profile):
            self.ask.load_conversation(conv.id)
        self.refresh_conversations()
        self.model_label.setText(tr("status.loading"))
        self.focus_question()

    # -- texts ----------------------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.setWindowTitle(tr("app.title"))
        self.tabs.setTabText(0, tr("tab.ask"))
        self.tabs.setTabText(1, tr("tab.indexing"))
        self.tabs.setTabText(2, tr("tab.settings"))
        self.side.setTabText(0, tr("src.tab"))
        self.side.setTabText(1, tr("src.doc_tab"))
        for view in (self.conversations, self.ask, self.sources, self.viewer, self.indexing, self.settings_page):
            view.retranslate()
        if self.backend.last_status:
            self.show_status(self.backend.last_status)

    def set_language(self, lang: str) -> None:
        i18n.set_language(lang)
        self.retranslate()

    # -- status line ----------------------------------------------------------------------------------------------
    def show_status(self, status: dict) -> None:
        self.profile_label.setText(tr("status.profile", profile=self.backend.profile))
        if "error" in status:
            self.index_label.setText(tr("status.error", message=status["error"]))
            return
        model = status.get("model", {})
        backend = model.get("backend")
        if backend == "ollama":
            name = tr("model.ollama", host=model.get("host", ""), model=model.get("name", ""))
        elif backend == "embedded":
            name = tr("model.embedded", name=model.get("name", ""))
        elif backend == "custom":
            name = model.get("name", "")
        else:
            name = tr("model.none")
        text = tr("status.model", model=name)
        if model.get("error"):
            text += " — " + tr("status.model_down")
            self.model_label.setToolTip(model["error"])
        else:
            self.model_label.setToolTip("")
        self.model_label.setText(text)
        if status.get("chunks"):
            self.index_label.setText(tr("status.index", documents=status.get("documents", 0),
                                        chunks=status.get("chunks", 0)))
        else:
            self.index_label.setText(tr("status.index_empty"))
        self.ask.set_index_options(self.backend.spaces(), status.get("doc_types", []), status.get("procurements", []))

    # -- conversations ----------------------------------------------------------------------------------------------
    def _conversation_list(self):
        return self.backend.conversations.list(self.backend.user, self.backend.profile)

    def refresh_conversations(self) -> None:
        self.conversations.set_conversations(self._conversation_list(), self.ask.conversation_id)
        self._remember()

    def new_conversation(self) -> None:
        if self.backend.busy:
            return
        self.ask.new_conversation()
        self.conversations.set_conversations(self._conversation_list(), None)
        self.tabs.setCurrentIndex(0)
        self._remember()

    def _rename(self, conversation_id: int, title: str) -> None:
        self.backend.conversations.rename(conversation_id, title)
        self.refresh_conversations()

    def _delete(self, conversation_id: int) -> None:
        self.backend.conversations.delete(conversation_id)
        if self.ask.conversation_id == conversation_id:
            self.ask.new_conversation()
        self.refresh_conversations()

    def _remember(self) -> None:
        prefs = self.backend.prefs
        if prefs.last_conversation != self.ask.conversation_id:
            prefs.last_conversation = self.ask.conversation_id
            try:
                prefs.save(self.backend.settings.home)
            except OSError:
                log.warning("could not save the preferences")

    def _settings_changed(self, _settings) -> None:
        self.ask.new_conversation()
        self.refresh_conversations()
        self.settings_page.load()

    # -- sources and documents ---------------------------------------------------------------------------------------
    def _show_sources(self, answer) -> None:
        self.sources.show_answer(answer)
        self.side.setCurrentWidget(self.sources)

    def open_citation(self, citation: Citation) -> None:
        sizes = self.split.sizes()
        rest = sizes[1] + sizes[2]
        if sizes[2] < rest * 0.55:  # give the document room to be read
            self.split.setSizes([sizes[0], rest - int(rest * 0.6), int(rest * 0.6)])
        self.side.setCurrentWidget(self.viewer)
        self.viewer.show_citation(citation)

    def focus_question(self) -> None:
        self.tabs.setCurrentIndex(0)
        self.ask.question.setFocus()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._remember()
        super().closeEvent(event)
