"""Short background calls: results and failures come back in the GUI thread, failures in French."""

from desktop.workers import run_in_background, user_message
from indexer import errors


def test_result_and_failure_reach_the_gui_thread(qtbot):
    from desktop.app import create_app
    from desktop.qt import QThread

    app = create_app([])
    got = []
    run_in_background(lambda: 41 + 1, lambda v: got.append((v, QThread.currentThread() is app.thread())),
                      got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got == [(42, True)]

    def boom():
        raise errors.PasseurError(fr="Dossier introuvable.", en="missing")

    failed = []
    run_in_background(boom, got.append, failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=5000)
    assert failed == ["Dossier introuvable."]


def test_unexpected_errors_become_a_sentence_not_a_traceback(caplog):
    assert user_message(ValueError("valeur")) == "Erreur inattendue : valeur"
