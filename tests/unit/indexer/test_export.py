"""Answer notes in Markdown and ODT: question, answer, AI notice, points to check, sources with page and passage."""

from datetime import datetime
from pathlib import Path

from indexer import export
from indexer.answering import Answer, Citation
from indexer.readers import read

PASSAGE = "Vu le code. Article 2 : le prix du repas des enfants non domiciliés est fixé à 4,90 euros. Vote."
WHEN = datetime(2025, 3, 12, 14, 5)


def citation(n=1, unit="page", page=2, label="2") -> Citation:
    a = PASSAGE.index("Article")
    b = PASSAGE.index(" Vote")
    return Citation(n, "d", "/docs/DEL-2024-037.pdf", page, label, PASSAGE, (a, b), "Délibération n° 2024-037",
                    "deliberation", "2024-06-18", "d:1", unit)


def answer(status="answered") -> Answer:
    c = citation()
    warn = {"code": "unsupported_figure", "message": "Chiffre ou date « 5,20 » introuvable dans les passages cités "
            ": à vérifier.", "message_en": "Figure '5,20' not found in the cited passages.", "detail": "5,20"}
    return Answer("Combien coûte le repas d'un enfant non domicilié ?", "Il coûte 4,90 euros [1].", status,
                  [c] if status == "answered" else [], [c], [warn] if status == "answered" else [],
                  model="embarqué : qwen", profile="agent")


def test_markdown_note():
    md = export.to_markdown(answer(), when=WHEN)
    assert md.startswith("# Note de recherche documentaire — Passeur")
    assert "- **Question :** Combien coûte le repas d'un enfant non domicilié ?" in md
    assert "- **Date :** 12/03/2025 14:05" in md and "- **Modèle :** embarqué : qwen" in md
    assert "Il coûte 4,90 euros [1]." in md
    assert "> **Réponse générée par IA à partir des documents cités — vérifiez avant tout usage.**" in md
    assert "### Points à vérifier" in md and "« 5,20 » introuvable" in md
    assert "**\\[1\\] Délibération n° 2024-037** — Délibération, 18/06/2024 — page 2" not in md
    assert "**[1] Délibération n° 2024-037** — Délibération, 18/06/2024 — page 2" in md
    assert "Fichier : `/docs/DEL-2024-037.pdf`" in md
    assert "> Vu le code. **Article 2 : le prix du repas des enfants non domiciliés est fixé à 4,90 euros.** Vote." \
        in md


def test_not_found_note_lists_the_closest_passages_without_the_notice():
    md = export.to_markdown(answer("not_found"), when=WHEN)
    assert "Je n'ai pas trouvé cette information dans les documents indexés." in md
    assert "## Passages les plus proches" in md and "Réponse générée par IA" not in md


def test_english_note_and_sections():
    a = answer()
    a.citations[0].unit = "section"
    md = export.to_markdown(a, lang="en", when=WHEN)
    assert "# Document search note — Passeur" in md and "- **Question:**" in md
    assert "AI-generated answer" in md and "Figure '5,20' not found" in md
    assert "— Council decision, 2024-06-18 — section 2" in md


def test_odt_note_is_readable(tmp_path):
    path = export.write_odt(answer(), tmp_path / "note.odt", when=WHEN)
    doc = read(Path(path))
    text = "\n".join(p.text for p in doc.pages)
    assert doc.format == "odt"
    for needle in ("Note de recherche documentaire — Passeur", "Question : Combien coûte le repas",
                   "Il coûte 4,90 euros [1].", "Réponse générée par IA à partir des documents cités",
                   "« 5,20 » introuvable",
                   "[1] Délibération n° 2024-037 — Délibération, 18/06/2024 — page 2",
                   "Fichier : /docs/DEL-2024-037.pdf",
                   "« Vu le code. Article 2 : le prix du repas des enfants non domiciliés est fixé à 4,90 euros. "
                   "Vote. »"):
        assert needle in text, needle


def test_markdown_file_and_names(tmp_path):
    path = export.write_markdown(answer(), tmp_path / "n.md")
    assert path.read_text(encoding="utf-8").startswith("# Note")
    assert export.suggested_name(answer(), "odt", WHEN) == \
        "passeur-2025-03-12-combien-coute-repas-enfant-non-domicilie.odt"
    assert export.where(citation(page=3, label="iii")) == "page 3 (iii)"
    assert export.doc_type_label("marche-rc") == "Marché : règlement de consultation"


def test_set_aside_answer_is_exported_with_its_draft_marked_unverified():
    a = answer(status="not_found")
    a.warnings = [{"code": "answer_withheld", "message": "Réponse du modèle écartée : x.",
                   "message_en": "The model's answer was set aside: x.", "detail": "Il coûte 5,20 euros [1]."}]
    md = export.to_markdown(a, when=WHEN)
    assert ("- ⚠ Réponse du modèle écartée : x. Réponse écartée, non vérifiée (générée par IA) : "
            "« Il coûte 5,20 euros \\[1\\]. »") in md
    assert export.warning_text(a.warnings[0], "en") == ('The model\'s answer was set aside: x. Answer set aside, not '
                                                       'verified (AI-generated): "Il coûte 5,20 euros [1]."')
