"""HTML of the conversation and of the source cards (plain functions)."""

from __future__ import annotations

from desktop import i18n, render
from desktop.render import Turn
from indexer.answering import Answer, Citation

PASSAGE = ("Après en avoir délibéré, le conseil municipal DÉCIDE : Article 2 : le prix du repas des enfants "
           "non domiciliés est fixé à 4,90 euros. Vote : 25 pour.")


def citation(n=1) -> Citation:
    start = PASSAGE.index("Article 2")
    end = PASSAGE.index("Vote") - 1
    return Citation(n=n, doc_id="d", path="/docs/DEL-2024-037.pdf", page=2, page_label="2", passage=PASSAGE,
                    span=(start, end), title="Délibération n° 2024-037", doc_type="deliberation",
                    doc_date="2024-06-18", chunk_id="d:1")


def answer(status="answered", text="Il coûte 4,90 euros [1].", warnings=None) -> Answer:
    c = citation()
    return Answer(question="Combien coûte le repas d'un enfant non domicilié ?", text=text, status=status,
                  citations=[c] if status != "not_found" else [], passages=[c], warnings=warnings or [],
                  model="scripted", timings={"total_ms": 1234.0})


def test_citations_become_links_and_text_is_escaped():
    html = render.linkify("Prix <b>faux</b> [1][2] et **gras**", 3)
    assert "&lt;b&gt;faux&lt;/b&gt;" in html
    assert 'href="cite:3:1"' in html and 'href="cite:3:2"' in html
    assert "<b>gras</b>" in html


def test_answered_turn_has_notice_warnings_sources_and_model():
    warning = {"code": "unsupported_figure", "message": "Chiffre ou date « 5,20 » introuvable dans les passages "
               "cités : à vérifier.", "message_en": "Figure '5,20' not found.", "detail": "5,20"}
    html = render.turn_html(Turn("Q ?", answer(warnings=[warning]), state="done"), 0)
    assert "Réponse générée par IA à partir des documents cités" in html
    assert "À vérifier" in html and "« 5,20 » introuvable" in html
    assert 'href="cite:0:1"' in html and "page 2" in html
    assert "Modèle : scripted — 1,2 s" in html


def test_not_found_and_search_only_texts_are_french_and_carry_no_ai_notice():
    html = render.turn_html(Turn("Q ?", answer(status="not_found", text="x"), state="done"), 0)
    assert "Je n&#x27;ai pas trouvé cette information" in html and "Passages les plus proches" in html
    assert "Réponse générée par IA" not in html
    down = {"code": "llm_unavailable", "message": "Le serveur Ollama (http://h:11434) ne répond pas.",
            "message_en": "down"}
    html = render.turn_html(Turn("Q ?", answer(status="search_only", warnings=[down]), state="done"), 0)
    assert "Mode recherche seule" in html and "ne répond pas" in html and "recherche seule, ou choisir" in html


def test_turn_states_while_waiting():
    assert "Recherche dans les documents…" in render.turn_html(Turn("Q ?"), 0)
    streaming = render.turn_html(Turn("Q ?", partial="Il coûte [1", state="writing"), 0)
    assert "Il coûte [1" in streaming
    failed = render.turn_html(Turn("Q ?", state="failed", error="Profil inconnu « x »."), 0)
    assert "La question n&#x27;a pas pu être traitée : Profil inconnu" in failed
    assert "Bienvenue dans Passeur" in render.transcript_html([])


def test_source_card_marks_the_sentence_and_the_question_words():
    html = render.card_html(citation(), "prix du repas pour un enfant non domicilié")
    assert 'href="open:1"' in html and "Ouvrir à la page 2" in html
    assert "Délibération · 18/06/2024 · page 2 · DEL-2024-037.pdf" in html
    assert f'background-color:{render.COLORS["mark"]}' in html
    assert "<b>repas</b>" in html and "<b>domiciliés</b>" in html and "<b>Vote</b>" not in html


def test_sources_panel_headers():
    assert "Sources de la réponse" in render.sources_html(answer())
    assert "Passages les plus proches" in render.sources_html(answer(status="not_found"))
    assert "afficheront ici" in render.sources_html(None)


def test_english_rendering():
    i18n.set_language("en")
    html = render.turn_html(Turn("Q ?", answer(), state="done"), 0)
    assert "AI-generated answer" in html and "Model: scripted — 1.2 s" in html
    assert "Council decision · 2024-06-18" in render.card_html(citation(), "repas")


def test_source_card_shows_the_act_label_and_its_legal_status():
    c = citation(1)
    c.label = "Délibération n° 2024-037 du 18 juin 2024, article 2"
    c.legal_warning = ("Attention : la délibération n° 2024-037 du 18 juin 2024 a été abrogée ou remplacée par la "
                       "délibération n° 2025-041 du 24 juin 2025 : elle n'est plus en vigueur.")
    html = render.card_html(c, "prix du repas")
    assert "<b>Délibération n° 2024-037 du 18 juin 2024, article 2</b>" in html
    assert "⚠ Attention : la délibération n° 2024-037" in html and "n&#x27;est plus en vigueur" in html
    assert "⚠" not in render.card_html(citation(2), "prix du repas")


def test_set_aside_answer_shows_not_found_and_the_draft_marked_unverified():
    aside = {"code": "answer_withheld", "message": "Réponse du modèle écartée : le chiffre ou la date « 5,20 » ne "
             "figure dans aucun des passages trouvés.", "message_en": "The model's answer was set aside.",
             "detail": "Il coûte <5,20> euros [1]."}
    html = render.turn_html(Turn("Q ?", answer(status="not_found", warnings=[aside]), state="done"), 0)
    assert "Je n&#x27;ai pas trouvé cette information" in html and "Réponse générée par IA" not in html
    assert "Réponse du modèle écartée" in html and "Réponse écartée, non vérifiée (générée par IA) :" in html
    assert "« Il coûte &lt;5,20&gt; euros [1]. »" in html and 'href="cite:0:1">' not in html.split("écartée")[-1]
    i18n.set_language("en")
    try:
        html = render.turn_html(Turn("Q ?", answer(status="not_found", warnings=[aside]), state="done"), 0)
        assert "Answer set aside, not verified (AI-generated):" in html and "“Il coûte &lt;5,20&gt; euros [1].”" in html
    finally:
        i18n.set_language("fr")
