"""Administrative acts: structure of a deliberation or an arrêté, and the acts it amends or repeals.

Rules only (no model): the patterns below are the conventions of French local-government acts.

* **Number**: "Délibération n° 2024-037", "DEL-2024-37", "D2024_037" (all read as ``2024-037``),
  "Arrêté n° AR-2024-031", "Note de service n° NS-2025-09", a consultation "2025-AOO-03".
* **Structure**: session date, objet, members in office / present / represented / voting, the vote
  (for, against, abstentions, or "à l'unanimité"), transmission to the prefecture and publication.
* **Links**: an operative sentence of the act itself ("La présente délibération abroge et remplace la
  délibération n° 2024-037", "La délibération n° 2021-058 est abrogée", "Objet : modification de la
  délibération n° 2024-060", "Texte remplacé : note de service n° NS-2025-14") gives a link
  ``repeals`` (abroge, remplace) or ``amends`` (modifie, complète) to the referenced act. A mere
  reference ("Vu la délibération n° …", "fixés par la délibération n° …", "modifiée par …") is not a link.

The catalogue stores one :class:`ActInfo` per document (``acts`` table) and its links
(``act_links``); whether an act is still in force is resolved at query time, so the order in which
documents are indexed does not matter.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date

from .readers.base import find_dates

_MONTHS_FR = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]

KIND_LABELS = {"deliberation": "Délibération", "arrete": "Arrêté", "note-service": "Note de service",
               "reglement": "Règlement", "charte": "Charte"}

# -- numbers --------------------------------------------------------------------------------------

_NUM = r"(?:[A-Z]{1,4}[-_ ]?)?\d{4}[-_/][A-Z]{0,4}[-_]?\d{1,4}|[A-Z]{1,4}[-_]\d{2,4}[-_]\d{1,4}"
_DELIB_NUM = re.compile(r"^(?:DEL|DCM|D|DELIB)?[-_ ]?((?:19|20)\d\d)[-_/ ](\d{1,4})$", re.IGNORECASE)
_PROCUREMENT = re.compile(r"\b((?:19|20)\d\d-(?:AOO|AOR|AO|MAPA|MPA|PA|DC|CR|PN)-\d{1,3})\b")
# An act names itself with a capital ("Délibération n° 2024-037", "ARRÊTÉ N° AR-2024-031"); a reference to
# another act is in lower case ("Vu la délibération n° …", "adopté par délibération n° …").
_OWN_NUMBER = [
    ("deliberation", re.compile(r"(?:D[ée]lib[ée]ration|D[ÉE]LIB[ÉE]RATION)\s+[nN]\s*[°oO]\.?\s*(" + _NUM + r")")),
    ("arrete", re.compile(r"(?:Arr[êe]t[ée]|ARR[ÊE]T[ÉE])(?:\s+(?:municipal|du [Mm]aire|MUNICIPAL|DU MAIRE))?\s+[nN]\s*[°oO]\.?\s*("
                          + _NUM + r")")),
    ("note-service", re.compile(r"(?:Note de service|NOTE DE SERVICE)\s+[nN]\s*[°oO]\.?\s*(" + _NUM + r")")),
]
_FILE_NUMBER = re.compile(r"(?<![A-Za-z0-9])(?:DEL|DCM|D)[-_]?((?:19|20)\d\d)[-_](\d{1,4})(?!\d)", re.IGNORECASE)


def normalize_number(raw: str) -> str:
    """One spelling per act number: "DEL-2024-37", "D2024_037" and "2024-037" all give "2024-037"."""
    value = raw.strip().strip(".,;)").upper().replace(" ", "-")
    m = _DELIB_NUM.match(value)
    if m:
        return f"{m.group(1)}-{int(m.group(2)):03d}"
    return value.replace("_", "-")


# -- links ----------------------------------------------------------------------------------------

_REF = (r"(?P<kind>d[ée]lib[ée]ration|arr[êe]t[ée]|note de service|r[èe]glement[^,;.]{0,60}?|charte[^,;.]{0,40}?)"
        r"(?:\s+n\s*[°o]\.?\s*(?P<number>" + _NUM + r")(?:\s+(?:du|en date du)\s+(?P<date>(?:1er|\d{1,2})\s+\w+\s+\d{4}))?"
        r"|\s+(?:du|en date du)\s+(?P<date_only>(?:1er|\d{1,2})\s+\w+\s+\d{4}))")
_ACTIVE = re.compile(
    r"\b(?:la présente|le présent|la présente note|il|elle)\b[^.;]{0,40}?\b(?P<verb>abroge|modifie|remplace|complète)\b"
    r"(?:\s+et\s+(?P<verb2>remplace|abroge|complète|modifie))?[^.;]{0,80}?\b(?:la|le|l')\s*" + _REF,
    re.IGNORECASE)
_PASSIVE = re.compile(r"\b(?:la|le|l')\s*" + _REF + r"[^.;]{0,60}?\best\s+(?P<verb>abrogée?|modifiée?|remplacée?|complétée?)\b"
                      r"(?!\s+par)", re.IGNORECASE)
_OBJET = re.compile(r"objet\s*:[^.\n]{0,200}?\b(?P<verb>modification|abrogation|remplacement)\s+(?:de\s+)?(?:la|le|l')\s*"
                    + _REF, re.IGNORECASE)
_REPLACED_TEXT = re.compile(r"texte\s+remplac[ée]\s*:\s*" + _REF, re.IGNORECASE)
_REPEALS = ("abrog", "rempla")


@dataclass(frozen=True)
class ActLink:
    relation: str  # "repeals" | "amends"
    kind: str  # deliberation, arrete, note-service, reglement, charte
    number: str = ""  # normalised; "" when the act is named by its date only
    date: str = ""  # ISO date of the referenced act, when given


@dataclass
class ActInfo:
    kind: str = ""
    number: str = ""
    date: str = ""  # ISO: session date of a deliberation, signature date of an arrêté
    objet: str = ""
    members: dict[str, int] = field(default_factory=dict)  # in_office, present, represented, voting
    vote: dict[str, int] = field(default_factory=dict)  # voting, for, against, abstentions
    unanimous: bool = False
    transmitted: str = ""  # ISO date of transmission to the prefecture
    published: str = ""  # ISO date of publication
    procurement: str = ""  # consultation number of a procurement file
    lots: list[str] = field(default_factory=list)
    links: list[ActLink] = field(default_factory=list)

    def label(self, title: str = "") -> str:
        """"Délibération n° 2024-037 du 18 juin 2024" (what a citation shows)."""
        kind = KIND_LABELS.get(self.kind, "")
        if not (kind and self.number):
            return ""
        out = f"{kind} n° {self.number}"
        if self.date:
            out += f" du {french_date(self.date)}"
        return out

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> "ActInfo":
        if not text:
            return cls()
        data = json.loads(text)
        links = [ActLink(**link) for link in data.pop("links", [])]
        return cls(**data, links=links)


def french_date(iso: str) -> str:
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{'1er' if d.day == 1 else d.day} {_MONTHS_FR[d.month - 1]} {d.year}"


def _first_date(text: str) -> str:
    dates = find_dates(text)
    return dates[0].isoformat() if dates else ""


_ACT_WORD = re.compile(r"d[ée]lib[ée]ration|arr[êe]t[ée]|note de service|r[èe]glement|charte", re.IGNORECASE)


def _kind_of(words: str) -> str:
    """Kind of the act named last in ``words`` ("charte annexée à la délibération" -> deliberation)."""
    found = _ACT_WORD.findall(words)
    w = (found[-1] if found else words).lower()
    if w.startswith("d"):
        return "deliberation"
    if w.startswith("arr"):
        return "arrete"
    if w.startswith("note"):
        return "note-service"
    if w.startswith("charte"):
        return "charte"
    return "reglement"


def _link(verb: str, m: re.Match[str]) -> ActLink | None:
    number = normalize_number(m.group("number")) if m.group("number") else ""
    raw_date = m.group("date") or m.group("date_only")
    when = _first_date(raw_date) if raw_date else ""
    if not (number or when):
        return None
    relation = "repeals" if verb.lower().startswith(_REPEALS) else "amends"
    return ActLink(relation, _kind_of(m.group("kind")), number, when)


def find_links(text: str, own_number: str = "") -> list[ActLink]:
    """Acts that ``text`` (one act) amends or repeals, strongest relation kept per target."""
    found: dict[tuple[str, ...], ActLink] = {}

    def add(link: ActLink | None) -> None:
        if link is None or (link.number and link.number == own_number):
            return
        key = (link.number,) if link.number else (link.kind, link.date)
        old = found.get(key)
        if old is None or (old.relation == "amends" and link.relation == "repeals"):
            found[key] = link

    flat = " ".join(text.split())
    for m in _ACTIVE.finditer(flat):
        verbs = [m.group("verb"), m.group("verb2") or ""]
        add(_link("abroge" if any(v.lower().startswith(_REPEALS) for v in verbs if v) else "modifie", m))
    for m in _PASSIVE.finditer(flat):
        add(_link(m.group("verb"), m))
    for m in _OBJET.finditer(text):
        add(_link("abroge" if m.group("verb").lower().startswith("abrog") else "modifie", m))
    for m in _REPLACED_TEXT.finditer(flat):
        add(_link("remplace", m))
    return list(found.values())


# -- structure ------------------------------------------------------------------------------------

_OBJ = re.compile(r"\bobjet\s*:\s*(.+?)\s*(?:\n|rapporteur\s*:|question examinée|$)", re.IGNORECASE)
_SESSION = re.compile(r"s[ée]ance\s+(?:publique\s+)?du\s+(?:\w+\s+)?((?:1er|\d{1,2})\s+\w+\s+\d{4})", re.IGNORECASE)
_MEMBERS = re.compile(r"en exercice\s*:\s*(\d+)\s*;\s*pr[ée]sents\s*:\s*(\d+)\s*;\s*repr[ée]sent[ée]s\s*:\s*(\d+)"
                      r"\s*;\s*votants\s*:\s*(\d+)", re.IGNORECASE)
_VOTE = re.compile(r"votants\s*:\s*(\d+)\s*;\s*pour\s*:\s*(\d+)\s*;\s*contre\s*:\s*(\d+)\s*;\s*abstentions?\s*:\s*(\d+)",
                   re.IGNORECASE)
_VOTE_PROSE = re.compile(r"par\s+(\d+)\s+voix\s+pour[^.;]{0,40}?(\d+)\s+(?:voix\s+)?contre[^.;]{0,40}?(\d+)\s+abstention",
                         re.IGNORECASE)
_UNANIMITY = re.compile(r"à l'unanimité", re.IGNORECASE)
_TRANSMITTED = re.compile(r"transmis[e]?\s+(?:en|à la)\s+pr[ée]fecture[^.]{0,60}?le\s+((?:1er|\d{1,2})\s+\w+\s+\d{4})",
                          re.IGNORECASE)
_PUBLISHED = re.compile(r"(?:publi[ée]e?|affich[ée]e?)[^.]{0,80}?le\s+((?:1er|\d{1,2})\s+\w+\s+\d{4})", re.IGNORECASE)
_LOT = re.compile(r"\blot\s+n\s*[°o]\s*(\d{1,2})\b", re.IGNORECASE)
_SIGNED = re.compile(r"\b(?:fait|sign[ée])\s+à\s+[A-ZÀ-Ý][\w' -]+,?\s+le\s+((?:1er|\d{1,2})\s+\w+\s+\d{4})", re.IGNORECASE)


def extract(text: str, *, title: str = "", doc_type: str = "", filename: str = "") -> ActInfo:
    """Structure and links of one act from its text (all pages), its title, type and file name."""
    head = text[:6000]
    info = ActInfo()
    # the pattern of the document's own type first: a deliberation also names other acts in its text
    for kind, pattern in sorted(_OWN_NUMBER, key=lambda kp: kp[0] != doc_type):
        m = pattern.search(title) or pattern.search(head[:1500])
        if m:
            info.kind, info.number = kind, normalize_number(m.group(1))
            break
    if not info.number and doc_type == "deliberation":
        m = _FILE_NUMBER.search(filename)
        if m:
            info.kind, info.number = "deliberation", f"{m.group(1)}-{int(m.group(2)):03d}"
    if not info.kind and doc_type in KIND_LABELS:
        info.kind = doc_type
    m = _PROCUREMENT.search(filename) or _PROCUREMENT.search(head) or _PROCUREMENT.search(title)
    if m and (doc_type.startswith("marche") or not info.number):
        info.procurement = m.group(1).upper()
    m = _OBJ.search(head)
    info.objet = " ".join(m.group(1).split())[:300] if m else ""
    if info.kind == "deliberation":
        m = _SESSION.search(head)
        info.date = _first_date(m.group(1)) if m else ""
    if not info.date and info.kind in ("arrete", "note-service"):
        m = _SIGNED.search(text)
        info.date = _first_date(m.group(1)) if m else ""
    m = _MEMBERS.search(head)
    if m:
        info.members = dict(zip(("in_office", "present", "represented", "voting"), map(int, m.groups())))
    m = _VOTE.search(text)
    if m:
        info.vote = dict(zip(("voting", "for", "against", "abstentions"), map(int, m.groups())))
    else:
        m = _VOTE_PROSE.search(text)
        if m:
            info.vote = dict(zip(("for", "against", "abstentions"), map(int, m.groups())))
    info.unanimous = bool(_UNANIMITY.search(text)) and (not info.vote or info.vote.get("for") == info.vote.get("voting"))
    m = _TRANSMITTED.search(text)
    info.transmitted = _first_date(m.group(1)) if m else ""
    m = _PUBLISHED.search(text)
    info.published = _first_date(m.group(1)) if m else ""
    if doc_type.startswith("marche"):
        info.lots = sorted({n for n in _LOT.findall(text)}, key=int)
    info.links = find_links(text, info.number)
    return info


def article_of(section: str) -> str:
    """"Article 2 — Tarif social" -> "article 2"; "" when the section is not an article."""
    m = re.match(r"^\s*(?:article|art\.)\s+(\d+|premier|1er|unique)\b", section or "", re.IGNORECASE)
    if not m:
        return ""
    value = m.group(1).lower()
    return "article 1er" if value in ("1", "premier", "1er") else f"article {value}"


def citation_label(info: ActInfo, title: str, section: str, doc_type: str) -> str:
    """"Délibération n° 2024-037 du 18 juin 2024, article 2"; "Article 12 du règlement intérieur du personnel"."""
    article = article_of(section)
    base = info.label(title)
    if base:
        return f"{base}, {article}" if article else base
    if article and doc_type in ("reglement", "charte", "arrete") and title:
        name = title[0].lower() + title[1:] if title[1:2].islower() else title
        low = name.lower()
        if low.startswith("le "):
            of = f"du {name[3:]}"
        elif low.startswith("les "):
            of = f"des {name[4:]}"
        elif low.startswith(("la ", "l'", "l’")):
            of = f"de {name}"
        elif low.startswith(("règlement", "reglement", "arrêté", "arrete")):
            of = f"du {name}"
        else:
            of = f"de la {name}" if low.startswith("charte") else f"du document « {title} »"
        return f"{article[0].upper()}{article[1:]} {of}"
    return ""
