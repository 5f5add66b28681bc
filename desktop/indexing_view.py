"""The indexing page: sources and their space, add a folder, sync with progress (cancellable,
resumable), counts, and the files that could not be indexed with their reason in plain French."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from indexer import errors

from .i18n import language, tr
from .qt import (
    QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QProgressBar, QPushButton,
    Qt, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

if TYPE_CHECKING:
    from .controller import Backend


def _local_time(iso: str | None) -> str:
    """A catalogue time (ISO, UTC) in the computer's time zone: 27/11/2026 11:04 (ISO order in English)."""
    if not iso:
        return ""
    try:
        when = datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return iso
    return when.strftime("%Y-%m-%d %H:%M" if language() == "en" else "%d/%m/%Y %H:%M")


def _table(parent: QWidget, columns: int) -> QTableWidget:
    table = QTableWidget(0, columns, parent)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for i in range(1, columns):
        header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
    return table


class IndexingView(QWidget):
    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.state: dict = {}
        self.header = QLabel(self)
        bold = self.header.font()
        bold.setBold(True)
        self.header.setFont(bold)
        self.sources = _table(self, 4)
        self.add_button = QPushButton(self)
        self.add_button.clicked.connect(self.choose_folder)
        self.sync_button = QPushButton(self)
        self.sync_button.clicked.connect(backend.sync_all)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(backend.cancel_sync)
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar(self)
        self.progress.setVisible(False)
        self.progress_label = QLabel(self)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.counts = QLabel(self)
        self.problems_header = QLabel(self)
        self.problems_header.setFont(bold)
        self.problems = _table(self, 2)
        self.problems.setWordWrap(False)
        self.problems.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.problems.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.problems.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.problems.setColumnWidth(0, 360)

        buttons = QHBoxLayout()
        for w in (self.add_button, self.sync_button, self.cancel_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.sources, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.progress)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.result)
        layout.addWidget(self.counts)
        layout.addWidget(self.problems_header)
        layout.addWidget(self.problems, 3)

        backend.syncProgress.connect(self._on_progress)
        backend.syncFinished.connect(self._on_finished)
        backend.syncFailed.connect(self._on_failed)
        backend.syncRunningChanged.connect(self._on_running)
        backend.indexStateChanged.connect(self.show_state)
        self.retranslate()

    def retranslate(self) -> None:
        self.header.setText(tr("idx.sources"))
        self.sources.setHorizontalHeaderLabels([tr("idx.col_path"), tr("idx.col_space"), tr("idx.col_docs"),
                                                tr("idx.col_synced")])
        self.sources.setAccessibleName(tr("idx.table_name"))
        self.add_button.setText(tr("idx.add"))
        self.sync_button.setText(tr("idx.sync"))
        self.cancel_button.setText(tr("idx.cancel"))
        self.problems_header.setText(tr("idx.problems"))
        self.problems.setHorizontalHeaderLabels([tr("idx.col_file"), tr("idx.col_reason")])
        self.problems.setAccessibleName(tr("idx.problems_name"))
        self.show_state(self.state)

    # -- actions ---------------------------------------------------------------------------------------------------
    def known_spaces(self) -> list[str]:
        spaces = {s for values in self.backend.settings.profiles.values() for s in values}
        return ["general"] + sorted(spaces - {"general"})

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("idx.choose_folder"), str(Path.home()))
        if not folder:
            return
        spaces = self.known_spaces()
        space, ok = QInputDialog.getItem(self, tr("idx.space_title"), tr("idx.space_label"), spaces, 0, False)
        if ok:
            self.add_folder(folder, space)

    def add_folder(self, folder: str, space: str) -> bool:
        return self.backend.add_folder(folder, space)

    # -- progress -------------------------------------------------------------------------------------------------
    def _on_running(self, running: bool) -> None:
        self.add_button.setEnabled(not running)
        self.sync_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setVisible(running)
        if running:
            self.result.clear()
            self.progress.setRange(0, 0)  # busy until the first file is counted
            self.progress_label.setText(tr("idx.preparing"))
        else:
            self.progress_label.clear()

    def _on_progress(self, done: int, total: int, path: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress_label.setText(tr("idx.progress", done=done, total=total, name=Path(path).name) if path else "")

    def _on_finished(self, report) -> None:
        if report.cancelled:
            self.result.setText(tr("idx.cancelled"))
            self.result.setStyleSheet("color: #8a4b00;")
            return
        text = tr("idx.done", added=report.added + report.copied + report.moved, updated=report.updated,
                  deleted=report.deleted, unchanged=report.unchanged, failed=report.failed + report.needs_ocr)
        if getattr(report, "ocr_pages", 0):
            text += " " + tr("idx.ocr_done", count=report.ocr_pages)
        self.result.setText(text)
        self.result.setStyleSheet("color: #1d5e20;")

    def _on_failed(self, message: str) -> None:
        self.result.setText(tr("idx.failed", message=message))
        self.result.setStyleSheet("color: #a11d1d;")

    # -- state ------------------------------------------------------------------------------------------------------
    def show_state(self, state: dict) -> None:
        self.state = state or {}
        if "error" in self.state:
            self.counts.setText(self.state["error"])
            return
        sources = self.state.get("sources", [])
        self.sources.setRowCount(len(sources))
        for row, s in enumerate(sources):
            synced = _local_time(s["synced_at"]) or tr("idx.never")
            for col, value in enumerate((s["path"], s["space"], str(s["documents"]), synced)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.sources.setItem(row, col, item)
        problems = self.state.get("problems", [])
        self.problems.setRowCount(len(problems))
        for row, p in enumerate(problems):
            reason = errors.reason_text(p["code"], language(), **p["params"])
            for col, value in enumerate((Path(p["path"]).name, reason)):
                item = QTableWidgetItem(value)
                item.setToolTip(p["path"] if col == 0 else reason)
                self.problems.setItem(row, col, item)
        if sources or self.state:
            self.counts.setText(tr("idx.counts", documents=self.state.get("documents", 0),
                                   pages=self.state.get("pages", 0), chunks=self.state.get("chunks", 0),
                                   problems=len({p["path"] for p in problems})))

    def problem_texts(self) -> list[tuple[str, str]]:
        return [(self.problems.item(r, 0).text(), self.problems.item(r, 1).text())
                for r in range(self.problems.rowCount())]
