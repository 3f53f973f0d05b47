"""The grounded handover: nine sections a colleague reads in seconds, and an introduction said aloud.

who, reason, summary, done, status, provided, feeling, next_step, introduction. Facts give the
structure; the contacts themselves give dates, channels, references, why the customer got in touch and what
was done (contacts.py: their opening request, the agent's key action, in reported speech where it reads well)
and, through the deterministic synopsis, the summary of the contact handed over. The sections about the
customer rather than the contact are in handover_parts.py.
"""

from __future__ import annotations

import re
from datetime import timedelta

from assistant.drafting.contacts import (
    CONFIRMED,
    WRITTEN_NOTES,
    Said,
    clean_turn_text,
    done_line,
    key_action,
    why_in_touch,
)
from assistant.drafting.context import (
    CustomerContext,
    fact_time,
    interaction_citation,
    merge_citations,
    references,
    topic_tags,
)
from assistant.drafting.handover_parts import feeling, next_step, profile, provided, story_facts, the
from assistant.drafting.phrasing import issue_name, join_words, possessive, sentence, times, when_past
from assistant.drafting.policy import same_topic
from assistant.drafting.synopsis import synopsis
from assistant.models import Citation, DraftSentence, Fact, Interaction, as_utc

MAX_DONE = 5  # contacts listed under "done", most recent
RELATED_DAYS = 60  # earlier contacts about the same thing within this many days belong to the story
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
                   avoid: list[str] | None = None) -> Lines:
    """The third-person synopsis of one contact, each sentence citing the turn it was built from; none restating
    a sentence in ``avoid`` (what the handover already says)."""
    turns = []
    for i, t in enumerate(inter.turns):
        text = clean_turn_text(t.text, inter.channel)
        if text:
            turns.append((t.turn_id or str(i), t.speaker, text))
    notes = inter.channel in WRITTEN_NOTES
    return [DraftSentence(text=sentence(s.text),
                          citations=[Citation(interaction_id=inter.interaction_id, turn_ids=list(s.turn_ids))])
            for s in synopsis(turns, customer=customer, agent=agent, max_words=max_words, notes=notes,
                              avoid=avoid or ())]


def pick_interaction(ctx: CustomerContext, interaction_id: str | None) -> Interaction | None:
    if interaction_id:
        return ctx.by_id.get(interaction_id)
    return ctx.latest_interaction()


def related_interactions(ctx: CustomerContext, target: Interaction) -> list[Interaction]:
    """Earlier contacts about the same thing: a shared issue subject, reference, or two topic tags."""
    subjects = {f.subject.lower() for f in ctx.facts_from(target.interaction_id, "issue", "promise") if f.subject}
    refs = set(references(target).values())
    tags = topic_tags(target)
    since = as_utc(target.started_at) - timedelta(days=RELATED_DAYS)
    out = []
    for inter in ctx.interactions:
        if inter.interaction_id == target.interaction_id or as_utc(inter.started_at) < since:
            continue
        if as_utc(inter.started_at) > as_utc(target.started_at):
            continue
        shared_subject = any(f.subject.lower() in subjects for f in ctx.facts_from(inter.interaction_id, "issue"))
        shared_ref = bool(refs & set(references(inter).values()))
        shared_tags = len(tags & topic_tags(inter)) >= 2
        if shared_subject or shared_ref or shared_tags:
            out.append(inter)
    return out


def team_for(ctx: CustomerContext, target: Interaction, topic: str) -> str:
    """The team the contact escalated to, else the one its topic or tags point at. A tag for an offer the customer
    turned down (Maria's "mortgage") says what we tried to sell, not what she needs, so it does not count."""
    target_refs = set(references(target).values())
    for inter in [target, *reversed(ctx.interactions)]:
        team = inter.metadata.get("escalated_to")
        if team and (inter is target or target_refs & set(references(inter).values())):
            return str(team)
    declined = [f.subject for f in ctx.facts_from(target.interaction_id, "offer") if f.status.lower() == "declined"]
    declined += list(ctx.policy.cooldown)
    tags = [t for t in target.tags if not any(same_topic(t, d) for d in declined)]
    words = f"{topic} {' '.join(tags)}".lower()
    return next((team for keys, team in _TEAMS if any(k in words for k in keys)), "specialist team")


def compose_handover(ctx: CustomerContext, target: Interaction, colleague: str | None = None,
                     ) -> tuple[dict[str, Lines], dict[str, object]]:
    story = [*related_interactions(ctx, target), target]
    issues = sorted(story_facts(ctx, story, "issue"), key=lambda f: fact_time(f, ctx.now))
    main_issue = _main_issue(issues, target)
    issues = [f for f in issues if main_issue is not None and f.subject.lower() == main_issue.subject.lower()]
    topic = issue_words(main_issue) if main_issue else ""
    team = team_for(ctx, target, topic)
    # a ticket's "customer" turns are uploads and portal messages: the issue says why better than they do
    asked = None if target.channel in WRITTEN_NOTES else \
        why_in_touch(target, ctx.name)
    sections: dict[str, Lines] = {"who": profile(ctx)}
    sections["reason"] = _reason(ctx, story, main_issue, target, asked)
    sections["summary"] = synopsis_lines(target, ctx.name, avoid=[s.text for s in sections["reason"]])
    sections["done"] = [line for line in (done_line(ctx, inter) for inter in story[-MAX_DONE:]) if line]
    sections["status"] = _status(ctx, story, issues, target)
    sections["provided"] = provided(ctx, story)
    sections["feeling"] = feeling(ctx, story, topic)
    sections["next_step"] = next_step(ctx, story)
    sections["introduction"] = _introduction(ctx, target, main_issue, team, colleague, sections, asked)
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


def _cite(inter: Interaction, said: Said | None) -> list[Citation]:
    return [Citation(interaction_id=inter.interaction_id, turn_ids=[said.turn_id])] if said else []


def issue_words(fact: Fact) -> str:
    """The issue in a few words: memory's short text when it names the subject ("blocked debit card"), else the
    subject ("home insurance claim (burst pipe)")."""
    short = re.sub(r"\s*\((?:ref|reference)[^)]*\)", "", fact.text).strip()
    if fact.subject and fact.subject.lower() in short.lower() and len(short.split()) <= 5:
        return issue_name(short[0].lower() + short[1:])
    return issue_name(fact.subject or short)


def _reason(ctx: CustomerContext, story: list[Interaction], main_issue: Fact | None, target: Interaction,
            asked: Said | None) -> Lines:
    """Why they are in touch: the issue (built from facts and dates), then the request that opened the contact
    (never a later reply, such as turning down an offer) in reported speech, or in their words where reported
    speech would not read well; our outbound call when we rang them."""
    out: Lines = []
    if main_issue is not None and (asked is None or asked.speaker == "customer"):
        about = the(issue_words(main_issue))
        text = f"{ctx.name} is in touch about {about}" if asked else \
            f"This is about {possessive(ctx.name)} {issue_words(main_issue)}"
        first = as_utc(story[0].started_at)
        if len(story) > 1 and (ctx.now.date() - first.date()).days >= 1:
            text += f", first raised {when_past(first, ctx.now)}"
        out.append(DraftSentence(text=sentence(text), citations=list(main_issue.citations), grounded=True))
    if asked is None:
        return out
    if asked.reported:
        text = asked.reported
    elif asked.words.endswith("?"):
        text = f"{ctx.name} asked: \u201c{asked.quote()}\u201d"
    else:
        text = f"In {possessive(ctx.name)} words: \u201c{asked.quote()}\u201d"
    return [*out, DraftSentence(text=sentence(text), citations=_cite(target, asked))]


def _status(ctx: CustomerContext, story: list[Interaction], issues: list[Fact], target: Interaction) -> Lines:
    """Where things stand (built from the issue or the contact's outcome, and its date), then what was done:
    "Resolved on Wednesday. The agent has set up £300 from Fatima's current account to their Easy Saver..."."""
    ref = next((v for i in reversed(story) for k, v in references(i).items() if k != "policy_number"), "")
    if issues:
        f = issues[-1]
        ref = (f.attributes or {}).get("reference") or ref
        text = f"{the(issue_words(f)).capitalize()} is {f.status or 'open'}" + (f", reference {ref}" if ref else "")
        out = [DraftSentence(text=sentence(text), citations=list(f.citations), grounded=True)]
    elif target.outcome:
        when = when_past(as_utc(target.started_at), ctx.now)
        text = f"{target.outcome.capitalize()} {when}" + (f", reference {ref}" if ref else "")
        out = [DraftSentence(text=sentence(text), citations=[interaction_citation(target, speaker=None)],
                             grounded=True)]
    else:
        return []
    action = key_action(target, ctx.name)
    if action is not None:
        done = action.reported or f"{'We' if action.speaker != 'customer' else ctx.name} said: " \
                                  f"\u201c{action.quote()}\u201d"
        done = "the agent" + done[len("The agent"):] if issues and done.startswith("The agent") else done
        out.append(DraftSentence(text=sentence(("Latest: " if issues else "") + done),
                                 citations=_cite(target, action)))
    return out


def _introduction(ctx: CustomerContext, target: Interaction, main_issue: Fact | None, team: str,
                  colleague: str | None, sections: dict[str, Lines], asked: Said | None) -> Lines:
    who = colleague or "my colleague"
    about = the(issue_words(main_issue).split(" (")[0]) if main_issue else "what you've told us today"
    to_customer = f"{ctx.name}, I'd like to introduce you to {who} from our {team}, who can help with {about}"
    address = colleague or "Colleague"
    if main_issue:
        told = f"{address}, {ctx.name} has contacted us about {about}"
    elif asked is not None and asked.reported.startswith("We called"):
        told = f"{address}, w{asked.reported[1:].rstrip('.')}"
    elif asked is not None and asked.reported:
        told = f"{address}, I have {ctx.name} with me: {asked.reported.replace(CONFIRMED, '').rstrip('.')}"
    else:
        told = f"{address}, I have {ctx.name} with me"
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
