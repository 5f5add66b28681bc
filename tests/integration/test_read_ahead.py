"""Reading ahead in a worker process and batched Chroma writes, through the real parts
(spawned worker, pypdf, USE model, SQLite, Chroma)."""

import os
import signal
import time

import pytest

from indexer.parse import Parsed, ReadAhead, parse_file
from indexer.settings import Settings
from indexer.store import Store
from indexer.sync import Syncer, file_hash

pytestmark = pytest.mark.slow


def _folder(make, n=6):
    for i in range(n):
        make.pdf(f"arrete-{i:02d}.pdf", [
            f"Arrêté n° 2025-{i:03d} portant règlement du marché hebdomadaire, emplacement {i}. "
            + " ".join(f"Le droit de place numéro {j} est fixé à {i * 10 + j} euros par mètre linéaire." for j in range(30)),
            f"Article {i + 2} : le présent arrêté sera affiché en mairie le {i + 1} mars 2025."])
    return make.root


def _index(folder, home=None, **index_settings):
    settings = Settings.load(home)
    for key, value in index_settings.items():
        setattr(settings.index, key, value)
    store = Store(settings)
    sid = store.catalog.add_source(str(folder), "general")
    calls = []
    real = store.vectors.upsert

    def counting(ids, vectors, metas):
        calls.append(len(ids))
        real(ids, vectors, metas)

    store.vectors.upsert = counting
    report = Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
    rows = store.catalog.conn.execute(
        "SELECT d.path, d.status, d.title, d.doc_type, d.doc_date, c.ord, c.page_start, c.text "
        "FROM chunks c JOIN documents d ON d.id = c.doc_id ORDER BY d.path, c.ord").fetchall()
    assert store.vectors.all_ids() == {r[0] for r in store.catalog.conn.execute("SELECT id FROM chunks")}
    return report, [tuple(r) for r in rows], calls


def test_read_ahead_gives_the_same_index_as_reading_in_process(make, passeur_home):
    folder = _folder(make)
    inline, inline_rows, _ = _index(folder, passeur_home / "inline", read_ahead=0)
    ahead, ahead_rows, calls = _index(folder, passeur_home / "ahead", read_ahead=2)
    assert (ahead.added, ahead.failed, ahead.chunks) == (inline.added, inline.failed, inline.chunks) == (6, 0, len(ahead_rows))
    assert ahead_rows == inline_rows
    assert {r[1] for r in ahead_rows} == {"indexed"}
    assert calls == [len(ahead_rows)], "all documents' vectors in one Chroma write"


def test_small_write_batches_still_index_everything(make, passeur_home):
    folder = _folder(make, n=4)
    report, rows, calls = _index(folder, write_batch=5)
    assert report.added == 4 and sum(calls) == len(rows) and len(calls) >= len(rows) // 64
    assert max(calls) < 5 + 64


def _big_pdf(make, name, pages=60):
    return make.pdf(name, [" ".join(f"Page {p}, ligne {j} : le conseil municipal délibère sur le point {j}."
                                    for j in range(60)) for p in range(pages)])


def test_a_reader_that_dies_costs_one_file(make, passeur_home):
    big = _big_pdf(make, "gros.pdf")
    small = make.pdf("petit.pdf", ["Arrêté n° 2025-100 : fermeture de la mairie le 14 juillet 2025."])
    settings = Settings.load()
    ahead = ReadAhead(settings, timeout_s=120)
    try:
        ahead.start()
        ahead._ready.result(timeout=60)  # worker up: queued files are read there, not here
        ahead.submit(str(big), file_hash(big), 0)
        ahead.submit(str(small), file_hash(small), 0)
        time.sleep(0.3)  # the big file is being read
        for pid in list(ahead._pool._processes):
            os.kill(pid, signal.SIGKILL)
        crashed = ahead.take(str(big), file_hash(big))
        assert crashed.error == ("reader_crashed", {})
        assert not crashed.chunks
        ahead._ready.result(timeout=60)
        after = ahead.take(str(small), file_hash(small))  # read again by a new worker
        assert after.error is None and "14 juillet 2025" in after.chunks[0].text
    finally:
        ahead.close()


def test_a_file_read_too_long_is_skipped_and_reported(make, passeur_home):
    big = _big_pdf(make, "lent.pdf")
    small = make.pdf("petit.pdf", ["Arrêté n° 2025-101 : marché de Noël le 20 décembre 2025."])
    ahead = ReadAhead(Settings.load(), timeout_s=0.05)  # far less than reading 60 pages
    try:
        ahead.start()
        ahead._ready.result(timeout=60)
        ahead.submit(str(big), file_hash(big), 0)
        ahead.submit(str(small), file_hash(small), 0)
        slow = ahead.take(str(big), file_hash(big))
        assert slow.error == ("read_timeout", {"seconds": 0})
        ahead.timeout_s = 120
        ahead._ready.result(timeout=60)  # a new worker, started by the restart
        after = ahead.take(str(small), file_hash(small))
        assert after.error is None and "20 décembre 2025" in after.chunks[0].text
    finally:
        ahead.close()


def test_while_the_worker_starts_the_caller_reads_itself(make, passeur_home):
    path = make.pdf("b.pdf", ["Arrêté n° 2025-103 : marché nocturne le 4 juillet 2025."])
    ahead = ReadAhead(Settings.load(), timeout_s=120)
    try:
        ahead.start()
        ahead.submit(str(path), file_hash(path), 0)
        got = ahead.take(str(path), file_hash(path))
        assert got is None or got.error is None  # None: still starting, the caller parses in-process
        ahead._ready.result(timeout=60)
        ahead.submit(str(path), file_hash(path), 0)
        ready = ahead.take(str(path), file_hash(path))
        assert ready is not None and "4 juillet 2025" in ready.chunks[0].text
    finally:
        ahead.close()


def test_a_parse_of_other_content_is_not_used(make, passeur_home):
    path = make.pdf("a.pdf", ["Arrêté n° 2025-102 : stationnement interdit rue Haute."])
    ahead = ReadAhead(Settings.load(), timeout_s=120)
    try:
        ahead.start()
        ahead.submit(str(path), "an-older-hash", 0)
        assert ahead.take(str(path), file_hash(path)) is None  # the caller reads the file again itself
        assert ahead.take(str(path), file_hash(path)) is None  # nothing left queued
    finally:
        ahead.close()


@pytest.mark.parametrize("name, content, code", [
    ("vide.pdf", b"", "empty"),
    ("casse.pdf", b"%PDF-1.4\n garbage", "corrupt"),
])
def test_parse_file_reports_bad_files_without_raising(tmp_path, passeur_home, name, content, code):
    path = tmp_path / name
    path.write_bytes(content)
    parsed = parse_file(str(path), "h", 0, Settings.load())
    assert isinstance(parsed, Parsed) and parsed.error[0] == code and parsed.chunks == []


def test_a_script_without_main_guard_is_not_run_again_by_the_worker(make, passeur_home, tmp_path):
    import subprocess
    import sys

    folder = _folder(make, n=3)
    script = tmp_path / "plain_script.py"
    script.write_text("from indexer.cli import main\nprint('SCRIPT BODY', flush=True)\n"
                      f"main(['index', 'add', {str(folder)!r}])\n", encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PASSEUR_HOME": str(passeur_home)}, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.count("SCRIPT BODY") == 1
    store = Store(Settings.load())
    assert store.catalog.counts()["documents_indexed"] == 3


def test_a_model_failure_marks_the_waiting_documents_failed_and_leaves_nothing_half_written(make, passeur_home):
    folder = _folder(make, n=5)
    settings = Settings.load()
    settings.index.embed_batch = 8
    store = Store(settings)
    real = store.embedder
    calls = []

    class Flaky:
        model_id, dim = real.model_id, real.dim

        def embed(self, texts):
            calls.append(len(texts))
            if len(calls) == 3:
                raise RuntimeError("model crashed")
            return real.embed(texts)

    store._embedder = Flaky()
    sid = store.catalog.add_source(str(folder), "general")
    report = Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
    status = dict(store.catalog.conn.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall())
    assert status.get("failed", 0) >= 1 and status.get("indexed", 0) >= 1
    assert sum(status.values()) == 5 and report.failed == status["failed"] and report.added == status["indexed"]
    assert any(code == "error" and "model crashed" in p["detail"] for _, code, p in report.problems)
    sql_ids = {r[0] for r in store.catalog.conn.execute("SELECT id FROM chunks")}
    assert store.vectors.all_ids() == sql_ids  # failed documents keep no passage anywhere
    failed_ids = {r[0] for r in store.catalog.conn.execute("SELECT id FROM documents WHERE status = 'failed'")}
    assert not any(i.rsplit(":", 1)[0] in failed_ids for i in sql_ids)
    store._embedder = real
    again = Syncer(store).sync_all()  # the next sync reads the failed files again
    assert again.added + again.updated == status["failed"]
    assert dict(store.catalog.conn.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall()) == {"indexed": 5}
