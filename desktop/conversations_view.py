"""The side list of past conversations: new, open, rename, delete (stored locally)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .i18n import tr
from .qt import (
    QHBoxLayout, QInputDialog, QLabel, QListWidget, QListWidgetItem, QMessageBox, QPushButton, Qt, QVBoxLayout,
    QWidget, Signal,
)

if TYPE_CHECKING:
    from indexer.conversations import Conversation

ID_ROLE = Qt.ItemDataRole.UserRole


class ConversationsView(QWidget):
    selected = Signal(object)  # conversation id (int) or None
    newRequested = Signal()
    renameRequested = Signal(int, str)
    deleteRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = QLabel(self)
        font = self.header.font()
        font.setBold(True)
        self.header.setFont(font)
        self.new_button = QPushButton(self)
        self.new_button.clicked.connect(self.newRequested)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.currentItemChanged.connect(self._current_changed)
        self.rename_button = QPushButton(self)
        self.rename_button.clicked.connect(self.ask_rename)
        self.delete_button = QPushButton(self)
        self.delete_button.clicked.connect(self.ask_delete)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.header)
        layout.addWidget(self.new_button)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self._titles: dict[int, str] = {}
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        self.header.setText(tr("conv.header"))
        self.new_button.setText(tr("conv.new"))
        self.new_button.setToolTip("Ctrl+N")
        self.rename_button.setText(tr("conv.rename"))
        self.delete_button.setText(tr("conv.delete"))
        self.list.setAccessibleName(tr("conv.list_name"))
        for i in range(self.list.count()):
            item = self.list.item(i)
            cid = item.data(ID_ROLE)
            item.setText(self._titles.get(cid) or tr("conv.untitled"))

    def set_conversations(self, conversations: list[Conversation], current: int | None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        self._titles = {}
        for conv in conversations:
            self._titles[conv.id] = conv.title
            item = QListWidgetItem(conv.title or tr("conv.untitled"))
            item.setData(ID_ROLE, conv.id)
            item.setToolTip(conv.title)
            self.list.addItem(item)
            if conv.id == current:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self._update_buttons()

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def _current_changed(self, current, _previous) -> None:
        self._update_buttons()
        self.selected.emit(current.data(ID_ROLE) if current is not None else None)

    def _update_buttons(self) -> None:
        has = self.list.currentItem() is not None
        self.rename_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def ask_rename(self) -> None:
        cid = self.current_id()
        if cid is None:
            return
        title, ok = QInputDialog.getText(self, tr("conv.rename_title"), tr("conv.rename_label"),
                                         text=self._titles.get(cid, ""))
        if ok and title.strip():
            self.renameRequested.emit(cid, title.strip())

    def ask_delete(self) -> None:
        cid = self.current_id()
        if cid is None:
            return
        title = self._titles.get(cid) or tr("conv.untitled")
        answer = QMessageBox.question(self, tr("conv.delete"), tr("conv.delete_confirm", title=title))
        if answer == QMessageBox.StandardButton.Yes:
            self.deleteRequested.emit(cid)
