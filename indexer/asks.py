"""What a question asks for, and whether an answer gives it.

A small model that finds no passage on the question's subject rarely says so: asked "how much is the year-end
bonus, and when is it paid?", it answers "it is paid monthly, on the last working day [4]" from a passage on
another allowance. The answer names no amount at all. Questions that ask for an amount, a number, a delay, a
date or a time of day are recognised from their wording (« combien », « quel montant », « quel délai », « à quelle
date », « jusqu'à quand », « à quelle heure »…), and an answer that does not give what was asked is not an answer
(measured in docs/BENCHMARKS.md).

Only explicit wordings count; anything else ("quand" opening a clause: « Quand le DGS est absent, qui
signe ? ») asks for nothing checkable, and the answer is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .grounding import CITATION, number_words
from .textnorm import MONTHS, WEEKDAYS

_I = re.IGNORECASE

# --- what the question asks -------------------------------------------------------------------------------------

_MONEY_NOUN = r"(?:montant|somme|prix|tarif|co[uû]t|loyer|taux)"
_MONEY_VERB = (r"(?:co[uû]t\w*|pai\w*|pay\w*|vers\w*|touch\w*|rembours\w*|vaut|valent|re[çc]oi\w*|re[çc]u\w*|"
               r"per[çc]\w*|gagn\w*|factur\w*|rapport\w*|d[ée]pens\w*|budg[ée]t\w*)")
_NOT_COUNTED = r"(?!\s+(?:de\b|d'))"  # « à combien de jours », « reçoivent combien de jours »: a number, not money
_ASKS_MONEY = re.compile(
    rf"\b(?:quel(?:le)?s?\s+(?:est\s+|sont\s+|était\s+)?(?:le\s+|la\s+|les\s+)?{_MONEY_NOUN}s?\b"  # quel prix
    # combien coûte, combien la commune paie-t-elle (not « combien sont-ils », « combien y a-t-il d'agents »)
    rf"|combien\s+(?!de\b|d'|sont\b|y\s+a\b|[ée]taient\b)(?:(?!de\b|d')[\w'-]+\s+){{0,4}}?{_MONEY_VERB}"
    rf"|{_MONEY_VERB}\s+combien{_NOT_COUNTED}"  # payées combien, versée combien
    rf"|(?:c'est|[àa]|jusqu'[àa]|pour)\s+combien{_NOT_COUNTED}"  # « et pour combien ? »
    # « quel écart de prix », « quelle différence de tarif », « de combien le loyer augmente-t-il »
    rf"|\b(?:[ée]cart|diff[ée]rence|hausse|baisse|augmentation|diminution)\s+(?:de|du|des)\s+{_MONEY_NOUN}s?\b)", _I)
_ASKS_COUNT = re.compile(r"\b(?:combien\s+(?:y\s+a-t-il\s+)?(?:de|d')(?!\s*temps\b)"
                         r"|combien\s+(?:sont|[ée]taient)-(?:ils|elles)|quel(?:le)?s?\s+(?:est\s+le\s+)?nombre\b)", _I)
_ASKS_DURATION = re.compile(
    r"\b(?:combien\s+de\s+temps|(?:quel|sous\s+quel|dans\s+quel)\s+(?:est\s+le\s+)?d[ée]lai"
    r"|quels\s+(?:sont\s+les\s+)?d[ée]lais|quelle\s+(?:est\s+la\s+)?dur[ée]e)\b", _I)
_ASKS_DATE = re.compile(
    r"\b(?:quelle\s+date|quel\s+jour|quelle\s+ann[ée]e|en\s+quelle\s+ann[ée]e|quel\s+mois)\b", _I)
# « Quelle est la date de versement ? » asks for a date as vaguely as « quand » does: « versé mensuellement »,
# « au plus tard deux mois avant la séance » answer it.
_ASKS_DATE_OF = re.compile(
    r"\bquel(?:le)?s?\s+(?:est|sont|[ée]tait|[ée]taient|sera|seront)\s+(?:la|les)\s+dates?\b", _I)
# Words that open a clause after a conjunction « quand » (« quand on reçoit la médaille », « quand c'est cassé »).
_SUBJECT = (r"(?:je|j'|tu|il|elle|on|nous|vous|ils|elles|ça|cela|ce|cet|cette|ces|c'|le|la|les|l'|un|une|des|du|au|"
            r"aux|mon|ma|mes|ton|ta|tes|son|sa|ses|notre|votre|nos|vos|leur|leurs)\b")
# "quand" asks for a time when it follows a preposition (« jusqu'à quand »), ends the question (« versée quand ? »,
# « ferme quand cet été ? »), or opens a question with an inverted subject (« Quand le marché a-t-il été notifié ? »).
_ASKS_WHEN = re.compile(
    r"\b(?:(?:jusqu'[àa]|depuis|[àa]\s+partir\s+de|d'ici|pour)\s+quand\b"
    r"|quand(?!\s+(?:m[êe]me|bien|n[ée]cessaire)\b)(?:\s+(?!" + _SUBJECT + r")[\w'-]+){0,3}\s*\?"
    r"|quand\s+(?:ce|cet|cette|ces)\s+[\w'-]+\s*\?"  # « ferme quand cet été ? »: no room for a verb
    r"|^\W*quand\b(?!\s+(?:m[êe]me|bien)\b)(?:(?!\b(?:est|sont|a|ont|était|étaient|va|vont|fait|font|doit|doivent|"
    r"peut|peuvent)\b)[^,?])*?\b\w+-(?:t-)?(?:il|elle|ils|elles|on)\b)", _I)

# « À quelle heure », « jusqu'à quelle heure », « pendant quelles heures », « quels sont les horaires ».
_ASKS_TIME = re.compile(r"\bquelles?\s+heures?\b|\bquels?\s+(?:sont\s+les\s+|[ée]taient\s+les\s+)?horaires?\b"
                        r"|\bheures\s+d'ouverture\b", _I)

KINDS = ("money", "count", "duration", "date", "time")


def asked_kinds(question: str) -> list[str]:
    """The kinds of information the question explicitly asks for, among :data:`KINDS`."""
    question = question.replace("’", "'")
    out = []
    if _ASKS_MONEY.search(question):
        out.append("money")
    if _ASKS_COUNT.search(question):
        out.append("count")
    if _ASKS_DURATION.search(question):
        out.append("duration")
    if _ASKS_DATE.search(question) or _ASKS_WHEN.search(question) or _ASKS_DATE_OF.search(question):
        out.append("date")
    if _ASKS_TIME.search(question):
        out.append("time")
    return out


# --- what the answer gives --------------------------------------------------------------------------------------

_YES_NO = re.compile(r"\W*(?:oui|non)\b", _I)
# References that hold digits without stating any quantity: act and article numbers, legal codes' articles.
_REFERENCE = re.compile(
    r"\b(?:n[°o]|num[ée]ro|article|art\.|arr[êe]t[ée]|d[ée]lib[ée]ration|lot|annexe|chapitre|titre)\s*[A-Z]?[\d.\-/]+\w*"
    r"|\b[LRD]\.?\s?\d+(?:-\d+)+\b|\b\d{4}-[A-Z]*-?\d+\b", _I)
_ANY_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b(?!\s+[a-zà-ÿ]{3,})")  # not a count: « en 2025 », not « 2010 habitants »
_ZERO = re.compile(r"\b(?:aucun\w*|gratuit\w*|nul(?:le)?s?|z[ée]ro|sans\s+(?:frais|co[uû]t|contrepartie)|"
                   r"pas\s+(?:de|d')|ne\s+\w+\s+pas|n'\w+\s+pas|ni\b)", _I)
# An amount: a currency, a rate or a share, or a figure written as amounts are (« 4,90 », « 12 500 »).
_MONEY = re.compile(r"€|\beuros?\b|\bEUR\b|%|\bpour\s*cent\b|\d\s*/\s*\d|\b(?:demi|plein)[\s-]traitement\b|\bSMIC\b"
                    r"|\bint[ée]gralit[ée]\s+d[eu]\s+(?:son\s+|leur\s+)?(?:traitement|salaire)\b"
                    r"|\b\d+,\d\d\b|\b\d{1,3}(?:[ \u00a0\u202f.]\d{3})+\b", _I)
_COUNT_WORDS = re.compile(r"\b(?:un|une)\s+seule?\b|\bau\s+(?:moins|plus)\s+(?:un|une)\b|\bdemi\w*|\bmoiti[ée]\b|"
                          r"\bdouble\b|\btiers\b|\bquart\b|\b(?:deux|trois|quatre|cinq|six|sept|huit|neuf)\b", _I)
_DATE = re.compile(rf"\b(?:{MONTHS}|{WEEKDAYS}|1er|aujourd'hui|demain|hier)\b|\b\d{{1,2}}[/.]\d{{1,2}}\b"
                   rf"|\b(?:premier|dernier|\d+e)\s+jour\b", _I)
# A time of day (« 2 h 00 », « 9h30 », « 14 heures », « 18:30 », « midi »), or a closing (« fermée le samedi »).
_TIME = re.compile(r"\b\d{1,2}\s*h(?:\s*\d{2})?\b|\b\d{1,2}\s*heures?\b|\b\d{1,2}:\d{2}\b|\b(?:midi|minuit)\b"
                   r"|\bferm[ée]e?s?\b|\ben\s+continu\b|\b24\s*h\s*/\s*24\b", _I)
_UNIT = r"(?:jours?|semaines?|mois|ans?|ann[ée]es?|heures?|h|trimestres?|semestres?)"
# A vaguer "when" (« quand », « jusqu'à quand ») is also answered by a period: « dans les 15 jours », « au plus tard
# le dernier jour du mois », « chaque trimestre », « avant la séance ».
_PERIOD = re.compile(rf"\b\d+\s*{_UNIT}\b|\b(?:chaque|tous\s+les|toutes\s+les|par)\s+{_UNIT}\b|"
                     rf"\b(?:mensuel\w*|annuel\w*|trimestriel\w*|hebdomadaire\w*|quotidien\w*)\b|"
                     rf"\b(?:au\s+plus\s+tard|avant|apr[èe]s|dès|lors\s+d[eu']|pendant|jusqu'[àa]|[àa]\s+(?:partir|compter)\s+d[eu'])\b",
                     _I)


_DURATION = re.compile(
    rf"\b(?:\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|quinze|vingt|trente|quarante|"
    rf"cinquante|soixante|cent|quelques|plusieurs)(?:[\s-]\w+)?\s+(?:{_UNIT}|minutes?)\b"
    rf"|\b(?:imm[ée]diat\w*|sans\s+d[ée]lai|aucun\s+d[ée]lai|le\s+jour\s+m[êe]me|sur-le-champ)\b", _I)
# A deadline is an answer to « quel délai » too: « jusqu'au 31 mars », « au plus tard le 15 juin ».
_DEADLINE = re.compile(rf"\b(?:jusqu'(?:au|[àa])|avant\s+l[ea]|au\s+plus\s+tard\s+l[ea]|d'ici\s+l[ea])\s+"
                       rf"(?:\w+\s+)?(?:\d|1er|{MONTHS}|{WEEKDAYS})", _I)


def _quantities(text: str) -> str:
    """The answer without citation markers and references (act, article and lot numbers)."""
    return _REFERENCE.sub(" ", CITATION.sub(" ", text))


_COUNTED = re.compile(r"\bcombien\s+(?:de\s+|d')(\w+)", _I)


def _one_of(question: str, text: str) -> bool:
    """« Une fois » to « combien de fois ? », « un jour » to « combien de jours ? »."""
    m = _COUNTED.search(question)
    if not m:
        return False
    counted = m.group(1).lower().rstrip("sx")
    return any(w.lower().rstrip("sx") == counted for w in re.findall(r"\b(?:un|une)\s+(\w+)", text, _I))


def gives(kind: str, answer: str, question: str = "") -> bool:
    """Whether ``answer`` gives a ``kind`` of information (an answer that says there is none counts)."""
    text = _quantities(answer.replace("’", "'"))
    question = question.replace("’", "'")
    if _ZERO.search(text) or _YES_NO.match(text):
        return True  # none, free, or a yes/no answer (the question was a closed one after all)
    if kind == "money":
        return bool(_MONEY.search(text))
    if kind == "count":
        return bool(re.search(r"\d", _YEAR.sub(" ", text)) or number_words(text) or _COUNT_WORDS.search(text)
                    or _one_of(question, text))
    if kind == "duration":
        return bool(_DURATION.search(text) or _DEADLINE.search(text))
    if kind == "time":
        return bool(_TIME.search(text))
    if kind == "date":
        if _ANY_YEAR.search(text) or _DATE.search(text):
            return True
        strict = _ASKS_DATE.search(question) and not (_ASKS_WHEN.search(question) or _ASKS_DATE_OF.search(question))
        return not strict and bool(_PERIOD.search(text))
    raise ValueError(kind)


# Kinds a passage is favoured for holding when the question asks for them (ranking): not delays and durations,
# which most passages of rules hold (« dans un délai de deux mois »).
RANKED_KINDS = ("money", "count", "date")


def holds(kind: str, passage: str) -> bool:
    """Whether a passage holds a ``kind`` of information: an amount, a number (not a year or a reference), a day
    or a month. Unlike :func:`gives`, a negation or a yes/no does not count: passages are not answers."""
    text = _quantities(passage)
    if kind == "money":
        return bool(_MONEY.search(text))
    if kind == "count":
        return bool(re.search(r"\d", _YEAR.sub(" ", text)) or number_words(text))
    if kind == "date":
        return bool(_DATE.search(text))
    raise ValueError(kind)


_NAMES_FR = {"money": "de montant", "count": "de nombre", "duration": "de délai ni de durée", "date": "de date",
             "time": "d'heure"}
_NAMES_EN = {"money": "no amount", "count": "no number", "duration": "no delay or duration", "date": "no date",
             "time": "no time of day"}


@dataclass(frozen=True)
class Missing:
    kinds: tuple[str, ...]  # asked for and not given
    asked: tuple[str, ...]

    @property
    def fr(self) -> str:
        return " ni ".join(_NAMES_FR[k] for k in self.kinds)

    @property
    def en(self) -> str:
        return " and ".join(_NAMES_EN[k] for k in self.kinds)


def missing_kinds(question: str, answer: str) -> Missing | None:
    """What the question asks for and the answer does not give, or None when it gives all of it."""
    asked = asked_kinds(question)
    missing = tuple(k for k in asked if not gives(k, answer, question))
    return Missing(missing, tuple(asked)) if missing else None
