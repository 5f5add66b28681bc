"""Append-only, hash-chained audit trail of the questions asked and the passages shown.

One SQLite file in the data dir (``audit.sqlite3``, WAL, its own numbered migrations applied with
:func:`indexer.migrations.migrate`). Each entry records when (UTC, ISO 8601), who (the OS login by
default), under which profile, the question according to the policy, which passages were shown
(document id, path, page, chunk, whether cited), the answer's status and the model.

Question policy (data minimisation), ``[audit] question_policy``:

- ``stored``: the question text, with personal data masked (:func:`indexer.pii.mask`);
- ``hashed`` (default): ``sha256:`` + SHA-256 of a secret salt and the whitespace-normalised
  question. The salt is a random value kept in the data dir (``audit.salt``, mode 0600), not in the
  log: the log alone does not let one guess questions, while :meth:`AuditLog.question_digest` lets the
  DPO check whether a given question was asked;
- ``omitted``: nothing.

Hash chain. ``hash = SHA-256(canonical JSON of the entry's fields, including its id and
prev_hash)``, ``prev_hash`` being the previous entry's hash (64 zeros for entry 1). Canonical JSON:
sorted keys, no spaces, UTF-8, ``passages`` and ``details`` embedded as their stored JSON text. The
head of the chain (last id and hash) is also kept in the ``meta`` table, so that cutting entries off
the end is detected too. :meth:`AuditLog.verify` recomputes everything and returns the first bad id.

Append-only. SQLite triggers refuse every UPDATE of an entry and every DELETE unless the SQL
function ``passeur_audit_purging()`` — registered only on this module's own connection, and true
only inside :meth:`AuditLog.purge` — says so. Another program (the ``sqlite3`` shell, a DB browser)
therefore cannot update or delete entries without first dropping the triggers, and whatever it does
then breaks the chain. This makes tampering *detectable*, not impossible: someone who can write the
file can rebuild a whole consistent chain. To anchor it, note the head hash printed by
``passeur audit verify`` (or export it) somewhere else from time to time.

Retention and the chain. :meth:`AuditLog.purge` deletes the entries older than
``retention_days`` (default 90). Only a prefix of the chain is ever deleted — the entries before
the first one that is still within the retention period — so what remains is contiguous. In the
same transaction it appends a ``purge`` checkpoint entry, chained like any other, whose details
carry ``up_to_id`` (the last purged id) and ``last_hash`` (the hash of that entry). Verification
accepts a first remaining entry ``n`` > 1 only if a checkpoint in the (verified) chain says
``up_to_id = n - 1`` and ``last_hash = prev_hash of n``: a purge is visible and accounted for, a
deletion outside :meth:`purge` is not. Purging also runs automatically, at most once a (UTC) day,
when an entry is recorded (``[audit] auto_purge``).

A clock (a callable returning an aware ``datetime``) can be injected for tests.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import secrets
import sqlite3
import threading
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from . import errors, pii, rights
from .migrations import open_database

log = logging.getLogger(__name__)

FILE_NAME = "audit.sqlite3"
SALT_FILE = "audit.salt"
GENESIS = "0" * 64
POLICIES = ("stored", "hashed", "omitted")
DEFAULT_POLICY = "hashed"
DEFAULT_RETENTION_DAYS = 90
FORMATS = ("csv", "json")

# The fields covered by an entry's hash, in the order of the CSV export.
HASHED_FIELDS = ("id", "kind", "time", "user", "profile", "question_policy", "question", "passages", "status",
                 "model", "details", "prev_hash")

Clock = Callable[[], datetime]


def m001_entries() -> str:
    return """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        time TEXT NOT NULL,
        user TEXT NOT NULL,
        profile TEXT NOT NULL,
        question_policy TEXT NOT NULL,
        question TEXT,
        passages TEXT NOT NULL,
        status TEXT NOT NULL,
        model TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE INDEX entries_time ON entries(time);
    CREATE INDEX entries_user ON entries(user, time);
    CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries
    BEGIN
        SELECT RAISE(ABORT, 'passeur audit log is append-only: UPDATE refused');
    END;
    CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries WHEN passeur_audit_purging() IS NOT 1
    BEGIN
        SELECT RAISE(ABORT, 'passeur audit log is append-only: DELETE refused (use passeur audit purge)');
    END;
    """


MIGRATIONS = [m001_entries]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def iso(moment: datetime) -> str:
    """UTC ISO 8601 with a ``Z``, second precision: sorts as text."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_day(moment: datetime) -> str:
    return iso(moment)[:10]


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_hash(entry: dict) -> str:
    return hashlib.sha256(canonical({k: entry[k] for k in HASHED_FIELDS}).encode("utf-8")).hexdigest()


def _bound(value: date | datetime | str | None, end: bool) -> str | None:
    """An export bound as comparable text: a date covers its whole (UTC) day."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
        except ValueError as exc:
            raise errors.PasseurError(fr=f"Date invalide « {value} » (attendu AAAA-MM-JJ).",
                                      en=f"invalid date {value!r}") from exc
    if isinstance(value, datetime):
        return iso(value + (timedelta(seconds=1) if end else timedelta(0)))
    day = value + timedelta(days=1) if end else value
    return iso(datetime.combine(day, dtime.min, tzinfo=timezone.utc))


def _private_file(path: Path) -> None:
    """Create ``path`` readable by its owner only (POSIX), if it does not exist yet."""
    try:
        fd = os.open(str(path), os.O_CREAT | os.O_RDWR, 0o600)
        os.close(fd)
    except OSError as exc:
        log.warning("cannot create %s with private permissions: %s", path, exc)


class AuditLog:
    """The audit trail of one data dir. Thread-safe; several processes may append at once."""

    def __init__(self, settings=None, *, clock: Clock | None = None, path: Path | None = None,
                 question_policy: str | None = None, retention_days: int | None = None,
                 auto_purge: bool | None = None) -> None:
        if settings is None:
            from .settings import Settings

            settings = Settings.load()
        self.settings = settings
        cfg = getattr(settings, "audit", None)
        self.home = Path(settings.home)
        self.path = Path(path) if path else self.home / FILE_NAME
        self.clock: Clock = clock or utc_now
        self.question_policy = question_policy or getattr(cfg, "question_policy", DEFAULT_POLICY)
        if self.question_policy not in POLICIES:
            raise errors.bad_settings(str(self.home / "passeur.toml"),
                                      f"[audit] question_policy doit valoir {', '.join(POLICIES)}")
        days = retention_days if retention_days is not None else getattr(cfg, "retention_days",
                                                                          DEFAULT_RETENTION_DAYS)
        if not isinstance(days, int) or days < 1:
            raise errors.bad_settings(str(self.home / "passeur.toml"),
                                      "[audit] retention_days doit être un nombre de jours ≥ 1")
        self.retention_days = days
        self.auto_purge = auto_purge if auto_purge is not None else bool(getattr(cfg, "auto_purge", True))
        self._salt: bytes | None = None
        self._purging = False
        self._lock = threading.RLock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            _private_file(self.path)
        self.conn, self.version = open_database(self.path, MIGRATIONS, synchronous="FULL")
        self.conn.create_function("passeur_audit_purging", 0, lambda: 1 if self._purging else 0)

    # -- lifecycle ---------------------------------------------------------------------------------
    def close(self) -> None:
        with self._lock:
            self.conn.close()

    def __enter__(self) -> "AuditLog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- question policy ----------------------------------------------------------------------------
    def _salt_bytes(self) -> bytes:
        if self._salt is None:
            path = self.home / SALT_FILE
            if not path.exists():
                # Written whole to a private temporary file, then linked into place: a concurrent process
                # either wins the link or reads the complete salt of the one that did.
                tmp = path.with_name(f"{SALT_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
                fd = os.open(str(tmp), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "w", encoding="ascii") as fh:
                    fh.write(secrets.token_hex(32))
                try:
                    os.link(tmp, path)
                except FileExistsError:
                    pass
                finally:
                    tmp.unlink()
            value = path.read_text(encoding="ascii").strip()
            if len(value) < 32:
                raise errors.PasseurError(fr=f"Le fichier {path} est endommagé (sel du journal d'audit).",
                                          en=f"corrupt audit salt file {path}")
            self._salt = value.encode("ascii")
        return self._salt

    def question_digest(self, question: str) -> str:
        """What the ``hashed`` policy stores for ``question`` (to check whether it was asked)."""
        normalised = " ".join(question.split())
        return "sha256:" + hashlib.sha256(self._salt_bytes() + b"\x00" + normalised.encode("utf-8")).hexdigest()

    def _question(self, question: str) -> str | None:
        if self.question_policy == "stored":
            return pii.mask(question)
        if self.question_policy == "hashed":
            return self.question_digest(question)
        return None

    # -- writing ------------------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT INTO meta(key, value) VALUES (?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))

    def _append(self, fields: dict) -> int:
        """Chain and insert one entry; the caller holds the lock and an IMMEDIATE transaction."""
        last = self.conn.execute("SELECT id, hash FROM entries ORDER BY id DESC LIMIT 1").fetchone()
        head_id = int(self._meta("head_id") or 0)
        entry = dict(fields)
        entry["id"] = max(last["id"] if last else 0, head_id) + 1
        entry["prev_hash"] = last["hash"] if last else (self._meta("head_hash") or GENESIS)
        entry["hash"] = entry_hash(entry)
        columns = (*HASHED_FIELDS, "hash")
        self.conn.execute(f"INSERT INTO entries({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                          [entry[c] for c in columns])
        self._set_meta("head_id", str(entry["id"]))
        self._set_meta("head_hash", entry["hash"])
        return entry["id"]

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def record(self, answer, user: str | None = None, profile: str | None = None) -> int:
        """Append the entry for one :class:`indexer.answering.Answer`; returns its id."""
        cited = {c.n for c in answer.citations}
        passages = [{"n": c.n, "doc_id": c.doc_id, "path": c.path, "page": c.page, "page_label": c.page_label,
                     "chunk_id": c.chunk_id, "cited": c.n in cited} for c in answer.passages]
        for c in answer.citations:  # a citation outside the passages shown (should not happen): log it too
            if all(p["n"] != c.n or p["chunk_id"] != c.chunk_id for p in passages):
                passages.append({"n": c.n, "doc_id": c.doc_id, "path": c.path, "page": c.page,
                                 "page_label": c.page_label, "chunk_id": c.chunk_id, "cited": True})
        now = self.clock()
        fields = {
            "kind": "ask",
            "time": iso(now),
            "user": user or rights.current_user(),
            "profile": profile or answer.profile or "",
            "question_policy": self.question_policy,
            "question": self._question(answer.question),
            "passages": canonical(passages),
            "status": answer.status,
            "model": answer.model,
            "details": canonical({"warnings": sorted({str(w.get("code", "")) for w in answer.warnings}),
                                  "ai_generated": bool(answer.ai_generated)}),
        }
        with self._transaction():
            entry_id = self._append(fields)
        if self.auto_purge and (self._meta("last_purge_day") or "") < _utc_day(now):
            try:
                self.purge(now)
            except (sqlite3.Error, errors.PasseurError) as exc:  # never lose the answer over a purge
                log.warning("automatic audit purge failed: %s", exc)
        return entry_id

    # -- retention --------------------------------------------------------------------------------------
    def purge(self, now: datetime | None = None) -> int:
        """Delete the entries older than the retention period; returns how many were deleted.

        Leaves a ``purge`` checkpoint entry (see the module docstring) when something was deleted.
        """
        now = now or self.clock()
        cutoff = iso(now - timedelta(days=self.retention_days))
        with self._transaction():
            first_kept = self.conn.execute("SELECT MIN(id) FROM entries WHERE time >= ?", (cutoff,)).fetchone()[0]
            if first_kept is None:
                up_to = self.conn.execute("SELECT MAX(id) FROM entries").fetchone()[0] or 0
            else:
                up_to = first_kept - 1
            row = self.conn.execute("SELECT COUNT(*), MAX(id) FROM entries WHERE id <= ?", (up_to,)).fetchone()
            count = int(row[0])
            if count:
                last_hash = self.conn.execute("SELECT hash FROM entries WHERE id = ?", (row[1],)).fetchone()[0]
                self._purging = True
                try:
                    self.conn.execute("DELETE FROM entries WHERE id <= ?", (up_to,))
                finally:
                    self._purging = False
                self._append({
                    "kind": "purge", "time": iso(now), "user": rights.current_user(), "profile": "",
                    "question_policy": "omitted", "question": None, "passages": "[]", "status": "purged",
                    "model": None,
                    "details": canonical({"purged": count, "up_to_id": int(row[1]), "last_hash": last_hash,
                                          "cutoff": cutoff, "retention_days": self.retention_days}),
                })
                log.info("audit purge: %d entries older than %s removed", count, cutoff)
            self._set_meta("last_purge_day", _utc_day(now))
        return count

    # -- reading ----------------------------------------------------------------------------------------
    def head(self) -> tuple[int, str]:
        """(id, hash) of the last entry: note it elsewhere to anchor the chain."""
        return int(self._meta("head_id") or 0), self._meta("head_hash") or GENESIS

    def count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0])

    def verify(self) -> tuple[bool, int | None]:
        """Recompute the chain: ``(True, None)``, or ``(False, id of the first bad entry)``."""
        rows = [dict(r) for r in self.conn.execute("SELECT * FROM entries ORDER BY id")]
        head_id, head_hash = self.head()
        if not rows:
            return (True, None) if head_id == 0 else (False, head_id)
        anchors: dict[int, str] = {}
        for r in rows:
            if r["kind"] == "purge":
                try:
                    d = json.loads(r["details"])
                    anchors[int(d["up_to_id"])] = str(d["last_hash"])
                except (ValueError, KeyError, TypeError):
                    return False, r["id"]
        first = rows[0]
        expected_prev = GENESIS if first["id"] == 1 else anchors.get(first["id"] - 1)
        expected_id = first["id"]
        for r in rows:
            if r["id"] != expected_id or r["prev_hash"] != expected_prev or entry_hash(r) != r["hash"]:
                return False, r["id"]
            expected_prev = r["hash"]
            expected_id += 1
        last = rows[-1]
        if last["id"] < head_id:
            return False, last["id"] + 1  # entries cut off the end
        if last["id"] > head_id:
            return False, head_id + 1  # entries appended behind this module's back
        if last["hash"] != head_hash:
            return False, last["id"]
        return True, None

    def entries(self, since: date | datetime | str | None = None, until: date | datetime | str | None = None,
                user: str | None = None) -> list[dict]:
        """Entries in time order, ``passages`` and ``details`` decoded. ``until`` is inclusive."""
        clauses, params = [], []
        lo, hi = _bound(since, end=False), _bound(until, end=True)
        if lo:
            clauses.append("time >= ?")
            params.append(lo)
        if hi:
            clauses.append("time < ?")
            params.append(hi)
        if user:
            clauses.append("user = ?")
            params.append(user)
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        out = []
        for r in self.conn.execute(f"SELECT * FROM entries{where} ORDER BY id", params):
            d = dict(r)
            d["passages"] = json.loads(d["passages"])
            d["details"] = json.loads(d["details"])
            out.append(d)
        return out

    def export(self, since: date | datetime | str | None = None, until: date | datetime | str | None = None,
               user: str | None = None, fmt: str = "csv") -> str:
        """The entries as CSV (one line per entry, passages as ``path p. page`` joined by `` ; ``) or JSON
        (``{"entries": [...], "head": {...}}``), with their hashes so that a copy can be checked."""
        if fmt not in FORMATS:
            raise errors.PasseurError(fr=f"Format d'export inconnu « {fmt} » (csv ou json).",
                                      en=f"unknown export format {fmt!r}")
        rows = self.entries(since, until, user)
        if fmt == "json":
            head_id, head_hash = self.head()
            return json.dumps({"entries": rows, "head": {"id": head_id, "hash": head_hash}},
                              ensure_ascii=False, indent=1)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["id", "time", "kind", "user", "profile", "question_policy", "question", "status", "model",
                         "passages", "doc_ids", "details", "prev_hash", "hash"])
        for r in rows:
            shown = " ; ".join(f"{p['path']} p. {p.get('page_label') or p['page']}" + (" (cité)" if p.get("cited")
                                                                                         else "")
                               for p in r["passages"])
            doc_ids = " ".join(dict.fromkeys(p["doc_id"] for p in r["passages"]))
            writer.writerow([r["id"], r["time"], r["kind"], r["user"], r["profile"], r["question_policy"],
                             r["question"] or "", r["status"], r["model"] or "", shown, doc_ids,
                             canonical(r["details"]), r["prev_hash"], r["hash"]])
        return buf.getvalue()
