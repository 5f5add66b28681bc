"""The settings page: saved to passeur.toml and desktop.json, applied at once; Ollama models from the server."""

from __future__ import annotations

import json
import socket
import threading
import tomllib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Tags(BaseHTTPRequestHandler):
    """Answers GET /api/tags like an Ollama server with two pulled models; nothing else."""

    def do_GET(self):  # noqa: N802 - http.server API
        if self.path != "/api/tags":
            self.send_error(404)
            return
        body = json.dumps({"models": [{"name": m, "model": m} for m in ("mistral:latest", "qwen2.5:7b-instruct")]})
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def tags_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tags)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def window(qtbot, make_window, scripted):
    backend, win = make_window(scripted("x"))
    win.tabs.setCurrentWidget(win.settings_page)
    return win


def test_save_writes_the_files_and_applies_the_settings(qtbot, window, indexed_home):
    (indexed_home / "passeur.toml").write_text(
        '# réglages du service informatique\n[index]\nchunk_words = 90\n[users]\n"*" = ["agent", "juridique"]\n',
        encoding="utf-8")
    page = window.settings_page
    page.llm_ollama.setChecked(True)
    page.host.setText("http://10.1.2.3:11434")
    page.model.setCurrentText("mistral")
    page.profile.setCurrentIndex(page.profile.findData("juridique"))
    with qtbot.waitSignal(window.backend.statusChanged, timeout=20000):
        assert page.save()
    assert page.message.text() == "Réglages enregistrés."
    text = (indexed_home / "passeur.toml").read_text(encoding="utf-8")
    assert text.startswith("# réglages du service informatique")  # the admin's comment is kept
    raw = tomllib.loads(text)
    assert raw["llm"] == {"backend": "ollama"} and raw["index"] == {"chunk_words": 90}
    assert raw["users"] == {"*": ["agent", "juridique"]}
    assert raw["ollama"] == {"host": "http://10.1.2.3:11434", "model": "mistral"}
    prefs = json.loads((indexed_home / "desktop.json").read_text(encoding="utf-8"))
    assert prefs["profile"] == "juridique" and prefs["language"] == "fr"
    assert window.backend.settings.ollama.model == "mistral" and window.backend.profile == "juridique"
    assert "Profil : juridique" in window.profile_label.text()
    assert "Ollama http://10.1.2.3:11434 — mistral" not in window.model_label.text()  # an injected model answers


def test_language_switch_is_saved_and_retranslates(qtbot, window, indexed_home):
    page = window.settings_page
    page.language.setCurrentIndex(page.language.findData("en"))
    assert page.save()
    assert json.loads((indexed_home / "desktop.json").read_text(encoding="utf-8"))["language"] == "en"
    assert window.tabs.tabText(0) == "Questions" and window.tabs.tabText(2) == "Settings"
    assert page.save_button.text() == "Save" and page.message.text() == "Settings saved."
    assert window.ask.send.text() == "Ask"


def test_invalid_settings_are_refused_with_a_french_reason(qtbot, window, indexed_home):
    (indexed_home / "passeur.toml").write_text("[index]\nchunk_words = 'beaucoup'\n", encoding="utf-8")
    page = window.settings_page
    page.llm_none.setChecked(True)
    assert not page.save()
    assert page.message.text().startswith("Réglages non enregistrés : Le fichier de réglages")
    assert window.backend.settings.llm.backend == "embedded"  # the old settings stay in use


def test_embedding_model_choice_is_written(qtbot, window, indexed_home):
    page = window.settings_page
    assert "reconstruire l'index" in page.emb_warning.text()
    page.emb_ollama.setChecked(True)
    page.emb_model.setText("bge-m3")
    assert page.save()
    raw = tomllib.loads((indexed_home / "passeur.toml").read_text(encoding="utf-8"))
    assert raw["embedding"] == {"backend": "ollama", "model": "bge-m3"}


def test_data_folder_choice(qtbot, window, tmp_path, monkeypatch):
    from desktop import config, settings_view

    target = tmp_path / "autre-dossier"
    monkeypatch.setattr(settings_view.QFileDialog, "getExistingDirectory", lambda *a, **k: str(target))
    monkeypatch.setenv("PASSEUR_HOME", str(window.backend.settings.home))
    page = window.settings_page
    page.choose_button.setEnabled(True)
    page.choose_button.click()
    assert page.data_dir.text() == str(target)
    with qtbot.waitSignal(window.backend.indexStateChanged, timeout=20000):
        assert page.save()
    assert config.chosen_data_dir() == target
    assert window.backend.settings.home == target and (target / "desktop.json").exists()
    assert window.conversations.list.count() == 0  # conversations live with the data


def test_ollama_models_are_listed_from_the_server(qtbot, window, tags_server):
    page = window.settings_page
    page.llm_ollama.setChecked(True)
    page.host.setText(tags_server)
    page.list_button.click()
    qtbot.waitUntil(lambda: page.models_status.text().endswith("disponible(s) sur le serveur."), timeout=15000)
    assert page.models_status.text() == "2 modèle(s) disponible(s) sur le serveur."
    assert [page.model.itemText(i) for i in range(page.model.count())] == ["mistral:latest", "qwen2.5:7b-instruct"]


def test_ollama_down_when_listing_models(qtbot, window):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    page = window.settings_page
    page.llm_ollama.setChecked(True)
    page.host.setText(f"http://127.0.0.1:{port}")
    page.list_button.click()
    qtbot.waitUntil(lambda: "ne répond pas" in page.models_status.text(), timeout=15000)
    assert page.list_button.isEnabled() and "Traceback" not in page.models_status.text()
