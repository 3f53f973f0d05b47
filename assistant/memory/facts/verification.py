"""Verification: identity checks passed and which details the customer already gave (so nobody asks again).
Values are never stored, only which detail was given and when."""

from __future__ import annotations

import re

from assistant.language.time import fmt_day
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, make_fact
from assistant.models import Fact

DETAIL_RE = re.compile(
    r"\b(date of birth|dob|postcode|post code|first line of (?:your |the )?address|(?:home )?address|last (?:four|4) "
    r"digits|security (?:questions?|answers?|details|pin|number)|memorable (?:word|information)|passcode|"
    r"(?:one-time )?code (?:to|sent to) your (?:mobile|phone)|registered (?:mobile )?number|security pin)\b", re.I)
_CANONICAL = {"dob": "date of birth", "post code": "postcode", "home address": "address",
              "last four digits": "card last four digits", "last 4 digits": "card last four digits",
              "registered mobile number": "registered mobile number", "registered number": "registered mobile number"}


def _detail(name: str) -> str:
    name = name.lower()
    if name.startswith("first line of"):
        return "address"
    if name.startswith("security") or name.startswith("memorable"):
        return "security details" if "pin" not in name else "security PIN"
    if "code" in name and ("mobile" in name or "phone" in name):
        return "one-time code"
    return _CANONICAL.get(name, name)


def verification(conversation: Conversation) -> list[Fact]:
    """An identity fact when an agent or the system confirms the customer passed, plus one fact per detail
    given in the checks leading up to it."""
    confirmed = [s for s in conversation.matching(lx.VERIFIED_RE) if s.speaker in ("agent", "system")]
    if not confirmed:
        return []
    done = confirmed[0]
    window = [s for s in conversation.said if done.index - 3 <= s.index <= done.index and s.speaker != "customer"]
    details: dict[str, list] = {}
    for said in window:
        for m in DETAIL_RE.finditer(said.text):
            details.setdefault(_detail(m.group(1)), []).append(said)
    answers = [s for s in conversation.said if done.index - 3 <= s.index < done.index and s.speaker == "customer"]
    channel = conversation.interaction.channel
    facts = [make_fact(
        conversation, "verification", "identity", f"Identity verified on {fmt_day(done.at)} ({channel})"
        + (f": {', '.join(details)}" if details else ""), [*answers[-1:], done], status="verified",
        valid_from=done.at, details=list(details), quote=done.text,
    )]
    for name, sources in details.items():
        facts.append(make_fact(
            conversation, "verification", name, f"{name[:1].upper()}{name[1:]} already given on {fmt_day(done.at)} "
            f"({channel})", [sources[0], *answers[-1:], done], status="verified", valid_from=done.at,
        ))
    return facts
