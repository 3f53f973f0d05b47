"""Sales facts: offers an agent made and how the customer answered (accepted, declined, pending), and
products the customer holds or bought."""

from __future__ import annotations

import re
from datetime import timedelta

from assistant.memory.dates import fmt_day
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, Said, make_fact
from assistant.models import Fact

_HOLD_RE = re.compile(r"\b(?:i|we) (?:have|hold|already have|'ve got|have got|'ve had|bank with you for)\b[^.?!]{0,25}?"
                      r"\b(?:a|an|the|my|our|your)\b", re.I)
_BOUGHT_RE = re.compile(r"\b(?:(?:i|we)(?:'ve| have)? (?:just )?(?:bought|taken out|took out|opened|got|signed up for|"
                        r"switched to)|i've (?:set up|opened|added|activated|arranged) (?:your|a|the)|"
                        r"your (?:new )?[\w ]{0,30}? is (?:now )?(?:active|set up|open|live|in place))\b", re.I)
_CLOSED_RE = re.compile(r"\bi've (?:closed|cancelled) (?:your|the)\b|\b(?:is|has been) (?:now )?(?:closed|cancelled)\b",
                        re.I)


_YES_NO = re.compile(r"^\W*(?:yes|yeah|yep|sure|ok|okay|no|nope|nah|maybe|fine|alright|all right)\b", re.I)


def _offered_product(said: Said, conversation: Conversation) -> str | None:
    m = lx.PRODUCT_RE.search(said.text)
    if m is None:  # "Would you like me to set that up?" after naming the product in the same turn
        for other in conversation.turn_sentences(said):
            m = lx.PRODUCT_RE.search(other.text) or m
    if m is None:
        return None
    product = lx.canonical_product(m.group(1))
    if product in lx.GENERIC_PRODUCTS:
        specific = [lx.canonical_product(x.group(1)) for s in conversation.said[: conversation.said.index(said) + 1]
                    for x in lx.PRODUCT_RE.finditer(s.text)]
        specific = [p for p in specific if p not in lx.GENERIC_PRODUCTS]
        return specific[-1] if specific else None
    return product


def response_to(offer: Said, conversation: Conversation) -> tuple[str, list[Said]]:
    """The customer's answer in the next few turns: accepted, declined, or pending (no clear answer)."""
    replies = conversation.after(offer, turns=4, speaker="customer")
    for said in replies[:3]:
        text = said.text
        if lx.PENDING_RE.search(text):
            return "pending", [said]
        if lx.DECLINE_RE.search(text) or re.match(r"^\s*no\b", text, re.I):
            return "declined", [said]
        if lx.ACCEPT_RE.search(text) or _YES_NO.match(text) and not re.match(r"^\W*(?:maybe|fine)", text, re.I):
            return "accepted", [said]
        scores = conversation.gate.get(id(said), {})
        if scores:
            label = max(("accept", "decline", "pending"), key=lambda k: scores.get(k, 0.0))
            if scores.get(label, 0.0) >= 0.55:
                return {"accept": "accepted", "decline": "declined", "pending": "pending"}[label], [said]
    return "pending", []


def reply_candidates(conversation: Conversation) -> list[Said]:
    """Customer sentences right after an offer: the only ones whose meaning (yes/no/maybe) needs the model."""
    out: list[Said] = []
    for offer in conversation.matching(lx.OFFER_RE, "agent"):
        for s in conversation.after(offer, turns=2, speaker="customer")[:2]:
            if len(s.text.split()) >= 4 and not (lx.ACCEPT_RE.search(s.text) or lx.DECLINE_RE.search(s.text)
                                                 or lx.PENDING_RE.search(s.text) or _YES_NO.match(s.text)):
                out.append(s)
    return out


def offers(conversation: Conversation, cooldown_days: int) -> list[Fact]:
    facts = []
    for said in conversation.matching(lx.OFFER_RE, "agent"):
        product = _offered_product(said, conversation)
        if product is None:
            continue
        status, reply = response_to(said, conversation)
        at = reply[0].at if reply else said.at
        day = fmt_day(at)
        text = {"accepted": f"Accepted the {product} offer on {day}",
                "declined": f"Declined the {product} offer on {day}",
                "pending": f"Was offered {_article(product)} {product} on {day}; no answer yet"}[status]
        valid_to = at + timedelta(days=cooldown_days) if status == "declined" else None
        facts.append(make_fact(
            conversation, "offer", product, text, [said, *reply], status=status, valid_from=at, valid_to=valid_to,
            offer=said.text, response=reply[0].text if reply else None, product=product,
        ))
        if status == "accepted" and lx.ACCEPT_RE.search(reply[0].text) and "quote" not in said.text.lower():
            facts.append(make_fact(conversation, "product", product, f"Bought {product} on {day}", [said, *reply],
                                   status="bought", valid_from=at, source="accepted offer"))
    return facts


def products(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(lx.PRODUCT_RE):
        m = lx.PRODUCT_RE.search(said.text)
        if m is None:
            continue
        product = lx.canonical_product(m.group(1))
        if product in lx.GENERIC_PRODUCTS:
            continue
        day = fmt_day(said.at)
        if _CLOSED_RE.search(said.text) and said.speaker == "agent":
            facts.append(make_fact(conversation, "product", product, f"Closed {product} on {day}", [said],
                                   status="closed", valid_from=said.at))
        elif _BOUGHT_RE.search(said.text) and not re.search(r"\?\s*$", said.text):
            facts.append(make_fact(conversation, "product", product, f"Bought {product} on {day}", [said],
                                   status="bought", valid_from=said.at))
        elif said.speaker == "customer" and _HOLD_RE.search(said.text) and not re.search(r"\?\s*$", said.text):
            facts.append(make_fact(conversation, "product", product, f"Has {_article(product)} {product}", [said],
                                   status="held", valid_from=said.at))
    return facts


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" or noun.startswith("ISA") else "a"
