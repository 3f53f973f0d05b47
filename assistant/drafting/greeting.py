"""The grounded greeting: name, notable tenure, one personal touch in the right tense, a recent contact.

Composed from facts and the customer record only; no customer text is ever quoted, so an instruction
hidden in an interaction cannot reach the greeting. Never a sales opener, never a question already answered.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from assistant.drafting.context import CustomerContext, event_parts, fact_time, interaction_citation
from assistant.drafting.phrasing import (
    CHANNEL_VERBS,
    day_month,
    possessive,
    pronoun_for,
    sentence,
    times,
    when_future,
    when_past,
    with_article,
    years_with_us,
)
from assistant.models import Citation, DraftSentence, Fact, Interaction, as_utc

NOTABLE_TENURE_YEARS = 5
PERSONAL_HORIZON_DAYS = 45  # events further than this from now (either side) are not greeting material

# event keyword -> (future template, past template, ongoing template); {who} is "Amy" or "you",
# {whose} "Amy's" or "your", {pron} "her"/"his"/"their"/"your", {event} the event, {when} "next week".
_EVENT_PHRASES: list[tuple[tuple[str, ...], str, str, str]] = [
    (("exam", "test", "interview", "audition", "gcse", "a-level", "finals", "dissertation"),
     "Good luck to {who} with {pron} {event} {when}", "How did {whose} {event} go?",
     "I hope {whose} {event} are going well"),
    (("university", "college", "uni"),
     "Good luck to {who} with {event} {when}", "How is {who} getting on at university?",
     "I hope {who} is settling in at university"),
    (("graduation",), "Congratulations in advance on {whose} graduation {when}", "How was {whose} graduation?",
     "Congratulations on {whose} graduation"),
    (("trip", "holiday", "travel", "honeymoon", "vacation"),
     "I hope {who_subject} {have} a wonderful {event} {when}", "How was {whose} {event}?",
     "I hope {whose} {event} is going well"),
    (("wedding", "married", "engaged"),
     "Congratulations on the wedding coming up {when}", "How was the wedding?", "Congratulations on the wedding"),
    (("baby", "birth", "pregnan"),
     "I hope all goes smoothly with the new baby {when}", "Congratulations on the new baby!",
     "Congratulations on the new baby"),
    (("move", "moving", "relocat", "new home", "new house", "new flat"),
     "Good luck with the {event} {when}", "How are you settling in after the {event}?",
     "I hope the {event} is going smoothly"),
    (("job", "role", "promotion", "career", "retire"),
     "Good luck with the {event} {when}", "How is the {event} going?", "I hope the {event} is going well"),
    (("car", "van", "motorbike"),
     "Enjoy the {event} when it arrives {when}", "How are you getting on with the {event}?", "Enjoy the {event}"),
    (("passed away", "bereave", "funeral", "loss"),
     "I'm thinking of you ahead of the funeral {when}", "I was so sorry to hear about your loss",
     "I was so sorry to hear about your loss"),
    (("hospital", "surgery", "operation", "treatment", "health", "injur", "recover"),
     "I hope everything goes well at the hospital {when}", "I hope {who_subject} {be} recovering well",
     "I hope {who_subject} {be} doing all right"),
    (("birthday", "anniversary"),
     "Happy early {event} to {who}", "I hope {who_subject} had a lovely {event}", "Happy {event} to {who}"),
]
_GENERIC = ("I hope {whose} {event} goes well {when}", "How did {whose} {event} go?", "I hope {whose} {event} goes well")


def compose_greeting(ctx: CustomerContext) -> tuple[list[DraftSentence], dict[str, object]]:
    """Sentences in speaking order, and the structured sections (incl. what not to ask)."""
    sentences: list[DraftSentence] = []
    sections: dict[str, object] = {}
    salutation = f"Hello {ctx.name}"
    years = years_with_us(ctx.customer.customer_since, ctx.now)
    if years >= NOTABLE_TENURE_YEARS and ctx.customer.customer_since:
        salutation += f", and thank you for being with us since {ctx.customer.customer_since.year}"
        sections["tenure"] = f"customer since {ctx.customer.customer_since.year} ({years} years)"
    # From the customer record, not an interaction: verified against the record, nothing to cite.
    sentences.append(DraftSentence(text=sentence(salutation), grounded=True))
    sections["salutation"] = sentences[0].text
    personal = personal_touch(ctx)
    if personal:
        sentences.append(personal)
        sections["personal"] = personal.text
    contact = recent_contact(ctx)
    if contact:
        sentences.append(contact)
        sections["recent_contact"] = contact.text
    sections["do_not_ask"] = do_not_ask(ctx)
    return sentences, sections


# ---- personal context ---------------------------------------------------------------------------------
def _event_window(fact: Fact, now: datetime) -> tuple[datetime | None, datetime | None]:
    start = as_utc(fact.valid_from) if fact.valid_from else None
    end = as_utc(fact.valid_to) if fact.valid_to else start
    return start, end


def event_tense(fact: Fact, now: datetime) -> str:
    """upcoming | ongoing | past, from the event's dates against now (the stored status is as of recording)."""
    start, end = _event_window(fact, now)
    if start and start > now:
        return "upcoming"
    if end and end < now:
        return "past"
    if start or end:
        return "ongoing"
    status = (fact.status or "").lower()
    return status if status in {"upcoming", "ongoing", "past"} else "ongoing"


def _distance_days(fact: Fact, now: datetime) -> float:
    start, end = _event_window(fact, now)
    if start and start > now:
        return (start - now).total_seconds() / 86400
    if end and end < now:
        return (now - end).total_seconds() / 86400
    return 0.0 if (start or end) else (now - fact_time(fact, now)).total_seconds() / 86400


def _outcome_known(fact: Fact, ctx: CustomerContext) -> bool:
    """We already heard how it went: the fact was recorded after the event ended, or a later contact says so."""
    _, end = _event_window(fact, ctx.now)
    if end is None:
        return False
    learned = fact.recorded_at and as_utc(fact.recorded_at) > end + timedelta(hours=12)
    return bool(learned or (fact.attributes or {}).get("outcome"))


def personal_candidates(ctx: CustomerContext) -> list[tuple[float, Fact, str]]:
    out = []
    for fact in ctx.of("life_event"):
        tense = event_tense(fact, ctx.now)
        distance = _distance_days(fact, ctx.now)
        if distance > PERSONAL_HORIZON_DAYS:
            continue
        if tense == "past" and _outcome_known(fact, ctx):
            continue  # never re-ask something the customer already told us
        recorded_age = (ctx.now - fact_time(fact, ctx.now)).days
        score = 1.0 / (1.0 + distance / 7) + 0.5 / (1.0 + recorded_age / 30) + 0.2 * fact.confidence
        out.append((score, fact, tense))
    out.sort(key=lambda x: -x[0])
    return out


def event_phrase(fact: Fact, ctx: CustomerContext, tense: str) -> str:
    person, relation, event = event_parts(fact, ctx.customer)
    lowered = f"{event} {fact.subject} {fact.text}".lower()
    templates = next((t[1:] for t in _EVENT_PHRASES if any(k in lowered for k in t[0])), _GENERIC)
    future, past, ongoing = templates
    template = {"upcoming": future, "past": past}.get(tense, ongoing)
    start, _ = _event_window(fact, ctx.now)
    when = when_future(start, ctx.now) if start and tense == "upcoming" else ""
    event_words = event.removeprefix("the ").removeprefix("your ").removeprefix("my ")
    if person:
        values = {"who": person, "whose": possessive(person), "pron": pronoun_for(relation),
                  "who_subject": person, "have": "has", "be": "is"}
    else:
        values = {"who": "you", "whose": "your", "pron": "your", "who_subject": "you", "have": "have", "be": "are"}
    text = template.format(event=event_words, when=when, **values)
    return sentence(text.replace(" .", ".").replace("  ", " ").strip())


def personal_touch(ctx: CustomerContext) -> DraftSentence | None:
    ranked = personal_candidates(ctx)
    if not ranked:
        return None
    _, fact, tense = ranked[0]
    return DraftSentence(text=event_phrase(fact, ctx, tense), citations=list(fact.citations))


# ---- recent contacts --------------------------------------------------------------------------------------
def contact_topic(ctx: CustomerContext, inter: Interaction) -> tuple[str, list[Citation]]:
    """What a contact was about, from the facts it produced (issue first), else its tags."""
    for kinds in (("issue",), ("promise",), ("product", "offer", "detail")):
        found = ctx.facts_from(inter.interaction_id, *kinds)
        if found:
            best = max(found, key=lambda f: f.confidence)
            if best.kind == "offer" and best.status.lower() == "declined":
                continue  # "you chatted with us about a mortgage" after she said no reads like a sales nudge
            cites = [c for c in best.citations if c.interaction_id == inter.interaction_id]
            return best.subject or best.text, cites
    for tag in inter.tags:
        if tag and not tag.startswith(("demo", "story", "sales")):
            return tag.replace("_", " ").replace("-", " "), []
    return "", []


def recent_contact(ctx: CustomerContext) -> DraftSentence | None:
    recent = ctx.recent(ctx.settings.recent_contact_days)
    if not recent:
        return None
    last = recent[-1]
    topic, cites = contact_topic(ctx, last)
    about = f" about {with_article(topic)}" if topic else ""
    same = [i for i in recent if topic and contact_topic(ctx, i)[0] == topic]
    when = when_past(as_utc(last.started_at), ctx.now)
    verb = CHANNEL_VERBS.get(last.channel, "were in touch")
    if len(same) >= 2:
        channels = {i.channel for i in same}
        how = f"most recently when you {verb} {when}" if len(channels) > 1 else f"most recently {when}"
        text = f"I can see you've been in touch {times(len(same))}{about} lately, {how}"
        cites = cites or [interaction_citation(i) for i in same[-3:]]
    else:
        text = f"I can see you {verb} {when}{about}"
        cites = cites or [interaction_citation(last)]
    return DraftSentence(text=sentence(text), citations=cites)


def do_not_ask(ctx: CustomerContext) -> list[str]:
    """What the agent should not raise or ask for again (shown beside the greeting, never in it)."""
    out = [f"{topic} ({why})" for topic, why in ctx.policy.cooldown.items()]
    recent = ctx.now - timedelta(days=max(ctx.settings.recent_contact_days, 1))
    for fact in ctx.of("verification"):
        when = fact_time(fact, ctx.now)
        if when >= recent:
            out.append(f"{fact.subject or 'identity'} (already {fact.status or 'provided'} on {day_month(when, ctx.now)})")
    if not ctx.policy.marketing:
        out.append(f"any product or offer ({ctx.policy.marketing_reason})")
    return out
