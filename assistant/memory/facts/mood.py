"""Sentiment per interaction: VADER over the customer's turns plus frustration cues ("third time I've called").
Whether it counts as frustrated also depends on repeat contact, which is judged at read time (see memory.py)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol

from assistant.language.time import fmt_day
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, make_fact
from assistant.memory.facts.promises import fulfilments
from assistant.models import Fact

REPEAT_CONTACT_DAYS = 7
WHOLE_TURN_CHARS = 1000  # a turn up to this long is scored as one text (as it always was)
# The customer chasing something we said we would do: a promise is not kept by this contact.
CHASED_RE = re.compile(r"\b((?:nobody|no one|no-one|never) (?:has|called|rang|phoned|got back|came back)|"
                       r"(?:haven't|have not|hasn't) (?:come|arrived|heard)|said (?:she'd|he'd|they'd|you'd)|"
                       r"you (?:said|promised) (?:you'd|you would|to)|was (?:supposed|meant) to (?:call|ring|hear)|"
                       r"still (?:waiting|not heard|"
                       r"haven't heard)|didn't (?:call|ring|get back))\b", re.I)


@lru_cache(maxsize=1)
def _vader():  # type: ignore[no-untyped-def]
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


class Analyzer(Protocol):
    def polarity_scores(self, text: str) -> dict[str, float]: ...


def sentiment(conversation: Conversation, analyzer: Analyzer | None = None) -> list[Fact]:
    """Always one fact per interaction (neutral when the customer said little), so contacts can be counted. It also
    carries what the contact tells later reads: whether the customer chased us, which promises it keeps."""
    analyzer = analyzer or _vader()
    scored = []
    cues = []
    cue_count = 0
    chased = False
    for index, turn in enumerate(conversation.interaction.turns):
        if turn.speaker != "customer" or len(turn.text.split(maxsplit=4)) < 4:
            continue  # "Yes." / "Okay." carry no mood (VADER calls "okay" positive)
        # VADER's cost grows with the square of a text's length: a turn is scored whole only when short; a long
        # one is scored sentence by sentence over the sentences fact reading reads (capped), and averaged.
        parts = [turn.text] if len(turn.text) <= WHOLE_TURN_CHARS else [s.text for s in conversation.turn(index)]
        if not parts:
            continue
        scored.append((sum(analyzer.polarity_scores(p)["compound"] for p in parts) / len(parts), turn))
        found = sum(len(lx.FRUSTRATION_RE.findall(p)) for p in parts)
        if found:
            cues.append(turn)
            cue_count += found
        chased = chased or any(CHASED_RE.search(p) for p in parts)
    compound = sum(c for c, _ in scored) / len(scored) if scored else 0.0
    # Average hides one angry turn in a long call; the worst turn counts too.
    worst = min((c for c, _ in scored), default=0.0)
    mood = status_for(compound, worst, cue_count, repeat_contact=False)
    cited = [t for _, t in sorted(scored, key=lambda x: x[0])[:2]] if mood in ("negative", "frustrated") else []
    cited += [t for t in cues if all(t is not c for c in cited)][:2]
    if not cited and scored:
        cited = [max(scored, key=lambda x: abs(x[0]))[1]]
    cited_ids = {id(t) for t in cited}
    sources = [s for s in conversation.said if id(s.turn) in cited_ids]
    interaction = conversation.interaction
    return [make_fact(
        conversation, "sentiment", "sentiment", describe(mood, interaction.started_at, interaction.channel),
        sources, status=mood, valid_from=interaction.started_at,
        compound=round(compound, 3), worst=round(worst, 3), frustration_cues=cue_count,
        chased=chased or None, fulfils=fulfilments(conversation), channel=interaction.channel,
    )]


def status_for(compound: float, worst: float, cues: int, repeat_contact: bool) -> str:
    if cues >= 2 or (cues and (repeat_contact or compound <= 0.0 and worst <= -0.3)) or (
            repeat_contact and worst <= -0.4):
        return "frustrated"
    if compound <= -0.2 or worst <= -0.6:
        return "negative"
    if compound >= 0.3:
        return "positive"
    return "neutral"


def describe(mood: str, started_at, channel: str) -> str:  # type: ignore[no-untyped-def]
    return f"{mood.capitalize()} on the {fmt_day(started_at)} {channel} contact"
