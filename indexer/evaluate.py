"""``passeur eval``: retrieval and answer quality on a golden question file.

Questions use the ``corpus/questions.jsonl`` format. Expected paths are
matched against indexed paths by suffix (they are relative to the corpus).
Models are loaded once for the whole run.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import grounding
from .answering import AnswerService
from .search import Filters

ANSWERABLE = {"factual", "procedural", "multi-document", "temporal", "comparison", "restricted"}


@dataclass
class EvalResult:
    n: int = 0
    per_type: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)

    def to_json(self) -> dict:
        return {"n": self.n, "metrics": self.metrics, "per_type": self.per_type, "failures": self.failures}


def _matches(path: str, expected: str) -> bool:
    return path.replace("\\", "/").endswith("/" + expected.lstrip("/")) or path == expected


def _rank_of(ranked: list[tuple[str, int]], expected: list[dict]) -> int | None:
    """1-based rank of the first retrieved (path, page) matching an expected one."""
    for i, (path, page) in enumerate(ranked, start=1):
        if any(_matches(path, e["path"]) and page == e["page"] for e in expected):
            return i
    return None


def run_eval(service: AnswerService, questions: list[dict], *, use_llm: bool,
             runs_out: Path | None = None, progress: Callable[[int, int], None] | None = None) -> EvalResult:
    res = EvalResult()
    recall = {1: [], 5: [], 10: [], 20: []}
    file_page_top5, mrr, file_top5 = [], [], []
    refusals, refused_answerable, leak_free = [], [], []
    cite_total = cite_valid = set_aside = 0
    key_hits: list[float] = []
    latencies, first_tokens = [], []
    out = open(runs_out, "w", encoding="utf-8") if runs_out else None
    try:
        for i, q in enumerate(questions):
            if progress:
                progress(i, len(questions))
            profile = q.get("profile") or "agent"
            expected = q.get("expected") or []
            qtype = q.get("type", "factual")
            t0 = time.perf_counter()
            flt = service._filters(Filters(), profile)
            hits = service.searcher.search(q["question"], k=20, filters=flt)
            ranked = [(h.path, h.page) for h in hits]
            if out:
                out.write(json.dumps({"id": q["id"], "ranked": [{"doc_id": h.doc_id, "path": h.path, "page": h.page}
                                                                for h in hits]}, ensure_ascii=False) + "\n")
            if expected:
                rank = _rank_of(ranked, expected)
                for k in recall:
                    found = sum(1 for e in expected if any(_matches(p, e["path"]) and pg == e["page"]
                                                           for p, pg in ranked[:k]))
                    recall[k].append(found / len(expected))
                file_page_top5.append(1.0 if rank and rank <= 5 else 0.0)
                file_top5.append(1.0 if any(_matches(p, e["path"]) for p, _ in ranked[:5] for e in expected) else 0.0)
                mrr.append(1.0 / rank if rank and rank <= 10 else 0.0)
                if not (rank and rank <= 5):
                    res.failures.append({"id": q["id"], "type": qtype, "question": q["question"],
                                         "expected": expected, "top": ranked[:3]})
            answer = service.ask(q["question"], profile=profile, no_llm=not use_llm)
            latencies.append((time.perf_counter() - t0) * 1000)
            if "first_token_ms" in answer.timings:
                first_tokens.append(answer.timings["first_token_ms"])
            if qtype == "unanswerable":
                refusals.append(1.0 if answer.status == "not_found" else 0.0)
            elif expected:
                refused_answerable.append(1.0 if answer.status == "not_found" else 0.0)
            if q.get("space"):  # restricted: other profiles must not see the space
                for other, spaces in service.settings.profiles.items():
                    if q["space"] in spaces:
                        continue
                    other_hits = service.searcher.search(q["question"], k=20,
                                                         filters=service._filters(Filters(), other))
                    leak_free.append(0.0 if any(h.space == q["space"] for h in other_hits) else 1.0)
            set_aside += 1 if answer.draft else 0
            key_ok = _has_key_figures(answer.text, q.get("key_figures") or [])
            if answer.status == "answered" and expected and key_ok is not None:
                key_hits.append(1.0 if key_ok else 0.0)
            if answer.status == "answered":
                ids = {c.chunk_id for c in answer.passages}
                cite_total += len(answer.citations)
                cite_valid += sum(1 for c in answer.citations if c.chunk_id in ids)
            t = res.per_type.setdefault(qtype, {"n": 0, "file_page_top5": 0, "not_found": 0})
            t["n"] += 1
            t["file_page_top5"] += 1 if expected and file_page_top5 and file_page_top5[-1] else 0
            t["not_found"] += 1 if answer.status == "not_found" else 0
    finally:
        if out:
            out.close()

    def mean(xs: list[float]) -> float | None:
        return round(sum(xs) / len(xs), 4) if xs else None

    res.n = len(questions)
    res.metrics = {
        **{f"recall@{k}": mean(v) for k, v in recall.items()},
        "mrr@10": mean(mrr),
        "file_page_top5": mean(file_page_top5),
        "file_top5": mean(file_top5),
        "refusal_accuracy_unanswerable": mean(refusals),
        "false_refusal_answerable": mean(refused_answerable),
        "restricted_leak_free": mean(leak_free),
        "citation_validity": round(cite_valid / cite_total, 4) if cite_total else None,
        "key_figures_in_answers": mean(key_hits),
        "answers_set_aside": set_aside if use_llm else None,
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "first_token_ms_p50": round(statistics.median(first_tokens), 1) if first_tokens else None,
        "llm": use_llm,
    }
    return res


def _has_key_figures(text: str, key_figures: list[str]) -> bool | None:
    """Every number the golden answer hinges on ("55 %", "14 870 500", "quinze jours", "2 jours") is in the
    answer, in digits or in words. None when the keys hold no number (a phrase can be paraphrased: not
    checkable by matching)."""
    wanted = set().union(*(grounding.all_numbers(k) for k in key_figures)) if key_figures else set()
    if not wanted:
        return None
    return wanted <= grounding.all_numbers(text)


def load_questions(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
