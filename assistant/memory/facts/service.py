"""Service facts: issues (open, escalated, resolved, with references), promises agents made (with due
dates), and verification details the customer already gave."""

from __future__ import annotations

import re
from datetime import timedelta

from assistant.memory.dates import find_spans, fmt_day
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, Said, is_no_problem, make_fact
from assistant.memory.facts.prototypes import passes
from assistant.models import Fact

_PROBLEM_WORDS = {
    "blocked": "Blocked", "frozen": "Frozen", "declined": "Declined", "lost": "Lost", "stolen": "Stolen",
    "charged twice": "Double charge on", "double charged": "Double charge on", "overcharged": "Overcharge on",
    "fraud": "Suspected fraud on", "unauthorised": "Unauthorised use of", "unauthorized": "Unauthorised use of",
    "not working": "Problem with", "missing": "Missing", "delay": "Delay with", "delayed": "Delayed",
    "claim": "Claim:", "damage": "Damage:", "damaged": "Damage:", "leak": "Leak:",
}


def issue_candidates(conversation: Conversation) -> list[Said]:
    """Customer sentences naming a problem with something we can name (a card, a claim, a payment)."""
    return [s for s in conversation.matching(lx.ISSUE_RE, "customer")
            if not is_no_problem(s.text) and (lx.ISSUE_TOPIC_RE.search(s.text) or lx.PRODUCT_RE.search(s.text))]


def _topic(said: Said, conversation: Conversation) -> str | None:
    m = lx.ISSUE_TOPIC_RE.search(said.text) or lx.PRODUCT_RE.search(said.text)
    if m is None:
        return None
    topic = lx.canonical_product(m.group(1))
    if topic in ("claim",):
        product = lx.PRODUCT_RE.search(said.text)
        if product and lx.canonical_product(product.group(1)) not in lx.GENERIC_PRODUCTS:
            topic = f"{lx.canonical_product(product.group(1))} claim"
    # A bare "card" continues an earlier card issue ("debit card") rather than opening a new subject.
    if " " not in topic:
        for fact in reversed(conversation.prior):
            if fact.kind == "issue" and fact.subject.split()[-1] == topic:
                return fact.subject
    return topic


def _problem(text: str) -> str:
    lowered = text.lower()
    for word, label in _PROBLEM_WORDS.items():
        if re.search(rf"\b{word}\b", lowered):
            return label
    return "Problem with"


def issues(conversation: Conversation) -> list[Fact]:
    facts: list[Fact] = []
    raised: dict[str, list[Said]] = {}
    for said in issue_candidates(conversation):
        scores = conversation.gate.get(id(said), {})
        if scores and not passes(scores, "issue", "not_issue", floor=0.35):
            continue
        topic = _topic(said, conversation)
        if topic is None:
            continue
        raised.setdefault(topic, []).append(said)
    last_open = next((f for f in reversed(conversation.prior) if f.kind == "issue" and f.status != "resolved"), None)
    for topic, sources in raised.items():
        first = sources[0]
        status, status_sources = "open", []
        escalation = [s for s in conversation.matching(lx.ESCALATED_RE) if s.index >= first.index]
        resolution = [s for s in conversation.matching(lx.RESOLVED_RE) if s.index > first.index]
        if resolution:
            status, status_sources = "resolved", resolution[-1:]
        elif escalation:
            status, status_sources = "escalated", escalation[:1]
        outcome = (conversation.interaction.outcome or "").lower()
        if "escalat" in outcome and status == "open":
            status = "escalated"
        elif "resolved" in outcome and "unresolved" not in outcome:
            status = "resolved"
        reference = _reference(conversation)
        label = _problem(" ".join(s.text for s in sources))
        if label.endswith(":"):  # "Claim:", "Leak:" read better as "Home insurance claim", "Leak (home insurance)"
            text = f"{topic[:1].upper()}{topic[1:]}" if "claim" in topic else f"{label[:-1]} ({topic})"
        else:
            text = f"{label} {topic}"
        if reference:
            text += f" (ref {reference})"
        facts.append(make_fact(
            conversation, "issue", topic, text, [*sources[:2], *status_sources], status=status,
            valid_from=first.at, reference=reference, quote=first.text,
            confidence=conversation.similarity(first, "issue") or 0.5,
        ))
    if not raised and last_open is not None:
        # "It's all working again now": a follow-up closes the customer's latest open issue.
        closing = conversation.matching(lx.RESOLVED_RE)
        if closing:
            facts.append(make_fact(
                conversation, "issue", last_open.subject, last_open.text, closing[-1:], status="resolved",
                valid_from=last_open.valid_from, reference=last_open.attributes.get("reference"),
                quote=closing[-1].text,
            ))
    return facts


def _reference(conversation: Conversation) -> str | None:
    for said in conversation.matching(lx.REFERENCE_RE):
        m = lx.REFERENCE_RE.search(said.text)
        if m and any(ch.isdigit() for ch in m.group(1)):
            return m.group(1).upper()
    return None


_ACTIONS = [
    (re.compile(r"call(?:ing)? you(?: back)?|ring you|contact you|get back to you|be in touch|hear (?:back|from)",
                re.I), "call back"),
    (re.compile(r"email you|text you", re.I), "send an update"),
    (re.compile(r"refund|credit", re.I), "refund"),
    (re.compile(r"reissue|send(?: you)?(?: out)? (?:a|the|your) (?:new|replacement)", re.I), "send a replacement"),
    (re.compile(r"send|post", re.I), "send"),
    (re.compile(r"follow(?:ing)? up|update you|chase|look into|review|confirm|process|arrange", re.I), "follow up"),
]


def promises(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(lx.PROMISE_RE, "agent"):
        m = lx.PROMISE_RE.search(said.text)
        if m is None or re.search(r"\b(if you|would you|do you want|shall i)\b", said.text, re.I):
            continue
        action = next((name for pattern, name in _ACTIONS if pattern.search(m.group(2))), "follow up")
        spans = find_spans(said.text, said.at, "future")
        span = next((s for s in spans if s.end > said.at), None)
        due = span.end if span is not None else None
        if span is not None and span.precision == "range" and re.search(r"\bwithin\b", span.phrase, re.I):
            due = span.end
        topic = _promise_topic(said, conversation)
        subject = f"{action} about {topic}" if topic else action
        when = ""
        if span is not None:
            last_day = due - timedelta(seconds=1) if due else span.start
            when = f" by {fmt_day(last_day)}" if span.precision != "day" else f" on {fmt_day(span.start)}"
        text = f"Agent promised to {subject}{when}"
        facts.append(make_fact(
            conversation, "promise", subject, text, [said], status="due",
            valid_from=said.at, valid_to=due, due=due.isoformat() if due else None, by="agent",
            quote=said.text, agent_id=conversation.interaction.agent_id,
        ))
    return facts


def _promise_topic(said: Said, conversation: Conversation) -> str | None:
    m = lx.ISSUE_TOPIC_RE.search(said.text) or lx.PRODUCT_RE.search(said.text)
    if m:
        return f"the {lx.canonical_product(m.group(1))}"
    for other in issue_candidates(conversation):
        if other.index < said.index:
            t = lx.ISSUE_TOPIC_RE.search(other.text)
            if t:
                return f"the {lx.canonical_product(t.group(1))}"
    return None


def verification(conversation: Conversation) -> list[Fact]:
    facts = []
    provided: list[tuple[str, Said, Said]] = []
    for said in conversation.matching(lx.VERIFY_ASK_RE, "agent"):
        m = lx.VERIFY_ASK_RE.search(said.text)
        if m is None:
            continue
        answer = next((s for s in conversation.after(said, turns=2, speaker="customer")), None)
        if answer is None:
            continue
        detail = m.group(2).lower()
        detail = lx.DETAIL_NAMES.get(detail, detail)
        if "digits" in detail:
            detail = "card last four digits"
        provided.append((detail, said, answer))
    if not provided:
        return facts
    confirmed = [s for s in conversation.matching(lx.VERIFIED_RE, "agent") if s.index > provided[0][1].index]
    status = "verified" if confirmed else "provided"
    for detail, ask, answer in provided:
        sources = [ask, answer, *confirmed[:1]]
        facts.append(make_fact(
            conversation, "verification", detail, f"{detail[:1].upper()}{detail[1:]} {status} on "
            f"{fmt_day(answer.at)} ({conversation.interaction.channel})", sources, status=status, valid_from=answer.at,
        ))
    if confirmed:
        facts.append(make_fact(
            conversation, "verification", "identity",
            f"Identity verified on {fmt_day(confirmed[0].at)} ({conversation.interaction.channel})",
            [provided[0][1], confirmed[0]], status="verified", valid_from=confirmed[0].at,
            details=[d for d, _, _ in provided],
        ))
    return facts
