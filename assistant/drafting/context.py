"""Everything a draft needs about one customer at one time, read once per draft through the store and memory."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from assistant.drafting.guardrails import fact_is_clean
from assistant.drafting.phrasing import CHANNEL_NOUNS, when_past
from assistant.drafting.policy import Policy, build_policy
from assistant.language import noise
from assistant.models import Citation, Customer, Fact, Interaction, as_utc
from assistant.settings import Settings


@dataclass
class CustomerContext:
    customer: Customer
    now: datetime
    interactions: list[Interaction]  # known at `now`, oldest first
    facts: list[Fact]  # current at `now`, instruction-like facts removed
    policy: Policy
    settings: Settings
    ignored_facts: int = 0
    by_id: dict[str, Interaction] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {i.interaction_id: i for i in self.interactions}

    @property
    def name_facts(self) -> list[Fact]:
        """The facts the name rests on: the form of address the customer asked for ("call me Hal", "it's Mrs
        Okonjo, please"), else, with no name on record, the name they gave in a contact."""
        asked = [f for f in self.of("preference") if f.subject == "form of address" and f.attributes.get("name")]
        if asked:
            return asked[-1:]
        given = [f for f in self.of("detail") if f.subject == "name" and f.attributes.get("name")][-1:]
        first = self.customer.first_name
        if first and given and str(given[0].attributes["name"]).lower() != first.lower() and \
                first.lower().startswith(str(given[0].attributes["name"]).lower()[:2]):
            return given  # "it's Mari Vega" from Marisol, "this is Rafi" from Rafael: the short form they go by
        return [] if first else given

    @property
    def known_name(self) -> str | None:
        """The name an agent may use: the one the customer asked to be called, the record's, else the one they
        gave in a contact; never an id."""
        given = self.name_facts
        if given:
            return str(given[0].attributes["name"])
        refused = {str(f.attributes["not_name"]).lower() for f in self.of("preference")
                   if f.subject == "form of address" and f.attributes.get("not_name")}
        first = self.customer.first_name
        return None if first and first.lower() in refused else first

    @property
    def name(self) -> str:
        """How drafts refer to the customer: their name, or "the customer" when none is known."""
        return self.known_name or "the customer"

    def of(self, *kinds: str) -> list[Fact]:
        return [f for f in self.facts if f.kind in kinds]

    def facts_from(self, interaction_id: str, *kinds: str) -> list[Fact]:
        return [f for f in self.facts if (not kinds or f.kind in kinds)
                and any(c.interaction_id == interaction_id for c in f.citations)]

    def latest_interaction(self) -> Interaction | None:
        return self.interactions[-1] if self.interactions else None

    def recent(self, days: int) -> list[Interaction]:
        since = self.now - timedelta(days=days)
        return [i for i in self.interactions if as_utc(i.started_at) >= since]


def fact_time(fact: Fact, default: datetime) -> datetime:
    return as_utc(fact.recorded_at or fact.valid_from or default)


def load_context(store: Any, memory: Any, settings: Settings, customer_id: str, now: datetime) -> CustomerContext:
    customer = store.customer(customer_id)  # raises UnknownCustomer
    interactions = [i for i in store.interactions(customer_id, until=now) if i.customer_id == customer_id]
    raw = memory.facts(customer_id, now=now) if memory is not None else store.facts(customer_id)
    current = [
        f for f in raw
        if (not f.customer_id or f.customer_id == customer_id)
        and (f.superseded_at is None or as_utc(f.superseded_at) > now)
        and (f.recorded_at is None or as_utc(f.recorded_at) <= now)
    ]
    clean = [f for f in current if fact_is_clean(f)]
    return CustomerContext(
        customer=customer, now=now, interactions=interactions, facts=clean,
        policy=build_policy(customer, current, now, settings), settings=settings,
        ignored_facts=len(current) - len(clean),
    )


_REF_KEYS = ("escalation_ref", "claim_ref", "dispute_ref", "complaint_ref", "ticket_id", "policy_number", "reference")
_GENERIC_TAGS = {"repeat contact", "escalation", "complaint", "branch visit", "preference", "resolved", "social",
                 "family", "offer", "purchase", "confirmation", "app", "abroad", "verification", "documents"}


def references(inter: Interaction) -> dict[str, str]:
    """A contact's case references (escalation, claim, dispute, complaint, ticket, policy)."""
    return {k: str(v) for k, v in inter.metadata.items() if k in _REF_KEYS and v}


def topic_tags(inter: Interaction) -> set[str]:
    """A contact's tags that name a topic ("debit card"), not a kind of contact ("repeat contact")."""
    return {t.lower() for t in inter.tags} - _GENERIC_TAGS


def same_matter(a: Interaction, b: Interaction) -> bool:
    """Two contacts about the same thing: a shared reference or a shared topic tag."""
    return bool(set(references(a).values()) & set(references(b).values()) or topic_tags(a) & topic_tags(b))


def interaction_citation(inter: Interaction, speaker: str | None = "customer", limit: int = 3) -> Citation:
    """Cite a contact by its first few turns of one speaker (the customer's own words by default)."""
    turns = [t for t in inter.turns if speaker is None or t.speaker == speaker] or inter.turns
    return Citation(interaction_id=inter.interaction_id, turn_ids=[t.turn_id or "" for t in turns[:limit]])


def merge_citations(*groups: list[Citation]) -> list[Citation]:
    seen: dict[str, list[str]] = {}
    for group in groups:
        for c in group:
            ids = seen.setdefault(c.interaction_id, [])
            ids.extend(t for t in c.turn_ids if t not in ids)
    return [Citation(interaction_id=k, turn_ids=v) for k, v in seen.items()]


_POSSESSIVE_SUBJECT = re.compile(r"^(?P<person>[A-Z][\w-]+)['’]s? (?P<event>.+)$")


def event_parts(fact: Fact, customer: Customer) -> tuple[str | None, str | None, str]:
    """(person, relation, event) of a life-event fact; person None when the event is the customer's own."""
    attrs = fact.attributes or {}
    person = str(attrs.get("person") or "").strip() or None
    relation = str(attrs.get("relation") or "").strip() or None
    event = str(attrs.get("event") or "").strip()
    subject = (fact.subject or fact.text).strip()
    m = _POSSESSIVE_SUBJECT.match(subject)
    if m and not person:
        person = m.group("person")
    if not event:
        event = m.group("event") if m else subject
    if person and (person.lower() in {"self", "customer", "me", "you"} or person == customer.first_name
                   or person == customer.name):
        person = None
    if relation and relation.lower() in {"self", "customer"}:
        relation = None
    return person, relation, event.strip()


def quote_of(ctx: CustomerContext, fact: Fact, max_words: int = 22) -> str:
    """The customer's (or agent's) own words behind a fact, short, for a reason or a handover line.

    Instruction-like text is never quoted (it is data, and repeating it would be following it).
    """
    from assistant.drafting.guardrails import looks_like_injection

    attrs = fact.attributes or {}
    candidates = [str(attrs.get("quote") or ""), str(attrs.get("value") or "")]
    for c in fact.citations:
        inter = ctx.by_id.get(c.interaction_id)
        if inter is None:
            continue
        wanted = set(c.turn_ids)
        turns = [t for t in inter.turns if not wanted or t.turn_id in wanted]
        turns.sort(key=lambda t: t.speaker != "customer")
        candidates += [t.text for t in turns]
    for text in candidates:
        for part in re.split(r"(?<=[.!?])\s+|\n+", text):
            part = part.strip()
            if len(part.split()) >= 4 and not looks_like_injection(part) and not part.lower().startswith("subject:") \
                    and not noise.is_noise(part):
                words = part.split()
                return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")
    return ""


def words_of(ctx: CustomerContext, fact: Fact, max_words: int = 22) -> tuple[str, str, Interaction | None]:
    """(speaker, words, contact): the sentence a fact rests on, and who said it. The reader keeps that sentence
    (`quote`, or `value` for a stated wish); failing that, the customer's own words in a cited turn, else the
    agent's. What memory paraphrased may be wrong; what was said, quoted with its date, is not."""
    attrs = fact.attributes or {}
    cited = [(t, inter) for c in fact.citations if (inter := ctx.by_id.get(c.interaction_id)) is not None
             for t in inter.turns if not c.turn_ids or t.turn_id in c.turn_ids]
    kept = [str(attrs.get(k) or "").strip() for k in ("quote", "value")]
    found = [(t.speaker, text, inter) for text in kept if text for t, inter in cited if text in t.text]
    found += [(t.speaker, part, inter) for speaker in ("customer", "agent") for t, inter in cited
              if t.speaker == speaker for part in re.split(r"(?<=[.!?])\s+|\n+", noise.without_quoted_reply(t.text))]
    for speaker, text, inter in found:
        text = text.strip()
        if len(text.split()) >= 3 and noise.quotable(text) and not text.lower().startswith("subject:"):
            words = text.split()
            return speaker, " ".join(words[:max_words]) + ("…" if len(words) > max_words else ""), inter
    return "", "", None


def wish_words(ctx: CustomerContext, fact: Fact) -> tuple[str, str, Interaction | None]:
    """words_of a preference, when they can stand as a wish to keep: the customer's own, not a question ("did that
    go anywhere?") and not a security answer; ("", "", None) otherwise."""
    speaker, words, inter = words_of(ctx, fact)
    if speaker != "customer" or words.rstrip("…").rstrip().endswith("?") or noise.gives_security_answer(words):
        return "", "", None
    return speaker, words, inter


def later_contacts(ctx: CustomerContext, after: datetime) -> list[Interaction]:
    """Contacts that started after a time (at `now`): a later contact may have settled what memory saw as open."""
    return [i for i in ctx.interactions if as_utc(i.started_at) > after]


def remembered(ctx: CustomerContext, fact: Fact) -> str:
    """A preference in the words it was given ("what Bronwen asked on 24 March (phone): “not before ten if you can
    help it”"): memory's paraphrase of a wish can invert it ("No phone" for "no calls before 10am"), the words
    cannot. Empty when no quotable words are cited."""
    speaker, words, inter = words_of(ctx, fact)
    if not words or inter is None:
        return ""
    when = f"{when_past(as_utc(inter.started_at), ctx.now)} ({CHANNEL_NOUNS.get(inter.channel, 'contact')})"
    who = f"what {ctx.name} said" if speaker == "customer" else "what we noted"
    return f"{who} {when}: \u201c{words}\u201d"
