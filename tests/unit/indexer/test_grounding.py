import pytest

from indexer import grounding

PASSAGES = [
    "Le tarif du repas est fixé à 3,45 € pour les enfants résidents à compter du 1er septembre 2024.",
    "Le marché est attribué pour un montant de 1 248 600,00 € HT à la société Bâtiments Morée SAS.",
]


def codes(checked):
    return [w.code for w in checked.warnings]


def test_valid_answer_has_no_warning():
    c = grounding.check_answer("Un repas coûte 3,45 € pour un enfant résident [1].", PASSAGES)
    assert c.cited == [1] and c.warnings == [] and c.text.endswith("[1].")


def test_out_of_range_citation_is_removed_and_flagged():
    c = grounding.check_answer("Le lot 1 est attribué pour 1 248 600,00 € HT [2][7].", PASSAGES)
    assert "[7]" not in c.text and "[2]" in c.text
    assert codes(c) == ["invalid_citation"] and c.cited == [2]


def test_grouped_citations_are_parsed():
    c = grounding.check_answer("Les deux montants sont 3,45 € et 1 248 600,00 € [1, 2].", PASSAGES)
    assert c.cited == [1, 2] and c.warnings == [] and "[1][2]" in c.text


def test_uncited_sentence_is_flagged():
    c = grounding.check_answer("Un repas coûte 3,45 € [1]. Les parents paient à la fin du mois.", PASSAGES)
    assert codes(c) == ["uncited_sentence"]


@pytest.mark.parametrize("answer, figure", [
    ("Un repas coûte 3,60 € [1].", "3,60"),
    ("Le marché vaut 1 300 000,00 € HT [2].", "1 300 000,00"),
    ("Le tarif s'applique depuis 2023 [1].", "2023"),
])
def test_unsupported_figures_are_flagged(answer, figure):
    c = grounding.check_answer(answer, PASSAGES)
    assert [w.detail for w in c.warnings if w.code == "unsupported_figure"] == [figure]


def test_figure_from_another_passage_moves_the_citation_there():
    c = grounding.check_answer("Un repas coûte 3,45 € [2].", PASSAGES)
    assert codes(c) == ["citation_repaired"] and c.text == "Un repas coûte 3,45 € [1]." and c.cited == [1]
    assert "[2] remplacé par [1]" in c.warnings[0].fr and "« 3,45 »" in c.warnings[0].fr


@pytest.mark.parametrize("answer, repaired, cited, code", [
    # the cited passage holds one figure, another holds the missing one: cited as well
    ("Le repas coûte 3,45 € et le marché 1 248 600,00 € [1].",
     "Le repas coûte 3,45 € et le marché 1 248 600,00 € [1][2].", [1, 2], "citation_repaired"),
    # no citation at all: the passage holding every figure of the sentence is added before the full stop
    ("Le repas coûte 3,45 €. Le marché est de 1 248 600,00 € HT.",
     "Le repas coûte 3,45 € [1]. Le marché est de 1 248 600,00 € HT [2].", [1, 2], "citation_repaired"),
    # a figure in no passage: nothing to repair, flagged
    ("Le repas coûte 9,99 € [2].", "Le repas coûte 9,99 € [2].", [2], "unsupported_figure"),
    # bare years do not move citations (too common to tell passages apart)
    ("Le tarif vaut depuis 2024 [2].", "Le tarif vaut depuis 2024 [2].", [2], "unsupported_figure"),
    # each sentence is repaired on its own; a correct one is left alone
    ("Le marché : 1 248 600,00 € [2]. Le repas : 3,45 € [2].",
     "Le marché : 1 248 600,00 € [2]. Le repas : 3,45 € [1].", [2, 1], "citation_repaired"),
])
def test_citations_repaired_to_the_passage_holding_the_figures(answer, repaired, cited, code):
    c = grounding.check_answer(answer, PASSAGES)
    assert c.text == repaired and c.cited == cited and set(codes(c)) == {code}


def test_figure_written_differently_still_matches():
    c = grounding.check_answer("Le montant est de 1 248 600,00 € HT [2].", PASSAGES)
    assert c.warnings == []


DATED = [
    "La réception a lieu dans les conditions du CCAG-Travaux ; elle est prononcée par lot.",
    "Date de convocation : 8 octobre 2025. Votants : 28.",
    "La médiathèque est fermée du lundi 3 août au samedi 15 août 2026 inclus ; l'hôtel de ville du 13 au 24/07/2026.",
]


@pytest.mark.parametrize("answer, flagged", [
    # a day of a month is checked as a whole, not only its year
    ("La médiathèque ferme du 3 au 15 août 2026 [3].", []),
    ("La médiathèque ferme le 4 août 2026 [3].", ["4 août"]),
    ("La médiathèque ferme du 3 août au 15 septembre [3].", ["15 septembre"]),
    ("L'hôtel de ville ferme le 13 juillet [3].", []),  # « du 13 au 24/07/2026 »
    ("Fermé le 24 juillet 2026 [3].", []),
    ("Fermé le 1er août [3].", ["1er août"]),  # a day under 10 counts too
])
def test_days_of_a_month_are_checked_against_the_cited_passages(answer, flagged):
    c = grounding.check_answer(answer, DATED)
    assert [w.detail for w in c.warnings if w.code == "unsupported_figure"] == flagged


def test_a_date_cited_to_the_wrong_passage_moves_its_citation_to_the_passage_holding_it():
    """The model took « 8 octobre 2025 » from a council's convocation and cited the passage on the works'
    acceptance: the citation goes to the passage holding the date (whose subject the answering service then
    compares with the answer's)."""
    c = grounding.check_answer("La réception a été prononcée le 8 octobre 2025 [1].", DATED)
    assert c.cited == [2] and c.text.endswith("[2].") and codes(c) == ["citation_repaired"]
    assert "« 8 octobre »" in c.warnings[0].fr


@pytest.mark.parametrize("text, values", [
    ("le 8 octobre 2025", ["8/10", "2025"]),
    ("du lundi 13 au vendredi 17 juillet", ["13/7", "17/7"]),
    ("les 10, 11 et 12 juin", ["10/6", "11/6", "12/6"]),
    ("le 12 oct. 2025", ["12/10", "2025"]),
    ("le 08/10/2025", ["8/10", "2025"]),
    ("délibération du 2024-06-18, n° 2024-037", ["18/6", "2024", "2024-037"]),
    ("12 mois, 15 jours, 2 h 00", ["12", "15"]),  # no month name: plain numbers
])
def test_dates_are_read_as_days_of_a_month(text, values):
    assert [grounding.normalise_figure(f) for f in grounding.figures(text)] == values


def test_a_long_table_of_numbers_stays_numbers_and_only_the_days_before_a_month_are_dates():
    table = ", ".join(str(10 + i % 19) for i in range(2000))  # a table read cell by cell: no month anywhere
    assert grounding.figures(table) == [str(10 + i % 19) for i in range(2000)]
    assert grounding.figures(f"{table} ; réunions les 12 et 14 mars")[-2:] == ["12 mars", "14 mars"]


def test_a_day_of_a_month_counts_as_made_up_only_when_its_day_number_is_nowhere():
    """A date read across passages (« jusqu'au 30 juin » beside « depuis le 1er juillet ») is not made up: only
    check_answer flags it against the cited passages; a day number in no shown passage is."""
    shown = ["[1] Tarifs (2025-06-18) Le repas : 3,03 € au 1er septembre 2025 ; 30 repas par mois."]
    assert grounding.invented_figures("Le tarif change le 15 septembre 2025 [1].", shown) == ["15 septembre"]
    assert grounding.invented_figures("Le tarif vaut jusqu'au 30 juin 2025 [1].", shown) == []
    assert grounding.invented_figures("Le tarif change le 2 septembre 2025 [1].", shown) == []  # under 10
    assert grounding.invented_figures("Délibération du 18 juin 2025 [1].", shown) == []  # the header's date
    # a date restated from the question is not made up
    assert grounding.invented_figures("Au 21 mars 2025, 3,03 € [1].", shown, question="Le prix au 21 mars ?") == []


def test_answer_without_any_citation_is_flagged():
    assert "no_citation" in codes(grounding.check_answer("Le repas coûte 9,99 €.", PASSAGES))
    assert "no_citation" in codes(grounding.check_answer("Le repas est servi à midi.", PASSAGES))


def test_evidence_coverage_and_absent_terms():
    df = {"tarif": 3, "repas": 5, "piscin": 0}
    ev = grounding.evidence("Quel est le tarif de la piscine ?", PASSAGES, df, 100)
    assert ev.absent_from_index == ["piscin"] and ev.coverage < 0.5
    ev2 = grounding.evidence("Quel est le tarif du repas ?", PASSAGES, df, 100)
    assert ev2.coverage == 1.0 and ev2.best_single == 1.0


def test_best_span_picks_the_matching_sentence_without_splitting_abbreviations():
    passage = "Vu l'art. L. 2121-29 du CGCT. Le tarif du repas est fixé à 3,45 €. La séance est levée."
    a, b = grounding.best_span(passage, "tarif du repas")
    assert passage[a:b] == "Le tarif du repas est fixé à 3,45 €."


@pytest.mark.parametrize("question, years", [
    ("Quels seront les tarifs de la cantine pour 2027-2028 ?", ["2027", "2028"]),
    ("Quel était le tarif en 2024 ?", ["2024"]),
    ("Prix au 12/03/2027 ?", []),  # a date is not a year question
    ("Que dit la délibération n° 2024-037 ?", []),  # an act number is not a year
])
def test_years_named_by_the_question(question, years):
    assert grounding.question_years(question) == years


@pytest.mark.parametrize("question, names", [
    ("Quel montant d'IFSE garde M. Benhaddou sur son nouveau poste ?", ["benhaddou"]),
    ("Que demande la famille Pouzet pour la concession ?", ["pouzet"]),
    ("Que réclame la société Lumière Voirie ?", ["lumi", "voir"]),
    ("Quand Mme Castaing a-t-elle signé ?", ["castaing"]),
    ("Je dois dormir à Lyon : jusqu'à combien la nuit ?", []),  # a place, not a person
    ("Combien coûte l'IFSE du groupe C1 à Valmoreau ?", []),
])
def test_people_and_organisations_named_by_the_question(question, names):
    assert grounding.proper_names(question) == names


_DF = {"piscin": 2, "prix": 99, "entre": 40, "ete": 30, "valmoreau": 290, "repas": 80, "enfant": 60,
       "cantin": 3, "resident": 12, "combien": 0, "touch": 0, "agent": 200, "journe": 50, "teletravail": 97,
       "salle": 70, "polyvalent": 30}


@pytest.mark.parametrize("question, answer, cited, flagged", [
    # near miss: the neighbouring tariff, the question's subject repeated
    ("Quel est le prix d'une entrée à la piscine d'été de Valmoreau ?",
     "L'entrée à la piscine coûte 3 € [1].",
     ["Tarifs de la salle polyvalente : location à la journée 3 € par entrée, été comme hiver."], ["piscine"]),
    # the right passage: every repeated word is in it
    ("Quel est le prix du repas pour un enfant non résident ?",
     "Le prix du repas pour un enfant non résident est de 4,90 € [1].",
     ["Délibération tarifs : le prix du repas des enfants non résidents est fixé à 4,90 euros."], []),
    # a synonym in the cited passage's title covers the question's word
    ("Combien coûte un repas à la cantine ?",
     "Un repas à la cantine coûte 3,45 € [1].",
     ["Tarifs de la restauration scolaire — le repas est fixé à 3,45 euros."], []),
    # colloquial words the index never contains are not held against the answer
    ("Combien touche un agent par journée de télétravail ?",
     "Un agent touche 2,50 € par journée de télétravail [1].",
     ["Allocation forfaitaire de télétravail : 2,50 € par journée de télétravail pour chaque agent."], []),
])
def test_unsupported_subject(question, answer, cited, flagged):
    warning = grounding.unsupported_subject(question, answer, cited, _DF, 2164)
    if not flagged:
        assert warning is None
    else:
        assert warning is not None and warning.code == "unsupported_subject"
        assert all(w in warning.detail for w in flagged) and "passages cités" in warning.fr


@pytest.mark.parametrize("question, answer, cited, strong", [
    # The question's rarest word, alone missing: the answer speaks of something else -> set aside.
    ("Quel est le prix d'une entrée à la piscine ?", "L'entrée à la piscine coûte 240 € [1].",
     ["Salle polyvalente : 240 € le week-end pour les résidents."], True),
    # Several of the question's words missing: set aside.
    ("Quel tarif pour un club sportif au gymnase ?", "Le gymnase coûte 40 € de l'heure pour un club sportif [1].",
     ["Grande salle : 40 € de l'heure."], True),
    # The one missing word ties with another for the rarest ("piscine", "plongeoir"): strong either way.
    ("Quel est le prix du plongeoir de la piscine ?", "Le plongeoir coûte 240 € [1].",
     ["La piscine : 240 € le week-end pour les résidents."], True),
    # A thing the question names that the archive never mentions ("rugby"), the answer about it: set aside,
    # however common the other words are.
    ("Combien le club de rugby a-t-il reçu de subvention ?", "Le club de rugby a reçu 18 500 € de subvention [1].",
     ["Le club de football a reçu une subvention de 18 500 €."], True),
    # Only a predicate the answer repeats is missing ("coûte" for a passage that says "tarif"): a warning only.
    ("Combien coûte le repas pour un enfant non domicilié ?", "Il coûte 4,90 euros [1].",
     ["Tarif des enfants non domiciliés : 4,90 euros."], False),
])
def test_unsupported_subject_strength(question, answer, cited, strong):
    df = {"prix": 105, "entre": 40, "piscin": 2, "plongeoir": 2, "tarif": 133, "club": 9, "sportif": 4, "gymnas": 8, "cout": 30,
          "rep": 281, "enfant": 83, "domicili": 6, "heur": 90, "recu": 26, "subvent": 93}
    warning = grounding.unsupported_subject(question, answer, cited, df, 2164, min_share=0.6)
    assert warning is not None and warning.strong is strong


@pytest.mark.parametrize("question, words", [
    ("Combien le club de rugby de Valmoreau a-t-il reçu ?", {"club", "rugby", "valmoreau"}),
    ("Quel est le prix d'une entrée à la piscine ?", {"prix", "entre", "piscin"}),
    ("Combien je touche par jour ?", {"jour"}),  # the verb of everyday speech is not a thing named
    ("Que faut-il pour toucher la prime ?", {"prim"}),  # nor a verb form after a preposition
])
def test_determined_words_are_the_things_a_question_names(question, words):
    assert grounding.determined_words(question) == words


@pytest.mark.parametrize("question, verbs", [
    ("Si je me fais payer des jours de CET, combien je touche ?", {"fais", "pai", "touch"}),
    ("Combien le club a-t-il reçu de subvention en 2025 ?", {"recu"}),
    ("Quel est le prix d'une entrée à la piscine d'été ?", set()),  # « en » inside « entrée » is no pronoun
    ("Combien de jours en catégorie B ?", set()),  # « en » the preposition
])
def test_verb_words_follow_a_pronoun_or_another_verb(question, verbs):
    assert grounding.verb_words(question) - {"me"} == verbs


def test_verbs_repeated_from_the_question_do_not_make_the_off_subject_flag_strong():
    """« Si je me fais payer des jours, je touche 90 € [1] » cited to « indemnisation … 90 € par jour »: the
    figure and the subject are the passage's, only the question's verbs are missing: a warning, not set aside."""
    question = "Si je me fais payer des jours de CET, combien je touche par jour en catégorie B ?"
    answer = "Si je me fais payer des jours, je touche 90 € par jour en catégorie B [1]."
    cited = ["Indemnisation des jours épargnés : 90 € par jour en catégorie B."]
    df = {"fais": 5, "pai": 40, "jour": 300, "categor": 30}
    warning = grounding.unsupported_subject(question, answer, cited, df, 2164, min_share=0.3)
    assert warning is not None and not warning.strong and {"fais", "payer"} <= set(warning.detail.split(", "))


def test_unknown_word_one_letter_from_a_cited_word_is_a_typo_not_a_subject():
    question, cited = "Combien coûte la cantinne le mercredi ?", ["La cantine coûte 3,10 € le mercredi."]
    df = {"cantin": 3, "mercred": 20, "cout": 30}
    warning = grounding.unsupported_subject(question, "La cantinne coûte 3,10 € le mercredi [1].", cited, df, 2164)
    assert warning is None


def test_unknown_word_does_not_lower_the_rarest_known_word():
    """The rarest-word rule compares known words: a colloquial word the index lacks must not weaken it."""
    cited = ["Salle polyvalente : 240 € le week-end pour les résidents."]
    df = {"prix": 105, "entre": 40, "piscin": 2}
    for question in ("Combien coûte l'entrée de la piscine ?",
                     "Combien coûte l'entrée de la piscine pour les gamins ?"):
        warning = grounding.unsupported_subject(question, "L'entrée de la piscine coûte 240 € [1].", cited, df, 2164)
        assert warning is not None and warning.strong, question


def test_unsupported_subject_needs_citations():
    assert grounding.unsupported_subject("Prix de la piscine ?", "La piscine coûte 3 €.", [], _DF, 2164) is None


def test_unsupported_subject_tolerates_one_paraphrased_word_among_the_answered_ones():
    question = "Combien de jours de congés annuels pour un agent à temps partiel ?"
    answer = "Un agent à temps partiel a droit à 25 jours de congés annuels [1]."
    cited = ["Chaque agent a droit à 25 jours de congés annuels par an, au prorata pour un temps non complet."]
    df = {"jour": 300, "conge": 80, "annuel": 135, "agent": 487, "temp": 191, "partiel": 12}
    assert grounding.unsupported_subject(question, answer, cited, df, 2164) is None  # only "partiel" is missing
    flagged = grounding.unsupported_subject(question, answer, cited, df, 2164, min_share=0.2)
    assert flagged is not None and flagged.detail == "partiel"


@pytest.mark.parametrize("answer, shown, invented", [
    ("Le repas coûte 4,90 € [1].", ["Le prix est fixé à 4,90 euros."], []),
    ("Le repas coûte 4,90 € [2].", ["Rien.", "Le prix est fixé à 4,90 euros."], []),  # wrong number: not made up
    ("Le repas coûte 5,20 € [1].", ["Le prix est fixé à 4,90 euros."], ["5,20"]),
    ("Au 1er septembre 2027, 3,03 € [1].", ["[1] Tarifs (2025-06-18) Le repas : 3,03 € au 1er septembre 2025."],
     ["2027"]),  # the year comes from the question
    ("Le budget est de 14 870 500 € [1].", ["équilibré à 14870500 euros"], []),  # written differently
    ("Vote du 18 juin 2024 [1].", ["[1] Délibération (délibération, 2024-06-18) — page 1\nVote : 25 pour."],
     []),  # the ISO date of the header, written out
    ("La délibération de 2024 [1].", ["Délibération n° 2024-037"], []),
    ("Le lot 2 : 412 350 € HT, taux de 3,5 % [1].", ["attribué pour 412 350,00 € HT ; révision de 3,50 %"], []),
    ("Trois jours [1], 100 % et 75 % [1].", ["Taux de 55 % et 22 %."], ["100", "75"]),
])
def test_invented_figures_are_those_in_no_shown_passage(answer, shown, invented):
    assert grounding.invented_figures(answer, shown) == invented


@pytest.mark.parametrize("answer, shown, question, invented", [
    ("La subvention est de 25.000 € [1].", ["[1] Subventions — page 25", "25 associations"], "", ["25.000"]),
    ("La subvention est de 5.000 € [1].", ["Une subvention de 5 000 € est versée."], "", []),  # same value
    ("Le volume est de 15 jours [1].", ["Quinze jours flottants par an."], "", []),  # written in words
    ("Soixante-dix ans : 70 ans [1].", ["à soixante-dix ans"], "", []),
    ("Pour un QF de 450 €, le repas coûte 3,20 € [1].", ["QF de 401 à 600 € : 3,20 €."],
     "Quel tarif pour un QF de 450 € ?", []),  # restated from the question
    ("Les tarifs 2027-2028 : 3,60 € [1].", ["3,60 € en 2025."], "Quels tarifs en 2027-2028 ?", ["2027-2028"]),
])
def test_invented_figures_spare_number_words_and_the_question_figures_but_not_its_years(answer, shown, question,
                                                                                      invented):
    assert grounding.invented_figures(answer, shown, question=question) == invented


@pytest.mark.parametrize("fig, value", [
    ("412 350,00", "412350"), ("3,50", "3.5"), ("5.000", "5000"), ("12.03.2024", "12/3"), ("1er septembre", "1/9"), ("2025-10-08", "8/10"), ("08/10/2025", "8/10"),
    ("10.2020", "10.2020"), ("0,125", "0.125"), ("14 870 500", "14870500"),
])
def test_figures_are_normalised_by_value(fig, value):
    assert grounding.normalise_figure(fig) == value


@pytest.mark.parametrize("answer, text", [
    ("Le tarif est 10 €... Ensuite le reste.", "Le tarif est 10 € [1]... Ensuite le reste."),
    ("Le tarif est-il de 10 € ?", "Le tarif est-il de 10 € [1] ?"),
    ("Le tarif : 10 €", "Le tarif : 10 € [1]"),
])
def test_added_citation_goes_before_the_sentence_ending(answer, text):
    assert grounding.check_answer(answer, ["Le tarif est fixé à 10 € par jour."]).text == text


def test_check_answer_with_no_passage_does_not_fail():
    c = grounding.check_answer("Le repas coûte 3,45 € [1].", [])
    assert "[1]" not in c.text and {"invalid_citation", "no_citation"} <= set(codes(c))


@pytest.mark.parametrize("question, names", [
    ("Quel est le loyer mensuel du logement communal de la place du Marché ?", ["place du Marché"]),
    ("Combien de repas ont été commandés à Saveurs Collectives ?", ["Saveurs Collectives"]),
    ("Après des travaux avenue de la Libération, combien de temps ?", ["avenue de la Libération"]),
    ("Quand le lot 1 de Jules-Ferry a-t-il été notifié ?", ["Jules-Ferry"]),  # « lot 1 »: no place noun
    ("Je dois dormir à Lyon : jusqu'à combien la nuit ?", ["Lyon"]),
    ("Quel est le prix du repas ? Combien pour un adulte ?", []),  # words opening a sentence are no names
    ("Le CET est-il plafonné ?", []),  # acronyms are left to the synonyms
])
def test_name_phrases(question, names):
    assert [words for words, _, _ in grounding.name_phrases(question)] == names


_PLACE_Q = "Quel est le loyer mensuel du logement communal de la place du Marché ?"
_TANNEURS = "Loyer logement communal (rue des Tanneurs) 1 140,00 € ; droits de place (marché hebdomadaire) 64,50 €."


@pytest.mark.parametrize("answer, cited, df, flagged", [
    # The rent of another lodging: « place » and « marché » are in the passage, « place du Marché » is not.
    ("Le loyer mensuel du logement de la place du Marché est de 1 140,00 € [1].", [_TANNEURS], 7, True),
    ("Le loyer du logement de la place du Marché est de 420 € [1].",
     ["Le logement de la place du Marché est loué 420 € par mois."], 7, False),
    ("Le loyer est de 1 140,00 € [1].", [_TANNEURS], 7, False),  # the answer does not claim the place
    ("Le loyer du logement de la place du Marché est de 1 140,00 € [1].", [_TANNEURS], 0, False),  # unknown name
    ("Le loyer du logement de la place du Marché est de 1 140,00 € [1].", [_TANNEURS], 900, False),  # everywhere
])
def test_unsupported_names(answer, cited, df, flagged):
    warning = grounding.unsupported_names(_PLACE_Q, answer, cited, {"plac du march": df}, 2164)
    if flagged:
        assert warning is not None and warning.strong and warning.detail == "place du Marché"
        assert "ne nomment pas" in warning.fr and "never name" in warning.en
    else:
        assert warning is None


def test_a_name_in_the_cited_title_counts():
    cited = ["Notification — Saveurs Collectives SAS Le prix unitaire est de 2,87 € HT."]
    question = "Combien Saveurs Collectives facture-t-elle un repas ?"
    answer = "Saveurs Collectives facture le repas 2,87 € HT [1]."
    assert grounding.unsupported_names(question, answer, cited, {"saveur collect": 12}, 2164) is None
    assert grounding.unsupported_names(question, answer, ["Le prix unitaire est de 2,87 € HT."],
                                       {"saveur collect": 12}, 2164) is not None


@pytest.mark.parametrize("question, things", [
    ("Quel est le montant de l'avenant n° 1 au lot 2 ?", ["avenant n° 1", "lot 2"]),
    ("Que dit l'article 12 du règlement ?", ["article 12"]),
    ("Quelle était la date limite de la consultation 2025-AOO-03 ?", []),  # a reference code
    ("Quel était le tarif en 2024 et pour 3 enfants ?", []),  # a year; « pour » is no thing
])
def test_numbered_things(question, things):
    assert [words for words, _ in grounding.numbered_things(question)] == things


@pytest.mark.parametrize("answer, cited, flagged", [
    ("L'avenant n° 1 au lot 2 s'élève à 412 350 € [1].", ["Lot 2 – Chauffage Thermique Aulnay 412 350,00 €"], True),
    ("L'avenant n° 1 au lot 2 s'élève à 18 400 € [1].", ["L'avenant n°1 au lot 2 porte le montant à 18 400 €."], False),
    ("Il s'élève à 412 350 € [1].", ["Lot 2 – Chauffage Thermique Aulnay SARL 412 350,00 €"], False),  # no claim
])
def test_unsupported_numbered_things(answer, cited, flagged):
    question = "Quel est le montant de l'avenant n° 1 au lot 2 ?"
    warning = grounding.unsupported_names(question, answer, cited, {}, 2164)
    assert (warning is not None and warning.strong and "avenant n° 1" in warning.detail) if flagged else warning is None


@pytest.mark.parametrize("question, answer, cited, flagged", [
    ("Combien de repas ont été commandés au cours du premier trimestre ?",
     "Au cours du premier trimestre, 60 000 repas ont été commandés [1].", ["Minimum annuel 60 000 repas."], True),
    ("Combien de repas ont été commandés au cours du premier trimestre ?",
     "Au premier trimestre, 14 200 repas ont été commandés [1].", ["Au 1er trimestre : 14 200 repas."], False),
    ("Quel est le loyer mensuel du logement ?", "Le loyer mensuel est de 1 140 € [1].",
     ["Loyer logement communal 1 140,00 € restant dû."], True),
    ("Quel est le loyer mensuel du logement ?", "Le loyer mensuel est de 540 € [1].", ["Loyer : 540 € par mois."],
     False),
    ("Quel est le loyer mensuel du logement ?", "Le loyer est de 1 140 € [1].",  # the answer claims no period
     ["Loyer logement communal 1 140,00 €."], False),
    ("Quel est le plafond annuel de l'IFSE ?", "Le plafond annuel est de 36 210 € [1].",
     ["Plafond de l'IFSE : 36 210 € par an."], False),
    ("En horaires variables, quelles heures de présence ?", "De 9 h à 11 h 30 en horaires variables [1].",
     ["Plage fixe du matin 9 h 00 – 11 h 30."], False),  # « horaires variables » asks for no rate
])
def test_unsupported_period(question, answer, cited, flagged):
    warning = grounding.unsupported_period(question, answer, cited)
    assert (warning is not None and warning.strong) if flagged else warning is None


@pytest.mark.parametrize("question, answer, cited, df", [
    # Titles are no names, and a name is found whatever the case and the first names around it.
    ("Qui remplace Mme Durand au conseil municipal ?", "Mme Durand est remplacée par M. Leroy [1].",
     ["…la démission de Madame Sophie DURAND, conseillère municipale…"], {"durand": 10}),
    # A name written by its initials.
    ("Que fait le Centre Communal d'Action Sociale ?", "Le Centre Communal d'Action Sociale aide les familles [1].",
     ["CCAS : accueil le mardi, aide aux familles."], {"centr communal d action social": 10}),
    # The numbered part is named by the heading of the cited passage, not its text (given with it).
    ("Quel est le montant du lot 2 ?", "Le montant du lot 2 est de 45 000 € HT [1].",
     ["Lot 2 – Menuiseries Le montant est de 45 000 € HT."], {}),
    # « Les lots 1 et 2 », « Art. 12 »: the noun is there.
    ("Quel est le délai du lot 2 ?", "Le délai du lot 2 est de 6 mois [1].", ["Pour les lots 1 et 2 : 6 mois."], {}),
    ("Que dit l'article 12 ?", "L'article 12 impose un préavis [1].", ["Art. 12 — Un préavis est imposé."], {}),
])
def test_names_checks_leave_correct_answers_alone(question, answer, cited, df):
    assert grounding.unsupported_names(question, answer, cited, df, 2000) is None


@pytest.mark.parametrize("question, answer, cited", [
    ("Combien coûte l'adhésion au CNAS par an ?", "L'adhésion coûte 212 € par agent [1].", ["212 € par agent."]),
    ("Combien de repas au premier trimestre ?", "Au premier trimestre, 14 000 repas [1].",
     ["De janvier à mars : 14 000 repas."]),
    ("Quel est le tarif par heure ?", "Le tarif par heure est de 25 € [1].", ["Location : 25 €/h."]),
])
def test_period_written_otherwise_is_found(question, answer, cited):
    assert grounding.unsupported_period(question, answer, cited) is None


_SCHEDULE = ("5.3 Calendrier détaillé d'exécution. Le calendrier détaillé d'exécution est élaboré par le maître "
             "d'œuvre en concertation avec les titulaires des différents lots. Il est notifié à chaque titulaire par "
             "ordre de service. Il précise les interventions pendant les vacances de la Toussaint et de Noël, et le "
             "raccordement des pompes à chaleur avant le 15 octobre 2025.")
_TARIFF = "Le tarif de la salle est de 240 € le week-end. Il est réduit de moitié pour les associations."


@pytest.mark.parametrize("answer, passages, copied", [
    (_SCHEDULE.replace("5.3 Calendrier détaillé d'exécution. ", "") + " [2]", [_TARIFF, _SCHEDULE], 2),
    (_SCHEDULE + " [1]", [_SCHEDULE], 1),
    # a sentence selected, not the whole passage
    ("Le raccordement des pompes à chaleur a lieu avant le 15 octobre 2025 [1].", [_SCHEDULE], None),
    # the whole passage, but with what the answer makes of it
    (_SCHEDULE + " Aucune date n'est donnée pour la fête de Noël du personnel : les documents n'en parlent pas [1].",
     [_SCHEDULE], None),
    # a short passage copied out is an answer
    (_TARIFF + " [1]", [_TARIFF], None),
])
def test_copied_passage(answer, passages, copied):
    assert grounding.copied_passage(answer, passages) == copied
