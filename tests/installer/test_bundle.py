"""The built desktop bundle, as a user gets it: installed for a fresh user (no root) from
installer/dist/passeur/, then started with no network at all (its own network namespace where the OS
allows one): the window opens offscreen, a subset of the sample corpus is indexed, and a question gets an
answer from the embedded model shipped in the bundle, citing corpus files.

Skipped when no bundle is built: `bash installer/build-linux.sh` (or `make bundle`) builds it into
installer/dist/passeur; PASSEUR_BUNDLE=/path/to/passeur tests another one. Timings are printed (-s) and,
when PASSEUR_BUNDLE_TIMINGS names a file, written there as JSON.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("PASSEUR_BUNDLE") or ROOT / "installer" / "dist" / "passeur")
EXE_NAME = "passeur.exe" if sys.platform == "win32" else "passeur"
CORPUS = ROOT / "corpus" / "documents"
SUBSET = [CORPUS / "deliberations" / "2025", CORPUS / "deliberations" / "2026"]
QUESTION = "Quel est le prix d'un repas à la cantine pour un enfant non résident ?"
TIMINGS: dict[str, float | str] = {}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (BUNDLE / EXE_NAME).is_file(), reason=(
        f"no built bundle at {BUNDLE}: build it with `bash installer/build-linux.sh` (make bundle), "
        "or set PASSEUR_BUNDLE to a built bundle folder")),
    pytest.mark.skipif(sys.platform != "linux", reason="the install test drives the Linux bundle"),
]


def _offline_prefix() -> list[str]:
    """A command prefix that runs the program in a network namespace with no interface up."""
    if shutil.which("unshare") is None:
        return []
    for prefix in (["unshare", "--map-root-user", "--net"], ["unshare", "--net"]):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=20).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            pass
    return []


@pytest.fixture(scope="module")
def user(tmp_path_factory):
    """A fresh user account (home in a temporary folder) with the bundle installed by install-user.sh."""
    home = tmp_path_factory.mktemp("user") / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "PASSEUR_", "PYTHON", "QT_", "VIRTUAL_ENV", "LD_"))
           and k not in ("HOME", "PATH")}
    env.update(HOME=str(home), PATH="/usr/bin:/bin", LANG="C.UTF-8", QT_QPA_PLATFORM="offscreen")
    started = time.perf_counter()
    installed = subprocess.run(["bash", str(BUNDLE / "install-user.sh")], env=env, capture_output=True,
                               text=True, timeout=1200)
    TIMINGS["install_s"] = round(time.perf_counter() - started, 1)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    prefix = home / ".local" / "opt" / "passeur"
    offline = _offline_prefix()
    TIMINGS["network"] = "namespace without network" if offline else "not isolated (no unshare)"
    yield {"home": home, "env": env, "prefix": prefix, "command": home / ".local" / "bin" / "passeur",
           "offline": offline, "install_output": installed.stdout}
    print("\nbundle timings:", json.dumps(TIMINGS, ensure_ascii=False))
    # Uninstall (frees the 1.5 GB copy): the program goes, the data folder stays.
    removed = subprocess.run(["bash", str(prefix / "uninstall-user.sh")], env=env, capture_output=True, text=True,
                             timeout=300)
    assert removed.returncode == 0, removed.stdout + removed.stderr
    assert not prefix.exists() and (home / ".local" / "share" / "passeur" / "catalog.sqlite3").is_file()
    if os.environ.get("PASSEUR_BUNDLE_TIMINGS"):
        Path(os.environ["PASSEUR_BUNDLE_TIMINGS"]).write_text(json.dumps(TIMINGS, indent=1), encoding="utf-8")


def passeur(user, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    cmd = [*user["offline"], str(user["command"]), *args]
    return subprocess.run(cmd, env=user["env"], capture_output=True, text=True, timeout=timeout, cwd=user["home"])


def test_installed_for_the_user_with_the_model_inside(user):
    prefix, home = user["prefix"], user["home"]
    assert (prefix / EXE_NAME).is_file() and user["command"].is_symlink()
    assert (home / ".local" / "share" / "applications" / "passeur.desktop").is_file()
    assert (home / ".local" / "share" / "icons" / "hicolor" / "scalable" / "apps" / "passeur.svg").is_file()
    shipped = prefix / "_internal" / "models" / "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
    assert shipped.is_file()
    # The installer verified the shipped model (and left the stamp that spares the hash at each start).
    assert str(shipped) in user["install_output"]
    assert shipped.with_suffix(".gguf.verified").is_file()
    status = passeur(user, "model", "status", timeout=300)
    assert status.returncode == 0 and str(shipped) in status.stdout, status.stdout + status.stderr


def test_first_start_opens_the_window_offscreen(user):
    started = time.perf_counter()
    done = passeur(user, "app", "--startup-check", timeout=300)
    TIMINGS["first_window_wall_s"] = round(time.perf_counter() - started, 2)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Fenêtre affichée en" in done.stdout
    TIMINGS["first_window_reported"] = done.stdout.strip().splitlines()[-1]
    started = time.perf_counter()
    again = passeur(user, "app", "--startup-check", timeout=300)
    TIMINGS["second_window_wall_s"] = round(time.perf_counter() - started, 2)
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.timeout(2400)
def test_index_a_corpus_subset_and_get_a_cited_answer_offline(user):
    data = Path(user["env"].get("PASSEUR_HOME", user["home"] / ".local" / "share" / "passeur"))
    started = time.perf_counter()
    for folder in SUBSET:
        done = passeur(user, "index", "add", str(folder), timeout=1200)
        assert done.returncode == 0, done.stdout + done.stderr
    TIMINGS["index_subset_s"] = round(time.perf_counter() - started, 1)
    assert (data / "catalog.sqlite3").is_file()  # the default per-user data folder, created on first use

    started = time.perf_counter()
    done = passeur(user, "ask", QUESTION, "--json", timeout=1500)
    TIMINGS["first_answer_s"] = round(time.perf_counter() - started, 1)
    assert done.returncode == 0, done.stdout + done.stderr
    answer = json.loads(done.stdout)
    assert answer["status"] == "answered", answer
    assert answer["model"].startswith("embarqué"), answer["model"]  # the model shipped in the bundle
    assert answer["citations"], answer
    for citation in answer["citations"]:
        path = Path(citation["path"])
        assert path.is_file() and CORPUS in path.parents, citation
        assert citation["passage"].strip()
    cited = {Path(c["path"]).name for c in answer["citations"]}
    assert cited & {"DEL-2025-041_tarifs-restauration-scolaire.pdf",
                    "DEL-2026-038_tarifs-restauration-scolaire-tarif-social.pdf"}, cited
    # Nothing was assembled or downloaded into the user's cache.
    cache = user["home"] / ".cache" / "passeur"
    assert not any(cache.rglob("*.gguf")) if cache.exists() else True
