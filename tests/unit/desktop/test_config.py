"""Desktop preferences and in-place edits of passeur.toml."""

import json
import tomllib

import pytest

from desktop import config
from indexer.settings import Settings


def test_prefs_round_trip_and_bad_file(tmp_path):
    assert config.DesktopPrefs.load(tmp_path) == config.DesktopPrefs()
    prefs = config.DesktopPrefs(language="en", profile="rh", search_only=True, last_conversation=3)
    prefs.save(tmp_path)
    assert config.DesktopPrefs.load(tmp_path) == prefs
    (tmp_path / config.PREFS_FILE).write_text('{"language": "de", "unknown": 1}', encoding="utf-8")
    assert config.DesktopPrefs.load(tmp_path).language == "fr"
    (tmp_path / config.PREFS_FILE).write_text("{pas du json", encoding="utf-8")
    assert config.DesktopPrefs.load(tmp_path) == config.DesktopPrefs()


def test_update_toml_keeps_comments_and_other_keys(passeur_home):
    path = passeur_home / "passeur.toml"
    path.write_text('# commentaire de l\'administrateur\nallowed_hosts = ["intranet"]\n\n[ollama]\n'
                    '# le serveur de la mairie\nhost = "http://10.0.0.5:11434"\ntimeout_s = 30\n\n'
                    '[index]\nchunk_words = 70\n', encoding="utf-8")
    config.update_toml(path, {"ollama": {"host": "http://10.0.0.6:11434", "model": "mistral"},
                              "llm": {"backend": "ollama"}, "": {"default_profile": "rh"}})
    text = path.read_text(encoding="utf-8")
    assert "# commentaire de l'administrateur" in text and "# le serveur de la mairie" in text
    raw = tomllib.loads(text)
    assert raw["ollama"] == {"host": "http://10.0.0.6:11434", "timeout_s": 30, "model": "mistral"}
    assert raw["index"] == {"chunk_words": 70} and raw["llm"] == {"backend": "ollama"}
    assert raw["allowed_hosts"] == ["intranet"] and raw["default_profile"] == "rh"
    s = Settings.load()
    assert s.ollama.model == "mistral" and s.llm.backend == "ollama" and s.index.chunk_words == 70


def test_update_toml_creates_the_file_and_quotes_strings(tmp_path):
    path = tmp_path / "passeur.toml"
    config.update_toml(path, {"ollama": {"model": 'un "nom" \\ étrange'}, "llm": {"passages": 4}})
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert raw == {"ollama": {"model": 'un "nom" \\ étrange'}, "llm": {"passages": 4}}
    with pytest.raises(TypeError):
        config.toml_value(object())


def test_chosen_data_dir_is_used_unless_passeur_home_is_set(tmp_path, monkeypatch):
    config.choose_data_dir(tmp_path / "donnees")
    assert config.chosen_data_dir() == tmp_path / "donnees"
    monkeypatch.setenv("PASSEUR_HOME", str(tmp_path / "env"))
    config.apply_chosen_data_dir()
    assert str(tmp_path / "env") == __import__("os").environ["PASSEUR_HOME"]
    monkeypatch.delenv("PASSEUR_HOME")
    config.apply_chosen_data_dir()
    assert __import__("os").environ["PASSEUR_HOME"] == str(tmp_path / "donnees")
    assert json.dumps(str(config.pointer_path()))  # the pointer lives in the test's temp dir
    assert str(tmp_path) in str(config.pointer_path())
