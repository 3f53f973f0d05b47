"""The grounded handover: nine sections a colleague reads in seconds, and an introduction said aloud.

who, reason, summary, done, status, provided, feeling, next_step, introduction. Facts give the
structure; the contacts themselves give dates, channels, references and (through synopsis) the summary.
"""

from __future__ import annotations

import re
from datetime import timedelta

from assistant.drafting.context import CustomerContext, fact_time, interaction_citation, merge_citations
from assistant.drafting.guardrails import looks_like_injection
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
_EMAIL_NOISE = re.compile(
    r"^(?:subject:.*|re:.*|(?:hi|hello|dear)\b[^.!?\n]{0,40},?|(?:kind |best )?regards,?|thanks,?|thank you,?|"
    r"best wishes,?|many thanks,?|cheers,?|[A-Z][a-z]+|[A-Z])$",
    re.I,
)

Lines = list[DraftSentence]


def clean_turn_text(text: str, channel: str) -> str:
    """Drop email furniture (subject line, salutation, sign-off) and any instruction-like sentence."""
    lines = text.splitlines() if channel == "email" else [text]
    kept = [ln for ln in (ln.strip() for ln in lines) if ln and not (channel == "email" and _EMAIL_NOISE.match(ln))]
    joined = " ".join(kept)
    parts = re.split(r"(?<=[.!?])\s+", joined)
    return " ".join(p for p in parts if p and not looks_like_injection(p))


def synopsis_lines(inter: Interaction, ctx: CustomerContext, max_words: int, prefix: str = "") -> Lines:
    turns = []
    for i, t in enumerate(inter.turns):
        text = clean_turn_text(t.text, inter.channel)
        if text:
            turns.append((t.turn_id or str(i), t.speaker, text))
    out = []
    for s in synopsis(turns, customer=ctx.name, agent="the agent", max_words=max_words):
        text = s.text if not prefix else f"{prefix}{s.text[0].lower()}{s.text[1:]}" if s.text[:4] == "The " else (
            f"{prefix}{s.text}")
        out.append(DraftSentence(text=sentence(text),
                                 citations=[Citation(interaction_id=inter.interaction_id, turn_ids=list(s.turn_ids))]))
    return out


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
    for inter in [target, *reversed(ctx.interactions)]:
        team = inter.metadata.get("escalated_to")
        if team and inter.interaction_id == target.interaction_id or (team and _refs(inter).keys() & _refs(target).keys()):
            return str(team)
    words = f"{topic} {' '.join(target.tags)}".lower()
    return next((team for keys, team in _TEAMS if any(k in words for k in keys)), "specialist team")


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
    return f"an {product}" if product[:1].lower() in "aeiou" else f"a {product}"


def _plain(text: str) -> str:
    return text.strip().rstrip(".")


def compose_handover(ctx: CustomerContext, target: Interaction, colleague: str | None = None,
                     ) -> tuple[dict[str, Lines], dict[str, object]]:
    story = [*related_interactions(ctx, target), target]
    issues = sorted(_story_facts(ctx, story, "issue"), key=lambda f: fact_time(f, ctx.now))
    open_issues = [f for f in issues if f.status.lower() in {"open", "escalated", ""}]
    main_issue = (open_issues or issues or [None])[-1]
    topic = main_issue.subject if main_issue else ""
    team = team_for(ctx, target, topic or " ".join(target.tags))
    sections: dict[str, Lines] = {"who": _profile(ctx)}

    # reason
    if main_issue:
        why = f"{ctx.name} is contacting us about {_the(topic)}"
        first = min(fact_time(f, ctx.now) for f in issues if f.subject == topic) if issues else None
        if first and (ctx.now - first).days >= 1:
            why += f", first raised {when_past(first, ctx.now)}"
        sections["reason"] = [DraftSentence(text=sentence(why), citations=list(main_issue.citations))]
    else:
        opening = synopsis_lines(target, ctx, max_words=25)[:1]
        sections["reason"] = opening
    # summary of the contact handed over
    sections["summary"] = synopsis_lines(target, ctx, max_words=45)
    # what was done, contact by contact
    done: Lines = []
    for inter in story:
        when = as_utc(inter.started_at)
        prefix = f"{day_month(when, ctx.now)}, {CHANNEL_NOUNS.get(inter.channel, inter.channel)}: "
        lines = synopsis_lines(inter, ctx, max_words=24, prefix=prefix)[:1]
        if inter.outcome and lines:
            lines[0].text = lines[0].text.rstrip(".") + f" (outcome: {inter.outcome})."
        elif inter.outcome:
            lines = [DraftSentence(text=sentence(f"{prefix}outcome {inter.outcome}"),
                                   citations=[interaction_citation(inter, speaker=None)])]
        done += lines
    sections["done"] = done
    sections["status"] = _status(ctx, story, issues, target)
    sections["provided"] = _provided(ctx, story)
    sections["feeling"] = _feeling(ctx, story, topic)
    sections["next_step"] = _next_step(ctx, story)
    sections["introduction"] = _introduction(ctx, target, topic, team, colleague, sections)
    meta = {"interaction_id": target.interaction_id, "related": [i.interaction_id for i in story[:-1]],
            "team": team, "topic": topic}
    return sections, meta


def _the(topic: str) -> str:
    topic = topic.strip()
    return topic if topic.split()[0].lower() in {"the", "a", "an", "their", "his", "her"} else f"the {topic}"


def _status(ctx: CustomerContext, story: list[Interaction], issues: list[Fact], target: Interaction) -> Lines:
    out: Lines = []
    latest: dict[str, Fact] = {}
    for f in issues:
        latest[f.subject] = f
    for f in latest.values():
        ref = (f.attributes or {}).get("reference") or next(
            (v for i in reversed(story) for v in _refs(i).values()), "")
        status = f.status or "open"
        text = f"{_the(f.subject).capitalize()} is {status}" + (f" (reference {ref})" if ref else "")
        out.append(DraftSentence(text=sentence(text), citations=list(f.citations)))
    if not out and target.outcome:
        ref = next(iter(_refs(target).values()), "")
        text = f"Latest outcome: {target.outcome}" + (f" (reference {ref})" if ref else "")
        out.append(DraftSentence(text=sentence(text), citations=[interaction_citation(target, speaker=None)]))
    return out


def _provided(ctx: CustomerContext, story: list[Interaction]) -> Lines:
    out: Lines = []
    checks = _story_facts(ctx, story, "verification")
    by_contact: dict[str, list[Fact]] = {}
    for f in checks:
        by_contact.setdefault(f.citations[0].interaction_id if f.citations else "", []).append(f)
    for iid, facts in by_contact.items():
        inter = ctx.by_id.get(iid)
        if inter is None:
            continue
        what = join_words(list(dict.fromkeys(f.subject or "identity" for f in facts)))
        when = when_past(as_utc(inter.started_at), ctx.now)
        channel = CHANNEL_NOUNS.get(inter.channel, inter.channel)
        out.append(DraftSentence(text=sentence(f"Already verified by {channel} {when}: {what}"),
                                 citations=merge_citations(*[f.citations for f in facts])))
    details = _story_facts(ctx, story, "detail")
    for f in details[-3:]:
        out.append(DraftSentence(text=sentence(f"Already told us: {_plain(f.text)}"), citations=list(f.citations)))
    return out


def _feeling(ctx: CustomerContext, story: list[Interaction], topic: str) -> Lines:
    out: Lines = []
    if len(story) >= 2:
        channels = join_words(list(dict.fromkeys(CHANNEL_NOUNS.get(i.channel, i.channel) for i in story)))
        first = as_utc(story[0].started_at)
        about = f" about {_the(topic)}" if topic else " about this"
        text = f"{ctx.name} has contacted us {times(len(story))}{about} since {day_month(first, ctx.now)} ({channels})"
        out.append(DraftSentence(text=sentence(text), citations=[interaction_citation(i) for i in story[-3:]]))
    moods = [f for f in _story_facts(ctx, story, "sentiment") if f.status.lower() in {"negative", "frustrated"}]
    if moods:
        latest = max(moods, key=lambda f: fact_time(f, ctx.now))
        mood = "frustrated" if any(f.status.lower() == "frustrated" for f in moods) else "unhappy"
        when = when_past(fact_time(latest, ctx.now), ctx.now)
        out.append(DraftSentence(text=sentence(f"{ctx.name} sounded {mood} {when}; acknowledge it before anything else"),
                                 citations=merge_citations(*[f.citations for f in moods[-2:]])))
    return out


def _next_step(ctx: CustomerContext, story: list[Interaction]) -> Lines:
    out: Lines = []
    promises = sorted(_story_facts(ctx, story, "promise"), key=lambda f: fact_time(f, ctx.now))
    for f in promises[-2:]:
        due = as_utc(f.valid_to) if f.valid_to else None
        status = f.status.lower()
        if status == "kept":
            continue
        text = f"We promised: {_plain(f.text)}"
        if due and due < ctx.now:
            text += f" (due {day_month(due, ctx.now)}, now overdue)"
        elif due:
            text += f" (due {when_past(due, ctx.now) if due.date() <= ctx.now.date() else day_month(due, ctx.now)})"
        out.append(DraftSentence(text=sentence(text), citations=list(f.citations)))
    return out


def _introduction(ctx: CustomerContext, target: Interaction, topic: str, team: str, colleague: str | None,
                  sections: dict[str, Lines]) -> Lines:
    who = colleague or "my colleague"
    about = _the(topic) if topic else "what you've told us today"
    to_customer = f"{ctx.name}, I'd like to introduce you to {who} from our {team}, who can help with {about}"
    address = colleague or "Colleague"
    told = f"{address}, {ctx.name} has contacted us about {about}" if topic else f"{address}, {ctx.name} is with us"
    extras = []
    if sections.get("provided"):
        extras.append("has already been verified, so there's no need to go through security again")
    if sections.get("next_step"):
        extras.append("is waiting on what we promised")
    to_colleague = told + (f"; {ctx.name} {join_words(extras)}" if extras else "")
    cites = merge_citations(*[s.citations for key in ("reason", "provided", "next_step") for s in sections.get(key, [])])
    cites = cites or [interaction_citation(target)]
    return [DraftSentence(text=sentence(to_customer), citations=cites),
            DraftSentence(text=sentence(to_colleague), citations=cites)]
