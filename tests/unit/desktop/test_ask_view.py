"""The question page: not found, search only, filters, stop, feedback and export, never blocking."""

from __future__ import annotations

import threading
import time

from desktop.qt import Qt

NOTICE = "Réponse générée par IA à partir des documents cités — vérifiez avant tout usage"
QUESTION = "Combien coûte le repas pour un enfant non domicilié ?"
REPLY = "Le repas d'un enfant non domicilié coûte 4,90 euros [1]."


def test_not_found_says_so_in_french_with_the_closest_passages(qtbot, make_window, scripted, ask_in):
    # Whether the retrieval gate or the model itself finds nothing, the user reads the same thing.
    llm = scripted("Je n'ai pas trouvé cette information dans les documents indexés.")
    backend, window = make_window(llm)
    turn = ask_in(window, "Quels sont les horaires de la patinoire olympique de hockey ?")
    assert turn.answer.status == "not_found"
    text = window.ask.transcript.toPlainText()
    assert "Je n'ai pas trouvé cette information dans les documents indexés." in text
    if turn.answer.passages:
        assert "Passages les plus proches" in text
        assert "Passages les plus proches" in window.sources.browser.toPlainText()
    assert text.count(NOTICE) == 0  # nothing was generated: no AI notice on this answer
    assert window.ask.notice.isVisible()  # the permanent one stays


def test_search_only_switch_never_calls_the_model(qtbot, make_window, scripted, ask_in):
    llm = scripted("jamais")
    backend, window = make_window(llm)
    window.ask.filters.search_only.setChecked(True)
    turn = ask_in(window, "Combien coûte une case de columbarium ?")
    assert turn.answer.status == "search_only" and llm.calls == []
    assert backend.prefs.search_only  # remembered


def test_filters_restrict_type_and_space(qtbot, make_window, scripted, ask_in):
    from desktop.config import DesktopPrefs

    backend, window = make_window(scripted("x"), prefs=DesktopPrefs(profile="rh", search_only=True))
    bar = window.ask.filters
    spaces = [bar.space.itemData(i) for i in range(bar.space.count())]
    assert spaces == [None, "general", "rh"]  # the profile's spaces only
    types = [bar.type.itemData(i) for i in range(bar.type.count())]
    assert "deliberation" in types and bar.type.itemText(types.index("deliberation")) == "Délibération"

    bar.space.setCurrentIndex(spaces.index("rh"))
    turn = ask_in(window, "Combien de jours de congés annuels par an ?")
    assert turn.answer.passages and all("/rh/" in c.path for c in turn.answer.passages)

    bar.reset()
    bar.type.setCurrentIndex(types.index("deliberation"))
    turn = ask_in(window, "Combien coûte une concession trentenaire ?")
    assert all(c.doc_type == "deliberation" for c in turn.answer.passages)

    bar.reset()
    from desktop.qt import QDate

    bar.since.setDate(QDate(2030, 1, 1))
    turn = ask_in(window, "Quel est le prix du repas des enfants non domiciliés ?")
    assert turn.answer.passages == []
    assert backend.profile == "rh" and "Profil : rh" in window.profile_label.text()


def test_stop_interrupts_a_streaming_answer(qtbot, make_window):
    release = threading.Event()

    class SlowLLM:
        name = "lent"

        def available(self):
            pass

        def list_models(self):
            return []

        def stream_chat(self, messages, *, max_tokens=512, temperature=0.1):
            for word in ("Le", "repas", "coûte", "4,90", "euros", "[1]."):
                yield word + " "
                release.wait(0.2)

    backend, window = make_window(SlowLLM())
    window.ask.question.setPlainText(QUESTION)
    with qtbot.waitSignal(backend.tokenReceived, timeout=30000):
        window.ask.send.click()
    assert window.ask.stop.isVisible() and not window.ask.send.isVisible()
    with qtbot.waitSignal(backend.askFailed, timeout=10000) as failed:
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    release.set()
    assert failed.args == [""]
    turn = window.ask.transcript.turns[-1]
    assert turn.state == "stopped"
    assert "Réponse arrêtée à votre demande." in window.ask.transcript.toPlainText()
    assert not backend.busy and window.ask.send.isVisible()


def test_feedback_and_export(qtbot, make_window, scripted, tmp_path, ask_in):
    backend, window = make_window(scripted(REPLY))
    assert not window.ask.useful.isEnabled()  # nothing to rate yet
    ask_in(window, QUESTION)
    window.ask.comment.setText("Clair et sourcé")
    window.ask.useful.click()
    rows = backend.feedback.all()
    assert len(rows) == 1 and rows[0].useful and rows[0].comment == "Clair et sourcé"
    assert rows[0].sources[0]["page"] == 2
    assert window.ask.message.text() == "Merci : votre avis est enregistré."
    window.ask.not_useful.click()  # changing one's mind replaces the rating
    assert [r.useful for r in backend.feedback.all()] == [False]

    md = window.ask.export_to(tmp_path / "note.md", "md")
    text = md.read_text(encoding="utf-8")
    assert QUESTION in text and "4,90 euros [1]" in text and NOTICE in text
    assert "Délibération n° 2024-037" in text and "page 2" in text and "**Article 2" in text
    odt = window.ask.export_to(tmp_path / "note", "odt")
    assert odt.suffix == ".odt"
    from pathlib import Path

    from indexer.readers import read

    content = "\n".join(p.text for p in read(Path(odt)).pages)
    assert QUESTION in content and NOTICE in content and "page 2" in content and "4,90 euros" in content
    assert "Réponse exportée" in window.ask.message.text()


def test_the_window_never_blocks_while_answering(qtbot, make_window):
    gate = threading.Event()

    class BlockedLLM:
        name = "bloqué"

        def available(self):
            pass

        def list_models(self):
            return []

        def stream_chat(self, messages, *, max_tokens=512, temperature=0.1):
            gate.wait(20)
            yield "Fin [1]."

    backend, window = make_window(BlockedLLM())
    window.ask.question.setPlainText(QUESTION)
    window.ask.send.click()
    ticks = []
    start = time.perf_counter()
    while time.perf_counter() - start < 0.5:
        qtbot.wait(20)  # the event loop keeps turning while the worker waits
        ticks.append(time.perf_counter())
    assert backend.busy and len(ticks) > 10
    window.ask.question.setPlainText("Une autre question")
    window.ask.submit()
    assert window.ask.message.text().startswith("Une réponse est en cours")
    with qtbot.waitSignal(backend.answered, timeout=20000):
        gate.set()


def test_in_force_switch_reaches_the_search_filters(qtbot, make_window, scripted):
    backend, window = make_window(scripted("x"))
    bar = window.ask.filters
    assert bar.in_force.text() == "Actes en vigueur seulement" and not bar.spec().in_force
    bar.in_force.setChecked(True)
    filters = bar.spec().to_filters()
    assert filters.in_force and filters.spaces is None
    bar.reset()
    assert not bar.in_force.isChecked()


def test_procurement_filter_lists_the_consultations(qtbot, make_window, scripted):
    backend, window = make_window(scripted("x"))
    bar = window.ask.filters
    assert bar.procurement.isHidden()  # no procurement file in this index
    window.ask.set_index_options(["general"], ["marche-rc"], ["2025-AOO-03", "2026-AOO-01"])
    assert not bar.procurement.isHidden()
    assert [bar.procurement.itemData(i) for i in range(bar.procurement.count())] == [None, "2025-AOO-03", "2026-AOO-01"]
    bar.procurement.setCurrentIndex(2)
    assert bar.spec().to_filters().procurement == "2026-AOO-01"
    bar.reset()
    assert bar.spec().procurement is None
