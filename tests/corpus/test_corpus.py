"""Consistency tests for the sample corpus (corpus/manifest.jsonl, corpus/questions.jsonl).

Text is extracted with plain pypdf / python-docx / odfpy, independently of corpus/build.py.
DOCX/ODT "pages" are sections (corpus/FORMAT.md): a level 1 or 2 heading starts a new
section unless the current section is still empty.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"
FORMATS = ("pdf", "docx", "odt")
PROFILE_SPACES = {
    "agent": {"general"},
    "rh": {"general", "rh"},
    "juridique": {"general", "juridique"},
    "admin": {"general", "rh", "juridique"},
}


def norm(text: str) -> str:
    return " ".join(text.split())


def load_jsonl(path: Path) -> list:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def manifest() -> list:
    return load_jsonl(CORPUS / "manifest.jsonl")


@pytest.fixture(scope="module")
def questions() -> list:
    return load_jsonl(CORPUS / "questions.jsonl")


# ---------------------------------------------------------------- text extraction

def _pdf_pages(path: Path) -> list:
    from pypdf import PdfReader
    return [p.extract_text() or "" for p in PdfReader(str(path)).pages]


def _sections(units) -> list:
    sections = [[]]
    for is_break, txt in units:
        if is_break and any(s.strip() for s in sections[-1]):
            sections.append([])
        sections[-1].append(txt)
    return ["\n".join(s) for s in sections]


def _docx_sections(path: Path) -> list:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    d = docx.Document(str(path))
    units = []
    for el in d.element.body.iterchildren():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "p":
            par = Paragraph(el, d)
            style = par.style.name if par.style is not None else ""
            units.append((style in ("Title", "Heading 1", "Heading 2"), par.text))
        elif tag == "tbl":
            rows = Table(el, d).rows
            units.append((False, "\n".join(" | ".join(c.text for c in r.cells) for r in rows)))
    return _sections(units)


def _odt_node_text(node) -> str:
    from odf import teletype
    from odf.namespaces import TABLENS, TEXTNS
    if node.nodeType != node.ELEMENT_NODE:
        return ""
    if node.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
        return teletype.extractText(node) + "\n"
    sep = " | " if node.qname == (TABLENS, "table-row") else ""
    return sep.join(_odt_node_text(c) for c in node.childNodes)


def _odt_sections(path: Path) -> list:
    from odf.namespaces import TEXTNS
    from odf.opendocument import load
    units = []
    for node in load(str(path)).text.childNodes:
        if node.nodeType != node.ELEMENT_NODE or node.qname[1] in ("sequence-decls",
                                                                   "tracked-changes"):
            continue
        is_break = (node.qname == (TEXTNS, "h")
                    and str(node.getAttrNS(TEXTNS, "outline-level")) in ("1", "2"))
        units.append((is_break, _odt_node_text(node)))
    return _sections(units)


@lru_cache(maxsize=None)
def unit_texts(rel: str) -> tuple:
    path = CORPUS / rel
    ext = path.suffix.lower()
    if ext == ".pdf":
        texts = _pdf_pages(path)
    elif ext == ".docx":
        texts = _docx_sections(path)
    elif ext == ".odt":
        texts = _odt_sections(path)
    else:
        raise ValueError(rel)
    return tuple(norm(t) for t in texts)


# ---------------------------------------------------------------- counts

def test_document_counts(manifest):
    types = Counter(d["type"] for d in manifest)
    assert len(manifest) >= 60, f"only {len(manifest)} documents"
    pages = sum(d["pages"] for d in manifest)
    assert pages >= 300, f"only {pages} PDF pages + DOCX/ODT sections"
    assert types["deliberation"] >= 25, f"only {types['deliberation']} deliberations"
    assert types["reglement"] + types["arrete"] >= 6, "fewer than 6 règlements + arrêtés"
    assert {"pdf", "docx", "odt"} <= {d["format"] for d in manifest}
    assert sum(1 for d in manifest if d["scan"]) >= 2, "fewer than 2 scans"
    assert {"general", "rh", "juridique"} <= {d["space"] for d in manifest}


def test_complete_procurement_files(manifest):
    needed = {"marche-rc", "marche-ccap", "marche-cctp", "marche-rao", "marche-notification"}
    by_proc: dict = {}
    for d in manifest:
        if d["procurement"]:
            by_proc.setdefault(d["procurement"], set()).add(d["type"])
    complete = sorted(p for p, t in by_proc.items() if needed <= t)
    assert len(complete) >= 2, f"complete procurement files: {complete}; all: {by_proc}"


# ---------------------------------------------------------------- manifest consistency

def test_manifest_fields_and_order(manifest):
    keys = ["path", "format", "type", "space", "title", "date", "number", "amends", "repeals",
            "procurement", "scan", "pages"]
    for d in manifest:
        assert list(d) == keys, d["path"]
        assert d["format"] == d["path"].rsplit(".", 1)[-1]
        assert d["pages"] >= 1, d["path"]
    paths = [d["path"] for d in manifest]
    assert paths == sorted(paths), "manifest must be sorted by path"
    assert len(set(paths)) == len(paths), "duplicate paths in manifest"


def test_manifest_paths_exist_and_cover_all_files(manifest):
    listed = {d["path"] for d in manifest}
    missing = sorted(p for p in listed if not (CORPUS / p).is_file())
    assert not missing, f"manifest paths that do not exist: {missing}"
    on_disk = set()
    for ext in FORMATS:
        for p in CORPUS.rglob(f"*.{ext}"):
            rel = p.relative_to(CORPUS)
            if rel.parts[0] != "src":
                on_disk.add(rel.as_posix())
    unlisted = sorted(on_disk - listed)
    assert not unlisted, f"rendered files missing from the manifest: {unlisted}"


def test_manifest_page_counts(manifest):
    wrong = [(d["path"], d["pages"], len(unit_texts(d["path"]))) for d in manifest
             if len(unit_texts(d["path"])) != d["pages"]]
    assert not wrong, f"(path, manifest pages, actual) mismatches: {wrong}"


def test_amends_and_repeals_reference_existing_numbers(manifest):
    numbers = {d["number"] for d in manifest if d["number"]}
    dangling = [(d["path"], key, n) for d in manifest for key in ("amends", "repeals")
                for n in d[key] if n not in numbers]
    assert not dangling, f"references to unknown act numbers: {dangling}"


def test_scans_have_no_text_layer(manifest):
    scans = [d for d in manifest if d["scan"]]
    for d in scans:
        assert d["format"] == "pdf"
        texts = unit_texts(d["path"])
        assert all(not t.strip() for t in texts), f"{d['path']} has extractable text"
        assert (CORPUS / d["path"]).stat().st_size < 2_000_000, f"{d['path']} is too large"


# ---------------------------------------------------------------- golden questions

def test_question_set_shape(questions):
    assert len(questions) >= 100, f"only {len(questions)} questions"
    ids = [q["id"] for q in questions]
    dupes = [i for i, c in Counter(ids).items() if c > 1]
    assert not dupes, f"duplicate ids: {dupes}"
    unanswerable = [q for q in questions if q["type"] == "unanswerable"]
    assert len(unanswerable) >= 12, f"only {len(unanswerable)} unanswerable questions"
    assert all(q["expected"] == [] and q["key_figures"] == [] for q in unanswerable)
    restricted = [q for q in questions if q["type"] == "restricted"]
    assert len(restricted) >= 8, f"only {len(restricted)} restricted questions"
    assert all(q.get("space") in ("rh", "juridique") for q in restricted)


def test_question_fields(questions):
    for q in questions:
        assert q["profile"] in PROFILE_SPACES, q["id"]
        assert q["question"].strip() and q["answer"].strip(), q["id"]
        if q["type"] != "unanswerable":
            assert q["expected"], f"{q['id']}: no expected page"


def test_expected_pages_are_valid(manifest, questions):
    docs = {d["path"]: d for d in manifest}
    problems = []
    for q in questions:
        for e in q["expected"]:
            d = docs.get(e["path"])
            if d is None:
                problems.append(f"{q['id']}: {e['path']} not in manifest")
            elif d["scan"]:
                problems.append(f"{q['id']}: {e['path']} is a scan")
            elif not 1 <= e["page"] <= d["pages"]:
                problems.append(f"{q['id']}: page {e['page']} out of range for {e['path']}")
    assert not problems, "\n".join(problems)


def test_expected_spaces_match_profiles(manifest, questions):
    docs = {d["path"]: d for d in manifest}
    problems = []
    for q in questions:
        spaces = {docs[e["path"]]["space"] for e in q["expected"] if e["path"] in docs}
        if q["type"] == "restricted":
            if q.get("space") not in spaces:
                problems.append(f"{q['id']}: restricted to {q.get('space')} but expected "
                                f"documents are in {sorted(spaces)}")
            if q.get("space") not in PROFILE_SPACES[q["profile"]]:
                problems.append(f"{q['id']}: profile {q['profile']} cannot read {q.get('space')}")
        elif not spaces <= PROFILE_SPACES[q["profile"]]:
            problems.append(f"{q['id']}: profile {q['profile']} cannot read {sorted(spaces)}")
    assert not problems, "\n".join(problems)


def test_key_figures_on_expected_pages(manifest, questions):
    """Each key figure appears (whitespace-normalised) on an expected page (FORMAT.md)."""
    problems = []
    for q in questions:
        pages = [unit_texts(e["path"])[e["page"] - 1] for e in q["expected"]
                 if (CORPUS / e["path"]).exists() and e["page"] <= len(unit_texts(e["path"]))]
        for fig in q["key_figures"]:
            if not any(norm(fig) in p for p in pages):
                problems.append(f"{q['id']}: key figure {fig!r} on none of {q['expected']}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------- reproducible build

@pytest.mark.slow
def test_build_is_reproducible():
    proc = subprocess.run([sys.executable, str(CORPUS / "build.py"), "--check"],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
