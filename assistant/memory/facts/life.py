"""Life events: exams, a baby, a move, a trip, a wedding, a new job... with who they are about (a named family
member where we know one) and when they happen, resolved against the date they were mentioned."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources

import yaml

from assistant.language.reading import Statement
from assistant.language.time import Span, find_spans
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, Said, first_person, make_fact
from assistant.memory.facts.prototypes import passes
from assistant.models import Fact

_ANY_EVENT = re.compile("|".join(p.pattern for p, _ in lx.LIFE_EVENTS.values()), re.I)
_THIRD_PERSON = re.compile(r"\b(she|he|she's|he's|her|his|they're)\b", re.I)
# Relation before a name without "my": "for daughter Amy's costs", "son Leo arrived".
_BARE_RELATION = re.compile(r"\b(" + "|".join(lx.RELATIONS) + r") " + lx.NAME)

# event -> (upcoming phrase, past phrase); {who} is the person, {when} the time words
_PHRASES = {
    "exams": ("{who} has exams{when}", "{who} had exams{when}"),
    "graduation": ("{who} graduates{when}", "{who} graduated{when}"),
    "university": ("{who} is starting university{when}", "{who} started university{when}"),
    "maternity": ("{who} is going on {noun}{when}", "{who} went on {noun}{when}"),
    "baby": ("Baby due{when}", "{who} was born{when}"),
    "move": ("{who} is moving{place}{when}", "{who} moved{place}{when}"),
    "driving_test": ("{who} has a driving test{when}", "{who} passed the driving test{when}"),
    "travel": ("{who} is travelling{place}{when}", "{who} travelled{place}{when}"),
    "wedding": ("{who} is getting married{when}", "{who} got married{when}"),
    "new_job": ("{who} is starting a new job{when}", "{who} started a new job{when}"),
    "job_loss": ("{who} is losing their job{when}", "{who} lost their job{when}"),
    "retirement": ("{who} is retiring{when}", "{who} retired{when}"),
    "separation": ("{who} is separating{when}", "{who} separated{when}"),
    "new_car": ("{who} is getting a new car{when}", "{who} got a new car{when}"),
    "health": ("{who} has a health matter coming up{when}", "{who} had a health matter{when}"),
    # {who} is the person who died, when the customer said who (see describe for when they did not).
    "bereavement": ("{who}'s funeral is coming up{when}", "{who} passed away{when}"),
    "birthday": ("{who} has a birthday{when}", "{who} had a birthday{when}"),
    "marathon": ("{who} is running {noun}{when}", "{who} ran {noun}{when}"),
    "challenge": ("{who} is doing {noun}{when}", "{who} did {noun}{when}"),
    "school": ("{who} is starting school{when}", "{who} started school{when}"),
    "accident": ("{who} had an accident{when}", "{who} had an accident{when}"),
}


# Words that often mean a product or an aside rather than an event in the customer's life: need "I"/"we" near.
_NEEDS_FIRST_PERSON = {"travel", "health", "new_car", "birthday", "job_loss", "retirement", "separation", "accident"}
# A sentence that leaves out its "I": "Picked up a new car last week", "Had a bit of a prang yesterday".
_SUBJECTLESS = re.compile(r"^\W*(?:just |finally )?(?:picked up|bought|had|got|been|went|started|finished|passed|"
                          r"off to|back at work)\b", re.I)
# Words that only ever mean the event ("passed away", "knee operation", "due in March"): the prototype check,
# which MiniLM scores near its floor on such short plain sentences, would only lose them.
_SPOUSES = {"wife", "husband", "partner", "girlfriend", "boyfriend", "fiancé", "fiancée"}
_UNAMBIGUOUS = {"bereavement", "health", "baby", "separation"}
_PRECISION = {"day": 0, "week": 1, "month": 2, "season": 3, "range": 4, "year": 5}
_LEAVE_DAYS = 270  # parental leave runs about nine months from its start


# Not an event of theirs: what would happen if ("If I ever retire..."), what a product covers ("Does the policy
# cover maternity leave?"), the news and the screen, someone else's wedding, a friend's or a neighbour's news ("my
# neighbour's daughter has her exams"), their job ("I'm a funeral director").
_NOT_THEIRS = re.compile(r"\bif (?:i|we) (?:ever|were to|was to|decide)\b|\bwould i be able\b|"
                         r"\b(?:does|do|will|would) (?:the|my|your|this|it) (?:policy |insurance |account )?cover\b|"
                         r"\bwhat happens (?:to|if|when)\b|\bdid you see\b|\b(?:the|a) film\b|"
                         r"\bon (?:tv|telly|the news)\b|"
                         r"\broyal wedding\b|\b(?:went to|at|going to) (?:a|someone's|a friend's|his|her) wedding\b|"
                         r"\b(?:friend|neighbour|neighbor|colleague|mate|boss)(?:'s| of)\b|"
                         r"\b(?:my|our|a) (?:friend|neighbour|neighbor|colleague|mate|boss|workmate) (?:is|was|has|had|"
                         r"just|got)\b|"
                         # being born is never news of the customer's ("born and raised in Ohio"), nor is a habit
                         r"\bborn and (?:raised|bred)\b|\b(?:i|we) (?:was|were) born\b|\bwhenever\b|\bevery time\b",
                         re.I)
_THEIR_TRADE = re.compile(r"\b(?:funeral director|undertaker|wedding planner|midwife|registrar)\b", re.I)


# The life-event classifiers' kinds, as the events this module knows (see lexicon.LIFE_EVENTS).
_KINDS = {"birth": "baby", "pregnancy": "baby", "death": "bereavement", "illness": "health", "move": "move",
          "wedding": "wedding", "divorce": "separation", "new job": "new_job", "job loss": "job_loss",
          "retirement": "retirement", "exams": "exams", "school": "school", "travel": "travel", "new car": "new_car"}
EVENT_FLOOR = 0.85  # the classifier's probability that a sentence is news, for one no pattern found
KIND_FLOOR = 0.5


@lru_cache(maxsize=1)
def _word_kinds() -> dict[str, str]:
    """word -> the event it hints at ("any" for words of many kinds), from language/data/life_words.yaml."""
    data = yaml.safe_load(resources.files("assistant.language").joinpath("data/life_words.yaml").read_text("utf-8"))
    return {str(w).lower(): kind for kind, words in data.items() for w in words}


def _life_words() -> frozenset[str]:
    return frozenset(_word_kinds())


_TOKEN = re.compile(r"[a-z&-]+")


def broad_candidates(conversation: Conversation) -> list[Said]:
    """Customer sentences that use a word life news is told in, for the classifiers to read ("Sophie started her
    mocks this morning", "Mam's in hospital"): those the patterns picked too, so the classifier can keep one the
    prototype check would lose."""
    words = _life_words()
    return [s for s in conversation.said if s.speaker == "customer" and 3 <= len(s.text.split()) <= 60
            and any(w in words for w in _TOKEN.findall(s.text.lower())) and not _NOT_THEIRS.search(s.text)
            and not _THEIR_TRADE.search(s.text)]


def _classified(conversation: Conversation, said: Said) -> tuple[str, int] | None:
    """(event, character offset of its word) when the classifiers read the sentence as news: the kind its words
    hint at when they agree on one, else the kind classifier's when it is sure enough."""
    scores = conversation.gate.get(id(said), {})
    if scores.get("life:event", 0.0) < EVENT_FLOOR:
        return None
    hinted = [(m.start(), _word_kinds()[m.group(0)]) for m in _TOKEN.finditer(said.text.lower())
              if m.group(0) in _word_kinds()]
    kinds = {k for _, k in hinted if k != "any"}
    if len(kinds) == 1:
        event = kinds.pop()
        return event, next(at for at, k in hinted if k == event)
    guesses = {k[5:]: v for k, v in scores.items() if k.startswith("kind:")}
    if not guesses:
        return None
    kind, p = max(guesses.items(), key=lambda kv: kv[1])
    event = _KINDS.get(kind)
    if event is None or p < KIND_FLOOR or (kinds and event not in kinds):
        return None
    return event, hinted[0][0] if hinted else 0


def life_event_candidates(conversation: Conversation) -> list[Said]:
    """Customer sentences naming a life event, about themselves or someone close."""
    known = bool(known_people(conversation))
    out = []
    for s in conversation.matching(_ANY_EVENT, "customer"):
        turn = " ".join(x.text for x in conversation.turn_sentences(s))
        if _NOT_THEIRS.search(s.text) or _THEIR_TRADE.search(turn):
            continue
        event = _event(s.text)[0]
        personal = first_person(turn) or _SUBJECTLESS.match(s.text) or lx.RELATION_RE.search(s.text) or (
            _named(s.text)) or (known and _THIRD_PERSON.search(s.text))
        if personal or event not in _NEEDS_FIRST_PERSON:
            out.append(s)
    return out


# Where a sentence turns from the event to a request or an aside: "We're getting married in Crete next summer, could
# I set up a savings pot for it?" The prototype check reads the event's own clause, which the rest would outweigh.
_CLAUSE_BREAK = re.compile(r"[,;:]\s+(?=(?:so|and|but|could|can|will|would|do|does|is|are|please|how|what|which|"
                           r"i'd|i'm|i|we|he|she|they|it|it's|there's)\b)|"
                           r"\s+so\s+(?=(?:i|we|can|could|he|she|they|there's|it's)\b)|\s+and\s+(?=(?:wanted|"
                           r"want|need|needed|would|could|can|it|it's|i|i'd|i'll|i'm|we|so|then)\b)|\s+-+\s+", re.I)


def event_clause(text: str) -> str:
    """The clause of `text` that names the event (all of it when nothing splits it)."""
    _, m = _event(text)
    if m is None:
        return text
    start, end = 0, len(text)
    for b in _CLAUSE_BREAK.finditer(text):
        if b.end() <= m.start():
            start = b.end()
        elif b.start() >= m.end():
            end = b.start()
            break
    return text[start:end].strip() or text


def _event(text: str) -> tuple[str, re.Match[str] | None]:
    for event, (pattern, _) in lx.LIFE_EVENTS.items():
        m = pattern.search(text)
        if m:
            return event, m
    return "", None


def _named(text: str) -> tuple[str, str] | None:
    """(name, relation) stated in the text: "my daughter Amy", "Amy, my daughter", "son Leo"."""
    for pattern in [*lx.NAMED_RELATION_RES, _BARE_RELATION]:
        for m in pattern.finditer(text):
            a, b = m.group(1), m.group(2)
            name, relation = (b, a) if a.lower() in lx.RELATIONS else (a, b)
            if name not in lx.NOT_NAMES and name[:1].isupper():
                return name, lx.RELATIONS[relation.lower()]
    return None


def known_people(conversation: Conversation) -> dict[str, str]:
    """Family members we know by name: from earlier facts and anywhere in this conversation."""
    cached = conversation.memo.get("people")
    if cached is not None:
        return cached  # type: ignore[return-value]
    people: dict[str, str] = {}
    for fact in conversation.prior:
        person, relation = fact.attributes.get("person"), fact.attributes.get("relation")
        if person and relation:
            people[person] = relation
    for said in conversation.said:
        got = _named(said.text)
        if got:
            people[got[0]] = got[1]
    conversation.memo["people"] = people
    return people


def _person(conversation: Conversation, said: Said, at: int) -> tuple[str | None, str | None]:
    """Who the event is about: (name, relation), or (None, None) for the customer themselves. `at` is where the
    event's words start: "I'm going to sell up" is about the customer even if Rohan was named earlier on."""
    known = known_people(conversation)
    lead = said.text[max(0, at - 40): at]
    if re.search(r"\band (?:i|me)\s+(?:\w+\s+){0,3}$", lead, re.I):  # "my wife and I just had a baby": theirs
        return None, None
    if re.search(r"\b(i|i'm|i've|i'll|i'd|we|we're|we've|we'll)\s+(?:\w+\s+){0,3}$", lead, re.I) and not (
            lx.RELATION_RE.search(lead) or _named(lead)):
        return None, None
    got = _named(said.text)
    if got:
        return got
    m = lx.RELATION_RE.search(said.text)
    if m:
        relation = lx.RELATIONS[m.group(1).lower()]
        return next((n for n, r in known.items() if r == relation), None), relation
    for name in re.findall(lx.NAME, said.text):
        if name in known:
            return name, known[name]
    if _THIRD_PERSON.search(said.text) and known:
        # "She's got her exams next week": the last person named before this sentence.
        for earlier in reversed([s for s in conversation.said if s.index <= said.index and s is not said]):
            for name in re.findall(lx.NAME, earlier.text):
                if name in known:
                    return name, known[name]
            m = lx.RELATION_RE.search(earlier.text)
            if m:
                relation = lx.RELATIONS[m.group(1).lower()]
                return next((n for n, r in known.items() if r == relation), None), relation
    return None, None


# Event words that are themselves in the future: "I've just been told my job's going at Christmas" is news just
# heard of a loss still ahead.
_FUTURE_EVENT = re.compile(r"(?:'s|\bis) going\b|\bstarts?\b|\bgoes into\b|\bturns?\b", re.I)


def _when(said: Said, conversation: Conversation, match: re.Match[str] | None,
          statement: Statement) -> tuple[Span | None, bool]:
    """The event's time, and whether it lies ahead as of the conversation (the grammar's tense decides when no
    date is said; a date said decides over it)."""
    ahead = statement.ahead or statement.status == "cancelled" and not lx.PAST_CUES.search(said.text)
    if match is not None and _FUTURE_EVENT.search(match.group(0)):
        ahead = True
    # A date is read backwards only when the event has happened or has been going on ("since October");
    # otherwise "in April" is the next April.
    behind = statement.status == "happened" or statement.status == "ongoing" and bool(lx.PAST_CUES.search(said.text)
                                                                                     or "since" in said.text.lower())
    direction = "past" if behind and not ahead else "future"
    spans = find_spans(said.text, said.at, direction)
    if not spans:  # "Amy has exams." then "It's the week of the 16th." — look at the rest of the turn
        for other in conversation.turn_sentences(said):
            if other is not said:
                spans = find_spans(other.text, said.at, direction)
                if spans:
                    break
    span = spans[0] if spans else _bare_day(said.text, said.at, ahead)
    if span is not None:  # "I lost my mum in the spring", said in May: the spring is not over, the loss is
        ahead = span.start > said.at if behind and not ahead else span.end > said.at
    return span, ahead


_BARE_DAY = re.compile(r"\bon the (\d{1,2})(?:st|nd|rd|th)\b(?! of\b)", re.I)


def _bare_day(text: str, at: datetime, ahead: bool) -> Span | None:
    """"On the 16th" with no month: the nearest such day of a month, ahead of or before when it was said."""
    m = _BARE_DAY.search(text)
    if m is None or not 1 <= int(m.group(1)) <= 31:
        return None
    day, year, month = int(m.group(1)), at.year, at.month
    for _ in range(3):
        try:
            start = at.replace(year=year, month=month, day=day, hour=0, minute=0, second=0, microsecond=0)
        except ValueError:
            start = None
        if start is not None and (start + timedelta(days=1) > at if ahead else start <= at):
            return Span(start, start + timedelta(days=1), m.group(0)[3:], "day")
        month += 1 if ahead else -1
        if month in (0, 13):
            year, month = year + (1 if month == 13 else -1), 12 if month == 0 else 1
    return None


def life_events(conversation: Conversation) -> list[Fact]:
    found: dict[tuple[str, str], Fact] = {}
    classified = {id(s): got for s in broad_candidates(conversation) if (got := _classified(conversation, s))}
    picked = life_event_candidates(conversation)
    chosen = {id(s): s for s in [*picked, *(s for s in conversation.said if id(s) in classified)]}
    for said in sorted(chosen.values(), key=conversation.position):
        scores = conversation.gate.get(id(said), {})
        event, match = _event(said.text)
        at = match.start() if match else 0
        by_pattern = match is not None and any(s is said for s in picked) and (
            not scores or event in _UNAMBIGUOUS or passes(scores, "life_event", "not_life_event", floor=0.35)
            or _calls_off_a_plan(conversation, said, event, at))
        if not by_pattern:
            if id(said) not in classified:
                continue
            event, at = classified[id(said)]  # the classifiers found it (or kept it from the prototype check)
            match = None
        # The grammar decides whose news it is and whether it is news at all (one place: language.reading).
        statement = conversation.statement(said, at)
        if statement.about in ("third_party", "agent") or statement.status in _NOT_AN_EVENT:
            continue
        if statement.negated and statement.status in ("happened", "ongoing"):
            continue  # "I was not abroad in February", "we never went": denied, not news
        name, relation = _person(conversation, said, at)
        if statement.about == "relative" and not (name or relation):
            name, relation = statement.person, statement.relation
        if relation == "baby" and event == "baby" and not name:
            relation = None  # "until the baby's here": the baby is the event, not whose it is
        if statement.about == "customer" and relation and not _named(said.text):
            name, relation = None, None  # "we're expecting our first": theirs, though "baby" names a relation
        if event == "separation" and relation in _SPOUSES:  # "my wife and I have separated": the customer's own
            name, relation = None, None
        span, ahead = _when(said, conversation, match, statement)
        if event == "birthday" and span is None:
            continue  # "a cheque for my birthday" is not worth a fact without a date
        place = _place(said.text) if event in ("move", "travel") else None
        noun = lx.LIFE_EVENTS[event][1]
        if event == "maternity" and match is not None:
            noun = match.group(1).lower()
        if event == "marathon":
            noun = _race(said, conversation)
        if event == "challenge" and match is not None:
            noun = "the Three Peaks" if "peaks" in match.group(1).lower() else f"a {match.group(1).lower()}"
        subject = noun if event in ("baby", "move", "travel", "marathon", "challenge") or not (name or relation) else \
            f"{name or relation}'s {noun}"
        if place:
            subject = f"{'move' if event == 'move' else 'trip'} to {place}"
        valid_to = span.end if span else None
        if event == "maternity" and span is not None:
            valid_to = span.start + timedelta(days=_LEAVE_DAYS)
        tense = _tense(statement, ahead)
        status = "cancelled" if tense == "cancelled" else "upcoming" if ahead else "past"
        who_known = statement.about in ("customer", "relative") or bool(name or relation)
        attributes = dict(person=name, relation=relation, event=event, place=place, noun=noun,
                          when=_when_words(span) if span else None, tense=tense,
                          about="relative" if (name or relation) else statement.about if who_known else "unknown")
        if status == "cancelled":  # "the move's off now": the plan told of before, called off (it supersedes it)
            planned = _planned_before(conversation, event, name, relation)
            if planned is not None:
                subject = planned.subject
                attributes.update({k: planned.attributes.get(k) for k in ("place", "when", "about")
                                   if planned.attributes.get(k)})
        key = (event, (name or relation or "").lower())
        earlier = found.get(key)
        if earlier is not None:  # "I'm going to New Zealand in December ... I fly on the 8th of December"
            found[key] = _merge(conversation, earlier, said, span, attributes)
            continue
        confidence = statement.certainty if who_known else min(statement.certainty, 0.6)
        if not by_pattern:  # found by the classifiers alone: as sure as they are, and no surer
            confidence = min(confidence, scores.get("life:event", 0.0))
        found[key] = make_fact(
            conversation, "life_event", subject, describe(attributes, status), [said],
            status=status,
            valid_from=span.start if span else (None if ahead else said.at), valid_to=valid_to,
            confidence=confidence, quote=said.text, similarity=round(conversation.similarity(said, "life_event"), 3),
            precision=span.precision if span else None, **attributes,
        )
    return list(found.values())


# What-ifs, questions, habits and long-standing states are no events ("if we ever moved abroad", "we've lived here
# since the nineties"); a plan called off is kept, as cancelled, so drafts stop asking about it.
_NOT_AN_EVENT = {"hypothetical", "question", "habitual", "state"}


def _tense(statement: Statement, ahead: bool) -> str:
    """happened | ongoing | expected | planned | cancelled: the event's tense as said, fixed at reading time."""
    if statement.status == "cancelled":
        return "cancelled"
    if ahead:
        return statement.status if statement.status in ("expected", "planned") else "planned"
    return "ongoing" if statement.status == "ongoing" else "happened"


def _merge(conversation: Conversation, fact: Fact, said: Said, span: Span | None, attributes: dict) -> Fact:  # type: ignore[type-arg]
    turn_ids = [*fact.citations[0].turn_ids, said.turn_id]
    update: dict[str, object] = {"citations": [fact.citations[0].model_copy(update={
        "turn_ids": list(dict.fromkeys(turn_ids))})]}
    old = _PRECISION.get(fact.attributes.get("precision") or "", 9)
    if span is not None and _PRECISION.get(span.precision, 9) < old:
        merged = {**fact.attributes, "when": _when_words(span), "precision": span.precision}
        if not merged.get("place") and attributes.get("place"):
            merged["place"] = attributes["place"]
        update.update(valid_from=span.start, valid_to=span.end, attributes=merged,
                      text=describe(merged, fact.status))
    return fact.model_copy(update=update)


def _calls_off_a_plan(conversation: Conversation, said: Said, event: str, at: int) -> bool:
    """"The move's off now" reads like no event at all; after a move was planned it is the plan's end."""
    return bool(event) and any(f.kind == "life_event" and f.status == "upcoming" and f.attributes.get("event") == event
                               for f in conversation.prior) and conversation.statement(said, at).status == "cancelled"


def _planned_before(conversation: Conversation, event: str, name: str | None, relation: str | None) -> Fact | None:
    """The latest plan of this event (same person) told in an earlier contact."""
    plans = [f for f in conversation.prior if f.kind == "life_event" and f.status == "upcoming"
             and f.attributes.get("event") == event and f.attributes.get("person") == name
             and f.attributes.get("relation") == relation]
    return plans[-1] if plans else None


def describe(attributes: dict, status: str) -> str:  # type: ignore[type-arg]
    """The fact's sentence, in the tense its status calls for (re-rendered when read at a later `now`)."""
    event = attributes.get("event", "")
    name, relation = attributes.get("person"), attributes.get("relation")
    who = f"{name} ({relation})" if name and relation else name or (f"Their {relation}" if relation else "Customer")
    if who == "Customer" and attributes.get("about") == "unknown" and event != "bereavement":
        who = "Someone"  # whose news it is was not clear: the text does not say it is the customer's
    if status == "unconfirmed":  # its date has passed and nobody said it happened: what was said, no more
        whose = "Their" if who == "Customer" and attributes.get("about") == "relative" else who
        place, when = attributes.get("place"), attributes.get("when")
        verb = "was due" if attributes.get("tense") == "expected" else "was planned"
        return f"{whose}'s {attributes.get('noun') or event}{f' to {place}' if place else ''} {verb}" \
               f"{f' {when}' if when else ''}; not confirmed since".replace("Their's", "Their")
    if status == "cancelled":  # "Customer's move to Leeds in spring 2026 was called off", never "moved"
        whose = "Their" if who == "Customer" and attributes.get("about") == "relative" else who
        place, when = attributes.get("place"), attributes.get("when")
        return f"{whose}'s {attributes.get('noun') or event}{f' to {place}' if place else ''}" \
               f"{f' {when}' if when else ''} was called off".replace("Their's", "Their")
    phrases = _PHRASES.get(event, ("{who} has an event coming up{when}", "{who} had an event{when}"))
    phrase = phrases[0 if status in ("upcoming", "ongoing") else 1]
    if event == "baby" and who == "Customer" and status not in ("upcoming", "ongoing"):
        phrase = "Customer had a baby{when}"  # "we just had a baby boy": the baby, not the customer, was born
    if event == "bereavement" and who == "Customer":
        phrase = "A funeral in the family is coming up{when}" if status in ("upcoming", "ongoing") \
            else "Customer was bereaved{when}"
    place, when = attributes.get("place"), attributes.get("when")
    if event == "maternity" and status == "ongoing":
        phrase = "{who} is on {noun}{when}"
        when = re.sub(r"^(?:in|on|from) ", "since ", when or "") or None
    return phrase.format(who=who, noun=attributes.get("noun", ""), place=f" to {place}" if place else "",
                         when=f" {when}" if when else "")


def _race(said: Said, conversation: Conversation) -> str:
    named = re.search(r"\b([A-Z][a-z]+) (?:Half )?Marathon\b", said.text)
    if named is None:  # "marathon training" ... "Brighton in April!"
        later = [s.text for s in conversation.said if s.index > said.index and s.speaker == "customer"]
        named = re.search(r"^([A-Z][a-z]+) in [A-Z]", later[0]) if later else None
    return f"the {named.group(1)} Marathon" if named and named.group(1) not in lx.NOT_NAMES else "a marathon"


def _place(text: str) -> str | None:
    m = lx.PLACE_RE.search(text)
    if m is None or m.group(1) in lx.NOT_NAMES or lx.PRODUCT_RE.fullmatch(m.group(1)):
        return None
    first = m.group(1).split()[0]
    return None if first.lower() in lx.MONTHS_AND_DAYS else m.group(1)


def _when_words(span: Span) -> str:
    label = span.label()
    if span.precision == "day":
        return f"on {label}"
    if span.precision in ("month", "year", "season"):
        return f"in {label}"
    return label if label.startswith("the ") else f"from {label}"
