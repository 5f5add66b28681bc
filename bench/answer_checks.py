"""What the app's answer checks do to the embedded model's answers on the golden questions.

Two steps, so that a change to the checks is measured on the very same model answers:

1. ``--collect RAW.jsonl`` asks the embedded model (``AnswerService.ask``) the unanswerable questions of
   ``corpus/questions.jsonl`` and every 5th other one (restricted ones left out), and stores each answer with the
   model's text (slow: 10-60 s per question on 2 cores; resumes where it stopped).
2. ``--replay RAW.jsonl`` (fast, no model) asks again with the stored text played back by a stand-in model, so
   retrieval and every check run as in the app, and prints per question the status, the warnings and whether the
   golden answer's key figures are in the answer, then the totals.

The index must hold the sample corpus (``make index``, or ``PASSEUR_HOME`` pointing at such a data folder).

    PASSEUR_HOME=/tmp/ch2 .venv/bin/python bench/answer_checks.py --collect /tmp/raw.jsonl
    PASSEUR_HOME=/tmp/ch2 .venv/bin/python bench/answer_checks.py --replay /tmp/raw.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from indexer.answering import AnswerService  # noqa: E402
from indexer.evaluate import _has_key_figures  # noqa: E402
from indexer.settings import Settings  # noqa: E402


def subset(path: Path) -> list[dict]:
    qs = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    unanswerable = [q for q in qs if q["type"] == "unanswerable"]
    others = [q for q in qs if q["type"] not in ("unanswerable", "restricted")][::5]
    return unanswerable + others


def collect(questions: list[dict], out: Path) -> None:
    done = set()
    if out.exists():
        done = {json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines() if line.strip()}
    service = AnswerService(Settings.load())
    with out.open("a", encoding="utf-8") as f:
        for q in questions:
            if q["id"] in done:
                continue
            t0 = time.perf_counter()
            a = service.ask(q["question"], profile=q.get("profile") or "agent")
            raw = a.draft or (a.text if a.status == "answered" else "")
            row = {"id": q["id"], "status": a.status, "raw": raw, "s": round(time.perf_counter() - t0, 1),
                   "warnings": [w["code"] for w in a.warnings]}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
            f.flush()
            print(q["id"], a.status, row["warnings"], row["s"], flush=True)


class Replay:
    """Stand-in model that plays back a stored answer (the checks are the app's own)."""
    name = "replay"

    def __init__(self) -> None:
        self.text = ""

    def available(self) -> None:
        pass

    def list_models(self) -> list[str]:
        return ["replay"]

    def stream_chat(self, messages, **_kw):
        yield self.text


def replay(questions: list[dict], raw_path: Path) -> dict:
    by_id = {q["id"]: q for q in questions}
    llm = Replay()
    service = AnswerService(Settings.load(), llm=llm)
    totals: dict[str, dict[str, int]] = {"unanswerable": {}, "answerable": {}}
    for line in raw_path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        q = by_id.get(row["id"])
        if q is None:
            continue
        kind = "unanswerable" if q["type"] == "unanswerable" else "answerable"
        if not row["raw"]:
            outcome, codes, key = "not found (gate or model)", [], None
        else:
            llm.text = row["raw"]
            a = service.ask(q["question"], profile=q.get("profile") or "agent")
            outcome = "not found (set aside)" if a.draft else a.status
            codes = [w["code"] for w in a.warnings]
            if outcome == "answered" and {"unsupported_subject", "unsupported_figure", "no_citation"} & set(codes):
                outcome += ", flagged"
            elif outcome == "answered" and "citation_repaired" in codes:
                outcome += ", citation repaired"
            key = _has_key_figures(row["raw"], q.get("key_figures") or []) if kind == "answerable" else None
        label = outcome if key is None else f"{outcome}, key figures {'right' if key else 'missing'}"
        if kind == "answerable" and key is None and row["raw"]:
            label = f"{outcome}, no key figure to check"
        totals[kind][label] = totals[kind].get(label, 0) + 1
        print(f"{row['id']:9s} {label:48s} {codes}")
    return totals


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=Path, default=ROOT / "corpus" / "questions.jsonl")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--collect", type=Path, metavar="RAW.jsonl")
    group.add_argument("--replay", type=Path, metavar="RAW.jsonl")
    args = ap.parse_args()
    questions = subset(args.questions)
    if args.collect:
        collect(questions, args.collect)
        return 0
    totals = replay(questions, args.replay)
    print(json.dumps(totals, ensure_ascii=False, indent=1))
    un = totals["unanswerable"]
    refused = sum(v for k, v in un.items() if k.startswith("not found"))
    print(f"verdict: unanswerable questions ending 'not found' {refused}/{sum(un.values())} (goal: all)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
