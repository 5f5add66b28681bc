"""Feedback on answers, stored locally for the indicators."""

import sqlite3

import pytest

from indexer.answering import Answer, Citation
from indexer.feedback import FILE_NAME, FeedbackStore


def answer(status="answered") -> Answer:
    c = Citation(1, "d", "/docs/DEL.pdf", 2, "2", "Le repas coûte 4,90 euros.", (0, 26), "Délibération",
                 "deliberation", "2024-06-18", "d:0")
    return Answer("Combien ?", "4,90 euros [1].", status, [c] if status == "answered" else [], [c],
                  model="embarqué : qwen")


def test_record_replace_and_summary(passeur_home):
    store = FeedbackStore.in_dir(passeur_home)
    first = store.record("1:1", answer(), True, "  Très clair  ", user="marie", profile="agent")
    assert first.useful and first.comment == "Très clair"
    assert first.sources == [{"n": 1, "path": "/docs/DEL.pdf", "page": 2, "title": "Délibération"}]
    assert first.model == "embarqué : qwen" and first.status == "answered"
    store.record("1:1", answer(), False, "", user="marie", profile="agent")  # changed her mind
    store.record("1:2", answer("not_found"), False, "Rien trouvé", user="paul", profile="rh")
    assert [(f.exchange_key, f.useful) for f in store.all()] == [("1:1", False), ("1:2", False)]
    assert store.summary() == {"total": 2, "useful": 0, "not_useful": 2, "with_comment": 1}
    assert store.get("9:9") is None
    store.close()
    conn = sqlite3.connect(passeur_home / FILE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO feedback(exchange_key, created_at, user, profile, useful, question, answer, "
                     "status, sources) VALUES ('x', '', '', '', 2, '', '', '', '[]')")
    conn.close()


def test_comments_are_bounded(passeur_home):
    store = FeedbackStore.in_dir(passeur_home)
    assert len(store.record("k", answer(), True, "x" * 5000, user="u", profile="agent").comment) == 2000
