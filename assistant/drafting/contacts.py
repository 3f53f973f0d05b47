"""One contact in a few words: its text cleaned for quoting, the customer's key sentence, the agent's key action,
and the dated "done" line a handover lists for it."""

from __future__ import annotations

import re

from assistant.drafting.context import CustomerContext
from assistant.drafting.guardrails import looks_like_injection
from assistant.drafting.phrasing import CHANNEL_NOUNS, day_month
from assistant.models import Citation, DraftSentence, Interaction, as_utc

_EMAIL_NOISE = re.compile(
    r"^(?:subject:.*|re:.*|(?:hi|hello|dear)\b[^.!?\n]{0,40},?|(?:kind |best )?regards,?|thanks,?|thank you,?|"
    r"best wishes,?|many thanks,?|cheers,?|[A-Z][a-z]+|[A-Z])$",
    re.I,
)


def clean_turn_text(text: str, channel: str) -> str:
    """Drop email furniture (subject line, salutation, sign-off) and any instruction-like sentence."""
    lines = text.splitlines() if channel == "email" else [text]
    kept = [ln for ln in (ln.strip() for ln in lines) if ln and not (channel == "email" and _EMAIL_NOISE.match(ln))]
    joined = " ".join(kept)
    parts = re.split(r"(?<=[.!?])\s+", joined)
    return " ".join(p for p in parts if p and not looks_like_injection(p))


_ACTION = re.compile(
    r"\b(?:i've|i have|i'll|i will|i'm (?:raising|sending|adding|going to|opening)|we've|we'll|we will|done|"
    r"escalat\w*|raised|opened|ordered|sent|sending|booked|added|applied|chased|marked|refund\w*|credit\w*|posted|"
    r"arranged|set up|cancel\w*|approved|reference|paid|verified|confirmed|completed|requested|quote)\b",
    re.I,
)
_SMALL_TALK = re.compile(r"^(?:hi|hello|good (?:morning|afternoon)|thanks|thank you|you're welcome|no problem|"
                         r"is there anything else|anything else)\b", re.I)


def agent_action(inter: Interaction) -> tuple[str, str] | None:
    """The agent's (or system's) most action-laden sentence in a contact, with its turn id, to quote."""
    best: tuple[float, str, str] | None = None
    for i, t in enumerate(inter.turns):
        if t.speaker == "customer":
            continue
        text = clean_turn_text(t.text, inter.channel)
        for part in re.split(r"(?<=[.!?])\s+", text):
            words = part.split()
            if len(words) < 4 or _SMALL_TALK.match(part) or part.endswith("?"):
                continue
            score = len(_ACTION.findall(part)) + 0.5 * bool(re.search(r"\d|[A-Z]{2,}-\d", part)) - len(words) / 60
            if score > 0 and (best is None or score > best[0]):
                best = (score, " ".join(words[:30]) + ("…" if len(words) > 30 else ""), t.turn_id or str(i))
    return (best[1], best[2]) if best else None


def customer_words(inter: Interaction, max_words: int = 25) -> tuple[str, str] | None:
    """The customer's most telling sentence in a contact (the request, the problem), with its turn id."""
    best: tuple[float, str, str] | None = None
    for i, t in enumerate(inter.turns):
        if t.speaker != "customer":
            continue
        for part in re.split(r"(?<=[.!?])\s+", clean_turn_text(t.text, inter.channel)):
            words = part.split()
            if len(words) < 4 or _SMALL_TALK.match(part) or part.startswith("["):
                continue
            content = len({w.lower().strip(".,!?") for w in words if len(w) > 3})
            score = content - 0.5 * i - 0.1 * max(0, len(words) - max_words)
            if best is None or score > best[0]:
                text = " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")
                best = (score, text, t.turn_id or str(i))
    return (best[1], best[2]) if best else None


def done_line(ctx: CustomerContext, inter: Interaction) -> DraftSentence | None:
    """One dated line per contact: what the customer said, what we said or did, and the outcome."""
    when = as_utc(inter.started_at)
    prefix = f"{day_month(when, ctx.now)}, {CHANNEL_NOUNS.get(inter.channel, inter.channel)}: "
    said, action = customer_words(inter), agent_action(inter)
    parts, turn_ids = [], []
    if said:
        parts.append(f"{ctx.name}: \u201c{said[0]}\u201d")
        turn_ids.append(said[1])
    if action:
        parts.append(f"{'Note' if inter.channel == 'ticket' else 'We'}: \u201c{action[0]}\u201d")
        turn_ids.append(action[1])
    if not parts:
        return None
    text = prefix + " ".join(parts) + (f" Outcome: {inter.outcome}." if inter.outcome else "")
    return DraftSentence(text=text, citations=[Citation(interaction_id=inter.interaction_id, turn_ids=turn_ids)])
