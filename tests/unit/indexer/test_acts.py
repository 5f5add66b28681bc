import pytest

from indexer.acts import ActInfo, ActLink, article_of, citation_label, extract, find_links, normalize_number

HEADER = ("COMMUNE DE VALMOREAU\nExtrait du registre des délibérations du conseil municipal\n"
          "Séance du mardi 24 juin 2025 — Délibération n° 2025-041\n"
          "Objet : Tarifs de la restauration scolaire à compter du 1er septembre 2025\n"
          "Conseillers en exercice : 29 ; Présents : 26 ; Représentés : 3 ; Votants : 29.\n")


@pytest.mark.parametrize("raw, expected", [
    ("2024-037", "2024-037"), ("DEL-2024-37", "2024-037"), ("D2024_037", "2024-037"), ("del_2024_7", "2024-007"),
    ("2024/37", "2024-037"), ("AR-2024-031", "AR-2024-031"), ("NS-2025-09", "NS-2025-09"),
    ("2025-AOO-03", "2025-AOO-03"),
])
def test_act_numbers_have_one_spelling(raw, expected):
    assert normalize_number(raw) == expected


@pytest.mark.parametrize("sentence, link", [
    ("La présente délibération abroge et remplace la délibération n° 2024-037 du 18 juin 2024.",
     ActLink("repeals", "deliberation", "2024-037", "2024-06-18")),
    ("La délibération n° 2021-058 du 22 juin 2021 est abrogée à compter du 1er juin 2024.",
     ActLink("repeals", "deliberation", "2021-058", "2021-06-22")),
    ("La présente délibération modifie l'article 3 de la charte annexée à la délibération n° 2024-058 du "
     "15 octobre 2024.", ActLink("amends", "deliberation", "2024-058", "2024-10-15")),
    ("Le présent arrêté abroge et remplace l'arrêté n° AR-2021-087 du 6 septembre 2021.",
     ActLink("repeals", "arrete", "AR-2021-087", "2021-09-06")),
    ("Objet : Régime indemnitaire : modification de la délibération n° 2024-060 du 15 octobre 2024",
     ActLink("amends", "deliberation", "2024-060", "2024-10-15")),
    ("Texte remplacé : note de service n° NS-2025-14 du 17 novembre 2025 (campagne 2025)",
     ActLink("repeals", "note-service", "NS-2025-14", "2025-11-17")),
    ("Le présent arrêté abroge le règlement du cimetière du 5 mai 2009.",
     ActLink("repeals", "reglement", "", "2009-05-05")),
    ("La présente délibération complète la délibération n° DEL-2023-12.", ActLink("amends", "deliberation", "2023-012", "")),
])
def test_operative_sentences_give_links(sentence, link):
    assert find_links(sentence) == [link]


@pytest.mark.parametrize("sentence", [
    "Vu la délibération n° 2024-037 du 18 juin 2024 fixant les tarifs de la restauration scolaire ;",
    "Les tarifs ont été fixés par la délibération n° 2024-037 du 18 juin 2024.",
    "La charte du télétravail approuvée par délibération n° 2024-058, modifiée par délibération n° 2025-019.",
    "Vu le décret n° 2016-151 du 11 février 2016 modifié ;",
    "Les autres tarifs fixés par la délibération n° 2025-041 ne sont pas modifiés.",
])
def test_mere_references_are_not_links(sentence):
    assert find_links(sentence) == []


def test_an_act_does_not_link_to_itself_and_keeps_the_strongest_relation():
    text = ("La présente délibération modifie la délibération n° 2024-037. La délibération n° 2024-037 est abrogée. "
            "La présente délibération n° 2025-041 complète la délibération n° 2025-041.")
    assert find_links(text, own_number="2025-041") == [ActLink("repeals", "deliberation", "2024-037", "")]


def test_deliberation_structure():
    text = HEADER + ("Vu la délibération n° 2024-037 ;\nAprès en avoir délibéré, le conseil municipal, à l'unanimité, "
                     "DÉCIDE :\nArticle 7 — Abrogation\nLa présente délibération abroge la délibération n° 2024-037.\n"
                     "Votants : 29 ; Pour : 29 ; Contre : 0 ; Abstentions : 0.\n"
                     "Transmise en préfecture de la Haute-Morée le 27 juin 2025 (accusé n° 000-DEL2025041-DE).\n"
                     "Publiée sur le site internet de la commune le 28 juin 2025.")
    info = extract(text, title="Tarifs de la restauration scolaire", doc_type="deliberation",
                   filename="DEL-2025-041_tarifs.pdf")
    assert (info.kind, info.number, info.date) == ("deliberation", "2025-041", "2025-06-24")
    assert info.objet.startswith("Tarifs de la restauration scolaire")
    assert info.members == {"in_office": 29, "present": 26, "represented": 3, "voting": 29}
    assert info.vote == {"voting": 29, "for": 29, "against": 0, "abstentions": 0} and info.unanimous
    assert (info.transmitted, info.published) == ("2025-06-27", "2025-06-28")
    assert [link.number for link in info.links] == ["2024-037"]
    assert ActInfo.from_json(info.to_json()) == info


def test_a_document_that_only_mentions_a_deliberation_takes_no_number():
    text = "FAQ RH 2026\nLa charte du télétravail (délibération n° 2025-019) fixe trois jours au plus."
    assert extract(text, title="FAQ RH 2026", doc_type="rh-faq").number == ""


def test_number_from_the_file_name_when_the_text_has_none():
    info = extract("Dénomination des voies", title="Dénomination des voies", doc_type="deliberation",
                   filename="D2024_049_voies.pdf")
    assert info.number == "2024-049"


def test_vote_in_prose_and_procurement_lots():
    vote = extract(HEADER + "Adopté par 23 voix pour, 2 voix contre et 4 abstentions.", doc_type="deliberation")
    assert vote.vote == {"for": 23, "against": 2, "abstentions": 4} and not vote.unanimous
    rc = extract("Règlement de la consultation\nConsultation n° 2025-AOO-03\nLot n° 1 : gros œuvre\nLot n° 2 : chauffage",
                 doc_type="marche-rc", filename="2025-AOO-03_RC.pdf")
    assert rc.procurement == "2025-AOO-03" and rc.lots == ["1", "2"]


@pytest.mark.parametrize("info, title, section, doc_type, label", [
    (ActInfo(kind="deliberation", number="2024-037", date="2024-06-18"), "Tarifs", "Article 2 — Tarif social",
     "deliberation", "Délibération n° 2024-037 du 18 juin 2024, article 2"),
    (ActInfo(kind="deliberation", number="2024-037", date="2024-09-01"), "Tarifs", "Exposé des motifs",
     "deliberation", "Délibération n° 2024-037 du 1er septembre 2024"),
    (ActInfo(), "Règlement intérieur du personnel", "Article 12 — Congés", "reglement",
     "Article 12 du règlement intérieur du personnel"),
    (ActInfo(), "Le règlement du cimetière", "Article premier", "reglement", "Article 1er du règlement du cimetière"),
    (ActInfo(), "FAQ RH", "Article 3", "rh-faq", ""),
])
def test_citation_labels(info, title, section, doc_type, label):
    assert citation_label(info, title, section, doc_type) == label


def test_article_of():
    assert article_of("Article unique") == "article unique" and article_of("Titre II") == ""
