"""Hybrid search through the real stores and the real embedding model."""

import json
from datetime import date

import pytest

from indexer.cli import main
from indexer.search import Filters, Searcher
from indexer.settings import Settings
from indexer.store import Store
from indexer.sync import Syncer


def _index_folder(make) -> Store:
    """The files written with ``make`` indexed as one source, through the real pipeline."""
    store = Store(Settings.load())
    sid = store.catalog.add_source(str(make.root), "general")
    Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
    return store


def test_figure_on_page_2_of_minutes_is_found_with_file_and_page(indexed, capsys):
    assert main(["search", "prix du repas pour un enfant non domicilié", "--json", "-k", "3"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    top = results[0]
    assert set(top) >= {"doc_id", "path", "page", "score", "text"}
    assert top["path"].endswith("DEL-2024-037.pdf") and top["page"] == 2 and "4,90" in top["text"]


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_each_mode_finds_the_columbarium(indexed, mode):
    hits = Searcher(indexed).search("tarif d'une case au columbarium", k=3, mode=mode)
    assert hits and "columbarium" in hits[0].text.lower()


def test_paraphrase_without_shared_words_is_found_by_dense(indexed):
    hits = Searcher(indexed).search("quand la mairie est-elle close en été ?", k=2, mode="dense")
    assert any("fermée le 15 août" in h.text for h in hits)


def test_filters_apply_inside_both_retrievers(indexed):
    s = Searcher(indexed)
    assert s.search("congés annuels", filters=Filters(spaces=["rh"])) == []
    assert s.lexical("congés annuels", 10, Filters(spaces=["rh"])) == []
    assert s.dense("congés annuels", 10, Filters(spaces=["rh"])) == []
    only_del = s.search("repas", k=10, filters=Filters(types=["deliberation"]))
    assert only_del and {h.doc_type for h in only_del} == {"deliberation"}
    dated = s.search("repas", k=10, filters=Filters(since=date(2024, 6, 1), until=date(2024, 6, 30)))
    assert dated and all("2024-06" in h.doc_date for h in dated)


def test_results_are_diverse_across_documents(indexed, passeur_home):
    (passeur_home / "passeur.toml").write_text("[search]\nmax_per_document = 1\n", encoding="utf-8")
    hits = Searcher(Store(Settings.load())).search("euros", k=10)
    assert len({h.doc_id for h in hits}) == len(hits) >= 2


@pytest.mark.parametrize("per_page", [0, 1])
def test_one_passage_per_page_by_default(make, passeur_home, per_page):
    long_page = " ".join(f"Article {i} : le tarif du repas de la catégorie {i} est fixé par la présente "
                         f"délibération au montant de l'annexe, révisé chaque année en septembre."
                         for i in range(1, 40))
    make.pdf("DEL-2025-001.pdf", [long_page, "Annexe : le tarif du repas est de 3,45 euros."], title="Tarifs")
    make.text("note.txt", "Note\n\nLe tarif du repas scolaire est affiché à l'accueil.")
    if per_page == 0:
        (passeur_home / "passeur.toml").write_text("[search]\nmax_per_page = 0\n", encoding="utf-8")
    store = _index_folder(make)
    assert len(store.catalog.chunk_rows([c for c, in store.catalog.conn.execute("SELECT id FROM chunks")])) >= 3
    hits = Searcher(store).search("tarif du repas", k=10)
    pages = [(h.doc_id, h.page) for h in hits]
    if per_page:
        pdf = next(h.doc_id for h in hits if h.path.endswith(".pdf"))
        assert len(pages) == len(set(pages)) and (pdf, 2) in pages  # the annex page is not crowded out
    else:
        assert len(pages) > len(set(pages))  # page 1 is split into several passages


def test_sections_are_not_capped_like_pages(make):
    """A DOCX without headings is one long section: the page cap must not reduce it to one passage."""
    paragraphs = [f"Article {i} : le tarif du repas de la catégorie {i} est fixé par la présente délibération "
                  f"au montant de l'annexe, révisé chaque année en septembre, sauf décision contraire."
                  for i in range(40)]
    make.docx("reglement.docx", [("Règlement", paragraphs)], title="Règlement")
    store = _index_folder(make)
    hits = Searcher(store).search("tarif du repas", k=10)
    assert len(hits) >= 2 and len({(h.doc_id, h.page) for h in hits}) == 1 and hits[0].unit == "section"


def test_reader_process_sees_vectors_added_by_another_writer(indexed, make):
    reader = Store(Settings.load())
    searcher = Searcher(reader)
    assert not any("piscine" in h.text for h in searcher.search("horaires de la piscine", k=5, mode="dense"))
    make.text("piscine.txt", "Piscine municipale\n\nLa piscine est ouverte de 9 h à 19 h tous les jours.")
    writer = Store(Settings.load())
    Syncer(writer).sync_all()
    hits = searcher.search("horaires de la piscine", k=3, mode="dense")
    assert any("piscine est ouverte" in h.text for h in hits)


def test_no_result_message_in_french(capsys):
    assert main(["search", "tarifs de la cantine"]) == 0  # nothing indexed yet
    assert "Aucun passage trouvé" in capsys.readouterr().out


@pytest.mark.parametrize("spaces", [None, ["general"], ["rh"], []])
@pytest.mark.parametrize("query", ["tarif du repas", "concession cimetière columbarium",
                                   "conseil municipal délibération"])
def test_lexical_fast_path_gives_exactly_the_full_ranking(indexed, query, spaces, monkeypatch):
    """Ranking FTS5 alone first, then filtering, must return what ranking the filtered rows would."""
    from indexer import textnorm

    searcher = Searcher(indexed)
    filters = Filters(spaces=spaces)
    for n in (1, 3, 50):
        got = searcher.lexical(query, n, filters)
        where, params = filters.sql("c")
        w = ", ".join(str(float(x)) for x in indexed.settings.search.bm25_weights)
        full = indexed.catalog.conn.execute(
            f"SELECT c.id, bm25(chunks_fts, {w}) AS s FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
            f"JOIN documents d ON d.id = c.doc_id WHERE chunks_fts MATCH ? AND d.status = 'indexed'{where} "
            "ORDER BY s LIMIT ?", [textnorm.fts_query(query), *params, n]).fetchall()
        assert [c for c, _ in got] == [r[0] for r in full]
        if spaces == ["rh"] or spaces == []:
            assert got == []  # nothing of the sample folder is in those spaces


def test_a_passage_is_found_by_the_headings_above_it(make):
    """The second passage of an article does not repeat its title's words: the outline stored with it
    (« Titre IV — Autorisations spéciales d'absence ») is searched with its section (real PDF, FTS5)."""
    table = " ".join(f"Événement {i} : {n} jours ouvrables, à prendre dans la quinzaine qui entoure la date."
                     for i, n in enumerate([5, 3, 1, 3, 2, 4, 1, 2, 3, 5, 1, 2], start=1))
    page = ("Titre IV — Autorisations spéciales d'absence\nArticle 21 — Événements familiaux\n"
            "Les durées sont fixées par le barème ci-dessous, qui constitue l'annexe 1 du présent règlement.\n"
            f"{table}")
    make.pdf("REG-personnel.pdf", [page], title="Règlement intérieur")
    make.pdf("copie/REG-personnel.pdf", [page], title="Règlement intérieur")  # a copy: indexed from its twin
    store = _index_folder(make)
    rows = store.catalog.conn.execute("SELECT id, doc_id, context, text FROM chunks ORDER BY doc_id, ord").fetchall()
    deep = [r for r in rows if "spéciales" not in r["text"]]
    assert len({r["doc_id"] for r in deep}) == 2  # both files, the copy included, have a passage without the words
    assert all(r["context"] == "Titre IV — Autorisations spéciales d'absence" for r in deep)
    found = {cid for cid, _ in Searcher(store).lexical("autorisations spéciales", 20, Filters())}
    assert found == {r["id"] for r in rows}  # every passage under the title, not only the first


_PREVOYANCE = {
    "note.txt": "Prévoyance des agents\n\nLa commune verse une participation à la prévoyance des agents : la "
                "prévoyance couvre la perte de salaire, et la commune verse cette participation aux agents qui "
                "adhèrent au contrat de prévoyance labellisé.",
    "deliberation.txt": "Délibération sur la prévoyance\n\nLe montant de la participation employeur est fixé à 25 € "
                        "brut par mois et par agent à compter du 1er juillet 2026."}
_LOTS = {
    "lot2.txt": "Analyse du lot 2\n\nÉcart de prix entre l'entreprise retenue et l'entreprise classée deuxième pour "
                "le lot 2 : l'écart de prix entre l'offre retenue et l'offre classée deuxième est de 12 400 € HT.",
    "lot1.txt": "Analyse du lot 1\n\nL'entreprise retenue propose 1 248 600 € HT, la suivante 1 312 750 € HT."}


@pytest.mark.parametrize("setting, value, files, question, first", [
    # « Combien la commune verse-t-elle ? » is answered by the passage with « 25 € », not by the one that repeats
    # the question's words.
    ("asked_kind_bonus", 0.0, _PREVOYANCE, "Combien la commune verse-t-elle aux agents pour la prévoyance ?",
     "note.txt"),
    ("asked_kind_bonus", 1.0, _PREVOYANCE, "Combien la commune verse-t-elle aux agents pour la prévoyance ?",
     "deliberation.txt"),
    # « Pour le lot 1 »: the analysis of lot 2, which repeats the question's words, goes below the one of lot 1.
    ("other_part_penalty", 0.0, _LOTS, "Pour le lot 1, quel écart de prix entre l'entreprise retenue et la deuxième ?",
     "lot2.txt"),
    ("other_part_penalty", 1.0, _LOTS, "Pour le lot 1, quel écart de prix entre l'entreprise retenue et la deuxième ?",
     "lot1.txt"),
])
def test_ranking_settings_put_the_answering_passage_first(make, passeur_home, setting, value, files, question,
                                                          first):
    """Each reranking step, on and off, through real FTS5 and embeddings: off, the wordy passage comes first."""
    for name, text in files.items():
        make.text(name, text)
    (passeur_home / "passeur.toml").write_text(f"[search]\n{setting} = {value}\n", encoding="utf-8")
    hits = Searcher(_index_folder(make)).search(question, k=2)
    assert [h.path.rsplit("/", 1)[-1] for h in hits][0] == first


@pytest.mark.parametrize("acronym, first", [("NBI", "arrete-nbi.txt"), ("XQZ", "accueil.txt")])
def test_an_acronym_finds_the_document_that_spells_it_out(make, acronym, first):
    """« NBI » in a question finds the decision that only writes « nouvelle bonification indiciaire » (real FTS5);
    an acronym the lexicon does not know leaves the passage that repeats the other words first."""
    make.text("arrete-nbi.txt", "Arrêté individuel\n\nUne nouvelle bonification indiciaire de 15 points majorés "
              "est attribuée à l'agent chargé de l'accueil.")
    make.text("accueil.txt", "Accueil du public\n\nL'agent d'accueil tient les points d'accueil de la mairie.")
    store = _index_folder(make)
    found = Searcher(store).lexical(f"Combien de points de {acronym} pour l'agent d'accueil ?", 5, Filters())
    rows = store.catalog.chunk_rows([cid for cid, _ in found])
    assert rows[found[0][0]]["path"].rsplit("/", 1)[-1] == first


def test_a_passage_announcing_a_table_of_amounts_counts_as_holding_them(make):
    """« Il comprend un élément fixe … : » is shown with the table that follows it (the answer's figures): for a
    question asking an amount it is favoured like a passage that holds one (real PDF, FTS5 and embeddings)."""
    intro = ("Le supplément familial de traitement est versé aux agents qui ont au moins un enfant à charge au sens "
             "des prestations familiales, jusqu'à vingt ans. " * 5
             + "Il comprend un élément fixe et, à partir de deux enfants, un élément proportionnel au traitement :")
    table = ("Un enfant : élément fixe mensuel de 2,29 euros, aucun élément proportionnel. Deux enfants : 10,67 euros "
             "et 3 % du traitement brut. Trois enfants : 15,24 euros et 8 % du traitement brut.")
    make.pdf("livret.pdf", [f"{intro}\n{table}"])
    make.text("cantine.txt", "Tarif social de la cantine\n\nUn tarif social de 1,00 € par repas est applicable aux "
              "enfants dont la famille réside dans la commune ; la famille d'un enfant paie 3,60 € sinon.")
    store = _index_folder(make)
    hits = Searcher(store).search("J'ai un enfant, combien je vais toucher de supplément familial ?", k=2)
    assert hits[0].text.rstrip().endswith(":") and "supplément familial" in hits[0].text
