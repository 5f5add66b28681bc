"""Structure extraction measured on the sample corpus: document type, act number (or consultation), and the
acts each one amends or repeals, against corpus/manifest.jsonl (written by hand, independently of the rules)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from indexer import acts, doctype
from indexer.chunking import chunk_pages
from indexer.readers import read
from indexer.parse import _title

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
MANIFEST = [json.loads(line) for line in (CORPUS / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
KNOWN = {m["number"] for m in MANIFEST if m.get("number")}


@lru_cache(maxsize=None)
def structure(rel: str) -> tuple[str, acts.ActInfo]:
    """What the indexer extracts (same steps as indexer.sync: first page for the type, chunks for the act)."""
    path = CORPUS / rel
    doc = read(path)
    pages = list(doc.pages)
    title = _title(doc.title, pages[0], path)
    kind = doctype.guess(path.name, title, pages[0].text)
    text = "\n".join(c.text for c in chunk_pages(pages))
    return kind, acts.extract(text, title=title, doc_type=kind, filename=path.name)


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda m: Path(m["path"]).name)
def test_type_number_and_links_of_every_document(entry):
    kind, info = structure(entry["path"])
    assert kind == entry["type"]
    if entry.get("number"):
        assert entry["number"] in (info.number, info.procurement)
    links = {(link.relation, link.number) for link in info.links if link.number in KNOWN}
    expected = {("repeals", n) for n in entry["repeals"]} | {("amends", n) for n in entry["amends"]}
    assert links == expected


@pytest.mark.parametrize("entry", [m for m in MANIFEST if m["type"] == "deliberation" and not m.get("scan")],
                         ids=lambda m: Path(m["path"]).name)
def test_every_deliberation_has_its_session_date_and_vote(entry):
    _, info = structure(entry["path"])
    assert info.date == entry["date"]
    assert info.objet
    assert info.vote.get("for", 0) + info.vote.get("against", 0) + info.vote.get("abstentions", 0) > 0 or info.unanimous
    assert info.transmitted and info.published
