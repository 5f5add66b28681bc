"""Feedback on answers ("Utile / pas utile" and an optional comment), stored locally.

One row per rated answer (rating it again replaces the previous rating), in
``feedback.sqlite3`` in the data dir, with its own numbered migrations. The
row keeps what the indicators to come need: the question, the answer's
status and model, the cited documents and pages, who rated it and when.
Nothing leaves the machine.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import now_iso
from .migrations import open_database

if TYPE_CHECKING:
    from .answering import Answer

FILE_NAME = "feedback.sqlite3"
COMMENT_MAX = 2000


def m001_feedback() -> str:
    return """
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        exchange_key TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        user TEXT NOT NULL,
        profile TEXT NOT NULL,
        useful INTEGER NOT NULL CHECK (useful IN (0, 1)),
        comment TEXT NOT NULL DEFAULT '',
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        status TEXT NOT NULL,
        model TEXT,
        sources TEXT NOT NULL
    );
    CREATE INDEX feedback_created ON feedback(created_at);
    """


MIGRATIONS = [m001_feedback]


@dataclass
class Feedback:
    id: int
    exchange_key: str
    created_at: str
    user: str
    profile: str
    useful: bool
    comment: str
    question: str
    answer: str
    status: str
    model: str | None
    sources: list[dict]


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.conn, self.version = open_database(self.path, MIGRATIONS)
        self.lock = threading.Lock()

    @classmethod
    def in_dir(cls, home: Path) -> "FeedbackStore":
        return cls(Path(home) / FILE_NAME)

    def close(self) -> None:
        self.conn.close()

    def record(self, key: str, answer: Answer, useful: bool, comment: str = "", *, user: str,
               profile: str) -> Feedback:
        """Rate the answer identified by ``key`` (e.g. ``conversation:exchange``); a new rating replaces the old."""
        comment = (comment or "").strip()[:COMMENT_MAX]
        cited = answer.citations if answer.status == "answered" else answer.passages
        sources = [{"n": c.n, "path": c.path, "page": c.page, "title": c.title} for c in cited]
        with self.lock:
            self.conn.execute(
                "INSERT INTO feedback(exchange_key, created_at, user, profile, useful, comment, question, answer, "
                "status, model, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(exchange_key) DO UPDATE SET created_at = excluded.created_at, user = excluded.user, "
                "profile = excluded.profile, useful = excluded.useful, comment = excluded.comment",
                (key, now_iso(), user, profile, int(bool(useful)), comment, answer.question, answer.text,
                 answer.status, answer.model, json.dumps(sources, ensure_ascii=False)))
        found = self.get(key)
        assert found is not None
        return found

    def get(self, key: str) -> Feedback | None:
        row = self.conn.execute("SELECT * FROM feedback WHERE exchange_key = ?", (key,)).fetchone()
        return _feedback(row) if row else None

    def all(self) -> list[Feedback]:
        return [_feedback(r) for r in self.conn.execute("SELECT * FROM feedback ORDER BY id")]

    def summary(self) -> dict[str, int]:
        """Counts for the indicators: rated answers, useful, not useful, with a comment."""
        row = self.conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(useful), 0), COALESCE(SUM(comment != ''), 0) FROM feedback").fetchone()
        total, useful, commented = int(row[0]), int(row[1]), int(row[2])
        return {"total": total, "useful": useful, "not_useful": total - useful, "with_comment": commented}


def _feedback(row: sqlite3.Row) -> Feedback:
    return Feedback(row["id"], row["exchange_key"], row["created_at"], row["user"], row["profile"],
                    bool(row["useful"]), row["comment"], row["question"], row["answer"], row["status"],
                    row["model"], json.loads(row["sources"]))
