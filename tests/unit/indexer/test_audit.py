"""The audit trail: append-only, hash-chained, minimised, purged on a fake clock."""

import argparse
import json
import os
import sqlite3
import stat
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from indexer import audit as audit_mod
from indexer import audit_cli, errors, rights
from indexer.answering import Answer, Citation
from indexer.audit import GENESIS, AuditLog
from indexer.settings import Settings

T0 = datetime(2026, 1, 10, 9, 30, tzinfo=timezone.utc)


class FakeClock:
    def __init__(self, start=T0):
        self.now = start

    def __call__(self):
        return self.now

    def advance(self, **kw):
        self.now += timedelta(**kw)


def citation(n, path="/corpus/rh/note.pdf", page=2, doc="doc-1"):
    return Citation(n=n, doc_id=doc, path=path, page=page, page_label=str(page), passage="texte du passage",
                    span=(0, 5), title="Note", doc_type="note", doc_date="2026-01-01", chunk_id=f"{doc}:{n}")


def answer(question="Quel est le tarif de la cantine ?", status="answered", model="qwen-test", profile="agent"):
    passages = [citation(1), citation(2, path="/corpus/del/DEL-2024-037.pdf", page=1, doc="doc-2")]
    return Answer(question=question, text="Réponse [1].", status=status, citations=passages[:1],
                  passages=passages, model=model, profile=profile,
                  warnings=[{"code": "unsupported_figure", "message": "x"}])


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def log(clock):
    a = AuditLog(Settings.load(), clock=clock, auto_purge=False)
    yield a
    a.close()


def settings_with(home, **audit):
    return SimpleNamespace(home=home, audit=SimpleNamespace(**audit))


def foreign(log):
    """A connection from another program: no passeur_audit_purging() function."""
    conn = sqlite3.connect(str(log.path), isolation_level=None)
    conn.row_factory = sqlite3.Row
    return conn


def fill(log, clock, n, days=1, **kw):
    ids = []
    for i in range(n):
        ids.append(log.record(answer(question=f"Question {i} ?"), user=kw.get("user", "alice"),
                              profile=kw.get("profile")))
        clock.advance(days=days)
    return ids


# -- recording -----------------------------------------------------------------------------------------
def test_entry_records_who_what_when_and_chains(log, clock, passeur_home):
    first = log.record(answer(), user="alice", profile="rh")
    clock.advance(minutes=5)
    second = log.record(answer(status="not_found", model=None))
    assert (first, second) == (1, 2)
    e1, e2 = log.entries()
    assert e1["time"] == "2026-01-10T09:30:00Z" and e2["time"] == "2026-01-10T09:35:00Z"
    assert e1["user"] == "alice" and e1["profile"] == "rh" and e2["profile"] == "agent"
    assert e2["user"] == rights.current_user()
    assert e1["status"] == "answered" and e1["model"] == "qwen-test" and e2["model"] is None
    assert e1["passages"] == [
        {"n": 1, "doc_id": "doc-1", "path": "/corpus/rh/note.pdf", "page": 2, "page_label": "2",
         "chunk_id": "doc-1:1", "cited": True},
        {"n": 2, "doc_id": "doc-2", "path": "/corpus/del/DEL-2024-037.pdf", "page": 1, "page_label": "1",
         "chunk_id": "doc-2:2", "cited": False}]
    assert e1["details"]["warnings"] == ["unsupported_figure"]
    assert e1["prev_hash"] == GENESIS and e2["prev_hash"] == e1["hash"]
    assert log.verify() == (True, None)
    assert log.head() == (2, e2["hash"])
    assert (passeur_home / "audit.sqlite3").exists()
    assert log.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert log.version == len(audit_mod.MIGRATIONS)


def test_file_is_private_and_survives_reopening(log, clock, passeur_home):
    fill(log, clock, 3)
    log.close()
    if os.name == "posix":
        assert stat.S_IMODE((passeur_home / "audit.sqlite3").stat().st_mode) == 0o600
    again = AuditLog(Settings.load(), clock=clock, auto_purge=False)
    assert again.count() == 3 and again.verify() == (True, None)
    assert again.record(answer(), user="bob") == 4 and again.verify() == (True, None)
    again.close()


def test_two_writers_on_one_file_keep_one_chain(log, clock):
    other = AuditLog(Settings.load(), clock=clock, auto_purge=False)
    for i in range(6):
        (log if i % 2 else other).record(answer(question=f"q{i}"), user=f"u{i}")
    assert log.count() == 6 and log.verify() == (True, None) and other.verify() == (True, None)
    other.close()


# -- question policy -----------------------------------------------------------------------------------------
def test_hashed_policy_is_the_default_and_keeps_no_text(log, passeur_home):
    q = "Où en est le reclassement de M. Benhaddou ?"
    log.record(answer(question=q), user="alice")
    stored = log.entries()[0]["question"]
    assert stored.startswith("sha256:") and "Benhaddou" not in stored
    assert stored == log.question_digest("  Où en est le reclassement   de M. Benhaddou ? ")
    assert stored != log.question_digest("Où en est le reclassement de M. Royer ?")
    salt = passeur_home / "audit.salt"
    assert salt.exists() and salt.read_text().strip() not in log.path.read_bytes().decode("latin-1")
    if os.name == "posix":
        assert stat.S_IMODE(salt.stat().st_mode) == 0o600
    raw = log.path.read_bytes() + (log.path.with_name(log.path.name + "-wal").read_bytes()
                                   if log.path.with_name(log.path.name + "-wal").exists() else b"")
    assert "Benhaddou".encode() not in raw


def test_salt_differs_between_installations(tmp_path):
    a = AuditLog(SimpleNamespace(home=tmp_path / "a"), auto_purge=False)
    b = AuditLog(SimpleNamespace(home=tmp_path / "b"), auto_purge=False)
    assert a.question_digest("même question") != b.question_digest("même question")
    a.close(), b.close()


def test_stored_policy_masks_personal_data(tmp_path):
    a = AuditLog(settings_with(tmp_path, question_policy="stored"), auto_purge=False)
    a.record(answer(question="Le NIR 1 78 04 71 254 318 14 et le 06 71 23 48 95 sont-ils à jour ?"), user="u")
    assert a.entries()[0]["question"] == "Le NIR [NIR masqué] et le [téléphone masqué] sont-ils à jour ?"
    assert a.entries()[0]["question_policy"] == "stored"
    a.close()


def test_omitted_policy_keeps_nothing(tmp_path):
    a = AuditLog(settings_with(tmp_path, question_policy="omitted"), auto_purge=False)
    a.record(answer(question="secret"), user="u")
    e = a.entries()[0]
    assert e["question"] is None and e["question_policy"] == "omitted" and a.verify() == (True, None)
    a.close()


@pytest.mark.parametrize("audit", [{"question_policy": "plain"}, {"retention_days": 0}])
def test_bad_audit_settings_get_a_french_message(tmp_path, audit):
    with pytest.raises(errors.PasseurError) as exc:
        AuditLog(settings_with(tmp_path, **audit))
    assert "[audit]" in exc.value.fr


# -- append-only ---------------------------------------------------------------------------------------------
def test_update_and_delete_are_refused(log, clock):
    fill(log, clock, 2)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        log.conn.execute("UPDATE entries SET user = 'mallory' WHERE id = 1")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        log.conn.execute("DELETE FROM entries WHERE id = 2")
    other = foreign(log)
    with pytest.raises(sqlite3.DatabaseError):
        other.execute("DELETE FROM entries")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        other.execute("UPDATE entries SET question = NULL")
    other.close()
    assert log.count() == 2 and log.verify() == (True, None)


def _without_triggers(log):
    other = foreign(log)
    other.execute("DROP TRIGGER entries_no_update")
    other.execute("DROP TRIGGER entries_no_delete")
    return other


def test_edited_entry_is_detected(log, clock):
    fill(log, clock, 5)
    other = _without_triggers(log)
    other.execute("UPDATE entries SET user = 'mallory' WHERE id = 3")
    other.close()
    assert log.verify() == (False, 3)


def test_rehashed_entry_breaks_the_next_link(log, clock):
    fill(log, clock, 5)
    other = _without_triggers(log)
    row = dict(other.execute("SELECT * FROM entries WHERE id = 2").fetchone())
    row["profile"] = "admin"
    other.execute("UPDATE entries SET profile = 'admin', hash = ? WHERE id = 2", (audit_mod.entry_hash(row),))
    other.close()
    assert log.verify() == (False, 3)


def test_deleted_entry_is_detected(log, clock):
    fill(log, clock, 5)
    other = _without_triggers(log)
    other.execute("DELETE FROM entries WHERE id = 2")
    other.close()
    assert log.verify() == (False, 3)


def test_deleted_first_entries_without_checkpoint_are_detected(log, clock):
    fill(log, clock, 5)
    other = _without_triggers(log)
    other.execute("DELETE FROM entries WHERE id <= 2")
    other.close()
    assert log.verify() == (False, 3)


def test_truncated_tail_is_detected(log, clock):
    fill(log, clock, 5)
    other = _without_triggers(log)
    other.execute("DELETE FROM entries WHERE id >= 4")
    other.close()
    assert log.verify() == (False, 4)


def test_everything_deleted_is_detected(log, clock):
    fill(log, clock, 3)
    other = _without_triggers(log)
    other.execute("DELETE FROM entries")
    other.close()
    assert log.verify() == (False, 3)


def test_entry_forged_behind_its_back_is_detected(log, clock):
    fill(log, clock, 3)
    last = log.entries()[-1]
    forged = {k: last[k] for k in audit_mod.HASHED_FIELDS}
    forged.update(id=4, user="mallory", prev_hash=last["hash"], passages="[]", details="{}")
    forged["hash"] = audit_mod.entry_hash(forged)
    other = foreign(log)
    cols = (*audit_mod.HASHED_FIELDS, "hash")
    other.execute(f"INSERT INTO entries({','.join(cols)}) VALUES ({','.join('?' for _ in cols)})",
                  [forged[c] for c in cols])
    other.close()
    assert log.verify() == (False, 4)


def test_empty_log_verifies():
    a = AuditLog(Settings.load(), auto_purge=False)
    assert a.verify() == (True, None) and a.head() == (0, GENESIS) and a.export(fmt="csv").count("\n") == 1
    a.close()


# -- retention -----------------------------------------------------------------------------------------------
def test_purge_applies_retention_and_keeps_the_chain_verifiable(log, clock):
    fill(log, clock, 10, days=15)  # entries on days 0, 15, ..., 135
    now = T0 + timedelta(days=140)
    assert log.purge(now) == 4  # days 0, 15, 30, 45 are older than 90 days at day 140 (cutoff: day 50)
    rows = log.entries()
    assert [r["id"] for r in rows] == [5, 6, 7, 8, 9, 10, 11]
    checkpoint = rows[-1]
    assert checkpoint["kind"] == "purge" and checkpoint["status"] == "purged"
    assert checkpoint["details"]["purged"] == 4 and checkpoint["details"]["up_to_id"] == 4
    assert checkpoint["details"]["last_hash"] == rows[0]["prev_hash"]
    assert all(datetime.fromisoformat(r["time"].replace("Z", "+00:00")) >= now - timedelta(days=90)
               for r in rows)
    assert log.verify() == (True, None)
    assert log.purge(now) == 0 and log.count() == 7  # nothing more to purge, no empty checkpoint
    clock.now = now + timedelta(days=1)
    log.record(answer(), user="alice")
    assert log.verify() == (True, None)


def test_repeated_purges_chain_through_checkpoints(log, clock):
    for step in range(4):
        fill(log, clock, 5, days=20)
        log.purge(clock.now)
        assert log.verify() == (True, None), step
    assert log.entries()[0]["time"] >= audit_mod.iso(clock.now - timedelta(days=90))


def test_purge_of_everything_leaves_a_verifiable_checkpoint(log, clock):
    fill(log, clock, 4)
    assert log.purge(clock.now + timedelta(days=365)) == 4
    (only,) = log.entries()
    assert only["kind"] == "purge" and only["id"] == 5 and only["details"]["up_to_id"] == 4
    assert log.verify() == (True, None)
    log.record(answer(), user="bob")
    assert log.verify() == (True, None)


def test_removing_a_purge_checkpoint_is_detected(log, clock):
    fill(log, clock, 6, days=30)
    log.purge(clock.now)
    other = _without_triggers(log)
    cp = other.execute("SELECT id FROM entries WHERE kind = 'purge'").fetchone()[0]
    other.execute("DELETE FROM entries WHERE id = ?", (cp,))
    other.close()
    assert log.verify()[0] is False


def test_retention_comes_from_the_settings(tmp_path, clock):
    a = AuditLog(settings_with(tmp_path, retention_days=7, auto_purge=False), clock=clock)
    assert a.retention_days == 7 and a.auto_purge is False
    fill(a, clock, 10, days=1)
    assert a.purge(clock.now) == 3 and a.verify() == (True, None)
    a.close()


def test_purge_runs_automatically_once_a_day(passeur_home, clock):
    a = AuditLog(Settings.load(), clock=clock)  # auto_purge on by default
    assert a.auto_purge and a.retention_days == 90
    fill(a, clock, 3, days=50)  # days 0, 50, 100: at day 100 the day-0 entry is out
    kinds = [(e["id"], e["kind"]) for e in a.entries()]
    assert kinds == [(2, "ask"), (3, "ask"), (4, "purge")]
    a.record(answer(), user="x")  # same day: no second purge
    assert a.count() == 4 and a.verify() == (True, None)
    a.close()


# -- export --------------------------------------------------------------------------------------------------
def test_export_filters_by_dates_and_user(log, clock):
    fill(log, clock, 3, days=1, user="alice")  # Jan 10, 11, 12
    fill(log, clock, 2, days=1, user="bob")  # Jan 13, 14
    data = json.loads(log.export(fmt="json"))
    assert [e["id"] for e in data["entries"]] == [1, 2, 3, 4, 5]
    assert data["head"] == {"id": 5, "hash": data["entries"][-1]["hash"]}
    some = json.loads(log.export(since=date(2026, 1, 11), until=date(2026, 1, 13), fmt="json"))["entries"]
    assert [e["id"] for e in some] == [2, 3, 4]
    bob = json.loads(log.export(user="bob", fmt="json"))["entries"]
    assert [e["user"] for e in bob] == ["bob", "bob"]
    assert json.loads(log.export(since="2026-01-14", fmt="json"))["entries"][0]["id"] == 5
    assert json.loads(log.export(until=datetime(2026, 1, 10, 9, 30, tzinfo=timezone.utc),
                                 fmt="json"))["entries"][0]["id"] == 1


def test_csv_export(log, clock):
    fill(log, clock, 2, user="alice")
    text = log.export(user="alice")
    lines = text.splitlines()
    assert lines[0].split(",")[:4] == ["id", "time", "kind", "user"]
    assert len(lines) == 3
    assert "/corpus/rh/note.pdf p. 2 (cité) ; /corpus/del/DEL-2024-037.pdf p. 1" in lines[1]
    assert "doc-1 doc-2" in lines[1]
    with pytest.raises(errors.PasseurError):
        log.export(fmt="xml")


# -- command line --------------------------------------------------------------------------------------------
def parse(argv):
    p = argparse.ArgumentParser(prog="passeur")
    sub = p.add_subparsers(dest="command", required=True)
    audit_cli.register(sub)
    return p.parse_args(argv)


def test_cli_verify_export_purge(log, clock, capsys, tmp_path):
    fill(log, clock, 4, days=40, user="alice")
    settings = Settings.load()
    assert audit_cli.run(settings, parse(["audit", "verify"]), audit=log) == 0
    out = capsys.readouterr().out
    assert "intègre : 4 entrée(s)" in out and log.head()[1] in out
    assert audit_cli.run(settings, parse(["audit", "export", "--format", "json", "--user", "alice",
                                          "--since", "2026-02-01"]), audit=log) == 0
    assert [e["id"] for e in json.loads(capsys.readouterr().out)["entries"]] == [2, 3, 4]
    target = tmp_path / "export.csv"
    assert audit_cli.run(settings, parse(["audit", "export", "-o", str(target)]), audit=log) == 0
    assert "4 entrée(s) exportée(s)" in capsys.readouterr().out and target.read_text().count("\n") == 5
    assert audit_cli.run(settings, parse(["audit", "purge"]), audit=log) == 0  # real clock: 2026-01 is old
    assert "supprimée(s)" in capsys.readouterr().out
    assert log.verify() == (True, None)
    other = _without_triggers(log)
    other.execute("UPDATE entries SET status = 'answered'")
    other.close()
    assert audit_cli.run(settings, parse(["audit", "verify"]), audit=log) == 1
    assert "ALTÉRÉ" in capsys.readouterr().err


def test_cli_opens_the_data_dir_log(passeur_home, capsys):
    settings = Settings.load()
    with AuditLog(settings, auto_purge=False) as a:
        a.record(answer(), user="alice")
    assert audit_cli.run(settings, parse(["audit", "verify"])) == 0
    assert "1 entrée(s)" in capsys.readouterr().out


def test_cli_rejects_bad_dates():
    with pytest.raises(SystemExit):
        parse(["audit", "export", "--since", "hier"])
