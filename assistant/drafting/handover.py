"""The grounded handover: nine sections a colleague reads in seconds, and an introduction said aloud.

who, reason, summary, done, status, provided, feeling, next_step, introduction. Facts give the
structure; the contacts themselves give dates, channels, references, why the customer got in touch and what
was done (contacts.py: their opening request, the agent's key action, in reported speech where it reads well)
and, through the deterministic synopsis, the summary of the contact handed over. The sections about the
customer rather than the contact are in handover_parts.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import timedelta

from assistant.drafting.contacts import (
    CONFIRMED,
    LIVE_CHANNELS,
    WRITTEN_NOTES,
    Said,
    clean_turn_text,
    customer_contacts,
    key_action,
    opening_request,
    we_started,
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
from assistant.drafting.handover_parts import feeling, live, next_step, profile, provided, story_facts, the
from assistant.drafting.phrasing import (
    CHANNEL_NOUNS,
    day_month,
    issue_name,
    join_words,
    possessive,
    sentence,
    times,
    when_past,
)
from assistant.drafting.synopsis import synopsis
from assistant.language import noise
from assistant.language.grammar import DEFAULT_PIPELINE, told_about
from assistant.language.time import reanchor
from assistant.models import Case, Citation, DraftSentence, Fact, Interaction, as_utc

MAX_DONE = 5  # contacts listed under "done", most recent
RELATED_DAYS = 60  # earlier contacts about the same thing within this many days belong to the story

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


HEADLINE_WORDS = 100  # read in twenty seconds
MAX_STEPS = 4  # steps tried, in the headline


def case_story(ctx: CustomerContext, target: Interaction, case: Case | None) -> list[Interaction]:
    """The contacts of the target's case known at `now`, up to the target, oldest first (the target alone when
    threading has not seen it yet)."""
    if case is None:
        return [target]
    story = [ctx.by_id[c.interaction_id] for c in case.contacts if c.interaction_id in ctx.by_id
             and as_utc(c.started_at) <= as_utc(target.started_at)]
    return story if story and story[-1].interaction_id == target.interaction_id else [*story, target]


# What a contact that touched several matters says about another case stays out of this one; who the customer
# is (verification, details, preferences) holds for the whole contact.
_OF_A_MATTER = {"action", "promise", "issue", "sentiment"}


def case_share(ctx: CustomerContext, case: Case | None) -> CustomerContext:
    """The context with the facts of other matters' shares of this case's contacts left out."""
    shares = {c.interaction_id: c for c in case.contacts if c.turn_ids} if case else {}
    if not shares:
        return ctx

    def kept(f: Fact) -> bool:
        if f.kind not in _OF_A_MATTER:
            return True
        cited = [(c.interaction_id, c.turn_ids) for c in f.citations]
        return not any(iid in shares and turns and not shares[iid].covers(turns) for iid, turns in cited)

    return replace(ctx, facts=[f for f in ctx.facts if kept(f)])


def compose_handover(ctx: CustomerContext, target: Interaction, case: Case | None = None,
                     colleague: str | None = None, team: str | None = None,
                     ) -> tuple[dict[str, Lines], dict[str, object]]:
    ctx = case_share(ctx, case)
    story = case_story(ctx, target, case)
    issues = sorted(story_facts(ctx, story, "issue"), key=lambda f: fact_time(f, ctx.now))
    main_issue = _main_issue(issues, target, case)
    issues = [f for f in issues if main_issue is not None and f.subject.lower() == main_issue.subject.lower()]
    topic = issue_words(main_issue) if main_issue else ""
    routed = team or (case.team if case and case.team else "specialist team")
    # said aloud: the team it is addressed to, else one an escalation named, never routing's guess
    team = team or (case.team if case and case.team and case.team_escalated else "specialist team")
    asked = None if target.channel in WRITTEN_NOTES else why_in_touch(target, ctx.name, ctx.settings.language_pipeline)
    sections: dict[str, Lines] = {}
    sections["contacts"] = [line for line in (contact_line(ctx, inter, case, story) for inter in story[-MAX_DONE:])
                            if line]
    sections["done"] = steps_tried(ctx, story)
    on_now = live(ctx, target)
    sections["reason"] = _reason(ctx, story, main_issue, target, asked)
    last = sections["reason"][-1] if sections["reason"] else None
    if not on_now and last is not None and not last.text.startswith("We "):
        # "Tomasz needs to close his account" was true then: dated, not told as now ("We called" is past already)
        day = day_month(as_utc(target.started_at), ctx.now)
        dated = f"On {day}, in{last.text[2:]}" if last.text.startswith("In ") else f"On {day}: {last.text}"
        sections["reason"][-1] = last.model_copy(update={"text": dated})
    sections["status"] = _status(ctx, story, issues, target) + _case_line(case, target, issues)
    sections["provided"] = provided(ctx, story, target)
    sections["feeling"] = feeling(ctx, story, topic)
    sections["next_step"] = next_step(ctx, story)
    sections["who"] = profile(ctx)
    # one contact: its synopsis; a case of several is told by its contacts, steps and status (a retold last
    # contact swaps pronouns into falsehoods and repeats the agent's greeting as news)
    sections["summary"] = synopsis_lines(target, ctx.name) if len(story) == 1 else []
    if not on_now:  # an earlier contact: its "last week" and "tomorrow" are dated, nobody is introduced
        sections["summary"] = [s.model_copy(update={"text": reanchor(s.text, as_utc(target.started_at), ctx.now)})
                               for s in sections["summary"]]
    sections["headline"] = headline(ctx, story, case, sections)
    sections["introduction"] = introduction(ctx, target, story, case, team, colleague, sections, asked) \
        if on_now and target.channel in LIVE_CHANNELS else []
    meta = {"interaction_id": target.interaction_id, "related": [i.interaction_id for i in story[:-1]],
            "summary_title": "This contact" if on_now else f"Last contact ({_when_where(target, ctx)})",
            "team": routed, "topic": topic, "case_id": case.case_id if case else None,
            "case_status": case.status if case else None, "team_reason": case.team_reason if case else ""}
    return sections, meta


# ---- the case, contact by contact ---------------------------------------------------------------------------
def _when_where(inter: Interaction, ctx: CustomerContext) -> str:
    return f"{day_month(as_utc(inter.started_at), ctx.now)}, {CHANNEL_NOUNS.get(inter.channel, inter.channel)}"


def problem_words(ctx: CustomerContext, inter: Interaction, case: Case | None = None) -> Said | None:
    """What the customer asked for in a contact, in their own words: the sentence threading read as the problem,
    else the opening request (noise and short answers left out)."""
    if inter.channel in WRITTEN_NOTES:
        return None
    contact = next((c for c in case.contacts if c.interaction_id == inter.interaction_id), None) if case else None
    if contact is not None and contact.said and noise.quotable(contact.said):
        return Said(contact.said, contact.said_turn, "customer")
    return opening_request(inter, ctx.name)


_CLOSED = re.compile(r"\b(?:resolved|closed|complete[d]?|fixed|sorted)\b", re.I)


def contact_line(ctx: CustomerContext, inter: Interaction, case: Case | None = None,
                 story: list[Interaction] | None = None) -> DraftSentence | None:
    """One line per contact of the case: when and how, what the customer asked in their words, the outcome (an
    outcome recorded as resolved in a case that went on says it was raised again: the record was wrong then)."""
    asked = problem_words(ctx, inter, case)
    parts = [_when_where(inter, ctx)]
    cites = []
    if asked is not None:
        parts.append(f"\u201c{asked.quote(18)}\u201d")
        cites.append(asked.turn_id)
    if inter.outcome:
        outcome = f"outcome: {inter.outcome.rstrip('.')}"
        later = [i for i in story or [] if as_utc(i.started_at) > as_utc(inter.started_at)]
        if later and _CLOSED.search(inter.outcome):
            outcome += f"; raised again on {day_month(as_utc(later[0].started_at), ctx.now)}"
        parts.append(outcome)
    if len(parts) == 1:
        return None
    return DraftSentence(text=sentence(" \u2014 ".join(parts)),
                         citations=[Citation(interaction_id=inter.interaction_id, turn_ids=cites)] if cites else
                         [interaction_citation(inter, speaker=None)])


_FIRST_PERSON = re.compile(
    r"^(?:(?:so|ok(?:ay)?|right|now|and|also|yes|yeah|well)[, ]+)*(I|We)"
    r"(\'ve| have| had|\'d|\'m| am|\'re| are|\'ll| will)?\b", re.I)
_AGENT_AUX = {"'ve": "'ve", "have": " have", "had": " had", "'d": "'d", "'m": "'re", "am": " are", "'re": "'re",
              "are": " are", "'ll": "'ll", "will": " will"}


_ONGOING = re.compile(r"^we(?:'re| are|'ll| will)\b", re.I)
_CUSTOMER_STEP = " said: \u201c"  # how a step the customer took is shown: in their words


def step_words(fact: Fact, name: str, pipeline: str = DEFAULT_PIPELINE) -> str:
    """A step in the words it was said: ours with the speaker named ("we've run a line test"), the customer's
    quoted ("Dana said: “I've restarted the router twice”"): retelling the customer's sentence in the third
    person turns "I'm back where I started" into nonsense and "I emailed you" into something we did."""
    quote = str((fact.attributes or {}).get("quote") or fact.text).strip().rstrip(".")
    by_agent = (fact.attributes or {}).get("by") == "agent"
    if not by_agent:
        return f"{name}{_CUSTOMER_STEP}{quote}\u201d"
    m = _FIRST_PERSON.match(quote)
    if not m:
        return quote
    rest = quote[m.end():]
    aux = (m.group(2) or "").strip().lower()
    # "you" is "they", not the name: "any fees you pay" would read "any fees Miles pay"
    subject = "we" + _AGENT_AUX.get(aux, "")
    rest = told_about(rest, name, pipeline)
    return subject + rest


def steps_tried(ctx: CustomerContext, story: list[Interaction]) -> Lines:
    """What was tried in every contact of the case, each dated and cited (memory's action facts); an earlier
    contact's "today" carries its date."""
    out: Lines = []
    for inter in story:
        for f in ctx.facts_from(inter.interaction_id, "action"):
            words = reanchor(step_words(f, ctx.name, ctx.settings.language_pipeline), as_utc(inter.started_at), ctx.now)
            out.append(DraftSentence(text=sentence(f"{_when_where(inter, ctx)}: {words}"),
                                     citations=list(f.citations), grounded=True))
    return out


def headline(ctx: CustomerContext, story: list[Interaction], case: Case | None, sections: dict[str, Lines]) -> Lines:
    """At most ~100 words a colleague reads in twenty seconds: the problem in the customer's words with since when
    and how often, what was tried, where it stands, what they already gave us, how they feel, the next step."""
    first = story[0]
    lines: Lines = []
    asked = next(((i, a) for i in story if (a := problem_words(ctx, i, case)) is not None), None)
    channels = join_words(list(dict.fromkeys(CHANNEL_NOUNS.get(i.channel, i.channel) for i in story)))
    if len(story) > 1:
        # "At least": threading links only the contacts it is sure of (it misses some), so the count it has is a
        # floor; "third contact" would be false when it missed one.
        opening = f"At least {len(story)} contacts about this since " \
                  f"{day_month(as_utc(first.started_at), ctx.now)} ({channels})"
    else:
        who = ctx.name.capitalize() if ctx.name == "the customer" else ctx.name
        opening = (f"We contacted {ctx.name} " if we_started(first) else f"{who} got in touch ") + \
            f"{when_past(as_utc(first.started_at), ctx.now)} by {channels}"
    cites = [interaction_citation(i) for i in story[-3:]]
    reason = sections.get("reason", [])
    if asked is not None and (len(story) > 1 or not reason):
        inter, said = asked  # the problem as first put, in the customer's words
        opening += f"; on {day_month(as_utc(inter.started_at), ctx.now)}: \u201c{said.quote(20)}\u201d"
        cites = [Citation(interaction_id=inter.interaction_id, turn_ids=[said.turn_id]), *cites]
    if len(story) > 1 or not reason:  # one contact: why they are in touch says it, in reported speech
        lines.append(DraftSentence(text=sentence(opening), citations=merge_citations(cites), grounded=True))
    if len(story) == 1 or asked is None:
        lines += reason[-1:]
    done = sections.get("done", [])
    # ours first (what we did is what a colleague must not repeat), then the customer's latest, quoted
    ours = [s for s in done if _CUSTOMER_STEP not in s.text]
    steps = [s for s in done if s in ours[-(MAX_STEPS - 1):] or s in [t for t in done if t not in ours][-1:]]
    if steps:
        listed = [s.text.rstrip(".") for s in steps]
        lines.append(DraftSentence(text=sentence("Tried: " + "; ".join(listed)),
                                   citations=merge_citations(*[s.citations for s in steps]), grounded=True))
    for key in ("status", "next_step", "provided", "feeling"):
        got = sections.get(key, [])
        if got:
            lines.append(got[0])
    out: Lines = []
    words = 0
    for line in lines:  # in order of importance, within the budget
        n = len(line.text.split())
        if words + n > HEADLINE_WORDS and out:
            continue
        out.append(line)
        words += n
    return out


def _ordinal(n: int) -> str:
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


def _main_issue(issues: list[Fact], target: Interaction, case: Case | None = None) -> Fact | None:
    """The issue the contact is about: named in its tags, raised in it, still open, most recent. In a case of
    several contacts, only an issue read where the customer put the case's problem: "and while I'm here, different
    thing, I was charged twice" in the broadband case is another case, not what the handover is about."""
    tags = " ".join(target.tags).lower()
    if case is not None and len(case.contacts) > 1:
        problem_turns = {(c.interaction_id, c.said_turn) for c in case.contacts if c.said_turn}
        issues = [f for f in issues if any((c.interaction_id, t) in problem_turns
                                           for c in f.citations for t in c.turn_ids)]

    def rank(f: Fact) -> tuple[int, int, int, float]:
        # the contact handed over says what it is about first: an issue of an earlier contact that the case
        # swept in is not the headline of a handover about something else
        in_tags = int(bool(f.subject) and f.subject.lower() in tags)
        in_target = int(any(c.interaction_id == target.interaction_id for c in f.citations))
        is_open = int(f.status.lower() in {"open", "escalated", ""})
        return in_target, in_tags, is_open, (f.recorded_at.timestamp() if f.recorded_at else 0.0)

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
    # the customer's request in their words: retold in the third person it garbled on blind sets ("Lucía asks if
    # they got a letter"); our own call ("We called Tom about...") and a purpose they confirmed read well told
    if asked.reported and (asked.speaker != "customer" or CONFIRMED in asked.reported):
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
        named = the(issue_words(f)).capitalize()
        here = any(c.interaction_id == target.interaction_id for c in f.citations)
        last = max((as_utc(i.started_at) for i in story if any(c.interaction_id == i.interaction_id
                                                                for c in f.citations)), default=None)
        # said in the present only when this contact raised or updated it; else as it stood when last mentioned,
        # and not at all while the customer is on the line about it (memory may not have read today's mention:
        # "open when last mentioned, on 4 August" to a customer raising it today is false)
        if not here and live(ctx, target):
            return []
        text = f"{named} is {f.status or 'open'}" if here or last is None else \
            f"{named} was {f.status or 'open'} when last mentioned, {when_past(last, ctx.now)}"
        text += f", reference {ref}" if ref else ""
        out = [DraftSentence(text=sentence(text), citations=list(f.citations), grounded=True)]
    elif target.outcome:
        when = when_past(as_utc(target.started_at), ctx.now)
        outcome = target.outcome.strip().rstrip(".")
        # the record's date leads, so it never reads as the date of something in the outcome ("before move on 9
        # October" when the move is in January)
        said = outcome[:1].lower() + outcome[1:] if outcome[1:2].islower() else outcome
        short = len(outcome.split()) <= 3 and not re.search(r"\d|;", outcome)  # "Resolved on Wednesday" reads well
        text = f"{outcome[:1].upper() + outcome[1:]} {when}" if short else f"Recorded {when}: {said}"
        text += f", reference {ref}" if ref else ""
        out = [DraftSentence(text=sentence(text), citations=[interaction_citation(target, speaker=None)],
                             grounded=True)]
    else:
        return []
    action = key_action(target, ctx.name)
    if action is not None:
        # in the words said: reported speech turned "they have flagged both" into the complaints team flagging
        who = "we" if action.speaker != "customer" else ctx.name
        done = f"{who} said: \u201c{action.quote()}\u201d"
        out.append(DraftSentence(text=sentence(("Latest, " if issues else "") + (done if issues else
                                                                                   done[:1].upper() + done[1:])),
                                 citations=_cite(target, action)))
    return out


def _case_line(case: Case | None, target: Interaction, issues: list[Fact]) -> Lines:
    if case is None or len(case.contacts) < 2:  # one contact: its own status says where it stands
        return []
    # only an escalation said in a contact is told; "waiting on the customer" or "open" is threading's guess from
    # who spoke last and was wrong as often as right on blind sets, and a guessed team is for the picker
    if not (case.team and case.team_escalated):
        return []
    cites = list(issues[-1].citations) if issues else [interaction_citation(target, speaker=None)]
    return [DraftSentence(text=sentence(f"Escalated to the {team_phrase(case.team)}"), citations=cites,
                          grounded=True)]


def team_phrase(team: str) -> str:
    return team if team.lower().endswith(("team", "desk", "department")) else f"{team} team"


def introduction(ctx: CustomerContext, target: Interaction, story: list[Interaction], case: Case | None, team: str,
                 colleague: str | None, sections: dict[str, Lines], asked: Said | None) -> Lines:
    """What the first agent says to bring the colleague in, naming both people and the problem, in one of a few
    forms (picked by the case, so one case always reads the same and a desk of cases does not read as one
    template)."""
    who = colleague or "my colleague"
    address = colleague or "Colleague"
    issues = story_facts(ctx, story, "issue")
    main_issue = _main_issue(issues, target, case)
    about = the(issue_words(main_issue).split(" (")[0]) if main_issue else "this"
    # said aloud without dates: an earlier day's "we're emailing the form now" would sound like today's
    steps = []
    for i in story:
        for f in ctx.facts_from(i.interaction_id, "action"):
            words = step_words(f, ctx.name, ctx.settings.language_pipeline)
            if (f.attributes or {}).get("by") == "agent" and (
                    as_utc(i.started_at).date() == ctx.now.date() or not _ONGOING.match(words)):
                steps.append(reanchor(words, as_utc(i.started_at), ctx.now))
    steps = steps[-3:]
    n = len(customer_contacts(story))  # "in touch N times": their contacts, not our letters
    since = day_month(as_utc(story[0].started_at), ctx.now)
    team_words = team_phrase(team)
    form = int(hashlib.sha1((case.case_id if case else target.interaction_id).encode()).hexdigest(), 16) % 3
    if main_issue is None and asked is not None and asked.reported and (asked.speaker != "customer"
                                                                         or CONFIRMED in asked.reported):
        reported = asked.reported.replace(CONFIRMED, "").rstrip(".")
        told = f"{address}, w{reported[1:]}" if reported.startswith("We called") else \
            f"{address}, I have {ctx.name} with me: {reported}"
        to_customer = f"{ctx.name}, I'd like to introduce you to {who} from our {team_words}, who can help with this"
    elif form == 0:
        to_customer = f"{ctx.name}, I'm bringing in {who} from our {team_words}, who'll take it from here"
        told = f"{address}, {ctx.name} has been in touch about {about}" + (f" at least {times(n)} since {since}"
                                                                             if n > 1 else "")
    elif form == 1:
        to_customer = f"{ctx.name}, I'm going to pass you to {who} in our {team_words}, who can help with " \
                      f"{about if about != 'this' else 'this'}"
        told = f"{address}, I have {ctx.name} here about {about}" + (f", at least the {_ordinal(n)} contact since "
                                                                       f"{since}" if n > 1 else "")
    else:
        to_customer = f"{ctx.name}, {who} from our {team_words} is joining us and will look after " \
                      f"{about if about != 'this' else 'this'} from now on"
        told = f"{address}, this is {ctx.name}, about {about}" + (f"; they've been in touch at least {times(n)} "
                                                                   f"since {since}" if n > 1 else "")
    if steps:
        told += f"; so far {join_words(steps)}"
    extras = []
    if any(s.text.startswith("Already verified") for s in sections.get("provided", [])):
        extras.append(f"{ctx.name} is already verified, so no security questions")
    if sections.get("next_step"):
        extras.append("they are waiting for what we promised")
    to_colleague = told + (f"; {'; '.join(extras)}" if extras else "")
    used = [s.citations for key in ("headline", "done", "provided", "next_step") for s in sections.get(key, [])]
    cites = merge_citations(*used) or [interaction_citation(target)]
    if ctx.known_name is None and to_customer.startswith(f"{ctx.name}, "):
        # no name to call them by: "The customer, I'm going to pass you..." is no way to speak to anyone
        rest = to_customer[len(ctx.name) + 2:]
        to_customer = rest[:1].upper() + rest[1:]
    return [DraftSentence(text=sentence(to_customer), citations=cites, grounded=True),
            DraftSentence(text=sentence(to_colleague), citations=cites, grounded=True)]
