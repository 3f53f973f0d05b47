"""Actions: the steps taken about a problem in a contact ("we've run a line test", "I restarted the router
twice"), so a handover can say what was tried across every contact of a case. Only what happened counts: a plan
("I'll book an engineer") is a promise, a question or a what-if is nothing, a negated step ("I haven't reset it")
was not taken."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml

from assistant.language.chasing import chases_us
from assistant.language.grammar import grammar
from assistant.language.time import fmt_day
from assistant.memory.facts.base import Conversation, Said, make_fact
from assistant.models import Fact

# A cheap gate before the parse: a first-person sentence with a past or perfect verb near its start.
_CANDIDATE = re.compile(
    r"^(?:(?:so|ok(?:ay)?|right|now|and|also|first thing|great|perfect|done|thanks|yes|yeah|well)[, ]+)*"
    r"(?:i|we)(?:'ve| have| had|'d|'m| am|'re| are|'ll| will)?"
    r"(?: (?:just|already|also|now|gone ahead and|remotely|since|then|actually|both|going to|go ahead and))*"
    r" \w+(?:ed|ent|ook|an|un|et|ut|one|ade|ew|ave|oke|ote|ound|ought|old|ept|ied|ing|er|end|ize|ise|ock|ove"
    r"|ate|ase|ange|ly|ue|est|ay)\b", re.I)
# Something done while the customer is on the line: "I'm resetting it now", "I'll authorize the rental today".
_NOW = re.compile(r"\b(?:now|right now|straight away|as we speak|while (?:you're|we're|i'm)|today|for you now)\b",
                  re.I)
_LATER = re.compile(r"\b(?:tomorrow|next|within|by (?:the )?\w+day|by the \d|in \d+|back to you|call you back|"
                    r"working days|business days|later|hours?)\b", re.I)
MAX_WORDS = 24  # longer sentences are cut at a clause break: a step, not a speech
MAX_PER_CONTACT = 6


@lru_cache(maxsize=1)
def _lemmas() -> tuple[frozenset[str], frozenset[str]]:
    data = yaml.safe_load(resources.files("assistant.language").joinpath("data/actions.yaml").read_text("utf-8"))
    return frozenset(data["not_steps"]), frozenset(data["customer_steps"])


_SECURITY = re.compile(r"\b(?:pass ?code|one-time code|verification code|security (?:code|questions?|check)|"
                       r"\w+-digit code|code (?:to|on) (?:your|the) (?:mobile|phone))\b", re.I)
# "I've added that to the notes", "I've put a note on your account", "I've put that down", "it's in my calendar":
# a record kept, not a step tried
_NOTED = re.compile(r"\b(?:to|in|on|onto|into) (?:the|your|my|our) (?:notes?|file|records?|account notes|"
                    r"calendar|diary)\b|\b(?:put|written|wrote|noted|jotted) (?:that|it|this|those) down\b|"
                    r"\b(?:a|the) note (?:on|to|in)\b|\bput (?:that|it|this) on (?:the|your) (?:complaint|case|"
                    r"ticket|file|account)\b", re.I)


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
        # the step is the verb whose subject is the speaker's "I" or "we" (not the ROOT: in "I'm resetting it now,
        # you'll get a text" the root is the customer's "get")
        subject = next((t for t in doc if t.dep_ in {"nsubj", "nsubjpass"} and t.lower_ in {"i", "we"}), None)
        if subject is None or subject.head.pos_ not in {"VERB", "AUX"}:
            continue
        root = subject.head
        if any(c.dep_ == "neg" for c in root.children) or said.text.rstrip().endswith("?"):
            continue
        verb = _main_verb(root)
        perfect = any(c.dep_ == "aux" and c.lemma_ == "have" for c in verb.children)
        done = verb.tag_ in {"VBD", "VBN"} or perfect
        going_to = verb is not root  # "I'm going to send you a replacement": done in the contact
        now = said.speaker == "agent" and (going_to or bool(_NOW.search(said.text))) and \
            not _LATER.search(said.text) and (verb.tag_ in {"VBG", "VB"} or statement.status in {"ongoing", "planned"})
        if not (done or now) or verb.lemma_.lower() in not_steps:
            continue
        root = verb
        if said.speaker == "customer" and (root.lemma_.lower() not in customer_steps or not any(
                c.dep_ in {"dobj", "prt", "xcomp"} for c in root.children)):
            continue  # "I restarted the router", "I turned it off": a step has a thing it was done to
        if _NOTED.search(said.text) or _SECURITY.search(said.text):
            continue  # a record kept, or the security check ("I've sent a code to your mobile"): no step tried
        if said.speaker == "customer" and chases_us(said.text):
            continue  # "I sent a message two weeks ago and nobody answered": a complaint about us, not a step
        # from the "I" to the end of the step's own clause: "I've blocked the card and I'm going to transfer
        # you" tried one thing (the next "I" is another step, or the handover itself); "and it came back clear" stays
        own = [c for c in root.children if c.dep_ == "conj" and any(
            g.dep_ in {"nsubj", "nsubjpass"} and g.lower_ in {"i", "we"} for g in c.children)]
        end = min((min(t.idx for t in c.subtree) for c in own), default=len(said.text))
        step = re.sub(r"[\s,;]*\b(?:and|but|so)?\s*$", "", said.text[:end])
        words = _clause(step[subject.idx:] if subject.idx < 25 else step)
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


def _main_verb(root):  # type: ignore[no-untyped-def]  # spaCy Token
    """The verb that carries the step: "send" in "I'm going to send you a replacement"."""
    if root.lemma_ == "go":
        nxt = next((c for c in root.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if nxt is not None:
            return nxt
    return root


def _clause(text: str) -> str:
    """The sentence, cut at a clause break past MAX_WORDS words."""
    words = text.split()
    if len(words) <= MAX_WORDS:
        return text.strip()
    cut = " ".join(words[:MAX_WORDS])
    m = re.search(r"^(.{20,}?)[,;:–-] ", cut)
    return (m.group(1) if m else cut).rstrip(",;: ") + "…"
