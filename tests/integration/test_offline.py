"""Data sovereignty: Passeur opens no connection except to the configured hosts."""

import socket
import threading

import pytest

from indexer import netguard
from indexer.cli import main


def test_full_index_and_search_run_makes_no_outside_attempt(sample_folder, capsys):
    assert main(["index", "add", str(sample_folder)]) == 0
    assert main(["search", "concession trentenaire"]) == 0
    assert main(["index", "status"]) == 0
    assert netguard.blocked() == []  # nothing (Chroma, onnxruntime, the model) tried to connect anywhere
    assert "450 euros" in capsys.readouterr().out


@pytest.fixture
def loopback_server():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(5)
    srv.settimeout(0.05)
    accepted = []
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(conn)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield srv.getsockname()[1], accepted
    # Stop the accept loop before closing: a connection accepted after the clean-up below would be left open
    # and raise a ResourceWarning in a later test (seen under load).
    stop.set()
    thread.join(timeout=5)
    srv.close()
    for conn in accepted:
        conn.close()


def test_guard_refuses_unconfigured_host_and_allows_configured_one(loopback_server):
    port, accepted = loopback_server
    netguard.install(["http://127.0.0.2:11434"])  # the only configured host
    with pytest.raises(netguard.NetworkBlocked) as exc:
        socket.create_connection(("127.0.0.1", port), timeout=2)
    assert "bloquée" in exc.value.fr and ("127.0.0.1", port) in netguard.blocked()
    with pytest.raises(ConnectionError):
        socket.getaddrinfo("example.org", 443)  # no DNS query either
    assert accepted == []
    netguard.install([f"http://127.0.0.1:{port}"])
    socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_configured_hosts_come_from_settings(passeur_home):
    from indexer.settings import Settings

    (passeur_home / "passeur.toml").write_text(
        'allowed_hosts = ["intranet.local"]\n[ollama]\nhost = "http://ia.mairie.local:11434"\n', encoding="utf-8")
    assert netguard.configured_hosts(Settings.load()) == ["http://ia.mairie.local:11434", "intranet.local"]
