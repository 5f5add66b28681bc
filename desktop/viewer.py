"""The document viewer: the cited page with the passage highlighted, inside the app.

- PDF: ``QPdfView`` on the cited page; the passage's sentence, as the indexer
  extracted it, is searched with ``QPdfSearchModel`` (accent-sensitive, so the
  extracted text is used, never the question) and the view paints the hits.
  A scanned page has no text layer to search: the sentence is then found among
  the words OCR read at indexing time (kept with their boxes in the data dir,
  see indexer/ocr_store.py) and the view paints those words' boxes.
- DOCX, ODT, text, HTML: the document's text in a read-only view, scrolled
  to the cited section, the sentence highlighted.
- Always: "Ouvrir dans l'application par défaut".

The viewer reports :attr:`DocumentViewer.highlighted` (found or not) once the
passage was looked for; tests wait for it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from indexer import ocr_store

from . import locate
from .i18n import tr, where
from .qt import (
    QColor, QDesktopServices, QFont, QGuiApplication, QHBoxLayout, QLabel, QPainter, QPointF, QPushButton, QRectF,
    QSizePolicy, QStackedWidget, QTextBrowser, QTextCharFormat, QTextCursor, QTextEdit, QTimer, QToolButton, QUrl,
    QVBoxLayout, QWidget, Signal, pdf,
)
from .workers import run_in_background

if TYPE_CHECKING:
    from indexer.answering import Citation

log = logging.getLogger(__name__)

HIGHLIGHT = "#ffe14d"


def open_external(path: str) -> bool:
    """Open the file in the desktop's default application."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def page_geometry(view, page: int) -> QRectF:
    """Where ``view`` (a QPdfView, multi-page) lays ``page`` (0-based) out, in viewport pixels.

    QPdfView does not say where it put each page: its layout rule is applied again here (each page
    scaled to the view's zoom mode, centred horizontally, stacked with ``pageSpacing`` between pages
    inside ``documentMargins``), then moved by the scroll bars."""
    document = view.document()
    count = document.pageCount()
    if not 0 <= page < count:
        return QRectF()
    screen = QGuiApplication.primaryScreen()
    resolution = (screen.logicalDotsPerInch() if screen is not None else 96.0) / 72.0
    margins = view.documentMargins()
    viewport = view.viewport()
    fit = view.zoomMode() == type(view).ZoomMode.FitToWidth

    def size(p: int) -> tuple[int, int]:
        points = document.pagePointSize(p)
        if not fit:
            return round(points.width() * resolution * view.zoomFactor()), \
                round(points.height() * resolution * view.zoomFactor())
        width, height = round(points.width() * resolution), round(points.height() * resolution)
        factor = (viewport.width() - margins.left() - margins.right()) / max(1, width)
        return round(width * factor), round(height * factor)

    sizes = [size(p) for p in range(count)]
    total = max(w for w, _h in sizes) + margins.left() + margins.right()
    width, height = sizes[page]
    x = (max(total, viewport.width()) - width) // 2
    y = margins.top() + sum(h + view.pageSpacing() for _w, h in sizes[:page])
    return QRectF(x - view.horizontalScrollBar().value(), y - view.verticalScrollBar().value(), width, height)


_OCR_VIEW = None


def _ocr_view_class():
    """QPdfView that also paints boxes given in page points (the OCR words of a cited sentence)."""
    global _OCR_VIEW
    if _OCR_VIEW is None:
        class OcrPdfView(pdf().QPdfView):
            def __init__(self, parent: QWidget | None = None) -> None:
                super().__init__(parent)
                self.ocr_boxes: list[tuple[int, tuple[float, float, float, float]]] = []  # page, box (points)

            def ocr_rects(self) -> list[QRectF]:
                """The boxes in viewport pixels, as painted."""
                out = []
                document = self.document()
                for page, (x0, y0, x1, y1) in self.ocr_boxes:
                    frame = page_geometry(self, page)
                    points = document.pagePointSize(page)
                    if frame.isNull() or points.width() <= 0 or points.height() <= 0:
                        continue
                    sx, sy = frame.width() / points.width(), frame.height() / points.height()
                    out.append(QRectF(frame.x() + x0 * sx - 1, frame.y() + y0 * sy - 1,
                                      (x1 - x0) * sx + 2, (y1 - y0) * sy + 2))
                return out

            def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
                super().paintEvent(event)
                if not self.ocr_boxes:
                    return
                color = QColor(HIGHLIGHT)
                color.setAlpha(120)
                painter = QPainter(self.viewport())
                try:
                    for rect in self.ocr_rects():
                        painter.fillRect(rect, color)
                finally:
                    painter.end()

        _OCR_VIEW = OcrPdfView
    return _OCR_VIEW


class PdfPane(QWidget):
    """QPdfView with page navigation and zoom; :meth:`show_page` highlights a passage."""

    located = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        qpdf = pdf()
        self.document = qpdf.QPdfDocument(self)
        self.search = qpdf.QPdfSearchModel(self)
        self.search.setDocument(self.document)
        self.view = _ocr_view_class()(self)
        self.view.setDocument(self.document)
        self.view.setSearchModel(self.search)
        self.view.setPageMode(qpdf.QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(qpdf.QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName(tr("view.pdf_name"))
        self._zoom_mode = qpdf.QPdfView.ZoomMode
        self.path = ""
        self.found_rects = 0
        self.search_string = ""
        self.data_home: Callable[[], Path] | None = None  # where the OCR word boxes are (the data dir)
        self._ocr_pages: dict[int, ocr_store.OcrPage] = {}
        self._ocr_key: tuple | None = None
        self._target: tuple[int, float, float] | None = None  # page, x, y of the hit to outline
        self.search.countChanged.connect(self._select_target)

        self.prev_button = QToolButton(self)
        self.next_button = QToolButton(self)
        self.page_label = QLabel(self)
        self.zoom_out = QToolButton(self)
        self.zoom_in = QToolButton(self)
        self.fit = QToolButton(self)
        self.prev_button.clicked.connect(lambda: self.go(self.current_page() - 1))
        self.next_button.clicked.connect(lambda: self.go(self.current_page() + 1))
        self.zoom_in.clicked.connect(lambda: self._zoom(1.25))
        self.zoom_out.clicked.connect(lambda: self._zoom(0.8))
        self.fit.clicked.connect(lambda: self.view.setZoomMode(self._zoom_mode.FitToWidth))
        self.view.verticalScrollBar().valueChanged.connect(self._update_page_label)

        bar = QHBoxLayout()
        for w in (self.prev_button, self.next_button, self.page_label):
            bar.addWidget(w)
        bar.addStretch(1)
        for w in (self.zoom_out, self.zoom_in, self.fit):
            bar.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.retranslate()

    def retranslate(self) -> None:
        for button, symbol, key in ((self.prev_button, "◀", "view.prev"), (self.next_button, "▶", "view.next"),
                                    (self.zoom_out, "−", "view.zoom_out"), (self.zoom_in, "+", "view.zoom_in"),
                                    (self.fit, "↔", "view.fit")):
            button.setText(symbol)
            button.setToolTip(tr(key))
            button.setAccessibleName(tr(key))
        self.view.setAccessibleName(tr("view.pdf_name"))
        self._update_page_label()

    def current_page(self) -> int:
        """The page at the top of the view, 1-based (the view's own notion follows its centre)."""
        count = self.document.pageCount()
        if not count:
            return 0
        y = self.view.verticalScrollBar().value() + 40  # the passage is brought 40 px below the top
        page = 0
        for p in range(count):
            if self._page_top(p) <= y:
                page = p
            else:
                break
        return page + 1

    def _page_top(self, page: int) -> int:
        """Vertical position of the top of ``page`` (0-based) in the scrolled area, in pixels."""
        y = self.view.documentMargins().top()
        for p in range(page):
            y += int(self.document.pagePointSize(p).height() * self._scale(p)) + self.view.pageSpacing()
        return y

    def go(self, page: int) -> None:
        if 1 <= page <= self.document.pageCount():
            self.view.verticalScrollBar().setValue(self._page_top(page - 1))

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(self._zoom_mode.Custom)
        self.view.setZoomFactor(max(0.25, min(6.0, self.view.zoomFactor() * factor)))

    def _update_page_label(self, *_args) -> None:
        total = self.document.pageCount()
        self.page_label.setText(tr("view.page_of", page=self.current_page(), total=total) if total else "")
        self.prev_button.setEnabled(self.current_page() > 1)
        self.next_button.setEnabled(self.current_page() < total)

    def _select_target(self, *_args) -> None:
        """Outline the cited hit (the view frames the current search result) once the model lists it."""
        if self._target is None:
            return
        page, x, y = self._target
        for i in range(self.search.count()):
            link = self.search.resultAtIndex(i)
            rects = link.rectangles()
            if link.page() == page and rects and (rects[0].x(), rects[0].y()) == (x, y):
                self._target = None
                self.view.setCurrentSearchResultIndex(i)
                return

    def load(self, path: str) -> str | None:
        """Open the file; an error message (French) when it cannot be read."""
        if path == self.path and self.document.pageCount():
            return None
        self.search.setSearchString("")
        self.view.ocr_boxes = []
        self.document.close()
        error = self.document.load(path)
        if self.document.pageCount() == 0:
            self.path = ""
            return tr("view.cannot_open", message=str(getattr(error, "name", error)))
        self.path = path
        return None

    def show_page(self, page: int, passage: str, span: tuple[int, int]) -> bool:
        """Jump to the page (1-based) and highlight the passage's sentence; True when found."""
        count = self.document.pageCount()
        index = max(0, min(count - 1, page - 1))
        self.found_rects = 0
        self.search_string = ""
        self._target = None
        self.view.ocr_boxes = []
        hit = None
        for cand in locate.search_candidates(passage, span):
            self.search.setSearchString(cand)
            for p in (index, index + 1):  # a passage may run onto the next page
                if p >= count:
                    continue
                results = self.search.resultsOnPage(p)
                if results:
                    hit, index = results[0], p
                    break
            if hit is not None:
                self.search_string = cand
                break
        top = 0.0
        if hit is None:
            self.search.setSearchString("")
            in_ocr = self._locate_in_ocr(index, count, passage, span)
            if in_ocr is not None:
                index, boxes = in_ocr
                self.view.ocr_boxes = [(index, box) for box in boxes]
                self.found_rects = len(boxes)
                top = min(box[1] for box in boxes)
            self.view.viewport().update()
        else:
            rects = hit.rectangles()
            self.found_rects = len(rects)
            top = min((r.top() for r in rects), default=0.0)
            self._target = (index, rects[0].x(), rects[0].y()) if rects else None
            self._select_target()
        self.view.pageNavigator().jump(index, QPointF(0, 0), self.view.zoomFactor())
        found = hit is not None or bool(self.view.ocr_boxes)
        QTimer.singleShot(0, lambda: self._scroll_into_page(index, top, found, 40))
        return found

    def _ocr_words(self) -> dict[int, ocr_store.OcrPage]:
        """The OCR words of the open file, by 1-based page ({} when it was not OCRed)."""
        try:
            stat = Path(self.path).stat()
            home = self.data_home() if self.data_home is not None else None
            if home is None:
                from indexer.settings import data_dir

                home = data_dir()
        except OSError:
            return {}
        key = (self.path, stat.st_size, stat.st_mtime_ns, str(home))
        if key != self._ocr_key:
            self._ocr_key = key
            try:
                self._ocr_pages = ocr_store.load(home, ocr_store.file_hash(self.path))
            except OSError as exc:
                log.warning("cannot read %s for its OCR words: %s", self.path, exc)
                self._ocr_pages = {}
        return self._ocr_pages

    def _locate_in_ocr(self, index: int, count: int, passage: str, span: tuple[int, int]):
        """(page, boxes in points) of the cited sentence among the page's OCR words, or None."""
        pages = self._ocr_words()
        for p in (index, index + 1):
            page = pages.get(p + 1)
            if page is None or p >= count:
                continue
            found = locate.locate_in_words([w.text for w in page.words], passage, span)
            if found is not None:
                return p, locate.line_boxes(page.words[found[0]:found[1]])
        return None

    def ocr_highlighted(self) -> bool:
        """Whether the shown highlight comes from OCR words (a scanned page)."""
        return bool(self.view.ocr_boxes)

    def _scroll_into_page(self, page: int, top: float, found: bool, tries: int) -> None:
        """Scroll so that the passage is near the top (the view's own jump stops at the top of the page).

        The view must be laid out first (a pane just shown has no width yet): retried until it is."""
        bar = self.view.verticalScrollBar()
        laid_out = self.view.isVisible() and self.view.viewport().width() > 50 and \
            (bar.maximum() > 0 or self.document.pageCount() == 1)
        if not laid_out and tries > 0:
            QTimer.singleShot(25, lambda: self._scroll_into_page(page, top, found, tries - 1))
            return
        y = self._page_top(page) + int(top * self._scale(page))
        bar.setValue(max(0, y - 40))
        self._update_page_label()
        self.located.emit(found)

    def _scale(self, page: int) -> float:
        """Pixels per PDF point in the view."""
        size = self.document.pagePointSize(page)
        if self.view.zoomMode() == self._zoom_mode.FitToWidth and size.width() > 0:
            m = self.view.documentMargins()
            return max(0.1, (self.view.viewport().width() - m.left() - m.right()) / size.width())
        return self.view.zoomFactor() * self.view.logicalDpiX() / 72.0


class TextPane(QWidget):
    """The text of a document without pages (DOCX, ODT, text), sections in order, passage highlighted."""

    located = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName(tr("view.text_name"))
        self.sections: dict[int, tuple[int, int]] = {}
        self.highlight: tuple[int, int] | None = None
        self.path = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)

    def retranslate(self) -> None:
        self.browser.setAccessibleName(tr("view.text_name"))

    def set_pages(self, path: str, pages: list[tuple[int, str, list[tuple[str, int]]]]) -> None:
        """``pages``: (number, label, [(text, heading level)]) as the reader gives them."""
        self.path = path
        self.sections = {}
        doc = self.browser.document()
        doc.clear()
        cursor = QTextCursor(doc)
        body = QTextCharFormat()
        heading = QTextCharFormat()
        heading.setFontWeight(QFont.Weight.Bold)
        heading.setFontPointSize(self.font().pointSizeF() * 1.25)
        first = True
        for number, _label, blocks in pages:
            start = cursor.position()
            for text, level in blocks:
                if not first:
                    cursor.insertBlock()
                first = False
                cursor.insertText(text, heading if level else body)
            self.sections[number] = (start, cursor.position())

    def show_section(self, number: int, passage: str, span: tuple[int, int]) -> bool:
        text = self.browser.document().toPlainText()
        start, end = self.sections.get(number, (0, len(text)))
        found = locate.locate_in_text(text[start:end], passage, span)
        if found is None:  # the section numbering moved (file changed since indexing): whole text
            found = locate.locate_in_text(text, passage, span)
            start = 0
        selections = []
        if found is not None:
            a, b = start + found[0], start + found[1]
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.browser.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format.setBackground(QColor(HIGHLIGHT))
            selections.append(sel)
            self.highlight = (a, b)
            anchor = a
        else:
            self.highlight = None
            anchor = start
        self.browser.setExtraSelections(selections)
        QTimer.singleShot(0, lambda: self._scroll_to(anchor, found is not None))  # once laid out
        return found is not None

    def _scroll_to(self, position: int, found: bool) -> None:
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(min(position, self.browser.document().characterCount() - 1))
        self.browser.setTextCursor(cursor)
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.value() + self.browser.cursorRect(cursor).top() - 40)
        self.located.emit(found)

    def highlighted_text(self) -> str:
        if self.highlight is None:
            return ""
        a, b = self.highlight
        return self.browser.document().toPlainText()[a:b]


def read_pages(path: str) -> list[tuple[int, str, list[tuple[str, int]]]]:
    """The document's sections with the indexer's reader (runs in the thread pool)."""
    from indexer.readers import ReadError, read

    try:
        doc = read(Path(path))
        return [(p.number, p.label, [(b.text, b.heading_level) for b in p.blocks]) for p in doc.pages]
    except ReadError as exc:
        from indexer import errors

        raise errors.PasseurError(fr=errors.reason_text(exc.code, "fr", **exc.params),
                                  en=errors.reason_text(exc.code, "en", **exc.params)) from exc


class DocumentViewer(QWidget):
    """Title, what was found, the page or text, and the external-open button."""

    highlighted = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.citation: Citation | None = None
        self.data_home: Callable[[], Path] | None = None  # the data dir (OCR word boxes); None: PASSEUR_HOME's
        self.mode = "empty"
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.title.setFont(font)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.info.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.open_in_default_app)
        self.open_button.setEnabled(False)
        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        self.pdf_pane: PdfPane | None = None
        self.text_pane = TextPane(self)
        self.stack.addWidget(self.text_pane)
        self.text_pane.located.connect(self._located)

        info_row = QHBoxLayout()
        info_row.addWidget(self.info, 1)
        info_row.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addLayout(info_row)
        layout.addWidget(self.stack, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.open_button.setText(tr("view.open_external"))
        self.empty.setText(tr("view.empty"))
        self.text_pane.retranslate()
        if self.pdf_pane is not None:
            self.pdf_pane.retranslate()

    def _pdf(self) -> PdfPane:
        if self.pdf_pane is None:
            self.pdf_pane = PdfPane(self)
            self.pdf_pane.data_home = lambda: self.data_home() if self.data_home is not None else None
            self.pdf_pane.located.connect(self._located)
            self.stack.addWidget(self.pdf_pane)
        return self.pdf_pane

    def current_page(self) -> int | None:
        if self.mode == "pdf" and self.pdf_pane is not None:
            return self.pdf_pane.current_page()
        return None

    def show_citation(self, c: Citation) -> None:
        self.citation = c
        self.title.setText(f"[{c.n}] {c.title or Path(c.path).name} — {where(c.unit, c.page, c.page_label)}")
        self.title.setToolTip(c.path)
        self.open_button.setEnabled(Path(c.path).exists())
        if not Path(c.path).exists():
            self._error(tr("view.missing", path=c.path))
            return
        if _is_pdf(c.path):
            pane = self._pdf()
            error = pane.load(c.path)
            if error:
                self._error(error)
                return
            self.mode = "pdf"
            self.stack.setCurrentWidget(pane)
            pane.show_page(c.page, c.passage, c.span)
            return
        self.mode = "loading"
        self.info.setText(tr("view.loading"))
        path = c.path

        def done(pages) -> None:
            if self.citation is not c:
                return  # another source was clicked meanwhile
            self.mode = "text"
            self.text_pane.set_pages(path, pages)
            self.stack.setCurrentWidget(self.text_pane)
            self.text_pane.show_section(c.page, c.passage, c.span)

        def failed(message: str) -> None:
            if self.citation is c:
                self._error(tr("view.cannot_open", message=message))

        run_in_background(lambda: read_pages(path), done, failed)

    def _located(self, found: bool) -> None:
        c = self.citation
        if found and self.mode == "pdf" and self.pdf_pane is not None and self.pdf_pane.ocr_highlighted():
            self.info.setText(tr("view.found_ocr"))
        elif found or c is None:
            self.info.setText(tr("view.found") if found else "")
        else:
            passage = locate.span_text(c.passage, c.span)
            self.info.setText(tr("view.not_found", where=where(c.unit, c.page, c.page_label)) + f" « {passage} »")
        self.info.setStyleSheet("color: #1d5e20;" if found else "color: #8a4b00;")
        self.highlighted.emit(found)

    def _error(self, message: str) -> None:
        self.mode = "error"
        self.info.setText(message)
        self.info.setStyleSheet("color: #a11d1d;")
        self.stack.setCurrentWidget(self.empty)
        self.highlighted.emit(False)

    def open_in_default_app(self) -> None:
        if self.citation is not None and Path(self.citation.path).exists():
            open_external(self.citation.path)


def _is_pdf(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            return b"%PDF-" in fh.read(1024)
    except OSError:
        return False
