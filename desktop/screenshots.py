"""Render the main states of the window to PNG files, offscreen (no display needed).

``python -m desktop.screenshots OUT_DIR [--question Q] [--no-llm]`` uses the
data dir of ``$PASSEUR_HOME`` (index it first), asks the question with the
configured model and saves: the welcome page, the answer while it streams,
the answer, the cited page in the viewer, the indexing page and the settings.
It prints the timings (window shown, first token, answer).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

QUESTION = "Quel est le prix d'un repas à la cantine pour un enfant non résident ?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop.screenshots")
    parser.add_argument("out", type=Path)
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--no-llm", action="store_true", help="recherche seule")
    parser.add_argument("--timeout", type=float, default=600.0, help="attente maximale de la réponse (s)")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.perf_counter()

    from indexer.settings import Settings

    from .app import build_window, create_app
    from .config import DesktopPrefs

    app = create_app([])
    settings = Settings.load()
    prefs = DesktopPrefs.load(settings.home)
    prefs.search_only = args.no_llm
    backend, window = build_window(settings, prefs=prefs)
    window.new_conversation()
    window.show()
    app.processEvents()
    shown = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)

    def pump(done, timeout: float) -> bool:
        end = time.perf_counter() + timeout
        while not done() and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.02)
        return done()

    def save(name: str) -> None:
        pump(lambda: False, 0.3)
        path = args.out / f"passeur-{name}.png"
        window.grab().save(str(path))
        print(path)

    backend.start(warm_model=not args.no_llm)
    pump(lambda: bool(backend.last_status), 120)
    save("accueil")
    tokens: list[str] = []
    first_at: list[float] = []
    backend.tokenReceived.connect(tokens.append)
    backend.tokenReceived.connect(lambda _piece: first_at.append(time.perf_counter()) if not first_at else None)
    window.ask.question.setPlainText(args.question)
    asked = time.perf_counter()
    window.ask.submit()
    if not args.no_llm and pump(lambda: len(tokens) > 12, args.timeout):
        save("reponse-en-cours")
    first = first_at[0] - asked if first_at else None
    pump(lambda: not backend.busy, args.timeout)
    total = time.perf_counter() - asked
    save("reponse")
    turn = window.ask.transcript.turns[-1]
    if turn.answer is not None and (turn.answer.citations or turn.answer.passages):
        n = (turn.answer.citations or turn.answer.passages)[0].n
        located: list[bool] = []
        window.viewer.highlighted.connect(located.append)
        window.ask.open_citation(len(window.ask.transcript.turns) - 1, n)
        pump(lambda: bool(located), 30)
        save("document")
    window.tabs.setCurrentWidget(window.indexing)
    save("indexation")
    window.tabs.setCurrentWidget(window.settings_page)
    save("reglages")
    print(f"Fenêtre affichée en {shown:.2f} s ; premier mot après {first or 0:.1f} s ; "
          f"réponse complète en {total:.1f} s ({turn.answer.status if turn.answer else turn.state}).")
    window.close()
    if not backend.shutdown(30000):
        sys.stdout.flush()
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
