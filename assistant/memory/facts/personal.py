"""The customer as a person: life events (with the family member and the time they happen), preferences,
consent statements and details worth keeping."""

from __future__ import annotations

import re

from assistant.memory.dates import Span, find_spans
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, Said, first_person, make_fact
from assistant.memory.facts.prototypes import passes
from assistant.models import Fact

_EVENT_VERBS = {
    "exams": ("has exams", "had exams"), "graduation": ("graduates", "graduated"),
    "university": ("starts university", "started university"), "baby": ("is expecting a baby", "had a baby"),
    "move": ("is moving", "moved"), "travel": ("is travelling", "travelled"),
    "wedding": ("is getting married", "got married"),
    "new_job": ("is starting a new job", "started a new job"), "new_car": ("is getting a new car", "got a new car"),
    "health": ("has a health matter", "had a health matter"), "birthday": ("has a birthday", "had a birthday"),
}
_ACCESSIBILITY_RE = re.compile(r"\b(hard of hearing|deaf|hearing aid|partially sighted|blind|visually impaired|"
                               r"dyslexi\w+|wheelchair|large print|braille|carer)\b", re.I)
_WORK_RE = re.compile(r"\b(?:i work (?:as an? |at |in |for |nights|shifts|from home)[\w ]{0,30}|"
                      r"i(?:'m| am) an? (?:nurse|teacher|doctor|student|driver|engineer|carer|pilot|chef|"
                      r"police officer|firefighter|builder|farmer|self-employed|freelancer|[a-z]+ by trade))",
                      re.I)
_PET_RE = re.compile(r"\b(?:my|our) (?:new )?(dog|cat|puppy|kitten|horse)\b", re.I)


_ANY_EVENT = re.compile("|".join(p.pattern for p, _ in lx.LIFE_EVENTS.values()), re.I)
_ANY_DETAIL = re.compile("|".join(p.pattern for p in (_ACCESSIBILITY_RE, _WORK_RE, _PET_RE)), re.I)
_ANY_CONSENT = re.compile(f"{lx.CONSENT_OUT_RE.pattern}|{lx.CONSENT_IN_RE.pattern}", re.I)


def life_event_candidates(conversation: Conversation) -> list[Said]:
    """Customer sentences naming a life event, about themselves or someone close."""
    return [s for s in conversation.matching(_ANY_EVENT, "customer")
            if first_person(s.text) or lx.RELATION_RE.search(s.text) or _named_person(s.text)]


def _named_person(text: str) -> str | None:
    for pattern in lx.NAMED_RELATION_RES:
        m = pattern.search(text)
        if m:
            a, b = m.group(1), m.group(2)
            name = b if a.lower() in lx.RELATIONS else a
            if name not in lx.NOT_NAMES:
                return name
    return None


def _person(conversation: Conversation, said: Said) -> tuple[str | None, str | None]:
    """Who the event is about: (name, relation), from this sentence, this conversation or earlier facts."""
    text = said.text
    relation = None
    m = lx.RELATION_RE.search(text)
    if m:
        relation = lx.RELATIONS[m.group(1).lower()]
    name = _named_person(text)
    known = _known_people(conversation)
    if name is None:
        # "Amy has her exams": a capitalised name we already know from this customer.
        for candidate in re.findall(lx.NAME, text):
            if candidate in known:
                name = candidate
                break
    if name and relation is None:
        relation = known.get(name)
    if relation and name is None:
        name = next((n for n, r in known.items() if r == relation), None)
    return name, relation


def _known_people(conversation: Conversation) -> dict[str, str]:
    people: dict[str, str] = {}
    for fact in conversation.prior:
        person, relation = fact.attributes.get("person"), fact.attributes.get("relation")
        if person and relation:
            people[person] = relation
    for said in conversation.said:
        for pattern in lx.NAMED_RELATION_RES:
            for m in pattern.finditer(said.text):
                a, b = m.group(1), m.group(2)
                name, rel = (b, a) if a.lower() in lx.RELATIONS else (a, b)
                if name not in lx.NOT_NAMES:
                    people[name] = lx.RELATIONS[rel.lower()]
    return people


def _when(said: Said, conversation: Conversation) -> tuple[Span | None, bool]:
    """The event's time, and whether it lies ahead as of the conversation (tense decides when no date is said)."""
    future, past = lx.FUTURE_CUES.search(said.text), lx.PAST_CUES.search(said.text)
    ahead = bool(future) and not re.search(r"\b(just|last|ago|yesterday)\b", said.text, re.I) or not past
    spans = find_spans(said.text, said.at, "future" if ahead else "past")
    if not spans:  # "Amy has exams." then "It's the week of the 16th." — look at the rest of the turn
        for other in conversation.turn_sentences(said):
            if other is not said:
                spans = find_spans(other.text, said.at, "future" if ahead else "past")
                if spans:
                    break
    span = spans[0] if spans else None
    if span is not None:
        ahead = span.end > said.at
    return span, ahead


def life_events(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in life_event_candidates(conversation):
        scores = conversation.gate.get(id(said), {})
        if scores and not passes(scores, "life_event", "not_life_event", floor=0.35):
            continue
        event = next(e for e, (p, _) in lx.LIFE_EVENTS.items() if p.search(said.text))
        name, relation = _person(conversation, said)
        span, ahead = _when(said, conversation)
        place = None
        if event in ("move", "travel"):
            m = lx.PLACE_RE.search(said.text)
            place = m.group(1) if m and m.group(1) not in lx.NOT_NAMES and not lx.PRODUCT_RE.fullmatch(
                m.group(1)) else None
        noun = lx.LIFE_EVENTS[event][1]
        if event == "move" and place:
            noun = f"move to {place}"
        elif event == "travel" and place:
            noun = f"trip to {place}"
        subject = f"{name}'s {noun}" if name else f"{relation}'s {noun}" if relation else noun
        who = f"{name} ({relation})" if name and relation else name or (f"Their {relation}" if relation else "Customer")
        verb = _EVENT_VERBS[event][0 if ahead else 1]
        if event == "move" and place:
            verb = f"{'is moving' if ahead else 'moved'} to {place}"
        elif event == "travel" and place:
            verb = f"{'is travelling' if ahead else 'travelled'} to {place}"
        when = f" {_when_words(span)}" if span else ""
        text = f"{who} {verb}{when}"
        facts.append(make_fact(
            conversation, "life_event", subject, text, [said],
            status="upcoming" if ahead else "past",
            valid_from=span.start if span else (None if ahead else said.at),
            valid_to=span.end if span else None,
            confidence=conversation.similarity(said, "life_event") or 0.5,
            person=name, relation=relation, event=event, place=place,
            when=span.label() if span else None, quote=said.text,
        ))
    return facts


def _when_words(span: Span) -> str:
    label = span.label()
    if span.precision == "day":
        return f"on {label}"
    if span.precision in ("month", "year"):
        return f"in {label}"
    return label if label.startswith("the ") else f"from {label}"


def preferences(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(lx.PREFERENCE_RE, "customer"):
        text = said.text
        lowered = text.lower()
        negative = re.search(r"\b(don't|do not|never|hate|not)\b", lowered)
        channel = next((v for k, v in lx.CHANNEL_WORDS.items() if re.search(rf"\b{re.escape(k)}\b", lowered)), None)
        time_of_day = lx.TIME_OF_DAY_RE.search(text)
        if re.search(r"\bslow(?:ly|er)\b", lowered):
            subject, summary = "call pace", "Prefers agents to speak slowly"
        elif time_of_day and channel in (None, "phone"):
            subject, summary = "contact time", f"Prefers to be contacted {time_of_day.group(1).lower()}"
        elif channel and negative and re.search(r"\b(call|ring|phone|email|text)\b", lowered):
            subject, summary = "contact channel", f"Asked not to be contacted by {channel}"
        elif channel:
            subject, summary = "contact channel", f"Prefers {channel}"
        elif re.search(r"\b(prefer|rather)\b", lowered):
            subject, summary = "preference", f'Said: "{text}"'
        else:
            continue
        facts.append(make_fact(conversation, "preference", subject, summary, [said], status="stated",
                               valid_from=said.at, value=text))
    return facts


def consent(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(_ANY_CONSENT, "customer"):
        if lx.CONSENT_OUT_RE.search(said.text):
            status, text = "withdrawn", "Asked not to receive marketing"
        elif lx.CONSENT_IN_RE.search(said.text):
            status, text = "granted", "Agreed to receive marketing"
        else:
            continue
        facts.append(make_fact(conversation, "consent", "marketing", text, [said], status=status,
                               valid_from=said.at, quote=said.text))
    return facts


def details(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(_ANY_DETAIL, "customer"):
        for pattern, subject in ((_ACCESSIBILITY_RE, "accessibility"), (_WORK_RE, "work"), (_PET_RE, "pet")):
            m = pattern.search(said.text)
            if m:
                if subject == "accessibility":
                    summary = f"Mentioned {m.group(0).lower()}"
                elif subject == "work":
                    summary = f'Said: "{m.group(0)}"'
                else:
                    summary = f"Has a {m.group(1).lower()}"
                facts.append(make_fact(conversation, "detail", subject, summary, [said], status="stated",
                                       valid_from=said.at, quote=said.text))
    return facts
