"""Legal status of indexed acts, resolved from the catalogue at query time.

An act is *repealed* when another indexed act repeals or replaces it, *amended* when another one
modifies or completes it (it stays in force, as amended). Only acts the asking profile may read
count as the amending or repealing act: the existence of a restricted act is not disclosed.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from .acts import KIND_LABELS, ActInfo, extract, french_date


_ARTICLES = {"deliberation": "la ", "arrete": "l'", "note-service": "la ", "reglement": "le ", "charte": "la "}


@dataclass(frozen=True)
class Change:
    """One act that changed the status of another."""

    relation: str  # "repeals" | "amends"
    by_doc_id: str
    by_kind: str
    by_number: str
    by_date: str
    by_title: str

    @property
    def by_label(self) -> str:
        kind = KIND_LABELS.get(self.by_kind, "")
        if self.by_number:
            article = _ARTICLES.get(self.by_kind, "l'acte ")
            label = f"{article}{kind.lower() if kind else ''} n° {self.by_number}"
        else:
            label = f"« {self.by_title} »" if self.by_title else "un autre acte"
        if self.by_date:
            label += f" du {french_date(self.by_date)}"
        return label


@dataclass(frozen=True)
class Status:
    doc_id: str
    repealed_by: tuple[Change, ...] = ()
    amended_by: tuple[Change, ...] = ()

    @property
    def in_force(self) -> bool:
        return not self.repealed_by

    def warning(self, own_label: str) -> str:
        """French sentence for the user, e.g. "Attention : la délibération n° 2024-037 … a été abrogée par …"."""
        subject = own_label[0].lower() + own_label[1:] if own_label else "ce document"
        article = "l'" if subject[:1] in "aeéiou" else ("le " if subject.startswith(("règlement", "acte")) else "la ")
        subject = f"{article}{subject}"
        if self.repealed_by:
            by = ", ".join(c.by_label for c in self.repealed_by)
            return f"Attention : {subject} a été abrogée ou remplacée par {by} : elle n'est plus en vigueur."
        by = ", ".join(c.by_label for c in self.amended_by)
        return f"Attention : {subject} a été modifiée par {by} : vérifiez la version en vigueur."


def save(conn: sqlite3.Connection, doc_id: str, info: ActInfo) -> None:
    """Replace what the catalogue knows of one document's act structure (inside the caller's transaction)."""
    conn.execute("DELETE FROM act_links WHERE doc_id = ?", (doc_id,))
    conn.execute("INSERT INTO acts(doc_id, kind, number, act_date, procurement, info) VALUES (?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT(doc_id) DO UPDATE SET kind = excluded.kind, number = excluded.number, "
                 "act_date = excluded.act_date, procurement = excluded.procurement, info = excluded.info",
                 (doc_id, info.kind, info.number, info.date, info.procurement, info.to_json()))
    conn.executemany("INSERT INTO act_links(doc_id, relation, kind, number, act_date) VALUES (?, ?, ?, ?, ?)",
                     [(doc_id, link.relation, link.kind, link.number, link.date) for link in info.links])


def forget(conn: sqlite3.Connection, doc_id: str) -> None:
    conn.execute("DELETE FROM act_links WHERE doc_id = ?", (doc_id,))
    conn.execute("DELETE FROM acts WHERE doc_id = ?", (doc_id,))


def copy(conn: sqlite3.Connection, from_id: str, to_id: str) -> None:
    """A copy of a file is the same act: same structure, same links."""
    conn.execute("DELETE FROM act_links WHERE doc_id = ?", (to_id,))
    conn.execute("INSERT OR REPLACE INTO acts(doc_id, kind, number, act_date, procurement, info) "
                 "SELECT ?, kind, number, act_date, procurement, info FROM acts WHERE doc_id = ?", (to_id, from_id))
    conn.execute("INSERT INTO act_links(doc_id, relation, kind, number, act_date) "
                 "SELECT ?, relation, kind, number, act_date FROM act_links WHERE doc_id = ?", (to_id, from_id))


def backfill(catalog) -> int:
    """Extract the act structure of documents indexed before the catalogue knew about acts (an upgrade)."""
    rows = catalog.conn.execute(
        "SELECT d.id, d.title, d.doc_type, d.path FROM documents d WHERE d.status = 'indexed' "
        "AND NOT EXISTS (SELECT 1 FROM acts a WHERE a.doc_id = d.id)").fetchall()
    for doc_id, title, doc_type, path in rows:
        text = "\n".join(r["text"] for r in catalog.chunks_of(doc_id))
        info = extract(text, title=title or "", doc_type=doc_type or "", filename=path.rsplit("/", 1)[-1])
        with catalog.tx() as conn:
            save(conn, doc_id, info)
    return len(rows)


def numbers_of(conn: sqlite3.Connection, doc_ids: list[str]) -> dict[str, str]:
    """Act number of each of ``doc_ids`` that has one (no parsing of the stored structure)."""
    if not doc_ids:
        return {}
    marks = ",".join("?" for _ in doc_ids)
    return dict(conn.execute(f"SELECT doc_id, number FROM acts WHERE number != '' AND doc_id IN ({marks})",
                             doc_ids).fetchall())


def procurement_docs(conn: sqlite3.Connection, procurement: str) -> list[str]:
    """Documents of one consultation ("2025-AOO-03")."""
    return [r[0] for r in conn.execute("SELECT doc_id FROM acts WHERE procurement = ?",
                                       (procurement.strip().upper(),))]


def procurements(conn: sqlite3.Connection) -> list[str]:
    """Consultation numbers of the indexed procurement files (the app's filter list)."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT a.procurement FROM acts a JOIN documents d ON d.id = a.doc_id "
        "WHERE d.status = 'indexed' AND a.procurement != '' ORDER BY 1")]


def info_of(conn: sqlite3.Connection, doc_ids: list[str]) -> dict[str, ActInfo]:
    if not doc_ids:
        return {}
    marks = ",".join("?" for _ in doc_ids)
    rows = conn.execute(f"SELECT doc_id, info FROM acts WHERE doc_id IN ({marks})", doc_ids).fetchall()
    return {r[0]: ActInfo.from_json(r[1]) for r in rows}


# "+sd.status": keeps SQLite from starting at every indexed document (the status index) instead of the few
# candidate acts (measured at 100k passages: 300 ms -> 0.7 ms, bench/latency.py).
_CHANGES_SELECT = """
SELECT a.doc_id, l.relation, l.doc_id, sa.kind, sa.number, sa.act_date, sd.title
FROM acts a
CROSS JOIN act_links l ON {join}
JOIN acts sa ON sa.doc_id = l.doc_id
JOIN documents sd ON sd.id = l.doc_id
JOIN documents td ON td.id = a.doc_id
WHERE l.doc_id != a.doc_id AND +sd.status = 'indexed'
  AND (sa.act_date = '' OR td.doc_date IS NULL OR sa.act_date >= substr(td.doc_date, 1, 10))
"""
# Two joins (by number, by kind and date) rather than one OR, so that each uses an index.
_BY_NUMBER = _CHANGES_SELECT.format(join="l.number = a.number AND a.number != ''")
_BY_DATE = _CHANGES_SELECT.format(join="l.number = '' AND a.act_date != '' AND l.act_date = a.act_date "
                                       "AND l.kind = a.kind")


def _changes(conn: sqlite3.Connection, where: str, params: list, spaces: list[str] | None) -> list[tuple]:
    if spaces is not None:
        where += f" AND sd.space IN ({','.join('?' for _ in spaces) or 'NULL'})"
        params = [*params, *spaces]
    out: list[tuple] = []
    for select in (_BY_NUMBER, _BY_DATE):
        out += conn.execute(select + where, params).fetchall()
    return out


def statuses(conn: sqlite3.Connection, doc_ids: list[str], spaces: list[str] | None = None) -> dict[str, Status]:
    """Status of each of ``doc_ids`` that another readable act amends or repeals (others: absent = in force)."""
    if not doc_ids:
        return {}
    marks = ",".join("?" for _ in doc_ids)
    found: dict[str, tuple[list[Change], list[Change]]] = {}
    for target, relation, by, kind, number, when, title in _changes(conn, f" AND a.doc_id IN ({marks})",
                                                                     list(doc_ids), spaces):
        repealed, amended = found.setdefault(target, ([], []))
        change = Change(relation, by, kind, number, when, title or "")
        (repealed if relation == "repeals" else amended).append(change)
    return {d: Status(d, tuple(sorted(set(r), key=lambda c: c.by_date)), tuple(sorted(set(a), key=lambda c: c.by_date)))
            for d, (r, a) in found.items()}


def repealed_ids(conn: sqlite3.Connection, spaces: list[str] | None = None) -> list[str]:
    """Every indexed document repealed or replaced by another readable act (for the "in force" filter)."""
    rows = _changes(conn, " AND l.relation = 'repeals'", [], spaces)
    return sorted({r[0] for r in rows})
