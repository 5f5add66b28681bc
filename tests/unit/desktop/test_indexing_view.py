"""The indexing page over a fresh data dir: add a folder, progress, failures in French, cancel and resume."""

from __future__ import annotations

import pytest


@pytest.fixture
def folder(tmp_path, writers):
    root = tmp_path / "a-indexer"
    writers.pdf(root / "DEL-2024-037.pdf", list(writers.minutes), "Délibération n° 2024-037")
    writers.docx(root / "faq.docx", [("Congés annuels", ["Chaque agent a droit à 25 jours de congés par an."])],
               "FAQ RH")
    (root / "vide.pdf").write_bytes(b"")
    (root / "tableau.xyz").write_text("colonnes", encoding="utf-8")
    return root


@pytest.fixture
def page(qtbot, passeur_home):
    from desktop.app import build_window, create_app
    from indexer.settings import Settings

    create_app([])
    backend, window = build_window(Settings.load(passeur_home))
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(backend.indexStateChanged, timeout=30000):
        backend.start(warm_model=False)
    window.tabs.setCurrentWidget(window.indexing)
    yield backend, window, window.indexing
    assert backend.shutdown(timeout_ms=20000)


def test_add_a_folder_with_progress_counts_and_french_reasons(qtbot, page, folder, monkeypatch):
    backend, window, view = page
    from desktop import indexing_view

    monkeypatch.setattr(indexing_view.QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    monkeypatch.setattr(indexing_view.QInputDialog, "getItem", lambda *a, **k: ("rh", True))
    progress: list[tuple[int, int, str]] = []
    backend.syncProgress.connect(lambda d, t, p: progress.append((d, t, p)))
    with qtbot.waitSignal(backend.indexStateChanged, timeout=60000):
        with qtbot.waitSignal(backend.syncFinished, timeout=60000) as finished:
            view.add_button.click()
            assert not view.add_button.isEnabled() and view.cancel_button.isEnabled()
            assert view.progress.isVisible()
    report = finished.args[0]
    assert report.added == 2 and report.failed + report.skipped == 2
    assert progress[0][:2] == (0, 4) and progress[-1] == (4, 4, "")
    assert view.result.text().startswith("Synchronisation terminée : 2 ajouté(s)")
    assert view.add_button.isEnabled() and not view.progress.isVisible()

    assert view.sources.rowCount() == 1
    assert [view.sources.item(0, c).text() for c in range(3)] == [str(folder), "rh", "2"]
    reasons = dict(view.problem_texts())
    assert reasons["vide.pdf"] == "Fichier vide (0 octet)."
    assert reasons["tableau.xyz"] == "Type de fichier non pris en charge (.xyz)."
    assert view.counts.text().startswith("2 documents indexés") and "2 fichier(s) à signaler" in view.counts.text()
    qtbot.waitUntil(lambda: "Index : 2 documents" in window.index_label.text(), timeout=20000)


def test_cancelled_sync_resumes_on_the_next_one(qtbot, page, folder):
    backend, window, view = page
    with qtbot.waitSignal(backend.syncFinished, timeout=60000) as finished:
        assert view.add_folder(str(folder), "general")
        backend.cancel_sync()  # before the first file: nothing is indexed
    assert finished.args[0].cancelled
    assert view.result.text() == ("Synchronisation annulée : relancez-la pour reprendre là où elle s'est "
                                  "arrêtée.")
    qtbot.waitUntil(lambda: view.sources.rowCount() == 1)

    with qtbot.waitSignal(backend.syncFinished, timeout=60000) as finished:
        view.sync_button.click()
    report = finished.args[0]
    assert not report.cancelled and report.added == 2
    with qtbot.waitSignal(backend.syncFinished, timeout=60000) as finished:
        view.sync_button.click()
    assert finished.args[0].unchanged == 4 and finished.args[0].added == 0  # nothing read twice


def test_sync_failure_is_reported_in_french(qtbot, page, tmp_path):
    backend, window, view = page
    with qtbot.waitSignal(backend.syncFailed, timeout=30000) as failed:
        view.add_folder(str(tmp_path / "nulle-part"), "general")
    assert failed.args[0].startswith("Dossier ou fichier introuvable")
    assert view.result.text().startswith("La synchronisation a échoué : Dossier ou fichier introuvable")


def test_english_reasons(qtbot, page, folder):
    backend, window, view = page
    with qtbot.waitSignal(backend.indexStateChanged, timeout=60000):
        view.add_folder(str(folder), "general")
    window.set_language("en")
    assert dict(view.problem_texts())["vide.pdf"] == "Empty file (0 bytes)."
    assert view.add_button.text() == "Add a folder…"
