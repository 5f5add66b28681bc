"""The embedded model shipped inside the desktop bundle is found before the user cache (no assembly,
no network at first start), and verified like any other model file."""

import hashlib
import pathlib
import sys

import pytest

from indexer.llm import model_files
from indexer.llm.base import LLMUnavailable
from indexer.llm.model_files import ModelSpec

CONTENT = b"GGUF tiny test model"
SPEC = ModelSpec(name="tiny", filename="tiny.gguf", size=len(CONTENT),
                 sha256=hashlib.sha256(CONTENT).hexdigest(), parts=())


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSEUR_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("PASSEUR_MODELS_DIR", raising=False)
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    return tmp_path / "cache"


def test_without_a_bundle_the_user_cache_is_used(cache):
    assert model_files.bundled_models_dir() is None
    assert model_files.model_path(SPEC) == cache / "models" / "tiny.gguf"


def test_models_dir_from_environment(cache, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    monkeypatch.setenv("PASSEUR_MODELS_DIR", str(shipped))
    assert model_files.model_path(SPEC) == cache / "models" / "tiny.gguf"  # not there: the cache
    shipped.mkdir()
    (shipped / "tiny.gguf").write_bytes(CONTENT)
    assert model_files.model_path(SPEC) == shipped / "tiny.gguf"
    assert model_files.verified(SPEC) == shipped / "tiny.gguf"
    # install() has nothing to assemble: the shipped file is verified and used as is.
    assert model_files.install(SPEC) == shipped / "tiny.gguf"
    assert not (cache / "models" / "tiny.gguf").exists()


def test_models_dir_inside_a_frozen_bundle(cache, tmp_path, monkeypatch):
    internal = tmp_path / "passeur" / "_internal"
    (internal / "models").mkdir(parents=True)
    (internal / "models" / "tiny.gguf").write_bytes(CONTENT)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    assert model_files.bundled_models_dir() == internal / "models"
    assert model_files.model_path(SPEC) == internal / "models" / "tiny.gguf"


def test_altered_shipped_model_is_refused(cache, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "tiny.gguf").write_bytes(CONTENT.upper())
    monkeypatch.setenv("PASSEUR_MODELS_DIR", str(shipped))
    with pytest.raises(LLMUnavailable):
        model_files.verified(SPEC)


def test_read_only_program_folder_verifies_without_a_stamp(cache, tmp_path, monkeypatch):
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "tiny.gguf").write_bytes(CONTENT)
    monkeypatch.setenv("PASSEUR_MODELS_DIR", str(shipped))

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(pathlib.Path, "write_text", refuse)  # e.g. installed by an administrator in /opt
    assert model_files.verified(SPEC) == shipped / "tiny.gguf"
    assert not (shipped / "tiny.gguf.verified").exists()
