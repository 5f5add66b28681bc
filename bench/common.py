"""Helpers shared by the bench/ scripts: machine facts, statistics, verdicts, JSON results, RSS,
and French-like synthetic text built from the sample corpus's own sentences.

Every bench prints its figures, then one ``VERDICT:`` line per goal, and can write its figures as
JSON (``--json-out``) for ``bench/run_all.py``.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "documents"
CACHE = Path(os.environ.get("PASSEUR_BENCH_CACHE", "/tmp/passeur-bench-cache"))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


# -- machine -----------------------------------------------------------------------------------------------
def machine() -> dict:
    """nproc, CPU model, RAM, load average, Python and date: printed at the top of every bench."""
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram_gib = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "ram_gib": round(ram_gib, 1),
            "load_avg": [round(x, 2) for x in os.getloadavg()], "python": platform.python_version(),
            "date": time.strftime("%Y-%m-%d %H:%M %Z")}


def print_machine() -> dict:
    m = machine()
    print(f"machine: {m['nproc']} cores, {m['cpu']}, {m['ram_gib']} GiB RAM, load {m['load_avg']}, "
          f"Python {m['python']}, {m['date']}")
    return m


# -- statistics and output -------------------------------------------------------------------------------------
def spread(values: Iterable[float]) -> dict:
    """min / median / max of repeated measurements."""
    vals = sorted(values)
    if not vals:
        return {"min": float("nan"), "median": float("nan"), "max": float("nan"), "n": 0}
    return {"min": vals[0], "median": statistics.median(vals), "max": vals[-1], "n": len(vals)}


def percentile(values: Iterable[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    vals = sorted(values)
    if not vals:
        return float("nan")
    rank = max(1, min(len(vals), round(q / 100 * len(vals) + 0.5)))
    return vals[rank - 1]


def fmt_spread(s: dict, unit: str = "", digits: int = 2) -> str:
    return f"{s['median']:.{digits}f}{unit} [{s['min']:.{digits}f}–{s['max']:.{digits}f}]"


@dataclass
class Verdict:
    goal: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"VERDICT: {self.goal}: {'PASS' if self.ok else 'FAIL'} — {self.detail}"


def verdict(goal: str, ok: bool, detail: str) -> Verdict:
    v = Verdict(goal, ok, detail)
    print(v.line(), flush=True)
    return v


def write_json(path: str | None, bench: str, figures: dict, verdicts: list[Verdict], meta: dict) -> None:
    if not path:
        return
    out = {"bench": bench, "machine": meta, "figures": figures,
           "verdicts": [{"goal": v.goal, "ok": v.ok, "detail": v.detail} for v in verdicts]}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(out, indent=1, ensure_ascii=False, default=str))


class Timer:
    def __enter__(self) -> "Timer":
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start


# -- processes ---------------------------------------------------------------------------------------------------
def _status_mb(field: str, pid: int | None) -> float:
    """A memory line of /proc/PID/status (this process by default), in MB (10^6 bytes)."""
    status = Path(f"/proc/{pid or os.getpid()}/status").read_text()
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024 / 1e6
    return float("nan")


def rss_mb(pid: int | None = None) -> float:
    """Resident set size of a process (this one by default)."""
    return _status_mb("VmRSS", pid)


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident set size of a process (this one by default)."""
    return _status_mb("VmHWM", pid)


def du_bytes(path: Path) -> int:
    total = 0
    for p in Path(path).rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def run_python(args: list[str], env: dict | None = None, timeout: float | None = None,
               python: str | None = None) -> subprocess.CompletedProcess:
    """Run a Python script in a child process; its last stdout line must be a JSON object."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([python or sys.executable, *args], capture_output=True, text=True, env=full_env,
                          timeout=timeout, cwd=ROOT)


def last_json(stdout: str) -> dict:
    for line in reversed(stdout.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON result line in the child's output")


# -- French-like synthetic text -----------------------------------------------------------------------------------
def corpus_sentences() -> list[str]:
    """Sentences of the sample corpus (read through Passeur's own readers), cached on disk."""
    cache = CACHE / "sentences.json"
    if cache.exists():
        return json.loads(cache.read_text())
    from indexer.chunking import chunk_pages, split_sentences
    from indexer.readers import ReadError, read

    sentences: list[str] = []
    for path in sorted(CORPUS.rglob("*")):
        if not path.is_file():
            continue
        try:
            doc = read(path)
            chunks = list(chunk_pages(doc.pages, target=90, max_words=160, min_words=12))
        except ReadError:
            continue
        for ch in chunks:
            sentences += [s for s in split_sentences(" ".join(ch.text.split())) if 4 <= len(s.split()) <= 60]
    sentences = sorted(set(sentences))
    CACHE.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(sentences, ensure_ascii=False))
    return sentences


class TextMaker:
    """Recombines corpus sentences into passages of about ``words`` words (deterministic per seed)."""

    def __init__(self, seed: int = 7) -> None:
        self.sentences = corpus_sentences()
        self.rng = random.Random(seed)

    def passage(self, words: int = 80) -> str:
        out: list[str] = []
        n = 0
        while n < words:
            s = self.rng.choice(self.sentences)
            out.append(s)
            n += len(s.split())
        return " ".join(out)

    def title(self) -> str:
        s = self.rng.choice(self.sentences).split()
        return " ".join(s[: self.rng.randint(4, 9)]).rstrip(",;:.")
