"""The backend alone: questions in a worker thread, one at a time; profiles; clean shutdown."""

from __future__ import annotations

import types

import pytest


@pytest.fixture
def backend(qtbot, indexed_home, scripted):
    from desktop.app import create_app
    from desktop.controller import Backend
    from indexer.settings import Settings

    create_app([])
    made = []

    def make(llm=None, prefs=None):
        b = Backend(Settings.load(indexed_home), llm=llm or scripted("Le repas coûte 4,90 euros [1]."), prefs=prefs)
        made.append(b)
        with qtbot.waitSignal(b.statusChanged, timeout=60000):
            b.start(warm_model=False)
        return b

    yield make
    for b in made:
        assert b.shutdown(timeout_ms=20000)


def test_one_question_at_a_time_tokens_then_answer(qtbot, backend):
    b = backend()
    tokens = []
    b.tokenReceived.connect(tokens.append)
    assert b.ask("   ") is None
    with qtbot.waitSignal(b.answered, timeout=30000) as done:
        assert b.ask("Combien coûte le repas des enfants non domiciliés ?") == 1
        assert b.busy and b.ask("Une autre ?") is None  # refused while the first is on its way
    answer = done.args[0]
    assert answer.status == "answered" and "".join(tokens).strip() == "Le repas coûte 4,90 euros [1]."
    assert not b.busy
    status = b.last_status
    assert status["documents"] == 4 and status["chunks"] > 0 and "deliberation" in status["doc_types"]
    assert status["model"] == {"backend": "custom", "name": "scripted"}


def test_a_profile_that_disappeared_falls_back_to_the_default(qtbot, backend):
    from desktop.config import DesktopPrefs

    b = backend()
    b.settings.profiles["fantome"] = ["nulle-part"]
    b.prefs = DesktopPrefs(profile="fantome")
    b.settings.profiles.pop("fantome")  # the chosen profile disappeared from the settings
    assert b.profile == "agent"  # falls back to the default profile


def test_profiles_come_from_the_rights_once_users_are_configured(backend, monkeypatch):
    import indexer

    from desktop.config import DesktopPrefs

    b = backend(prefs=DesktopPrefs(profile="admin"))
    assert b.allowed_profiles() == list(b.settings.profiles) and b.profile == "admin"
    fake = types.SimpleNamespace(profiles_of=lambda settings, user: ["rh", "agent"])
    monkeypatch.setattr(indexer, "rights", fake, raising=False)
    monkeypatch.setitem(__import__("sys").modules, "indexer.rights", fake)
    b.settings.users = {"marie": ["rh", "agent"]}  # what the rights issue adds to the settings
    assert b.allowed_profiles() == ["rh", "agent"]
    assert b.profile == "agent"  # "admin" is not theirs
    assert b.spaces() == ["general"]


def test_unknown_question_failure_reaches_the_view_as_text(qtbot, backend, scripted):
    from indexer import errors

    class Broken:
        name = "cassé"

        def available(self):
            pass

        def list_models(self):
            return []

        def stream_chat(self, messages, **kwargs):
            raise errors.PasseurError(fr="Le modèle a refusé la demande.", en="refused")
            yield ""  # pragma: no cover

    b = backend(llm=Broken())
    with qtbot.waitSignal(b.askFailed, timeout=30000) as failed:
        b.ask("Combien coûte le repas des enfants non domiciliés ?")
    assert failed.args == ["Le modèle a refusé la demande."]


def test_every_answer_shown_is_written_to_the_audit_trail(qtbot, backend, indexed_home):
    from indexer.audit import AuditLog
    from indexer.settings import Settings

    b = backend()
    with qtbot.waitSignal(b.answered, timeout=30000) as done:
        b.ask("Combien coûte le repas des enfants non domiciliés ?")
    answer = done.args[0]
    log = AuditLog(Settings.load(indexed_home))
    try:
        entries = log.entries(None, None, None)
        assert len(entries) == 1 and log.verify()[0]
        assert entries[0]["status"] == answer.status and entries[0]["profile"] == b.profile
    finally:
        log.close()


def test_idle_after_an_answer_gives_the_vector_index_memory_back(qtbot, backend):
    b = backend()
    b.settings.search.release_after_idle_s = 0.5
    with qtbot.waitSignal(b.answered, timeout=30000):
        b.ask("Combien coûte le repas des enfants non domiciliés ?")
    store = b._answer_worker.service().store
    assert store._vectors is not None  # the search opened Chroma
    with qtbot.waitSignal(b.memoryReleased, timeout=10000):
        pass
    assert store._vectors is None
    with qtbot.waitSignal(b.answered, timeout=30000) as again:  # the next question reopens it
        b.ask("Combien coûte le repas des enfants non domiciliés ?")
    assert again.args[0].status == "answered" and again.args[0].citations
