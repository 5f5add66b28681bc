"""The sources panel: one card per cited passage (title, type, date, page, excerpt), one click to open."""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer import export

from . import render
from .i18n import tr
from .qt import QTextBrowser, QUrl, QVBoxLayout, QWidget, Qt, Signal

if TYPE_CHECKING:
    from indexer.answering import Answer, Citation


class SourcesView(QWidget):
    openCitation = Signal(object)  # Citation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer: Answer | None = None
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.browser.anchorClicked.connect(self._clicked)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        self.retranslate()

    def retranslate(self) -> None:
        self.browser.setAccessibleName(tr("src.list_name"))
        self.browser.setHtml(render.sources_html(self.answer))

    def show_answer(self, answer: Answer | None) -> None:
        self.answer = answer
        self.browser.setHtml(render.sources_html(answer))

    def citations(self) -> list[Citation]:
        return export.shown_sources(self.answer) if self.answer is not None else []

    def citation(self, n: int) -> Citation | None:
        return next((c for c in self.citations() if c.n == n), None)

    def _clicked(self, url: QUrl) -> None:
        text = url.toString()
        if text.startswith("open:"):
            c = self.citation(int(text.split(":", 1)[1]))
            if c is not None:
                self.openCitation.emit(c)
