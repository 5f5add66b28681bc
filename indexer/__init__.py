"""Passeur indexer: ingestion, store and retrieval (no Qt, ever).

Importing this package sets the environment switches that must be in place
before chromadb or onnxruntime can load: onnxruntime's telemetry and Chroma's
anonymised telemetry both try to phone home otherwise.
"""

import os

os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

__version__ = "0.1.0"
