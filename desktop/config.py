"""What the desktop app remembers, and how it edits ``passeur.toml`` (no Qt here).

- :class:`DesktopPrefs`: language, profile, search-only switch, last
  conversation; ``desktop.json`` in the data dir.
- :func:`update_toml`: change a few keys of ``passeur.toml`` (Ollama host and
  model, LLM backend, embedding model) in place, keeping the administrator's
  comments and every other line; the result is validated before it is written.
- The chosen data folder is kept outside the data dir (it points to it), in
  the user's config dir; ``$PASSEUR_HOME`` always wins over it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

PREFS_FILE = "desktop.json"
LANGUAGES = ("fr", "en")


@dataclass
class DesktopPrefs:
    language: str = "fr"
    """Language of the interface: ``fr`` (default) or ``en``."""
    profile: str = ""
    """Rights profile the questions are asked with; empty: the settings' default profile."""
    search_only: bool = False
    """Answer with the closest passages only, without the language model."""
    last_conversation: int | None = None
    """Conversation reopened at start."""

    @classmethod
    def load(cls, home: Path) -> "DesktopPrefs":
        path = Path(home) / PREFS_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        names = {f.name for f in dataclasses.fields(cls)}
        prefs = cls(**{k: v for k, v in raw.items() if k in names}) if isinstance(raw, dict) else cls()
        if prefs.language not in LANGUAGES:
            prefs.language = "fr"
        return prefs

    def save(self, home: Path) -> None:
        _atomic_write(Path(home) / PREFS_FILE, json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1))


# -- passeur.toml --------------------------------------------------------------------------------------
_SECTION = re.compile(r"^\s*\[([A-Za-z0-9_.-]+)\]\s*(?:#.*)?$")


def toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"unsupported TOML value {value!r}")


def update_toml(path: Path, updates: dict[str, dict[str, object]]) -> None:
    """Set ``updates[section][key] = value`` in the TOML file (section ``""``: top-level keys)."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    todo = {section: dict(values) for section, values in updates.items()}
    section = ""
    last_line: dict[str, int] = {"": -1}  # where to insert a missing key of each section
    first_header = len(lines)
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m:
            section = m.group(1)
            first_header = min(first_header, i)
            last_line[section] = i
            continue
        key = re.match(r"^\s*([A-Za-z0-9_-]+)\s*=", line)
        if key:
            if section == "" or i > last_line.get(section, -1):
                last_line[section] = i
            wanted = todo.get(section, {})
            if key.group(1) in wanted:
                lines[i] = f"{key.group(1)} = {toml_value(wanted.pop(key.group(1)))}"
    # Missing keys of existing sections, bottom-up so that earlier indexes stay valid.
    inserts = [(last_line[s], s) for s in todo if todo[s] and s in last_line and s != ""]
    for at, s in sorted(inserts, reverse=True):
        new = [f"{k} = {toml_value(v)}" for k, v in todo.pop(s).items()]
        lines[at + 1:at + 1] = new
    if todo.get(""):
        at = min(last_line[""] + 1, first_header) if last_line[""] >= 0 else 0
        lines[at:at] = [f"{k} = {toml_value(v)}" for k, v in todo.pop("").items()]
    for s, values in todo.items():
        if values:
            lines += ["", f"[{s}]"] + [f"{k} = {toml_value(v)}" for k, v in values.items()]
    text = "\n".join(lines).strip("\n") + "\n"
    tomllib.loads(text)  # never write a file the indexer cannot read
    _atomic_write(path, text)


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- data folder ------------------------------------------------------------------------------------------
def pointer_path() -> Path:
    """File that remembers the data folder chosen in the settings page."""
    return Path(platformdirs.user_config_dir("passeur", appauthor=False)) / "data-dir"


def chosen_data_dir() -> Path | None:
    try:
        text = pointer_path().read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None


def choose_data_dir(path: Path) -> None:
    _atomic_write(pointer_path(), str(Path(path)) + "\n")


def apply_chosen_data_dir() -> None:
    """At start: use the data folder chosen in the app, unless ``$PASSEUR_HOME`` says otherwise."""
    if os.environ.get("PASSEUR_HOME"):
        return
    chosen = chosen_data_dir()
    if chosen is not None:
        os.environ["PASSEUR_HOME"] = str(chosen)
