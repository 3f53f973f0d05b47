"""The contact timeline: one line per interaction (date, channel, id, what it was about), oldest first."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from assistant.memory.text import clip, sentences
from assistant.models import Interaction, as_utc
from assistant.store import Store


class TimelineEntry(NamedTuple):
    """(date, channel, interaction_id, summary): a tuple the CLI can print as a row."""

    date: datetime
    channel: str
    interaction_id: str
    summary: str


def timeline(store: Store, customer_id: str, *, since: datetime | None = None, until: datetime | None = None,
             now: datetime | None = None) -> list[TimelineEntry]:
    """The customer's contacts, oldest first; with `now`, only those that had started by then."""
    until = min(until, now) if until and now else until or now
    return [entry(i) for i in store.interactions(customer_id, since=since, until=until)]


def entry(interaction: Interaction) -> TimelineEntry:
    return TimelineEntry(as_utc(interaction.started_at), interaction.channel, interaction.interaction_id,
                         summarize(interaction))


def summarize(interaction: Interaction, max_words: int = 18) -> str:
    """One line without a model: the record's tags and outcome when it has them, else what the customer
    opened with (their first sentence that says something)."""
    topics = ", ".join(interaction.tags[:4])
    if topics:
        line = topics[:1].upper() + topics[1:]
        return f"{line} ({interaction.outcome})" if interaction.outcome else line
    for turn in interaction.turns:
        if turn.speaker != "customer":
            continue
        for s in sentences(turn.text):
            if len(s.split()) >= 5:
                return clip(s, max_words)
    first = interaction.turns[0].text
    line = clip(sentences(first)[0], max_words)
    return f"{line} ({interaction.outcome})" if interaction.outcome else line
