"""Answer path with the embedded model (indexer/llm/embedded.py, llama.cpp in-process).

A small index (the school-catering documents of the sample corpus, cached) answers questions through
``AnswerService.ask``. Measured: the embedding-model and LLM load times (separately, once), then for a
first question (model loaded, nothing cached) and warm questions after it: retrieval, prompt building,
time to first token (from the call to the first streamed token), tokens/s of the generation, and the
share of retrieval + prompt building in the time to first token (goal <= 5 %). Timings come from
``Answer.timings`` and from the token callback's own clock.

    python bench/answer.py [--quick] [--max-tokens N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

GOAL_SHARE = 0.05
DOCS = ["deliberations/2024/DEL-2024-037_tarifs-restauration-scolaire.pdf",
        "deliberations/2025/DEL-2025-041_tarifs-restauration-scolaire.pdf",
        "deliberations/2026/DEL-2026-038_tarifs-restauration-scolaire-tarif-social.pdf",
        "deliberations/2026/DEL-2026-044_attribution-marche-restauration-scolaire.pdf",
        "reglements/REG-2024_reglement-restauration-scolaire.pdf",
        "deliberations/2025/DEL-2025-044_tarifs-salle-polyvalente.pdf"]
QUESTIONS = ["Quel est le prix d'un repas à la cantine pour un enfant non résident ?",
             "Quel est le tarif social de la restauration scolaire en 2026 ?",
             "Combien coûte la location de la salle polyvalente pour une association ?"]


def small_index() -> Path:
    """PASSEUR_HOME with the catering documents indexed (built once, cached)."""
    home = common.CACHE / "answer-home"
    if (home / ".done").exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    src = common.CACHE / "answer-docs"
    shutil.rmtree(src, ignore_errors=True)
    src.mkdir(parents=True)
    for rel in DOCS:
        shutil.copy(common.CORPUS / rel, src / Path(rel).name)
    os.environ["PASSEUR_HOME"] = str(home)
    from indexer.settings import Settings
    from indexer.store import Store
    from indexer.sync import Syncer

    store = Store(Settings.load(home))
    sid = store.catalog.add_source(str(src), "general")
    Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
    store.close()
    (home / ".done").touch()
    return home


def ask(svc, question: str) -> dict:
    stamps: list[float] = []
    pieces: list[str] = []

    def on_token(piece: str) -> None:
        stamps.append(time.perf_counter())
        pieces.append(piece)

    t0 = time.perf_counter()
    answer = svc.ask(question, on_token=on_token)
    total = time.perf_counter() - t0
    tm = answer.timings
    out = {"question": question, "status": answer.status, "total_s": total, "timings": tm,
           "pieces": len(pieces), "tokens": count_tokens("".join(pieces)) or len(pieces)}
    if stamps:
        out["ttft_s"] = stamps[0] - t0
        gen = stamps[-1] - stamps[0]
        out["tokens_per_s"] = (out["tokens"] - 1) / gen if gen > 0 else float("nan")
        before = (tm.get("retrieval_ms", 0) + tm.get("prompt_ms", 0)) / 1000
        out["retrieval_prompt_s"] = before
        out["share"] = before / out["ttft_s"]
    return out


def count_tokens(text: str) -> int:
    """Tokens of the generated text, by the loaded model's own tokenizer (0 if unavailable)."""
    try:
        from indexer.llm.embedded import _LOADED

        llm = next(iter(_LOADED.values()))
        return len(llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))
    except Exception:  # noqa: BLE001 - fall back to counting streamed pieces
        return 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="short answers (16 tokens), one warm question")
    ap.add_argument("--max-tokens", type=int, default=0, help="override [llm] max_tokens")
    ap.add_argument("--json-out")
    args = ap.parse_args()

    meta = common.print_machine()
    home = small_index()
    os.environ["PASSEUR_HOME"] = str(home)
    from indexer.answering import AnswerService
    from indexer.settings import Settings

    settings = Settings.load(home)
    settings.llm.backend = "embedded"
    if args.max_tokens or args.quick:
        settings.llm.max_tokens = args.max_tokens or 16
    svc = AnswerService(settings)
    t = time.perf_counter()
    svc.store.embedder.embed(["chargement"])
    svc.store.vectors  # noqa: B018
    embed_load = time.perf_counter() - t
    t = time.perf_counter()
    llm = svc.llm()
    llm.available()
    llm.warm_up()
    llm_load = time.perf_counter() - t
    print(f"embedding model + index open: {embed_load:.1f} s; LLM load: {llm_load:.1f} s "
          f"(max_tokens {settings.llm.max_tokens})", flush=True)

    runs = []
    for i, q in enumerate(QUESTIONS[: 2 if args.quick else 3]):
        r = ask(svc, q)
        runs.append(r)
        tm = r["timings"]
        print(f"  Q{i + 1} {'first' if i == 0 else 'warm '} {r['status']:9s} TTFT {r.get('ttft_s', float('nan')):5.1f} s "
              f"(retrieval {tm.get('retrieval_ms', 0):.0f} ms, prompt {tm.get('prompt_ms', 0):.0f} ms, "
              f"share {100 * r.get('share', float('nan')):.1f} %), {r['tokens']} tokens at "
              f"{r.get('tokens_per_s', float('nan')):.1f} tok/s, total {r['total_s']:.1f} s", flush=True)
    answered = [r for r in runs if "ttft_s" in r]
    fig = {"embed_load_s": embed_load, "llm_load_s": llm_load, "max_tokens": settings.llm.max_tokens,
           "runs": runs}
    verdicts = []
    if answered:
        warm = answered[1:] or answered
        fig["ttft_first_s"] = answered[0]["ttft_s"]
        fig["ttft_cold_incl_load_s"] = answered[0]["ttft_s"] + llm_load
        fig["ttft_warm_s"] = common.spread(r["ttft_s"] for r in warm)
        fig["tokens_per_s"] = common.spread(r["tokens_per_s"] for r in answered)
        fig["share"] = common.spread(r["share"] for r in answered)
        print(f"\nLLM load {llm_load:.1f} s; TTFT first {fig['ttft_first_s']:.1f} s, warm "
              f"{common.fmt_spread(fig['ttft_warm_s'], digits=1)} s; {common.fmt_spread(fig['tokens_per_s'], digits=1)} "
              f"tok/s")
        verdicts.append(common.verdict(
            "retrieval + prompt <= 5 % of time to first token", fig["share"]["max"] <= GOAL_SHARE,
            f"{100 * fig['share']['median']:.1f} % [{100 * fig['share']['min']:.1f}–{100 * fig['share']['max']:.1f}] "
            f"of TTFT {common.fmt_spread(common.spread(r['ttft_s'] for r in answered), digits=1)} s"))
    else:
        verdicts.append(common.verdict("retrieval + prompt <= 5 % of time to first token", False,
                                       "no question reached the model (statuses: "
                                       f"{[r['status'] for r in runs]})"))
    common.write_json(args.json_out, "answer", fig, verdicts, meta)
    return 0


if __name__ == "__main__":
    sys.exit(main())
