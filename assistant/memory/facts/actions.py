"""Actions: the steps taken about a problem in a contact ("we've run a line test", "I restarted the router
twice"), so a handover can say what was tried across every contact of a case. Only what happened counts: a plan
("I'll book an engineer") is a promise, a question or a what-if is nothing, a negated step ("I haven't reset it")
was not taken."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from assistant.language.grammar import grammar
from assistant.language.time import fmt_day
from assistant.memory.facts.base import Conversation, Said, make_fact
from assistant.models import Fact

# A cheap gate before the parse: a first-person sentence with a past or perfect verb near its start.
_CANDIDATE = re.compile(
    r"^(?:(?:so|ok(?:ay)?|right|now|and|also|i've also|yes|yeah|well)[, ]+)*(?:i|we)(?:'ve| have| had|'d)?"
    r"(?: (?:just|already|also|now|gone ahead and|remotely|since|then|actually|both))*"
    r" \w+(?:ed|ent|ook|an|un|et|ut|one|ade|ew|ave|oke|ote|ound|ought|old|ept|ied)\b", re.I)
MAX_WORDS = 24  # longer sentences are cut at a clause break: a step, not a speech
MAX_PER_CONTACT = 4


@lru_cache(maxsize=1)
def _lemmas() -> tuple[frozenset[str], frozenset[str]]:
    data = yaml.safe_load(resources.files("assistant.language").joinpath("data/actions.yaml").read_text("utf-8"))
    return frozenset(data["not_steps"]), frozenset(data["customer_steps"])


def action_candidates(conversation: Conversation) -> list[Said]:
    return [s for s in conversation.said if s.speaker in ("agent", "customer") and _CANDIDATE.search(s.text)
            and not s.text.rstrip().endswith("?")]


def actions(conversation: Conversation) -> list[Fact]:
    not_steps, customer_steps = _lemmas()
    candidates = action_candidates(conversation)
    conversation.parse_ahead(candidates)
    out: list[Fact] = []
    for said in candidates:
        doc = (conversation.grammar or grammar()).one(said.text)
        statement = conversation.statement(said)
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if root is None or root.pos_ not in {"VERB", "AUX"} or statement.about != "customer":
            continue  # "about customer" is the speaker's own first person: the agent's "we" in an agent's turn
        perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in root.children)
        if statement.negated or not (root.tag_ in {"VBD", "VBN"} or perfect) or root.lemma_.lower() in not_steps:
            continue
        if said.speaker == "customer" and root.lemma_.lower() not in customer_steps:
            continue
        words = _clause(said.text)
        by = "agent" if said.speaker == "agent" else "customer"
        channel = conversation.interaction.channel
        subject = f"{root.lemma_.lower()}@{conversation.interaction.interaction_id}/{said.turn_id}"
        who = "We" if by == "agent" else "Customer"
        out.append(make_fact(
            conversation, "action", subject, f"{who} on {fmt_day(said.at)} ({channel}): {words}", [said],
            status="done", valid_from=said.at, by=by, quote=words, verb=root.lemma_.lower(),
            confidence=statement.certainty,
        ))
        if len(out) >= MAX_PER_CONTACT:
            break
    return out


def _clause(text: str) -> str:
    """The sentence, cut at a clause break past MAX_WORDS words."""
    words = text.split()
    if len(words) <= MAX_WORDS:
        return text.strip()
    cut = " ".join(words[:MAX_WORDS])
    m = re.search(r"^(.{20,}?)[,;:–-] ", cut)
    return (m.group(1) if m else cut).rstrip(",;: ") + "…"
