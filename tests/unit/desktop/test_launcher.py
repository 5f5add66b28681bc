"""``passeur`` opens the window; ``passeur <command>`` is the CLI."""

import desktop.app
import indexer.cli
from desktop import launcher


def test_no_argument_or_app_opens_the_window(monkeypatch):
    calls = []
    monkeypatch.setattr(desktop.app, "run", lambda argv: calls.append(argv) or 0)
    assert launcher.main([]) == 0
    assert launcher.main(["app", "--startup-check"]) == 0
    assert calls == [[], ["--startup-check"]]


def test_other_commands_go_to_the_cli(monkeypatch):
    calls = []
    monkeypatch.setattr(indexer.cli, "main", lambda argv: calls.append(argv) or 3)
    assert launcher.main(["index", "status"]) == 3
    assert calls == [["index", "status"]]


def test_without_a_display_the_app_says_so_in_french(monkeypatch, capsys):
    monkeypatch.setattr(desktop.app.sys, "platform", "linux")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    assert desktop.app.run([]) == 1
    assert "Aucun écran n'est disponible" in capsys.readouterr().err
