"""The contact timeline: one line per interaction (date, channel, id, what it was about), oldest first."""

from __future__ import annotations

import re
from datetime import datetime
from typing import NamedTuple

from assistant.language.words import clip, sentences
from assistant.models import Interaction, as_utc
from assistant.store import Store

_PLACEHOLDER = re.compile(r"\[[A-Z_]+\]")


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
    said = [s for t in interaction.turns if t.speaker == "customer" for s in sentences(t.text)
            if len(re.findall(r"[A-Za-z]{2,}", _PLACEHOLDER.sub("", s))) >= 5]  # placeholders say nothing
    line = clip(said[0] if said else sentences(interaction.turns[0].text)[0], max_words)
    return f"{line} ({interaction.outcome})" if interaction.outcome else line
