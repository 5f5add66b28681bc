"""``passeur audit verify | export | purge``: the audit trail from the command line (messages in French).

Wired into :mod:`indexer.cli` with :func:`register` (adds the ``audit`` command to the top-level
sub-parsers) and :func:`run` (executes it, returns the exit code).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from .audit import FORMATS, AuditLog


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"date invalide « {value} » (attendu AAAA-MM-JJ)") from exc


def register(subparsers) -> argparse.ArgumentParser:
    """Add ``audit`` and its actions to the top-level ``subparsers`` of the ``passeur`` parser."""
    au = subparsers.add_parser("audit", help="journal d'audit : vérifier, exporter, purger")
    asub = au.add_subparsers(dest="action", required=True)
    asub.add_parser("verify", help="vérifier que le journal n'a pas été modifié (chaîne d'empreintes)")
    ex = asub.add_parser("export", help="exporter le journal (CSV ou JSON)")
    ex.add_argument("--since", type=_date, help="à partir de ce jour inclus (AAAA-MM-JJ, UTC)")
    ex.add_argument("--until", type=_date, help="jusqu'à ce jour inclus (AAAA-MM-JJ, UTC)")
    ex.add_argument("--user", help="seulement les entrées de cet utilisateur (identifiant de session)")
    ex.add_argument("--format", choices=FORMATS, default="csv", dest="fmt", help="format (csv par défaut)")
    ex.add_argument("-o", "--output", help="écrire dans ce fichier plutôt que sur la sortie standard")
    asub.add_parser("purge", help="supprimer les entrées plus anciennes que la durée de conservation")
    return au


def run(settings, args, audit: AuditLog | None = None) -> int:
    """Run ``passeur audit <action>``; returns the exit code (1 when the log does not verify)."""
    log = audit or AuditLog(settings)
    try:
        if args.action == "verify":
            ok, bad = log.verify()
            head_id, head_hash = log.head()
            if ok:
                print(f"Journal d'audit intègre : {log.count()} entrée(s) vérifiée(s).")
                print(f"Dernière entrée : n° {head_id}, empreinte {head_hash} "
                      "(notez-la ailleurs pour pouvoir prouver plus tard l'intégrité du journal).")
                return 0
            print(f"Journal d'audit ALTÉRÉ : la chaîne d'empreintes est rompue à l'entrée n° {bad}. "
                  f"Conservez une copie du fichier {log.path} et prévenez le délégué à la protection "
                  "des données.", file=sys.stderr)
            return 1
        if args.action == "export":
            text = log.export(since=args.since, until=args.until, user=args.user, fmt=args.fmt)
            if args.output:
                Path(args.output).write_text(text, encoding="utf-8")
                n = len(log.entries(args.since, args.until, args.user))
                print(f"{n} entrée(s) exportée(s) dans {args.output}.")
            else:
                sys.stdout.write(text)
            return 0
        if args.action == "purge":
            from .conversations import ConversationStore

            n = log.purge()
            print(f"Purge du journal d'audit : {n} entrée(s) de plus de {log.retention_days} jour(s) "
                  f"supprimée(s) ; {log.count()} entrée(s) conservée(s).")
            store = ConversationStore.in_dir(Path(settings.home))
            try:
                gone = store.purge(log.retention_days)
            finally:
                store.close()
            print(f"Conversations : {gone} conversation(s) inactive(s) depuis plus de {log.retention_days} "
                  "jour(s) supprimée(s).")
            return 0
    finally:
        if audit is None:
            log.close()
    raise ValueError(f"unknown audit action {args.action!r}")
