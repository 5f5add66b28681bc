"""Run every issue #7 bench and print one summary table of figures and verdicts.

Quick mode (default) keeps each bench small: ingest 200 documents, latency at 10k passages, sync of 500
files, answer with 16-token answers, desktop on the 10k store. ``--full`` runs the issue's sizes:
ingest 2,000 documents, latency at 10k/100k/1M (a build stopped after 30 min is reported with its
rate, kept, and goes on at the next ``--full`` run: the 1M store takes ~45 min on 2 cores, so two runs), sync of
10,000 files, full answers, desktop on the 100k store. Each bench runs in its own
process, one at a time; their JSON results go to ``--out``.

    python bench/run_all.py [--full] [--only ingest,latency,sync,answer,desktop] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

BENCHES = {
    "ingest": ("ingest.py", ["--quick"], ["--docs", "2000", "--breakdown"]),
    "latency": ("latency.py", ["--quick"], ["--sizes", "10000,100000,1000000", "--resume"]),
    "sync": ("sync_bench.py", ["--quick"], ["--files", "10000"]),
    "answer": ("answer.py", ["--quick"], []),
    "desktop": ("desktop.py", ["--quick"], ["--passages", "100000"]),
}


def key_figures(name: str, fig: dict) -> list[str]:
    """The few numbers of each bench worth a line in the summary."""
    s = common.fmt_spread
    if name == "ingest":
        out = [f"{fig['docs']} docs / {fig['pages']} pages / {fig['chunks']} passages",
               f"Passeur {s(fig['passeur_pages_per_s'], digits=1)} pages/s, floor {s(fig['floor_pages_per_s'], digits=1)}",
               f"lexical-only {s(fig['lexical_pages_per_s'], digits=1)} pages/s"]
        if "naive_pages_per_s" in fig:
            out.append(f"naive llama-index {s(fig['naive_pages_per_s'], digits=1)} pages/s")
        return out
    if name == "latency":
        return [f"{r['chunks']:,} passages: hybrid p95 {r['hybrid_p95']['median']:.1f} ms, raw Chroma p95 "
                f"{r['raw_p95']['median']:.1f} ms, {r.get('mb_per_100k', float('nan')):.0f} MB/100k"
                for r in fig["sizes"]]
    if name == "sync":
        return [f"{fig['files']:,} files: no change {s(fig['nochange_s'])} s, one change {s(fig['change_s'])} s",
                f"CLI one change {s(fig['cli_change_s'])} s" if "cli_change_s" in fig else ""]
    if name == "answer":
        if "ttft_first_s" not in fig:
            return ["no answer reached the model"]
        return [f"LLM load {fig['llm_load_s']:.1f} s, TTFT first {fig['ttft_first_s']:.1f} s, warm "
                f"{s(fig['ttft_warm_s'], digits=1)} s, {s(fig['tokens_per_s'], digits=1)} tok/s"]
    if name == "desktop":
        out = [f"cold start {s(fig['start_s'])} s",
               f"idle RSS {fig['idle_no_llm']['idle_rss_mb']:.0f} MB ({fig['passages']:,} passages, no LLM)"]
        if "idle_with_llm" in fig:
            out.append(f"idle RSS with the embedded LLM {fig['idle_with_llm']['idle_rss_mb']:.0f} MB")
        return out
    return []


def run_one(name: str, full: bool, out: Path, naive_python: str | None) -> tuple[dict | None, float, str]:
    script, quick_args, full_args = BENCHES[name]
    result = out / f"{name}.json"
    cmd = [sys.executable, str(Path(__file__).resolve().parent / script), *(full_args if full else quick_args),
           "--json-out", str(result)]
    if name == "ingest" and naive_python is not None:
        cmd += ["--naive-python", naive_python]
    print(f"\n=== {name}: {' '.join(cmd[1:])}", flush=True)
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=common.ROOT)
    seconds = time.perf_counter() - t
    if proc.returncode != 0 or not result.exists():
        return None, seconds, f"exit code {proc.returncode}"
    return json.loads(result.read_text()), seconds, ""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--only", default=",".join(BENCHES))
    ap.add_argument("--out", default=None)
    ap.add_argument("--naive-python", default=None, help="passed to bench/ingest.py (default: its own)")
    args = ap.parse_args()

    meta = common.print_machine()
    out = Path(args.out or tempfile.mkdtemp(prefix="passeur-bench-"))
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    rows = []
    for name in [n.strip() for n in args.only.split(",") if n.strip()]:
        data, seconds, error = run_one(name, args.full, out, args.naive_python)
        rows.append((name, data, seconds, error))

    total = time.perf_counter() - started
    print(f"\n{'=' * 100}\nSUMMARY ({'full' if args.full else 'quick'} mode, {total / 60:.1f} min, machine "
          f"{meta['nproc']} cores {meta['cpu']}, load at start {meta['load_avg']})")
    print(f"{'bench':8s} {'time':>6s}  figures / verdicts")
    failed = 0
    for name, data, seconds, error in rows:
        print(f"{name:8s} {seconds:5.0f}s  " + (f"ERROR: {error}" if error else ""))
        if data is None:
            failed += 1
            continue
        for line in key_figures(name, data["figures"]):
            if line:
                print(f"{'':16s}{line}")
        for v in data["verdicts"]:
            print(f"{'':16s}{'PASS' if v['ok'] else 'FAIL'}  {v['goal']}: {v['detail']}")
    (out / "summary.json").write_text(json.dumps({"machine": meta, "total_s": total, "benches": {
        name: data for name, data, _, _ in rows}}, indent=1, default=str))
    print(f"results: {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
