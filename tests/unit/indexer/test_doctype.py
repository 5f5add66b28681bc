import pytest

from indexer.doctype import guess


@pytest.mark.parametrize("name, title, text, expected", [
    ("DEL-2024-037_tarifs.pdf", "", "", "deliberation"),
    ("scan0001.pdf", "Extrait du registre des délibérations", "", "deliberation"),
    ("2025-AOO-03_RC.pdf", "Règlement de la consultation (RC)", "", "marche-rc"),
    ("2025-AOO-03_CCAP.pdf", "", "", "marche-ccap"),
    ("2026-AOO-01_notification_titulaire.pdf", "", "acte d'engagement signé", "marche-notification"),
    ("courrier.pdf", "", "Suite à la notification du marché, le titulaire…", "marche-notification"),
    ("courrier.pdf", "", "La notification de votre nomination vous sera remise en main propre.", "document"),
    ("memo.pdf", "Mémo juridique — Contentieux Société X c/ commune", "", "memo-juridique"),
    ("note.pdf", "Note — Réclamation préalable relative à une concession", "", "memo-juridique"),
    ("note.pdf", "Situation de M. Karim B., adjoint technique", "", "rh-individuel"),
    ("grille.pdf", "Grille nominative des rémunérations", "", "rh-individuel"),
    ("NS-2025-09.pdf", "Note de service n° NS-2025-09", "", "note-service"),
    ("faq.odt", "Foire aux questions RH", "", "rh-faq"),
    ("divers.txt", "Compte des associations", "Liste des présidents.", "document"),
])
def test_document_type_from_rules(name, title, text, expected):
    assert guess(name, title, text) == expected
