"""The grounded handover: nine sections a colleague reads in seconds, and an introduction said aloud.

who, reason, summary, done, status, provided, feeling, next_step, introduction. Facts give the
structure; the contacts themselves give dates, channels, references, the customer's and the agent's own
words (quoted, contacts.py) and, through the deterministic synopsis, the summary of the contact handed over.
"""

from __future__ import annotations

import re
from datetime import timedelta

from assistant.drafting.contacts import clean_turn_text, customer_words, done_line
from assistant.drafting.context import CustomerContext, fact_time, interaction_citation, merge_citations, quote_of
from assistant.drafting.phrasing import (
    CHANNEL_NOUNS,
    day_month,
    join_words,
    sentence,
    times,
    when_past,
    years_with_us,
)
from assistant.drafting.synopsis import synopsis
from assistant.models import Citation, DraftSentence, Fact, Interaction, as_utc

MAX_DONE = 5  # contacts listed under "done", most recent
RELATED_DAYS = 60  # earlier contacts about the same thing within this many days belong to the story
_REF_KEYS = ("escalation_ref", "claim_ref", "dispute_ref", "complaint_ref", "ticket_id", "policy_number", "reference")
_GENERIC_TAGS = {"repeat contact", "escalation", "complaint", "branch visit", "preference", "resolved", "social",
                 "family", "offer", "purchase", "confirmation", "app", "abroad", "verification", "documents"}
_TEAMS = [
    (("card", "debit", "credit card", "fraud", "pin"), "card team"),
    (("claim", "escape of water", "burst pipe"), "claims team"),
    (("mortgage", "remortgage", "rate switch"), "mortgage team"),
    (("complaint",), "complaints team"),
    (("dispute", "chargeback"), "disputes team"),
    (("loan",), "lending team"),
    (("insurance", "policy"), "insurance team"),
    (("savings", "isa", "bond"), "savings team"),
]

Lines = list[DraftSentence]


SUMMARY_WORDS = 40  # the synopsis' own budget, tuned for ROUGE on DialogSum (benchmarks/handover_rouge.py)


def synopsis_lines(inter: Interaction, customer: str, max_words: int = SUMMARY_WORDS, agent: str = "the agent",
                   ) -> Lines:
    """The third-person synopsis of one contact, each sentence citing the turn it was built from."""
    turns = []
    for i, t in enumerate(inter.turns):
        text = clean_turn_text(t.text, inter.channel)
        if text:
            turns.append((t.turn_id or str(i), t.speaker, text))
    return [DraftSentence(text=sentence(s.text),
                          citations=[Citation(interaction_id=inter.interaction_id, turn_ids=list(s.turn_ids))])
            for s in synopsis(turns, customer=customer, agent=agent, max_words=max_words)]


def pick_interaction(ctx: CustomerContext, interaction_id: str | None) -> Interaction | None:
    if interaction_id:
        return ctx.by_id.get(interaction_id)
    return ctx.latest_interaction()


def _refs(inter: Interaction) -> dict[str, str]:
    return {k: str(v) for k, v in inter.metadata.items() if k in _REF_KEYS and v}


def _topic_tags(inter: Interaction) -> set[str]:
    return {t.lower() for t in inter.tags} - _GENERIC_TAGS


def related_interactions(ctx: CustomerContext, target: Interaction) -> list[Interaction]:
    """Earlier contacts about the same thing: a shared issue subject, reference, or two topic tags."""
    subjects = {f.subject.lower() for f in ctx.facts_from(target.interaction_id, "issue", "promise") if f.subject}
    refs = set(_refs(target).values())
    tags = _topic_tags(target)
    since = as_utc(target.started_at) - timedelta(days=RELATED_DAYS)
    out = []
    for inter in ctx.interactions:
        if inter.interaction_id == target.interaction_id or as_utc(inter.started_at) < since:
            continue
        if as_utc(inter.started_at) > as_utc(target.started_at):
            continue
        shared_subject = any(f.subject.lower() in subjects for f in ctx.facts_from(inter.interaction_id, "issue"))
        shared_ref = bool(refs & set(_refs(inter).values()))
        shared_tags = len(tags & _topic_tags(inter)) >= 2
        if shared_subject or shared_ref or shared_tags:
            out.append(inter)
    return out


def team_for(ctx: CustomerContext, target: Interaction, topic: str) -> str:
    target_refs = set(_refs(target).values())
    for inter in [target, *reversed(ctx.interactions)]:
        team = inter.metadata.get("escalated_to")
        if team and (inter is target or target_refs & set(_refs(inter).values())):
            return str(team)
    words = f"{topic} {' '.join(target.tags)}".lower()
    return next((team for keys, team in _TEAMS if any(k in words for k in keys)), "specialist team")


def _issue_words(fact: Fact) -> str:
    short = re.sub(r"\s*\((?:ref|reference)[^)]*\)", "", fact.text).strip()
    if fact.subject and fact.subject.lower() in short.lower() and len(short.split()) <= 5:
        return short[0].lower() + short[1:]
    return fact.subject or short


def _story_facts(ctx: CustomerContext, story: list[Interaction], *kinds: str) -> list[Fact]:
    ids = {i.interaction_id for i in story}
    return [f for f in ctx.of(*kinds) if any(c.interaction_id in ids for c in f.citations)]


def _profile(ctx: CustomerContext) -> Lines:
    c = ctx.customer
    parts = [c.name]
    years = years_with_us(c.customer_since, ctx.now)
    if c.customer_since:
        parts.append(f", a customer since {c.customer_since.year}" + (f" ({years} years)" if years >= 2 else ""))
    if c.products:
        parts.append(f", holds {join_words([_article(p) for p in c.products])}")
    lines = [DraftSentence(text=sentence("".join(parts)), grounded=True)]
    prefs = ctx.of("preference")
    if prefs:
        texts = list(dict.fromkeys(_plain(f.text) for f in prefs[-3:]))
        lines.append(DraftSentence(text=sentence("Preferences: " + "; ".join(texts)),
                                   citations=merge_citations(*[f.citations for f in prefs[-3:]])))
    return lines


def _article(product: str) -> str:
    if product.lower().endswith(("insurance", "cover", "savings", "banking")):
        return product  # mass nouns: "home insurance", not "a home insurance"
    return f"an {product}" if product[:1].lower() in "aeiou" else f"a {product}"


def _plain(text: str) -> str:
    return text.strip().rstrip(".")


def compose_handover(ctx: CustomerContext, target: Interaction, colleague: str | None = None,
                     ) -> tuple[dict[str, Lines], dict[str, object]]:
    story = [*related_interactions(ctx, target), target]
    issues = sorted(_story_facts(ctx, story, "issue"), key=lambda f: fact_time(f, ctx.now))
    main_issue = _main_issue(issues, target)
    issues = [f for f in issues if main_issue is not None and f.subject.lower() == main_issue.subject.lower()]
    topic = main_issue.subject if main_issue else ""
    team = team_for(ctx, target, topic or " ".join(target.tags))
    sections: dict[str, Lines] = {"who": _profile(ctx)}

    # reason
    if main_issue:
        why = f"{ctx.name} is contacting us about {_the(_issue_words(main_issue))}"
        first = min(fact_time(f, ctx.now) for f in issues) if issues else None
        if first and (ctx.now - first).days >= 1:
            why += f", first raised {when_past(first, ctx.now)}"
        quote = quote_of(ctx, main_issue)
        if quote:
            why += f": \u201c{quote}\u201d"
        sections["reason"] = [DraftSentence(text=sentence(why), citations=list(main_issue.citations))]
    else:
        said = customer_words(target)
        sections["reason"] = [DraftSentence(
            text=sentence(f"{ctx.name} got in touch about this: \u201c{said[0]}\u201d"),
            citations=[Citation(interaction_id=target.interaction_id, turn_ids=[said[1]])])] if said else []
    # summary of the contact handed over
    sections["summary"] = synopsis_lines(target, ctx.name)
    # what was done, contact by contact
    sections["done"] = [line for line in (done_line(ctx, inter) for inter in story[-MAX_DONE:]) if line]
    sections["status"] = _status(ctx, story, issues, target)
    sections["provided"] = _provided(ctx, story)
    sections["feeling"] = _feeling(ctx, story, topic)
    sections["next_step"] = _next_step(ctx, story)
    sections["introduction"] = _introduction(ctx, target, topic, team, colleague, sections)
    meta = {"interaction_id": target.interaction_id, "related": [i.interaction_id for i in story[:-1]],
            "team": team, "topic": topic}
    return sections, meta


def _main_issue(issues: list[Fact], target: Interaction) -> Fact | None:
    """The issue the contact is about: named in its tags, raised in it, still open, most recent."""
    tags = " ".join(target.tags).lower()

    def rank(f: Fact) -> tuple[int, int, int, float]:
        in_tags = int(bool(f.subject) and f.subject.lower() in tags)
        in_target = int(any(c.interaction_id == target.interaction_id for c in f.citations))
        is_open = int(f.status.lower() in {"open", "escalated", ""})
        return in_tags, is_open, in_target, (f.recorded_at.timestamp() if f.recorded_at else 0.0)

    return max(issues, key=rank) if issues else None


def _the(topic: str) -> str:
    topic = topic.strip()
    return topic if topic.split()[0].lower() in {"the", "a", "an", "their", "his", "her"} else f"the {topic}"


def _status(ctx: CustomerContext, story: list[Interaction], issues: list[Fact], target: Interaction) -> Lines:
    ref = next((v for i in reversed(story) for k, v in _refs(i).items() if k != "policy_number"), "")
    if issues:
        f = issues[-1]
        ref = (f.attributes or {}).get("reference") or ref
        text = f"{_the(_issue_words(f)).capitalize()} is {f.status or 'open'}" + (f" (reference {ref})" if ref else "")
        return [DraftSentence(text=sentence(text), citations=list(f.citations), grounded=True)]
    if target.outcome:
        text = f"Latest outcome: {target.outcome}" + (f" (reference {ref})" if ref else "")
        return [DraftSentence(text=sentence(text), citations=[interaction_citation(target, speaker=None)],
                              grounded=True)]
    return []


_VERIFIED = re.compile(r"\b(?:you're|you are) (?:now )?verified|that's (?:all )?(?:confirmed|matched)|"
                       r"i've confirmed your|result: match|identified by|thanks, you're verified", re.I)


def _provided(ctx: CustomerContext, story: list[Interaction]) -> Lines:
    out: Lines = []
    checks = _story_facts(ctx, story, "verification")
    by_contact: dict[str, list[Fact]] = {}
    for f in checks:
        by_contact.setdefault(f.citations[0].interaction_id if f.citations else "", []).append(f)
    for inter in story:  # memory may have missed a check: the agent's own words say it happened
        if inter.interaction_id in by_contact:
            continue
        turn = next((t for t in inter.turns if t.speaker != "customer" and _VERIFIED.search(t.text)), None)
        if turn is not None:
            what = _plain(_check_words(turn.text))
            cite = Citation(interaction_id=inter.interaction_id, turn_ids=[turn.turn_id or ""])
            out.append(_verified_line(ctx, inter, what, [cite]))
    for iid, facts in by_contact.items():
        inter = ctx.by_id.get(iid)
        if inter is None:
            continue
        details = [d for f in facts for d in (f.attributes or {}).get("details", [])]
        what = join_words(list(dict.fromkeys([f.subject or "identity" for f in facts] + details)))
        out.append(_verified_line(ctx, inter, what, merge_citations(*[f.citations for f in facts])))
    out.sort(key=lambda s: s.citations[0].interaction_id if s.citations else "")
    for f in _story_facts(ctx, story, "detail")[-3:]:
        quote = quote_of(ctx, f)
        text = f"Already told us: \u201c{quote}\u201d" if quote else f"Already told us: {_plain(f.text)}"
        out.append(DraftSentence(text=text, citations=list(f.citations)))
    return out


def _check_words(text: str) -> str:
    m = re.search(r"[^.!?\n]*(?:verified|confirmed|match|identified)[^.!?\n]*", text, re.I)
    return m.group(0).strip() if m else "identity"


def _verified_line(ctx: CustomerContext, inter: Interaction, what: str, cites: list[Citation]) -> DraftSentence:
    when = when_past(as_utc(inter.started_at), ctx.now)
    channel = CHANNEL_NOUNS.get(inter.channel, inter.channel)
    return DraftSentence(text=sentence(f"Already verified by {channel} {when}: {what}"), citations=cites,
                         grounded=True)


def _feeling(ctx: CustomerContext, story: list[Interaction], topic: str) -> Lines:
    out: Lines = []
    if len(story) >= 2:
        channels = join_words(list(dict.fromkeys(CHANNEL_NOUNS.get(i.channel, i.channel) for i in story)))
        first = as_utc(story[0].started_at)
        about = f" about {_the(topic)}" if topic else " about this"
        text = f"Repeat contact: {ctx.name} has been in touch {times(len(story))}{about} since " \
               f"{day_month(first, ctx.now)} ({channels})"
        out.append(DraftSentence(text=sentence(text), citations=[interaction_citation(i) for i in story[-3:]],
                                 grounded=True))
    moods = [f for f in _story_facts(ctx, story, "sentiment") if f.status.lower() in {"negative", "frustrated"}]
    if moods:
        latest = max(moods, key=lambda f: fact_time(f, ctx.now))
        mood = "frustrated" if latest.status.lower() == "frustrated" else "unhappy"
        quote = quote_of(ctx, latest)
        text = f"{ctx.name} is {mood}" + (f": \u201c{quote}\u201d" if quote else "")
        out.append(DraftSentence(text=sentence(text), citations=list(latest.citations)))
    return out


def _next_step(ctx: CustomerContext, story: list[Interaction]) -> Lines:
    out: Lines = []
    promises = sorted(_story_facts(ctx, story, "promise"), key=lambda f: fact_time(f, ctx.now))
    for f in promises[-3:]:
        if f.status.lower() == "kept":
            continue
        due = as_utc(f.valid_to) if f.valid_to else None
        quote = quote_of(ctx, f)
        text = f"We promised {when_past(fact_time(f, ctx.now), ctx.now)}: " + (
            f"\u201c{quote}\u201d" if quote else _plain(f.text))
        if due and due < ctx.now:
            text += f" (due {day_month(due, ctx.now)}, now overdue)"
        elif due and due.date() == ctx.now.date():
            text += " (due today)"
        out.append(DraftSentence(text=sentence(text), citations=list(f.citations)))
    return out


# Sentences built from structured data (dates, channels, counts, statuses, references, the sections above)
# are marked grounded=True where they are made: they are checked against the store by construction. The
# grounding check is for sentences that restate what was said (quotes, synopsis, life events).


def _introduction(ctx: CustomerContext, target: Interaction, topic: str, team: str, colleague: str | None,
                  sections: dict[str, Lines]) -> Lines:
    who = colleague or "my colleague"
    about = _the(topic) if topic else "what you've told us today"
    to_customer = f"{ctx.name}, I'd like to introduce you to {who} from our {team}, who can help with {about}"
    address = colleague or "Colleague"
    told = f"{address}, {ctx.name} has contacted us about {about}" if topic else f"{address}, {ctx.name} is with us"
    extras = []
    if len(sections.get("done", [])) >= 2:
        extras.append(f"has already explained this {times(len(sections['done']))}")
    if any(s.text.startswith("Already verified") for s in sections.get("provided", [])):
        extras.append("is already verified (no security questions needed)")
    if sections.get("next_step"):
        extras.append("is waiting for what we promised")
    to_colleague = told + (f"; {ctx.name} {join_words(extras)}" if extras else "")
    used = [s.citations for key in ("reason", "provided", "next_step") for s in sections.get(key, [])]
    cites = merge_citations(*used) or [interaction_citation(target)]
    return [DraftSentence(text=sentence(to_customer), citations=cites, grounded=True),
            DraftSentence(text=sentence(to_colleague), citations=cites, grounded=True)]
