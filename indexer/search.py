"""Hybrid retrieval: SQLite FTS5 (bm25) and Chroma (dense), fused by reciprocal rank.

Filters (spaces, document types, date range) are applied inside both
queries, never on a truncated top-k, so a restricted passage can never take
a slot nor leak.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import acts, asks, legal, textnorm
from .store import Store


_YEAR = re.compile(r"\b(20[0-4]\d|19[5-9]\d)\b(?![-_/]\d)")  # a year, not the start of an act number
_NUMBER_IN_QUERY = re.compile(r"\b(?:[A-Z]{1,4}[-_])?(?:19|20)\d\d[-_/][A-Z]{0,4}-?\d{1,4}\b", re.IGNORECASE)

# A numbered part of a document: « lot 1 », « Lot : 2 » (a table), « article 11 », « catégorie C », and lists of
# them (« lots 1 et 3 », « lots 1 à 3 », « catégories B et C »). Not « article 4.1 » nor « article L. 2121-14 »,
# which name no sibling in the same document.
_ONE = r"(?:\d{1,3}|(?-i:[ABC]))\b(?![.,]?\d)"  # categories in capitals: not « catégorie a droit »
_PART = re.compile(rf"\b(lot|article|cat[ée]gorie)s?\s*:?\s+(?:n[°o]\s*)?({_ONE}(?:\s*(?:,|et|ou|à)\s*{_ONE})*)",
                   re.IGNORECASE)
_RANGE = re.compile(r"(\d{1,3})\s*à\s*(\d{1,3})", re.IGNORECASE)


def numbered_parts(text: str) -> dict[str, set[str]]:
    """The numbered parts ``text`` names, by kind: « lots 1 à 3 et le lot 5 » → {"lot": {"1", "2", "3", "5"}}."""
    out: dict[str, set[str]] = {}
    for kind, listed in _PART.findall(text):
        numbers = out.setdefault(textnorm.strip_accents(kind.lower()), set())
        for a, b in _RANGE.findall(listed):
            if int(a) < int(b) <= int(a) + 50:
                numbers.update(str(n) for n in range(int(a), int(b) + 1))
        numbers.update(re.findall(r"\d{1,3}|\b[ABC]\b", listed))
    return out


@dataclass
class Filters:
    spaces: list[str] | None = None  # None: every space (admin / CLI); [] : nothing
    types: list[str] | None = None
    since: date | None = None
    until: date | None = None
    in_force: bool = False  # leave out acts that a later readable act repealed or replaced
    procurement: str | None = None  # only the documents of this consultation ("2025-AOO-03")
    # Resolved by the Searcher from in_force / procurement before both queries run:
    exclude_docs: list[str] | None = None
    only_docs: list[str] | None = None

    def sql(self, alias: str = "c") -> tuple[str, list[Any]]:
        clauses, params = [], []
        if self.exclude_docs:
            clauses.append(f"{alias}.doc_id NOT IN ({','.join('?' for _ in self.exclude_docs)})")
            params += self.exclude_docs
        if self.only_docs is not None:
            clauses.append(f"{alias}.doc_id IN ({','.join('?' for _ in self.only_docs) or 'NULL'})")
            params += self.only_docs
        if self.spaces is not None:
            clauses.append(f"{alias}.space IN ({','.join('?' for _ in self.spaces) or 'NULL'})")
            params += self.spaces
        if self.types:
            clauses.append(f"{alias}.doc_type IN ({','.join('?' for _ in self.types)})")
            params += self.types
        if self.since:
            clauses.append(f"{alias}.date_num >= ?")
            params.append(int(self.since.strftime("%Y%m%d")))
        if self.until:
            clauses.append(f"{alias}.date_num <= ?")
            params.append(int(self.until.strftime("%Y%m%d")))
        return (" AND " + " AND ".join(clauses)) if clauses else "", params

    def chroma(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.exclude_docs:
            clauses.append({"doc_id": {"$nin": list(self.exclude_docs)}})
        if self.only_docs is not None:
            clauses.append({"doc_id": {"$in": list(self.only_docs) or ["\x00none"]}})
        if self.spaces is not None:
            clauses.append({"space": {"$in": list(self.spaces) or ["\x00none"]}})
        if self.types:
            clauses.append({"doc_type": {"$in": list(self.types)}})
        if self.since:
            clauses.append({"date_num": {"$gte": int(self.since.strftime("%Y%m%d"))}})
        if self.until:
            clauses.append({"date_num": {"$lte": int(self.until.strftime("%Y%m%d"))}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}


@dataclass
class Hit:
    chunk_id: str
    doc_id: str
    path: str
    title: str
    page: int
    page_label: str
    section: str
    text: str
    score: float
    doc_type: str
    doc_date: str
    space: str
    unit: str = "page"
    label: str = ""  # "Délibération n° 2024-037 du 18 juin 2024, article 2" when the structure is known
    repealed: bool = False  # a later readable act repealed or replaced this one
    legal_warning: str = ""  # French sentence: repealed / amended by which act
    continued: bool = False  # the text holds the next passage of the page too (see AnswerService)
    context: str = ""  # the headings above the section (« Titre IV — Autorisations spéciales d'absence »)
    ranks: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)  # raw score per retriever (dense: cosine)

    def to_json(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "path": self.path, "page": self.page, "score": round(self.score, 6),
                "text": self.text, "title": self.title, "page_label": self.page_label, "section": self.section,
                "doc_type": self.doc_type, "date": self.doc_date, "space": self.space, "chunk_id": self.chunk_id,
                "label": self.label, "repealed": self.repealed, "legal_warning": self.legal_warning}


class Searcher:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.settings = store.settings.search

    def _stored_terms(self, chunk_ids: list[str]) -> dict[str, frozenset[str]]:
        """Stemmed words of passages, as FTS5 already stores them (no stemming at query time)."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" for _ in chunk_ids)
        rows = self.store.catalog.conn.execute(
            f"SELECT c.id, f.body FROM chunks c JOIN chunks_fts f ON f.rowid = c.rowid WHERE c.id IN ({marks})",
            chunk_ids).fetchall()
        return {cid: frozenset((body or "").split()) for cid, body in rows}

    def resolve(self, filters: Filters) -> Filters:
        """Turn the "in force" and procurement filters into document lists applied inside both queries."""
        conn = self.store.catalog.conn
        exclude = only = None
        if filters.in_force:
            exclude = legal.repealed_ids(conn, filters.spaces)
        if filters.procurement:
            only = legal.procurement_docs(conn, filters.procurement)
        return dataclasses.replace(filters, exclude_docs=exclude, only_docs=only)

    def common_terms(self, query: str) -> frozenset[str]:
        """Query terms too common to be worth ranking (``search.common_term_share``), the rarest kept."""
        share = self.settings.common_term_share
        if share >= 1.0:
            return frozenset()
        terms = textnorm.query_terms(query)
        if len(terms) < 2:
            return frozenset()
        df, total = self.store.catalog.term_frequencies(terms)  # whole index, cached per generation
        if total < self.settings.common_term_min_passages:
            return frozenset()
        common = {t for t in terms if df.get(t, 0) > share * total}
        if len(common) == len(terms):
            common.discard(min(terms, key=lambda t: df.get(t, 0)))
        return frozenset(common)

    def lexical(self, query: str, n: int, filters: Filters) -> list[tuple[str, float]]:
        match = textnorm.fts_query(query, drop=self.common_terms(query))
        if not match:
            return []
        where, params = filters.sql("c")
        w = self.settings.bm25_weights
        bm25 = f"bm25(chunks_fts, {float(w[0])}, {float(w[1])}, {float(w[2])})"
        conn = self.store.catalog.conn
        # Fast path: rank in FTS5 alone, then filter the best 4n. When at least n of them pass the filters,
        # they are exactly the n best passages that pass (same order): the join is paid for 4n rows, not for
        # every match. Otherwise (a profile that may read little of what matches), the full query.
        fast = (f"SELECT c.id, f.s FROM (SELECT rowid, {bm25} AS s FROM chunks_fts WHERE chunks_fts MATCH ? "
                "ORDER BY s LIMIT ?) f JOIN chunks c ON c.rowid = f.rowid JOIN documents d ON d.id = c.doc_id "
                f"WHERE d.status = 'indexed'{where} ORDER BY f.s LIMIT ?")
        rows = conn.execute(fast, [match, 4 * n, *params, n]).fetchall()
        if len(rows) < n:
            full = (f"SELECT c.id, {bm25} AS s FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
                    "JOIN documents d ON d.id = c.doc_id "
                    f"WHERE chunks_fts MATCH ? AND d.status = 'indexed'{where} ORDER BY s LIMIT ?")
            rows = conn.execute(full, [match, *params, n]).fetchall()
        return [(r[0], -float(r[1])) for r in rows]

    def dense(self, query: str, n: int, filters: Filters) -> list[tuple[str, float]]:
        self.store.check_model()
        vector = self.store.embedder.embed([query])[0]
        hits = self.store.fresh_vectors().query(vector, n, filters.chroma())
        return [(cid, 1.0 - dist) for cid, dist in hits]

    def _asked_kind_bonus(self, query: str, order: list[str], fused: dict[str, float],
                          rows: dict) -> dict[str, float]:
        """The fusion scores, where the question asks for an amount, a number or a date, raised for those of the
        30 best passages that hold one (``search.asked_kind_bonus`` of a first rank's score): « Combien la
        commune verse-t-elle pour la prévoyance ? » is answered by the passage with « 25 € par mois », not by
        the one that explains the contract."""
        kinds = [k for k in asks.asked_kinds(query) if k in asks.RANKED_KINDS]
        if not kinds or not self.settings.asked_kind_bonus:
            return fused
        bonus = self.settings.asked_kind_bonus / (self.settings.rrf_k + 1)
        out = dict(fused)
        for c in order[:30]:
            if c not in rows:
                continue
            text = rows[c]["text"]
            nxt = self.store.catalog.continuation(c, text)  # shown with it (AnswerService._continued)
            if nxt is not None:
                text = f"{text} {nxt['text']}"
            if any(asks.holds(k, text) for k in kinds):
                out[c] += bonus
        return out

    def _other_part_penalty(self, query: str, order: list[str], fused: dict[str, float],
                            rows: dict) -> dict[str, float]:
        """The fusion scores, where the question names a numbered part (« pour le lot 1 »), lowered for those of
        the 30 best passages that name only other parts of that kind (« Analyse du lot 2 »), in their text or the
        headings above them (``search.other_part_penalty`` of a first rank's score)."""
        asked = numbered_parts(query)
        if not asked or not self.settings.other_part_penalty:
            return fused
        penalty = self.settings.other_part_penalty / (self.settings.rrf_k + 1)
        out = dict(fused)
        for c in order[:30]:
            row = rows.get(c)
            if row is None:
                continue
            named = numbered_parts(" ".join((row["context"] or "", row["section"] or "", row["text"])))
            if any(named.get(kind) and not (named[kind] & numbers) for kind, numbers in asked.items()):
                out[c] -= penalty
        return out

    def _temporal_rerank(self, query: str, order: list[str], fused: dict[str, float], rows: dict,
                         repealed: set[str] | None = None, named: set[str] | None = None) -> list[str]:
        """Dates matter in an archive of acts that amend acts.

        A year named in the question favours passages of that year. Otherwise, "what applies now" is the
        default reading of a question: passages of an act that a later act repealed go down, and among
        near-duplicate passages of different documents (a tariff renewed each year, a FAQ re-issued), the
        most recent document comes first. An act the question names by its number ("la délibération
        2024-037") comes before the acts that merely mention it.
        """
        head = [c for c in order[:30] if c in rows]
        if len(head) < 2:
            return order
        years = set(_YEAR.findall(query))
        score = dict(fused)
        bonus = 1.0 / (self.settings.rrf_k + 1)
        for c in head:
            if named and rows[c]["doc_id"] in named:
                score[c] += bonus
        if repealed and not years:
            for c in head:
                if rows[c]["doc_id"] in repealed:
                    score[c] -= bonus
        if years:
            for c in head:
                r = rows[c]
                # « Compte administratif 2024 », voted in 2025: the title names the year the act is about
                words = " ".join((r["title"] or "", r["context"] or "", r["text"]))
                if (r["doc_date"] or "")[:4] in years or any(y in words for y in years):
                    score[c] += bonus
        else:
            stored = self._stored_terms(head)
            terms = {c: stored.get(c, frozenset()) for c in head}
            for i, a in enumerate(head):
                for b in head[i + 1:]:
                    ra, rb = rows[a], rows[b]
                    if ra["doc_id"] == rb["doc_id"] or not ra["doc_date"] or not rb["doc_date"]:
                        continue
                    if ra["doc_date"] == rb["doc_date"]:
                        continue
                    ta, tb = terms[a], terms[b]
                    if not (ta and tb) or len(ta & tb) < self.settings.near_duplicate * len(ta | tb):
                        continue
                    old, new = (a, b) if ra["doc_date"] < rb["doc_date"] else (b, a)
                    if named and rows[old]["doc_id"] in named:
                        continue  # the question asks for that act
                    if score[old] >= score[new]:
                        score[new], score[old] = score[old] + 1e-6, score[new]
        return sorted(order, key=lambda c: -score.get(c, 0.0))

    def search(self, query: str, k: int | None = None, filters: Filters | None = None,
               mode: str = "hybrid") -> list[Hit]:
        k = k or self.settings.k
        filters = self.resolve(filters or Filters())
        n = max(self.settings.candidates, k)
        rankings: dict[str, list[tuple[str, float]]] = {}
        if mode in ("hybrid", "lexical"):
            rankings["lexical"] = self.lexical(query, n, filters)
        if mode in ("hybrid", "dense"):
            rankings["dense"] = self.dense(query, n, filters)
        weights = {"lexical": self.settings.lexical_weight, "dense": self.settings.dense_weight}
        fused: dict[str, float] = {}
        ranks: dict[str, dict[str, int]] = {}
        raw: dict[str, dict[str, float]] = {}
        for name, ranking in rankings.items():
            for rank, (cid, score) in enumerate(ranking, start=1):
                fused[cid] = fused.get(cid, 0.0) + weights[name] / (self.settings.rrf_k + rank)
                ranks.setdefault(cid, {})[name] = rank
                raw.setdefault(cid, {})[name] = score
        order = sorted(fused, key=lambda c: -fused[c])
        rows = self.store.catalog.chunk_rows(order[: n * 2])
        candidates = sorted({r["doc_id"] for r in rows.values()})
        statuses = legal.statuses(self.store.catalog.conn, candidates, filters.spaces)
        asked = {acts.normalize_number(m) for m in _NUMBER_IN_QUERY.findall(query)}
        named = {d for d, number in legal.numbers_of(self.store.catalog.conn, candidates).items()
                 if number in asked} if asked else set()
        repealed = {d for d, st in statuses.items() if not st.in_force and d not in named}
        scores = self._other_part_penalty(query, order, self._asked_kind_bonus(query, order, fused, rows), rows)
        order = self._temporal_rerank(query, order, scores, rows, repealed, named)
        hits: list[Hit] = []
        per_doc: dict[str, int] = {}
        per_page: dict[tuple[str, int], int] = {}  # PDF pages
        seen_text: set[str] = set()
        for cid in order:
            row = rows.get(cid)
            if row is None or row["status"] != "indexed":
                continue  # written by an interrupted run, or removed since
            fingerprint = hashlib.sha1(" ".join(row["text"].split()).lower().encode()).hexdigest()
            if fingerprint in seen_text:
                continue  # the same passage in a copy of a document
            if per_doc.get(row["doc_id"], 0) >= self.settings.max_per_document:
                continue
            # Pages only: a DOCX/ODT without headings is one long "section", which a cap would reduce to one passage.
            page_key = (row["doc_id"], row["page_start"]) if (row["unit"] or "page") == "page" else None
            if page_key and self.settings.max_per_page and per_page.get(page_key, 0) >= self.settings.max_per_page:
                continue
            seen_text.add(fingerprint)
            per_doc[row["doc_id"]] = per_doc.get(row["doc_id"], 0) + 1
            if page_key:
                per_page[page_key] = per_page.get(page_key, 0) + 1
            status = statuses.get(row["doc_id"])
            hits.append(Hit(chunk_id=cid, doc_id=row["doc_id"], path=row["path"], title=row["title"] or "",
                            page=row["page_start"], page_label=row["page_label"] or str(row["page_start"]),
                            section=row["section"] or "", context=row["context"] or "", text=row["text"],
                            score=fused[cid],
                            doc_type=row["doc_type"] or "", doc_date=row["doc_date"] or "", space=row["space"],
                            unit=row["unit"] or "page", repealed=bool(status and not status.in_force),
                            ranks=ranks.get(cid, {}), scores=raw.get(cid, {})))
            if len(hits) >= k:
                break
        # Labels and warnings for the passages kept only (the stored act structure is parsed per document).
        infos = legal.info_of(self.store.catalog.conn, sorted({h.doc_id for h in hits}))
        for hit in hits:
            info = infos.get(hit.doc_id, acts.ActInfo())
            hit.label = acts.citation_label(info, hit.title, hit.section, hit.doc_type)
            status = statuses.get(hit.doc_id)
            hit.legal_warning = status.warning(info.label() or hit.title) if status else ""
        return hits
