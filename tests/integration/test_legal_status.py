"""Acts that amend or repeal acts, through real PDFs, the real catalogue and the real searcher."""

import pytest

from indexer import legal
from indexer.answering import AnswerService
from indexer.cli import main
from indexer.search import Filters, Searcher
from indexer.settings import Settings
from indexer.store import Store
from indexer.sync import Syncer

OLD = ["COMMUNE DE VALMOREAU\nExtrait du registre des délibérations du conseil municipal\n"
       "Séance du mardi 18 juin 2024 — Délibération n° 2024-037\n"
       "Objet : tarifs de la restauration scolaire\n"
       "Conseillers en exercice\nPrésents\nReprésentés\nVotants\n29\n26\n3\n29\n"
       "Après en avoir délibéré, le conseil municipal DÉCIDE :",
       "Article 2 — Tarif non résident\nLe prix du repas des enfants non domiciliés dans la commune est fixé "
       "à 4,90 euros.\nRésultat du vote\nVotants\nPour\nContre\nAbstentions\n29\n27\n0\n2\nFait à Valmoreau."]
NEW = ["COMMUNE DE VALMOREAU\nExtrait du registre des délibérations du conseil municipal\n"
       "Séance du mardi 24 juin 2025 — Délibération n° 2025-041\n"
       "Objet : tarifs de la restauration scolaire à compter du 1er septembre 2025\n"
       "Après en avoir délibéré, le conseil municipal DÉCIDE :",
       "Article 2 — Tarif non résident\nLe prix du repas des enfants non domiciliés dans la commune est fixé "
       "à 5,10 euros.\nArticle 7 — Abrogation\nLa présente délibération abroge et remplace la délibération "
       "n° 2024-037 du 18 juin 2024."]
SIGN_OLD = ["COMMUNE DE VALMOREAU\nArrêté n° AR-2024-010 portant délégation de signature\n"
            "Article 1er — Délégation\nDélégation de signature est donnée au directeur des services techniques "
            "pour les bons de commande inférieurs à 4 000 euros hors taxes.\nFait à Valmoreau, le 4 mars 2024."]
SIGN_NEW_RH = ["COMMUNE DE VALMOREAU\nArrêté n° AR-2025-200 portant délégation de signature\n"
               "Article 1er\nLe présent arrêté abroge l'arrêté n° AR-2024-010 du 4 mars 2024.\n"
               "Fait à Valmoreau, le 2 avril 2025."]
QUESTION = "Quel est le prix du repas à la cantine pour un enfant non domicilié dans la commune ?"


def _index(store, folder, space="general"):
    sid = store.catalog.add_source(str(folder), space)
    Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))


@pytest.fixture
def store(make):
    make.pdf("general/DEL-2024-037.pdf", OLD)
    make.pdf("general/DEL-2025-041.pdf", NEW)
    make.pdf("general/AR-2024-010.pdf", SIGN_OLD)
    make.pdf("rh/AR-2025-200.pdf", SIGN_NEW_RH)
    s = Store(Settings.load())
    _index(s, make.root / "rh", "rh")
    _index(s, make.root / "general")
    return s


def _doc(store, name):
    return store.catalog.conn.execute("SELECT id FROM documents WHERE path LIKE ?", (f"%{name}",)).fetchone()[0]


def test_structure_is_stored_with_the_vote_read_from_a_table(store):
    info = legal.info_of(store.catalog.conn, [_doc(store, "DEL-2024-037.pdf")])[_doc(store, "DEL-2024-037.pdf")]
    assert (info.number, info.date) == ("2024-037", "2024-06-18")
    assert info.members == {"in_office": 29, "present": 26, "represented": 3, "voting": 29}
    assert info.vote == {"voting": 29, "for": 27, "against": 0, "abstentions": 2}
    row = store.catalog.document(_doc(store, "DEL-2024-037.pdf"))
    assert row["doc_date"] == "2024-06-18"  # the session date, used by date filters


def test_repealed_act_is_known_whatever_the_order_of_indexing(store):
    old, new = _doc(store, "DEL-2024-037.pdf"), _doc(store, "DEL-2025-041.pdf")
    st = legal.statuses(store.catalog.conn, [old, new])
    assert set(st) == {old} and not st[old].in_force
    assert st[old].repealed_by[0].by_number == "2025-041"
    assert "a été abrogée ou remplacée par la délibération n° 2025-041 du 24 juin 2025" in st[old].warning(
        "Délibération n° 2024-037 du 18 juin 2024")


def test_in_force_filter_applies_inside_both_queries(store):
    searcher = Searcher(store)
    old = _doc(store, "DEL-2024-037.pdf")
    for mode in ("lexical", "dense", "hybrid"):
        every = searcher.search(QUESTION, k=10, filters=Filters(), mode=mode)
        in_force = searcher.search(QUESTION, k=10, filters=Filters(in_force=True), mode=mode)
        assert any(h.doc_id == old for h in every), mode
        assert in_force and all(h.doc_id != old for h in in_force), mode


def test_present_tense_question_puts_the_act_in_force_first_and_labels_citations(store):
    hits = Searcher(store).search(QUESTION, k=5)
    assert hits[0].path.endswith("DEL-2025-041.pdf")
    assert hits[0].label.startswith("Délibération n° 2025-041 du 24 juin 2025")
    old = next(h for h in hits if h.path.endswith("DEL-2024-037.pdf"))
    assert old.repealed and "plus en vigueur" in old.legal_warning
    named = Searcher(store).search("délibération 2024-037 prix du repas des enfants non domiciliés", k=5)
    assert named[0].path.endswith("DEL-2024-037.pdf")  # asked by its number: no demotion


def test_an_answer_citing_a_repealed_act_says_so(store, scripted):
    def reply(messages):
        prompt = messages[-1].content
        n = next(line[1] for line in prompt.splitlines() if line.startswith("[") and "2024-037" in line)
        assert "ABROGÉ" in next(line for line in prompt.splitlines() if "2024-037" in line and line.startswith("["))
        return f"Le repas coûte 4,90 euros [{n}]."

    answer = AnswerService(store.settings, store=store, llm=scripted(reply)).ask(
        "Quel était en 2024 le prix du repas pour un enfant non domicilié dans la commune ?")
    assert answer.status == "answered"
    codes = {w["code"]: w for w in answer.warnings}
    assert "repealed" in codes and "2025-041" in codes["repealed"]["message"]
    assert answer.citations[0].repealed and answer.citations[0].label.startswith("Délibération n° 2024-037")


def test_a_restricted_act_does_not_reveal_itself_through_the_status_of_another(store):
    doc = _doc(store, "AR-2024-010.pdf")
    assert legal.statuses(store.catalog.conn, [doc], ["general"]) == {}
    assert not legal.statuses(store.catalog.conn, [doc], ["general", "rh"])[doc].in_force
    agent = AnswerService(store.settings, store=store, llm_backend="none")
    hits = agent.searcher.search("délégation de signature bons de commande", filters=agent._filters(None, "agent"))
    mine = [h for h in hits if h.doc_id == doc]
    assert mine and all(not h.legal_warning for h in mine)
    assert all("AR-2025-200" not in h.text + h.legal_warning for h in hits)


def test_upgraded_catalogue_gets_its_acts_back(store):
    with store.catalog.tx() as c:
        c.execute("DELETE FROM act_links")
        c.execute("DELETE FROM acts")
    again = Store(store.settings)
    old = _doc(again, "DEL-2024-037.pdf")
    assert not legal.statuses(again.catalog.conn, [old])[old].in_force


def test_cli_in_force_and_procurement_filters(store, make, capsys):
    assert main(["search", "prix du repas des enfants non domiciliés", "--in-force"]) == 0
    out = capsys.readouterr().out
    assert "DEL-2025-041" in out and "DEL-2024-037" not in out
    assert main(["search", "prix du repas des enfants non domiciliés"]) == 0
    assert "⚠ Attention : la délibération n° 2024-037" in capsys.readouterr().out
    assert main(["search", "prix du repas", "--procurement", "2025-AOO-03"]) == 0
    assert "Aucun passage" in capsys.readouterr().out
