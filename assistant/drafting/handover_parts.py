"""The handover's sections about the customer rather than the contact: who they are (from the customer record),
what they already gave us, how they feel, and what we promised them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from assistant.drafting.contacts import customer_contacts
from assistant.drafting.context import (
    CustomerContext,
    fact_time,
    interaction_citation,
    merge_citations,
    quote_of,
    remembered,
    wish_words,
)
from assistant.drafting.phrasing import CHANNEL_NOUNS, day_month, join_words, sentence, times, when_past, years_with_us
from assistant.drafting.promises import due_day, due_time, is_open, timing
from assistant.language.words import a_noun
from assistant.models import Citation, DraftSentence, Fact, Interaction, as_utc

Lines = list[DraftSentence]
RECENT_PROMISE_DAYS = 30  # a promise from another contact is a next step when due today or overdue, this recent


def story_facts(ctx: CustomerContext, story: list[Interaction], *kinds: str) -> list[Fact]:
    ids = {i.interaction_id for i in story}
    return [f for f in ctx.of(*kinds) if any(c.interaction_id in ids for c in f.citations)]


def plain(text: str) -> str:
    return text.strip().rstrip(".")


def the(topic: str) -> str:
    topic = topic.strip()
    return topic if topic.split()[0].lower() in {"the", "a", "an", "their", "his", "her"} else f"the {topic}"


# ---- who -------------------------------------------------------------------------------------------------
def profile(ctx: CustomerContext) -> Lines:
    """Name, tenure and products come from the customer record, not from a contact, so that sentence has no
    citation: the evaluation checks an uncited sentence against the record (metrics.record_text), and the
    guardrails take it as grounded by construction. Preferences come from contacts and cite them."""
    c = ctx.customer
    parts = [c.name or ctx.name]
    years = years_with_us(c.customer_since, ctx.now)
    if c.customer_since:
        parts.append(f", a customer since {c.customer_since.year}" + (f" ({years} years)" if years >= 2 else ""))
    if c.products:
        parts.append(f", holds {join_words([a_noun(p) for p in c.products])}")
    lines = [DraftSentence(text=sentence("".join(parts)), grounded=True)]
    # In the words given, dated: memory's paraphrase of a wish can invert it ("No phone" for "not before ten").
    # the customer's own words only: an agent's question ("By letter or phone?") or note is no wish of theirs
    prefs = [(f, words) for f in ctx.of("preference")[-3:] if wish_words(ctx, f)[1] and f.subject != "form of address"
             and (words := remembered(ctx, f))]
    address = next((f for f in reversed(ctx.of("preference")) if f.subject == "form of address"
                    and f.attributes.get("name") == ctx.known_name), None)
    if address is not None:  # "It's Mr Pybus." quoted reads as noise; what it asks for does not
        lines.append(DraftSentence(text=sentence(f"Asked to be called {ctx.known_name}"),
                                   citations=list(address.citations)))
    if prefs:
        texts = list(dict.fromkeys(w[0].upper() + w[1:] for _, w in prefs))
        lines.append(DraftSentence(text="Preferences: " + "; ".join(texts) + ".",
                                   citations=merge_citations(*[f.citations for f, _ in prefs])))
    return lines


# ---- already provided -------------------------------------------------------------------------------------


def provided(ctx: CustomerContext, story: list[Interaction], target: Interaction | None = None) -> Lines:
    """Identity checks and details already given. A check carries over only within the contact handed over or the
    window in Settings (a chat moved to a call minutes later); an older one reads "verify again"."""
    target = target or story[-1]
    checks: list[tuple[datetime, Interaction, str, list[Citation]]] = []
    by_contact: dict[str, list[Fact]] = {}
    for f in story_facts(ctx, story, "verification"):
        by_contact.setdefault(f.citations[0].interaction_id if f.citations else "", []).append(f)
    for inter in story:
        facts = by_contact.get(inter.interaction_id)
        if facts:
            details = [d for f in facts for d in (f.attributes or {}).get("details", [])]
            what = join_words(list(dict.fromkeys([f.subject or "identity" for f in facts] + details)))
            at = min(as_utc(f.valid_from or inter.started_at) for f in facts)
            checks.append((at, inter, what, merge_citations(*[f.citations for f in facts])))
    out: Lines = []
    if checks:
        at, inter, what, cites = max(checks, key=lambda c: c[0])
        window = timedelta(minutes=ctx.settings.verification_window_minutes)
        channel = CHANNEL_NOUNS.get(inter.channel, inter.channel)
        this_one = inter.interaction_id == target.interaction_id and live(ctx, target)
        if this_one or timedelta(0) <= ctx.now - at <= window:
            text = f"Already verified by {channel} {_ago(at, ctx.now)}: {what}; no need to ask again"
        elif live(ctx, target) and inter.interaction_id != target.interaction_id:
            # we may have missed a check made in this very contact: say what we saw, not that none was made
            text = f"No identity check seen in this contact; last verified on {day_month(at, ctx.now)} by " \
                   f"{channel} ({what}); verify again unless it was done in this contact"
        else:
            text = f"Identity last checked on {day_month(at, ctx.now)} by {channel} ({what}); verify again"
        out.append(DraftSentence(text=sentence(text), citations=cites, grounded=True))
    # what they told us about themselves that a colleague must not ask again; a name given ("hey, it's Rafi")
    # or small talk about work and pets is no detail of the case
    for f in [f for f in story_facts(ctx, story, "detail") if f.subject == "accessibility"][-3:]:
        quote = quote_of(ctx, f)
        text = f"Already told us: \u201c{quote}\u201d" if quote else f"Already told us: {plain(f.text)}"
        out.append(DraftSentence(text=text, citations=list(f.citations)))
    return out


def live(ctx: CustomerContext, inter: Interaction) -> bool:
    """Is the contact still going on at now (or just over, within the verification window)? Only then is it "this
    contact": a handover written days later hands over a case, not a customer on the line."""
    window = timedelta(minutes=ctx.settings.verification_window_minutes)
    last = max([as_utc(t.at) for t in inter.turns if t.at] + [as_utc(inter.ended_at or inter.started_at)])
    return as_utc(inter.started_at) <= ctx.now <= last + window


def _ago(at: datetime, now: datetime) -> str:
    minutes = int((now - at).total_seconds() // 60)
    if 0 <= minutes < 90:
        return "just now" if minutes < 2 else f"{minutes} minutes ago"
    return when_past(at, now)


# ---- how they feel --------------------------------------------------------------------------------------------
# Words that show someone is fed up. A "frustrated" label with none of them in the cited words is not passed on:
# it is memory's reading, not something the customer said.
_UPSET = re.compile(
    r"\b(?:third time|(?:still|yet) (?:not|no|don't|haven't|hasn't)|already (?:said|told|explained|confirmed)|"
    r"nobody|no one|joke|seriously|ridiculous|"
    r"unacceptable|fed up|frustrat\w*|"
    r"annoy\w*|disappoint\w*|angry|upset|worst|awful|terrible|last thing|days since|sick of|hassle|"
    r"can't believe|whatever|not good enough|no proper)\b",
    re.I,
)


def feeling(ctx: CustomerContext, story: list[Interaction], topic: str) -> Lines:
    out: Lines = []
    theirs = customer_contacts(story)  # our own letters and calls are not the customer chasing
    if len(theirs) >= 2:
        channels = join_words(list(dict.fromkeys(CHANNEL_NOUNS.get(i.channel, i.channel) for i in theirs)))
        first = as_utc(theirs[0].started_at)
        about = f" about {the(topic)}" if topic else " about this"
        text = f"Repeat contact: {ctx.name} has been in touch {times(len(theirs))}{about} since " \
               f"{day_month(first, ctx.now)} ({channels})"
        out.append(DraftSentence(text=sentence(text), citations=[interaction_citation(i) for i in theirs[-3:]],
                                 grounded=True))
    moods = [f for f in story_facts(ctx, story, "sentiment") if f.status.lower() in {"negative", "frustrated"}]
    for mood_fact in sorted(moods, key=lambda f: fact_time(f, ctx.now), reverse=True):
        said = _upset_words(ctx, mood_fact)
        if said:
            mood = "frustrated" if mood_fact.status.lower() == "frustrated" else "unhappy"
            out.append(DraftSentence(text=sentence(f"{ctx.name} is {mood}: \u201c{said[0]}\u201d"),
                                     citations=[said[1]]))
            break
    return out


def _upset_words(ctx: CustomerContext, fact: Fact) -> tuple[str, Citation] | None:
    """The customer's most fed-up sentence among the turns a sentiment fact cites."""
    best: tuple[int, str, Citation] | None = None
    for c in fact.citations:
        inter = ctx.by_id.get(c.interaction_id)
        if inter is None:
            continue
        for t in inter.turns:
            if t.speaker != "customer" or (c.turn_ids and t.turn_id not in c.turn_ids):
                continue
            for part in re.split(r"(?<=[.!?])\s+|\n+", t.text):
                hits = len(_UPSET.findall(part))
                if hits and len(part.split()) >= 3 and (best is None or hits > best[0]):
                    words = part.split()
                    quote = " ".join(words[:22]) + ("\u2026" if len(words) > 22 else "")
                    best = (hits, quote.strip(), Citation(interaction_id=inter.interaction_id,
                                                          turn_ids=[t.turn_id or ""]))
    return (best[1], best[2]) if best else None


# ---- what we promised ------------------------------------------------------------------------------------------
def next_step(ctx: CustomerContext, story: list[Interaction]) -> Lines:
    """Open promises made in these contacts, and any other promise due today or overdue (a colleague taking over
    must not miss Friday's callback because today's contact was about something else)."""
    ids = {i.interaction_id for i in story}
    promises = []
    for f in sorted(ctx.of("promise"), key=lambda f: fact_time(f, ctx.now)):
        in_story = any(c.interaction_id in ids for c in f.citations)
        pressing = timing(f, ctx.now) in {"today", "overdue"} and \
            (ctx.now - fact_time(f, ctx.now)).days <= RECENT_PROMISE_DAYS
        if is_open(ctx, f) and (in_story or pressing):
            promises.append(f)
    out: Lines = []
    for f in promises[-3:]:
        quote = quote_of(ctx, f)
        text = f"We promised {when_past(fact_time(f, ctx.now), ctx.now)}: " + (
            f"\u201c{quote}\u201d" if quote else plain(f.text))
        due = due_time(f)
        if due and timing(f, ctx.now) == "overdue":
            text += f" (due {day_month(due_day(due), ctx.now)}, now overdue)"
        elif due and timing(f, ctx.now) == "past":  # the customer has been back since without chasing it
            text += f" (was due {day_month(due_day(due), ctx.now)}; check whether it was done)"
        elif timing(f, ctx.now) == "today":
            text += " (due today)"
        out.append(DraftSentence(text=sentence(text), citations=list(f.citations)))
    return out
