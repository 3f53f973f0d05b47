"""Life events in the right tense: "Good luck to Amy with her exams next week", "How did Amy's exams go?",
"How are the wedding plans going?". Which events are worth a personal touch, and how to say it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from assistant.drafting.context import CustomerContext, event_parts, fact_time
from assistant.drafting.phrasing import possessive, pronoun_for, sentence, when_future
from assistant.models import Citation, Fact, as_utc

NEAR_DAYS = 30  # an event closer than this is wished luck for; further away we ask how the plans are going
AHEAD_DAYS = 200  # further ahead than this is not small-talk material yet
PAST_DAYS = 30  # how long after an event we still ask how it went
LOSS_DAYS = 90  # how long after a death the customer told us of we still acknowledge it

# keywords -> (near future, far future, past, ongoing). {who}: "Amy"/"you"; {whose}: "Amy's"/"your";
# {pron}: "her"/"his"/"their"/"your"; {event}; {when}: "next week"; {subj}/{have}/{be}: verb agreement.
_PHRASES: list[tuple[tuple[str, ...], tuple[str, str, str, str]]] = [
    # First: "birth" (a baby) is in "birthday".
    (("birthday", "anniversary"),
     ("Happy early {event} to {who}", "Happy early {event} to {who}", "I hope {subj} had a lovely {event}",
      "Happy {event} to {who}")),
    (("exam", "test", "interview", "audition", "gcse", "a-level", "finals", "dissertation", "mocks"),
     ("Good luck to {who} with {pron} {event} {when}", "Good luck to {who} with {pron} {event} {when}",
      "How did {whose} {event} go?", "I hope {whose} {event} are going well")),
    (("school", "reception", "nursery"),
     ("Good luck to {who} starting school {when}", "Good luck to {who} starting school {when}",
      "How is {who} getting on at school?", "How is {who} getting on at school?")),
    (("universit", "college"),
     ("Good luck to {who} starting university {when}", "How are {whose} university plans coming along?",
      "How is {who} getting on at university?", "How is {who} getting on at university?")),
    (("graduat",), ("Congratulations in advance on {whose} graduation {when}", "Congratulations in advance on "
                    "{whose} graduation", "How was {whose} graduation?", "Congratulations on {whose} graduation")),
    (("marathon", "race", "half-marathon", "training", "challenge", "three peaks", "sponsored", "skydive"),
     ("Good luck with the {event} {when}", "How's the training for the {event} going?", "How did the {event} go?",
      "How's the training going?")),
    (("trip", "holiday", "travel", "honeymoon", "vacation", "flight"),
     ("I hope {subj} {have} a wonderful {event} {when}", "How are the plans for {whose} {event} coming along?",
      "How was {whose} {event}?", "I hope {whose} {event} is going well")),
    # Before "wedding": a separation is acknowledged as gently as a lost job, never asked about.
    (("separation", "separat", "divorc"),
     ("I hope things go as smoothly as they can {when}", "I hope things go as smoothly as they can",
      "I hope things are going as smoothly as they can", "I hope things are going as smoothly as they can")),
    (("wedding", "married", "engaged"),
     ("Congratulations on the wedding coming up {when}", "How are the wedding plans going?",
      "How was the wedding?", "Congratulations on the wedding")),
    (("baby", "birth", "born", "pregnan", "maternity"),
     ("I hope all goes smoothly with the new baby {when}", "I hope all goes well with the baby on the way",
      "Congratulations on the new baby!", "Congratulations on the new baby")),
    (("move", "moving", "relocat", "new home", "new house", "new flat"),
     ("Good luck with the {event} {when}", "How are the plans for the {event} going?",
      "How are you settling in after the {event}?", "I hope the {event} is going smoothly")),
    # Before "job": a lost job gets no "good luck with the new job", a retirement no "how is the job going".
    (("job loss", "lost their job", "losing their job"),
     ("I hope things go as smoothly as they can with the change at work {when}",
      "I hope things go as smoothly as they can with the change at work", "I hope things have settled since",
      "I hope things are going as smoothly as they can")),
    (("retire",),
     ("Congratulations on the retirement {when}", "How are the retirement plans coming along?",
      "How are you enjoying retirement?", "How are you enjoying retirement?")),
    (("job", "role", "promotion", "career"),
     ("Good luck with the {event} {when}", "Good luck with the {event} {when}", "How is the {event} going?",
      "How is the {event} going?")),
    # Before "car": a crash is asked after as a person's wellbeing, never as "how's the car".
    (("accident", "crash", "prang"),
     ("I hope {subj} {be} all right after the accident", "I hope {subj} {be} all right after the accident",
      "I hope {subj} {be} all right after the accident", "I hope {subj} {be} all right after the accident")),
    (("car", "van", "motorbike"),
     ("Enjoy the {event} when it arrives {when}", "Enjoy the {event} when it arrives",
      "How are you getting on with the {event}?", "How are you getting on with the {event}?")),
    (("passed away", "bereave", "funeral", "loss", "died"),
     ("I'm thinking of you ahead of the funeral {when}", "I'm thinking of you",
      "I was so sorry to hear about your loss", "I was so sorry to hear about your loss")),
    (("hospital", "surgery", "operation", "treatment", "health", "injur", "recover"),
     ("I hope everything goes well at the hospital {when}", "I hope everything goes well with the treatment",
      "I hope {subj} {be} recovering well", "I hope {subj} {be} doing all right")),
]
_GENERIC = ("I hope {whose} {event} goes well {when}", "How are the plans for {whose} {event} going?",
            "How did {whose} {event} go?", "I hope {whose} {event} is going well")
_EVENT_NAMES = {"new_job": "new job", "job_loss": "job loss",
                "new_car": "new car", "baby": "new baby", "travel": "trip", "move": "move",
                "health": "treatment", "bereavement": "loss", "university": "university", "maternity": "new baby",
                "maternity leave": "new baby", "challenge": "charity challenge"}


def window(fact: Fact) -> tuple[datetime | None, datetime | None]:
    start = as_utc(fact.valid_from) if fact.valid_from else None
    end = as_utc(fact.valid_to) if fact.valid_to else start
    return start, end


def tense(fact: Fact, now: datetime) -> str:
    """upcoming | ongoing | past, from the event's dates against now (a stored status is as of recording)."""
    start, end = window(fact)
    if start and start > now:
        return "upcoming"
    if end and end <= now:
        return "past"
    if start or end:
        return "ongoing"
    status = (fact.status or "").lower()
    return status if status in {"upcoming", "ongoing", "past"} else "ongoing"


def distance_days(fact: Fact, now: datetime) -> float:
    """How far the event is from now, in days (0 while it is happening)."""
    start, end = window(fact)
    if start and start > now:
        return (start - now).total_seconds() / 86400
    if end and end < now:
        return (now - end).total_seconds() / 86400
    if start or end:
        return 0.0
    return (now - fact_time(fact, now)).total_seconds() / 86400  # undated: as old as what we heard


def outcome_known(fact: Fact) -> bool:
    """We already heard how it went: the fact was recorded after the event ended, or carries an outcome."""
    _, end = window(fact)
    if (fact.attributes or {}).get("outcome"):
        return True
    return bool(end and fact.recorded_at and as_utc(fact.recorded_at) > end + timedelta(hours=12))


def worth_mentioning(fact: Fact, now: datetime) -> bool:
    t = tense(fact, now)
    d = distance_days(fact, now)
    if t == "upcoming":
        return d <= AHEAD_DAYS
    if t == "past":
        # A loss told after it happened is the news itself: acknowledged in the next contacts, not "how did it go".
        bereaved = (fact.attributes or {}).get("event") == "bereavement"
        return d <= (LOSS_DAYS if bereaved else PAST_DAYS) and (bereaved or not outcome_known(fact))
    return d <= PAST_DAYS or fact.valid_from is not None


# Events it is safe to ask after once their date has passed, though nobody told us how they went: exams happen
# on their day; a baby due, a move or a wedding may not have ("congratulations on the baby" before it is born).
_SAFE_AFTER = {"exams", "graduation", "birthday", "driving_test", "school", "university", "marathon", "challenge",
               "health"}


def called_off(fact: Fact, ctx: CustomerContext) -> bool:
    """A later contact said this plan is off ("the move is off")."""
    attrs = fact.attributes or {}
    for other in ctx.of("life_event"):
        o = other.attributes or {}
        if (other.status == "cancelled" or o.get("tense") == "cancelled") and o.get("event") == attrs.get("event") \
                and (o.get("person"), o.get("relation")) == (attrs.get("person"), attrs.get("relation")) \
                and fact_time(other, ctx.now) >= fact_time(fact, ctx.now):
            return True
    return False


def confident(fact: Fact, ctx: CustomerContext) -> bool:
    """May a draft say this event in its own words? Only what the reading was sure of, whose it is known, not
    called off, and not a thing expected that may or may not have happened since (precision first)."""
    attrs = fact.attributes or {}
    if fact.confidence < ctx.settings.confident_fact or attrs.get("about") == "unknown":
        return False
    said_tense = str(attrs.get("tense") or "")
    if said_tense == "cancelled" or fact.status == "cancelled" or called_off(fact, ctx):
        return False
    if said_tense == "expected" and tense(fact, ctx.now) == "past" and not outcome_known(fact):
        return str(attrs.get("event") or "") in _SAFE_AFTER  # a plan the customer made is taken to have happened
    return True


def candidates(ctx: CustomerContext) -> list[tuple[float, Fact]]:
    """Life events worth a personal touch now, best first."""
    out = []
    for fact in ctx.of("life_event"):
        if fact.status == "cancelled" or (fact.attributes or {}).get("tense") == "cancelled" \
                or not worth_mentioning(fact, ctx.now) or called_off(fact, ctx):
            continue
        d = distance_days(fact, ctx.now)
        heard = (ctx.now - fact_time(fact, ctx.now)).days
        score = 1.0 / (1.0 + d / 14) + 0.4 / (1.0 + heard / 30) + 0.2 * fact.confidence
        out.append((score, fact))
    out.sort(key=lambda x: -x[0])
    return out


def event_name(fact: Fact, ctx: CustomerContext) -> tuple[str | None, str | None, str]:
    person, relation, event = event_parts(fact, ctx.customer)
    if event == "baby" and tense(fact, ctx.now) != "past":
        event = "baby on the way"  # not "new baby" before it is born
    event = _EVENT_NAMES.get(event, event.replace("_", " "))
    place = (fact.attributes or {}).get("place")
    if place and str(place) not in event and event in {"move", "trip"}:
        event = f"{event} to {place}"
    for prefix in ("the ", "your ", "my ", "their "):
        event = event.removeprefix(prefix)
    return person, relation, event


def phrase(fact: Fact, ctx: CustomerContext) -> str:
    """What the agent could say about the event, in the tense that fits now."""
    person, relation, event = event_name(fact, ctx)
    words = f"{event} {fact.subject} {fact.text}".lower()
    near, far, past, ongoing = next((p for keys, p in _PHRASES if any(k in words for k in keys)), _GENERIC)
    t = tense(fact, ctx.now)
    start, _ = window(fact)
    if t == "upcoming":
        template = near if start is not None and distance_days(fact, ctx.now) <= NEAR_DAYS else far
    else:
        template = past if t == "past" else ongoing
    when = when_future(start, ctx.now) if start and t == "upcoming" else ""
    _, end = window(fact)
    if when and start and end and (end - start).days >= 25:  # a month-wide window: don't invent a day
        when = f"in {start.strftime('%B')}" + (f" {start.year}" if start.year != ctx.now.year else "")
    if person:
        values = {"who": person, "whose": possessive(person), "pron": pronoun_for(relation), "subj": person,
                  "have": "has", "be": "is"}
    elif relation:  # "My dad's had a stroke": your father is the one recovering, not the customer
        who = f"your {relation}"
        values = {"who": who, "whose": f"{who}'s", "pron": pronoun_for(relation), "subj": who, "have": "has",
                  "be": "is"}
    else:
        values = {"who": "you", "whose": "your", "pron": "your", "subj": "you", "have": "have", "be": "are"}
    if values["who"] != "you" and not re.search(r"\{(?:who|whose|subj)\}", template):
        # someone else's news: "Good luck to Josh with the new job", never "Good luck with the new job" to them
        template = re.sub(r"\bthe (\{event\}|new baby|baby on the way)", r"{whose} \1", template, count=1)
    text = template.format(event=event, when=when, **values)
    return sentence(text.replace(" ?", "?").replace(" .", ".").replace("  ", " ").strip())


# When memory has no life-event fact, the contact's own tags (set by the source system) can still say that
# something happened; only for a short list, and only for recent contacts.
_TAG_TOUCHES = {
    # a tag cannot tell whether the car is still being bought or already on the road: words that fit both
    "new car": ("the new car", "I hope all's going well with the new car"),
    "new baby": ("the new baby", "Congratulations on the new baby"),
    "wedding": ("the wedding", "How are the wedding plans going?"),
    "house move": ("the move", "How are the plans for the move going?"),
    "marathon": ("the marathon training", "How's the marathon training going?"),
}
TAG_DAYS = 30


def tag_touches(ctx: CustomerContext) -> list[tuple[str, str, Citation]]:
    """(topic, phrase, citation) for recent contacts tagged with a life event memory has no fact for."""
    known = " ".join(f"{f.subject} {f.text} {(f.attributes or {}).get('event', '')}" for f in ctx.of("life_event"))
    out: list[tuple[str, str, Citation]] = []
    for inter in reversed(ctx.recent(TAG_DAYS)):
        for tag in inter.tags:
            touch = _TAG_TOUCHES.get(tag.lower())
            key = tag.lower().split()[-1]
            if touch and key not in known.lower() and touch[0] not in [t for t, _, _ in out]:
                turns = [t.turn_id or "" for t in inter.turns if t.speaker == "customer"][:3]
                out.append((touch[0], sentence(touch[1]), Citation(interaction_id=inter.interaction_id,
                                                                   turn_ids=turns)))
    return out
