"""Grounded next best actions: service (open issues, promises due), relationship (life events), and sales only
where a fact makes it relevant. Candidates are generated here; drafter.py applies policy before and after."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from assistant.drafting import events, promises
from assistant.drafting.context import (
    CustomerContext,
    event_parts,
    fact_time,
    later_contacts,
    merge_citations,
    quote_of,
    wish_words,
    words_of,
)
from assistant.drafting.phrasing import CHANNEL_NOUNS, SAID_ON, day_month, issue_name, possessive, times, when_past
from assistant.language.time import put_off_until
from assistant.models import Fact, Suggestion, as_utc

RELATIONSHIP_HORIZON_DAYS = 180
STALE_PROMISE_DAYS = 30  # an undated promise older than this is history, not a to-do
PAST_EVENT_DAYS = 30


def _words(fact: Fact) -> str:
    return " ".join([fact.subject, fact.text, *(str(v) for v in (fact.attributes or {}).values())]).lower()


# ---- sales triggers: a fact (or two) that makes a product relevant ---------------------------------------
@dataclass(frozen=True)
class Trigger:
    topic: str
    needs: Callable[[Fact], bool]
    text: str  # what to suggest; {name} is the customer's first name
    reason: str  # why, filled with {why} (the fact's text)
    boost: Callable[[Fact], bool] | None = None  # a second fact that makes it stronger
    boost_reason: str = ""


def _has(*words: str) -> Callable[[Fact], bool]:
    # Only the customer's own life events make a product relevant: a detail, a preference or a complaint that
    # shares a word ("refinance rates for my car loan") is not news that calls for a pitch.
    pattern = re.compile(r"\b(?:" + "|".join(words) + r")", re.I)
    return lambda f: f.kind == "life_event" and bool(pattern.search(_words(f)))


_BUY_HOME = _has(r"buy(?:ing)? (?:a |an |the |our |my )?(?:first |two-bed |new )?(?:flat|house|home)",
                 r"first (?:home|house|flat)",
                 r"plan(?:s|ning)? to buy", r"sell(?:ing)? up")
_UNIVERSITY = _has("universit", r"\buni\b", "college")
_NEW_CAR = _has("new car", "car loan", r"bought a car", "buying a car", r"saving for a car")
# a baby born, never one on the way: nobody is sold a junior account for a pregnancy
_BABY = _has(r"was born", r"had a baby", "newborn")
_TRIP = _has("trip", "holiday", "travel", "flying", "abroad")
_MOVE = _has(r"mov(?:e|ing) (?:house|home|to)", "relocat", "new house", "new home", r"\bmove\b")

TRIGGERS: list[Trigger] = [
    Trigger("mortgage", _BUY_HOME, "Offer {name} a mortgage conversation with an adviser",
            "{name} plans to buy a home: {why}", _UNIVERSITY, "and a child is going to university"),
    Trigger("car insurance", _NEW_CAR, "Mention our car insurance for the new car",
            "{name} has a new car: {why}"),
    Trigger("junior savings account", _BABY, "Offer a junior savings account for the new baby",
            "New baby in the family: {why}"),
    Trigger("travel insurance", _TRIP, "Mention travel insurance for the trip", "Trip coming up: {why}"),
    Trigger("home insurance", _MOVE, "Offer a home insurance quote for the new home", "Moving home: {why}"),
]


def _brief(fact: Fact) -> str:
    return fact.text.strip().rstrip(".") or fact.subject


def _pitchable(fact: Fact, ctx: CustomerContext) -> bool:
    """May this life event lead to a product suggestion? Precision first: the customer's own news (never a
    relative's, a neighbour's or a colleague's), read with confidence, not called off, and current: ahead of
    us, or happened within PAST_EVENT_DAYS (a move in August is no reason to pitch home insurance in November)."""
    person, relation, _ = event_parts(fact, ctx.customer)
    if person or relation or (fact.attributes or {}).get("about") not in (None, "customer"):
        return False
    if not events.confident(fact, ctx) or events.called_off(fact, ctx):
        return False
    said = str((fact.attributes or {}).get("quote") or "")
    later = put_off_until(said, as_utc(fact.recorded_at or fact_time(fact, ctx.now))) if said else None
    if later is not None and ctx.now < later:
        return False  # "send me something about it in January, not before": no pitch before then
    if events.tense(fact, ctx.now) == "past":
        return events.distance_days(fact, ctx.now) <= PAST_EVENT_DAYS
    return (ctx.now - fact_time(fact, ctx.now)).days <= RELATIONSHIP_HORIZON_DAYS


def sales_candidates(ctx: CustomerContext) -> list[Suggestion]:
    out: list[Suggestion] = []
    facts = [f for f in ctx.facts if f.kind in {"life_event", "detail", "preference", "product"}]
    for trig in TRIGGERS:
        hits = [f for f in facts if trig.needs(f) and _pitchable(f, ctx)]
        if not hits:
            continue
        fact = max(hits, key=lambda f: fact_time(f, ctx.now))
        reason = trig.reason.format(name=ctx.name, why=quote_of(ctx, fact) or _brief(fact))
        cites = list(fact.citations)
        score = 0.45
        boosters = [f for f in ctx.facts if trig.boost and trig.boost(f) and f is not fact]
        if boosters:
            reason += f", {trig.boost_reason}: {quote_of(ctx, boosters[-1]) or _brief(boosters[-1])}"
            cites = merge_citations(cites, boosters[-1].citations)
            score += 0.1
        out.append(Suggestion(text=trig.text.format(name=ctx.name), reason=reason, kind="sales",
                              citations=cites, score=score, topic=trig.topic))
    for offer in ctx.of("offer"):
        if offer.status.lower() != "pending":
            continue
        when = when_past(fact_time(offer, ctx.now), ctx.now)
        attrs = offer.attributes or {}
        # A pause the call's record states is quoted as recorded; any sentence of the call would misquote it.
        if attrs.get("source") == "recorded outcome" and attrs.get("response"):
            # The words of the call that named it, then the pause as recorded: no sentence of the call is passed
            # off as the customer's hesitation.
            why = f"\u201c{quote_of(ctx, offer)}\u201d; recorded outcome: {attrs['response']}"
        elif attrs.get("response"):
            why = f"{ctx.name} wanted time to think: \u201c{quote_of(ctx, offer)}\u201d"
        else:
            why = f"no answer yet to \u201c{quote_of(ctx, offer)}\u201d"
        out.append(Suggestion(
            text=f"Follow up on the {offer.subject} {ctx.name} was thinking about", reason=f"Offered {when}; {why}",
            kind="sales", citations=list(offer.citations), score=0.55, topic=offer.subject))
    return out


# ---- service ---------------------------------------------------------------------------------------------
def service_candidates(ctx: CustomerContext) -> list[Suggestion]:
    out: list[Suggestion] = []
    for f in ctx.of("promise"):
        if not promises.is_open(ctx, f):
            continue
        due = promises.due_time(f)
        what = promises.promise_words(f, ctx.name) or f.subject
        when = promises.timing(f, ctx.now)
        unseen = bool((f.attributes or {}).get("unseen"))  # memory's call: its keeping leaves no contact
        if due and when == "past" and not unseen:
            continue  # past its date, but the customer has been back since without chasing: it may be done
        if due and when == "past":
            # A letter or an email we sent may not be a contact on record: check before apologising.
            text, score = f"Check it was sent, it was due {day_month(promises.due_day(due), ctx.now)}: {what}", 0.95
        elif due and when == "overdue":
            text, score = f"Apologise and chase it now, it was due {day_month(promises.due_day(due), ctx.now)}: " \
                          f"{what}", 1.0
        elif when == "today":
            text, score = f"Make sure it happens today: {what}", 0.95
        elif due and due - ctx.now <= timedelta(days=7):
            text, score = f"Coming up {promises.due_words(due, ctx.now)}: {what}", 0.75
        elif due or (ctx.now - fact_time(f, ctx.now)).days > STALE_PROMISE_DAYS:
            continue
        else:
            text, score = f"Check we kept our promise: {what}", 0.7
        out.append(Suggestion(text=text, reason=_said(ctx, f), kind="service", citations=list(f.citations),
                              score=score, topic=f.subject))
    latest: dict[str, Fact] = {}
    for f in sorted(ctx.of("issue"), key=lambda f: fact_time(f, ctx.now)):
        latest[f.subject.lower()] = f
    for f in latest.values():
        status = f.status.lower() or "open"
        if status not in {"open", "escalated"}:
            continue
        raised = _raised_at(ctx, f)
        if later_contacts(ctx, raised):
            # A later contact that did not raise it again may well have settled it; memory cannot tell, so the
            # draft says nothing rather than "still open".
            continue
        ref = (f.attributes or {}).get("reference")
        repeat = int((f.attributes or {}).get("repeat_contacts") or 0)
        # "Ask whether it is sorted" is true whether or not the contact settled it; "open since" may not be.
        text = f"Ask whether {_the(issue_name(f.subject))} is sorted now" + (f" ({ref})" if ref else "")
        speaker, quote, inter = words_of(ctx, f)
        first = _first_raised(ctx, f)
        where = f" ({CHANNEL_NOUNS.get(inter.channel, 'contact')})" if inter else ""
        said = f": \u201c{quote}\u201d" if quote and speaker == "customer" else ""
        if said and inter is not None and as_utc(inter.started_at).date() != first.date():
            # the words quoted are from a later contact: they carry their own date, not the first raise's
            said = f"; on {day_month(as_utc(inter.started_at), ctx.now)}{where}{said}"
            where = ""
        reason = ("Escalated" if status == "escalated" else "Raised") + f" {when_past(first, ctx.now)}{where}" + (
            f"; {ctx.name} has been in touch {times(repeat)} about it" if repeat > 1 else "") + said
        score = (0.9 if status == "escalated" else 0.8) + min(repeat, 3) * 0.02
        out.append(Suggestion(text=text, reason=reason, kind="service", citations=list(f.citations),
                              score=score, topic=f.subject))
    return out


def _raised_at(ctx: CustomerContext, fact: Fact) -> datetime:
    """When the contact a fact was read from started (its first citation), else when memory recorded it."""
    inters = [ctx.by_id[c.interaction_id] for c in fact.citations if c.interaction_id in ctx.by_id]
    return max((as_utc(i.started_at) for i in inters), default=fact_time(fact, ctx.now))


def _first_raised(ctx: CustomerContext, fact: Fact) -> datetime:
    """When the customer first raised it (memory keeps that on the latest fact): a chase is not when it was raised."""
    raised = (fact.attributes or {}).get("raised_at")
    return min(as_utc(datetime.fromisoformat(str(raised))), _raised_at(ctx, fact)) if raised else _raised_at(ctx, fact)


def _the(subject: str) -> str:
    return subject if subject.split()[:1] and subject.split()[0].lower() in {"the", "a", "an"} else f"the {subject}"


# ---- relationship ----------------------------------------------------------------------------------------
def _said(ctx: CustomerContext, fact: Fact) -> str:
    quote = quote_of(ctx, fact)
    src = _source(ctx, fact)
    return f"{src}: \u201c{quote}\u201d" if quote else src[0].upper() + src[1:]


def relationship_candidates(ctx: CustomerContext) -> list[Suggestion]:
    out: list[Suggestion] = []
    for score, f in events.candidates(ctx):
        if not events.confident(f, ctx):
            continue  # said in our words only when memory is sure (the greeting's notes quote the rest)
        person, relation, event = events.event_name(f, ctx)
        whose = possessive(person) if person else f"{possessive(ctx.name)} {relation}'s" if relation else \
            possessive(ctx.name)
        # Nobody is asked about a death, a lost job or a separation.
        verb = {"loss": "Acknowledge", "job loss": "Be mindful of", "separation": "Be mindful of"}.get(
            event, "Ask about")
        out.append(Suggestion(
            text=f"{verb} {whose} {event}: \u201c{events.phrase(f, ctx)}\u201d", reason=_said(ctx, f),
            kind="relationship", citations=list(f.citations), score=round(min(0.75, 0.35 + score / 4), 3),
            topic=f.subject or event))
    # the name asked for is already the greeting's first word: a quote of "hi tasha, call me Hal lol" adds nothing
    wishes = [f for f in ctx.of("preference") if not (f.subject == "form of address" and ctx.known_name
                                                       and (f.attributes or {}).get("name") == ctx.known_name)]
    for f in wishes[-2:]:
        # In the words given (the reason dates them): memory's paraphrase of a wish can invert it.
        _, words, _ = wish_words(ctx, f)
        if words:
            whose = f"{possessive(ctx.name)} wish"
            out.append(Suggestion(text=f"Keep to {whose}: \u201c{words}\u201d", reason=_said(ctx, f),
                                  kind="relationship", citations=list(f.citations), score=0.35, topic=f.subject))
    return out


def _source(ctx: CustomerContext, fact: Fact) -> str:
    iid = fact.citations[0].interaction_id if fact.citations else ""
    inter = ctx.by_id.get(iid)
    if inter is None:
        return "an earlier contact"
    return f"said {SAID_ON.get(inter.channel, 'in a contact')} {when_past(as_utc(inter.started_at), ctx.now)}"


def candidates(ctx: CustomerContext) -> list[Suggestion]:
    """Every candidate, before policy and ranking; drafter.py filters and ranks."""
    return service_candidates(ctx) + relationship_candidates(ctx) + sales_candidates(ctx)


def rank(suggestions: list[Suggestion], limit: int) -> list[Suggestion]:
    """Highest score first; one suggestion per topic and kind; at most `limit`."""
    seen: set[tuple[str, str]] = set()
    out: list[Suggestion] = []
    for s in sorted(suggestions, key=lambda s: (-s.score, s.kind, s.text)):
        key = (s.kind, s.topic.lower() or s.text.lower())
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
        if len(out) >= limit:
            break
    return out
