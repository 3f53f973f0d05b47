"""Facts read by a language model, next to the rules: the model finds what no rule was written for, and every fact
it gives must cite lines of the contact that exist, come from the right speaker and share words with what it says.
A model that fails (down, slow, invalid JSON) adds nothing; the rules' facts stand either way."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from assistant.language.words import tokens
from assistant.llm.chat import LLMFailure, invoke_structured
from assistant.llm.prompts import PromptTemplate
from assistant.llm.schemas import ExtractedFact, FactsOutput
from assistant.memory.facts.base import Conversation, Said, make_fact
from assistant.models import Fact

_SPEAKERS = {"life_event": {"customer"}, "preference": {"customer"}, "issue": {"customer", "system"},
             "offer": {"customer"}, "promise": {"agent", "system"}}
_STATUSES = {"life_event": ("past", "upcoming"), "preference": ("stated",), "issue": ("open", "resolved", "escalated"),
             "offer": ("pending", "accepted", "declined"), "promise": ("due",)}
MAX_LINE_CHARS = 400  # a long email turn is cut, not dropped: its opening says what it is about
CONFIDENCE = 0.6  # below the rules' 1.0: where both speak about one subject, the rule's fact is kept


class LLMFactReader:
    def __init__(self, llm: Any, prompt: PromptTemplate, timeout_s: float, offer_cooldown_days: int) -> None:
        self.llm, self.prompt, self.timeout_s = llm, prompt, timeout_s
        self.offer_cooldown_days = offer_cooldown_days

    def read(self, conversation: Conversation) -> list[Fact]:
        interaction = conversation.interaction
        lines = [f"[{t.turn_id}] {t.speaker}: {' '.join(t.text.split())[:MAX_LINE_CHARS]}" for t in interaction.turns]
        rendered = self.prompt.render(channel=interaction.channel, date=interaction.started_at.date().isoformat(),
                                      transcript="\n".join(lines))
        try:
            output = cast(FactsOutput, invoke_structured(self.llm, rendered.system, rendered.user, FactsOutput,
                                                         self.timeout_s))
        except LLMFailure:
            return []
        facts = []
        for item in output.facts:
            sources = _sources(item, conversation)
            if sources:
                facts.append(self._fact(item, sources, conversation))
        return facts

    def _fact(self, item: ExtractedFact, sources: list[Said], conversation: Conversation) -> Fact:
        status = item.status.lower() if item.status.lower() in _STATUSES[item.kind] else _STATUSES[item.kind][0]
        at = sources[0].at
        valid_to = at + timedelta(days=self.offer_cooldown_days) if (item.kind, status) == ("offer", "declined") \
            else None
        extra: dict[str, Any] = {"product": item.subject} if item.kind == "offer" else {}
        if item.kind == "promise":
            extra.update(due=None, due_assumed=True, action="follow up", by="agent")
        if (item.kind, status) == ("life_event", "past"):  # told after it happened: nobody asks "how did it go?"
            extra["outcome"] = item.text.strip()
        return make_fact(conversation, item.kind, item.subject.strip(), item.text.strip(), sources, status=status,
                         valid_from=None if status == "upcoming" else at, valid_to=valid_to, confidence=CONFIDENCE,
                         source="llm", quote=sources[0].text, prompt=f"{self.prompt.name}@{self.prompt.version}",
                         **extra)


def _sources(item: ExtractedFact, conversation: Conversation) -> list[Said]:
    """The first sentence of each cited line that exists and is the right speaker's, if the fact shares a content
    word with those lines; else nothing (a fact no line states is not kept)."""
    first: dict[str, Said] = {}
    for said in conversation.said:
        first.setdefault(said.turn_id, said)
    cited = [first[t] for t in dict.fromkeys(item.turn_ids) if t in first]
    if not any(s.speaker in _SPEAKERS[item.kind] for s in cited):
        return []
    said_words = {w for s in conversation.said if s.turn_id in {c.turn_id for c in cited} for w in tokens(s.text)}
    if not set(tokens(f"{item.subject} {item.text}")) & said_words:
        return []
    return cited


def merge(rule_facts: list[Fact], model_facts: list[Fact]) -> list[Fact]:
    """The model's facts that add something: a kind and line, or a kind and subject, no rule fact already has."""
    seen_lines = {(f.kind, t) for f in rule_facts for c in f.citations for t in c.turn_ids}
    seen_subjects = {(f.kind, f.subject.lower()) for f in rule_facts}
    added = [f for f in model_facts if (f.kind, f.subject.lower()) not in seen_subjects
             and not any((f.kind, t) in seen_lines for c in f.citations for t in c.turn_ids)]
    return [*rule_facts, *added]
