"""Test-wide fixtures: a private data dir per test, and no network.

Tests run offline: an audit hook refuses every connection that is not to
loopback, so a library that tries to phone home fails the test loudly.
"""

from __future__ import annotations

import gc
import ipaddress
import json
import socket
import sys
from pathlib import Path

import pytest

import indexer  # noqa: F401 - sets ORT_DISABLE_TELEMETRY before anything loads onnxruntime

_OUTSIDE: list[tuple[str, object]] = []


def _offline_hook(event: str, args: tuple) -> None:
    if event != "socket.connect":
        return
    sock, address = args[0], args[1]
    if getattr(sock, "family", None) == socket.AF_UNIX or not isinstance(address, tuple):
        return
    try:
        if ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback:
            return
    except ValueError:
        pass
    _OUTSIDE.append((str(address[0]), address[1]))
    raise ConnectionRefusedError(f"tests run offline: connection to {address} refused")


sys.addaudithook(_offline_hook)


@pytest.fixture(autouse=True)
def passeur_home(tmp_path, monkeypatch):
    """Every test gets its own PASSEUR_HOME (catalogue, vectors, passeur.toml)."""
    home = tmp_path / "passeur-home"
    home.mkdir()
    monkeypatch.setenv("PASSEUR_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def _no_outside_connection():
    before = len(_OUTSIDE)
    yield
    assert _OUTSIDE[before:] == [], f"a connection outside loopback was attempted: {_OUTSIDE[before:]}"


@pytest.fixture(autouse=True)
def _collect_leaks():
    """Collect garbage after each test, so that an unclosed socket or file fails the test that
    leaked it (ResourceWarning is an error) rather than whichever test the collector runs in."""
    yield
    gc.collect()


class FileMaker:
    """Writes real PDF / DOCX / ODT / text files for tests."""

    def __init__(self, root):
        self.root = root

    def pdf(self, name: str, pages: list[str], labels: list[str] | None = None, password: str | None = None,
            title: str | None = None):
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        if title:
            c.setTitle(title)
        for text in pages:
            y = 800
            for line in text.splitlines():
                for piece in _wrap(line, 95):
                    c.drawString(50, y, piece)
                    y -= 14
            c.showPage()
        c.save()
        if labels or password is not None:
            import pypdf

            writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(str(path)))
            if labels:  # front matter in roman numerals, then 1, 2, ...
                writer.set_page_label(0, len(labels) - 1, style="/r")
                if len(pages) > len(labels):
                    writer.set_page_label(len(labels), len(pages) - 1, style="/D", start=1)
            if password is not None:
                writer.encrypt(user_password=password, owner_password="owner-secret", algorithm="AES-128")
            with open(path, "wb") as fh:
                writer.write(fh)
        return path

    def image_pdf(self, name: str, pages: int = 2):
        """A scanned-like PDF: pages carry only drawings, no text layer."""
        from reportlab.lib.pagesizes import A4
        from reportlab.pdfgen import canvas

        path = self.root / name
        c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        for i in range(pages):
            for j in range(40):
                c.rect(50 + (j % 5) * 90, 100 + j * 16, 80, 8, fill=1)
            c.showPage()
        c.save()
        return path

    def docx(self, name: str, sections: list[tuple[str, list[str]]], title: str | None = None):
        import docx

        d = docx.Document()
        if title:
            d.core_properties.title = title
        for heading, paragraphs in sections:
            d.add_heading(heading, level=1)
            for p in paragraphs:
                d.add_paragraph(p)
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        d.save(str(path))
        return path

    def odt(self, name: str, sections: list[tuple[str, list[str]]]):
        from odf.opendocument import OpenDocumentText
        from odf.text import H, P

        d = OpenDocumentText()
        for heading, paragraphs in sections:
            d.text.addElement(H(outlinelevel=1, text=heading))
            for p in paragraphs:
                d.text.addElement(P(text=p))
        path = self.root / name
        d.save(str(path))
        return path

    def text(self, name: str, content: str, encoding: str = "utf-8"):
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode(encoding))
        return path

    def raw(self, name: str, data: bytes):
        path = self.root / name
        path.write_bytes(data)
        return path


def _wrap(line: str, width: int) -> list[str]:
    words, out, cur = line.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    out.append(cur)
    return out


@pytest.fixture
def make(tmp_path):
    root = tmp_path / "docs"
    root.mkdir()
    return FileMaker(root)


@pytest.fixture(autouse=True)
def _netguard_off_after_test():
    """The CLI turns the network guard on; audit hooks stay for the process, so switch it off."""
    yield
    from indexer import netguard

    netguard.disable()


# Two pages of a deliberation's minutes, shared with tests/unit/desktop/conftest.py (tests/ is not a package).
MINUTES_P1, MINUTES_P2 = json.loads(
    (Path(__file__).parent / "data" / "minutes_2024_037.json").read_text(encoding="utf-8"))["pages"]


@pytest.fixture
def sample_folder(make):
    """A small folder of real municipal-like documents in three formats."""
    make.pdf("deliberations/DEL-2024-037.pdf", [MINUTES_P1, MINUTES_P2], title="Délibération n° 2024-037")
    make.docx("rh/faq.docx", [("Congés annuels", ["Chaque agent a droit à 25 jours de congés annuels par an."]),
                              ("Télétravail", ["Le télétravail est limité à deux jours par semaine."])],
              title="FAQ RH")
    make.odt("cimetiere.odt", [("Concessions", ["Une concession trentenaire coûte 450 euros."]),
                               ("Columbarium", ["Une case de columbarium coûte 600 euros pour quinze ans."])])
    make.text("notes/fermeture.txt", "Fermeture estivale\n\nLa mairie sera fermée le 15 août 2025.\n")
    return make.root


@pytest.fixture
def indexed(sample_folder):
    """A real store holding ``sample_folder`` in the general space (every file, the rh folder included)."""
    from indexer.settings import Settings
    from indexer.store import Store
    from indexer.sync import Syncer

    store = Store(Settings.load())
    sid = store.catalog.add_source(str(sample_folder), "general")
    Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
    return store


class ScriptedLLM:
    """Same interface as indexer.llm.base.LLM; streams its reply word by word (fast tests; the real
    model has its own tests)."""

    name = "scripted"

    def __init__(self, reply="", fail=None):
        self.reply = reply
        self.fail = fail
        self.calls = []

    def available(self):
        if self.fail:
            raise self.fail

    def list_models(self):
        return ["scripted"]

    def stream_chat(self, messages, *, max_tokens=512, temperature=0.1):
        if self.fail:
            raise self.fail
        self.calls.append(messages)
        reply = self.reply(messages) if callable(self.reply) else self.reply
        for word in reply.split(" "):
            yield word + " "


@pytest.fixture
def scripted():
    """The scripted LLM class: ``scripted("reply")`` or ``scripted(fail=LLMUnavailable(...))``."""
    return ScriptedLLM
