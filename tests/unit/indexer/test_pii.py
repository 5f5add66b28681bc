"""Personal data detection: NIR (with key), IBAN (checksum), phones, e-mails, birth dates."""

import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from indexer import pii

ROOT = Path(__file__).resolve().parents[3]


def kinds(text):
    return [f.kind for f in pii.find(text)]


def spans(text):
    return [text[f.start:f.end] for f in pii.find(text)]


# -- NIR -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("nir", [
    "1 78 04 71 254 318 14",      # spaced, as on a carte Vitale
    "178047125431814",            # compact
    "1.78.04.71.254.318.14",
    "1 78 04 71 254 318 14",  # no-break spaces
    "2 85 03 2A 004 123 71",      # Corse-du-Sud: 2A counts as 19 in the key
    "1 92 05 2B 033 045 15",      # Haute-Corse: 2B counts as 18
    "2850319004123 71",
    "2 85 03 974 12 345 53",      # overseas: 3-digit department, 2-digit commune
])
def test_valid_nir_is_found(nir):
    text = f"Numéro de sécurité sociale : {nir}, à vérifier."
    assert spans(text) == [nir] and kinds(text) == ["nir"]
    assert pii.nir_is_valid(nir)


@pytest.mark.parametrize("number", [
    "1 78 04 71 254 318 15",      # wrong key
    "178047125431841",            # key digits swapped
    "2 85 03 2B 004 123 71",      # 2A's key with 2B
    "1 78 13 71 254 318 ??",      # not digits
    "5 78 04 71 254 318 14",      # no such first digit
    "1780471254318",              # 13 digits: no key, cannot be checked
    "17804712543181",             # 14 digits
    "1780471254318145",           # 16 digits
])
def test_numbers_that_are_not_a_valid_nir_are_ignored(number):
    assert "nir" not in kinds(f"Référence {number} du dossier.")


def test_month_must_be_plausible():
    body = "1781371254318"  # month 13
    assert not pii.nir_is_valid(body + f"{97 - int(body) % 97:02d}")


def test_random_long_numbers_match_only_with_a_valid_key():
    rng = random.Random(20261127)
    matched = 0
    for _ in range(3000):
        length = rng.choice((13, 14, 15))
        number = "".join(rng.choice("0123456789") for _ in range(length))
        found = pii.find(f"montant {number} euros")
        if found:
            assert length == 15 and pii.nir_is_valid(number), number
            matched += 1
        if length == 15 and pii.nir_is_valid(number):
            wrong = number[:13] + f"{(int(number[13:]) + 1) % 100:02d}"
            assert pii.find(f"montant {wrong} euros") == []
    assert matched <= 10  # about 1 in 97 of the well-formed 15-digit ones, which are a minority


def test_valid_nir_inside_a_longer_number_is_ignored():
    assert pii.find("code 91780471254318149") == []
    assert pii.find("code A178047125431814") == []


# -- IBAN ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("iban", [
    "FR76 1790 6000 3200 0415 2739 055",
    "FR7617906000320004152739055",
    "DE89 3704 0044 0532 0130 00",
    "GB82 WEST 1234 5698 7654 32",
])
def test_valid_iban_is_found(iban):
    text = f"IBAN : {iban}. Merci."
    assert spans(text) == [iban] and kinds(text) == ["iban"]


@pytest.mark.parametrize("iban", [
    "FR76 1790 6000 3200 0415 2739 056",  # one digit changed
    "FR67 1790 6000 3200 0415 2739 055",  # check digits swapped
    "FR76 1790 6000 3200 0415 2739 05",   # too short for FR
    "FR76 0000 0000 0000 0000 0000 000",  # a blank form's placeholder (its checksum is valid)
])
def test_invalid_or_placeholder_iban_is_ignored(iban):
    assert "iban" not in kinds(f"IBAN : {iban} ;")


def test_iban_followed_by_an_upper_case_word():
    text = "FR76 1790 6000 3200 0415 2739 055 BIC CCBPFRPPXXX"
    assert spans(text) == ["FR76 1790 6000 3200 0415 2739 055"]


# -- phones, e-mails ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("phone", [
    "06 71 23 48 95", "06.71.23.48.95", "06-71-23-48-95", "0671234895", "05 55 12 34 56",
    "+33 6 71 23 48 95", "+33 (0)6 71 23 48 95", "+33671234895", "0033 6 71 23 48 95",
])
def test_french_phone_numbers(phone):
    text = f"Tél. {phone} (portable)"
    assert spans(text) == [phone] and kinds(text) == ["phone"]


@pytest.mark.parametrize("text", [
    "06 71.23 48-95",          # mixed separators
    "00 71 23 48 95",          # no 00 prefix
    "067123489512",            # too long
    "tarif 671 234 895 €",
    "délibération n° 2024-037 du 18 juin 2024",
])
def test_not_phone_numbers(text):
    assert "phone" not in kinds(text)


def test_emails():
    text = "Écrire à prenom.nom@ville-valmoreau.fr ou à rh+conges@mairie.example.org."
    assert spans(text) == ["prenom.nom@ville-valmoreau.fr", "rh+conges@mairie.example.org"]
    assert kinds("adresse @ inconnue, courriel: x@y") == []


# -- birth dates ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, date", [
    ("M. Thomas ROYER — né le 3 novembre 1984", "3 novembre 1984"),
    ("Mme X, née le 1er février 1990,", "1er février 1990"),
    ("l'agent, né(e) le 12/03/1978, demande", "12/03/1978"),
    ("né à Limoges le 12.03.1978", "12.03.1978"),
    ("Date de naissance : 12 avril 1978", "12 avril 1978"),
    ("Date de naissance | 12 avril 1978", "12 avril 1978"),
    ("date de naissance 12-03-78", "12-03-78"),
])
def test_birth_dates(text, date):
    assert spans(text) == [date] and kinds(text) == ["birth_date"]


@pytest.mark.parametrize("text", [
    "La délibération du 12 avril 1978 est abrogée.",
    "Le conseil, réuni le 18 juin 2024, décide.",
    "Il ne le 12 sait pas.",
])
def test_other_dates_are_not_birth_dates(text):
    assert "birth_date" not in kinds(text)


# -- API -----------------------------------------------------------------------------------------------------
SHEET = ("Nom : BENHADDOU Karim\nDate de naissance : 12 avril 1978\nNIR : 1 78 04 71 254 318 14\n"
         "Téléphone : 06 71 23 48 95 — karim.b@example.org\nIBAN : FR76 1790 6000 3200 0415 2739 055\n")


def test_findings_carry_no_value():
    found = pii.find(SHEET)
    assert [f.kind for f in found] == ["birth_date", "nir", "phone", "email", "iban"]
    assert all(set(vars(f)) == {"kind", "start", "end"} for f in found)
    assert found == sorted(found, key=lambda f: f.start)


def test_mask_and_summary():
    masked = pii.mask(SHEET)
    assert masked == ("Nom : BENHADDOU Karim\nDate de naissance : [date de naissance masquée]\n"
                      "NIR : [NIR masqué]\nTéléphone : [téléphone masqué] — [e-mail masqué]\n"
                      "IBAN : [IBAN masqué]\n")
    assert pii.find(masked) == []
    assert pii.mask(SHEET, kinds=("nir",)).count("masqué") == 1
    assert pii.summary(SHEET) == {"birth_date": 1, "nir": 1, "phone": 1, "email": 1, "iban": 1}
    assert pii.summary("Rien à signaler.") == {} and pii.find("") == [] and pii.mask("") == ""


def test_overlaps_keep_the_strongest_kind():
    # the NIR's digits also look like nothing else, the IBAN's digits are not a phone number
    assert kinds("FR76 1790 6000 3200 0415 2739 055 et 1 78 04 71 254 318 14") == ["iban", "nir"]


def test_sample_corpus_personal_data_is_in_the_hr_note_only():
    """The fictional HR note carries every kind; the general-space sources carry no NIR, IBAN or birth date."""
    src = ROOT / "corpus" / "src"
    note = (src / "rh" / "note-situation-benhaddou.md").read_text(encoding="utf-8")
    assert {"nir", "iban", "phone", "birth_date"} <= set(pii.summary(note))
    for path in sorted(src.glob("*/*.md")):
        text = path.read_text(encoding="utf-8")
        if "space: general" in text:
            assert not {"nir", "iban", "birth_date"} & set(pii.summary(text)), path.name


def test_policy_per_space():
    settings = SimpleNamespace(pii_policy={"general": "mask", "rh": "keep", "juridique": "???"})
    assert pii.policy_for(settings, "general") == "mask"
    assert pii.policy_for(settings, "rh") == "keep"
    assert pii.policy_for(settings, "juridique") == "mask"  # unknown value: fail safe
    assert pii.policy_for(settings, "autre") == "keep"
    assert pii.policy_for(SimpleNamespace(), "general") == "keep"
