"""The language-model path for each draft type: prompt variables in, validated output mapped to cited sentences.

Nothing here decides what is allowed: drafter.py runs the same guardrails and policy on what comes back.
"""

from __future__ import annotations

from typing import Any

from assistant.drafting.context import CustomerContext
from assistant.drafting.evidence import EvidenceSet, customer_json, fact_lines
from assistant.drafting.greeting import do_not_ask
from assistant.llm.chat import invoke_structured
from assistant.llm.prompts import PromptTemplate, RenderedPrompt
from assistant.llm.schemas import HANDOVER_SECTIONS, CitedSentence
from assistant.models import DraftSentence, Interaction, Suggestion

MAX_FACTS = 25
RECENT_CONTACTS = 3


def _now(ctx: CustomerContext) -> str:
    return ctx.now.isoformat(timespec="minutes")


def _recent_evidence(ctx: CustomerContext, evidence: EvidenceSet, interactions: list[Interaction]) -> None:
    for inter in interactions:
        customer_turns = [t.turn_id or "" for t in inter.turns if t.speaker == "customer"][:3]
        evidence.add(inter, customer_turns)


def greeting_prompt(prompt: PromptTemplate, ctx: CustomerContext) -> tuple[RenderedPrompt, EvidenceSet]:
    evidence = EvidenceSet()
    facts = fact_lines(ctx, ctx.facts[-MAX_FACTS:], evidence)
    _recent_evidence(ctx, evidence, ctx.recent(ctx.settings.recent_contact_days)[-RECENT_CONTACTS:])
    avoid = "; ".join(do_not_ask(ctx)) or "nothing in particular"
    rendered = prompt.render(customer=customer_json(ctx), now=_now(ctx), facts=facts, evidence=evidence.render(),
                             avoid=avoid)
    return rendered, evidence


def handover_prompt(prompt: PromptTemplate, ctx: CustomerContext, story: list[Interaction], team: str,
                    colleague: str | None) -> tuple[RenderedPrompt, EvidenceSet]:
    evidence = EvidenceSet()
    ids = {i.interaction_id for i in story}
    related = [f for f in ctx.facts if any(c.interaction_id in ids for c in f.citations)]
    others = [f for f in ctx.facts if f.kind in {"preference", "verification"} and f not in related]
    facts = fact_lines(ctx, (others + related)[-MAX_FACTS:], evidence)
    target = story[-1]
    evidence.add(target, [t.turn_id or "" for t in target.turns])
    target_desc = f"{target.channel}, {target.started_at.date().isoformat()}, interaction {target.interaction_id}"
    rendered = prompt.render(customer=customer_json(ctx), now=_now(ctx), contact=target_desc, facts=facts,
                             evidence=evidence.render(), colleague=colleague or "my colleague", team=team)
    return rendered, evidence


def suggestions_prompt(prompt: PromptTemplate, ctx: CustomerContext) -> tuple[RenderedPrompt, EvidenceSet]:
    evidence = EvidenceSet()
    facts = fact_lines(ctx, ctx.facts[-MAX_FACTS:], evidence)
    rendered = prompt.render(customer=customer_json(ctx), now=_now(ctx), facts=facts, evidence=evidence.render(),
                             policy="\n".join(f"- {line}" for line in ctx.policy.describe()),
                             max_suggestions=str(ctx.settings.max_suggestions))
    return rendered, evidence


def _sentences(items: list[CitedSentence], evidence: EvidenceSet) -> list[DraftSentence]:
    return [DraftSentence(text=s.text.strip(), citations=evidence.citations(s.evidence))
            for s in items if s.text.strip()]


def ask(llm: Any, prompt: PromptTemplate, rendered: RenderedPrompt, timeout_s: float) -> Any:
    return invoke_structured(llm, rendered.system, rendered.user, prompt.output_model, timeout_s)


def greeting_sentences(output: Any, evidence: EvidenceSet) -> list[DraftSentence]:
    return _sentences(output.sentences, evidence)


def handover_sections(output: Any, evidence: EvidenceSet) -> dict[str, list[DraftSentence]]:
    return {name: _sentences(getattr(output, name), evidence) for name in HANDOVER_SECTIONS}


def suggestion_list(output: Any, evidence: EvidenceSet) -> list[Suggestion]:
    out = []
    for i, s in enumerate(output.suggestions):
        out.append(Suggestion(text=s.text.strip(), reason=s.reason.strip() or "suggested by the model", kind=s.kind,
                              citations=evidence.citations(s.evidence), score=round(1.0 - i * 0.05, 3),
                              topic=s.topic.strip()))
    return out
