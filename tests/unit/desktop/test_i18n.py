"""Every string exists in French and English, with the same placeholders."""

import string

import pytest

from desktop import i18n


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(i18n.STRINGS))
def test_both_languages_with_the_same_placeholders(key):
    fr, en = i18n.STRINGS[key]
    assert fr.strip() and en.strip()
    assert _fields(fr) == _fields(en)


def test_french_by_default_english_on_demand():
    assert i18n.language() == "fr" and i18n.tr("tab.settings") == "Réglages"
    i18n.set_language("en")
    assert i18n.tr("tab.settings") == "Settings"
    assert i18n.tr("status.index", documents=3, chunks=40) == "Index: 3 documents, 40 passages"
    i18n.set_language("xx")
    assert i18n.language() == "fr"


def test_labels_for_people():
    assert i18n.doc_type("deliberation") == "Délibération" and i18n.doc_type("inconnu") == "inconnu"
    assert i18n.date("2024-06-18") == "18/06/2024"
    assert i18n.where("page", 3, "iii") == "page 3 (iii)" and i18n.where("page", 3, "3") == "page 3"
    assert i18n.where("section", 2) == "section 2"
    assert i18n.service_message({"message": "Le serveur ne répond pas.", "message_en": "down"}) == \
        "Le serveur ne répond pas."
