"""The sources panel: a card per passage, one click opens the document at the right place."""

from __future__ import annotations


def test_a_click_on_a_card_opens_its_document(qtbot, make_window, scripted, ask_in, click_anchor):
    backend, window = make_window(scripted("inutilisé"))
    window.ask.filters.search_only.setChecked(True)
    turn = ask_in(window, "Combien coûte une case de columbarium ?")
    cards = window.sources.citations()
    assert cards and [c.n for c in cards] == [c.n for c in turn.answer.passages]
    text = window.sources.browser.toPlainText()
    assert text.startswith("Passages les plus proches") and "Ouvrir la section 2" in text
    target = next(c for c in cards if c.path.endswith("cimetiere.odt"))
    with qtbot.waitSignal(window.viewer.highlighted, timeout=15000) as shown:
        click_anchor(window.sources.browser, f"open:{target.n}")
    assert shown.args == [True] and window.viewer.citation == target
    highlighted = window.viewer.text_pane.highlighted_text()  # the passage's sentence, its heading included
    assert highlighted.endswith("Une case de columbarium coûte 600 euros pour quinze ans.")


def test_empty_panel_and_english_header(qtbot):
    from desktop import i18n
    from desktop.app import create_app
    from desktop.sources_view import SourcesView

    create_app([])
    view = SourcesView()
    qtbot.addWidget(view)
    assert view.browser.toPlainText() == "Les sources de la réponse s'afficheront ici."
    i18n.set_language("en")
    view.retranslate()
    assert view.browser.toPlainText() == "The sources of the answer will show here."
    assert view.citation(1) is None
