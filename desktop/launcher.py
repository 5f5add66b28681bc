"""Entry point of the ``passeur`` console script.

Every command is the indexer's CLI; the desktop window (issue #5) will be
started from here, so that the Qt-free ``indexer`` never imports ``desktop``.
"""

from __future__ import annotations

import sys

from indexer.cli import main as cli_main


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
