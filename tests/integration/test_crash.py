"""kill -9 in the middle of an ingestion, for real, then sync again: nothing lost, nothing doubled."""

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from indexer.settings import Settings
from indexer.store import Store
from indexer.sync import Syncer

pytestmark = pytest.mark.slow


def _many_files(make, n=24):
    for i in range(n):
        pages = [f"Délibération n° 2025-{i:03d} relative à la subvention versée à l'association numéro {i}. "
                 + " ".join(f"Le conseil municipal attribue {i * 100 + j} euros au titre de l'action {j}."
                            for j in range(40)) for _ in range(3)]
        make.pdf(f"del-{i:03d}.pdf", pages)
    return make.root


def _state(home):
    store = Store(Settings.load(home))
    rows = store.catalog.conn.execute("SELECT id, text FROM chunks ORDER BY id").fetchall()
    ids = {r[0] for r in rows}
    assert store.vectors.all_ids() == ids, "Chroma and SQLite disagree"
    status = dict(store.catalog.conn.execute("SELECT status, COUNT(*) FROM documents GROUP BY status").fetchall())
    texts = sorted(r[1] for r in rows)
    store.close()
    return status, texts


@pytest.mark.parametrize("kill_when", ["first_indexing", "later"])
def test_kill_9_mid_ingest_then_resume(make, passeur_home, tmp_path, kill_when):
    folder = _many_files(make)
    if kill_when == "later":  # small Chroma writes, so that documents become 'indexed' all along the run
        (passeur_home / "passeur.toml").write_text("[index]\nwrite_batch = 30\n", encoding="utf-8")
    env = {**os.environ, "PASSEUR_HOME": str(passeur_home)}
    proc = subprocess.Popen([sys.executable, "-m", "indexer.cli", "index", "add", str(folder)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    catalog = passeur_home / "catalog.sqlite3"
    deadline = time.time() + 120
    killed_during = None
    while time.time() < deadline and proc.poll() is None:
        if catalog.exists():
            try:
                conn = sqlite3.connect(str(catalog), timeout=1)
                indexing = conn.execute("SELECT COUNT(*) FROM documents WHERE status = 'indexing'").fetchone()[0]
                indexed = conn.execute("SELECT COUNT(*) FROM documents WHERE status = 'indexed'").fetchone()[0]
                conn.close()
            except sqlite3.OperationalError:
                continue
            if indexing and (kill_when == "first_indexing" or indexed >= 8):
                os.kill(proc.pid, signal.SIGKILL)
                killed_during = indexed
                break
        time.sleep(0.005)
    proc.wait(timeout=30)
    assert killed_during is not None, "the indexer finished before it could be killed"
    assert proc.returncode == -signal.SIGKILL

    store = Store(Settings.load(passeur_home))
    report = Syncer(store).sync_all()
    store.close()
    assert report.added + report.updated >= 1
    status, texts = _state(passeur_home)
    assert status == {"indexed": 24}

    # A clean index of the same folder holds exactly the same passages.
    clean_home = tmp_path / "clean-home"
    clean_home.mkdir()
    clean = Store(Settings.load(clean_home))
    source_id = clean.catalog.add_source(str(folder), "general")
    Syncer(clean).sync_source(next(s for s in clean.catalog.sources() if s["id"] == source_id))
    clean.close()
    clean_status, clean_texts = _state(clean_home)
    assert clean_status == status
    assert texts == clean_texts  # no duplicate, no missing chunk
