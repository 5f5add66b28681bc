"""Grounding enforced by the app, not hoped from the model.

- :func:`retrieval_is_weak` decides, before any LLM call, that the passages do
  not answer (the distinctive words of the question are absent from them).
- :func:`check_answer` parses ``[n]`` citations, removes and flags those that
  point to no passage, flags sentences without a citation, and checks every
  figure and date of the answer against the cited passages.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, field

from . import textnorm
from .chunking import split_sentences

CITATION = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")  # [2], [1, 3]
_SENTENCE = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÀ-ÖØ-Þ«\"(])")
# Figures worth checking: amounts, percentages, decimals, long numbers, act numbers, dates.
_FIGURE = re.compile(
    r"\b\d{1,3}(?:[  \u202f]\d{3})+(?:,\d+)?\b"  # 1 248 600,00
    r"|\b\d+(?:[.,]\d+)+\b"  # 3,45 / 3.45 / 12.03.2024
    r"|\b\d{4}-\d{2,4}\b"  # 2024-037
    r"|\b\d+\b"  # plain integers (filtered below)
)


@dataclass
class GroundingWarning:
    code: str  # invalid_citation | uncited_sentence | unsupported_figure | no_citation
    fr: str
    en: str
    detail: str = ""
    strong: bool = False  # unsupported_subject: evidence enough to set the answer aside (not serialised)

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.fr, "message_en": self.en, "detail": self.detail}


@dataclass
class Checked:
    text: str
    cited: list[int]  # valid passage numbers, in order of first use
    warnings: list[GroundingWarning] = field(default_factory=list)


def normalise_figure(fig: str) -> str:
    """One spelling per value: "412 350,00", "412.350" and "412 350" are the same amount, "3,50" and "3.5" the
    same rate; "5.000" is five thousand (a dot before three digits groups thousands), "12.03.2024" a date.
    A day of a month is "day/month" however written: "1er septembre", "01/09/2025", "2025-09-01" → "1/9"."""
    day = _day_of_month(fig)
    if day:
        return day
    f = re.sub(r"[  \u202f]", "", fig)
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", f):
        return f.replace(".", "")
    f = f.replace(",", ".")
    if re.fullmatch(r"\d+\.\d{1,2}", f):  # decimals (cents, rates): trailing zeros carry no value
        f = f.rstrip("0").rstrip(".")
    return f


# Days of a month are figures of their own: « le 8 octobre 2025 » is checked as « 8/10 » and « 2025 », so that a
# date copied from another passage (or another year's) is caught, not only its year.
_MONTH_WORD = rf"(?:(?:{textnorm.MONTHS})\b|(?:janv|f[ée]vr|avr|juil|sept|oct|nov|d[ée]c)\b\.?)"
_DAY = r"\b(?:3[01]|[12]\d|0?[1-9])(?:er)?\b"
_MONTH_AT = re.compile(rf"(?<!\w){_MONTH_WORD}", re.IGNORECASE)
# The days before a month: « 8 octobre », « du 3 au 15 août », « les 10, 11 et 12 juin », « lundi 13 au vendredi 17
# juillet ». Searched backwards from each month name, in a bounded window (a forward search from every number of a
# long table of numbers would be quadratic).
_DAY_LINK = rf"\s*(?:,|et|au|à|-|–|ou)\s*(?:(?:le|l')\s*)?(?:(?:{textnorm.WEEKDAYS})\s+)?"  # « au vendredi », « et le »
_DAYS_BEFORE = re.compile(rf"({_DAY}(?:{_DAY_LINK}{_DAY})*)\s+$", re.IGNORECASE)
_NUM_DATE = re.compile(r"\b(3[01]|[12]\d|0?[1-9])([/.])(1[0-2]|0?[1-9])\2((?:19|20)\d\d)\b")  # 08/10/2025
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(1[0-2]|0[1-9])-(3[01]|[12]\d|0[1-9])\b")  # 2025-10-08
_DAY_LEAD = re.compile(rf"({_DAY})\s*(?:au|à|-|–|et)\s*$", re.IGNORECASE)
_DAY_FIGURE = re.compile(rf"({_DAY})\s+({_MONTH_WORD})", re.IGNORECASE)


def _month_number(word: str) -> int:
    w = textnorm.strip_accents(word.lower().rstrip("."))
    return 7 if w.startswith("juil") else 6 if w.startswith("juin") else (
        ["jan", "fev", "mar", "avr", "mai", "jun", "jul", "aou", "sep", "oct", "nov", "dec"].index(w[:3]) + 1)


def _day_of_month(fig: str) -> str | None:
    """"8/10" for a day of a month written « 8 octobre », « 08/10/2025 » or « 2025-10-08 »; None otherwise."""
    if m := _DAY_FIGURE.fullmatch(fig):
        return f"{int(m.group(1).lower().removesuffix('er'))}/{_month_number(m.group(2))}"
    if m := _NUM_DATE.fullmatch(fig):
        return f"{int(m.group(1))}/{int(m.group(3))}"
    if m := _ISO_DATE.fullmatch(fig):
        return f"{int(m.group(3))}/{int(m.group(2))}"
    return None


def _figure_spans(text: str) -> list[tuple[int, str]]:
    """(position, figure) of every figure of a text, days of a month included, in order."""
    out: list[tuple[int, str]] = []
    blanks: list[tuple[int, int]] = []
    for m in _NUM_DATE.finditer(text):
        out += [(m.start(), m.group(0)), (m.start(4), m.group(4))]  # the day and month, then the year alone
        blanks.append(m.span())
        if lead := _DAY_LEAD.search(text, max(0, m.start() - 12), m.start()):  # « du 13 au 24/07/2026 »
            out.append((lead.start(), f"{lead.group(1).lower().removesuffix('er')}/{m.group(3)}/{m.group(4)}"))
            blanks.append(lead.span())
    for m in _ISO_DATE.finditer(text):
        out += [(m.start(), m.group(0)), (m.start(1), m.group(1))]
        blanks.append(m.span())
    for month in _MONTH_AT.finditer(text):
        m = _DAYS_BEFORE.search(text, max(0, month.start() - 80), month.start())
        if m is None or any(a <= m.start() < b for a, b in blanks):
            continue
        out += [(m.start(1) + d.start(), f"{d.group(0)} {month.group(0)}") for d in re.finditer(_DAY, m.group(1))]
        blanks.append(m.span(1))  # the days only: a year after the month stays a figure of its own
    if blanks:
        chars = list(text)
        for a, b in blanks:
            chars[a:b] = " " * (b - a)
        text = "".join(chars)
    out += [(m.start(), m.group(0)) for m in _FIGURE.finditer(text)]
    return sorted(out, key=lambda item: item[0])  # stable: a date before its year


def figures(text: str) -> list[str]:
    """Figures of a text worth checking (not citation markers, not tiny integers)."""
    out = []
    for _, fig in _figure_spans(CITATION.sub(" ", text)):
        if re.fullmatch(r"\d+", fig) and int(fig) < 10:
            continue  # "2 jours", "article 3": too common to check meaningfully
        out.append(fig)
    return out


def _figure_set(texts: list[str]) -> set[str]:
    return {normalise_figure(fig) for t in texts for _, fig in _figure_spans(t)}


def _cited_numbers(text: str) -> list[int]:
    """The passage numbers of the ``[n]`` / ``[n, m]`` markers of a text, in order."""
    return [int(x) for m in CITATION.finditer(text) for x in re.split(r"\s*[,;]\s*", m.group(1))]


def quoted_figures(figs, limit: int = 3) -> str:
    """« a », « b », « c »: the first ``limit`` figures, for a message."""
    return ", ".join(f"« {f} »" for f in list(dict.fromkeys(figs))[:limit])


def check_answer(answer: str, passages: list[str]) -> Checked:
    warnings: list[GroundingWarning] = []
    n_max = len(passages)

    def fix(m: re.Match) -> str:
        nums = _cited_numbers(m.group(0))
        good = [n for n in nums if 1 <= n <= n_max]
        for n in nums:
            if n not in good:
                warnings.append(GroundingWarning(
                    "invalid_citation",
                    f"Citation [{n}] supprimée : elle ne correspond à aucun passage fourni.",
                    f"Citation [{n}] removed: no such passage.", str(n)))
        return "".join(f"[{n}]" for n in good)

    text = CITATION.sub(fix, answer).strip()
    text = re.sub(r"\s+([.,])", r"\1", re.sub(r"[ \t]{2,}", " ", text))  # French keeps the space before ; :
    figure_sets = [_figure_set([p]) for p in passages]  # once per passage, for the repair and the check below
    text = _repair_citations(text, figure_sets, warnings)
    cited = list(dict.fromkeys(_cited_numbers(text)))

    sentences = [s for s in _SENTENCE.split(text) if s.strip()]
    for s in sentences:
        body = CITATION.sub("", s).strip()
        if len(body.split()) >= 4 and not CITATION.search(s):
            warnings.append(GroundingWarning("uncited_sentence", "Phrase sans source : à vérifier.",
                                     "Sentence without a citation.", body[:200]))
    # Figures: each must appear in a passage that its sentence cites (else in any cited passage).
    for s in sentences:
        nums = _cited_numbers(s)
        local = [n for n in nums if 1 <= n <= n_max] or cited
        known = set().union(*(figure_sets[n - 1] for n in local))
        for fig in figures(s):
            if normalise_figure(fig) not in known:
                warnings.append(GroundingWarning(
                    "unsupported_figure",
                    f"Chiffre ou date « {fig} » introuvable dans les passages cités : à vérifier.",
                    f"Figure {fig!r} not found in the cited passages.", fig))
    if not cited and sentences:
        warnings.append(GroundingWarning("no_citation", "Réponse sans aucune citation : à vérifier dans les sources.",
                                 "Answer has no citation."))
    return Checked(text=text, cited=cited, warnings=warnings)


_SENTENCE_KEEP = re.compile(r"(?<=[.!?…])(\s+)(?=[A-ZÀ-ÖØ-Þ«\"(])")
_ANY_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


def _repair_citations(text: str, figure_sets: list[set[str]], warnings: list[GroundingWarning]) -> str:
    """Point a sentence to the passage that holds its figures when the one it cites does not.

    Small models often copy a figure from passage [1] and write [3], or write no citation at all. When
    some figures of a sentence are absent from the passages it cites and one other passage holds them,
    that passage is cited instead (it holds every figure of the sentence) or as well (it holds the
    missing ones); a sentence with figures and no citation gets the passage that holds them all. Each
    change is noted. The figure check then runs on the corrected citations; a figure in no passage
    stays flagged. ``figure_sets``: the figures of each passage, in order."""
    parts = _SENTENCE_KEEP.split(text)
    for i in range(0, len(parts), 2):  # odd items are the separators
        sentence = parts[i]
        marks = list(CITATION.finditer(sentence))
        # Bare years are too common to tell passages apart: amounts, rates and dates decide.
        figs = {normalise_figure(f) for f in figures(sentence) if not _ANY_YEAR.fullmatch(f)}
        if not figs:
            continue
        if not marks:  # a sentence with figures and no source: the passage that holds them all, if any
            holders = [n for n in range(1, len(figure_sets) + 1) if figs <= figure_sets[n - 1]]
            if holders:
                body = sentence.rstrip()
                tail = re.search(r"\s*[.!?…:;]*$", body)  # "10 €." / "150 € ?" / "10 €..." keep their ending
                end = tail.start() if tail else len(body)
                parts[i] = f"{body[:end]} [{holders[0]}]{body[end:]}{sentence[len(body):]}"
                shown = quoted_figures(f for f in figures(sentence) if normalise_figure(f) in figs)
                warnings.append(GroundingWarning(
                    "citation_repaired", f"Citation ajoutée : [{holders[0]}], le passage qui contient {shown}.",
                    f"Citation added: [{holders[0]}], the passage holding {shown}.", str(holders[0])))
            continue
        nums = _cited_numbers(sentence)
        known = set().union(*(figure_sets[n - 1] for n in nums))
        missing = figs - known
        if not missing:
            continue
        whole = [n for n in range(1, len(figure_sets) + 1) if n not in nums and figs <= figure_sets[n - 1]]
        part = [n for n in range(1, len(figure_sets) + 1) if n not in nums and missing <= figure_sets[n - 1]]
        if not (whole or part):
            continue
        shown = quoted_figures(f for f in figures(sentence) if normalise_figure(f) in missing)
        old = "".join(f"[{n}]" for n in dict.fromkeys(nums))
        if whole:
            new = whole[0]
            sentence = CITATION.sub(f"[{new}]", sentence)
            sentence = re.sub(rf"\[{new}\](?:\s*\[{new}\])+", f"[{new}]", sentence)
            fr = f"Citation corrigée : {old} remplacé par [{new}], le passage qui contient {shown}."
            en = f"Citation corrected: {old} replaced by [{new}], the passage holding {shown}."
        else:
            new = part[0]
            last = marks[-1]
            sentence = sentence[:last.end()] + f"[{new}]" + sentence[last.end():]
            fr = f"Citation complétée : [{new}] ajouté à {old}, c'est le passage qui contient {shown}."
            en = f"Citation completed: [{new}] added to {old}, the passage holding {shown}."
        parts[i] = sentence
        warnings.append(GroundingWarning("citation_repaired", fr, en, str(new)))
    return "".join(parts)


_UNITS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9}
_TEENS = {"dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16,
          "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19}
_TENS = {"vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "quatre-vingt": 80,
         "quatre-vingts": 80}
_NUMBER_WORD = re.compile(
    r"\b(?:(quatre-vingts?|vingt|trente|quarante|cinquante|soixante)(?:(?:-| et )(un|une|deux|trois|quatre|cinq|six|"
    r"sept|huit|neuf|dix-sept|dix-huit|dix-neuf|dix|onze|douze|treize|quatorze|quinze|seize))?"
    r"|(dix-sept|dix-huit|dix-neuf|dix|onze|douze|treize|quatorze|quinze|seize)|(cent|mille))\b", re.IGNORECASE)


_SMALL_WORD = re.compile(r"\b(deux|trois|quatre|cinq|six|sept|huit|neuf)\b(?!-)", re.IGNORECASE)


def number_words(text: str, small: bool = False) -> set[str]:
    """Numbers from 10 written in words ("quinze jours", "soixante-dix", "cent"), as digits: a model that
    writes "15 jours" from "quinze jours" made nothing up. ``small`` adds "deux" to "neuf" ("un" is an
    article too often to count)."""
    out: set[str] = {str(_UNITS[m.group(1).lower()]) for m in _SMALL_WORD.finditer(text)} if small else set()
    for m in _NUMBER_WORD.finditer(text):
        tens, rest, teen, big = (g.lower() if g else g for g in m.groups())
        if big:
            out.add("100" if big == "cent" else "1000")
        elif teen:
            out.add(str(_TEENS[teen]))
        else:
            out.add(str(_TENS[tens] + (_UNITS.get(rest) or _TEENS.get(rest) or 0 if rest else 0)))
    return out


def all_numbers(text: str) -> set[str]:
    """Every number of a text, small ones and those written in words included, normalised (for comparing a
    golden answer's key figures with an answer)."""
    return {normalise_figure(m.group(0)) for m in _FIGURE.finditer(CITATION.sub(" ", text))} | number_words(text, True)


def invented_figures(answer: str, shown: list[str], question: str = "") -> list[str]:
    """Figures and dates of the answer that none of the passages shown to the model contains.

    :func:`check_answer` checks each figure against the passages its sentence cites; a figure that a
    wrong citation number moved is still somewhere in what the model read. One that is in no passage at
    all (nor in their titles and dates, given in ``shown``) was made up, or copied from the question
    ("the price at 1 September 2027 is 3,03 €" when no passage speaks of 2027). Numbers the passages write in
    words count as present, as do figures of the question other than years."""
    known = _figure_set(shown)
    # Years inside ISO dates and act numbers ("2024-06-18", "2024-037") read as "18 juin 2024", "en 2024".
    known |= {y for t in shown for y in _ANY_YEAR.findall(t)}
    known |= {n for t in shown for n in number_words(t)}
    # A figure restated from the question ("pour un quotient familial de 450 €") is not made up; a year or a
    # period is ("les tarifs 2027-2028 seront…" when no passage speaks of 2027).
    asked = {normalise_figure(f) for f in figures(question) if not _ANY_YEAR.search(f)}
    # A day of a month counts here by its day number, as any number does: « jusqu'au 30 juin » beside « depuis le
    # 1er juillet » is read, not made up (check_answer still flags it against the cited passages).
    known |= {v.split("/")[0] for v in known | asked if "/" in v}
    out: list[str] = []
    for fig in figures(answer):
        value = normalise_figure(fig)
        if "/" in value:
            value = value.split("/")[0]
            if int(value) < 10:
                continue
        if value not in known and value not in asked and fig not in out:
            out.append(fig)
    return out


def idf(df: dict[str, int], n_docs: int, term: str) -> float:
    """Rarity weight of a stemmed term among ``n_docs`` passages (the retrieval gate's and the answer checks')."""
    return math.log(1 + (n_docs + 1) / (df.get(term, 0) + 0.5))


def unsupported_subject(question: str, answer: str, cited: list[str], df: dict[str, int], n_docs: int,
                        min_share: float = 0.6) -> GroundingWarning | None:
    """The question's distinctive words, taken up by the answer, mostly absent from the passages it cites.

    A small model asked about something the archive does not hold (the swimming pool's entry fee) tends to
    answer from a neighbouring passage (the village hall's fee) while repeating the question's words: "the
    entry to the summer pool costs 3 € [2]". Each figure is in passage [2]; the subject is not. The words
    the answer repeats are weighted by rarity (IDF, as the retrieval gate does); when the missing ones
    weigh at least ``min_share``, the answer is flagged. Words the index never contains count only when the
    question names a thing with them ("le club de rugby": the archive cannot hold its subsidy), not the verbs
    of everyday speech ("je touche"); numbers are left out (checked as figures), as are words whose synonym
    the passages use ("cantine" / "restauration scolaire"). Measured in docs/BENCHMARKS.md."""
    if not cited:
        return None
    asked = set(textnorm.query_terms(question))
    said = set(textnorm.index_terms(CITATION.sub(" ", answer)).split())
    things = determined_words(question)
    distinctive = {t for t in asked if (df.get(t, 0) > 0 or t in things) and not t[:1].isdigit() and len(t) > 2}
    shared = sorted(distinctive & said)
    if not shared:
        return None
    stems = " ".join(textnorm.index_terms(p) for p in cited)
    present = set(stems.split()) | textnorm.covered_by_synonyms(question, stems)
    missing = [t for t in shared if t not in present]
    if not missing:
        return None
    # A thing the question names that no passage mentions, unless a passage has a word one letter away (a typo).
    unknown = [t for t in missing if df.get(t, 0) == 0 and not any(_one_edit(t, w) for w in present)]
    weight = {t: idf(df, n_docs, t) for t in shared}
    if not unknown and sum(weight[t] for t in missing) < min_share * sum(weight.values()):
        return None
    words = ", ".join(_surface(question, t) for t in sorted(missing, key=lambda t: (df.get(t, 0), t))[:3])
    # Strong: a thing the archive never mentions ("le club de rugby"), several missing words, or the one missing is
    # the question's rarest word ("piscine"), not a predicate the answer repeats ("il coûte 4,90 €" from a passage
    # that says "tarif").
    known = [df[t] for t in distinctive if df.get(t, 0) > 0]
    # Verbs the answer repeats from the question (« si je me fais payer… ») are predicates, not subjects: they
    # weigh in the share above, not in the strength below.
    verbs = verb_words(question)
    nouns = [t for t in missing if t not in verbs]
    rarest = len(nouns) == 1 and bool(known) and df.get(nouns[0], 0) == min(known)  # ties: any of the rarest
    return GroundingWarning(
        "unsupported_subject",
        f"La réponse parle de « {words} », que les passages cités ne mentionnent pas : elle répond peut-être à "
        "une autre question. À vérifier.",
        f"The answer speaks of {words!r}, which the cited passages never mention: it may answer another "
        "question. To be checked.", words, strong=bool(unknown) or len(nouns) >= 2 or rarest)


_DETERMINED = re.compile(
    r"(?<!\w)(?:(le|la|les|un|une|des|du|au|aux|ce|cet|cette|ces|mon|ma|mes|ton|ta|tes|son|sa|ses|notre|votre|nos|"
    r"vos|leur|leurs|[ld]['’])|(de|à|en|pour|sur|par|avec|sans|d['’]))\s*([^\W\d_][\w-]{3,})", re.IGNORECASE)
_VERB_FORM = re.compile(r"(?:er|ir|re|ant|é|ée|és|ées)$", re.IGNORECASE)


def determined_words(question: str) -> set[str]:
    """Index terms of the question's words that follow an article or a preposition: the things it is about
    ("le club de rugby", "à la piscine"), not the verbs of everyday speech ("combien je touche", "pour
    toucher la prime": a verb form after a preposition is left out)."""
    out: set[str] = set()
    for m in _DETERMINED.finditer(question):
        article, preposition, word = m.groups()
        if preposition and not article and _VERB_FORM.search(word):
            continue
        out.update(textnorm.index_terms(word).split())
    return out


_CLITIC = r"(?:(?:je|tu|il|elle|on|nous|vous|ils|elles|me|te|se|ne|lui)\s+|[jmtsn]')"
_AFTER_CLITIC = re.compile(rf"(?<!\w){_CLITIC}(?=([^\W\d_][\w-]+))", re.IGNORECASE)
_INFINITIVE = re.compile(r"(?<!\w)(?!(?:le|la|les|un|une|des|du|au|aux|l|d)['’\s])\w+\s+([^\W\d_]+(?:er|ir))\b",
                         re.IGNORECASE)


def verb_words(question: str) -> set[str]:
    """Index terms of the question's verbs, as far as word order tells: a word after a subject or object
    pronoun (« je touche », « me fais »), and an infinitive after another verb (« fais payer »)."""
    out: set[str] = set()
    for m in _AFTER_CLITIC.finditer(question.replace("’", "'")):
        out.update(textnorm.index_terms(m.group(1)).split())
    for m in _INFINITIVE.finditer(question):
        out.update(textnorm.index_terms(m.group(1)).split())
    return out


def _one_edit(a: str, b: str) -> bool:
    """``a`` and ``b`` (stems of five letters or more) differ by one letter inserted, removed or replaced."""
    if min(len(a), len(b)) < 5 or abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] if len(a) == len(b) else a[i:] == b[i + 1:]


def _surface(question: str, term: str) -> str:
    """The question's own word for a stemmed term (for the message)."""
    for w in re.findall(r"\w+", question):
        if textnorm.index_terms(w) == term:
            return w
    return term


@dataclass
class Evidence:
    coverage: float  # IDF-weighted share of the question's terms present in the passages (together)
    best_single: float  # the same share within the single best passage
    missing: list[str]  # question terms absent from every passage
    absent_from_index: list[str]  # question terms that appear nowhere in the index


def evidence(question: str, passages: list[str], df: dict[str, int], n_docs: int) -> Evidence:
    terms = textnorm.query_terms(question)
    if not terms:
        return Evidence(0.0, 0.0, [], [])
    weights = {t: idf(df, n_docs, t) for t in terms}
    total = sum(weights.values())
    per_passage = [set(textnorm.index_terms(p).split()) for p in passages]
    present = set().union(*per_passage) if per_passage else set()
    got = sum(w for t, w in weights.items() if t in present)
    best = max((sum(w for t, w in weights.items() if t in terms_p) for terms_p in per_passage), default=0.0)
    missing = [t for t in terms if t not in present]
    absent = [t for t in missing if df.get(t, 0) == 0]
    return Evidence(got / total, best / total, missing, absent)


_QUESTION_YEAR = re.compile(r"(?<![\d/.,-])((?:19|20)\d\d)(?:\s*[-/]\s*((?:19|20)\d\d))?(?![\d/.,]|-\d)")


def question_years(question: str) -> list[str]:
    """Years the question names ("2027", "2027-2028"; not the "2024" of an act number "2024-037")."""
    asked: list[str] = []
    for m in _QUESTION_YEAR.finditer(question):
        asked += [y for y in m.groups() if y]
    return sorted(set(asked))


_NAMED = re.compile(
    r"\b(?:M\.|MM\.|Mme|Mmes|Mlle|Me|Dr|monsieur|madame|mademoiselle|ma[îi]tre|famille|soci[ée]t[ée]|entreprise|"
    r"cabinet|association|club|SARL|SAS|SA|EURL|SCI|[ée]tablissements?|groupe)\s+"
    r"((?:(?:de |du |des |d'|la |le )?[A-ZÀ-ÖØ-ÞŒ][\wÀ-ÖØ-öø-ÿŒœ'-]+\s*){1,3})")


def proper_names(question: str) -> list[str]:
    """Index terms of the people and organisations the question names ("M. Benhaddou", "la famille Pouzet",
    "la société Lumière Voirie"). If the readable archive never mentions such a name, it cannot answer a
    question about it, however close the other words are. Places are left out: "à Lyon" in a question on
    hotel allowances does not make it unanswerable."""
    out: list[str] = []
    for m in _NAMED.finditer(question):
        for word in m.group(1).split():
            if word[:1].isupper() and not word.isupper():
                out += textnorm.index_terms(word).split()
    return sorted(set(out))


_NAME_TOKEN = re.compile(r"[^\W\d_][\w-]*['’]?|\d+|[.?!:;«»()]")
# Nouns that a place name qualifies: « la place du Marché », « l'avenue de la Libération », « la salle de la
# Morinière ». The name is checked with its noun: « place » and « marché » alone are common words.
_PLACE_NOUNS = frozenset("""
rue place avenue boulevard chemin allée quai impasse route quartier cimetière salle école parc stade gymnase piscine
maison résidence lotissement zone square hameau pont jardin centre espace halle
""".split())
_TITLES = frozenset("m mme mmes mlle mlles monsieur madame mademoiselle me maître dr docteur".split())
_LINKS = frozenset(("de", "du", "des", "d'", "d’", "la", "l'", "l’"))


def _capital(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() and len(word) >= 3 and word.lower() not in _TITLES


def name_phrases(question: str) -> list[tuple[str, str, bool]]:
    """The names the question uses: runs of capitalised words (« Saveurs Collectives », « Centre communal
    d'Action sociale » through « de », « d' », « la »), titles (« Mme », « M. ») left out, with the place noun they
    qualify when there is one (« place du Marché »), as (words, index terms, is a place)."""
    toks = [m.group(0) for m in _NAME_TOKEN.finditer(question)]
    out: dict[str, tuple[str, bool]] = {}
    start, i = True, 0
    while i < len(toks):
        word = toks[i]
        if word in ".?!:;«(" and not (word == "." and i and toks[i - 1].lower() in _TITLES):
            start, i = True, i + 1
            continue
        # A capital opening a sentence is a name only when a capitalised word follows and it is no common word
        # (« Saveurs Collectives a-t-elle… », not « Combien Saveurs… »).
        opens = _capital(word) and (not start or (i + 1 < len(toks) and _capital(toks[i + 1])
                                                  and textnorm.strip_accents(word.lower()) not in textnorm.STOPWORDS))
        if not opens:
            start, i = start and word in "».)", i + 1
            continue
        j = i
        while True:  # « Centre Communal d'Action Sociale », « Union sportive de Valmoreau » stops at « sportive »
            k = j + 1
            while k < len(toks) and toks[k].lower() in _LINKS:
                k += 1
            if k < len(toks) and _capital(toks[k]) and (k == j + 1 or k - j <= 3):
                j = k
            else:
                break
        k = i - 1  # « place du Marché », « avenue de la Libération »
        if k >= 1 and toks[k].lower() in ("la", "l'", "l’") and toks[k - 1].lower() == "de":
            k -= 1
        place = k >= 1 and toks[k].lower() in ("du", "de", "des", "d'", "d’") and toks[k - 1].lower() in _PLACE_NOUNS
        words = " ".join(toks[k - 1 if place else i:j + 1]).replace("' ", "'").replace("’ ", "’")
        terms = textnorm.index_terms(words)
        if terms:
            out.setdefault(terms, (words, place))
        start, i = False, j + 1
    return [(words, terms, place) for terms, (words, place) in out.items()]


def _named_in(terms: str, words: str, place: bool, text: str) -> bool:
    """Whether a passage (index terms, padded) names the thing: a place by its whole phrase (« place du Marché »,
    not « droits de place (marché) »), another name by all its words in any order, or by its initials (« CCAS »)."""
    if place:
        return f" {terms} " in text
    capitals = [w for w in re.findall(r"[^\W\d_]+", words) if w[:1].isupper()]
    initials = "".join(w[0] for w in capitals).lower()
    if len(initials) >= 2 and f" {initials} " in text:
        return True
    return all(f" {t} " in text for t in textnorm.index_terms(" ".join(capitals)).split())


# Nouns that designate one numbered part of a file or an act: « le lot 2 », « l'avenant n° 1 », « l'article 12 ».
_NUMBERED = re.compile(r"(?<![\w-])(lots?|avenants?|articles?|art\.|annexes?|chapitres?|tranches?|phases?|"
                       r"b[âa]timents?|[ée]chelons?)\s+(?:n[°o]\s*)?(\d{1,3})(?![\w-])", re.IGNORECASE)


def numbered_things(question: str) -> list[tuple[str, str]]:
    """Things the question designates by a number (« l'avenant n° 1 », « le lot 2 », « l'article 12 »), as
    (words, stem of the noun). Years, reference codes (« 2025-AOO-03 ») and other nouns are not among them."""
    out: dict[str, str] = {}
    for m in _NUMBERED.finditer(question):
        out.setdefault(f"{_padded_terms(m.group(1)).split()[0]} {m.group(2)}", m.group(0))
    return [(words, terms.split()[0]) for terms, words in out.items()]


def _padded_terms(text: str) -> str:
    """Index terms between spaces, « Art. » read as « article »."""
    return " " + " ".join("articl" if t == "art" else t for t in textnorm.index_terms(text).split()) + " "


def unsupported_names(question: str, answer: str, cited: list[str], df: dict[str, int], n_docs: int,
                      max_share: float = 0.05) -> GroundingWarning | None:
    """A name the question uses, or a thing it designates by a number, repeated by the answer, that no cited
    passage (with its title and headings) names.

    Asked the rent of « le logement communal de la place du Marché », a small model answers with the rent of
    the lodging « rue des Tanneurs »: « Le loyer … de la place du Marché est de 1 140,00 € [2] ». Every figure
    is in passage [2]; the place is not. Only names the readable archive mentions count (``df`` ≥ 1: a city
    the question names as context, « à Lyon », is the asker's, not a document's), and not the names found
    everywhere (the commune's own, above ``max_share`` of the passages, from five passages on)."""
    if not cited:
        return None
    said = _padded_terms(CITATION.sub(" ", answer))
    have = [_padded_terms(text) for text in cited]
    missing = [words for words, terms, place in name_phrases(question)
               if _named_in(terms, words, place, said) and not any(_named_in(terms, words, place, h) for h in have)
               and 1 <= df.get(terms, 0) <= max(max_share * n_docs, 5)]
    # « Le montant de l'avenant n° 1 au lot 2 est de 412 350 € [2] » from the lot 2 award: no passage cited
    # speaks of an avenant at all. (« lot 1 » for « lot 2 » is left alone: « les lots 1 et 2 », « Lot | 2 ».)
    missing += [words for words, noun in numbered_things(question)
                if f" {noun} " in said and not any(f" {noun} " in h for h in have)]
    return _speaks_of(missing, "que les passages cités ne nomment pas : elle répond peut-être sur autre chose.",
                      "which the cited passages never name: it may be about something else.")


def _speaks_of(missing: list[str], fr: str, en: str) -> GroundingWarning | None:
    """The strong off-subject warning for specifics of the question that the cited passages lack."""
    if not missing:
        return None
    words = ", ".join(missing[:3])
    return GroundingWarning("unsupported_subject", f"La réponse parle de « {words} », {fr} À vérifier.",
                            f"The answer speaks of {words!r}, {en} To be checked.", words, strong=True)


# A period a quantity is asked for (« par mois », « le loyer mensuel », « au premier trimestre »), and the words a
# text uses for that period (« 25 €/h », « 2 jours par sem. », « T1 », « de janvier à mars » for a quarter).
_PERIOD_WORDS = {
    "trimestre": rf"trimestr\w*|T[1-4]|(?:{textnorm.MONTHS})\s*(?:à|au|-|–)\s*(?:{textnorm.MONTHS})",
    "semestre": rf"semestr\w*|S[12]|(?:{textnorm.MONTHS})\s*(?:à|au|-|–)\s*(?:{textnorm.MONTHS})",
    "mois": r"mois|mensu\w*",
    "semaine": r"semaines?|sem|hebdomadaires?",
    "jour": r"jours?|j|journ\w*|quotidien\w*",
    "an": r"ans?|ann[ée]es?|annu\w*",
    "heure": r"heures?|h|horaires?",
}
_PERIOD_FAMILY = {period: re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)
                  for period, words in _PERIOD_WORDS.items()}
_ASKED_PERIOD = re.compile(
    r"\b(?:par\s+(mois|semaine|jour|an|ann[ée]e|heure|trimestre|semestre)"
    r"|(mensuel\w*|hebdomadaires?|annuel\w*|journali\w*|quotidien\w*|trimestriel\w*|semestriel\w*)"
    r"|(?:premier|deuxi[èe]me|second|troisi[èe]me|quatri[èe]me|dernier)\s+(trimestre|semestre|mois))\b", re.IGNORECASE)


def _period_of(word: str) -> str | None:
    return next((period for period, family in _PERIOD_FAMILY.items() if family.fullmatch(word)), None)


def unsupported_period(question: str, answer: str, cited: list[str]) -> GroundingWarning | None:
    """A period the question asks a quantity for, repeated by the answer, that no cited passage speaks of.

    Asked how many meals were ordered « au cours du premier trimestre », a small model answers « 60 000 repas » from
    « Minimum annuel 60 000 repas », repeating « premier trimestre »; asked a monthly rent, it gives a sum owed.
    The period is checked by its family of words (« mensuel » / « mois »; « annuel » / « an », « année »)."""
    if not cited:
        return None
    said = CITATION.sub(" ", answer)
    text = " ".join(cited)
    missing = []
    for m in _ASKED_PERIOD.finditer(question):
        period = _period_of(m.group(1) or m.group(2) or m.group(3))
        if period is None:
            continue
        family = _PERIOD_FAMILY[period]
        if family.search(said) and not family.search(text):
            missing.append(m.group(0))
    return _speaks_of(missing, "période dont les passages cités ne parlent pas : le chiffre donné vaut peut-être "
                      "pour une autre période.", "a period the cited passages never mention: its figure may hold "
                      "for another period.")


def copied_passage(answer: str, passages: list[str], share: float = 0.9, min_run: int = 5,
                   min_sentences: int = 3) -> int | None:
    """The number (1-based) of a passage of ``min_sentences`` sentences or more that the answer merely copies:
    runs of ``min_run`` words or more taken in order from it cover ``share`` of its words and make the whole
    answer but a word or two. (Copying out a sentence or two that answer is answering.)

    Asked the date of the staff's Christmas party, a small model that finds none copies out a passage on a works
    schedule that mentions « les vacances de Noël », figures and all. An answer selects what was asked; a copy of
    everything a passage says, for a precise question, is no answer (measured in docs/BENCHMARKS.md)."""
    said = textnorm.words(CITATION.sub(" ", answer))
    if not said:
        return None
    for n, passage in enumerate(passages, start=1):
        words = textnorm.words(passage)
        if not words or len(split_sentences(passage)) < min_sentences:
            continue
        blocks = difflib.SequenceMatcher(None, words, said, autojunk=False).get_matching_blocks()
        copied = sum(b.size for b in blocks if b.size >= min_run)
        if copied >= share * len(words) and copied >= len(said) - 2:
            return n
    return None


def retrieval_is_weak(ev: Evidence, top_dense: float, *, min_coverage: float, min_dense: float) -> bool:
    """No LLM call when the passages clearly miss the question: no single passage holds a fair share
    of its distinctive words and none is close in meaning. Plausible questions whose words all occur
    in the archive are left to the model, whose answer is then checked."""
    if top_dense >= min_dense:
        return False
    if ev.best_single < min_coverage:
        return True
    return bool(ev.absent_from_index) and ev.coverage < 2 * min_coverage


def best_span(passage: str, query: str) -> tuple[int, int]:
    """Character span of the passage's sentence sharing most terms with the query (for highlighting)."""
    q = set(textnorm.query_terms(query))
    best, best_score = (0, min(len(passage), 300)), -1.0
    start = 0
    for piece in split_sentences(passage):
        idx = passage.find(piece, start)
        if idx < 0:
            continue
        terms = set(textnorm.index_terms(piece).split())
        score = len(q & terms) / (1 + 0.01 * len(piece))
        if score > best_score:
            best, best_score = (idx, idx + len(piece)), score
        start = idx + len(piece)
    return best

