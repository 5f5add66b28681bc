"""Chunk size vs retrieval quality on the sample corpus's golden questions.

For each target size, indexes corpus/documents into a fresh data dir and runs the answerable golden
questions in dense and hybrid mode: right file+page at rank 1 / in the top 5, MRR@10.

    python bench/chunk_size.py [--sizes 40,60,90,140,220] [--corpus corpus/documents]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="40,60,90,140,220")
    ap.add_argument("--corpus", default=str(ROOT / "corpus" / "documents"))
    ap.add_argument("--questions", default=str(ROOT / "corpus" / "questions.jsonl"))
    args = ap.parse_args()

    from indexer.evaluate import _matches, load_questions
    from indexer.search import Filters, Searcher
    from indexer.settings import Settings
    from indexer.store import Store
    from indexer.sync import Syncer

    questions = [q for q in load_questions(Path(args.questions)) if q.get("expected")]
    print(f"{len(questions)} answerable questions; corpus {args.corpus}")
    print(f"{'words':>5s} {'chunks':>6s} {'index s':>7s} | {'dense@1':>7s} {'dense@5':>7s} {'dMRR':>5s} | "
          f"{'hyb@1':>6s} {'hyb@5':>6s} {'hMRR':>5s}")
    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        home = Path(tempfile.mkdtemp(prefix=f"passeur-chunk{size}-"))
        os.environ["PASSEUR_HOME"] = str(home)
        settings = Settings.load(home)
        settings.index.chunk_words = size
        settings.index.chunk_max_words = max(size * 2, 80)
        store = Store(settings)
        t0 = time.perf_counter()
        sid = store.catalog.add_source(args.corpus, "general")
        report = Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
        index_s = time.perf_counter() - t0
        searcher = Searcher(store)
        result = {"words": size, "chunks": report.chunks, "index_s": round(index_s, 1)}
        for mode in ("dense", "hybrid"):
            at1 = at5 = mrr = 0.0
            for q in questions:
                hits = searcher.search(q["question"], k=10, mode=mode, filters=Filters())
                rank = next((i for i, h in enumerate(hits, 1)
                             if any(_matches(h.path, e["path"]) and h.page == e["page"] for e in q["expected"])), None)
                at1 += rank == 1
                at5 += bool(rank and rank <= 5)
                mrr += 1 / rank if rank else 0
            n = len(questions)
            result[mode] = {"at1": round(at1 / n, 3), "at5": round(at5 / n, 3), "mrr": round(mrr / n, 3)}
        rows.append(result)
        d, h = result["dense"], result["hybrid"]
        print(f"{size:5d} {report.chunks:6d} {index_s:7.1f} | {d['at1']:7.3f} {d['at5']:7.3f} {d['mrr']:5.3f} | "
              f"{h['at1']:6.3f} {h['at5']:6.3f} {h['mrr']:5.3f}")
        store.close()
    best = max(rows, key=lambda r: (r["hybrid"]["at5"], r["hybrid"]["mrr"]))
    print(f"VERDICT: best hybrid top-5 at {best['words']} words ({best['hybrid']['at5']:.3f})")
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
