"""Finding the cited passage again in the document's text."""

from desktop import locate


def test_whitespace_differences_are_ignored():
    page = "Article 2 : le prix du repas\r\ndes enfants   non domiciliés\nest fixé à 4,90 euros."
    a, b = locate.find_normalised(page, "le prix du repas des enfants non domiciliés")
    assert page[a:b] == "le prix du repas\r\ndes enfants   non domiciliés"
    assert locate.find_normalised(page, "absent de la page") is None
    assert locate.find_normalised(page, "   ") is None


def test_accents_matter():
    assert locate.find_normalised("non domiciliés", "non domicilies") is None


def test_candidates_go_from_the_sentence_to_shorter_pieces():
    passage = "Intro. " + " ".join(f"mot{i}" for i in range(50)) + ". Fin."
    start = passage.index("mot0")
    end = passage.index(". Fin")
    cands = locate.search_candidates(passage, (start, end))
    assert cands[0].split() == [f"mot{i}" for i in range(40)]
    assert cands[1].split() == [f"mot{i}" for i in range(12)]
    assert all(len(c) >= 12 for c in cands) and len(set(cands)) == len(cands)


def test_locate_in_text_falls_back_to_a_piece():
    passage = "Le télétravail est limité à deux jours par semaine, sur demande écrite."
    text = "Titre\nLe télétravail est limité à deux jours par semaine, sur demande orale."
    found = locate.locate_in_text(text, passage, (0, len(passage)))
    assert found is not None and text[found[0]:found[1]].startswith("Le télétravail est limité")
