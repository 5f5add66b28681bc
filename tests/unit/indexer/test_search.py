import pytest

from indexer.search import numbered_parts


@pytest.mark.parametrize("text, parts", [
    ("Pour le lot 1 de Jules-Ferry, quel écart de prix ?", {"lot": {"1"}}),
    ("Lot : 2 ; Soumissionnaire évincé", {"lot": {"2"}}),  # a table row read as text
    ("attribution des lots 1 et du lot 3", {"lot": {"1", "3"}}),
    ("l'article 11 du règlement, puis l'Article 7", {"article": {"11", "7"}}),
    ("un agent de catégorie C (groupe C3) ou de la catégorie b", {"categorie": {"C", "B"}}),
    ("le lot n° 2", {"lot": {"2"}}),
    # no sibling named: a sub-article, a code's article, an amount after « lot », a lot without number
    ("selon l'article 4.1 du règlement", {}),
    ("l'article L. 2121-14 du CGCT", {}),
    ("le lot 1,5 tonne", {}),
    ("un lot de chaises", {}),
])
def test_numbered_parts(text, parts):
    assert numbered_parts(text) == parts
