"""Entry script of the frozen Passeur bundle (PyInstaller).

Same behaviour as the ``passeur`` console script: no argument or ``app`` opens
the window, anything else is the indexer's CLI.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    # A frozen program must handle the re-execution of itself as a worker process.
    multiprocessing.freeze_support()

    import indexer  # noqa: F401 - telemetry switches set before chromadb/onnxruntime can load
    from desktop.launcher import main

    sys.exit(main())
