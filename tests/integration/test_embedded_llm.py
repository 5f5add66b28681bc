"""The real default: Qwen2.5-Coder-1.5B-Instruct Q4_K_M in-process, end to end on real documents."""

import pytest

from indexer.answering import AnswerService
from indexer.llm import embedded, model_files
from indexer.llm.base import ChatMessage
from indexer.settings import Settings
from indexer.store import Store
from indexer.sync import Syncer

pytestmark = pytest.mark.slow

try:
    MODEL = model_files.verified()
except Exception:  # noqa: BLE001
    MODEL = None
needs_model = pytest.mark.skipif(MODEL is None, reason="embedded model not installed (passeur model install)")


@pytest.fixture(scope="module")
def llm():
    return embedded.EmbeddedLLM()


@needs_model
def test_streams_french_text_and_loads_once(llm):
    pieces = list(llm.stream_chat([ChatMessage("user", "Réponds en un mot : quelle est la capitale de la France ?")],
                                  max_tokens=8, temperature=0.0))
    assert len(pieces) >= 1 and "paris" in "".join(pieces).lower()
    list(llm.stream_chat([ChatMessage("user", "Dis bonjour.")], max_tokens=4))
    assert embedded.LOAD_COUNT["n"] == 1


@needs_model
def test_cited_answer_from_the_real_model(sample_folder, llm):
    store = Store(Settings.load())
    sid = store.catalog.add_source(str(sample_folder), "general")
    Syncer(store).sync_source(next(s for s in store.catalog.sources() if s["id"] == sid))
    service = AnswerService(store.settings, store=store, llm=llm)
    a = service.ask("Combien coûte le repas pour un enfant non domicilié dans la commune ?")
    assert a.status == "answered", a.text
    assert "4,90" in a.text
    assert a.citations and all(c.chunk_id in {p.chunk_id for p in a.passages} for c in a.citations)
    assert any(c.path.endswith("DEL-2024-037.pdf") and c.page == 2 for c in a.citations)
    assert not [w for w in a.warnings if w["code"] == "unsupported_figure"], a.warnings
    assert embedded.LOAD_COUNT["n"] == 1
