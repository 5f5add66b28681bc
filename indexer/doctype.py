"""Document type from rules on the file name, the title and the first page."""

from __future__ import annotations

import re

# Checked in order: the first pattern found wins. Patterns see folded lower-case text.
_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("marche-rc", re.compile(r"r[eè]glement de (la )?consultation|\brc\b[-_ ]")),
    ("marche-ccap", re.compile(r"cahier des clauses administratives particuli|\bccap\b")),
    ("marche-cctp", re.compile(r"cahier des clauses techniques particuli|\bcctp\b")),
    ("marche-ae", re.compile(r"acte d.engagement")),
    ("marche-rao", re.compile(r"rapport d.analyse des offres")),
    ("marche-notification", re.compile(r"\bnotification\b(?! d.un accident)")),
    ("memo-juridique", re.compile(r"m[ée]mo(?:randum)? juridique|note juridique|\bcontentieux\b|pr[ée]contentieux"
                                  r"|r[ée]clamation pr[ée]alable|recours gracieux de")),
    ("rh-individuel", re.compile(r"dossier individuel|grille nominative|situation individuelle"
                                 r"|note de situation|situation de m(?:me)?\.? [a-z]")),
    ("deliberation", re.compile(r"d[ée]lib[ée]ration|registre des d[ée]lib|\bdel[-_ ]?\d{4}")),
    ("arrete", re.compile(r"\barr[êe]t[ée] (municipal|du maire|n°|individuel|portant)|\bar[-_]\d{4}")),
    ("rh-faq", re.compile(r"\bfaq\b|foire aux questions|questions fr[ée]quentes")),
    ("note-service", re.compile(r"note de service|note d.information")),
    ("rh-livret", re.compile(r"livret d.accueil")),
    ("compte-rendu", re.compile(r"compte[- ]rendu|proc[èe]s[- ]verbal")),
    ("budget", re.compile(r"budget primitif|compte administratif|d[ée]cision modificative")),
    ("charte", re.compile(r"\bcharte\b")),
    ("reglement", re.compile(r"r[èe]glement")),
]


# In the body of the first page a bare word is weaker evidence than in the file name or the title.
_BODY_RULES = {
    "marche-notification": re.compile(r"notification (du|de l.attribution|d.attribution|du march)|lettre de notification"),
}


def guess(name: str, title: str, first_text: str) -> str:
    for i, source in enumerate((name, title, first_text[:1500])):
        text = source.lower().replace("_", " ")
        for doc_type, pattern in _RULES:
            if i == 2:
                pattern = _BODY_RULES.get(doc_type, pattern)
            if pattern.search(text):
                return doc_type
    return "document"
