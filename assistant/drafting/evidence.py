"""Evidence for a language model: quoted excerpts with ids (E1, E2...), and the facts that point at them.

Interaction text is data, never instructions: each excerpt is fenced and labelled, instruction-like
sentences are withheld, and the prompt tells the model so. Model answers cite ids, mapped back here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from assistant.drafting.context import CustomerContext, fact_time
from assistant.drafting.guardrails import looks_like_injection
from assistant.drafting.phrasing import short_date
from assistant.models import Citation, Fact, Interaction, as_utc

MAX_EXCERPT_CHARS = 600


@dataclass
class EvidenceSet:
    items: dict[str, Citation] = field(default_factory=dict)  # id -> citation
    blocks: list[str] = field(default_factory=list)
    _by_key: dict[tuple[str, tuple[str, ...]], str] = field(default_factory=dict)

    def add(self, inter: Interaction, turn_ids: list[str]) -> str | None:
        key = (inter.interaction_id, tuple(turn_ids))
        if key in self._by_key:
            return self._by_key[key]
        wanted = set(turn_ids)
        turns = [t for t in inter.turns if not wanted or t.turn_id in wanted]
        lines = []
        for t in turns:
            text = " ".join(p for p in t.text.split("\n") if p.strip())
            if looks_like_injection(text):
                text = "[text addressed to an AI system withheld]"
            lines.append(f"{t.speaker}: {text[:MAX_EXCERPT_CHARS]}")
        if not lines:
            return None
        eid = f"E{len(self.items) + 1}"
        self.items[eid] = Citation(interaction_id=inter.interaction_id, turn_ids=[t.turn_id or "" for t in turns])
        self._by_key[key] = eid
        header = (f"[{eid}] {inter.channel}, {short_date(as_utc(inter.started_at))}, "
                  f"interaction {inter.interaction_id}, turns {','.join(t.turn_id or '' for t in turns)}")
        body = "\n".join(lines).replace('"""', "'''")
        self.blocks.append(f'{header}\n"""\n{body}\n"""')
        return eid

    def citations(self, ids: list[str]) -> list[Citation]:
        return [self.items[i] for i in ids if i in self.items]

    def render(self) -> str:
        return "\n\n".join(self.blocks) or "(none)"


def fact_lines(ctx: CustomerContext, facts: list[Fact], evidence: EvidenceSet) -> str:
    lines = []
    for f in sorted(facts, key=lambda f: fact_time(f, ctx.now)):
        ids = []
        for c in f.citations:
            inter = ctx.by_id.get(c.interaction_id)
            if inter is not None:
                eid = evidence.add(inter, list(c.turn_ids))
                if eid:
                    ids.append(eid)
        window = ""
        if f.valid_from or f.valid_to:
            start = short_date(as_utc(f.valid_from)) if f.valid_from else "?"
            end = short_date(as_utc(f.valid_to)) if f.valid_to else "?"
            window = f", {start} to {end}"
        status = f", {f.status}" if f.status else ""
        cited = ", ".join(ids) or "none"
        lines.append(f"- {f.kind}: {f.subject or f.text} — {f.text}{status}{window} (evidence {cited})")
    return "\n".join(lines) or "(none)"


def customer_json(ctx: CustomerContext) -> str:
    c = ctx.customer
    return json.dumps({
        "name": c.name, "first_name": ctx.known_name,
        "customer_since": c.customer_since.isoformat() if c.customer_since else None,
        "products": c.products, "marketing_consent": ctx.policy.marketing,
    }, indent=1)
