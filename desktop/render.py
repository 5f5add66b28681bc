"""HTML of the conversation and of the source cards (no Qt here: plain functions, tested alone).

Qt's rich text understands a subset of HTML 4 and CSS: the markup below keeps
to it (paragraphs with background colours, tables for the cards, inline
styles). Links use private schemes that the views route:

- ``cite:<turn>:<n>`` — citation ``[n]`` of the answer of turn ``<turn>``;
- ``open:<n>`` — source ``n`` of the answer shown in the sources panel.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from indexer import export, textnorm

from .i18n import date, doc_type, language, service_message, tr, where

if TYPE_CHECKING:
    from indexer.answering import Answer, Citation

_CITE = re.compile(r"\[(\d+)\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")

COLORS = {
    "question": "#e8f0fb", "answer": "#ffffff", "notice": "#7a4b00", "notice_bg": "#fff4d6", "warn": "#8a4b00",
    "warn_bg": "#fff1e0", "muted": "#5b6470", "mark": "#ffe86b", "term": "#fff6bf", "link": "#0b57d0",
    "card": "#f6f8fb", "error": "#a11d1d",
}


@dataclass
class Turn:
    """One question of the conversation and what happened to it."""

    question: str
    answer: Answer | None = None
    partial: str = ""  # the answer while it streams in
    state: str = "searching"  # searching | writing | done | stopped | failed
    error: str = ""
    exchange_id: int | None = None


def esc(text: str) -> str:
    return html.escape(text or "", quote=True)


def linkify(text: str, turn: int) -> str:
    """Escape an answer and turn every ``[n]`` into a link to its source, ``**x**`` into bold."""
    out = esc(text).replace("\n", "<br>")
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _CITE.sub(lambda m: f'<a href="cite:{turn}:{m.group(1)}" style="color:{COLORS["link"]};'
                               f'text-decoration:none"><b>[{m.group(1)}]</b></a>', out)


def answer_text(answer: Answer) -> str:
    if answer.status == "not_found":
        return tr("ask.not_found")
    if answer.status == "search_only":
        return tr("ask.search_only_text")
    return answer.text


def quoted(text: str) -> str:
    """« text » in French, “text” in English."""
    return f"« {text} »" if language() == "fr" else f"“{text}”"


def _warning_html(w: dict) -> str:
    msg = service_message(w)
    detail = (w.get("detail") or "").strip()
    if w.get("code") == "uncited_sentence" and detail:
        short = detail if len(detail) <= 140 else detail[:139] + "…"
        msg = f"{msg} « {short} »"
    if w.get("code") == "answer_withheld" and detail:
        return (f'<p style="background-color:{COLORS["warn_bg"]};color:{COLORS["warn"]};margin:2px 0 2px 0">'
                f'⚠ {esc(msg)}<br><span style="color:{COLORS["muted"]}">{esc(tr("ask.withheld_draft"))} '
                f'<i>{esc(quoted(" ".join(detail.split())))}</i></span></p>')
    return (f'<p style="background-color:{COLORS["warn_bg"]};color:{COLORS["warn"]};margin:2px 0 2px 0">'
            f"⚠ {esc(msg)}</p>")


def _source_line(answer: Answer, turn: int) -> str:
    items = []
    for c in export.shown_sources(answer):
        title = c.title or Path(c.path).name
        items.append(f'<a href="cite:{turn}:{c.n}" style="color:{COLORS["link"]}">[{c.n}] {esc(title)}</a>'
                     f' <span style="color:{COLORS["muted"]}">— {esc(where(c.unit, c.page, c.page_label))}</span>')
    if not items:
        return ""
    head = tr("ask.closest") if answer.status == "not_found" else tr("ask.sources")
    return f'<p style="margin:4px 0 0 0"><b>{esc(head)}</b><br>' + "<br>".join(items) + "</p>"


def turn_html(turn: Turn, index: int) -> str:
    parts = [f'<p style="background-color:{COLORS["question"]};margin:10px 0 4px 0">'
             f'<b>{esc(tr("ask.you"))}</b><br>{esc(turn.question).replace(chr(10), "<br>")}</p>']
    body: list[str] = [f'<b>{esc(tr("ask.passeur"))}</b><br>']
    a = turn.answer
    if a is None:
        if turn.partial:
            body.append(linkify(turn.partial, index))
        elif turn.state == "failed":
            body.append(f'<span style="color:{COLORS["error"]}">{esc(tr("ask.failed", message=turn.error))}</span>')
        else:
            body.append(f'<i style="color:{COLORS["muted"]}">{esc(tr("ask.searching"))}</i>')
        if turn.state == "stopped":
            body.append(f'<br><i style="color:{COLORS["muted"]}">{esc(tr("ask.stopped"))}</i>')
        parts.append('<p style="margin:0 0 4px 0">' + "".join(body) + "</p>")
        return "".join(parts)
    body.append(linkify(answer_text(a), index))
    parts.append('<p style="margin:0 0 4px 0">' + "".join(body) + "</p>")
    if a.ai_generated:
        parts.append(f'<p style="background-color:{COLORS["notice_bg"]};color:{COLORS["notice"]};'
                     f'margin:2px 0 2px 0"><i>{esc(tr("ask.notice"))}</i></p>')
    if a.warnings:
        parts.append(f'<p style="margin:4px 0 0 0;color:{COLORS["warn"]}"><b>{esc(tr("ask.check"))}</b></p>')
        parts += [_warning_html(w) for w in a.warnings]
        if any(w.get("code") == "llm_unavailable" for w in a.warnings):
            parts.append(f'<p style="color:{COLORS["muted"]};margin:0">{esc(tr("ask.llm_down_hint"))}</p>')
    parts.append(_source_line(a, index))
    if a.model:
        seconds = f"{a.timings.get('total_ms', 0) / 1000:.1f}"
        seconds = seconds.replace(".", ",") if language() == "fr" else seconds
        parts.append(f'<p style="color:{COLORS["muted"]};font-size:small;margin:2px 0 0 0">'
                     f'{esc(tr("ask.model_line", model=a.model, seconds=seconds))}</p>')
    return "".join(parts)


def transcript_html(turns: list[Turn]) -> str:
    if not turns:
        return (f'<h2 style="color:#1f3b63">{esc(tr("ask.welcome_title"))}</h2>'
                f'<p style="color:{COLORS["muted"]}">{esc(tr("ask.welcome"))}</p>')
    return "".join(turn_html(t, i) for i, t in enumerate(turns))


# -- source cards ----------------------------------------------------------------------------------------------
def _highlight_terms(text: str, terms: set[str]) -> str:
    """Escape ``text`` and mark the words whose stem is a question term."""
    out, last = [], 0
    for m in re.finditer(r"\w+", text):
        out.append(esc(text[last:m.start()]))
        word = m.group(0)
        stem = textnorm.index_terms(word) if len(word) > 2 else ""
        if stem and stem in terms:
            out.append(f'<span style="background-color:{COLORS["term"]}"><b>{esc(word)}</b></span>')
        else:
            out.append(esc(word))
        last = m.end()
    out.append(esc(text[last:]))
    return "".join(out)


def excerpt_html(c: Citation, query: str, limit: int = 480) -> str:
    """The passage around its best sentence (yellow), question words in bold."""
    text = " ".join(c.passage.split())
    passage = c.passage
    a, b = c.span if 0 <= c.span[0] < c.span[1] <= len(passage) else (0, 0)
    before, hit, after = (" ".join(passage[:a].split()), " ".join(passage[a:b].split()),
                          " ".join(passage[b:].split()))
    if not hit:
        before, after = "", text
    room = max(0, limit - len(hit))
    if len(before) > room // 2:
        before = "…" + before[-(room // 2):].split(" ", 1)[-1]
    if len(after) > room - len(before):
        cut = after[: max(0, room - len(before))]
        after = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    terms = set(textnorm.query_terms(query)) if query else set()
    mid = (f'<span style="background-color:{COLORS["mark"]}">{_highlight_terms(hit, terms)}</span>' if hit else "")
    return " ".join(x for x in (_highlight_terms(before, terms), mid, _highlight_terms(after, terms)) if x)


def card_html(c: Citation, query: str) -> str:
    title = c.title or Path(c.path).name
    meta = " · ".join(x for x in (doc_type(c.doc_type) if c.doc_type else "", date(c.doc_date),
                                  where(c.unit, c.page, c.page_label), Path(c.path).name) if x)
    open_label = tr("src.open_page", page=c.page) if c.unit == "page" else tr("src.open_section", page=c.page)
    label = getattr(c, "label", "")  # "Délibération n° 2024-037 du 18 juin 2024, article 2"
    legal = getattr(c, "legal_warning", "")  # repealed / amended by a later act
    return (f'<table width="100%" cellspacing="0" cellpadding="6" style="margin-bottom:6px">'
            f'<tr><td style="background-color:{COLORS["card"]}">'
            f'<a href="open:{c.n}" style="color:{COLORS["link"]};text-decoration:none"><b>[{c.n}] {esc(title)}</b></a>'
            + (f"<br><b>{esc(label)}</b>" if label else "")
            + f'<br><span style="color:{COLORS["muted"]};font-size:small">{esc(meta)}</span>'
            + (f'<br><span style="color:{COLORS["warn"]};background-color:{COLORS["warn_bg"]}">⚠ {esc(legal)}</span>'
               if legal else "")
            + f"<br>{excerpt_html(c, query)}"
            f'<br><a href="open:{c.n}" style="color:{COLORS["link"]}">{esc(open_label)} →</a>'
            f"</td></tr></table>")


def sources_html(answer: Answer | None) -> str:
    if answer is None or not export.shown_sources(answer):
        return f'<p style="color:{COLORS["muted"]}">{esc(tr("src.empty"))}</p>'
    head = tr("src.closest") if answer.status != "answered" else tr("src.cited")
    query = answer.standalone_question or answer.question
    return (f"<h3>{esc(head)}</h3>" + "".join(card_html(c, query) for c in export.shown_sources(answer)))
