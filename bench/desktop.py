"""Desktop app: cold start to a shown window, and idle memory with a large index.

Cold start: ``passeur app --startup-check`` (the app's own hook: it shows the main window, prints
"Fenêtre affichée en X s" from its first line of ``desktop.app.run``, and quits) in a subprocess with
QT_QPA_PLATFORM=offscreen. Measured from the spawn of the process to the moment that line reaches the
pipe: Python start, imports, QApplication, settings and the window's construction and first show.
The first run is the coldest (files not yet in the page cache); all runs are reported.

Idle RSS: ``passeur app`` (no hook) on a data dir holding N synthetic passages (bench/latency.py's
cached store), polled from /proc until its RSS has been stable for 5 s after the background warm-up
(catalogue, Chroma, embedding model). Run twice: with ``[llm] backend = "none"`` written to the data
dir's passeur.toml (the embedded LLM never loaded: the "lazy" state), and with the default embedded
backend, whose warm-up loads the GGUF model in the background (reported separately).

    python bench/desktop.py [--quick] [--passages 100000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
import latency  # noqa: E402

GOAL_START_S = 1.5
GOAL_RSS_MB = 350.0
SHOWN = "Fenêtre affichée en"


def app_command() -> list[str]:
    exe = Path(sys.executable).with_name("passeur")
    return [str(exe), "app"] if exe.exists() else [sys.executable, "-m", "desktop.launcher", "app"]


def app_env(home: Path) -> dict:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PASSEUR_HOME": str(home)}


def cold_start(home: Path) -> tuple[float, float]:
    """(seconds from spawn to the window shown, the app's own figure)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([*app_command(), "--startup-check"], env=app_env(home), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, cwd=common.ROOT)
    own = float("nan")
    shown_at = float("nan")
    for line in proc.stdout:
        if SHOWN in line:
            shown_at = time.perf_counter() - t0
            own = float(line.split(SHOWN, 1)[1].split("s")[0].strip().replace(",", "."))
    proc.wait(timeout=60)
    return shown_at, own


def idle_rss(home: Path, settle_s: float = 5.0, limit_s: float = 180.0) -> dict:
    """Start the app, wait until its RSS is stable for ``settle_s``, return the figures, stop it."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(app_command(), env=app_env(home), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=common.ROOT)
    samples: list[tuple[float, float]] = []
    try:
        stable_since, last = None, -1.0
        while time.perf_counter() - t0 < limit_s:
            time.sleep(0.5)
            if proc.poll() is not None:
                raise RuntimeError(f"the app exited with code {proc.returncode}")
            rss = common.rss_mb(proc.pid)
            now = time.perf_counter() - t0
            samples.append((now, rss))
            if abs(rss - last) > 1.0 or now < 5.0:
                stable_since, last = now, rss
            elif now - stable_since >= settle_s:
                break
        return {"idle_rss_mb": samples[-1][1], "peak_rss_mb": common.peak_rss_mb(proc.pid),
                "settled_after_s": round(stable_since or 0.0, 1), "samples": len(samples)}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


PROBE = """
import json, os, sys, time
sys.path.insert(0, os.getcwd() + "/bench")
import common
from indexer.search import Searcher
from indexer.settings import Settings
from indexer.store import Store
store = Store(Settings.load())
store.vectors; store.embedder.embed(["passeur"])  # what the app's warm-up does
warm = common.rss_mb()
Searcher(store).search("Quel est le tarif de la cantine scolaire ?", k=8)
searched = common.rss_mb()
store.release_vectors()  # what the app does after search.release_after_idle_s without a question
released = common.rss_mb()
t0 = time.perf_counter()
Searcher(store).search("Quel est le tarif de la cantine scolaire ?", k=8)
print(json.dumps({"after_warm_up_mb": warm, "after_first_search_mb": searched, "after_idle_release_mb": released,
                  "search_after_release_s": round(time.perf_counter() - t0, 2)}))
"""


def first_search_rss(home: Path) -> dict:
    """What the app's first search adds to its memory (Chroma loads its HNSW index on the first query):
    the warm-up and one search in a plain process, RSS before and after."""
    proc = common.run_python(["-c", PROBE], env={"PASSEUR_HOME": str(home)}, timeout=300)
    if proc.returncode != 0:
        return {"error": proc.stderr[-500:]}
    return common.last_json(proc.stdout)


def with_llm_backend(home: Path, backend: str | None):
    """Write (or remove) the data dir's passeur.toml for one run."""
    toml = home / "passeur.toml"
    if backend is None:
        toml.unlink(missing_ok=True)
    else:
        toml.write_text(f'[llm]\nbackend = "{backend}"\n', encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="the 10k-passage store, 3 cold starts")
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-llm-run", action="store_true", help="skip the idle run with the embedded LLM loaded")
    ap.add_argument("--json-out")
    args = ap.parse_args()

    meta = common.print_machine()
    n = 10_000 if args.quick else args.passages
    repeats = 3 if args.quick else args.repeats
    home, _ = latency.ensure_store(n)
    if (home / "passeur.toml").exists():
        raise SystemExit(f"{home}/passeur.toml exists: remove it (the bench writes its own)")

    starts = [cold_start(home) for _ in range(repeats)]
    for i, (wall, own) in enumerate(starts):
        print(f"  cold start {i + 1}: window shown {wall:.2f} s after spawn (app's own figure {own:.2f} s)")
    fig: dict = {"passages": n, "start_s": common.spread(w for w, _ in starts),
                 "start_first_s": starts[0][0], "start_own_s": common.spread(o for _, o in starts)}
    try:
        with_llm_backend(home, "none")
        fig["idle_no_llm"] = idle_rss(home)
        print(f"  idle, {n:,} passages, LLM not loaded: {fig['idle_no_llm']}", flush=True)
        if not args.no_llm_run:
            with_llm_backend(home, None)
            fig["idle_with_llm"] = idle_rss(home, limit_s=300)
            print(f"  idle, {n:,} passages, embedded LLM loaded by the warm-up: {fig['idle_with_llm']}")
    finally:
        with_llm_backend(home, None)
    fig["first_search"] = first_search_rss(home)
    print(f"  same warm-up in a plain process, then one search: {fig['first_search']}")

    rss = fig["idle_no_llm"]["idle_rss_mb"]
    verdicts = [
        common.verdict("cold start to a shown window <= 1.5 s", fig["start_s"]["median"] <= GOAL_START_S,
                       f"{common.fmt_spread(fig['start_s'])} s from spawn (first run {starts[0][0]:.2f} s)"),
        common.verdict(f"idle RSS <= 350 MB with {n:,} passages (LLM not loaded)", rss <= GOAL_RSS_MB,
                       f"{rss:.0f} MB" + (f"; {fig['idle_with_llm']['idle_rss_mb']:.0f} MB with the embedded LLM "
                                          "loaded" if "idle_with_llm" in fig else "")
                       + (f"; the first search adds {fig['first_search']['after_first_search_mb'] - fig['first_search']['after_warm_up_mb']:.0f} MB"
                          if "after_warm_up_mb" in fig["first_search"] else "")),
    ]
    if "after_warm_up_mb" in fig["first_search"]:
        delta = fig["first_search"]["after_first_search_mb"] - fig["first_search"]["after_warm_up_mb"]
        fig["estimated_idle_after_search_mb"] = rss + delta
        verdicts.append(common.verdict(
            f"idle RSS <= 350 MB with {n:,} passages after a first search (estimate)", rss + delta <= GOAL_RSS_MB,
            f"{rss + delta:.0f} MB = idle {rss:.0f} MB + {delta:.0f} MB that the first search adds (Chroma's index)"))
    if "after_idle_release_mb" in fig["first_search"]:
        fs = fig["first_search"]
        back = fs["after_first_search_mb"] - fs["after_idle_release_mb"]
        fig["estimated_idle_after_release_mb"] = rss + delta - back
        verdicts.append(common.verdict(
            f"idle RSS <= 350 MB with {n:,} passages once the app released the index after a search (estimate)",
            rss + delta - back <= GOAL_RSS_MB,
            f"{rss + delta - back:.0f} MB: the idle release gives back {back:.0f} MB; the next search reopens it "
            f"in {fs['search_after_release_s']:.2f} s"))
    common.write_json(args.json_out, "desktop", fig, verdicts, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
