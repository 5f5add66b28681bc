import pytest

from indexer import textnorm


@pytest.mark.parametrize("a, b", [
    ("délibérations", "Délibération"),
    ("cœur", "coeur"),
    ("ŒUVRE", "oeuvres"),
    ("congés", "conges"),
    ("Télétravail", "teletravail"),
])
def test_index_and_query_terms_meet(a, b):
    assert textnorm.index_terms(a) == textnorm.index_terms(b)
    assert textnorm.query_terms(b)[0] in textnorm.index_terms(a).split()


def test_query_drops_stopwords_and_quotes_terms():
    q = textnorm.fts_query("Quel est le tarif de la cantine ?", synonyms=False)
    assert q == '"tarif" OR "cantin"'


def test_everyday_words_are_expanded_to_administrative_wording():
    q = textnorm.fts_query("Combien coûte la cantine ?")
    assert '"restaur scolair"' in q.split(" OR ")
    assert textnorm.expansions("mon ticket resto") == ["ticket restaur", "titr restaur"]
    assert textnorm.expansions("le budget primitif") == []
    # procurement wording: a candidate « dépose son offre », the rules of the consultation speak of « remise des plis »
    assert "remis de plis" in textnorm.expansions("Comment déposer son offre ?")
    # rules say when something « prend fin », people ask when it « se termine »; « fin 2025 » is not an ending
    assert "prendr fin" in textnorm.expansions("À quelle heure la fête doit-elle se terminer ?")
    assert "prendr fin" not in textnorm.expansions("Combien d'agents étaient présents fin 2025 ?")


def test_query_of_only_stopwords_is_none():
    assert textnorm.fts_query("de la et le") is None


def test_numbers_survive():
    assert "2024" in textnorm.index_terms("n° 2024-037").split()


@pytest.mark.parametrize("question, expanded", [
    ("Combien de jours puis-je mettre sur mon CET ?", True),
    ("La médiathèque ferme quand cet été ?", False),  # « cet » the determiner, not the acronym
    ("Quelle est la date de l'arbre de Noël cette année ?", False),  # « cette » stems to « cet »
    ("Que dit le PLU sur les clôtures ?", True),
    ("Il a plu sur le chantier, le délai est-il prolongé ?", False),
])
def test_acronyms_that_are_common_words_expand_only_in_capitals(question, expanded):
    assert any(e.startswith(("compt epargn", "plan local")) for e in textnorm.expansions(question)) is expanded


def test_no_expansion_to_an_acronym_that_is_a_common_word():
    assert textnorm.expansions("Combien de jours sur mon compte épargne-temps ?") == []
    assert textnorm.covered_by_synonyms("mon compte épargne-temps", "cet agent") == set()
    assert textnorm.covered_by_synonyms("mon CET", textnorm.index_terms("compte épargne-temps")) == {"cet"}


@pytest.mark.parametrize("question, phrase", [
    ("Combien d'agents étaient en télétravail fin 2025 ?", "31 decembr 2025"),
    ("Quel était l'encours de la dette à la fin de l’année 2024 ?", "31 decembr 2024"),
    ("Combien de places en crèche début 2026 ?", textnorm.index_terms("1er janvier 2026")),
    ("Que faut-il faire à la fin du contrat ?", None),
    ("Qui paie la fin de la saison 2025 ?", None),  # « fin de la saison », not the end of the year
])
def test_the_end_of_a_year_is_searched_as_its_last_day(question, phrase):
    """Reports and tables give figures « au 31 décembre 2025 »; people ask for them « fin 2025 »."""
    dated = [e for e in textnorm.expansions(question) if e[:1].isdigit()]
    assert dated == ([phrase] if phrase else [])


@pytest.mark.parametrize("question, expected", [
    ("Que dit le CCAP sur les pénalités de retard ?", "cahi de claus administr particuli"),
    ("Que dit le cahier des clauses administratives particulières ?", "ccap"),
    ("Combien de points de NBI pour un agent d'accueil ?", "nouvel bonif indiciair"),
    ("Mon fils a un PAI, peut-il manger à la cantine ?", "projet d accueil individualis"),
    ("Le CIA est-il versé aux contractuels ?", "compl indemnitair annuel"),
])
def test_acronyms_are_searched_with_their_spelled_out_form(question, expected):
    assert expected in textnorm.expansions(question)


@pytest.mark.parametrize("question", [
    "Quand la paie est-elle versée ?",  # « paie » stems to « pai »: not the PAI
    "Quel cap pour le budget ?",
    "Une robe est-elle exigée ?",  # « robe » stems to « rob »: not the ROB
    "Le projet d'accueil individualisé de mon fils",  # never expanded to an ambiguous acronym
])
def test_ambiguous_acronyms_count_only_in_capitals(question):
    assert all(len(e) > 4 for e in textnorm.expansions(question))
