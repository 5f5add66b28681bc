"""Detection of personal data in text (GDPR minimisation), without keeping the values.

Kinds found:

- ``nir``: French social security number (15 characters: sex, year, month, department — ``2A`` /
  ``2B`` for Corsica —, commune, order, and the 2-digit key ``97 - (number mod 97)``, where Corsica
  counts as 19 (2A) and 18 (2B)). Only numbers whose key checks out are reported, so a random
  13 to 15-digit number (an amount, a file number) is not taken for a NIR.
- ``iban``: ISO 13616 account number, mod-97 checksum (and the country's length when known);
  an all-zero account (a placeholder in a form) is not reported.
- ``phone``: French phone numbers, ``0X XX XX XX XX`` (spaces, dots, dashes or none, used
  consistently) and ``+33 X XX XX XX XX`` / ``0033 …``.
- ``email``: e-mail addresses.
- ``birth_date``: a date introduced as a birth date ("né(e) le 12/03/1978", "née le 3 novembre 1984",
  "date de naissance : 12 avril 1978"); only the date itself is reported.

:func:`find` returns kinds and offsets only — never the values — so that what is recorded about a
document (for the DPO) is "2 phone numbers, 1 NIR", not a copy of them. :func:`mask` replaces each
finding with a French label such as ``[NIR masqué]``; :func:`summary` counts findings per kind.
:func:`policy_for` reads the per-space policy (``keep`` or ``mask``) from the settings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .textnorm import MONTHS

KINDS = ("nir", "iban", "email", "birth_date", "phone")  # also the priority order on overlaps

LABELS = {
    "nir": "[NIR masqué]",
    "iban": "[IBAN masqué]",
    "phone": "[téléphone masqué]",
    "email": "[e-mail masqué]",
    "birth_date": "[date de naissance masquée]",
}

POLICIES = ("keep", "mask")


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


# -- NIR ---------------------------------------------------------------------------------------------
_SEP = r"[ \u00a0\u202f.\-]?"
_NIR = re.compile(
    r"(?<![\w])"
    rf"[1-478]{_SEP}\d\d{_SEP}\d\d{_SEP}"
    rf"(?:(?:\d\d|2[ABab]){_SEP}\d{{3}}|\d{{3}}{_SEP}\d\d)"  # department + commune (mainland / overseas)
    rf"{_SEP}\d{{3}}{_SEP}\d\d"
    r"(?![\w])")


def nir_is_valid(candidate: str) -> bool:
    """True when ``candidate`` (separators allowed) is a structurally valid NIR with the right key."""
    s = re.sub(r"[ \u00a0\u202f.\-]", "", candidate).upper()
    if len(s) != 15 or s[0] not in "123478":
        return False
    body, key = s[:13], s[13:]
    dept = body[5:7]
    if dept == "2A":
        body = body[:5] + "19" + body[7:]
    elif dept == "2B":
        body = body[:5] + "18" + body[7:]
    if not (body.isdigit() and key.isdigit()):
        return False
    month = int(body[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or 50 <= month <= 99):  # 20+: unknown/fictitious months
        return False
    if body[5:7] == "00" or body[10:13] == "000":  # no department 00, no order number 000
        return False
    return 97 - int(body) % 97 == int(key)


# -- IBAN ----------------------------------------------------------------------------------------------
_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d\d(?:[ \u00a0]?[A-Z0-9]){11,30}(?![a-z0-9])")
_IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26, "IT": 27,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
    "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
}


def iban_is_valid(candidate: str) -> bool:
    """ISO 13616: right length for a known country, mod-97 of the rearranged number equal to 1."""
    s = re.sub(r"[ \u00a0]", "", candidate).upper()
    if not re.fullmatch(r"[A-Z]{2}\d\d[A-Z0-9]{11,30}", s):
        return False
    expected = _IBAN_LENGTHS.get(s[:2])
    if expected is not None and len(s) != expected:
        return False
    if set(s[4:]) <= {"0"}:
        return False  # a blank form's placeholder, not somebody's account
    digits = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(digits) % 97 == 1


def _iban_findings(text: str) -> list[Finding]:
    out = []
    for m in _IBAN.finditer(text):
        raw = m.group(0)
        # The pattern may run into a following upper-case word: try the longest valid prefix that ends
        # on a character of the number.
        ends = [i + 1 for i, ch in enumerate(raw) if ch.isalnum()]
        for end in reversed(ends):
            if end < len(raw) and raw[end].isalnum():
                continue
            if iban_is_valid(raw[:end]):
                out.append(Finding("iban", m.start(), m.start() + end))
                break
    return out


# -- phone numbers ------------------------------------------------------------------------------------------
_PHONE = re.compile(
    r"(?<![\w+])"
    r"(?:(?:\+|00)33[ \u00a0.\-]?(?:\(0\)[ \u00a0]?)?[1-9]|0[1-9])"
    r"([ \u00a0\u202f.\-]?)\d\d(?:\1\d\d){3}"
    r"(?![\w])")

# -- e-mail --------------------------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w])")

# -- birth dates ---------------------------------------------------------------------------------------------
_DATE = (rf"(?:(?:1er|\d{{1,2}})[ \u00a0]+(?:{MONTHS})[ \u00a0]+\d{{4}}"
         r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})(?!\d))")
_BIRTH = re.compile(
    r"(?:\bn[ée]e?s?(?:\s*\(e\))?(?:\s+(?:à|a)\s+[^\n,;:|]{1,40}?)?\s+le\s+"
    r"|\bdate\s+de\s+naissance\s*(?:[:|\-–]\s*)?"
    r"|\bd\.?\s?d\.?\s?n\.?\s*:\s*)"
    rf"(?P<date>{_DATE})",
    re.IGNORECASE)


# -- API -----------------------------------------------------------------------------------------------------
def find(text: str) -> list[Finding]:
    """Personal data found in ``text``: kinds and character offsets, sorted, without overlaps."""
    if not text:
        return []
    found: list[Finding] = []
    for m in _NIR.finditer(text):
        if nir_is_valid(m.group(0)):
            found.append(Finding("nir", m.start(), m.end()))
    found += _iban_findings(text)
    found += [Finding("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    found += [Finding("birth_date", m.start("date"), m.end("date")) for m in _BIRTH.finditer(text)]
    found += [Finding("phone", m.start(), m.end()) for m in _PHONE.finditer(text)]
    priority = {k: i for i, k in enumerate(KINDS)}
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (priority[f.kind], f.start)):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def mask(text: str, kinds: tuple[str, ...] | None = None) -> str:
    """``text`` with each finding (of ``kinds``, default all) replaced by its French label."""
    out, last = [], 0
    for f in find(text):
        if kinds is not None and f.kind not in kinds:
            continue
        out.append(text[last:f.start])
        out.append(LABELS[f.kind])
        last = f.end
    out.append(text[last:])
    return "".join(out)


def summary(text: str) -> dict[str, int]:
    """Number of findings per kind (kinds not found are absent)."""
    counts: dict[str, int] = {}
    for f in find(text):
        counts[f.kind] = counts.get(f.kind, 0) + 1
    return counts


def policy_for(settings, space: str) -> str:
    """``keep`` or ``mask`` for the passages of ``space``, from ``settings.pii_policy`` (space -> policy;
    a space not listed keeps its text). Unknown policy values are treated as ``mask`` (fail safe)."""
    policies = getattr(settings, "pii_policy", None) or {}
    value = policies.get(space, "keep")
    return value if value in POLICIES else "mask"
