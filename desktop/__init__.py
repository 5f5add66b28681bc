"""Passeur desktop app (PySide6). Imports ``indexer``; never the reverse."""
