import pytest

from indexer.chunking import chunk_pages, heading_rank, split_sentences
from indexer.readers.base import Block, Page


def page(number: int, *lines: str) -> Page:
    return Page(number=number, label=str(number), blocks=[Block(line) for line in lines])


@pytest.mark.parametrize("text, whole", [
    ("Conformément à l'art. 3 du règlement. La suite est ici.", "l'art. 3 du règlement"),
    ("Vu la délibération n° 2023-045 du 12 mars. Le conseil décide.", "n° 2023-045 du 12 mars"),
    ("La séance du 3 févr. 2024 est ouverte. Elle se tient en mairie.", "3 févr. 2024 est ouverte"),
    ("Le rapporteur est M. Durand. Il présente le projet.", "M. Durand"),
    ("Vu l'article L. 2121-29 du CGCT. Le conseil délibère.", "L. 2121-29 du CGCT"),
    ("Mme Castaing ouvre la séance, cf. p. 4 du rapport. Les élus votent.", "cf. p. 4 du rapport"),
])
def test_sentences_never_split_inside_french_abbreviations(text, whole):
    sentences = split_sentences(text)
    assert len(sentences) == 2, sentences
    assert whole in sentences[0]


def test_sentences_split_on_real_boundaries():
    assert split_sentences("Premier point. Deuxième point ! Troisième ? Oui.") == [
        "Premier point.", "Deuxième point !", "Troisième ?", "Oui."]


def test_chunks_follow_articles_and_keep_pages():
    pages = [
        page(1, "Objet : tarifs de la restauration scolaire",
             "Vu le code général des collectivités territoriales, notamment l'article L. 2121-29 ;",
             "Considérant la hausse du coût des denrées alimentaires constatée en 2024 ;",
             "Après en avoir délibéré, le conseil municipal",
             "DÉCIDE :",
             "Article 1er",
             "Le tarif du repas est fixé à 3,45 € pour les enfants résidents de la commune."),
        page(2, "Article 2",
             "Le tarif du repas est fixé à 4,90 € pour les enfants non résidents de la commune."),
    ]
    chunks = list(chunk_pages(pages, target=60, max_words=120, min_words=3))
    by_text = {c.text: c for c in chunks}
    art1 = next(c for c in chunks if "3,45" in c.text)
    art2 = next(c for c in chunks if "4,90" in c.text)
    assert art1.page_start == 1 and art2.page_start == 2
    assert "4,90" not in art1.text and "3,45" not in art2.text
    assert art1.section.startswith("Article 1")
    assert art2.section.startswith("Article 2")
    assert "Vu le code" not in art1.text  # the preamble and the operative part are separate chunks
    assert len(by_text) == len(chunks)


def test_no_chunk_crosses_a_page_and_none_exceeds_the_hard_limit():
    long_para = " ".join(f"Phrase numéro {i} du texte, avec M. Durand et l'art. {i}." for i in range(200))
    pages = [page(1, long_para), page(2, long_para)]
    chunks = list(chunk_pages(pages, target=50, max_words=80, min_words=5))
    assert {c.page_start for c in chunks} == {1, 2}
    assert all(c.page_start == c.page_end for c in chunks)
    assert all(c.n_words <= 80 for c in chunks)
    for c in chunks:  # every chunk ends at a sentence end
        assert c.text.endswith("."), c.text[-40:]


def test_running_headers_and_page_numbers_are_dropped():
    pages = [page(i, "Commune de Valmoreau — Conseil municipal", f"Texte propre à la page {i} sur les subventions.",
                  f"page {i} / 5") for i in range(1, 6)]
    chunks = list(chunk_pages(pages, target=80, min_words=1))
    later = [c for c in chunks if c.page_start >= 4]
    assert later and all("Commune de Valmoreau" not in c.text for c in later)
    assert all("page 4 / 5" not in c.text for c in chunks)


def test_embed_text_carries_the_title_and_chunk_keeps_its_section():
    chunks = list(chunk_pages([page(1, "Article 3 - Télétravail", "Deux jours par semaine au plus.")],
                              target=50, min_words=1))
    text = chunks[0].embed_text("Règlement intérieur du personnel")
    assert text.startswith("Règlement intérieur du personnel\nArticle 3 - Télétravail")
    assert chunks[0].section == "Article 3 - Télétravail"


def test_pdf_line_hyphenation_is_undone():
    chunks = list(chunk_pages([page(1, "La rému-", "nération des agents est versée mensuellement.")],
                              target=50, min_words=1))
    assert "rémunération" in chunks[0].text


def test_first_pages_lose_their_running_footer_too():
    pages = [page(i, *[f"Ligne {n} du texte propre à la page {i} sur les subventions." for n in range(6)],
                  "Commune de Valmoreau", "Subventions 2025 aux associations", f"page {i} / 4") for i in range(1, 5)]
    chunks = list(chunk_pages(pages, target=80, min_words=1))
    assert {c.page_start for c in chunks} == {1, 2, 3, 4}
    assert all("Subventions 2025" not in c.text and "Commune de" not in c.text for c in chunks), chunks


def test_article_lines_starting_several_pages_are_kept():
    words = ["voirie", "cantine", "cimetière", "piscine"]
    pages = [page(i, "Article 3", f"Le tarif de la {w} est fixé par le conseil.") for i, w in enumerate(words, 1)]
    assert sum("Article 3" in c.text or c.section == "Article 3" for c in chunk_pages(pages, min_words=1)) == 4


@pytest.mark.parametrize("lines, expected", [
    (["Résultat du vote", "Votants", "Pour", "Contre", "Abstentions", "29", "27", "0", "2", "Fait à Valmoreau."],
     "Votants : 29 ; Pour : 27 ; Contre : 0 ; Abstentions : 2."),
    (["Conseillers en exercice", "Présents", "Représentés", "Votants", "29", "26", "3", "29",
      "Présents : Mme Castaing, M. Fayolle."],
     "Conseillers en exercice : 29 ; Présents : 26 ; Représentés : 3 ; Votants : 29."),
    (["Catégorie", "Tarif", "Résident", "3,60 €"], None),  # cells that are not all figures stay as they are
    (["Votants", "Pour", "Contre", "Abstentions", "29", "27", "-", "2", "Fait à Valmoreau."],  # a dash: a cell
     "Votants : 29 ; Pour : 27 ; Contre : - ; Abstentions : 2."),
])
def test_tables_read_one_cell_per_line_get_their_headers_back(lines, expected):
    text = " ".join(c.text for c in chunk_pages([page(1, *lines)], target=80, min_words=1))
    if expected:
        assert expected in text
    else:
        assert "Catégorie :" not in text and "3,60 €" in text


def test_figures_inside_a_page_are_not_taken_for_page_numbers():
    chunks = list(chunk_pages([page(1, "Nombre de repas servis en 2025 :", "590",
                                    "Le service fonctionne quatre jours par semaine.")], target=80, min_words=1))
    assert "590" in " ".join(c.text for c in chunks)


def test_a_reference_number_is_not_a_heading():
    chunks = list(chunk_pages([page(1, "Transmise en préfecture le 27 juin 2025 (accusé n°",
                                    "000-217600418-20250624-DEL2025041-DE).",
                                    "Publiée le 27 juin 2025 sur le site de la commune.")], target=80, min_words=1))
    assert all(not c.section.startswith("000-") for c in chunks)


def test_a_heading_is_never_a_passage_of_its_own():
    long_sentence = " ".join(["Les tarifs de la restauration scolaire sont fixés comme suit pour chaque repas servi"] * 6) + "."
    pages = [page(1, "Article 1er — Tarifs applicables", long_sentence, "Article 2 — Tarif social"),
             page(2, "Un tarif social de 1,00 € par repas est applicable aux familles modestes.")]
    chunks = list(chunk_pages(pages, target=40, max_words=120, min_words=3))
    assert all(c.text not in ("Article 1er — Tarifs applicables", "Article 2 — Tarif social") for c in chunks)
    assert chunks[0].text.startswith("Article 1er") and "fixés comme suit" in chunks[0].text
    social = next(c for c in chunks if "1,00 €" in c.text)
    assert social.page_start == 2 and social.section == "Article 2 — Tarif social"


def test_table_rows_read_with_pipes_name_their_cells():
    blocks = [Block("Résultat du vote"), Block("Votants | Pour | Contre | Abstentions"), Block("29 | 27 | 0 | 2"),
              Block("Lot | Entreprise | Montant HT"), Block("Lot 2 – Chauffage | Thermique Aulnay SARL | 412 350,00 €"),
              Block("Lot 3 – Menuiseries | Alu Concept | 298 000,00 €"), Block("Fait à Valmoreau.")]
    text = " ".join(c.text for c in chunk_pages([Page(1, "1", blocks)], target=120, min_words=1))
    assert "Votants : 29 ; Pour : 27 ; Contre : 0 ; Abstentions : 2." in text
    assert "Lot : Lot 2 – Chauffage ; Entreprise : Thermique Aulnay SARL ; Montant HT : 412 350,00 €." in text
    assert "Lot : Lot 3 – Menuiseries ; Entreprise : Alu Concept" in text
    assert "Votants | Pour" not in text  # the header now sits in each row


def test_a_footer_line_ending_with_the_page_number_is_dropped():
    pages = [page(i, *[f"Ligne {n} du texte de la page {i} sur la dénomination des voies." for n in range(8)],
                  f"Dénomination des voies du lotissement page {i} / 3") for i in (1, 2, 3)]
    chunks = list(chunk_pages(pages[2:], target=80, min_words=1))  # even on a single page
    assert chunks and all("page 3 / 3" not in c.text for c in chunks)


@pytest.mark.parametrize("line, level, rank", [
    ("Première partie — Dispositions générales", 0, 1),
    ("Titre IV — Autorisations spéciales d'absence", 0, 2),
    ("Annexe 1 — Tableau des autorisations", 0, 2),
    ("Chapitre 2 — Les congés", 0, 3),
    ("Lot n° 2 — Chauffage, ventilation", 0, 3),
    ("Section 1 — Principes", 0, 4),
    ("Article 21 — Autorisations pour événements familiaux", 0, 5),
    ("12.2 Isolation thermique par l'extérieur", 0, 6),
    ("12.2.1 Isolant", 0, 7),
    ("RÈGLEMENT DE LA CONSULTATION", 0, 8),
    ("DÉCIDE :", 0, 9),
    ("Questions fréquentes", 2, 2),  # a DOCX/ODT/Markdown heading keeps its own level
])
def test_heading_rank_follows_the_legal_outline(line, level, rank):
    assert heading_rank(line, level) == rank


def test_passages_carry_the_outline_above_their_section():
    texts = ["Tout agent a droit à un congé annuel égal à cinq fois ses obligations hebdomadaires de service.",
             "Des autorisations peuvent être accordées sur présentation d'un justificatif à l'autorité territoriale.",
             "Le barème figure au tableau ci-dessous, qui constitue l'annexe du présent règlement intérieur.",
             "Cinq jours ouvrables sont accordés, à prendre dans la quinzaine qui entoure l'événement.",
             "Les examens médicaux obligatoires liés à la grossesse ouvrent droit à une autorisation d'absence.",
             "Le télétravail est ouvert aux agents après six mois d'ancienneté sur leur poste de travail."]

    def body(n: int) -> str:  # distinct texts: a line repeated at the edge of pages is taken for a footer
        return texts[n - 1]

    pages = [
        page(1, "Titre III — Congés annuels", "Article 14 — Droits à congés", body(1)),
        page(2, "Titre IV — Autorisations spéciales d'absence", "Article 20 — Principe", body(2),
             "Article 21 — Événements familiaux", body(3), "21.1 Mariage ou pacs", body(4)),
        page(3, "Article 22 — Santé", body(5), "Titre V — Télétravail", "Article 24 — Cadre général", body(6)),
    ]
    got = [(c.section, c.context) for c in chunk_pages(pages, target=20, min_words=3)]
    assert got == [
        ("Article 14 — Droits à congés", "Titre III — Congés annuels"),
        ("Article 20 — Principe", "Titre IV — Autorisations spéciales d'absence"),
        ("Article 21 — Événements familiaux", "Titre IV — Autorisations spéciales d'absence"),
        ("21.1 Mariage ou pacs", "Titre IV — Autorisations spéciales d'absence Article 21 — Événements familiaux"),
        ("Article 22 — Santé", "Titre IV — Autorisations spéciales d'absence"),  # a new page, the same title
        ("Article 24 — Cadre général", "Titre V — Télétravail"),
    ]


def test_office_heading_levels_make_the_outline():
    body = "Le formulaire est à déposer au service des ressources humaines au moins deux mois avant la date."
    blocks = [Block("Congés", 1), Block("Congé parental", 2), Block(body), Block("Formation", 1), Block(body)]
    got = [(c.section, c.context) for c in chunk_pages([Page(1, "1", blocks)], target=20, min_words=3)]
    assert got == [("Congé parental", "Congés"), ("Formation", "")]
