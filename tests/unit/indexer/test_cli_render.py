"""The CLI's rendering of an answer after it was streamed."""

from types import SimpleNamespace

import pytest

from indexer.cli import _render_answer


def _answer(text):
    return SimpleNamespace(status="answered", text=text, warnings=[], citations=[], passages=[], model="", timings={})


@pytest.mark.parametrize("streamed, repeated", [
    ("Le repas coûte 5,10 € [2].", False),  # the check changed nothing: not printed twice
    ("Le repas coûte 5,10 € [2]. Voir [9].", True),  # an invalid citation was removed: the corrected text
    ("", True),  # nothing streamed (a backend without streaming): the text is printed
])
def test_corrected_text_printed_only_when_it_differs(streamed, repeated):
    out = _render_answer(_answer("Le repas coûte 5,10 € [2]."), "AVIS IA", streamed)
    assert ("Réponse (corrigée après vérification des citations)" in out) is repeated
    assert "AVIS IA" in out


def test_set_aside_answer_prints_not_found_then_the_draft_marked_unverified():
    a = SimpleNamespace(status="not_found", text="Je n'ai pas trouvé cette information dans les documents indexés.",
                        warnings=[{"code": "answer_withheld", "message": "Réponse du modèle écartée : x.",
                                   "detail": "Le repas coûte\n5,20 € [1]."}],
                        citations=[], passages=[], model="m", timings={})
    out = _render_answer(a, "AVIS IA", "Le repas coûte 5,20 € [1].")
    lines = out.splitlines()
    assert lines[0].startswith("Je n'ai pas trouvé") and "AVIS IA" not in out
    assert "⚠ Réponse du modèle écartée : x." in lines
    assert "    Réponse écartée, non vérifiée (générée par IA) : « Le repas coûte 5,20 € [1]. »" in lines
