"""Sovereignty, proved by the kernel: index and a cited answer from the embedded model inside a network
namespace that has no network at all (``unshare -n``, as root), while an audit hook records every
connection or name lookup the process attempts. Nothing may be attempted: not a telemetry ping, not a
model download, not a DNS query."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.slow

SCRIPT = textwrap.dedent("""
    import json, sys
    attempts = []

    def hook(event, args):
        if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto", "socket.sendmsg"):
            attempts.append([event, repr(args[1:3] if event != "socket.connect" else args[1])])

    sys.addaudithook(hook)  # before anything else is imported
    from indexer.cli import main

    folder, question = sys.argv[1], sys.argv[2]
    rc_index = main(["index", "add", folder])
    print("=== ANSWER ===", flush=True)
    rc_ask = main(["ask", question, "--json"])
    print("=== ATTEMPTS ===")
    print(json.dumps({"rc": [rc_index, rc_ask], "attempts": attempts}))
""")


def _unshare_works() -> str | None:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return "unshare (util-linux) is not available"
    if os.geteuid() != 0:
        return "unshare -n needs root (run the suite as root, as CI does)"
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"this sandbox forbids new network namespaces: {probe.stderr.strip()[:200]}"
    return None


@pytest.fixture
def embedded_model():
    from indexer.llm.model_files import model_path

    path = model_path()
    if not path.is_file():
        pytest.skip("embedded model not assembled (make model)")
    return path


def test_index_and_cited_answer_with_no_network_at_all(tmp_path, passeur_home, sample_folder, embedded_model):
    reason = _unshare_works()
    if reason:
        pytest.skip(reason)
    script = tmp_path / "offline_run.py"
    script.write_text(SCRIPT, encoding="utf-8")
    env = {**os.environ, "PASSEUR_HOME": str(passeur_home)}
    run = subprocess.run(["unshare", "-n", sys.executable, str(script), str(sample_folder),
                          "Combien coûte une concession trentenaire au cimetière ?"],
                         capture_output=True, text=True, env=env, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    answer_part, attempts_part = run.stdout.split("=== ANSWER ===", 1)[1].split("=== ATTEMPTS ===")
    report = json.loads(attempts_part.strip().splitlines()[-1])
    assert report["rc"] == [0, 0]
    assert report["attempts"] == [], report["attempts"]  # not one connection, not one DNS lookup
    answer = json.loads(answer_part)
    assert answer["model"] and "qwen" in answer["model"].lower()
    assert answer["status"] == "answered", answer
    assert any(c["path"].endswith("cimetiere.odt") for c in answer["citations"])
    assert "450" in answer["answer"]
