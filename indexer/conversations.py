"""Conversations of the desktop app, kept locally in their own SQLite file.

A conversation belongs to a user and a profile (the rights it was asked
with); it holds exchanges, each a question and the full answer (text,
status, citations, passages, warnings, model) so that a reloaded conversation
shows its sources and can still open the cited pages. Follow-up questions
read :meth:`ConversationStore.history`.

The file (``conversations.sqlite3`` in the data dir) has its own numbered
migrations, applied with :func:`indexer.migrations.migrate`.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import now_iso
from .migrations import open_database

if TYPE_CHECKING:  # imported where used: the app opens its conversations before the search engine
    from .answering import Answer, Citation

FILE_NAME = "conversations.sqlite3"
TITLE_MAX = 120


def m001_conversations() -> str:
    return """
    CREATE TABLE conversations (
        id INTEGER PRIMARY KEY,
        user TEXT NOT NULL,
        profile TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX conversations_owner ON conversations(user, profile, updated_at);
    CREATE TABLE exchanges (
        id INTEGER PRIMARY KEY,
        conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        status TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX exchanges_conversation ON exchanges(conversation_id, id);
    """


MIGRATIONS = [m001_conversations]


def default_user() -> str:
    """The logged-in account (until accounts land with the rights issue)."""
    try:
        return getpass.getuser() or "agent"
    except (KeyError, OSError):  # no passwd entry (containers)
        return "agent"


# -- answers <-> JSON ----------------------------------------------------------------------------
def citation_to_dict(c: Citation) -> dict:
    d = dataclasses.asdict(c)  # type: ignore[call-overload]
    d["span"] = list(c.span)
    return d


def citation_from_dict(d: dict) -> Citation:
    from .answering import Citation

    names = {f.name for f in dataclasses.fields(Citation)}
    values = {k: v for k, v in d.items() if k in names}
    span = values.get("span") or (0, 0)
    values["span"] = (int(span[0]), int(span[1]))
    values.setdefault("unit", "page")
    for key in ("doc_id", "path", "page_label", "passage", "title", "doc_type", "doc_date", "chunk_id"):
        values.setdefault(key, "")
    values.setdefault("page", 1)
    return Citation(**values)


def answer_to_dict(a: Answer) -> dict:
    """Everything needed to show the answer again (``Answer.to_json`` drops the chunk ids and units)."""
    return {"question": a.question, "text": a.text, "status": a.status,
            "citations": [c.n for c in a.citations], "passages": [citation_to_dict(c) for c in a.passages],
            "extra": [citation_to_dict(c) for c in a.citations if c not in a.passages],
            "warnings": a.warnings, "model": a.model, "timings": a.timings,
            "standalone_question": a.standalone_question, "profile": a.profile, "draft": a.draft}


def answer_from_dict(d: dict) -> Answer:
    from .answering import Answer

    passages = [citation_from_dict(p) for p in d.get("passages", [])]
    by_n = {c.n: c for c in passages}
    for extra in d.get("extra", []):
        c = citation_from_dict(extra)
        by_n.setdefault(c.n, c)
    citations = [by_n[n] for n in d.get("citations", []) if n in by_n]
    return Answer(question=d.get("question", ""), text=d.get("text", ""), status=d.get("status", "answered"),
                  citations=citations, passages=passages, warnings=list(d.get("warnings", [])),
                  model=d.get("model"), timings=dict(d.get("timings", {})),
                  standalone_question=d.get("standalone_question", ""), profile=d.get("profile", ""),
                  draft=d.get("draft", ""))


# -- values ------------------------------------------------------------------------------------------
@dataclass
class Conversation:
    id: int
    user: str
    profile: str
    title: str
    created_at: str
    updated_at: str
    exchanges: int = 0


@dataclass
class Exchange:
    id: int
    conversation_id: int
    question: str
    answer: Answer
    created_at: str


class ConversationStore:
    """Create, list, rename and delete conversations; append and read their exchanges."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.conn, self.version = open_database(self.path, MIGRATIONS)
        self.lock = threading.RLock()

    @classmethod
    def in_dir(cls, home: Path) -> "ConversationStore":
        return cls(Path(home) / FILE_NAME)

    def close(self) -> None:
        self.conn.close()

    def _write(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        with self.lock:
            return self.conn.execute(sql, params)

    # -- conversations -----------------------------------------------------------------------
    def create(self, user: str, profile: str, title: str = "") -> Conversation:
        now = now_iso()
        cur = self._write("INSERT INTO conversations(user, profile, title, created_at, updated_at) "
                          "VALUES (?, ?, ?, ?, ?)", (user, profile, _clean_title(title), now, now))
        return self.get(int(cur.lastrowid))  # type: ignore[return-value]

    def get(self, conversation_id: int) -> Conversation | None:
        row = self.conn.execute(
            "SELECT c.*, (SELECT COUNT(*) FROM exchanges e WHERE e.conversation_id = c.id) AS n "
            "FROM conversations c WHERE c.id = ?", (conversation_id,)).fetchone()
        return _conversation(row) if row else None

    def list(self, user: str, profile: str) -> list[Conversation]:
        """The user's conversations under this profile, most recently used first."""
        rows = self.conn.execute(
            "SELECT c.*, (SELECT COUNT(*) FROM exchanges e WHERE e.conversation_id = c.id) AS n "
            "FROM conversations c WHERE c.user = ? AND c.profile = ? ORDER BY c.updated_at DESC, c.id DESC",
            (user, profile)).fetchall()
        return [_conversation(r) for r in rows]

    def rename(self, conversation_id: int, title: str) -> None:
        title = _clean_title(title)
        if not title:
            raise ValueError("empty title")
        self._write("UPDATE conversations SET title = ? WHERE id = ?", (title, conversation_id))

    def delete(self, conversation_id: int) -> None:
        self._write("DELETE FROM conversations WHERE id = ?", (conversation_id,))

    # -- exchanges -------------------------------------------------------------------------------
    def purge(self, retention_days: int, now: datetime | None = None) -> int:
        """Delete the conversations not updated for ``retention_days`` days (GDPR retention limit);
        returns how many were deleted. ``now`` is injectable for tests."""
        now = now or datetime.now(timezone.utc)
        cutoff = (now - timedelta(days=retention_days)).isoformat(timespec="seconds")
        cur = self._write("DELETE FROM conversations WHERE updated_at < ?", (cutoff,))
        return cur.rowcount

    def add_exchange(self, conversation_id: int, answer: Answer) -> Exchange:
        now = now_iso()
        payload = json.dumps(answer_to_dict(answer), ensure_ascii=False)
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                cur = self.conn.execute(
                    "INSERT INTO exchanges(conversation_id, question, answer, status, payload, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (conversation_id, answer.question, answer.text, answer.status, payload, now))
                self.conn.execute(
                    "UPDATE conversations SET updated_at = ?, "
                    "title = CASE WHEN title = '' THEN ? ELSE title END WHERE id = ?",
                    (now, _clean_title(answer.question), conversation_id))
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        return Exchange(int(cur.lastrowid), conversation_id, answer.question, answer, now)

    def exchanges(self, conversation_id: int) -> list[Exchange]:
        rows = self.conn.execute("SELECT * FROM exchanges WHERE conversation_id = ? ORDER BY id",
                                 (conversation_id,)).fetchall()
        return [Exchange(r["id"], r["conversation_id"], r["question"], answer_from_dict(json.loads(r["payload"])),
                         r["created_at"]) for r in rows]

    def history(self, conversation_id: int, limit: int = 4) -> list[tuple[str, str]]:
        """The last (question, answer) pairs, oldest first, for follow-up questions."""
        rows = self.conn.execute(
            "SELECT question, answer FROM exchanges WHERE conversation_id = ? ORDER BY id DESC LIMIT ?",
            (conversation_id, limit)).fetchall()
        return [(r["question"], r["answer"]) for r in reversed(rows)]


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1].rstrip() + "…"


def _conversation(row: sqlite3.Row) -> Conversation:
    return Conversation(row["id"], row["user"], row["profile"], row["title"], row["created_at"],
                        row["updated_at"], row["n"])
