"""The main window: the whole flow from a question to the highlighted page, status line, language."""

from __future__ import annotations

import socket

NOTICE = "Réponse générée par IA à partir des documents cités — vérifiez avant tout usage"
QUESTION = "Combien coûte le repas pour un enfant non domicilié ?"
REPLY = "Le repas d'un enfant non domicilié coûte 4,90 euros [1]."


def test_streamed_answer_then_citation_opens_the_pdf_page_with_the_passage_highlighted(
        qtbot, make_window, scripted, ask_in, click_anchor):
    llm = scripted(REPLY)
    backend, window = make_window(llm)
    tokens: list[str] = []
    backend.tokenReceived.connect(tokens.append)
    seen_while_streaming: list[str] = []
    backend.tokenReceived.connect(lambda _piece: seen_while_streaming.append(window.ask._current_turn().partial))

    turn = ask_in(window, QUESTION)

    assert len(tokens) >= 5 and "".join(tokens).strip() == REPLY  # token by token, in order
    # The view's turn grew piece by piece while the answer streamed in.
    assert seen_while_streaming[0] == tokens[0] and seen_while_streaming[-1].strip() == REPLY
    assert turn.state == "done" and turn.answer.status == "answered"
    text = window.ask.transcript.toPlainText()
    assert "4,90 euros [1]" in text and NOTICE in text
    assert window.ask.notice.isVisible() and window.ask.notice.text() == NOTICE
    assert "cite:0:1" in window.ask.transcript.toHtml()
    assert [c.n for c in window.sources.citations()] == [1]
    assert "Délibération" in window.sources.browser.toPlainText()

    with qtbot.waitSignal(window.viewer.highlighted, timeout=15000) as shown:
        click_anchor(window.ask.transcript, "cite:0:1")
    assert shown.args == [True]
    assert window.side.currentWidget() is window.viewer
    assert window.viewer.mode == "pdf"
    assert window.viewer.current_page() == 2
    pane = window.viewer.pdf_pane
    assert pane.found_rects >= 1 and "4,90 euros" in pane.search_string
    assert pane.search.resultsOnPage(1)  # the view paints these hits on page 2
    assert window.viewer.info.text() == "Passage cité surligné."
    assert "Modèle : scripted" in window.model_label.text()
    assert "Index :" in window.index_label.text() and "passages" in window.index_label.text()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ollama_down_gives_a_french_message_and_search_only_results(qtbot, make_window, ask_in):
    from indexer.llm.ollama_backend import OllamaLLM

    llm = OllamaLLM(f"http://127.0.0.1:{_closed_port()}", "mistral", timeout_s=3)
    backend, window = make_window(llm)
    turn = ask_in(window, "Combien coûte une concession trentenaire ?")
    assert turn.answer.status == "search_only"
    text = window.ask.transcript.toPlainText()
    assert "ne répond pas" in text and "Mode recherche seule" in text
    assert "recherche seule" in text.split("ne répond pas", 1)[1]
    assert "Traceback" not in text and "Error" not in text
    assert "450 euros" in window.sources.browser.toPlainText()
    qtbot.waitUntil(lambda: "Modèle indisponible : recherche seule" in window.model_label.text(), timeout=10000)
    assert "ne répond pas" in window.model_label.toolTip()


def test_english_interface(qtbot, make_window, scripted, ask_in):
    from desktop.config import DesktopPrefs

    backend, window = make_window(scripted(REPLY), prefs=DesktopPrefs(language="en"))
    assert window.tabs.tabText(2) == "Settings"
    assert window.ask.notice.text() == "AI-generated answer based on the cited documents — check before any use"
    ask_in(window, QUESTION)
    assert "Sources:" in window.ask.transcript.toPlainText()
    window.set_language("fr")
    assert window.tabs.tabText(2) == "Réglages" and "Sources :" in window.ask.transcript.toPlainText()


def test_status_line_for_an_empty_index(qtbot, passeur_home):
    from desktop.app import build_window, create_app
    from indexer.settings import Settings

    create_app([])
    backend, window = build_window(Settings.load(passeur_home))
    qtbot.addWidget(window)
    with qtbot.waitSignal(backend.statusChanged, timeout=30000):
        backend.start(warm_model=False)
    try:
        assert window.index_label.text() == "Index vide : ajoutez un dossier dans « Documents indexés »"
        assert "embarqué (qwen2.5-coder-1.5b-instruct" in window.model_label.text()
    finally:
        assert backend.shutdown()
