"""User-facing errors and failure reasons, defined in one place.

Every message exists in French (shown to the user) and English (logs).
Code raises :class:`PasseurError`; the CLI and the desktop app translate it
at the edge with :func:`message`.
"""

from __future__ import annotations

from dataclasses import dataclass

# Reasons a file could not be (fully) indexed: code -> (French, English).
REASONS: dict[str, tuple[str, str]] = {
    "empty": ("Fichier vide (0 octet).", "Empty file (0 bytes)."),
    "corrupt": ("Fichier endommagé ou illisible par le lecteur {format}.",
                "Corrupt file, the {format} reader failed."),
    "encrypted": ("Document protégé par un mot de passe : demandez une version non chiffrée.",
                  "Encrypted document (password required)."),
    "needs_ocr": ("Document numérisé sans texte (image seule) : reconnaissance de caractères (OCR) nécessaire.",
                  "Scanned document without a text layer: needs OCR."),
    "no_text": ("Aucun texte exploitable dans ce document.", "No usable text in this document."),
    "too_large": ("Fichier trop volumineux ({size_mb} Mo, limite {limit_mb} Mo) : ignoré.",
                  "File too large ({size_mb} MB, limit {limit_mb} MB): skipped."),
    "too_many_pages": ("Document tronqué : seules les {limit} premières pages sur {pages} ont été indexées.",
                       "Document truncated: only the first {limit} of {pages} pages were indexed."),
    "unsupported": ("Type de fichier non pris en charge ({ext}).", "Unsupported file type ({ext})."),
    "unreadable": ("Fichier inaccessible (droits insuffisants ou fichier verrouillé).",
                   "Unreadable file (permission denied or locked)."),
    "wrong_extension": ("Extension trompeuse : le fichier est en réalité au format {format}.",
                        "Misleading extension: the file is actually {format}."),
    "partial_ocr": ("{count} page(s) numérisée(s) sans texte : OCR nécessaire pour ces pages.",
                    "{count} scanned page(s) without text: OCR needed for those pages."),
    "ocr_unavailable": ("Lecture des pages numérisées (OCR) impossible : le programme Tesseract est introuvable. "
                        "Pour l'activer, installez-le avec le français (Debian/Ubuntu : « sudo apt-get install "
                        "tesseract-ocr tesseract-ocr-fra » ; Windows : Tesseract-OCR avec la langue française, ou "
                        "son chemin dans passeur.toml, [ocr] tesseract), puis relancez « passeur index sync ».",
                        "OCR unavailable: the tesseract program was not found. Install tesseract-ocr and "
                        "tesseract-ocr-fra (or set [ocr] tesseract), then run `passeur index sync`."),
    "ocr_language_missing": ("Lecture des pages numérisées (OCR) impossible : la langue « {language} » de "
                             "Tesseract n'est pas installée. Installez-la (Debian/Ubuntu : « sudo apt-get install "
                             "tesseract-ocr-{language} »), puis relancez « passeur index sync ».",
                             "OCR unavailable: Tesseract language data {language!r} is missing; install "
                             "tesseract-ocr-{language}, then run `passeur index sync`."),
    "ocr_disabled": ("Lecture des pages numérisées (OCR) désactivée dans passeur.toml ([ocr] enabled = false) : "
                     "activez-la puis relancez « passeur index sync ».",
                     "OCR is disabled ([ocr] enabled = false); enable it, then run `passeur index sync`."),
    "ocr_limit": ("OCR limité aux {limit} premières pages numérisées du document : {count} page(s) restent sans "
                  "texte (réglage [ocr] max_pages).",
                  "OCR stopped after {limit} scanned pages: {count} page(s) left without text ([ocr] max_pages)."),
    "ocr_timeout": ("OCR abandonné au-delà de {seconds} s par page sur {count} page(s) (pages {pages}) : elles "
                    "restent sans texte (réglage [ocr] timeout_s).",
                    "OCR gave up after {seconds} s on {count} page(s) (pages {pages}) ([ocr] timeout_s)."),
    "ocr_failed": ("Échec de l'OCR sur {count} page(s) : {detail}", "OCR failed on {count} page(s): {detail}"),
    "reader_crashed": ("Le lecteur de documents s'est arrêté brutalement sur ce fichier (probablement endommagé) : "
                       "il a été ignoré, les autres fichiers ont été indexés.",
                       "The reader process crashed on this file (probably corrupt): skipped."),
    "read_timeout": ("Lecture abandonnée au-delà de {seconds} s (réglage [index] read_timeout_s) : fichier ignoré.",
                     "Reading gave up after {seconds} s ([index] read_timeout_s): file skipped."),
    "error": ("Erreur inattendue lors de la lecture : {detail}", "Unexpected error while reading: {detail}"),
}


def reason_text(code: str, lang: str = "fr", **params: object) -> str:
    """Render a failure reason in the requested language."""
    fr, en = REASONS.get(code, REASONS["error"])
    template = fr if lang == "fr" else en
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


@dataclass
class PasseurError(Exception):
    """An error the user must see, with a French and an English message."""

    fr: str
    en: str
    exit_code: int = 1

    def __str__(self) -> str:  # logs are in English
        return self.en


def message(exc: BaseException, lang: str = "fr") -> str:
    """Translate an exception into the message shown to the user."""
    if isinstance(exc, PasseurError):
        return exc.fr if lang == "fr" else exc.en
    if lang == "fr":
        return f"Erreur inattendue : {exc}"
    return f"Unexpected error: {exc}"


def embedding_model_mismatch(store_model: str, configured: str) -> PasseurError:
    return PasseurError(
        fr=(f"L'index a été construit avec le modèle d'embedding « {store_model} », mais le modèle "
            f"configuré est « {configured} ». Lancez « passeur index rebuild » pour tout ré-encoder, "
            "ou remettez l'ancien modèle dans passeur.toml."),
        en=(f"Index was built with embedding model {store_model!r} but {configured!r} is configured; "
            "run `passeur index rebuild`."),
    )


def source_not_found(path: str) -> PasseurError:
    return PasseurError(
        fr=f"Dossier ou fichier introuvable : {path}",
        en=f"Path not found: {path}",
    )


def not_a_source(path: str) -> PasseurError:
    return PasseurError(
        fr=f"« {path} » n'est pas une source enregistrée (voir « passeur index status »).",
        en=f"{path!r} is not a registered source.",
    )


def bad_settings(path: str, detail: str) -> PasseurError:
    return PasseurError(
        fr=f"Le fichier de réglages {path} est invalide : {detail}",
        en=f"Invalid settings file {path}: {detail}",
        exit_code=2,
    )


def network_blocked(host: str, port: object) -> PasseurError:
    return PasseurError(
        fr=(f"Connexion réseau bloquée vers {host}:{port} : Passeur ne contacte que les serveurs "
            "configurés par l'administrateur (souveraineté des données)."),
        en=f"Network connection to {host}:{port} blocked: not a configured host.",
    )
