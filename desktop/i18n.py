"""Every string the desktop app shows, in French (default) and English.

``tr(key, **params)`` renders the string in the current language; widgets
call it again in their ``retranslate()`` when the language changes. Failure
reasons and service messages come from :mod:`indexer.errors` and the answering
service, which carry both languages already.
"""

from __future__ import annotations

from indexer import export

_LANG = ["fr"]

STRINGS: dict[str, tuple[str, str]] = {
    # window and status line
    "app.title": ("Passeur — recherche documentaire", "Passeur — document search"),
    "tab.ask": ("Questions", "Questions"),
    "tab.indexing": ("Documents indexés", "Indexed documents"),
    "tab.settings": ("Réglages", "Settings"),
    "status.loading": ("Préparation de la recherche…", "Getting search ready…"),
    "status.model": ("Modèle : {model}", "Model: {model}"),
    "status.model_down": ("Modèle indisponible : recherche seule", "Model unavailable: search only"),
    "status.index": ("Index : {documents} documents, {chunks} passages",
                     "Index: {documents} documents, {chunks} passages"),
    "status.index_empty": ("Index vide : ajoutez un dossier dans « Documents indexés »",
                           "Empty index: add a folder in “Indexed documents”"),
    "status.profile": ("Profil : {profile}", "Profile: {profile}"),
    "status.error": ("Index indisponible : {message}", "Index unavailable: {message}"),
    "model.embedded": ("embarqué ({name})", "embedded ({name})"),
    "model.ollama": ("Ollama {host} — {model}", "Ollama {host} — {model}"),
    "model.none": ("aucun (recherche seule)", "none (search only)"),
    # conversations
    "conv.header": ("Conversations", "Conversations"),
    "conv.new": ("Nouvelle conversation", "New conversation"),
    "conv.rename": ("Renommer", "Rename"),
    "conv.delete": ("Supprimer", "Delete"),
    "conv.untitled": ("Nouvelle conversation", "New conversation"),
    "conv.rename_title": ("Renommer la conversation", "Rename the conversation"),
    "conv.rename_label": ("Nouveau titre :", "New title:"),
    "conv.delete_confirm": ("Supprimer la conversation « {title} » ? Cette action est définitive.",
                            "Delete the conversation “{title}”? This cannot be undone."),
    "conv.list_name": ("Liste des conversations passées", "Past conversations"),
    # asking
    "ask.space": ("Espace", "Space"),
    "ask.type": ("Type", "Type"),
    "ask.since": ("Du", "From"),
    "ask.until": ("Au", "To"),
    "ask.any_space": ("Tous mes espaces", "All my spaces"),
    "ask.any_type": ("Tous les types", "All types"),
    "ask.any_date": ("indifférent", "any"),
    "ask.search_only": ("Recherche seule (sans IA)", "Search only (no AI)"),
    "ask.procurement": ("Consultation", "Procurement"),
    "ask.procurement_tip": ("Limiter au dossier d'une consultation (marché public)",
                            "Limit to the file of one procurement"),
    "ask.any_procurement": ("Toutes", "All"),
    "ask.in_force": ("Actes en vigueur seulement", "Acts in force only"),
    "ask.in_force_tip": ("Écarte les délibérations et arrêtés abrogés ou remplacés par un acte plus récent",
                         "Leaves out deliberations and orders repealed or replaced by a later act"),
    "ask.placeholder": ("Posez votre question en français… (Entrée pour envoyer, Maj+Entrée pour aller à la "
                        "ligne)",
                        "Ask your question… (Enter to send, Shift+Enter for a new line)"),
    "ask.send": ("Demander", "Ask"),
    "ask.send_tip": ("Demander (Entrée)", "Ask (Enter)"),
    "ask.stop_tip": ("Arrêter la réponse (Échap)", "Stop the answer (Esc)"),
    "ask.clear_filters": ("Effacer les filtres", "Clear the filters"),
    "ask.stop": ("Arrêter", "Stop"),
    "ask.question_name": ("Votre question", "Your question"),
    "ask.transcript_name": ("Fil de la conversation : questions, réponses et citations",
                            "Conversation: questions, answers and citations"),
    "ask.notice": ("Réponse générée par IA à partir des documents cités — vérifiez avant tout usage",
                   "AI-generated answer based on the cited documents — check before any use"),
    "ask.useful": ("Utile", "Useful"),
    "ask.not_useful": ("Pas utile", "Not useful"),
    "ask.comment": ("Commentaire sur la dernière réponse (facultatif)", "Comment on the last answer (optional)"),
    "ask.feedback_saved": ("Merci : votre avis est enregistré.", "Thank you: your feedback is saved."),
    "ask.export_md": ("Exporter (Markdown)", "Export (Markdown)"),
    "ask.export_odt": ("Exporter (ODT)", "Export (ODT)"),
    "ask.export_title": ("Exporter la réponse et ses sources", "Export the answer and its sources"),
    "ask.exported": ("Réponse exportée : {path}", "Answer exported: {path}"),
    "ask.export_failed": ("Export impossible : {message}", "Export failed: {message}"),
    "ask.searching": ("Recherche dans les documents…", "Searching the documents…"),
    "ask.busy": ("Une réponse est en cours : attendez-la ou arrêtez-la.",
                 "An answer is on its way: wait or stop it."),
    "ask.welcome_title": ("Bienvenue dans Passeur", "Welcome to Passeur"),
    "ask.welcome": ("Posez une question sur les documents de la collectivité : Passeur répond en citant ses "
                    "sources. Cliquez sur un numéro comme [1] pour ouvrir le document à la bonne page, passage "
                    "surligné.",
                    "Ask a question about the local government's documents: Passeur answers and cites its "
                    "sources. Click a number such as [1] to open the document at the right page, passage "
                    "highlighted."),
    "ask.you": ("Vous", "You"),
    "ask.passeur": ("Passeur", "Passeur"),
    "ask.not_found": ("Je n'ai pas trouvé cette information dans les documents indexés.",
                      "I did not find this information in the indexed documents."),
    "ask.closest": ("Passages les plus proches (ils ne semblent pas répondre à la question) :",
                    "Closest passages (they do not seem to answer the question):"),
    "ask.search_only_text": ("Mode recherche seule : voici les passages les plus proches de votre question.",
                             "Search-only mode: the passages closest to your question."),
    "ask.sources": ("Sources :", "Sources:"),
    "ask.check": ("À vérifier :", "To check:"),
    "ask.withheld_draft": ("Réponse écartée, non vérifiée (générée par IA) :",
                           "Answer set aside, not verified (AI-generated):"),
    "ask.stopped": ("Réponse arrêtée à votre demande.", "Answer stopped at your request."),
    "ask.failed": ("La question n'a pas pu être traitée : {message}", "The question could not be handled: {message}"),
    "ask.llm_down_hint": ("Vous pouvez continuer en recherche seule, ou choisir le modèle embarqué dans les "
                          "Réglages.", "You can go on in search-only mode, or pick the embedded model in Settings."),
    "ask.model_line": ("Modèle : {model} — {seconds} s", "Model: {model} — {seconds} s"),
    "ask.where_page": ("page {page}", "page {page}"),
    "ask.where_section": ("section {page}", "section {page}"),
    # sources panel
    "src.tab": ("Sources", "Sources"),
    "src.doc_tab": ("Document", "Document"),
    "src.cited": ("Sources de la réponse", "Sources of the answer"),
    "src.closest": ("Passages les plus proches", "Closest passages"),
    "src.empty": ("Les sources de la réponse s'afficheront ici.", "The sources of the answer will show here."),
    "src.open_page": ("Ouvrir à la page {page}", "Open at page {page}"),
    "src.open_section": ("Ouvrir la section {page}", "Open section {page}"),
    "src.list_name": ("Sources citées", "Cited sources"),
    # viewer
    "view.empty": ("Cliquez sur une source ou sur un numéro [1] pour afficher le document ici.",
                   "Click a source or a number [1] to show the document here."),
    "view.prev": ("Page précédente", "Previous page"),
    "view.next": ("Page suivante", "Next page"),
    "view.page_of": ("Page {page} sur {total}", "Page {page} of {total}"),
    "view.zoom_in": ("Zoom +", "Zoom in"),
    "view.zoom_out": ("Zoom −", "Zoom out"),
    "view.fit": ("Ajuster à la largeur", "Fit width"),
    "view.open_external": ("Ouvrir dans l'application par défaut", "Open in the default application"),
    "view.found": ("Passage cité surligné.", "Cited passage highlighted."),
    "view.found_ocr": ("Passage cité surligné sur la page numérisée (texte lu par OCR : vérifiez-le sur l'image).",
                       "Cited passage highlighted on the scanned page (text read by OCR: check it on the image)."),
    "view.not_found": ("Le passage n'a pas pu être surligné automatiquement ; il se trouve {where} :",
                       "The passage could not be highlighted automatically; it is on {where}:"),
    "view.missing": ("Fichier introuvable : {path} (déplacé ou supprimé depuis l'indexation ?)",
                     "File not found: {path} (moved or deleted since it was indexed?)"),
    "view.cannot_open": ("Impossible d'ouvrir le document : {message}", "Cannot open the document: {message}"),
    "view.loading": ("Ouverture du document…", "Opening the document…"),
    "view.pdf_name": ("Document PDF à la page citée", "PDF document at the cited page"),
    "view.text_name": ("Texte du document, passage cité surligné", "Document text, cited passage highlighted"),
    # indexing page
    "idx.sources": ("Sources indexées", "Indexed sources"),
    "idx.col_path": ("Dossier", "Folder"),
    "idx.col_space": ("Espace", "Space"),
    "idx.col_docs": ("Documents", "Documents"),
    "idx.col_synced": ("Dernière synchronisation", "Last sync"),
    "idx.add": ("Ajouter un dossier…", "Add a folder…"),
    "idx.sync": ("Synchroniser tout", "Sync all"),
    "idx.cancel": ("Annuler", "Cancel"),
    "idx.choose_folder": ("Choisir un dossier à indexer", "Choose a folder to index"),
    "idx.space_title": ("Espace du dossier", "Folder space"),
    "idx.space_label": ("Espace (droits d'accès) des documents de ce dossier :",
                        "Space (access rights) of this folder's documents:"),
    "idx.never": ("jamais", "never"),
    "idx.progress": ("Indexation : {done} / {total} — {name}", "Indexing: {done} / {total} — {name}"),
    "idx.preparing": ("Préparation de la synchronisation…", "Preparing the sync…"),
    "idx.done": ("Synchronisation terminée : {added} ajouté(s), {updated} modifié(s), {deleted} supprimé(s), "
                 "{unchanged} inchangé(s), {failed} en échec.",
                 "Sync finished: {added} added, {updated} updated, {deleted} deleted, {unchanged} unchanged, "
                 "{failed} failed."),
    "idx.ocr_done": ("{count} page(s) numérisée(s) lue(s) par reconnaissance de caractères (OCR).",
                     "{count} scanned page(s) read by optical character recognition (OCR)."),
    "idx.cancelled": ("Synchronisation annulée : relancez-la pour reprendre là où elle s'est arrêtée.",
                      "Sync cancelled: start it again to resume where it stopped."),
    "idx.failed": ("La synchronisation a échoué : {message}", "The sync failed: {message}"),
    "idx.counts": ("{documents} documents indexés — {pages} pages — {chunks} passages — {problems} "
                   "fichier(s) à "
                   "signaler", "{documents} indexed documents — {pages} pages — {chunks} passages — {problems} "
                   "file(s) to report"),
    "idx.problems": ("Fichiers à signaler", "Files to report"),
    "idx.col_file": ("Fichier", "File"),
    "idx.col_reason": ("Raison", "Reason"),
    "idx.table_name": ("Liste des sources indexées", "Indexed sources"),
    "idx.problems_name": ("Fichiers non indexés et leurs raisons", "Files not indexed and why"),
    # settings page
    "set.language": ("Langue de l'interface", "Interface language"),
    "set.llm": ("Modèle de langue", "Language model"),
    "set.llm_embedded": ("Embarqué (sur ce poste, hors ligne)", "Embedded (on this computer, offline)"),
    "set.llm_ollama": ("Serveur Ollama de la collectivité", "The organisation's Ollama server"),
    "set.llm_none": ("Aucun (recherche seule)", "None (search only)"),
    "set.ollama_host": ("Adresse du serveur Ollama", "Ollama server address"),
    "set.ollama_model": ("Modèle Ollama", "Ollama model"),
    "set.list_models": ("Lister les modèles du serveur", "List the server's models"),
    "set.models_found": ("{count} modèle(s) disponible(s) sur le serveur.",
                         "{count} model(s) available on the server."),
    "set.listing": ("Interrogation du serveur…", "Asking the server…"),
    "set.embedding": ("Modèle d'embedding (recherche par le sens)", "Embedding model (semantic search)"),
    "set.embedding_use": ("USE multilingue v3 (embarqué)", "Multilingual USE v3 (embedded)"),
    "set.embedding_ollama": ("Modèle du serveur Ollama :", "Ollama server model:"),
    "set.embedding_warning": ("Changer de modèle d'embedding impose de reconstruire l'index "
                              "(commande « passeur index rebuild »).",
                              "Changing the embedding model requires rebuilding the index "
                              "(command “passeur index rebuild”)."),
    "set.data_dir": ("Dossier de données", "Data folder"),
    "set.choose": ("Choisir…", "Choose…"),
    "set.data_dir_note": ("Index, conversations et réglages sont enregistrés dans ce dossier, sur ce poste.",
                          "Index, conversations and settings are stored in this folder, on this computer."),
    "set.profile": ("Profil de droits", "Rights profile"),
    "set.save": ("Enregistrer", "Save"),
    "set.saved": ("Réglages enregistrés.", "Settings saved."),
    "set.failed": ("Réglages non enregistrés : {message}", "Settings not saved: {message}"),
    "set.env_home": ("Dossier imposé par la variable PASSEUR_HOME.", "Folder set by the PASSEUR_HOME variable."),
    "app.no_display": ("Aucun écran n'est disponible pour ouvrir la fenêtre de Passeur (variable DISPLAY absente). "
                       "Les commandes « passeur index », « passeur search » et « passeur ask » fonctionnent sans "
                       "écran.",
                       "No display is available for Passeur's window (DISPLAY is not set). The “passeur index”, "
                       "“passeur search” and “passeur ask” commands work without one."),
}

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def set_language(lang: str) -> None:
    _LANG[0] = "en" if lang == "en" else "fr"


def language() -> str:
    return _LANG[0]


def tr(key: str, **params: object) -> str:
    fr, en = STRINGS[key]
    text = en if _LANG[0] == "en" else fr
    return text.format(**params) if params else text


def doc_type(code: str) -> str:
    return export.doc_type_label(code, _LANG[0])


def date(iso: str) -> str:
    return export.date_label(iso, _LANG[0])


def where(unit: str, page: int, page_label: str = "") -> str:
    """Where a passage is: "page 2" (with the printed label when it differs) or "section 3"."""
    if unit == "page":
        text = tr("ask.where_page", page=page)
        return text + (f" ({page_label})" if page_label and page_label != str(page) else "")
    return tr("ask.where_section", page=page)


def service_message(item: dict) -> str:
    """A warning from the answering service, in the current language."""
    if _LANG[0] == "en" and item.get("message_en"):
        return str(item["message_en"])
    return str(item.get("message", ""))
