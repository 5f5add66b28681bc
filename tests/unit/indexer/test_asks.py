"""What a question asks for (amount, number, date) and whether an answer gives it."""

import pytest

from indexer.asks import asked_kinds, gives, holds, missing_kinds


@pytest.mark.parametrize("question, kinds", [
    ("Quel est le montant de l'avance versée au titulaire du lot 1 ?", ["money"]),
    ("Combien coûte une concession de trente ans ?", ["money"]),
    ("Combien la commune paie-t-elle un repas à son fournisseur ?", ["money"]),
    ("On est payées combien par rapport à un temps plein ?", ["money"]),
    ("C'est combien la prime de fin d'année, et elle est versée quand ?", ["money", "date"]),
    ("Quel taux de taxe foncière la commune a-t-elle voté ?", ["money"]),
    ("Combien de jours de RTT a un agent des services techniques ?", ["count"]),
    ("Combien de temps les offres restaient-elles valables ?", ["duration"]),
    ("Dans quel délai doit-il déclarer l'accident ?", ["duration"]),
    ("Quel est le délai de paiement et le montant des pénalités ?", ["duration"]),  # « le montant »: no « quel »
    ("Quelle est la durée annuelle de travail ?", ["duration"]),
    ("Quel est le nombre d'agents en télétravail ?", ["count"]),
    ("À quelle date la réception des travaux a-t-elle été prononcée ?", ["date"]),
    ("Jusqu'à quand la rue des Tanneurs est-elle fermée ?", ["date"]),
    ("La médiathèque ferme quand cet été ?", ["date"]),
    ("Quand le marché du lot 1 a-t-il été notifié ?", ["date"]),
    ("En quelle année la charte a-t-elle été adoptée ?", ["date"]),
    ("Quelle est la date de l'arbre de Noël des enfants du personnel ?", ["date"]),
    ("Quelles sont les dates de la campagne d'entretiens ?", ["date"]),
    ("Quelle était la date limite de remise des offres ?", ["date"]),
    # Nothing checkable: "quand" opening a clause, "quand même", open questions.
    ("Quand le DGS est absent, qui peut signer à sa place ?", []),
    ("Quel montant touche-t-on quand on reçoit la médaille ?", ["money"]),
    ("Les repas réservés sont-ils quand même facturés ?", []),
    ("Ai-je droit à des jours en plus, quand j'ai un besoin ponctuel ?", []),
    ("Comment une entreprise devait-elle déposer son offre ?", []),
    ("J'ai droit à combien de jours de congés ?", ["count"]),  # « à combien de »: a number, not money
    ("Les agents reçoivent combien de jours de RTT ?", ["count"]),
    ("Combien y a-t-il d'agents recrutés en 2024 ?", ["count"]),  # « recrutés » is no money verb
    ("Combien sont-ils à toucher la prime ?", ["count"]),
    ("Que se passe-t-il quand ce délai expire ?", []),
    ("Qui paie quand c'est cassé ?", []),
    ("Quand un agent est malade doit-il prévenir son chef ?", []),
    ("Jusqu’à quand la rue est-elle fermée ?", ["date"]),  # typographic apostrophe
    ("Qui a remporté le lot 2 ?", []),
    ("Les frais de dossier sont-ils compris dans le prix ?", []),  # yes or no: a figure is not required
    ("Qui a remporté le lot 2, pour quel montant, et comment ?", ["money"]),
    ("Quelle entreprise a décroché le lot, et pour combien ?", ["money"]),
    ("Pour combien de temps le marché est-il conclu ?", ["duration"]),  # « pour combien de »: not money
    ("Pour le lot 1, quel écart de prix entre les deux premières offres ?", ["money"]),
    ("Quelle a été la hausse des tarifs de la cantine ?", ["money"]),
    ("À quelle heure une fête privée doit-elle se terminer ?", ["time"]),
    ("En horaires variables, pendant quelles heures suis-je obligé d'être présent ?", ["time"]),
    ("Quels sont les horaires de la déchetterie le samedi ?", ["time"]),
    ("Quelles sont les heures d'ouverture de la mairie ?", ["time"]),
    ("Combien d'heures supplémentaires puis-je reporter ?", ["count"]),  # a number of hours, not a time of day
    ("Les horaires variables s'appliquent-ils aux agents de la voirie ?", []),
])
def test_asked_kinds(question, kinds):
    assert asked_kinds(question) == kinds


@pytest.mark.parametrize("kind, answer, question, expected", [
    # « Quelle est la date de … » is answered by a period or a deadline too, like « quand ».
    ("date", "Le RIFSEEP est versé mensuellement avec le traitement [1].",
     "Quelle est la date de versement du RIFSEEP ?", True),
    ("date", "Au plus tard deux mois avant la séance [1].", "Quelle est la date limite de dépôt ?", True),
    ("date", "La subvention est ramenée à 11 000 € [3].", "Quelle est la date de l'arbre de Noël ?", False),
    ("money", "Le repas coûte 3,45 € [1].", "", True),
    ("money", "L'avance est de 10 % du montant initial [2].", "", True),
    ("money", "On perçoit 6/7e de la rémunération [1].", "", True),
    ("money", "L'entrée est gratuite pour les moins de 12 ans [1].", "", True),
    ("money", "Aucune subvention n'a été versée à ce club [1].", "", True),
    ("money", "La médaille est échelon argent après vingt ans de service [1].", "", False),
    ("money", "La prime est versée mensuellement, au plus tard le dernier jour ouvré du mois [4].", "", False),
    ("money", "Le prix est fixé par la délibération n° 2024-037 [1].", "", False),
    ("money", "Le repas coûte 4,90 [1].", "", True),  # written as an amount, the currency left out
    ("money", "Le supplément est versé pour un enfant jusqu'à 20 ans [2].", "", False),
    ("money", "Il perçoit son plein traitement pendant trois mois [1].", "", True),
    ("money", "Non, cette indemnité n'existe pas à Valmoreau [1].", "", True),  # a yes/no answer
    ("count", "Une fois [1].", "Combien de fois peut-on renouveler un CDD ?", True),
    ("count", "Un jour par mois [1].", "Combien de jours de télétravail ?", True),
    ("count", "La commune compte 2010 habitants [1].", "", True),  # a number, not a year
    ("date", "Le dernier jour ouvré du mois [1].", "Quel jour sont versés les salaires ?", True),
    ("date", "Elle a été adoptée en 2024 pour trois ans [1].", "En quelle année la charte fut-elle adoptée ?", True),
    ("count", "Quinze jours flottants par an [1].", "", True),
    ("count", "Au moins un menu végétarien par semaine [2].", "", True),
    ("count", "58 agents étaient autorisés à télétravailler [1].", "", True),
    ("count", "Le télétravail est organisé par la délibération n° 2024-058 [1].", "", False),
    ("count", "Des accidents ont été déclarés en 2025, selon l'article 12 [3].", "", False),
    ("duration", "Il le déclare dans les 48 heures [1].", "", True),
    ("duration", "Réponse écrite dans un délai d'un mois [2].", "", True),
    ("duration", "Prévenir immédiatement son responsable [1].", "", True),
    ("duration", "Les inscriptions sont ouvertes jusqu'au 31 mars [1].", "", True),  # a deadline
    ("duration", "Le délai de paiement est le 1er mai 2024 [1].", "", False),  # a date is not a delay
    ("duration", "Le paiement suit la réception de la facture, article 11 [1].", "", False),
    ("date", "Le lot a été attribué le 30 septembre 2025 [1].", "À quelle date le lot a-t-il été attribué ?", True),
    ("date", "Au plus tard le jeudi de la semaine précédente [1].", "Jusqu'à quand peut-on annuler ?", True),
    ("date", "Dans les 15 jours suivant la fin des travaux [1].", "Jusqu'à quand peut-on réclamer ?", True),
    # "À quelle date" wants a date, not a delay; the vaguer "quand" accepts a period.
    ("date", "Les opérations préalables ont lieu dans un délai de vingt jours à compter de l'avis, article 41 [1].",
     "À quelle date la réception a-t-elle été prononcée ?", False),
    ("date", "La réception a lieu dans les conditions de l'article 41 du CCAG [1].",
     "Jusqu'à quand la réception peut-elle être prononcée ?", False),
])
def test_gives(kind, answer, question, expected):
    assert gives(kind, answer, question) is expected


@pytest.mark.parametrize("answer, expected", [
    ("Au plus tard à 2 h 00 du matin [1].", True),
    ("De 9h30 à 12h [1].", True),
    ("Jusqu'à 18:30 [2].", True),
    ("À partir de 14 heures [1].", True),
    ("La déchetterie est fermée le samedi après-midi [1].", True),  # a closing answers « à quelle heure »
    ("Aucun horaire n'est fixé par le règlement [1].", True),  # saying there is none counts
    ("La salle se loue 240 € pour la soirée [1].", False),
    ("La musique est limitée à 95 décibels [1].", False),
])
def test_an_answer_gives_a_time_of_day(answer, expected):
    question = "À quelle heure une fête privée doit-elle se terminer ?"
    assert gives("time", answer, question) is expected
    assert (missing_kinds(question, answer) is None) is expected


@pytest.mark.parametrize("kind, passage, expected", [
    ("money", "La participation est fixée à 25 € brut par mois et par agent.", True),
    ("money", "Le loyer mensuel est de 412,50 euros.", True),
    ("money", "La commune participe au contrat de prévoyance labellisé des agents.", False),
    ("count", "Le service a déclaré 14 accidents en 2025.", True),
    ("count", "Les quinze jours flottants sont posés avec un délai de prévenance.", True),
    ("count", "Vu la délibération n° 2024-058 et l'article 12 du règlement, en 2025.", False),  # references, year
    ("date", "La médiathèque est fermée du 3 au 15 août 2026.", True),
    ("date", "La réunion a lieu le 12/03 à 18 h.", True),
    ("date", "Le marché est conclu pour quatre ans, depuis 2026.", False),  # a year alone says no day nor month
    # a negation is an answer to a question, but a passage holding one holds no figure
    ("money", "L'accès n'est pas payant.", False),
])
def test_holds(kind, passage, expected):
    assert holds(kind, passage) is expected


def test_missing_kinds_lists_every_kind_not_given():
    q = "C'est combien la prime de fin d'année, et elle est versée quand ?"
    m = missing_kinds(q, "La prime est versée en novembre [1].")
    assert m is not None and m.kinds == ("money",) and m.asked == ("money", "date")
    assert "montant" in m.fr and "amount" in m.en
    both = missing_kinds(q, "La prime récompense l'assiduité [1].")
    assert both is not None and both.kinds == ("money", "date")
    assert missing_kinds(q, "Elle est de 300 € et versée en novembre [1].") is None


def test_questions_that_ask_nothing_checkable_are_left_alone():
    assert missing_kinds("Quelles sont les démarches pour disperser des cendres ?", "Il faut une autorisation.") is None
