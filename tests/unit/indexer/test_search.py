import pytest

from indexer.search import numbered_parts


@pytest.mark.parametrize("text, parts", [
    ("Pour le lot 1 de Jules-Ferry, quel écart de prix ?", {"lot": {"1"}}),
    ("Lot : 2 ; Soumissionnaire évincé", {"lot": {"2"}}),  # a table row read as text
    ("attribution des lots 1 et du lot 3", {"lot": {"1", "3"}}),
    ("l'article 11 du règlement, puis l'Article 7", {"article": {"11", "7"}}),
    ("un agent de catégorie C (groupe C3) ou de la Catégorie B", {"categorie": {"C", "B"}}),
    ("un agent de catégorie a droit à un congé", {}),
    ("le lot n° 2", {"lot": {"2"}}),
    ("attribution des lots 1 à 3", {"lot": {"1", "2", "3"}}),
    ("les agents des catégories B et C", {"categorie": {"B", "C"}}),
    ("les articles 4, 5 et 7", {"article": {"4", "5", "7"}}),
    ("le lot 2 et à la fin", {"lot": {"2"}}),
    # no sibling named: a sub-article, a code's article, an amount after « lot », a lot without number
    ("selon l'article 4.1 du règlement", {}),
    ("l'article L. 2121-14 du CGCT", {}),
    ("le lot 1,5 tonne", {}),
    ("un lot de chaises", {}),
])
def test_numbered_parts(text, parts):
    assert numbered_parts(text) == parts


def _searcher():
    from indexer.search import Searcher
    from indexer.settings import SearchSettings
    searcher = Searcher.__new__(Searcher)
    searcher.settings = SearchSettings()
    return searcher


@pytest.mark.parametrize("title, first", [
    ("Compte administratif 2024", "ca"),  # voted in 2025 on the year 2024: the title names the year asked
    ("Compte administratif", "reg"),
])
def test_a_year_asked_favours_the_acts_whose_title_names_it(title, first):
    """« Comment cela s'est-il passé pour le compte 2024 ? »: the act of 2025 on the 2024 accounts counts as
    being of 2024, like the rules dated 2024 ranked above it."""
    rows = {"reg": {"doc_id": "d1", "doc_date": "2024-01-10", "title": "Règlement intérieur", "context": "",
                    "text": "Le maire préside le conseil municipal."},
            "ca": {"doc_id": "d2", "doc_date": "2025-05-27", "title": title, "context": "",
                   "text": "Le conseil a élu un président de séance pour le vote du compte administratif."}}
    fused = {"reg": 0.05, "ca": 0.06}
    order = _searcher()._temporal_rerank("Qui a présidé pour le compte 2024 ?", ["ca", "reg"], fused, rows)
    assert order[0] == first
