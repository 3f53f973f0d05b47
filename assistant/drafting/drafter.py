"""The Drafter: greeting, handover and suggestions for one customer, grounded by default, a language model if set.

Both paths end in the same guardrails (guardrails.py) and, for suggestions, the same policy (policy.py),
applied before the model (forbidden topics are in the prompt) and after it (anything breaking them is removed).
Any model failure (timeout, unreachable server, invalid answer, nothing left after guardrails) falls back
to the grounded drafter and says so in Draft.metadata["fallback"].
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from assistant.drafting import llm_drafts
from assistant.drafting.context import CustomerContext, load_context, merge_citations
from assistant.drafting.greeting import compose_greeting
from assistant.drafting.guardrails import Guardrails, GuardReport, Source, looks_like_injection, offer_terms
from assistant.drafting.handover import case_story, compose_handover, pick_interaction
from assistant.drafting.handover_parts import profile
from assistant.drafting.policy import apply_policy
from assistant.drafting.suggestions import candidates, rank
from assistant.errors import InputError
from assistant.llm.chat import LLMFailure, build_llm, model_name
from assistant.llm.prompts import active_prompt
from assistant.llm.schemas import HANDOVER_SECTIONS
from assistant.models import Draft, DraftSentence, Suggestion, as_utc, utcnow
from assistant.settings import Settings

SECTION_TITLES = {
    "who": "Who", "reason": "Why they are in touch", "summary": "This contact", "done": "Done so far",
    "status": "Status", "provided": "Already provided (don't ask again)", "feeling": "How they feel",
    "next_step": "Next step", "introduction": "Introduction", "headline": "In short",
    "contacts": "Contacts in this case",
}
# The grounded handover: the case in short first, then its details (the language model fills HANDOVER_SECTIONS).
CASE_SECTIONS = ("headline", "reason", "who", "contacts", "done", "status", "provided", "feeling", "next_step",
                 "summary", "introduction")
LISTED = {"done", "contacts"}
UNRENDERED = {"reason"}  # kept for the API and the lab; the headline already says it


class Drafter:
    def __init__(self, store: Any, retriever: Any, memory: Any, settings: Settings, llm: Any = None,
                 cases: Any = None) -> None:
        self.store, self.retriever, self.memory, self.settings = store, retriever, memory, settings
        self.cases = cases  # CaseMemory: the handover tells the case, not the last contact
        self.llm = llm if llm is not None else build_llm(settings)
        embedder = getattr(retriever, "embedder", None) or getattr(memory, "embedder", None)
        self.guardrails = Guardrails(store, embedder, settings)

    # ---- public API (the facade calls exactly these) ---------------------------------------------------
    def greeting(self, customer_id: str, now: datetime | None = None) -> Draft:
        started = time.perf_counter()
        ctx = self._context(customer_id, now)
        meta: dict[str, Any] = {}
        if self.llm is not None:
            draft = self._llm_greeting(ctx, meta)
            if draft is not None:
                return self._finish(draft, started)
        sentences, sections = compose_greeting(ctx)
        kept, report = self.guardrails.check(customer_id, sentences, source="template", facts=ctx.facts,
                                             interactions=ctx.by_id)
        draft = self._draft("greeting", ctx, kept, sections, report, meta)
        return self._finish(draft, started)

    def handover(self, customer_id: str, interaction_id: str | None = None, now: datetime | None = None,
                 colleague: str | None = None, team: str | None = None) -> Draft:
        """colleague: the name of the agent taking over, used in the introduction (default "my colleague");
        team: the team it is handed to (default: the case's own team, from routing)."""
        started = time.perf_counter()
        ctx = self._context(customer_id, now)
        target = pick_interaction(ctx, interaction_id)
        if target is None:
            what = f"interaction '{interaction_id}'" if interaction_id else "any interaction"
            raise InputError(f"customer '{customer_id}' has no {what} to hand over", field="interaction_id")
        meta: dict[str, Any] = {"interaction_id": target.interaction_id}
        case = self.cases.case_of(customer_id, target.interaction_id, now=ctx.now, team=team) if self.cases else None
        if self.llm is not None:
            draft = self._llm_handover(ctx, target, case, team, colleague, meta)
            if draft is not None:
                return self._finish(draft, started)
        sections, info = compose_handover(ctx, target, case, colleague, team)
        meta.update(info)
        kept_sections, report = self._guard_sections(ctx, sections, source="template", names=CASE_SECTIONS)
        draft = self._sections_draft(ctx, kept_sections, report, meta, names=CASE_SECTIONS)
        return self._finish(draft, started)

    def suggestions(self, customer_id: str, now: datetime | None = None) -> list[Suggestion]:
        return [Suggestion.model_validate(s) for s in self.suggestions_draft(customer_id, now).sections["suggestions"]]

    def suggestions_draft(self, customer_id: str, now: datetime | None = None) -> Draft:
        """Suggestions with the why: what policy blocked, which drafter, any fallback (for the API and review)."""
        started = time.perf_counter()
        ctx = self._context(customer_id, now)
        meta: dict[str, Any] = {"policy": ctx.policy.describe()}
        chosen: list[Suggestion] | None = None
        if self.llm is not None:
            chosen = self._llm_suggestions(ctx, meta)
        if chosen is None:
            raw = candidates(ctx)
            allowed, blocked = apply_policy(raw, ctx.policy)
            chosen, dropped = self._guard_suggestions(ctx, allowed, source="template")
            meta.setdefault("blocked", []).extend(blocked + dropped)
            meta.setdefault("drafter", "grounded")
        chosen = rank(chosen, self.settings.max_suggestions)
        text = "\n".join(f"{i + 1}. [{s.kind}] {s.text} ({s.reason})" for i, s in enumerate(chosen))
        draft = Draft(text=text, kind="suggestions", customer_id=ctx.customer.customer_id,
                      citations=merge_citations(*[s.citations for s in chosen]),
                      sections={"suggestions": [s.model_dump() for s in chosen]},
                      metadata=meta)
        return self._finish(draft, started)

    # ---- shared -------------------------------------------------------------------------------------------
    def _context(self, customer_id: str, now: datetime | None) -> CustomerContext:
        now = as_utc(now) if now else utcnow()
        return load_context(self.store, self.memory, self.settings, customer_id, now)

    def _finish(self, draft: Draft, started: float) -> Draft:
        draft.metadata["ms"] = round((time.perf_counter() - started) * 1000, 2)
        return draft

    def _draft(self, kind: str, ctx: CustomerContext, sentences: list[DraftSentence], sections: dict[str, Any],
               report: GuardReport, meta: dict[str, Any]) -> Draft:
        meta.setdefault("drafter", "grounded")
        meta["guardrails"] = report.as_metadata()
        if ctx.ignored_facts:
            meta["ignored_facts"] = ctx.ignored_facts
        return Draft(text=" ".join(s.text for s in sentences), kind=kind,  # type: ignore[arg-type]
                     customer_id=ctx.customer.customer_id, sentences=sentences,
                     citations=merge_citations(*[s.citations for s in sentences]), sections=sections, metadata=meta)

    def _guard_sections(self, ctx: CustomerContext, sections: dict[str, list[DraftSentence]], source: Source,
                        names: tuple[str, ...] = HANDOVER_SECTIONS,
                        ) -> tuple[dict[str, list[DraftSentence]], GuardReport]:
        flat = [(name, s) for name in names for s in sections.get(name, [])]
        checked, report = self.guardrails.check_each(ctx.customer.customer_id, [s for _, s in flat], source=source,
                                                     facts=ctx.facts, interactions=ctx.by_id)
        out: dict[str, list[DraftSentence]] = {name: [] for name in names}
        for (name, _), kept in zip(flat, checked, strict=True):
            if kept is not None:
                out[name].append(kept)
        return out, report

    def _sections_draft(self, ctx: CustomerContext, sections: dict[str, list[DraftSentence]], report: GuardReport,
                        meta: dict[str, Any], names: tuple[str, ...] = HANDOVER_SECTIONS) -> Draft:
        lines = []
        for name in names:
            got = sections.get(name) or []
            if not got or name in UNRENDERED:
                continue
            if name in LISTED:
                lines.append(f"{SECTION_TITLES[name]}:")
                lines += [f"- {s.text}" for s in got]
            elif name == "introduction":
                lines.append(f"{SECTION_TITLES[name]}: " + " ".join(f"\u201c{s.text}\u201d" for s in got))
            else:
                title = str(meta.get("summary_title") or SECTION_TITLES[name]) if name == "summary" else \
                    SECTION_TITLES[name]
                lines.append(f"{title}: " + " ".join(s.text for s in got))
        sentences = [s for name in names for s in sections.get(name, [])]
        draft = self._draft("handover", ctx, sentences, {n: [s.text for s in sections.get(n, [])]
                                                          for n in names}, report, meta)
        draft.text = "\n".join(lines)
        return draft

    def _guard_suggestions(self, ctx: CustomerContext, items: list[Suggestion], source: Source,
                           ) -> tuple[list[Suggestion], list[dict[str, str]]]:
        kept: list[Suggestion] = []
        dropped: list[dict[str, str]] = []
        for s in items:
            probe = [DraftSentence(text=s.text, citations=s.citations, grounded=None if source == "llm" else True)]
            ok, report = self.guardrails.check(ctx.customer.customer_id, probe, source=source,
                                               facts=ctx.facts, interactions=ctx.by_id)
            if not ok or looks_like_injection(s.reason) or offer_terms(s.reason) - offer_terms(s.text):
                dropped += report.dropped or [{"text": s.text, "reason": "guardrails"}]
                continue
            kept.append(s.model_copy(update={"text": ok[0].text, "citations": ok[0].citations,
                                             "reason": self.guardrails.redactor.redact(s.reason)}))
        return kept, dropped

    # ---- language model paths ---------------------------------------------------------------------------
    def _llm_meta(self, draft_type: str, meta: dict[str, Any]) -> Any:
        prompt = active_prompt(draft_type, self.settings)
        meta.update(prompt.stamp())
        meta["model"] = model_name(self.llm)
        return prompt

    def _fallback(self, meta: dict[str, Any], reason: str) -> None:
        meta["fallback"] = reason
        meta["drafter"] = "grounded"

    def _llm_greeting(self, ctx: CustomerContext, meta: dict[str, Any]) -> Draft | None:
        prompt = self._llm_meta("greeting", meta)
        rendered, evidence = llm_drafts.greeting_prompt(prompt, ctx)
        try:
            output = llm_drafts.ask(self.llm, prompt, rendered, self.settings.llm_timeout_s)
        except LLMFailure as exc:
            self._fallback(meta, exc.reason)
            return None
        sentences = llm_drafts.greeting_sentences(output, evidence)
        kept, report = self.guardrails.check(ctx.customer.customer_id, sentences, source="llm", facts=ctx.facts,
                                             interactions=ctx.by_id)
        if not kept:
            self._fallback(meta, "guardrails: no sentence of the model's answer survived")
            meta["llm_guardrails"] = report.as_metadata()
            return None
        meta["drafter"] = "llm"
        return self._draft("greeting", ctx, kept, {"sentences": [s.text for s in kept]}, report, meta)

    def _llm_handover(self, ctx: CustomerContext, target: Any, case: Any, team: str | None, colleague: str | None,
                      meta: dict[str, Any]) -> Draft | None:
        prompt = self._llm_meta("handover", meta)
        story = case_story(ctx, target, case)
        team = team or (case.team if case is not None and case.team else "specialist team")
        rendered, evidence = llm_drafts.handover_prompt(prompt, ctx, story, team, colleague)
        try:
            output = llm_drafts.ask(self.llm, prompt, rendered, self.settings.llm_timeout_s)
        except LLMFailure as exc:
            self._fallback(meta, exc.reason)
            return None
        written = llm_drafts.handover_sections(output, evidence)
        written.pop("who", None)
        sections, report = self._guard_sections(ctx, written, source="llm")
        if not any(sections.values()):
            self._fallback(meta, "guardrails: no sentence of the model's answer survived")
            meta["llm_guardrails"] = report.as_metadata()
            return None
        # "who" is the customer record (name, tenure, products, stated preferences) whoever writes the rest:
        # no contact backs it for a model to cite, and the guardrails drop uncited model sentences.
        who, who_report = self.guardrails.check(ctx.customer.customer_id, profile(ctx), source="template",
                                                facts=ctx.facts, interactions=ctx.by_id)
        sections["who"] = who
        report.merge(who_report)
        meta.update({"drafter": "llm", "team": team, "related": [i.interaction_id for i in story[:-1]]})
        return self._sections_draft(ctx, sections, report, meta)

    def _llm_suggestions(self, ctx: CustomerContext, meta: dict[str, Any]) -> list[Suggestion] | None:
        prompt = self._llm_meta("suggestions", meta)
        rendered, evidence = llm_drafts.suggestions_prompt(prompt, ctx)
        try:
            output = llm_drafts.ask(self.llm, prompt, rendered, self.settings.llm_timeout_s)
        except LLMFailure as exc:
            self._fallback(meta, exc.reason)
            return None
        allowed, blocked = apply_policy(llm_drafts.suggestion_list(output, evidence), ctx.policy)
        kept, dropped = self._guard_suggestions(ctx, allowed, source="llm")
        meta["blocked"] = blocked + dropped
        if not kept and output.suggestions:
            self._fallback(meta, "guardrails: no suggestion of the model's answer survived")
            return None
        meta["drafter"] = "llm"
        return kept
