"""French text normalisation shared by indexing and querying.

FTS5's ``unicode61 remove_diacritics 2`` folds accents but not ligatures, so
œ/æ are folded here, at index and at query time alike. Words are reduced with
the Snowball French stemmer (PyStemmer) so that "délibérations" finds
"délibération".
"""

from __future__ import annotations

import functools
import re
import unicodedata

import Stemmer

from .lexicon import ACRONYM_GROUPS

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ʼ": "'",
                            "\u00a0": " ", "\u202f": " ", "\u2009": " "})
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*|[^\W\d_]+", re.UNICODE)

# Function words that carry no meaning for retrieval (folded, no accents).
STOPWORDS = frozenset("""
a au aux avec ce ces cet cette ceci cela ca dans de des du elle elles en et est etre sont il ils je j la le les
leur leurs lui ma mais me mes moi mon ne nos notre nous on ou par pas pour qu que quel quelle quels quelles qui quoi
sa se ses son sur ta te tes toi ton tu un une vos votre vous d l n s c y t m avoir ai as avons avez ont fait faire
faut peut peux puis doit dois dont donc si plus moins tres bien comme aussi ete etait sera y est-ce combien comment
pourquoi quand ou-est lorsque chez entre sans sous vers depuis pendant apres avant selon ainsi alors encore deja
tout tous toute toutes autre autres meme memes quelque quelques chaque cela celle celui ceux celles ici la-bas
""".split())


# French month names as a regular-expression alternation (with or without accents).
MONTHS = "janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|d[ée]cembre"
WEEKDAYS = "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"


def fold(text: str) -> str:
    """Fold ligatures and special spaces; keeps case and accents."""
    return text.translate(_LIGATURES)


class _AccentFree(dict):
    """Character -> its NFKD decomposition without combining marks, filled as characters are met."""

    def __missing__(self, code: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(code))
        self[code] = out = "".join(c for c in decomposed if not unicodedata.combining(c))
        return out


_ACCENT_FREE = _AccentFree()


def strip_accents(text: str) -> str:
    """Accents removed (NFKD decomposes character by character, so a per-character table gives the same)."""
    if text.isascii():
        return text
    return text.translate(_ACCENT_FREE)


@functools.lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    stemmer = Stemmer.Stemmer("french")
    stemmer.maxCacheSize = 100_000
    return stemmer


def words(text: str) -> list[str]:
    """Lower-cased, ligature-folded words and numbers, in order."""
    return _WORD.findall(fold(text).lower())


def index_terms(text: str) -> str:
    """Text as stored in the FTS5 table: stemmed words, accents removed."""
    stems = _stemmer().stemWords(words(text))
    return strip_accents(" ".join(stems))  # one normalisation per text: NFKD works character by character


def query_terms(text: str) -> list[str]:
    """Distinct stemmed, accent-free query terms without stopwords."""
    seen: dict[str, None] = {}
    ws = [w for w in words(text) if strip_accents(w) not in STOPWORDS]
    for stem in _stemmer().stemWords(ws):
        term = strip_accents(stem)
        if term and term not in STOPWORDS:
            seen.setdefault(term, None)
    return list(seen)


def fts_query(text: str, synonyms: bool = True, drop: frozenset[str] = frozenset()) -> str | None:
    """An FTS5 MATCH expression: any query term or synonym phrase (bm25 ranks passages with more).
    Terms in ``drop`` (too common to rank anything: see ``Searcher.common_terms``) are left out."""
    terms = [t for t in query_terms(text) if t not in drop]
    extra = expansions(text) if synonyms else []
    items = terms + [e for e in extra if e not in terms]
    if not items:
        return None
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in items)


# Everyday words of agents mapped to the administrative wording of the documents (both ways).
# Groups of equivalent expressions; an expression of several words is matched as a phrase. An acronym that is
# also a common word (« CET » / « cet été », « PLU » / « il a plu ») is written in capitals here and matched
# only when the question writes it in capitals.
SYNONYM_GROUPS: list[tuple[str, ...]] = [
    ("cantine", "restauration scolaire"),
    ("mutuelle", "complémentaire santé", "protection sociale complémentaire"),
    ("prévoyance", "maintien de salaire"),
    ("ticket restaurant", "ticket resto", "titres-restaurant", "titre-restaurant"),
    ("rtt", "réduction du temps de travail", "artt"),
    ("CET", "compte épargne-temps", "compte épargne temps"),
    ("arrêt maladie", "congé de maladie", "congé maladie"),
    ("dgs", "directeur général des services"),
    ("salle des fêtes", "salle polyvalente"),
    ("prime", "indemnité", "régime indemnitaire"),
    ("salaire", "rémunération", "traitement"),
    ("vacances", "congés annuels"),
    ("accident du travail", "accident de service"),
    ("embauche", "recrutement"),
    ("travail à distance", "télétravail"),
    ("appel d'offres", "consultation"),
    ("déposer une offre", "déposer son offre", "déposer leur offre", "dépôt des offres", "remise des offres",
     "remise des plis", "remettre une offre", "remettre son offre"),
    ("subvention", "aide financière"),
    ("élu", "conseiller municipal"),
    ("PLU", "plan local d'urbanisme"),
    ("permis de construire", "autorisation d'urbanisme"),
    ("tarif", "prix"),
    ("mariage", "pacs"),
    ("formation", "cnfpt"),
    ("terminer", "prendre fin", "s'achever"),
    ("bio", "biologique", "biologiques"),
] + ACRONYM_GROUPS  # indexer/lexicon.py


def _stem_phrase(text: str) -> str:
    return " ".join(strip_accents(s) for s in _stemmer().stemWords(words(text)))


@functools.lru_cache(maxsize=1)
def _synonym_index() -> dict[str, list[str]]:
    """Each stemmed expression with the expressions it expands to; never to a capitals-only acronym, whose
    lower-case index term is also the common word (« compte épargne-temps » must not search « cet agent »)."""
    capital = _capital_only()
    index: dict[str, list[str]] = {}
    for group in SYNONYM_GROUPS:
        stems = list(dict.fromkeys(_stem_phrase(g) for g in group))
        for s in stems:
            index.setdefault(s, [])
            index[s] += [o for o in stems if o != s and o not in index[s] and o not in capital]
    return index


@functools.lru_cache(maxsize=1)
def _capital_only() -> dict[str, re.Pattern]:
    """Stems of the acronyms that count only when written in capitals, with the pattern that finds them."""
    return {_stem_phrase(g): re.compile(rf"\b{re.escape(g)}\b") for group in SYNONYM_GROUPS for g in group
            if g.isupper()}


def _synonyms_in(text: str) -> list[tuple[str, list[str]]]:
    """(stemmed expression, its stemmed synonyms) for each expression of SYNONYM_GROUPS found in ``text``."""
    stemmed = " " + _stem_phrase(text) + " "
    capital = _capital_only()
    return [(key, others) for key, others in _synonym_index().items()
            if f" {key} " in stemmed and (key not in capital or capital[key].search(text))]


def covered_by_synonyms(text: str, passage_stems: str) -> set[str]:
    """Stemmed words of the expressions of ``text`` whose synonym occurs in ``passage_stems`` (a stemmed
    passage): "cantine" in a question is covered by a passage that says "restauration scolaire"."""
    padded = " " + passage_stems + " "
    out: set[str] = set()
    for key, others in _synonyms_in(text):
        if any(f" {o} " in padded for o in others):
            out.update(key.split())
    return out


# « Fin 2025 » in a question is « au 31 décembre 2025 » in a report or a table; « début 2026 », « 1er janvier 2026 ».
_YEAR_END = re.compile(r"\bfin\s+(?:de\s+l'ann[ée]e\s+|d[ée]cembre\s+|d')?((?:19|20)\d\d)\b", re.IGNORECASE)
_YEAR_START = re.compile(r"\bd[ée]but\s+(?:de\s+l'ann[ée]e\s+|janvier\s+|d')?((?:19|20)\d\d)\b", re.IGNORECASE)


def expansions(text: str) -> list[str]:
    """Stemmed synonym phrases for the expressions of ``text`` found in SYNONYM_GROUPS, and the first or last day
    of a year for « début 2026 », « fin 2025 »."""
    out: list[str] = []
    for _, others in _synonyms_in(text):
        out += [o for o in others if o not in out]
    text = fold(text)  # « fin de l’année », « fin\u00a02025 »
    out += [_stem_phrase(f"31 décembre {y}") for y in _YEAR_END.findall(text)]
    out += [_stem_phrase(f"1er janvier {y}") for y in _YEAR_START.findall(text)]
    return list(dict.fromkeys(out))
