"""The Qt-free answering service shared by the CLI and the desktop app.

``AnswerService.ask(question, history, filters, profile) -> Answer``: retrieve
(within the profile's spaces), decide whether the passages can answer at all,
ask the LLM with numbered passages, then validate what it wrote. Without a
model (``--no-llm``, backend ``none``, or the model unavailable) it answers in
search-only mode: the best passages with their matching sentence.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from dataclasses import dataclass, field
from typing import Callable

from . import asks, errors, grounding, pii, prompt
from .llm.base import LLM, LLMUnavailable
from .search import Filters, Hit, Searcher
from .settings import Settings
from .store import Store

log = logging.getLogger(__name__)

AI_NOTICE = ("Réponse générée par IA à partir des documents cités — vérifiez avant tout usage. "
             "/ AI-generated answer based on the cited documents — check before any use.")
NOT_FOUND = prompt.NOT_FOUND_TEXT
_FOLLOW_UP = re.compile(r"^(et|mais|aussi|pour|qu'en est-il|et si|dans ce cas|alors|ou)\b", re.IGNORECASE)


@dataclass
class Citation:
    n: int
    doc_id: str
    path: str
    page: int
    page_label: str
    passage: str
    span: tuple[int, int]
    title: str
    doc_type: str
    doc_date: str
    chunk_id: str
    unit: str = "page"
    label: str = ""  # "Délibération n° 2024-037 du 18 juin 2024, article 2"
    repealed: bool = False
    legal_warning: str = ""

    @classmethod
    def from_hit(cls, n: int, hit: Hit, query: str) -> "Citation":
        return cls(n=n, doc_id=hit.doc_id, path=hit.path, page=hit.page, page_label=hit.page_label,
                   passage=hit.text, span=grounding.best_span(hit.text, query), title=hit.title,
                   doc_type=hit.doc_type, doc_date=hit.doc_date, chunk_id=hit.chunk_id, unit=hit.unit,
                   label=hit.label, repealed=hit.repealed, legal_warning=hit.legal_warning)

    def to_json(self) -> dict:
        return {"n": self.n, "doc_id": self.doc_id, "path": self.path, "page": self.page,
                "passage": self.passage, "span": list(self.span), "title": self.title,
                "page_label": self.page_label, "doc_type": self.doc_type, "date": self.doc_date,
                "label": self.label, "repealed": self.repealed, "legal_warning": self.legal_warning}


@dataclass
class Answer:
    question: str
    text: str
    status: str  # answered | not_found | search_only
    citations: list[Citation] = field(default_factory=list)
    passages: list[Citation] = field(default_factory=list)  # every passage shown to the model / the user
    warnings: list[dict] = field(default_factory=list)
    model: str | None = None
    timings: dict = field(default_factory=dict)
    standalone_question: str = ""
    profile: str = ""
    draft: str = ""  # the model's answer when the app set it aside (status not_found)

    @property
    def ai_generated(self) -> bool:
        return self.status == "answered"

    @property
    def notice(self) -> str:
        return AI_NOTICE if self.ai_generated else ""

    def to_json(self) -> dict:
        return {"status": self.status, "answer": self.text,
                "citations": [c.to_json() for c in self.citations],
                "passages": [c.to_json() for c in self.passages],
                "warnings": self.warnings, "model": self.model, "timings": self.timings,
                "ai_generated": self.ai_generated, "notice": self.notice,
                "standalone_question": self.standalone_question, "profile": self.profile, "draft": self.draft}


TokenCallback = Callable[[str], None]


class AnswerService:
    def __init__(self, settings: Settings | None = None, store: Store | None = None, llm: LLM | None = None,
                 llm_backend: str | None = None, llm_model: str | None = None) -> None:
        self.settings = settings or Settings.load()
        self.store = store or Store(self.settings)
        self.searcher = Searcher(self.store)
        self._llm = llm
        self._llm_backend = llm_backend
        self._llm_model = llm_model

    # -- model --------------------------------------------------------------------
    @property
    def llm_backend(self) -> str:
        return self._llm_backend or self.settings.llm.backend

    def llm(self) -> LLM:
        if self._llm is None:
            from .llm.factory import get_llm

            self._llm = get_llm(self.settings, self._llm_backend, self._llm_model)
        return self._llm

    # -- rights ---------------------------------------------------------------------
    def spaces_for(self, profile: str | None) -> list[str]:
        name = profile or self.settings.default_profile
        spaces = self.settings.profiles.get(name)
        if spaces is None:
            raise errors.PasseurError(fr=f"Profil inconnu « {name} ».", en=f"unknown profile {name!r}")
        return list(spaces)

    def _filters(self, filters: Filters | None, profile: str | None) -> Filters:
        allowed = self.spaces_for(profile)
        f = filters or Filters()
        spaces = allowed if f.spaces is None else [s for s in f.spaces if s in allowed]
        return dataclasses.replace(f, spaces=spaces)

    # -- follow-ups -------------------------------------------------------------------
    def standalone(self, question: str, history: list[tuple[str, str]] | None, use_llm: bool) -> str:
        if not history:
            return question
        if use_llm:
            try:
                text = "".join(self.llm().stream_chat(prompt.condense_messages(question, history),
                                                      max_tokens=80, temperature=0.0)).strip()
                text = text.splitlines()[0].strip(" «»\"") if text else ""
                if 3 <= len(text.split()) <= 60:
                    return text
            except LLMUnavailable:
                pass
        if len(question.split()) < 9 or _FOLLOW_UP.match(question.strip()):
            return f"{history[-1][0]} {question}"
        return question

    # -- the service --------------------------------------------------------------------
    def ask(self, question: str, history: list[tuple[str, str]] | None = None, filters: Filters | None = None,
            profile: str | None = None, on_token: TokenCallback | None = None, no_llm: bool = False,
            history_profile: str | None = None) -> Answer:
        """Answer ``question`` within ``profile``'s spaces.

        ``history_profile`` is the profile under which ``history`` was written: text written under
        wider rights never enters a narrower profile's context (it may quote a restricted passage).
        """
        t0 = time.perf_counter()
        if history and not set(self.spaces_for(history_profile or profile)) <= set(self.spaces_for(profile)):
            history = None
        cfg = self.settings.llm
        use_llm = not no_llm and self.llm_backend != "none"
        query = self.standalone(question, history, use_llm)
        t_condense = time.perf_counter()
        flt = self._filters(filters, profile)
        hits = self.searcher.search(query, k=max(cfg.passages, 8), filters=flt)
        t_search = time.perf_counter()
        answer = Answer(question=question, text="", status="not_found", standalone_question=query,
                        profile=profile or self.settings.default_profile)
        shown = [self._masked(h) for h in self._continued(hits[: cfg.passages])]
        answer.passages = [Citation.from_hit(n, h, query) for n, h in enumerate(shown, start=1)]
        answer.timings = {"condense_ms": _ms(t0, t_condense), "retrieval_ms": _ms(t_condense, t_search)}

        if not hits or self._weak(query, shown, flt.spaces):
            answer.text = NOT_FOUND
            answer.timings["total_ms"] = _ms(t0, time.perf_counter())
            return answer

        if not use_llm:
            return self._search_only(answer, t0)
        try:
            llm = self.llm()
            llm.available()
        except LLMUnavailable as exc:
            answer.warnings.append({"code": "llm_unavailable", "message": exc.fr, "message_en": exc.en})
            return self._search_only(answer, t0)

        messages = prompt.build_messages(question if not history else query, shown, history,
                                         max_words=cfg.passage_words)
        t_prompt = time.perf_counter()
        pieces: list[str] = []
        first = None
        try:
            for piece in llm.stream_chat(messages, max_tokens=cfg.max_tokens, temperature=cfg.temperature):
                if first is None:
                    first = time.perf_counter()
                pieces.append(piece)
                if on_token:
                    on_token(piece)
        except LLMUnavailable as exc:
            answer.warnings.append({"code": "llm_unavailable", "message": exc.fr, "message_en": exc.en})
            return self._search_only(answer, t0)
        t_end = time.perf_counter()
        raw = "".join(pieces).strip()
        answer.model = llm.name
        answer.timings.update({
            "prompt_ms": _ms(t_search, t_prompt),
            "first_token_ms": _ms(t_prompt, first or t_end),
            "generation_ms": _ms(t_prompt, t_end),
            "pieces": len(pieces),
        })
        if _says_not_found(raw):
            answer.text = NOT_FOUND
            answer.status = "not_found"
            answer.timings["total_ms"] = _ms(t0, time.perf_counter())
            return answer
        checked = grounding.check_answer(raw, [h.text for h in shown])
        answer.text = checked.text
        answer.status = "answered"
        answer.citations = [answer.passages[n - 1] for n in checked.cited]
        answer.warnings += [w.to_json() for w in checked.warnings]
        if cfg.withhold_unverified:
            headers = [f"{prompt.passage_header(n, h)} {h.text}" for n, h in enumerate(shown, start=1)]
            invented = grounding.invented_figures(checked.text, headers, question=f"{question} {query}")
            if invented:
                figs = grounding.quoted_figures(invented) + (", …" if len(invented) > 3 else "")
                return self._withhold(answer, t0, (
                    f"les chiffres ou dates {figs} ne figurent dans aucun des passages trouvés" if len(invented) > 1
                    else f"le chiffre ou la date {figs} ne figure dans aucun des passages trouvés"),
                    f"{', '.join(invented[:3])} appear{'' if len(invented) > 1 else 's'} in none of the passages found")
        names = [terms for _, terms, _ in grounding.name_phrases(query)]
        terms = grounding.textnorm.query_terms(query)
        df, n_docs = self.store.catalog.term_frequencies(terms + names, flt.spaces)
        cited = [f"{c.title} {shown[c.n - 1].context} {shown[c.n - 1].section} {c.passage}" for c in answer.citations]
        off_subject = (grounding.unsupported_names(query, checked.text, cited, df, n_docs)
                       or grounding.unsupported_period(query, checked.text, cited)
                       or grounding.unsupported_subject(query, checked.text, cited, df, n_docs,
                                                        min_share=cfg.off_subject_share))
        if off_subject is not None and off_subject.strong and cfg.withhold_off_subject:
            return self._withhold(
                answer, t0, f"elle parle de « {off_subject.detail} », que les passages qu'elle cite ne mentionnent pas",
                f"it speaks of {off_subject.detail!r}, which the passages it cites never mention")
        if off_subject is not None:
            answer.warnings.append(off_subject.to_json())
        asked_question = question if not history else query
        copied = (grounding.copied_passage(checked.text, [h.text for h in shown])
                  if cfg.withhold_copies and asks.asked_kinds(asked_question) else None)
        if copied is not None:
            return self._withhold(answer, t0, f"elle recopie le passage [{copied}] en entier au lieu d'en tirer ce "
                                  "que la question demande", f"it copies out passage [{copied}] whole instead of "
                                  "taking from it what the question asks")
        unanswered = asks.missing_kinds(asked_question, checked.text)
        if unanswered is not None and cfg.withhold_unanswered:
            return self._withhold(answer, t0, f"elle ne donne pas {unanswered.fr}, que la question demande",
                                  f"it gives {unanswered.en}, which the question asks for")
        if unanswered is not None:
            answer.warnings.append({
                "code": "unanswered_kind", "detail": ",".join(unanswered.kinds),
                "message": f"La réponse ne donne pas {unanswered.fr}, que la question demande. À vérifier.",
                "message_en": f"The answer gives {unanswered.en}, which the question asks for. To be checked."})
        answer.warnings += _legal_status(answer.citations)
        warned = {int(w["detail"]) for w in answer.warnings if w["code"] in ("repealed", "amended")}
        answer.warnings += _newer_versions([c for c in answer.citations if c.n not in warned], answer.passages)
        answer.timings["total_ms"] = _ms(t0, time.perf_counter())
        return answer

    def _continued(self, hits: list[Hit]) -> list[Hit]:
        """A passage that announces what follows (« Il comprend un élément fixe et un élément proportionnel : »)
        is given with the next passage of its page: the list or the table it announces, where the answer
        often is (« 1 enfant : 2,29 € »), was cut into that passage by the chunker."""
        out = []
        shown = {h.chunk_id for h in hits}
        for hit in hits:
            nxt = self.store.catalog.continuation(hit.chunk_id, hit.text)
            if nxt is not None and nxt["id"] not in shown:  # not twice when the list is a passage of its own
                hit = dataclasses.replace(hit, text=f"{hit.text} {nxt['text']}", continued=True)
            out.append(hit)
        return out

    def _masked(self, hit: Hit) -> Hit:
        """Personal data masked in what is shown and sent to the model, per the space's policy."""
        if pii.policy_for(self.settings, hit.space) != "mask":
            return hit
        return dataclasses.replace(hit, text=pii.mask(hit.text))

    def _weak(self, query: str, hits: list[Hit], spaces: list[str] | None) -> bool:
        names = grounding.proper_names(query)
        years = grounding.question_years(query)
        terms = sorted(set(grounding.textnorm.query_terms(query)) | set(names) | set(years))
        df, n = self.store.catalog.term_frequencies(terms, spaces)
        if any(df.get(name, 0) == 0 for name in names):
            return True  # a person or an organisation the readable archive never mentions
        if any(df.get(year, 0) == 0 for year in years):
            return True  # a year the readable archive never mentions (the prices of 2031)
        texts = [f"{h.title} {h.section} {h.text}" for h in hits]
        ev = grounding.evidence(query, texts, df, n)
        top_dense = max((h.scores.get("dense", 0.0) for h in hits), default=0.0)
        return grounding.retrieval_is_weak(ev, top_dense, min_coverage=self.settings.llm.min_coverage,
                                           min_dense=self.settings.llm.min_dense)

    def _withhold(self, answer: Answer, t0: float, reason_fr: str, reason_en: str) -> Answer:
        """"Not found" rather than an answer the passages do not support: a figure no passage holds, or a
        subject the passages it cites never mention (a wrong figure in a confident sentence is the worst
        failure; a refusal is not). The draft is kept and shown, marked as set aside."""
        answer.draft = answer.text
        answer.text = NOT_FOUND
        answer.status = "not_found"
        answer.citations = []
        answer.warnings = [{
            "code": "answer_withheld",
            "message": (f"Réponse du modèle écartée : {reason_fr}. Elle n'est pas reprise comme réponse ; "
                        "vérifiez dans les passages les plus proches ci-dessous."),
            "message_en": f"The model's answer was set aside: {reason_en}. Check the closest passages below.",
            "detail": answer.draft}]
        answer.timings["total_ms"] = _ms(t0, time.perf_counter())
        return answer

    def _search_only(self, answer: Answer, t0: float) -> Answer:
        answer.status = "search_only"
        answer.text = ("Mode recherche seule : voici les passages les plus proches de votre question. "
                       "/ Search-only mode: the closest passages.")
        answer.citations = list(answer.passages)
        answer.timings["total_ms"] = _ms(t0, time.perf_counter())
        return answer


def _legal_status(cited: list[Citation]) -> list[dict]:
    """The most dangerous wrong answer in a town hall: quoting an act that a later one repealed or amended."""
    out: list[dict] = []
    for c in cited:
        if c.legal_warning:
            out.append({"code": "repealed" if c.repealed else "amended", "message": f"[{c.n}] {c.legal_warning}",
                        "message_en": (f"Passage [{c.n}] comes from an act that was "
                                       f"{'repealed' if c.repealed else 'amended'} by a later act."),
                        "detail": str(c.n)})
    return out


def _newer_versions(cited: list[Citation], shown: list[Citation]) -> list[dict]:
    """Warn when a cited passage comes from a document that a more recent one on the same subject, also among
    the passages, may have replaced (a tariff renewed, a charter amended): the value may no longer apply."""
    out: list[dict] = []
    for c in cited:
        terms = set(grounding.textnorm.query_terms(c.title))
        for other in shown:
            if other.doc_id == c.doc_id or other.doc_type != c.doc_type or not (c.doc_date and other.doc_date):
                continue
            if other.doc_date <= c.doc_date:
                continue
            other_terms = set(grounding.textnorm.query_terms(other.title))
            if not terms or len(terms & other_terms) < 0.3 * len(terms | other_terms):
                continue
            out.append({"code": "newer_version",
                        "message": (f"Le passage [{c.n}] vient d'un document du {c.doc_date} ; un document plus "
                                    f"récent sur le même sujet figure parmi les sources ([{other.n}] {other.title}, "
                                    f"{other.doc_date}) : vérifiez que la valeur citée s'applique toujours."),
                        "message_en": f"Passage [{c.n}] may be superseded by the more recent [{other.n}].",
                        "detail": str(other.n)})
            break
    return out


def _says_not_found(text: str) -> bool:
    low = text.lower()
    return ("pas trouvé cette information" in low or "n'ai pas trouvé" in low
            or "ne contiennent pas" in low and len(text) < 200)


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 1)

