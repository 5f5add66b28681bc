"""Start the desktop app: QApplication, fonts, the window, then the search engine in the background.

The window shows first (Qt and the settings only); the index, the embedding
model and the embedded LLM load in the answer worker afterwards, so the
window appears fast and never freezes. Works offscreen (``QT_QPA_PLATFORM=
offscreen``) for tests and screenshots.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

from indexer import errors

from . import config, i18n
from .qt import QApplication, QFont, QFontDatabase, QGuiApplication, QMessageBox, Qt, QTimer

log = logging.getLogger(__name__)

READABLE_FONTS = ("Noto Sans", "DejaVu Sans", "Liberation Sans", "Cantarell", "Segoe UI", "Arial")
MIN_POINT_SIZE = 10.0


def has_display() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM"))


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (created once), with a readable font."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(["passeur", *(argv or [])])
    app.setApplicationName("passeur")
    app.setApplicationDisplayName("Passeur")
    app.setDesktopFileName("passeur")
    setup_font(app)
    return app


def setup_font(app: QApplication) -> str:
    """Use a readable font at a readable size; without any font installed, Qt would draw boxes."""
    families = QFontDatabase.families()
    if not families:
        log.warning("no font found: install fonts-dejavu-core (installer/system-deps.sh does)")
        return ""
    font = app.font()
    if font.family() not in families:
        for family in READABLE_FONTS:
            if family in families:
                font = QFont(family)
                break
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
    app.setFont(font)
    return font.family()


def build_window(settings, prefs=None, llm=None):
    """Backend and main window for these settings (used by :func:`run` and by the tests)."""
    from .controller import Backend
    from .mainwindow import MainWindow

    prefs = prefs or config.DesktopPrefs.load(settings.home)
    i18n.set_language(prefs.language)
    backend = Backend(settings, llm=llm, prefs=prefs)
    return backend, MainWindow(backend)


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="passeur app", description="Fenêtre de Passeur.")
    parser.add_argument("--startup-check", action="store_true",
                        help="afficher la fenêtre, indiquer le temps de démarrage, puis quitter")
    parser.add_argument("-v", "--verbose", action="store_true")
    args, qt_args = parser.parse_known_args(argv or [])
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    started = time.perf_counter()
    if not has_display():
        print(i18n.tr("app.no_display"), file=sys.stderr)
        return 1
    config.apply_chosen_data_dir()
    app = create_app(qt_args)
    from indexer import netguard
    from indexer.settings import Settings

    try:
        settings = Settings.load()
    except errors.PasseurError as exc:
        QMessageBox.critical(None, "Passeur", errors.message(exc, "fr"))
        return exc.exit_code
    netguard.install(netguard.configured_hosts(settings))
    backend, window = build_window(settings)
    window.show()

    def shown() -> None:
        seconds = time.perf_counter() - started
        log.info("window shown in %.2f s", seconds)
        if args.startup_check:
            print(f"Fenêtre affichée en {seconds:.2f} s.", flush=True)
            QTimer.singleShot(0, app.quit)
            return
        backend.start()

    QTimer.singleShot(0, shown)
    code = app.exec()
    if not backend.shutdown():
        # A generation or a file is still being processed: the index is crash-safe, leave now.
        log.warning("a worker was still busy at exit")
        sys.stdout.flush()
        os._exit(code)
    return code
