"""Contact policy, enforced in code before and after any model: what may not be suggested to this customer now.

- An offer the customer declined within settings.offer_cooldown_days is not repeated.
- No sales at all when marketing consent is off (the customer record, or a consent fact withdrawn).
- Never push something already held, or bought within settings.just_bought_days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from assistant.models import Customer, Fact, Suggestion, as_utc
from assistant.settings import Settings

_DETERMINERS = {"a", "an", "the", "your", "their", "his", "her", "my", "our", "new"}
# Words that make a suggestion a sales move, whatever kind a model labelled it.
SALES_LANGUAGE = re.compile(
    r"\b(?:offer(?:ing)?|quote|sign(?:ing)? up|take out|upgrade|cross-sell|interested in|pitch|promot\w*"
    r"|mention (?:our|a|an) \w+|conversation about (?:a|an|our) \w+)\b",
    re.I,
)


def topic_words(topic: str) -> tuple[str, ...]:
    words = re.findall(r"[a-z0-9]+", (topic or "").lower())
    return tuple(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                 for w in words if w not in _DETERMINERS)


def same_topic(a: str, b: str) -> bool:
    """'mortgage' matches 'a mortgage' and 'mortgage conversation'; 'home insurance' does not match 'car insurance'."""
    wa, wb = topic_words(a), topic_words(b)
    if not wa or not wb:
        return False
    return set(wa) <= set(wb) or set(wb) <= set(wa)


def mentions(text: str, topic: str) -> bool:
    words = topic_words(topic)
    return bool(words) and set(words) <= set(topic_words(text))


def _current(facts: list[Fact], now: datetime) -> list[Fact]:
    return [f for f in facts if f.superseded_at is None or as_utc(f.superseded_at) > now]


@dataclass
class Policy:
    """What is off limits for one customer at one time, with the reason for each (shown to reviewers)."""

    marketing: bool = True
    marketing_reason: str = ""
    cooldown: dict[str, str] = field(default_factory=dict)  # topic -> reason
    held: dict[str, str] = field(default_factory=dict)
    just_bought: dict[str, str] = field(default_factory=dict)

    def forbidden(self) -> dict[str, str]:
        return {**self.held, **self.just_bought, **self.cooldown}

    def describe(self) -> list[str]:
        lines = [] if self.marketing else [f"No sales suggestions: {self.marketing_reason}."]
        lines += [f"Do not suggest {t}: {why}." for t, why in self.forbidden().items()]
        return lines or ["No restrictions."]

    def blocks(self, suggestion: Suggestion) -> str | None:
        """Why a suggestion breaks policy, or None. Checks the topic and the wording, whatever the label."""
        salesy = suggestion.kind == "sales" or bool(SALES_LANGUAGE.search(suggestion.text))
        if not salesy:
            return None
        if not self.marketing:
            return f"no sales: {self.marketing_reason}"
        for topic, why in self.forbidden().items():
            if same_topic(suggestion.topic, topic) or mentions(suggestion.text, topic):
                return why
        return None

    def topic_allowed(self, topic: str) -> bool:
        return self.marketing and not any(same_topic(topic, t) for t in self.forbidden())


def build_policy(customer: Customer, facts: list[Fact], now: datetime, settings: Settings) -> Policy:
    now = as_utc(now)
    facts = _current(facts, now)
    policy = Policy()
    if not customer.consent.marketing:
        policy.marketing, policy.marketing_reason = False, "marketing consent is off in the customer record"
    consent = [f for f in facts if f.kind == "consent" and "market" in (f.subject or "marketing").lower()]
    if consent:
        latest = max(consent, key=lambda f: as_utc(f.recorded_at or f.valid_from or now))
        if latest.status.lower() in {"withdrawn", "revoked", "opted_out", "opted out", "off", "declined"}:
            policy.marketing = False
            when = latest.recorded_at or latest.valid_from
            policy.marketing_reason = "the customer withdrew marketing consent" + (
                f" on {as_utc(when).date().isoformat()}" if when else "")
    cooldown = timedelta(days=settings.offer_cooldown_days)
    for f in facts:
        if f.kind == "offer" and f.status.lower() == "declined":
            declined = as_utc(f.valid_from or f.recorded_at or now)
            until = max(declined + cooldown, as_utc(f.valid_to) if f.valid_to else declined)
            if declined <= now < until:
                policy.cooldown[f.subject] = (
                    f"declined on {declined.date().isoformat()}, cool-down until {until.date().isoformat()}")
        elif f.kind == "offer" and f.status.lower() == "accepted":
            policy.held.setdefault(f.subject, "the customer already accepted this offer")
    bought_window = timedelta(days=settings.just_bought_days)
    for f in facts:
        if f.kind != "product":
            continue
        start = as_utc(f.valid_from or f.recorded_at or now)
        status = f.status.lower()
        if status == "closed":
            continue
        if now - start < bought_window and start <= now:
            policy.just_bought[f.subject] = f"bought on {start.date().isoformat()}"
        elif status in {"held", "bought", "active", ""}:
            policy.held.setdefault(f.subject, "already held")
    for product in customer.products:
        policy.held.setdefault(product, "already held")
    return policy


def apply_policy(suggestions: list[Suggestion], policy: Policy) -> tuple[list[Suggestion], list[dict[str, str]]]:
    kept, blocked = [], []
    for s in suggestions:
        why = policy.blocks(s)
        if why:
            blocked.append({"text": s.text, "topic": s.topic, "reason": why})
        else:
            kept.append(s)
    return kept, blocked
