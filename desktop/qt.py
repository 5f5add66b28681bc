"""The one module that imports PySide6: every other module of ``desktop`` imports Qt from here.

Keeping the binding in one place (as qutebrowser does) makes the Qt surface the
app uses visible at a glance and leaves a single line to change for another
binding. QtPdf is loaded on demand (:func:`pdf`), when the first document is
opened, so that it does not slow the start-up down.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6 import QtCore
from PySide6.QtCore import (
    QDate, QObject, QPointF, QRectF, QRunnable, Qt, QThread, QThreadPool, QTimer, QUrl, Signal, Slot,
)
from PySide6.QtGui import (
    QColor, QDesktopServices, QFont, QFontDatabase, QGuiApplication, QKeySequence, QPainter, QShortcut,
    QTextCharFormat, QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractItemView, QApplication, QButtonGroup, QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout,
    QGridLayout, QGroupBox, QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QMainWindow, QMessageBox, QPlainTextEdit, QProgressBar, QPushButton, QRadioButton, QSizePolicy, QSplitter,
    QStackedWidget, QTableWidget, QTableWidgetItem, QTabWidget, QTextBrowser, QTextEdit, QToolButton, QVBoxLayout,
    QWidget,
)

__all__ = [
    "QT_VERSION", "pdf",
    "QDate", "QObject", "QPointF", "QRectF", "QRunnable", "Qt", "QThread", "QThreadPool", "QTimer", "QUrl", "Signal",
    "Slot",
    "QColor", "QDesktopServices", "QFont", "QFontDatabase", "QGuiApplication", "QKeySequence", "QPainter",
    "QShortcut", "QTextCharFormat", "QTextCursor",
    "QAbstractItemView", "QApplication", "QButtonGroup", "QCheckBox", "QComboBox", "QDateEdit", "QFileDialog",
    "QFormLayout", "QGridLayout", "QGroupBox", "QHBoxLayout", "QHeaderView", "QInputDialog", "QLabel", "QLineEdit",
    "QListWidget", "QListWidgetItem", "QMainWindow", "QMessageBox", "QPlainTextEdit", "QProgressBar", "QPushButton",
    "QRadioButton", "QSizePolicy", "QSplitter", "QStackedWidget", "QTableWidget", "QTableWidgetItem", "QTabWidget",
    "QTextBrowser", "QTextEdit", "QToolButton", "QVBoxLayout", "QWidget",
]

QT_VERSION = QtCore.qVersion()

_PDF: SimpleNamespace | None = None


def pdf() -> SimpleNamespace:
    """QtPdf and QtPdfWidgets classes (the PySide6-Pdf wheel), imported on first use."""
    global _PDF
    if _PDF is None:
        from PySide6.QtPdf import QPdfDocument, QPdfPageNavigator, QPdfSearchModel
        from PySide6.QtPdfWidgets import QPdfView

        _PDF = SimpleNamespace(QPdfDocument=QPdfDocument, QPdfSearchModel=QPdfSearchModel,
                               QPdfPageNavigator=QPdfPageNavigator, QPdfView=QPdfView)
    return _PDF
