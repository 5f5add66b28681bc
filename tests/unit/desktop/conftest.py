"""Desktop tests: offscreen Qt (no display needed), strict about Qt warnings, a tiny real index.

- ``QT_QPA_PLATFORM=offscreen`` is set before any QApplication exists.
- Every test here fails on a Qt warning (``qt_log_level_fail = WARNING``), except
  the offscreen plugin's own notice that it cannot propagate size hints.
- The index is built once per session from real generated files (PDF, DOCX,
  ODT, text) with the real embedding model; each test works on a copy, with a
  scripted LLM that streams a fixed reply word by word.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).parent
QT_NOISE = [r"This plugin does not support propagateSizeHints\(\)"]

# Same minutes as tests/conftest.py's sample folder.
MINUTES_P1, MINUTES_P2 = json.loads(
    (HERE.parents[1] / "data" / "minutes_2024_037.json").read_text(encoding="utf-8"))["pages"]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*QT_NOISE))


def write_pdf(path: Path, pages: list[str], title: str) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(title)
    for text in pages:
        y = 800
        for line in text.splitlines():
            c.drawString(50, y, line)
            y -= 14
        c.showPage()
    c.save()
    return path


def write_docx(path: Path, sections: list[tuple[str, list[str]]], title: str) -> Path:
    import docx

    d = docx.Document()
    d.core_properties.title = title
    for heading, paragraphs in sections:
        d.add_heading(heading, level=1)
        for p in paragraphs:
            d.add_paragraph(p)
    path.parent.mkdir(parents=True, exist_ok=True)
    d.save(str(path))
    return path


def write_odt(path: Path, sections: list[tuple[str, list[str]]]) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.text import H, P

    d = OpenDocumentText()
    for heading, paragraphs in sections:
        d.text.addElement(H(outlinelevel=1, text=heading))
        for p in paragraphs:
            d.text.addElement(P(text=p))
    d.save(str(path))
    return path


def write_corpus(root: Path) -> Path:
    write_pdf(root / "deliberations" / "DEL-2024-037.pdf", [MINUTES_P1, MINUTES_P2], "Délibération n° 2024-037")
    write_docx(root / "rh" / "faq.docx",
               [("Congés annuels", ["Chaque agent a droit à 25 jours de congés annuels par an."]),
                ("Télétravail", ["Le télétravail est limité à deux jours par semaine, sur demande écrite "
                                 "validée par le chef de service."])], "FAQ RH")
    write_odt(root / "cimetiere.odt", [("Concessions", ["Une concession trentenaire coûte 450 euros."]),
                                       ("Columbarium", ["Une case de columbarium coûte 600 euros pour quinze ans."])])
    (root / "notes").mkdir(exist_ok=True)
    (root / "notes" / "fermeture.txt").write_text(
        "Fermeture estivale\n\nLa mairie sera fermée le 15 août 2025.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def index_template(tmp_path_factory):
    """A real index (catalogue + Chroma) of the small corpus, built once."""
    from indexer.settings import Settings
    from indexer.store import Store
    from indexer.sync import Syncer

    docs = write_corpus(tmp_path_factory.mktemp("desktop-docs"))
    home = tmp_path_factory.mktemp("desktop-index")
    store = Store(Settings.load(home))
    try:
        general = store.catalog.add_source(str(docs), "general")
        rh = store.catalog.add_source(str(docs / "rh"), "rh")
        for sid in (rh, general):
            Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
    finally:
        store.close()
    return home, docs


@pytest.fixture
def indexed_home(index_template, passeur_home):
    """This test's data dir ($PASSEUR_HOME), holding a copy of the index."""
    template, _docs = index_template
    shutil.copytree(template, passeur_home, dirs_exist_ok=True)
    # The test user may use every profile (unlisted logins get the default profile only).
    (passeur_home / "passeur.toml").write_text(
        '[users]\n"*" = ["agent", "rh", "juridique", "admin"]\n', encoding="utf-8")
    return passeur_home


@pytest.fixture
def writers():
    """The document writers above, for tests that need their own files."""
    return SimpleNamespace(pdf=write_pdf, docx=write_docx, odt=write_odt, minutes=(MINUTES_P1, MINUTES_P2))


@pytest.fixture
def docs(index_template) -> Path:
    return index_template[1]


@pytest.fixture(autouse=True)
def _desktop_isolation(tmp_path, monkeypatch):
    """No test reads or writes the user's real config, and each starts in French."""
    from desktop import config, i18n

    monkeypatch.setattr(config, "pointer_path", lambda: tmp_path / "config" / "data-dir")
    i18n.set_language("fr")
    yield
    i18n.set_language("fr")


@pytest.fixture
def viewer(qtbot):
    """The document viewer alone, shown at a fixed size (test_viewer.py, test_ocr_viewer.py)."""
    from desktop.app import create_app
    from desktop.viewer import DocumentViewer

    create_app([])
    v = DocumentViewer()
    v.resize(700, 800)
    qtbot.addWidget(v)
    v.show()
    return v


@pytest.fixture
def make_window(qtbot, indexed_home):
    """Build the backend and the window over the copied index, start the workers, stop them after the test."""
    from desktop.app import build_window, create_app
    from indexer.settings import Settings

    created = []

    def factory(llm=None, start=True, prefs=None):
        create_app([])
        backend, window = build_window(Settings.load(indexed_home), prefs=prefs, llm=llm)
        qtbot.addWidget(window)
        created.append(backend)
        window.show()
        if start:
            with qtbot.waitSignal(backend.statusChanged, timeout=60000):
                backend.start(warm_model=False)
        return backend, window

    yield factory
    for backend in created:
        assert backend.shutdown(timeout_ms=20000)


@pytest.fixture
def click_anchor(qtbot):
    """A real mouse click on the link ``href`` of a QTextBrowser."""
    from desktop.qt import Qt, QTextCursor

    def click(browser, href: str) -> None:
        doc = browser.document()
        block = doc.begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                frag = it.fragment()
                if frag.charFormat().anchorHref() == href:
                    cursor = QTextCursor(doc)
                    cursor.setPosition(frag.position() + 1)
                    browser.setTextCursor(cursor)
                    browser.ensureCursorVisible()
                    rect = browser.cursorRect(cursor)
                    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
                    return
                it += 1
            block = block.next()
        raise AssertionError(f"no link {href!r} in the text")

    return click


@pytest.fixture
def ask_in(qtbot):
    """Type a question in the window and press Enter; returns the finished turn."""
    from desktop.qt import Qt

    def ask(window, question: str, timeout: int = 30000):
        backend = window.backend
        window.ask.question.setFocus()
        window.ask.question.setPlainText(question)
        with qtbot.waitSignals([backend.busyChanged, backend.busyChanged], timeout=timeout):
            qtbot.keyClick(window.ask.question, Qt.Key.Key_Return)  # Enter asks
        return window.ask.transcript.turns[-1]

    return ask
