"""Retrieval quality on the CDTN benchmark (../shared/bench/cdtn): Passeur hybrid vs dense vs lexical.

The benchmark's documents are written as Markdown files (title as heading) and indexed through the
normal pipeline (`Syncer`), then every query is run in each mode and scored by the benchmark's own
scorer (score.py). Skips cleanly when ../shared is absent.

    python bench/cdtn.py [--limit-queries N] [--modes hybrid,dense,lexical] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("PASSEUR_SHARED", ROOT.parent / "shared")) / "bench"
sys.path.insert(0, str(ROOT))


def load_scorer():
    spec = importlib.util.spec_from_file_location("cdtn_score", SHARED / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_corpus(dataset: Path, out: Path) -> dict[str, str]:
    """One Markdown file per benchmark document; returns file path -> document id."""
    mapping: dict[str, str] = {}
    out.mkdir(parents=True, exist_ok=True)
    with open(dataset / "corpus.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            name = hashlib.sha1(d["id"].encode()).hexdigest()[:16] + ".md"
            path = out / name
            if not path.exists():
                path.write_text(f"# {d.get('title', '').strip()}\n\n{d['text']}\n", encoding="utf-8")
            mapping[str(path)] = d["id"]
    return mapping


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit-queries", type=int, default=0)
    ap.add_argument("--modes", default="hybrid,dense,lexical")
    ap.add_argument("--keep", help="reuse/keep the index in this folder (skip re-indexing)")
    ap.add_argument("--out", default=None, help="write runs and scores to this folder")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="override a [search] setting, e.g. --set lexical_weight=2 (repeatable)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the BM25 baseline of score.py")
    args = ap.parse_args()

    dataset = SHARED / "cdtn"
    if not (dataset / "corpus.jsonl").exists():
        print(f"SKIP: benchmark not found at {dataset}")
        return 0
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="passeur-cdtn-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["PASSEUR_HOME"] = str(work / "home")

    from indexer.search import Searcher
    from indexer.settings import Settings
    from indexer.store import Store
    from indexer.sync import Syncer

    mapping = write_corpus(dataset, work / "docs")
    settings = Settings.load()
    settings.search.max_per_document = 1  # document-level ranking, as the scorer expects
    for item in args.set:
        key, value = item.split("=", 1)
        setattr(settings.search, key, json.loads(value))
    store = Store(settings)
    source_id = store.catalog.add_source(str(work / "docs"), "general")
    started = time.perf_counter()
    report = Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == source_id))
    index_s = time.perf_counter() - started
    print(f"settings: {settings.search}")
    print(f"indexed: {report.added} new docs, {report.chunks} chunks, {report.pages} sections in {index_s:.0f} s "
          f"(unchanged {report.unchanged})")

    scorer = load_scorer()
    queries = scorer.load_jsonl(dataset / "queries.jsonl")
    if args.limit_queries:
        queries = queries[: args.limit_queries]
    searcher = Searcher(store)
    results = {}
    for mode in args.modes.split(","):
        run = {}
        t0 = time.perf_counter()
        for q in queries:
            hits = searcher.search(q["question"], k=100, mode=mode)
            ranked: list[str] = []
            for h in hits:
                doc = mapping.get(h.path)
                if doc and doc not in ranked:
                    ranked.append(doc)
            run[q["id"]] = ranked
        per_q = (time.perf_counter() - t0) / max(1, len(queries)) * 1000
        scores = scorer.score(queries, run)
        results[mode] = scores | {"ms_per_query": round(per_q, 1)}
        if args.out:
            Path(args.out).mkdir(parents=True, exist_ok=True)
            with open(Path(args.out) / f"run-{mode}.jsonl", "w") as fh:
                for qid, ranked in run.items():
                    fh.write(json.dumps({"id": qid, "ranked_ids": ranked}) + "\n")
    if not args.no_baseline:
        base = scorer.score(queries, scorer.bm25_run(scorer.load_jsonl(dataset / "corpus.jsonl"), queries))
        results["bm25-baseline (score.py)"] = base
    print(f"{'run':28s} {'nDCG@10':>8s} {'hit@10':>7s} {'MRR@10':>7s} {'hit@1':>6s} {'R@100':>6s} {'ms/q':>6s}")
    for name, s in results.items():
        print(f"{name:28s} {s['ndcg@10']:8.3f} {s['hit@10']:7.3f} {s['mrr@10']:7.3f} {s['hit@1']:6.3f} "
              f"{s['recall@100']:6.3f} {s.get('ms_per_query', float('nan')):6.1f}")
    hyb = results.get("hybrid")
    if hyb:
        ok = hyb["ndcg@10"] >= 0.50 and hyb["hit@10"] >= 0.92
        print(f"VERDICT: hybrid nDCG@10 {hyb['ndcg@10']:.3f} (goal 0.50), hit@10 {hyb['hit@10']:.3f} (goal 0.92): "
              f"{'PASS' if ok else 'BELOW GOAL'}")
    if args.out:
        (Path(args.out) / "scores.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
