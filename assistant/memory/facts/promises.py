"""Promises agents make ("I'll call you back on Friday after 4pm"), with a due time, and the signs in later turns
or contacts that a promise was kept ("As promised, your letter is attached")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from assistant.language.time import find_spans, fmt_day
from assistant.language.words import without_slots
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, Said, make_fact
from assistant.models import Fact

# An undated promise is taken as due within this long, so it can become overdue rather than hang forever.
UNDATED_DUE = timedelta(days=2)

_ACTIONS = [
    (re.compile(r"call(?:ing)? you(?: back)?|ring you|contact you|get back to you|be in touch|hear (?:back|from)|"
                r"booked (?:a|you)|(?:get|give you) a (?:call|ring)", re.I), "call back"),
    (re.compile(r"email you|text you|update you", re.I), "send an update"),
    (re.compile(r"refund|credit", re.I), "refund"),
    (re.compile(r"reissue|send(?: you)?(?: out)? (?:a|the|your) (?:new|replacement)", re.I), "send a replacement"),
    # also the passive and the thing sent: "your documents will be sent by email", "you'll get a letter"
    (re.compile(r"send|post|\bsent\b|\be-?mailed\b|\bletter|\bdocuments?\b|\bdeliver", re.I), "send"),
]
# Signs of a kept promise, by action: said by the agent (or the system) after the promise was made.
FULFILMENT = {
    "call back": re.compile(r"\b((?:it's|this is) \w+,? (?:a \w+ adviser )?(?:calling|from)|calling (?:you )?(?:back|"
                            r"from|about)|you asked (?:for|me to) (?:a )?call|as promised|following up on)\b", re.I),
    "send": re.compile(r"\b((?:i've|we've|i have|we have) (?:now )?(?:sent|emailed|posted|attached)|here(?:'s| is) "
                       r"(?:your|the)|(?:is|are) attached|as promised|acknowledg\w+ sent|sent (?:you )?(?:the|your))\b",
                       re.I),
    "refund": re.compile(r"\b((?:refund|credit)(?: of £[\d,.]+)? (?:has been |was |is )?(?:applied|processed|paid|"
                         r"credited|sent)|(?:i've|we've) (?:refunded|credited))\b", re.I),
}
FULFILMENT["send an update"] = FULFILMENT["send"]
FULFILMENT["send a replacement"] = FULFILMENT["send"]
FULFILMENT["follow up"] = re.compile("|".join(p.pattern for p in FULFILMENT.values()), re.I)
_CLOCK = re.compile(r"\b(?P<rel>before|by|at|after|around|from)? ?(?P<h>1[0-2]|0?[1-9])(?::(?P<m>[0-5]\d))? ?"
                    r"(?P<ap>am|pm)\b", re.I)
_NOT_A_PROMISE = re.compile(r"\b(only|never|nobody|no one|won't|unless|if you|would you|do you want|shall i|"
                            r"contact you (?:by|via|on))\b", re.I)
_CONDITIONAL = re.compile(r"^\W*if\b|\bif (?:it|you|that|they|there)(?:'s)?\b|\b(?:right )?now\b|right away|"
                          r"straight away|while you wait", re.I)
# The agent's own same-day dispatch ("I'll post a printed copy first class today", "I'll send the details to your
# app"): done on their side at once, so taken as kept unless the customer later chases it.
_DISPATCH = re.compile(r"\b(?:post|send)\b[^.?!]{0,60}?\b(today|this afternoon|first class|to your app|in(?:to)? "
                       r"(?:the|your) app|to your (?:secure )?(?:inbox|messages))\b", re.I)
# The change is made as we speak ("Done, your payments will come out on the 15th from October"): what follows is
# its effect, not something anyone still has to do.
_DONE_NOW = re.compile(r"^\W*(?:all |that's |that is |it's |that's all )?(?:done|sorted|all set)\b", re.I)
_SELF = re.compile(r"^(?:i'll|i will)\b", re.I)
# The customer confirming a sent item arrived ("Got the code, it's added!") also keeps a "send" promise.
_RECEIVED = re.compile(r"\b(got (?:it|the|your)|received (?:it|the)|it(?:'s| has) (?:arrived|come)|came through)\b",
                       re.I)


# A customer's own undertaking: "I'll send the payslips over tonight", "I'll pop the form in the post".
_CUSTOMER_PROMISE = re.compile(r"\b(?:i'll|i will|i'm going to|we'll|we will|i can)\b[^.?!]{0,40}?\b(send|post|"
                               r"email|e-mail|upload|scan|forward|bring|drop|pop|fill|sign|return|get back to you|"
                               r"ring you|call you)\b", re.I)


# What an agent says when something will happen for the customer later, in words PROMISE_RE does not know:
# "You'll get a letter within 5 working days", "The new router will arrive in 3 to 5 working days", "I've got a
# crew scheduled for Monday", "That'll be with you in 3 to 5 working days".
_WILL_HAPPEN = re.compile(r"\b(?:will|'ll|shall|going to|should (?:get|receive|arrive|be|have)|booked|scheduled|"
                          r"arranged|be with you|let you know)\b", re.I)
COMMITMENT_FLOOR = 0.8


def promise_candidates(conversation: Conversation) -> list[Said]:
    """Sentences that may be a promise, for the commitments classifier to read."""
    agent = [s for s in conversation.said if s.speaker in ("agent", "system") and not s.text.rstrip().endswith("?")
             and (lx.PROMISE_RE.search(s.text) or _WILL_HAPPEN.search(s.text))]
    return agent + _customer_candidates(conversation)


def said_commitments(conversation: Conversation, taken: set[int]) -> list[Fact]:
    """Dated commitments the patterns did not read, found by the classifier and the grammar: kept in the agent's
    own words with the date they fall due ("Agent said: 'You'll get a letter within 5 working days'")."""
    facts = []
    for said in conversation.said:
        if id(said) in taken or said.speaker not in ("agent", "system") or said.text.rstrip().endswith("?") \
                or not _WILL_HAPPEN.search(said.text) or lx.PROMISE_RE.search(said.text) \
                or _DONE_NOW.search(said.text):
            continue
        if conversation.gate.get(id(said), {}).get("commitment:promise", 0.0) < COMMITMENT_FLOOR:
            continue
        statement = conversation.statement(said)
        if statement.negated or statement.status in ("hypothetical", "question", "cancelled", "habitual"):
            continue
        spans = [s for s in find_spans(said.text, said.at, "future") if s.end > said.at]
        if not spans:
            continue  # precision first: a commitment with no time said is left to the agent's notes
        due = max(spans, key=lambda s: s.end).end
        quote = without_slots(said.text).rstrip()
        text = f"Agent said on {fmt_day(said.at)}: \u201c{quote}\u201d"
        facts.append(make_fact(
            conversation, "promise", f"said: {quote[:60].lower()}", text,
            [said], status="due", valid_from=said.at, valid_to=due, due=due.isoformat(),
            action=next((name for pattern, name in _ACTIONS if pattern.search(said.text)), "follow up"),
            by="agent", quote=said.text, agent_id=conversation.interaction.agent_id,
            confidence=round(conversation.gate[id(said)]["commitment:promise"], 3)))
    return facts


def _customer_candidates(conversation: Conversation) -> list[Said]:
    return [s for s in conversation.matching(_CUSTOMER_PROMISE, "customer") if not s.text.rstrip().endswith("?")]


def _small_talk(conversation: Conversation, said: Said, floor: float) -> bool:
    """The commitments classifier reads it as no promise ("I'll be there in spirit", "we'll see")."""
    scores = conversation.gate.get(id(said), {})
    return "commitment:not_promise" in scores and scores["commitment:not_promise"] >= floor


def customer_promises(conversation: Conversation) -> list[Fact]:
    """What the customer said they would do, when the grammar reads it as planned and the classifier as a promise."""
    facts = []
    for said in _customer_candidates(conversation):
        m = _CUSTOMER_PROMISE.search(said.text)
        scores = conversation.gate.get(id(said), {})
        if m is None or scores.get("commitment:promise", 0.0) < 0.55:
            continue
        statement = conversation.statement(said, m.start(1))
        if statement.status != "planned" or statement.negated:
            continue  # "if it comes back I'll send a photo", "I won't post it"
        due, when = _due(said, conversation)
        what = without_slots(said.text[m.start(1):]).rstrip(" .!,")
        facts.append(make_fact(
            conversation, "promise", f"customer: {m.group(1).lower()}", f"Customer said they would {what}{when}",
            [said], status="due", valid_from=said.at, valid_to=due, due=due.isoformat() if due else None,
            due_assumed=due is None or None, action=m.group(1).lower(), by="customer", quote=said.text,
            confidence=round(scores.get("commitment:promise", 0.0), 3)))
    return facts


def promises(conversation: Conversation) -> list[Fact]:
    facts = customer_promises(conversation)
    facts += said_commitments(conversation, set())
    for said in conversation.matching(lx.PROMISE_RE, "agent"):
        m = lx.PROMISE_RE.search(said.text)
        if m is None or said.text.rstrip().endswith("?") or _NOT_A_PROMISE.search(said.text[m.start():]):
            continue
        if _small_talk(conversation, said, 0.8):
            continue
        if _CONDITIONAL.search(said.text) and not find_spans(said.text, said.at, "future"):
            continue  # "If it's still showing, we'll chase it", "I'll print it for you now": nothing owed later
        action = next((name for pattern, name in _ACTIONS if pattern.search(m.group(0))), "follow up")
        due, when = _due(said, conversation)
        topic = _topic(said, conversation)
        subject = f"{action} about {topic}" if topic else action
        kept = _kept_here(conversation, said, action)
        text = f"Agent promised to {_clause(said, m, topic)}{when}"
        facts.append(make_fact(
            conversation, "promise", subject, text, [said, *kept[:1]], status="kept" if kept else "due",
            valid_from=said.at, valid_to=due or said.at + UNDATED_DUE,
            due=due.isoformat() if due else None, due_assumed=due is None or None, action=action, by="agent",
            quote=said.text, agent_id=conversation.interaction.agent_id,
            kept_at=kept[0].at.isoformat() if kept else None,
            dispatch=_dispatch(said, m, action),
        ))
    return facts


def _dispatch(said: Said, m: re.Match[str], action: str) -> str | None:
    """How the agent said they would send it themselves the same day ("first class", "to your app"), or None."""
    if not action.startswith("send") or not _SELF.match(m.group(1)):
        return None
    found = _DISPATCH.search(said.text[m.start():])
    return found.group(1).lower() if found else None


def _due(said: Said, conversation: Conversation) -> tuple[datetime | None, str]:
    """When the promise falls due, and how to say it: the latest time named ("today, so by Thursday")."""
    spans = [s for s in find_spans(said.text, said.at, "future") if s.end > said.at]
    clock = _CLOCK.search(said.text)
    if not spans and clock is None:  # "I'll post the documents. They should arrive within a week."
        rest = " ".join(s.text for s in conversation.turn_sentences(said) if s.index == said.index)
        # Another sentence's time is this promise's only when it says how soon ("within a week"), not when it
        # names a season or a month something else happens in ("your postcode is in the autumn batch").
        spans = [s for s in find_spans(rest, said.at, "future") if s.end > said.at
                 and s.precision not in {"season", "month", "year"}]
    if not spans and clock is None:
        return None, ""
    if spans:
        span = max(spans, key=lambda s: s.end)
        due = span.end
        day = span.start if span.precision == "day" else None
    else:
        day, due = said.at.replace(hour=0, minute=0, second=0, microsecond=0), None
    if clock is not None and day is not None:
        hour = int(clock.group("h")) % 12 + (12 if clock.group("ap").lower() == "pm" else 0)
        at = day.replace(hour=hour, minute=int(clock.group("m") or 0))
        if (clock.group("rel") or "").lower() in ("after", "from"):
            due = day + timedelta(days=1)  # "after 4pm": any time that evening
            return due, f" on {fmt_day(day)} {clock.group(0).strip().lower()}"
        due = at if at > said.at else at + timedelta(days=1)
        return due, f" by {due:%H:%M} on {fmt_day(due)}"
    if due is None:
        return None, ""
    if day is not None:
        return due, f" on {fmt_day(day)}"
    return due, f" by {fmt_day(due - timedelta(seconds=1))}" if due - said.at > timedelta(days=1) else \
        f" by {due:%H:%M} on {fmt_day(due)}"


def _clause(said: Said, m: re.Match[str], topic: str | None) -> str:
    """What was promised, in the agent's words without the time: 'post a printed copy first class'."""
    rest = re.split(r"[.,;!?]| so | and | as soon as ", said.text[m.start(2):])[0]
    for span in find_spans(rest, said.at, "future"):
        rest = rest.replace(span.phrase, " ")
    # An anonymised slot ("call you back at [TIME]") or a cut-off transcript ("I'll text you the.") leaves the
    # clause hanging on a small word; it ends before it.
    kept = without_slots(" ".join(without_slots(rest).split()[:9]))
    words = re.sub(r"\byou\b", "the customer", kept).strip()
    if topic and "about" not in words and topic.removeprefix("the ") not in words:
        words += f" about {topic}"
    return words


def _topic(said: Said, conversation: Conversation) -> str | None:
    about = re.search(r"\babout (?:your |the |my )?([a-z][\w' -]{2,40}?)(?:[.,;!?]|$| with | and | so )", said.text,
                      re.I)
    if about and not re.search(r"\b(it|that|this|them)\b", about.group(1), re.I):
        return about.group(1).strip()
    # The contact's main product (its first tag) keeps one promise's subject stable across contacts.
    tagged = [lx.canonical_product(m.group(1)) for t in conversation.interaction.tags[:1]
              for m in [lx.PRODUCT_RE.fullmatch(t)] if m]
    if tagged and tagged[0] not in lx.GENERIC_PRODUCTS:
        return f"the {tagged[0]}"
    topic = lx.best_topic(said.text)
    m = lx.PRODUCT_RE.search(said.text)
    if topic is None and m is not None:
        topic = lx.canonical_product(m.group(1))
    if topic is None:
        tags = " ; ".join(conversation.interaction.tags)
        topic = lx.best_topic(tags) if tags else None
    return f"the {topic}" if topic else None


def _kept_here(conversation: Conversation, said: Said, action: str) -> list[Said]:
    """Kept later in the same contact: 'I'll email you the letter today' ... 'As promised, it's attached'."""
    pattern = FULFILMENT.get(action, FULFILMENT["follow up"])
    done = [s for s in conversation.matching(pattern) if s.index > said.index and s.speaker in ("agent", "system")]
    if action.startswith("send"):
        done += [s for s in conversation.matching(_RECEIVED, "customer") if s.index > said.index]
    return sorted(done, key=lambda s: s.index)


def fulfilments(conversation: Conversation) -> list[str]:
    """Which kinds of promise this contact keeps (read at query time against earlier promises)."""
    done = []
    for action, pattern in FULFILMENT.items():
        if action == "follow up":
            continue
        if any(s.speaker in ("agent", "system") for s in conversation.matching(pattern)):
            done.append(action)
    return done
