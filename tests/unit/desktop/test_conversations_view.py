"""Conversations: follow-ups, saved locally, reloaded after a restart, renamed, deleted."""

from __future__ import annotations

QUESTION = "Combien coûte le repas pour un enfant non domicilié ?"
REPLY = "Le repas d'un enfant non domicilié coûte 4,90 euros [1]."


def test_conversation_is_saved_and_reloaded_after_a_restart(qtbot, make_window, scripted, monkeypatch, ask_in):
    def reply(messages):
        if "Réécris" in messages[0].content:
            return "Combien coûte le repas pour un enfant domicilié ?"
        return REPLY

    llm = scripted(reply)
    backend, window = make_window(llm)
    ask_in(window, QUESTION)
    ask_in(window, "Et pour un enfant domicilié ?")
    condense = [m for m in llm.calls if "Réécris" in m[0].content]
    assert condense and QUESTION in condense[0][-1].content  # the follow-up saw the first exchange
    cid = window.ask.conversation_id
    assert cid is not None and window.conversations.current_id() == cid
    assert window.conversations.list.item(0).text() == QUESTION
    window.close()

    backend2, window2 = make_window(scripted("x"))
    assert window2.ask.conversation_id == cid
    questions = [t.question for t in window2.ask.transcript.turns]
    assert questions == [QUESTION, "Et pour un enfant domicilié ?"]
    assert window2.sources.citations()  # reloaded with its sources
    with qtbot.waitSignal(window2.viewer.highlighted, timeout=15000) as shown:
        window2.ask.open_citation(0, 1)
    assert shown.args == [True] and window2.viewer.current_page() == 2

    from desktop import conversations_view
    from desktop.qt import QMessageBox

    monkeypatch.setattr(conversations_view.QInputDialog, "getText", lambda *a, **k: ("Cantine", True))
    window2.conversations.ask_rename()
    assert window2.conversations.list.item(0).text() == "Cantine"
    monkeypatch.setattr(conversations_view.QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    window2.conversations.ask_delete()
    assert window2.conversations.list.count() == 0 and window2.ask.transcript.turns == []

    window2.ask.new_conversation()
    assert "Bienvenue dans Passeur" in window2.ask.transcript.toPlainText()
