"""Entry point of the ``passeur`` console script.

``passeur`` alone or ``passeur app`` opens the desktop window (issue #5);
every other command is the indexer's CLI. Imports are deferred so that the
CLI never loads Qt and the window never waits for the CLI; the Qt-free
``indexer`` never imports ``desktop``.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] == "app":
        from desktop.app import run

        return run(args[1:])
    from desktop.config import apply_chosen_data_dir  # Qt-free
    from indexer.cli import main as cli_main

    apply_chosen_data_dir()  # the CLI uses the data folder chosen in the app, unless $PASSEUR_HOME is set
    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
