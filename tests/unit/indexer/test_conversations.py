"""Conversations stored locally: per user and profile, exchanges with their sources, numbered migrations."""

import sqlite3

from indexer.answering import Answer, Citation
from indexer.conversations import (
    FILE_NAME, MIGRATIONS, ConversationStore, answer_from_dict, answer_to_dict, default_user,
)


def make_answer(question="Combien coûte le repas ?", status="answered") -> Answer:
    c1 = Citation(1, "d1", "/docs/DEL.pdf", 2, "ii", "Le repas coûte 4,90 euros.", (0, 26), "Délibération",
                  "deliberation", "2024-06-18", "d1:3", "page")
    c2 = Citation(2, "d2", "/docs/faq.docx", 3, "Congés", "25 jours de congés.", (0, 19), "FAQ", "rh-faq", "",
                  "d2:0", "section")
    return Answer(question=question, text="Il coûte 4,90 euros [1].", status=status,
                  citations=[c1] if status == "answered" else [], passages=[c1, c2],
                  warnings=[{"code": "uncited_sentence", "message": "Phrase sans source : à vérifier."}],
                  model="scripted", timings={"total_ms": 12.5}, standalone_question=question, profile="agent")


def test_answer_round_trip_keeps_units_spans_and_citations():
    a = make_answer()
    back = answer_from_dict(answer_to_dict(a))
    assert back == a
    assert back.passages[1].unit == "section" and back.passages[0].span == (0, 26)
    assert back.citations[0] is back.passages[0]


def test_set_aside_answer_keeps_its_draft_through_a_round_trip():
    a = make_answer(status="not_found")
    a.draft = "Il coûte 5,20 euros [1]."
    back = answer_from_dict(answer_to_dict(a))
    assert back == a and back.draft == "Il coûte 5,20 euros [1]." and back.citations == []
    assert answer_from_dict({k: v for k, v in answer_to_dict(a).items() if k != "draft"}).draft == ""  # older rows


def test_create_list_rename_delete(passeur_home):
    store = ConversationStore.in_dir(passeur_home)
    assert (passeur_home / FILE_NAME).exists()
    a = store.create("marie", "agent")
    b = store.create("marie", "rh", "Dossier RH")
    store.create("paul", "agent")
    assert a.title == "" and b.title == "Dossier RH"
    assert [c.id for c in store.list("marie", "agent")] == [a.id]  # per user and per profile
    store.add_exchange(a.id, make_answer())
    conv = store.get(a.id)
    assert conv.title == "Combien coûte le repas ?" and conv.exchanges == 1  # titled by its first question
    store.rename(a.id, "  Cantine   scolaire ")
    assert store.get(a.id).title == "Cantine scolaire"
    store.delete(a.id)
    assert store.get(a.id) is None and store.list("marie", "agent") == []
    assert store.conn.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0] == 0  # cascade
    store.close()


def test_exchanges_and_history_survive_a_reopen(passeur_home):
    store = ConversationStore.in_dir(passeur_home)
    conv = store.create(default_user(), "agent")
    for i in range(6):
        store.add_exchange(conv.id, make_answer(f"Question {i} ?", "answered" if i % 2 else "not_found"))
    store.close()

    store = ConversationStore.in_dir(passeur_home)
    exchanges = store.exchanges(conv.id)
    assert [e.question for e in exchanges] == [f"Question {i} ?" for i in range(6)]
    assert exchanges[1].answer.citations[0].path == "/docs/DEL.pdf"
    assert exchanges[0].answer.status == "not_found" and exchanges[0].answer.citations == []
    assert store.history(conv.id) == [(f"Question {i} ?", "Il coûte 4,90 euros [1].") for i in range(2, 6)]
    assert [c.id for c in store.list(default_user(), "agent")] == [conv.id]
    store.close()


def test_migrations_are_numbered_and_applied_once(passeur_home):
    store = ConversationStore.in_dir(passeur_home)
    assert store.version == len(MIGRATIONS) == 1
    store.close()
    conn = sqlite3.connect(passeur_home / FILE_NAME)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()
    assert ConversationStore.in_dir(passeur_home).version == 1


def test_long_titles_are_shortened(passeur_home):
    store = ConversationStore.in_dir(passeur_home)
    conv = store.create("u", "agent", "mot " * 100)
    assert len(store.get(conv.id).title) <= 120 and store.get(conv.id).title.endswith("…")


def test_retention_deletes_inactive_conversations_with_their_exchanges(passeur_home):
    from datetime import datetime, timedelta, timezone

    store = ConversationStore.in_dir(passeur_home)
    old = store.create("marie", "agent")
    store.add_exchange(old.id, make_answer())
    fresh = store.create("marie", "agent")
    later = datetime.now(timezone.utc) + timedelta(days=91)
    assert store.purge(90, now=datetime.now(timezone.utc)) == 0
    store.conn.execute("UPDATE conversations SET updated_at = ? WHERE id = ?",
                       ((later - timedelta(days=10)).isoformat(timespec="seconds"), fresh.id))
    assert store.purge(90, now=later) == 1
    assert store.get(old.id) is None and store.get(fresh.id) is not None
    assert store.conn.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0] == 0
