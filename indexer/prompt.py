"""The French prompt: system instructions, worked examples, numbered passages.

The 1.5B embedded model cites reliably only when shown how, so the prompt
carries short worked examples (fictional, unrelated to any indexed document).
The system prompt and examples never change between questions: llama.cpp
reuses their evaluated prefix.
"""

from __future__ import annotations

from .llm.base import ChatMessage
from .search import Hit

NOT_FOUND_TEXT = "Je n'ai pas trouvé cette information dans les documents indexés."

SYSTEM = (
    "Tu es Passeur, l'assistant documentaire des agents d'une collectivité territoriale française. "
    "Tu réponds en français, uniquement à partir des extraits numérotés fournis avec la question. "
    "Règles : (1) après chaque phrase qui donne une information, indique entre crochets le numéro de "
    "l'extrait qui la justifie, par exemple [2] ; (2) recopie les chiffres, montants, pourcentages et dates "
    "exactement comme dans l'extrait ; (3) si plusieurs extraits donnent des valeurs différentes selon la "
    "date, donne la plus récente et précise depuis quand elle s'applique ; (4) si les extraits ne "
    f"contiennent pas la réponse, réponds seulement : « {NOT_FOUND_TEXT} » ; (5) n'invente rien et "
    "n'utilise pas tes connaissances générales ; (6) réponds en 1 à 4 phrases courtes."
)

_EXAMPLES: list[tuple[str, str]] = [
    (
        "Extraits :\n"
        "[1] Règlement de la médiathèque (règlement, 2022-09-01) — page 2\n"
        "Chaque usager peut emprunter 6 documents pour une durée de 3 semaines.\n"
        "[2] Délibération n° 2023-011 (délibération, 2023-02-14) — page 1\n"
        "La cotisation annuelle est fixée à 12 € pour les adultes. Elle est gratuite pour les moins de 18 ans.\n\n"
        "Question : Combien coûte l'abonnement à la médiathèque pour un adulte ?",
        "L'abonnement annuel coûte 12 € pour un adulte [2]. Il est gratuit pour les moins de 18 ans [2].",
    ),
    (
        "Extraits :\n"
        "[1] Délibération n° 2022-040 (délibération, 2022-06-20) — page 1\n"
        "Le loyer du jardin familial est fixé à 35 € par an.\n"
        "[2] Délibération n° 2024-052 (délibération, 2024-06-17) — page 2\n"
        "La présente délibération abroge la délibération n° 2022-040. Le loyer du jardin familial est porté "
        "à 40 € par an à compter du 1er janvier 2025.\n\n"
        "Question : Quel est le loyer d'un jardin familial ?",
        "Le loyer d'un jardin familial est de 40 € par an depuis le 1er janvier 2025 [2]. "
        "Il était auparavant de 35 € par an [1].",
    ),
    (
        "Extraits :\n"
        "[1] Note de service n° 12 (note de service, 2024-03-04) — page 1\n"
        "La déchetterie intercommunale est ouverte du mardi au samedi, de 9 h à 17 h.\n\n"
        "Question : Quel est le tarif d'entrée de la patinoire ?",
        NOT_FOUND_TEXT,
    ),
]


def passage_header(n: int, hit: Hit) -> str:
    where = f"page {hit.page_label}" if hit.unit == "page" else f"section {hit.page}"
    meta = ", ".join(x for x in (hit.doc_type, hit.doc_date) if x)
    name = f"{hit.label} — {hit.title}" if hit.label else hit.title
    status = " — ABROGÉ, plus en vigueur" if hit.repealed else ""
    return f"[{n}] {name} ({meta}) — {where}{status}"


def format_passages(hits: list[Hit], max_words: int = 140) -> str:
    blocks = []
    for n, hit in enumerate(hits, start=1):
        words = hit.text.split()
        limit = 2 * max_words if hit.continued else max_words  # a passage given with the list it announces
        text = " ".join(words[:limit]) + (" …" if len(words) > limit else "")
        blocks.append(f"{passage_header(n, hit)}\n{text}")
    return "Extraits :\n" + "\n".join(blocks)


def build_messages(question: str, hits: list[Hit], history: list[tuple[str, str]] | None = None,
                   max_words: int = 140) -> list[ChatMessage]:
    messages = [ChatMessage("system", SYSTEM)]
    for user, assistant in _EXAMPLES:
        messages.append(ChatMessage("user", user))
        messages.append(ChatMessage("assistant", assistant))
    for q, a in (history or [])[-2:]:  # the last exchanges, text only: passages are never carried over
        messages.append(ChatMessage("user", f"Question : {q}"))
        messages.append(ChatMessage("assistant", a))
    messages.append(ChatMessage("user", f"{format_passages(hits, max_words)}\n\nQuestion : {question}"))
    return messages


CONDENSE_SYSTEM = (
    "Réécris la dernière question de l'agent en une question autonome et complète, en français, en reprenant "
    "le sujet des échanges précédents. Réponds uniquement par la question réécrite."
)


def condense_messages(question: str, history: list[tuple[str, str]]) -> list[ChatMessage]:
    lines = [f"Agent : {q}\nAssistant : {a[:300]}" for q, a in history[-2:]]
    return [ChatMessage("system", CONDENSE_SYSTEM),
            ChatMessage("user", "Échanges précédents :\n" + "\n".join(lines) + f"\n\nDernière question : {question}")]
