"""Export an answer with its sources as a note an agent can file: Markdown or ODT (odfpy).

The note carries the question, the answer, the AI notice when the text was
generated, the points to check (grounding warnings) and every source with its
document, page (or section) and passage, the matching sentence in bold.
French by default; ``lang="en"`` gives the English labels.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the answering service (numpy, the store) is not needed to write a note
    from .answering import Answer, Citation

LABELS: dict[str, tuple[str, str]] = {
    "title": ("Note de recherche documentaire — Passeur", "Document search note — Passeur"),
    "question": ("Question", "Question"),
    "date": ("Date", "Date"),
    "model": ("Modèle", "Model"),
    "profile": ("Profil", "Profile"),
    "answer": ("Réponse", "Answer"),
    "notice": ("Réponse générée par IA à partir des documents cités — vérifiez avant tout usage.",
               "AI-generated answer based on the cited documents — check before any use."),
    "not_found": ("Je n'ai pas trouvé cette information dans les documents indexés.",
                  "I did not find this information in the indexed documents."),
    "search_only": ("Mode recherche seule : voici les passages les plus proches de la question.",
                    "Search-only mode: the passages closest to the question."),
    "checks": ("Points à vérifier", "Points to check"),
    "sources": ("Sources", "Sources"),
    "closest": ("Passages les plus proches (ils ne semblent pas répondre à la question)",
                "Closest passages (they do not seem to answer the question)"),
    "file": ("Fichier", "File"),
    "page": ("page", "page"),
    "section": ("section", "section"),
    "none": ("Aucune source.", "No source."),
    "footer": ("Exporté depuis Passeur, recherche documentaire locale.",
               "Exported from Passeur, local document search."),
}


# Document types found by indexer.doctype -> (French, English) labels for people.
DOC_TYPES: dict[str, tuple[str, str]] = {
    "deliberation": ("Délibération", "Council decision"),
    "arrete": ("Arrêté", "Order"),
    "compte-rendu": ("Compte rendu", "Minutes"),
    "budget": ("Budget", "Budget"),
    "charte": ("Charte", "Charter"),
    "reglement": ("Règlement", "Regulation"),
    "note-service": ("Note de service", "Internal memo"),
    "rh-faq": ("FAQ RH", "HR FAQ"),
    "rh-livret": ("Livret d'accueil", "Welcome booklet"),
    "marche-rc": ("Marché : règlement de consultation", "Tender: consultation rules"),
    "marche-ccap": ("Marché : CCAP", "Tender: administrative clauses"),
    "marche-cctp": ("Marché : CCTP", "Tender: technical clauses"),
    "marche-ae": ("Marché : acte d'engagement", "Tender: commitment"),
    "marche-rao": ("Marché : analyse des offres", "Tender: bid analysis"),
    "marche-notification": ("Marché : notification", "Tender: notification"),
    "document": ("Document", "Document"),
}


def doc_type_label(code: str, lang: str = "fr") -> str:
    fr, en = DOC_TYPES.get(code or "document", (code, code))
    return en if lang == "en" else fr


def date_label(iso: str, lang: str = "fr") -> str:
    """ISO date as people read it: 18/06/2024 in French, unchanged in English or when not a date."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m or lang == "en":
        return iso or ""
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}"


def meta_label(c: Citation, lang: str = "fr") -> str:
    return ", ".join(x for x in (doc_type_label(c.doc_type, lang) if c.doc_type else "",
                                 date_label(c.doc_date, lang)) if x)


def _t(key: str, lang: str) -> str:
    fr, en = LABELS[key]
    return en if lang == "en" else fr


def where(c: Citation, lang: str = "fr") -> str:
    """Where the passage is: "page 2" for a page (with its printed label when it differs), "section 3" otherwise."""
    if c.unit == "page":
        label = c.page_label if c.page_label and c.page_label != str(c.page) else ""
        return f"{_t('page', lang)} {c.page}" + (f" ({label})" if label else "")
    return f"{_t('section', lang)} {c.page}"


def shown_sources(answer: Answer) -> list[Citation]:
    """The cited passages of an answer; the closest passages when nothing was generated."""
    return list(answer.citations) if answer.status == "answered" else list(answer.passages)


def body_text(answer: Answer, lang: str = "fr") -> str:
    """The answer as the user reads it (the service's fixed texts in the note's language)."""
    if answer.status == "not_found":
        return _t("not_found", lang)
    if answer.status == "search_only":
        return _t("search_only", lang)
    return answer.text


def set_aside_draft(w: dict, lang: str = "fr") -> str:
    """The model's draft carried by an ``answer_withheld`` warning, labelled as set aside and AI-generated."""
    draft = " ".join((w.get("detail") or "").split())
    if lang == "en":
        return f"Answer set aside, not verified (AI-generated): \"{draft}\""
    return f"Réponse écartée, non vérifiée (générée par IA) : « {draft} »"


def warning_text(w: dict, lang: str = "fr") -> str:
    msg = w.get("message_en") if lang == "en" and w.get("message_en") else w.get("message", "")
    detail = w.get("detail") or ""
    if w.get("code") == "answer_withheld" and detail:
        return f"{msg} {set_aside_draft(w, lang)}"
    if detail and detail not in msg:
        msg = f"{msg} ({detail})"
    return msg


def _split_span(c: Citation) -> tuple[str, str, str]:
    a, b = c.span
    if not (0 <= a < b <= len(c.passage)):
        return c.passage, "", ""
    return c.passage[:a], c.passage[a:b], c.passage[b:]


def _gap(left: str, right: str) -> str:
    """A space between two pieces of a passage when the text had one there."""
    if left.strip() and right.strip() and (left[-1:].isspace() or right[:1].isspace()):
        return " "
    return ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", _one_line(text))


def _header(answer: Answer, lang: str, when: datetime) -> list[tuple[str, str]]:
    rows = [(_t("question", lang), answer.question), (_t("date", lang), when.strftime("%d/%m/%Y %H:%M"))]
    if answer.model:
        rows.append((_t("model", lang), answer.model))
    if answer.profile:
        rows.append((_t("profile", lang), answer.profile))
    return rows


def to_markdown(answer: Answer, lang: str = "fr", when: datetime | None = None) -> str:
    when = when or datetime.now()
    out = [f"# {_t('title', lang)}", ""]
    for label, value in _header(answer, lang, when):
        out.append(f"- **{label} :** {_md_escape(value)}" if lang == "fr" else f"- **{label}:** {_md_escape(value)}")
    out += ["", f"## {_t('answer', lang)}", "", body_text(answer, lang).strip(), ""]
    if answer.ai_generated:
        out += [f"> **{_t('notice', lang)}**", ""]
    if answer.warnings:
        out += [f"### {_t('checks', lang)}", ""]
        out += [f"- ⚠ {_md_escape(warning_text(w, lang))}" for w in answer.warnings]
        out.append("")
    sources = shown_sources(answer)
    out += [f"## {_t('sources', lang) if answer.status != 'not_found' else _t('closest', lang)}", ""]
    if not sources:
        out += [_t("none", lang), ""]
    for c in sources:
        meta = meta_label(c, lang)
        out.append(f"**[{c.n}] {_md_escape(c.title or Path(c.path).name)}**" + (f" — {meta}" if meta else "")
                   + f" — {where(c, lang)}  ")
        out.append(f"{_t('file', lang)} : `{c.path}`" if lang == "fr" else f"{_t('file', lang)}: `{c.path}`")
        out.append("")
        before, hit, after = _split_span(c)
        quote = _md_escape(before) + _gap(before, hit)
        quote += (f"**{_md_escape(hit)}**" if hit else "") + _gap(hit, after) + _md_escape(after)
        out += [f"> {quote.strip()}", ""]
    out += ["---", f"*{_t('footer', lang)}*", ""]
    return "\n".join(out)


def write_markdown(answer: Answer, path: Path, lang: str = "fr") -> Path:
    path = Path(path)
    path.write_text(to_markdown(answer, lang), encoding="utf-8")
    return path


def write_odt(answer: Answer, path: Path, lang: str = "fr", when: datetime | None = None) -> Path:
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style, TextProperties
    from odf.text import H, List, ListItem, P, Span

    when = when or datetime.now()
    doc = OpenDocumentText()
    bold = Style(name="PasseurBold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    mark = Style(name="PasseurMark", family="text")
    mark.addElement(TextProperties(fontweight="bold", backgroundcolor="#fff2a8"))
    notice = Style(name="PasseurNotice", family="paragraph")
    notice.addElement(TextProperties(fontstyle="italic", fontweight="bold", color="#7a4b00"))
    notice.addElement(ParagraphProperties(padding="0.15cm", border="0.5pt solid #c08a00",
                                          backgroundcolor="#fff7e0", margintop="0.2cm", marginbottom="0.2cm"))
    quote = Style(name="PasseurQuote", family="paragraph")
    quote.addElement(ParagraphProperties(marginleft="0.8cm", marginbottom="0.3cm"))
    quote.addElement(TextProperties(fontsize="10pt"))
    small = Style(name="PasseurSmall", family="paragraph")
    small.addElement(TextProperties(fontsize="9pt", color="#555555"))
    for s in (bold, mark, notice, quote, small):
        doc.automaticstyles.addElement(s)

    def para(text: str = "", style=None) -> P:
        p = P(stylename=style) if style is not None else P()
        if text:
            p.addText(text)
        return p

    doc.text.addElement(H(outlinelevel=1, text=_t("title", lang)))
    for label, value in _header(answer, lang, when):
        p = P()
        p.addElement(Span(stylename=bold, text=f"{label} : " if lang == "fr" else f"{label}: "))
        p.addText(value)
        doc.text.addElement(p)
    doc.text.addElement(H(outlinelevel=2, text=_t("answer", lang)))
    for line in body_text(answer, lang).strip().splitlines() or [""]:
        doc.text.addElement(para(line))
    if answer.ai_generated:
        doc.text.addElement(para(_t("notice", lang), notice))
    if answer.warnings:
        doc.text.addElement(H(outlinelevel=3, text=_t("checks", lang)))
        items = List()
        for w in answer.warnings:
            item = ListItem()
            item.addElement(para(f"⚠ {warning_text(w, lang)}"))
            items.addElement(item)
        doc.text.addElement(items)
    sources = shown_sources(answer)
    doc.text.addElement(H(outlinelevel=2, text=_t("sources", lang) if answer.status != "not_found"
                          else _t("closest", lang)))
    if not sources:
        doc.text.addElement(para(_t("none", lang)))
    for c in sources:
        meta = meta_label(c, lang)
        head = P()
        head.addElement(Span(stylename=bold, text=f"[{c.n}] {c.title or Path(c.path).name}"))
        head.addText((f" — {meta}" if meta else "") + f" — {where(c, lang)}")
        doc.text.addElement(head)
        doc.text.addElement(para(f"{_t('file', lang)} : {c.path}" if lang == "fr" else f"{_t('file', lang)}: {c.path}",
                                 small))
        before, hit, after = _split_span(c)
        q = P(stylename=quote)
        q.addText("« " + _one_line(before) + _gap(before, hit))
        if hit:
            q.addElement(Span(stylename=mark, text=_one_line(hit)))
        q.addText(_gap(hit, after) + _one_line(after) + " »")
        doc.text.addElement(q)
    doc.text.addElement(para(_t("footer", lang), small))
    path = Path(path)
    doc.save(str(path))
    return path


def suggested_name(answer: Answer, ext: str, when: datetime | None = None) -> str:
    """``passeur-2025-03-12-prix-repas-cantine.md``: ASCII, short, dated."""
    when = when or datetime.now()
    folded = unicodedata.normalize("NFKD", answer.question).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.findall(r"[a-z0-9]+", folded) if len(w) > 2][:6]
    slug = "-".join(words) or "reponse"
    return f"passeur-{when:%Y-%m-%d}-{slug}.{ext.lstrip('.')}"
