"""OCR quality and speed on scanned pages: character error rate (CER), word recall, seconds per page.

Cases (tests/ocr_cases.py): the two image-only PDFs of corpus/ (their known text rebuilt from corpus/src),
and corpus text pages turned into scans (200 dpi, 0.8° skew, blur, grain, JPEG). Each case goes through
the real reader (indexer.readers.read with an indexer.ocr.DocumentOcr), as a sync would read it.

    python bench/ocr.py [--dpi 200] [--dpi 300] [--json]

CER: edits per reference character, reading order included (a table read column by column costs).
Word recall: share of the reference's words found, whatever their order. Needs tesseract + French data.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def load_cases_module():
    spec = importlib.util.spec_from_file_location("ocr_cases", ROOT / "tests" / "ocr_cases.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ocr_cases"] = module
    spec.loader.exec_module(module)
    return module


def run_case(case, settings) -> dict:
    from indexer import ocr
    from indexer.readers import read

    engine = ocr.DocumentOcr(settings, case.pdf)
    started = time.perf_counter()
    try:
        pages = list(read(case.pdf, ocr=engine).pages)
    finally:
        engine.close()
    seconds = time.perf_counter() - started
    reference = "\n".join(case.reference)
    text = "\n".join(p.text for p in pages)
    edits = ocr.edit_distance(ocr._comparable(reference), ocr._comparable(text))
    chars = len(ocr._comparable(reference))
    wanted = {ch: reference.count(ch) for ch in "éèàçœêâîôûù" if ch in reference}
    return {"case": case.name, "dpi": settings.dpi, "pages": len(pages),
            "ocr_pages": sum(p.ocr is not None for p in pages),
            "cer": round(edits / max(1, chars), 4), "edits": edits, "chars": chars,
            "word_recall": round(ocr.word_recall(reference, text), 4),
            "accents": {ch: f"{min(text.count(ch), n)}/{n}" for ch, n in wanted.items()},
            "s_per_page": round(seconds / max(1, len(pages)), 2), "warnings": engine.warnings()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dpi", type=int, action="append", help="render resolution(s) (default: the setting's)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from indexer import ocr
    from indexer.settings import OcrSettings

    base = OcrSettings()
    found = ocr.probe(base)
    if not found.ready:
        from indexer.errors import reason_text

        print(reason_text(found.problem, "fr", **found.params), file=sys.stderr)
        return 2
    cases_mod = load_cases_module()
    results = []
    with tempfile.TemporaryDirectory(prefix="passeur-ocr-bench-") as tmp:
        cases = [cases_mod.corpus_scan(out) for out in cases_mod.SCANS]
        cases += [cases_mod.simulated_case(out, page, Path(tmp)) for out, page in cases_mod.SIMULATED]
        for dpi in args.dpi or [base.dpi]:
            settings = dataclasses.replace(base, dpi=dpi)
            for case in cases:
                results.append(run_case(case, settings))
                if not args.json:
                    r = results[-1]
                    print(f"{r['dpi']:>4} dpi  CER {r['cer']:.2%}  mots retrouvés {r['word_recall']:.1%}  "
                          f"{r['s_per_page']:5.2f} s/page  {r['pages']} p.  {r['case']}  accents {r['accents']}",
                          flush=True)
    by_dpi: dict[int, list[dict]] = {}
    for r in results:
        by_dpi.setdefault(r["dpi"], []).append(r)
    summary = [{"dpi": dpi, "cer": round(sum(r["edits"] for r in rs) / sum(r["chars"] for r in rs), 4),
                "word_recall": round(sum(r["word_recall"] for r in rs) / len(rs), 4),
                "s_per_page": round(sum(r["s_per_page"] * r["pages"] for r in rs) / sum(r["pages"] for r in rs), 2)}
               for dpi, rs in sorted(by_dpi.items())]
    if args.json:
        print(json.dumps({"results": results, "summary": summary}, ensure_ascii=False, indent=1))
    else:
        for s in summary:
            print(f"TOTAL {s['dpi']} dpi: CER {s['cer']:.2%}, mots retrouvés {s['word_recall']:.1%}, "
                  f"{s['s_per_page']:.2f} s/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
