"""The grounded greeting: name, notable tenure, one personal touch in the right tense, a recent contact.

Composed from facts and the customer record only; no customer text is ever quoted, so an instruction
hidden in an interaction cannot reach the greeting. Never a sales opener, never a question already answered.
"""

from __future__ import annotations

import re
from datetime import timedelta

from assistant.drafting import events
from assistant.drafting.contacts import customer_contacts
from assistant.drafting.context import CustomerContext, fact_time, interaction_citation, quote_of
from assistant.drafting.handover import related_interactions
from assistant.drafting.phrasing import (
    CHANNEL_NOUNS,
    CHANNEL_VERBS,
    day_month,
    issue_name,
    join_words,
    sentence,
    times,
    when_past,
    with_article,
    years_with_us,
)
from assistant.drafting.policy import same_topic
from assistant.language.time import reanchor
from assistant.language.words import STOPWORDS, stem, words
from assistant.models import Citation, DraftSentence, Interaction, as_utc

NOTABLE_TENURE_YEARS = 5


def compose_greeting(ctx: CustomerContext) -> tuple[list[DraftSentence], dict[str, object]]:
    """Sentences in speaking order, and the structured sections (incl. what not to ask)."""
    sentences: list[DraftSentence] = []
    sections: dict[str, object] = {}
    salutation = f"Hello {ctx.known_name}" if ctx.known_name else "Hello"
    years = years_with_us(ctx.customer.customer_since, ctx.now)
    if years >= NOTABLE_TENURE_YEARS and ctx.customer.customer_since:
        salutation += f", and thank you for being with us since {ctx.customer.customer_since.year}"
        sections["tenure"] = f"customer since {ctx.customer.customer_since.year} ({years} years)"
    # From the customer record, not an interaction: verified against the record, nothing to cite; a name the
    # customer gave in a contact cites the turn they gave it in.
    given = ctx.name_facts
    sentences.append(DraftSentence(text=sentence(salutation), grounded=True,
                                   citations=[c for f in given for c in f.citations]))
    sections["salutation"] = sentences[0].text
    personal = personal_touch(ctx)
    if personal:
        sentences.append(personal)
        sections["personal"] = personal.text
    unsure = unsure_notes(ctx, personal)
    if unsure:
        sections["unsure"] = unsure
    contact = recent_contact(ctx)
    if contact:
        sentences.append(contact)
        sections["recent_contact"] = contact.text
    sections["do_not_ask"] = do_not_ask(ctx)
    return sentences, sections


# ---- personal context ---------------------------------------------------------------------------------
def personal_touch(ctx: CustomerContext) -> DraftSentence | None:
    """The one most relevant personal thing, said in our words only when memory is sure of it."""
    ranked = events.candidates(ctx)
    if not ranked:
        return None
    fact = ranked[0][1]
    if not events.confident(fact, ctx):
        return None  # unsure: the agent sees the customer's own words beside the greeting (unsure_notes)
    return DraftSentence(text=events.phrase(fact, ctx), citations=list(fact.citations))


def unsure_notes(ctx: CustomerContext, spoken: DraftSentence | None) -> list[str]:
    """What memory is not sure enough of to say, as the customer's own dated words (never read aloud as ours):
    "On 2 Mar, by phone: 'the baby's due on the 28th'"."""
    said = {c.key() for c in (spoken.citations if spoken else [])}
    notes = []
    for _, fact in events.candidates(ctx)[:3]:
        if {c.key() for c in fact.citations} & said:
            continue
        quote = quote_of(ctx, fact)
        if not quote:
            continue
        when = as_utc(fact.recorded_at or fact.valid_from or ctx.now)
        inter = ctx.by_id.get(fact.citations[0].interaction_id) if fact.citations else None
        channel = CHANNEL_NOUNS.get(inter.channel, inter.channel) if inter else "contact"
        notes.append(f"On {day_month(when, ctx.now)}, by {channel}: \u201c{reanchor(quote, when, ctx.now)}\u201d")
    for _, phrase, cite in events.tag_touches(ctx)[:1]:  # a source system's tag: a hint, not a fact
        inter = ctx.by_id.get(cite.interaction_id)
        if inter is not None:
            notes.append(f"Tagged on {day_month(as_utc(inter.started_at), ctx.now)}: {phrase}")
    return notes


# ---- recent contacts --------------------------------------------------------------------------------------
_GENERIC_TAGS = {"repeat contact", "escalation", "complaint", "branch visit", "preference", "resolved", "social",
                 "family", "offer", "purchase", "confirmation", "app", "abroad", "verification", "documents",
                 "chaser", "outbound call", "feedback", "offer declined", "information given", "final response"}
_PRODUCT_WORDS = ("card", "account", "claim", "mortgage", "insurance", "loan", "payment", "dispute", "refund",
                  "transfer", "policy", "savings", "overdraft", "standing order", "direct debit", "complaint")


def contact_topic(ctx: CustomerContext, inter: Interaction) -> tuple[str, list[Citation]]:
    """What a contact was about, in a few words: its issue when memory found one, else its tags."""
    # a declined offer is never what we say a contact was about: that would be a sales nudge
    declined = [f.subject for f in ctx.facts_from(inter.interaction_id, "offer") if f.status.lower() == "declined"]
    tags = [t for t in inter.tags if t.lower() not in _GENERIC_TAGS
            and not any(same_topic(t, d) for d in [*declined, *ctx.policy.cooldown])]
    for f in ctx.facts_from(inter.interaction_id, "issue"):
        subject = f.subject.lower()
        if subject and any(w in subject for w in _PRODUCT_WORDS) and (not tags or subject in " ".join(tags).lower()):
            short = re.sub(r"\s*\((?:ref|reference)[^)]*\)", "", f.text).strip()
            short = re.sub(r"^(?:problem|issue|trouble) with (?:the |your |my )?", "", short, flags=re.I)
            topic = issue_name(short if subject in short.lower() and len(short.split()) <= 5 else f.subject,
                               spoken=True)
            cites = [c for c in f.citations if c.interaction_id == inter.interaction_id]
            return topic[0].lower() + topic[1:], cites
    # A tag is the CRM's word: said to the customer only when it is theirs too ("minor account" for "a savings
    # account for a baby" would tell them they hold one).
    theirs = {stem(w) for t in inter.turns if t.speaker == "customer" for w in words(t.text)}
    tags = [t for t in tags if all(stem(w) in theirs for w in words(t) if w not in STOPWORDS)]
    if not tags:
        return "", []
    product = next((t for t in tags if any(w in t.lower() for w in _PRODUCT_WORDS)), tags[0])
    if "claim" in (t.lower() for t in tags) and "claim" not in product.lower():
        product = f"{product} claim"
    return product.lower(), []


def recent_contact(ctx: CustomerContext) -> DraftSentence | None:
    recent = ctx.recent(ctx.settings.recent_contact_days)
    if not recent:
        return None
    last = recent[-1]
    topic, cites = contact_topic(ctx, last)
    about = f" about {with_article(topic)}" if topic else ""
    since = as_utc(last.started_at) - timedelta(days=ctx.settings.recent_contact_days)
    story = customer_contacts([i for i in related_interactions(ctx, last) if as_utc(i.started_at) >= since] + [last])
    when = when_past(as_utc(last.started_at), ctx.now)
    when = "earlier today" if when == "today" else when
    verb = CHANNEL_VERBS.get(last.channel, "were in touch")
    if len(story) >= 2:
        channels = [CHANNEL_NOUNS.get(i.channel, i.channel) for i in story]
        how = f"most recently when you {verb} {when}"
        text = f"I can see you've been in touch {times(len(story))}{about}"
        if len(set(channels)) > 1:
            text += f" (by {join_words(list(dict.fromkeys(channels)))})"
        text += f", {how}"
        if _unresolved(ctx, story):
            text += ", and I'm sorry it has taken more than one conversation"
        cites = cites + [interaction_citation(i) for i in story[-3:]]
    else:
        text = f"I can see you {verb} {when}{about}"
        cites = cites or [interaction_citation(last)]
    # Built from the contacts' own records (date, channel, tags, count): grounded by construction.
    return DraftSentence(text=sentence(text), citations=cites, grounded=True)


def _unresolved(ctx: CustomerContext, story: list[Interaction]) -> bool:
    ids = {i.interaction_id for i in story}
    issues = [f for f in ctx.of("issue") if any(c.interaction_id in ids for c in f.citations)]
    if issues:
        latest = max(issues, key=lambda f: fact_time(f, ctx.now))
        return latest.status.lower() in {"open", "escalated", ""}
    return (story[-1].outcome or "").lower() in {"unresolved", "escalated", "open", "pending"}


def do_not_ask(ctx: CustomerContext) -> list[str]:
    """What the agent should not raise or ask for again (shown beside the greeting, never in it)."""
    out = [f"{topic} ({why})" for topic, why in ctx.policy.cooldown.items()]
    recent = ctx.now - timedelta(days=max(ctx.settings.recent_contact_days, 1))
    for fact in ctx.of("verification"):
        when = fact_time(fact, ctx.now)
        if when >= recent:
            status = fact.status or "provided"
            out.append(f"{fact.subject or 'identity'} (already {status} on {day_month(when, ctx.now)})")
    if not ctx.policy.marketing:
        out.append(f"any product or offer ({ctx.policy.marketing_reason})")
    return out
