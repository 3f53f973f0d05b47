"""What threading reads from one contact: the customer's problem in their own words (and its vector), the
references, issue subjects and topic tags it names, and any escalation a system or the agent recorded."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from assistant.language import noise
from assistant.language.chasing import chased_about, chases_us
from assistant.language.matters import matter_words, opens_another_matter
from assistant.language.words import sentences, tokens
from assistant.memory.facts import lexicon as lx
from assistant.models import Fact, Interaction

PROBLEM_SENTENCES = 3  # the customer's first substantive sentences say what the contact is about
SIDE_MATTERS = 3  # at most this many other matters a customer turns to in one contact ("before I forget, ...")
MIN_WORDS = 5  # "yes that's right", "it's 14 Oak Road" are answers, not the problem
REFERENCE_KEYS = ("escalation_ref", "claim_ref", "dispute_ref", "complaint_ref", "ticket_id", "case_ref",
                  "reference", "ticket", "case", "complaint_id", "claim_number", "order_id", "incident")
# A reference as said: letters and digits together ("CMP-20417", "CL-2026-1016-5839"), never a bare number, and
# only after a word that makes it a case's ("reference", "claim", "ticket"...): a policy or account number is on
# every contact of every case.
_REF_TOKEN = re.compile(r"\b([A-Z]{2,6}(?:-[A-Z0-9]+)*-?\d{3,}(?:-[A-Z0-9]+)*)\b")
_CASE_WORD = re.compile(r"\b(?:ref(?:erence)?|case|ticket|complaint|claim|fault|order|incident|request|dispute|"
                        r"escalation|job|repair|return|rma|refund)\b[\w\s#:.-]{0,20}$", re.I)
# Openings that say who is calling, not what about: "Hey Renee, it's Marcus Delgado.", "Yes, that's right."
_OPENING = re.compile(r"^(?:hi|hello|hey|hiya|morning|good (?:morning|afternoon|evening)|yes|yeah|yep|no|ok(?:ay)?|"
                      r"thanks|thank you|sure|right|dear)\b|\b(?:it's|this is|my name is|i'm) (?-i:[A-Z][a-z]+)", re.I)
_GENERIC_TAGS = frozenset({"repeat contact", "repeat", "escalation", "escalated", "complaint", "resolved", "follow up",
                           "follow-up", "callback", "verification", "vip", "chat", "phone", "email", "voice",
                           "branch", "urgent", "vulnerable", "priority", "tier 1", "tier 2", "new", "open"})


# The customer says they have been in touch about it before: "I've called about this three times already", "I was
# just on the chat", "still not working", "again".
_FOLLOW_UP = re.compile(r"\b(?:again|still|already|(?:third|fourth|fifth|second) time|times? (?:now|already)|"
                        r"last time|before|chasing|follow(?:ing)? up|"
                        r"(?:just (?:been )?|(?:i|we) (?:was|were) )on the (?:chat|phone)|"
                        r"(?:was|were) (?:just )?(?:told|promised)|nobody (?:has )?(?:called|rang|replied|answered)|"
                        r"i (?:called|rang|emailed|wrote|chatted))\b", re.I)


@dataclass
class ContactSignals:
    interaction_id: str
    customer_id: str
    started_ts: float
    problem: str
    problem_turns: list[str]
    references: list[str]
    subjects: list[str]
    tags: list[str]
    escalated_to: str
    resolved: bool  # the system of record closed it (an issue fact read as resolved, or the recorded outcome)
    follow_up: bool = False  # the customer says this is not the first time they are in touch about it
    thread_subject: str = ""  # an e-mail's subject, without "RE:"/"FW:": a reply to a message is its thread
    said: str = ""  # the customer's first substantive sentence, as said
    said_turn: str = ""
    sentences: list[str] = field(default_factory=list)  # what is embedded: each problem sentence on its own
    vectors: list[list[float]] = field(default_factory=list)
    # other matters the customer turned to later in the contact: their words, the turn each starts at, vectors
    sides: list[str] = field(default_factory=list)
    side_turns: list[str] = field(default_factory=list)
    side_quotable: list[bool] = field(default_factory=list)
    side_vectors: list[list[float]] = field(default_factory=list)
    # where threading put those matters: [case_id, first turn] for each that went to a case of its own
    also: list[list[str]] = field(default_factory=list)

    def as_record(self) -> dict[str, object]:
        return asdict(self)

    @classmethod
    def from_record(cls, record: dict[str, object]) -> ContactSignals:
        return cls(**record)  # type: ignore[arg-type]

    def array(self) -> np.ndarray:
        """One row per problem sentence."""
        if not self.vectors:
            return np.zeros((0, 0), dtype=np.float32)
        return np.asarray(self.vectors, dtype=np.float32)

    def side(self, k: int) -> ContactSignals:
        """The contact seen as the k-th other matter it turned to: that matter's words and vector only (the
        contact's references, subjects and tags are its first matter's)."""
        said = self.sides[k] if self.side_quotable[k] else ""
        return ContactSignals(
            interaction_id=self.interaction_id, customer_id=self.customer_id, started_ts=self.started_ts,
            problem=self.sides[k], problem_turns=[self.side_turns[k]], references=[], subjects=[], tags=[],
            escalated_to="", resolved=False, said=said, said_turn=self.side_turns[k] if said else "",
            sentences=[self.sides[k]], vectors=self.side_vectors[k:k + 1])


def problem_statement(inter: Interaction, facts: Sequence[Fact]) -> tuple[list[str], list[str], list[bool]]:
    """The problem in the customer's words: their first substantive sentences (noise and short answers left out),
    after the issue memory read in the contact. For an e-mail, only the reply, not the message it quotes. The
    third list says which may be quoted as said (a sentence a redactor took words out of may not)."""
    parts: list[str] = []
    turns: list[str] = []
    quotable: list[bool] = []
    turned = False  # the customer turned to another matter: the problem, as first put, ends there
    for turn in inter.turns:
        if turned:
            break
        if turn.speaker != "customer" or noise.is_auto_reply(turn.text):
            continue  # an out-of-office is nobody's problem
        for text in sentences(noise.without_quoted_reply(turn.text)):
            if parts and opens_another_matter(text):
                turned = True
                break
            if noise.is_noise(text) or len(text.split()) < MIN_WORDS or (
                    len(text.split()) <= 9 and _OPENING.search(text)):
                continue
            if noise.gives_security_answer(text):
                continue
            if chases_us(text):  # our silence ("nobody answered my message": every chase sounds alike)...
                about = chased_about(text)
                if not about:
                    continue
                parts.append(about)  # ...but what it chases is the problem ("about a bill for £412")
                turns.append(turn.turn_id or "")
                quotable.append(False)
                break
            parts.append(noise.without_placeholders(re.sub(r"^(?:subject|re|fwd?):\s*", "", text, flags=re.I)))
            turns.append(turn.turn_id or "")
            quotable.append(noise.quotable(text))
            break
        if len(turns) >= PROBLEM_SENTENCES:
            break
    if not turns:  # we wrote or rang first and the customer said little: the agent's opening says what about
        agent = next((t for t in inter.turns if t.speaker == "agent" and len(t.text.split()) >= MIN_WORDS), None)
        if agent is not None:
            parts.append(agent.text)
            turns.append(agent.turn_id or "")
            quotable.append(False)
    return [p[:300] for p in parts], turns, quotable


def side_matters(inter: Interaction, problem: Sequence[str]) -> tuple[list[str], list[str], list[bool]]:
    """Other matters the customer turns to after the contact's problem ("Oh, before I forget, ..."): the words
    of each (with the next sentence when the marker stands alone: "And the second thing."), its turn, and
    whether it may be quoted as said."""
    said: list[tuple[str, str]] = []
    for turn in inter.turns:
        if turn.speaker == "customer" and not noise.is_auto_reply(turn.text):
            said += [(text, turn.turn_id or "") for text in sentences(noise.without_quoted_reply(turn.text))]
    out: tuple[list[str], list[str], list[bool]] = ([], [], [])
    for n, (text, turn_id) in enumerate(said):
        if not opens_another_matter(text) or noise.is_noise(text) or noise.without_placeholders(text) in problem:
            continue
        words = matter_words(text)
        # "And the second thing." / "I meant to ask about that.": the matter is in what follows
        if len(tokens(matter_words(text))) < 3 and n + 1 < len(said):
            words = f"{words} {said[n + 1][0]}"
        if len(words.split()) < MIN_WORDS or noise.gives_security_answer(words):
            continue
        out[0].append(noise.without_placeholders(words)[:300])
        out[1].append(turn_id)
        out[2].append(noise.quotable(words))
        if len(out[0]) >= SIDE_MATTERS:
            break
    return out


_SUBJECT = re.compile(r"^\s*subject:\s*([^\n]+)", re.I)
_REPLY_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|sv)\s*:\s*)+", re.I)
# A claim number said in groups of digits ("Claim 0161 448 2093"): one reference, its digits run together
_SPACED_NUMBER = re.compile(r"\b(?:ref(?:erence)?|case|ticket|complaint|claim|dispute)(?: (?:number|no\.?|ref))?"
                            r"(?: is)?[:#\s]+(\d{3,5}(?:[ -]\d{3,5}){1,3})\b", re.I)


def email_subject(inter: Interaction) -> str:
    """The subject line an e-mail opens with, lower-cased, without reply/forward prefixes; "" for none or one too
    short to tell one thread from another ("Hi", "Question")."""
    first = next((t.text for t in inter.turns if t.speaker != "system"), "")
    m = _SUBJECT.match(first)
    if not m:
        return ""
    subject = re.sub(r"[^\w£$€]+", " ", _REPLY_PREFIX.sub("", m.group(1))).strip().lower()
    return subject if len(subject.split()) >= 3 else ""


def references(inter: Interaction) -> list[str]:
    """The case references a contact carries: in its metadata, and said in it (claim, complaint, ticket ids)."""
    found = [str(v).upper() for k, v in inter.metadata.items() if k.lower() in REFERENCE_KEYS and v]
    for turn in inter.turns:
        for m in lx.REFERENCE_RE.finditer(turn.text):
            value = m.group(1)
            if any(ch.isdigit() for ch in value) and not value.isdigit():
                found.append(value.upper())
        found += [m.group(1).upper() for m in _REF_TOKEN.finditer(turn.text)
                  if _CASE_WORD.search(turn.text[max(0, m.start() - 40):m.start()])]
        found += [re.sub(r"\D", "", m.group(1)) for m in _SPACED_NUMBER.finditer(turn.text)]
        subject = _SUBJECT.match(turn.text)
        if subject:  # a reference in a subject line is the thread's, whatever word comes before it
            found += [m.group(1).upper() for m in _REF_TOKEN.finditer(subject.group(1))]
    return list(dict.fromkeys(found))


def topic_tags(inter: Interaction) -> list[str]:
    return sorted({t.lower().strip() for t in inter.tags} - _GENERIC_TAGS)


def read_signals(inter: Interaction, facts: Sequence[Fact]) -> ContactSignals:
    parts, turns, quotable = problem_statement(inter, facts)
    customer_turns = {t.turn_id for t in inter.turns if t.speaker == "customer"} & set(turns[:1])
    if quotable[:1] != [True]:
        customer_turns = set()  # "[PIN]. zip is [POSTCODE] before you ask" reads ". zip is before you ask."
    sides, side_turns, side_quotable = side_matters(inter, parts)
    issues = [f for f in facts if f.kind == "issue"]
    outcome = (inter.outcome or "").lower()
    resolved = bool(issues) and issues[-1].status == "resolved" or bool(
        re.search(r"\b(?:resolved|closed|fixed|completed)\b", outcome))
    return ContactSignals(
        interaction_id=inter.interaction_id, customer_id=inter.customer_id, started_ts=inter.started_at.timestamp(),
        problem=" ".join(parts)[:600], problem_turns=turns, sentences=parts,
        said=parts[0] if customer_turns else "", said_turn=turns[0] if customer_turns else "",
        references=references(inter),
        subjects=sorted({f.subject.lower() for f in issues if f.subject}), tags=topic_tags(inter),
        escalated_to=str(inter.metadata.get("escalated_to") or ""), resolved=resolved,
        follow_up=any(_FOLLOW_UP.search(t) for t in parts), thread_subject=email_subject(inter),
        sides=sides, side_turns=side_turns, side_quotable=side_quotable,
    )
