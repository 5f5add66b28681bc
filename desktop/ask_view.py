"""The question page: filters, the conversation as it streams in, the AI notice, feedback, export, the question box.

It talks to :class:`desktop.controller.Backend` only (ask, stop, stores) and
shows what comes back; the retrieval and the model live in the indexer.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from indexer import export

from . import render
from .i18n import doc_type, language, tr
from .qt import (
    QCheckBox, QComboBox, QDate, QDateEdit, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
    QPushButton, QSizePolicy, QTextBrowser, QTimer, QToolButton, QUrl, QVBoxLayout, QWidget, Qt, Signal,
)
from .render import Turn
from .workers import FilterSpec

if TYPE_CHECKING:
    from indexer.answering import Answer, Citation

    from .controller import Backend

log = logging.getLogger(__name__)

NO_DATE = QDate(1900, 1, 1)


class FilterBar(QWidget):
    """Space, document type, date range and the search-only switch."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.space_label = QLabel(self)
        self.space = QComboBox(self)
        self.type_label = QLabel(self)
        self.type = QComboBox(self)
        self.type.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.since_label = QLabel(self)
        self.since = self._date_edit()
        self.until_label = QLabel(self)
        self.until = self._date_edit()
        self.procurement_label = QLabel(self)
        self.procurement = QComboBox(self)
        self.procurement.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.in_force = QCheckBox(self)
        self.clear = QToolButton(self)
        self.clear.setText("↺")
        self.clear.clicked.connect(self.reset)
        self.search_only = QCheckBox(parent)  # shown next to the ask button
        self._spaces: list[str] = []
        self._types: list[str] = []
        self._procurements: list[str] = []
        for label, field in ((self.space_label, self.space), (self.type_label, self.type),
                             (self.procurement_label, self.procurement),
                             (self.since_label, self.since), (self.until_label, self.until)):
            label.setBuddy(field)
        layout = QGridLayout(self)  # two rows: the bar stays narrow enough to leave room for the document
        layout.setContentsMargins(0, 0, 0, 0)
        for col, w in enumerate((self.space_label, self.space, self.type_label, self.type,
                                 self.procurement_label, self.procurement)):
            layout.addWidget(w, 0, col)
        for col, w in enumerate((self.since_label, self.since, self.until_label, self.until, self.in_force)):
            layout.addWidget(w, 1, col, 1, 2 if w is self.in_force else 1)
        layout.addWidget(self.clear, 1, 6)
        layout.setColumnStretch(7, 1)
        self.retranslate()

    def _date_edit(self) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("dd/MM/yyyy")
        edit.setMinimumDate(NO_DATE)
        edit.setDate(NO_DATE)
        return edit

    def retranslate(self) -> None:
        self.space_label.setText(tr("ask.space"))
        self.type_label.setText(tr("ask.type"))
        self.since_label.setText(tr("ask.since"))
        self.until_label.setText(tr("ask.until"))
        for edit in (self.since, self.until):
            edit.setSpecialValueText(tr("ask.any_date"))
        self.clear.setToolTip(tr("ask.clear_filters"))
        self.clear.setAccessibleName(tr("ask.clear_filters"))
        self.search_only.setText(tr("ask.search_only"))
        self.procurement_label.setText(tr("ask.procurement"))
        self.procurement.setToolTip(tr("ask.procurement_tip"))
        self.in_force.setText(tr("ask.in_force"))
        self.in_force.setToolTip(tr("ask.in_force_tip"))
        self.set_options(self._spaces, self._types, self._procurements)

    def set_options(self, spaces: list[str], types: list[str], procurements: list[str] = ()) -> None:
        """Fill the lists (the spaces the profile may read, the types and consultations found in the index),
        keeping the choice."""
        self._spaces, self._types, self._procurements = list(spaces), list(types), list(procurements)
        self.procurement.setVisible(bool(self._procurements))
        self.procurement_label.setVisible(bool(self._procurements))
        for combo, everything, values, label in ((self.space, tr("ask.any_space"), self._spaces, str),
                                                 (self.type, tr("ask.any_type"), self._types, doc_type),
                                                 (self.procurement, tr("ask.any_procurement"), self._procurements,
                                                  str)):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, None)
            for value in values:
                combo.addItem(label(value), value)
            index = combo.findData(current) if current is not None else 0
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)

    def reset(self) -> None:
        self.space.setCurrentIndex(0)
        self.type.setCurrentIndex(0)
        self.procurement.setCurrentIndex(0)
        self.since.setDate(NO_DATE)
        self.until.setDate(NO_DATE)
        self.in_force.setChecked(False)

    def spec(self) -> FilterSpec:
        space, kind = self.space.currentData(), self.type.currentData()
        return FilterSpec(spaces=[space] if space else None, types=[kind] if kind else None,
                          since=_py_date(self.since.date()), until=_py_date(self.until.date()),
                          in_force=self.in_force.isChecked(), procurement=self.procurement.currentData())


def _py_date(value: QDate) -> date | None:
    if value <= NO_DATE:
        return None
    return date(value.year(), value.month(), value.day())


class QuestionEdit(QPlainTextEdit):
    """Enter asks, Shift+Enter starts a new line."""

    submitted = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class Transcript(QTextBrowser):
    """The conversation, re-rendered from :class:`desktop.render.Turn` values."""

    citationClicked = Signal(int, int)  # turn, n

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.anchorClicked.connect(self._clicked)
        self.turns: list[Turn] = []

    def refresh(self) -> None:
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 30
        self.setHtml(render.transcript_html(self.turns))
        if at_end or (self.turns and self.turns[-1].answer is None):
            bar.setValue(bar.maximum())

    def _clicked(self, url: QUrl) -> None:
        parts = url.toString().split(":")
        if len(parts) == 3 and parts[0] == "cite":
            self.citationClicked.emit(int(parts[1]), int(parts[2]))


class AskView(QWidget):
    openCitation = Signal(object)  # Citation
    answerShown = Signal(object)  # the Answer whose sources the side panel should list
    conversationsChanged = Signal()

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.conversation_id: int | None = None
        self.filters = FilterBar(self)
        self.filters.search_only.setChecked(backend.prefs.search_only)
        self.filters.search_only.toggled.connect(self._search_only_toggled)
        self.transcript = Transcript(self)
        self.transcript.citationClicked.connect(self.open_citation)
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.notice.setStyleSheet(f"background-color: {render.COLORS['notice_bg']}; color: {render.COLORS['notice']};"
                                  "border: 1px solid #e0b44c; border-radius: 4px; padding: 4px; font-weight: bold;")
        self.useful = QPushButton(self)
        self.not_useful = QPushButton(self)
        self.comment = QLineEdit(self)
        self.useful.clicked.connect(lambda: self.give_feedback(True))
        self.not_useful.clicked.connect(lambda: self.give_feedback(False))
        self.export_md = QPushButton(self)
        self.export_odt = QPushButton(self)
        self.export_md.clicked.connect(lambda: self.export_dialog("md"))
        self.export_odt.clicked.connect(lambda: self.export_dialog("odt"))
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.question = QuestionEdit(self)
        self.question.setTabChangesFocus(True)
        self.question.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.question.setFixedHeight(self.question.fontMetrics().lineSpacing() * 3 + 16)
        self.question.submitted.connect(self.submit)
        self.send = QPushButton(self)
        self.send.setDefault(True)
        self.send.clicked.connect(self.submit)
        self.stop = QPushButton(self)
        self.stop.clicked.connect(backend.stop)
        self.stop.setVisible(False)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(40)
        self._render_timer.timeout.connect(self.transcript.refresh)

        feedback = QHBoxLayout()
        feedback.addWidget(self.useful)
        feedback.addWidget(self.not_useful)
        feedback.addWidget(self.comment, 1)
        exports = QHBoxLayout()
        exports.addWidget(self.message, 1)
        exports.addWidget(self.export_md)
        exports.addWidget(self.export_odt)
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.question, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.send)
        buttons.addWidget(self.stop)
        buttons.addWidget(self.filters.search_only)
        buttons.addStretch(1)
        ask_row.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filters)
        layout.addWidget(self.transcript, 1)
        layout.addWidget(self.notice)
        layout.addLayout(feedback)
        layout.addLayout(exports)
        layout.addLayout(ask_row)

        backend.tokenReceived.connect(self._on_token)
        backend.answered.connect(self._on_answered)
        backend.askFailed.connect(self._on_failed)
        backend.busyChanged.connect(self._on_busy)
        self.retranslate()
        self._update_actions()

    # -- texts -------------------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.filters.retranslate()
        self.notice.setText(tr("ask.notice"))
        self.notice.setAccessibleName(tr("ask.notice"))
        self.useful.setText(tr("ask.useful"))
        self.useful.setAccessibleName(tr("ask.useful"))
        self.not_useful.setText(tr("ask.not_useful"))
        self.not_useful.setAccessibleName(tr("ask.not_useful"))
        self.comment.setPlaceholderText(tr("ask.comment"))
        self.comment.setAccessibleName(tr("ask.comment"))
        self.export_md.setText(tr("ask.export_md"))
        self.export_odt.setText(tr("ask.export_odt"))
        self.question.setPlaceholderText(tr("ask.placeholder"))
        self.question.setAccessibleName(tr("ask.question_name"))
        self.transcript.setAccessibleName(tr("ask.transcript_name"))
        self.send.setText(tr("ask.send"))
        self.send.setToolTip(tr("ask.send_tip"))
        self.stop.setText(tr("ask.stop"))
        self.stop.setToolTip(tr("ask.stop_tip"))
        self.transcript.refresh()

    def set_index_options(self, spaces: list[str], types: list[str], procurements: list[str] = ()) -> None:
        self.filters.set_options(spaces, types, procurements)

    # -- conversations -------------------------------------------------------------------------------------------
    def new_conversation(self) -> None:
        if self.backend.busy:
            return
        self.conversation_id = None
        self.transcript.turns = []
        self.transcript.refresh()
        self.answerShown.emit(None)
        self._update_actions()
        self.question.setFocus()

    def load_conversation(self, conversation_id: int | None) -> None:
        if self.backend.busy or conversation_id == self.conversation_id:
            return
        if conversation_id is None:
            self.new_conversation()
            return
        exchanges = self.backend.conversations.exchanges(conversation_id)
        self.conversation_id = conversation_id
        self.transcript.turns = [Turn(question=e.question, answer=e.answer, state="done", exchange_id=e.id)
                                 for e in exchanges]
        self.transcript.refresh()
        self.answerShown.emit(self.last_answer())
        self._update_actions()

    # -- asking ---------------------------------------------------------------------------------------------------
    def submit(self) -> None:
        text = self.question.toPlainText().strip()
        if not text:
            return
        if self.backend.busy:
            self.message.setText(tr("ask.busy"))
            return
        history = self.backend.conversations.history(self.conversation_id) if self.conversation_id else []
        req = self.backend.ask(text, history=history, filters=self.filters.spec(),
                               no_llm=self.filters.search_only.isChecked())
        if req is None:
            return
        self.message.clear()
        self.question.clear()
        self.transcript.turns.append(Turn(question=text))
        self.transcript.refresh()

    def _current_turn(self) -> Turn | None:
        turns = self.transcript.turns
        return turns[-1] if turns and turns[-1].answer is None and turns[-1].state in ("searching", "writing") \
            else None

    def _on_token(self, piece: str) -> None:
        turn = self._current_turn()
        if turn is None:
            return
        turn.partial += piece
        turn.state = "writing"
        if not self._render_timer.isActive():
            self._render_timer.start()

    def _on_answered(self, answer: Answer) -> None:
        turn = self._current_turn()
        if turn is None:
            return
        turn.answer = answer
        turn.state = "done"
        self._render_timer.stop()
        try:
            if self.conversation_id is None:
                conv = self.backend.conversations.create(self.backend.user, self.backend.profile)
                self.conversation_id = conv.id
            turn.exchange_id = self.backend.conversations.add_exchange(self.conversation_id, answer).id
        except Exception:  # noqa: BLE001 - the answer is shown even if it could not be saved
            log.exception("could not save the exchange")
        self.transcript.refresh()
        self.answerShown.emit(answer)
        self.conversationsChanged.emit()
        self._update_actions()

    def _on_failed(self, message: str) -> None:
        turn = self._current_turn()
        if turn is None:
            return
        self._render_timer.stop()
        turn.state = "stopped" if not message else "failed"
        turn.error = message
        self.transcript.refresh()
        self._update_actions()

    def _on_busy(self, busy: bool) -> None:
        self.send.setEnabled(not busy)
        self.stop.setVisible(busy)
        self.send.setVisible(not busy)

    def _search_only_toggled(self, on: bool) -> None:
        self.backend.prefs.search_only = on
        try:
            self.backend.prefs.save(self.backend.settings.home)
        except OSError:
            log.warning("could not save the preferences")

    # -- sources ----------------------------------------------------------------------------------------------------
    def citation(self, turn_index: int, n: int) -> Citation | None:
        if not 0 <= turn_index < len(self.transcript.turns):
            return None
        answer = self.transcript.turns[turn_index].answer
        if answer is None:
            return None
        return next((c for c in [*answer.citations, *answer.passages] if c.n == n), None)

    def open_citation(self, turn_index: int, n: int) -> None:
        c = self.citation(turn_index, n)
        if c is None:
            return
        self.answerShown.emit(self.transcript.turns[turn_index].answer)
        self.openCitation.emit(c)

    # -- feedback and export -------------------------------------------------------------------------------------------
    def last_answer(self) -> Answer | None:
        return next((t.answer for t in reversed(self.transcript.turns) if t.answer is not None), None)

    def _last_turn(self) -> Turn | None:
        return next((t for t in reversed(self.transcript.turns) if t.answer is not None), None)

    def _update_actions(self) -> None:
        has = self.last_answer() is not None
        for w in (self.useful, self.not_useful, self.comment, self.export_md, self.export_odt):
            w.setEnabled(has)

    def give_feedback(self, useful: bool) -> None:
        turn = self._last_turn()
        if turn is None or turn.answer is None:
            return
        key = f"{self.conversation_id}:{turn.exchange_id}"
        self.backend.feedback.record(key, turn.answer, useful, self.comment.text(), user=self.backend.user,
                                     profile=self.backend.profile)
        self.comment.clear()
        self.message.setText(tr("ask.feedback_saved"))

    def export_dialog(self, kind: str) -> None:
        answer = self.last_answer()
        if answer is None:
            return
        start = Path.home() / export.suggested_name(answer, kind)
        pattern = "Markdown (*.md)" if kind == "md" else "OpenDocument (*.odt)"
        path, _ = QFileDialog.getSaveFileName(self, tr("ask.export_title"), str(start), pattern)
        if path:
            self.export_to(Path(path), kind)

    def export_to(self, path: Path, kind: str) -> Path | None:
        answer = self.last_answer()
        if answer is None:
            return None
        path = path if path.suffix else path.with_suffix(f".{kind}")
        try:
            if kind == "odt":
                export.write_odt(answer, path, lang=language())
            else:
                export.write_markdown(answer, path, lang=language())
        except Exception as exc:  # noqa: BLE001
            self.message.setText(tr("ask.export_failed", message=str(exc)))
            return None
        self.message.setText(tr("ask.exported", path=str(path)))
        return path
