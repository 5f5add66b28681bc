"""The per-user install, upgrade and uninstall scripts of the Linux bundle, run against a fake bundle in a
temporary home (no build needed): no root, nothing outside the home, the data folder kept unless purged."""

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
INSTALLER = ROOT / "installer"

pytestmark = pytest.mark.skipif(sys.platform != "linux" or shutil.which("bash") is None,
                                reason="the Linux install scripts need Linux and bash")


def fake_bundle(where: Path, version: str = "1") -> Path:
    """A folder laid out like installer/dist/passeur/, whose program only echoes its arguments."""
    bundle = where / "passeur"
    (bundle / "_internal" / "models").mkdir(parents=True)
    exe = bundle / "passeur"
    exe.write_text(f'#!/bin/sh\necho "fake passeur {version} $*"\n')
    exe.chmod(0o755)
    for name in ("install-user.sh", "uninstall-user.sh", "passeur.desktop", "passeur.svg", "passeur.png"):
        shutil.copy2(INSTALLER / name, bundle / name)
    return bundle


def user_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "PASSEUR_")) and k not in ("HOME", "PATH")}
    env.update(HOME=str(home), PATH="/usr/bin:/bin")
    return env


def run(cmd: list, home: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], env=user_env(home), capture_output=True, text=True, timeout=120)


def test_install_upgrade_uninstall_keep_the_data(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    bundle = fake_bundle(tmp_path / "v1")
    prefix = home / ".local" / "opt" / "passeur"
    link = home / ".local" / "bin" / "passeur"
    entry = home / ".local" / "share" / "applications" / "passeur.desktop"
    icon = home / ".local" / "share" / "icons" / "hicolor" / "scalable" / "apps" / "passeur.svg"

    done = run(["bash", bundle / "install-user.sh"], home)
    assert done.returncode == 0, done.stderr
    assert (prefix / "passeur").is_file() and (prefix / "_internal").is_dir()
    assert link.is_symlink() and os.readlink(link) == str(prefix / "passeur")
    assert "fake passeur 1 model status" in done.stdout  # the model is checked at install time
    text = entry.read_text(encoding="utf-8")
    assert f'Exec="{prefix}/passeur" app' in text and "@PREFIX@" not in text
    assert icon.is_file()
    assert (home / ".local" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "passeur.png").is_file()
    assert run([link, "--help"], home).stdout.strip() == "fake passeur 1 --help"

    # Data written by the program, then an upgrade: the data folder is untouched.
    data = home / ".local" / "share" / "passeur"
    data.mkdir(parents=True)
    (data / "catalog.sqlite3").write_bytes(b"index")
    done = run(["bash", fake_bundle(tmp_path / "v2", version="2") / "install-user.sh"], home)
    assert done.returncode == 0, done.stderr
    assert run([link, "x"], home).stdout.strip() == "fake passeur 2 x"
    assert (data / "catalog.sqlite3").read_bytes() == b"index"
    assert sorted(p.name for p in prefix.parent.iterdir()) == ["passeur"]  # no staging or old copy left

    # Uninstall from the installed copy: the program goes, the data stays and is listed.
    done = run(["bash", prefix / "uninstall-user.sh"], home)
    assert done.returncode == 0, done.stderr
    assert not prefix.exists() and not link.exists() and not link.is_symlink()
    assert not entry.exists() and not icon.exists()
    assert (data / "catalog.sqlite3").exists()
    assert str(data) in done.stdout and "rm -rf" in done.stdout

    # Purge on request: data, preferences and cache.
    (home / ".config" / "passeur").mkdir(parents=True)
    (home / ".cache" / "passeur").mkdir(parents=True)
    done = run(["bash", INSTALLER / "uninstall-user.sh", "--purge-data", "--yes"], home)
    assert done.returncode == 0, done.stderr
    assert not data.exists()
    assert not (home / ".config" / "passeur").exists() and not (home / ".cache" / "passeur").exists()
    assert {p.name for p in home.rglob("*") if "passeur" in p.name} == set()


def test_purge_follows_the_data_folder_chosen_in_the_app(tmp_path):
    home = tmp_path / "home"
    chosen = tmp_path / "Documents" / "passeur-donnees"
    chosen.mkdir(parents=True)
    (chosen / "catalog.sqlite3").write_bytes(b"index")
    pointer = home / ".config" / "passeur" / "data-dir"
    pointer.parent.mkdir(parents=True)
    pointer.write_text(f"{chosen}\n", encoding="utf-8")
    kept = run(["bash", INSTALLER / "uninstall-user.sh"], home)
    assert kept.returncode == 0 and str(chosen) in kept.stdout and chosen.exists()
    declined = subprocess.run(["bash", str(INSTALLER / "uninstall-user.sh"), "--purge-data"], input="n\n",
                              env=user_env(home), capture_output=True, text=True, timeout=60)
    assert declined.returncode == 0 and chosen.exists()
    purged = run(["bash", INSTALLER / "uninstall-user.sh", "--purge-data", "--yes"], home)
    assert purged.returncode == 0 and not chosen.exists()


def test_install_refuses_a_folder_that_is_not_a_bundle(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    done = run(["bash", INSTALLER / "install-user.sh", tmp_path], home)
    assert done.returncode == 2
    assert "introuvable" in done.stderr
    assert not (home / ".local").exists()


def test_desktop_entry_is_valid(tmp_path):
    entry = tmp_path / "passeur.desktop"
    entry.write_text((INSTALLER / "passeur.desktop").read_text(encoding="utf-8")
                     .replace("@PREFIX@", "/home/agent/.local/opt/passeur"), encoding="utf-8")
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(entry, encoding="utf-8")
    desktop = parser["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "Passeur" and desktop["Icon"] == "passeur"
    assert desktop["Exec"] == '"/home/agent/.local/opt/passeur/passeur" app'
    assert desktop["StartupWMClass"] == "passeur"  # QApplication.setDesktopFileName("passeur")
    validator = shutil.which("desktop-file-validate")
    if validator:
        checked = subprocess.run([validator, str(entry)], capture_output=True, text=True)
        assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout


def test_packaging_files_are_consistent():
    spec = (INSTALLER / "passeur.spec").read_text(encoding="utf-8")
    compile(spec, "passeur.spec", "exec")  # valid Python (PyInstaller runs it)
    iss = (INSTALLER / "windows" / "passeur.iss").read_text(encoding="utf-8")
    assert "PrivilegesRequired=lowest" in iss  # per-user install, no administrator rights
    assert (INSTALLER / "windows" / "passeur.ico").is_file()
    for script in ("build-linux.sh", "install-user.sh", "uninstall-user.sh"):
        checked = subprocess.run(["bash", "-n", str(INSTALLER / script)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
