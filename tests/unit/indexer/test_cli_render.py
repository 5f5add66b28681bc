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
