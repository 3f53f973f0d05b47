"""Issues the customer raised: what (a blocked debit card, a home insurance claim), the reference, and the status
(open, escalated, resolved) from what was said and from the interaction's recorded outcome."""

from __future__ import annotations

import re

from assistant.language.time import find_spans
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, Said, is_no_problem, make_fact
from assistant.memory.facts.prototypes import passes
from assistant.models import Fact

_PROBLEM_WORDS = {
    "blocked": "Blocked", "frozen": "Frozen", "declined": "Declined", "lost": "Lost", "stolen": "Stolen",
    "charged twice": "Double charge on", "double charged": "Double charge on", "twice": "Duplicate",
    "duplicate": "Duplicate", "overcharged": "Overcharge on", "fraud": "Suspected fraud on", "scam": "Scam:",
    "unauthorised": "Unauthorised use of", "not working": "Problem with", "stopped working": "Faulty",
    "failing": "Faulty", "missing": "Missing", "delay": "Delay with", "delayed": "Delayed",
    "burst": "Damage:", "leak": "Damage:", "damage": "Damage:", "damaged": "Damage:", "fees": "Fees on",
}
_OUTCOME = [(re.compile(r"\bunresolved|\bopen|raised|claim opened|pending\b", re.I), "open"),
            (re.compile(r"escalat", re.I), "escalated"),
            (re.compile(r"resolved|closed|paid|final response|upheld|confirmed satisfied|customer satisfied|"
                        r"no further action", re.I), "resolved")]
_SPEAKERS = ("customer", "system")


# "My credit card will be charged 84 each month" is how a premium is paid, not a problem.
_SCHEDULED = re.compile(r"\b(?:will|would|'ll|gonna|going to|to) be (?:charged|billed|debited)\b|"
                        r"\b(?:charged|billed|debited) (?:each|every|per|monthly|annually|yearly|in full)\b", re.I)


def _only_a_scheduled_charge(text: str) -> bool:
    words = {m.group(0).lower() for m in lx.ISSUE_RE.finditer(text)}
    return words <= {"charge", "charged", "charges"} and bool(_SCHEDULED.search(text))


# "What would happen if my card got stolen?", "What's the process if I want to make a complaint?"
_WHAT_IF = re.compile(r"\b(?:what (?:would|happens|if)|what's the process|if (?:i|my|someone|somebody)\b|in case|"
                      r"does (?:that|it|this) happen|is it common)\b", re.I)


def issue_candidates(conversation: Conversation) -> list[Said]:
    """Sentences (customer's, or a system alert's) naming a problem with something we can name; not questions
    about what would happen if."""
    return [s for s in conversation.matching(lx.ISSUE_RE) if s.speaker in _SPEAKERS
            and not is_no_problem(s.text) and not _only_a_scheduled_charge(s.text)
            and not (s.text.rstrip().endswith("?") and _WHAT_IF.search(s.text))
            and (lx.ISSUE_TOPIC_RE.search(s.text) or lx.PRODUCT_RE.search(s.text) or lx.phrase_topic(s.text)
                 or _tag_topic(conversation))]


GENERIC_TOPICS = {"payment", "app", "card", "fee", "charge", "account", "text", "letter", "policy", "pin", "chip",
                  "transfer", "refund", "statement", None}


def _tag_topic(conversation: Conversation) -> str | None:
    tags = " ; ".join(conversation.interaction.tags)
    return lx.best_topic(tags) if tags else None


def _topic(said: Said, conversation: Conversation, reference: str | None) -> str | None:
    if reference:  # the same reference is the same issue, however it is worded
        for fact in conversation.prior:
            if fact.kind == "issue" and fact.attributes.get("reference") == reference:
                return fact.subject
    turn_text = " ".join(s.text for s in conversation.turn_sentences(said))
    tagged = _tag_topic(conversation)
    topic = (tagged if tagged not in GENERIC_TOPICS else None) or lx.phrase_topic(said.text) \
        or lx.best_topic(said.text) or tagged or lx.best_topic(turn_text)
    if topic is None:
        return None
    if topic == "claim":
        product = lx.PRODUCT_RE.search(turn_text) or lx.PRODUCT_RE.search(" ".join(conversation.interaction.tags))
        if product and lx.canonical_product(product.group(1)) not in lx.GENERIC_PRODUCTS:
            topic = f"{lx.canonical_product(product.group(1))} claim"
    # A bare "card" continues an earlier card issue ("debit card") rather than opening a new subject.
    if " " not in topic:
        for fact in reversed(conversation.prior):
            if fact.kind == "issue" and fact.subject.split()[-1] == topic and fact.status != "resolved":
                return fact.subject
    return topic


def _problem(text: str) -> str:
    lowered = text.lower()
    for word, label in _PROBLEM_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            return label
    return "Problem with"


def _status(conversation: Conversation, first: Said) -> tuple[str, list[Said]]:
    escalation = [s for s in conversation.matching(lx.ESCALATED_RE) if s.index >= first.index]
    # a later turn settles it, or the customer's own sentence closes it ("happy for the complaint to be closed")
    resolution = [s for s in conversation.matching(lx.RESOLVED_RE)
                  if s.index > first.index or (s is first and s.speaker == "customer")]
    status, sources = "open", []
    if resolution:
        status, sources = "resolved", resolution[-1:]
    elif escalation:
        status, sources = "escalated", escalation[:1]
    outcome = conversation.interaction.outcome or ""
    recorded = next((value for pattern, value in _OUTCOME if pattern.search(outcome)), None)
    if recorded is not None and recorded != status:  # the recorded outcome is the system of record
        status = recorded
        sources = {"escalated": escalation[:1], "resolved": resolution[-1:]}.get(recorded, [])
    return status, sources


def issues(conversation: Conversation) -> list[Fact]:
    facts: list[Fact] = []
    reference = _reference(conversation)
    raised: dict[str, list[Said]] = {}
    for said in issue_candidates(conversation):
        scores = conversation.gate.get(id(said), {})
        if scores and said.speaker == "customer" and lx.phrase_topic(said.text) not in lx.UNMISTAKABLE_TOPICS \
                and not passes(scores, "issue", "not_issue", floor=0.35):
            continue
        if _not_today(said, conversation):
            continue
        topic = _topic(said, conversation, reference)
        if topic is not None:
            raised.setdefault(topic, []).append(said)
    # One contact is usually about one thing, sometimes two; a second, vaguer topic is an aside.
    ranked = sorted(raised.items(), key=lambda kv: (-len(kv[1]), kv[1][0].index))
    ranked = ranked[:1] + [kv for kv in ranked[1:2] if kv[0] not in GENERIC_TOPICS]
    for position, (topic, sources) in enumerate(ranked):
        first = sources[0]
        status, status_sources = _status(conversation, first)
        ref = reference if position == 0 else None
        earlier = next((f for f in reversed(conversation.prior) if f.kind == "issue" and f.subject == topic), None)
        if earlier is not None and earlier.status == "resolved" and not (ref and ref == earlier.attributes.get(
                "reference")):
            earlier = None  # the same kind of problem again is a new issue
        text = earlier.text if earlier is not None else _describe(topic, sources, conversation)
        if ref and ref not in text:
            text += f" (ref {ref})"
        facts.append(make_fact(
            conversation, "issue", topic, text, [*sources[:2], *status_sources], status=status,
            valid_from=earlier.valid_from if earlier else first.at, reference=ref, quote=first.text,
            confidence=conversation.similarity(first, "issue") or 0.5,
        ))
    if not raised:
        facts.extend(_follow_up(conversation, reference))
    return facts


ANECDOTE_DAYS = 90  # a problem told as happening longer ago than this is a story, not today's issue
_STORY = re.compile(r"\b(?:back in|years? ago|the last time|once before|used to|in the past|way back|years back|"
                    r"when i was)\b", re.I)


_STILL = re.compile(r"\b(?:still|yet|again|keeps?|kept|since|now|anymore|any more|ongoing|continu\w+)\b", re.I)


def _not_today(said: Said, conversation: Conversation) -> bool:
    """A what-if ("what happens if my card's stolen abroad?") or a story of an old problem ("back in 2019 the same
    thing happened"): neither is a problem to deal with now. The time said is anchored to the turn."""
    if said.speaker != "customer":
        return False
    statement = conversation.statement(said)
    # "every time I press pay it fails" and "if I log in it crashes" are problems; "what if it's stolen?" is not
    if statement.status == "hypothetical" and (said.text.rstrip().endswith("?")
                                              or re.search(r"\b(?:would|could|might)\b", said.text, re.I)):
        return True
    if _STILL.search(said.text):
        return False  # "I submitted the claim in May and still haven't heard": an old start, a problem today
    spans = find_spans(said.text, said.at, "past")
    old = [s for s in spans if (said.at - s.end).days > ANECDOTE_DAYS]
    if len(old) < len(spans):
        return False  # "in 2019 and again yesterday": it is back now
    return bool(old) and (bool(_STORY.search(said.text)) or statement.status == "happened") or bool(
        _STORY.search(said.text) and statement.status in ("happened", "state"))


# Tags that say how a contact went or where it came from, not what it is about ("Complaint: resolved")
_NOT_A_SUBJECT = frozenset({"escalation", "complaint", "claim", "dispute", "branch visit", "resolved", "closed", "open",
                            "upheld", "follow up", "follow-up", "callback", "repeat contact", "urgent", "vip",
                            "goodwill", "outbound", "inbound", "email", "chat", "phone", "voice", "branch"})


def _describe(topic: str, sources: list[Said], conversation: Conversation) -> str:
    """'Blocked debit card', 'Complaint: branch opening hours', 'Home insurance claim: burst pipe'."""
    if topic in ("complaint", "dispute") or topic.endswith("claim"):
        others = [t for t in conversation.interaction.tags if t.lower() not in topic and lx.best_topic(t) != topic
                  and t.lower() not in _NOT_A_SUBJECT]
        head = f"{topic[:1].upper()}{topic[1:]}"
        return f"{head}: {others[0]}" if others else head
    if topic in lx.UNMISTAKABLE_TOPICS:  # the phrase already says what went wrong: "Duplicate payment"
        return f"{topic[:1].upper()}{topic[1:]}"
    label = _problem(" ".join(s.text for s in sources))
    if label.endswith(":"):
        return f"{label[:-1]} ({topic})"
    return f"{label} {topic}"


def _follow_up(conversation: Conversation, reference: str | None) -> list[Fact]:
    """A contact about an earlier issue that raises nothing new: "Your dispute DSP-30977 is resolved"."""
    earlier = None
    if reference:
        earlier = next((f for f in reversed(conversation.prior)
                        if f.kind == "issue" and f.attributes.get("reference") == reference), None)
    if earlier is None:
        earlier = next((f for f in reversed(conversation.prior) if f.kind == "issue" and f.status != "resolved"
                        and _mentions(conversation, f.subject)), None)
    if earlier is None:
        return []
    status, sources = _status(conversation, conversation.said[0])
    if status == "open" and not sources:
        return []
    sources = sources or conversation.said[:1]
    return [make_fact(conversation, "issue", earlier.subject, earlier.text, sources, status=status,
                      valid_from=earlier.valid_from, reference=earlier.attributes.get("reference"),
                      quote=sources[0].text)]


def _mentions(conversation: Conversation, subject: str) -> bool:
    words = subject.lower().split()
    text = " ".join([*conversation.interaction.tags, *(s.text.lower() for s in conversation.said)])
    return all(w in text for w in words[-2:])


def _reference(conversation: Conversation) -> str | None:
    for said in conversation.matching(lx.REFERENCE_RE):
        m = lx.REFERENCE_RE.search(said.text)
        if m and any(ch.isdigit() for ch in m.group(1)) and not m.group(1).isdigit():
            return m.group(1).upper()
    for value in conversation.interaction.metadata.values():
        if isinstance(value, str) and re.fullmatch(r"[A-Z]{2,5}-\d{3,}", value):
            return value
    return None
