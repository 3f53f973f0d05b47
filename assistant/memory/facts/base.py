"""What every fact extractor shares: sentences as said in a turn, and one way to make a Fact with a stable id."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assistant.language import noise
from assistant.language.grammar import Grammar, grammar
from assistant.language.injection import addresses_the_system
from assistant.language.reading import Statement, read
from assistant.language.words import sentences
from assistant.models import Citation, Fact, FactKind, Interaction, Turn

# "No problem", "no insurance claim on it", "never had an accident": a problem denied is none.
_NO_PROBLEM = re.compile(r"\b(?:no|not a|without any|never (?:had|made|filed) an?|haven't (?:had|made) an?y?)"
                         r"(?: \w+)? (?:problem|issue|worries|claim|accident)s?\b", re.I)


@dataclass(frozen=True)
class ReadingLimits:
    """How much of one turn fact reading reads (Settings.facts_max_*): each extractor's work is per sentence, so a
    100 KB turn costs at most this many sentences of at most this many characters, never more than linear."""

    sentences_per_turn: int = 200
    sentence_chars: int = 1000


@dataclass
class Said:
    """One sentence of one turn."""

    interaction: Interaction
    index: int  # turn position in the interaction
    turn: Turn
    text: str

    @property
    def speaker(self) -> str:
        return self.turn.speaker

    @property
    def turn_id(self) -> str:
        return self.turn.turn_id or str(self.index)

    @property
    def at(self) -> datetime:
        return self.turn.at or self.interaction.started_at


@dataclass
class Conversation:
    """An interaction split into sentences, with what the extractors learn about it along the way."""

    interaction: Interaction
    said: list[Said]
    prior: list[Fact] = field(default_factory=list)  # this customer's facts from earlier interactions
    gate: dict[int, dict[str, float]] = field(default_factory=dict)  # id(said) -> prototype similarity per label
    _text: str = ""
    _lower: str = ""
    _starts: list[int] = field(default_factory=list)
    _hits: dict[str, list[int]] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict)  # per-conversation results extractors share
    _turns: dict[int, list[Said]] = field(default_factory=dict)  # turn index -> its sentences
    _positions: dict[int, int] = field(default_factory=dict)  # id(said) -> its place in `said`
    grammar: Grammar | None = None
    _statements: dict[tuple[int, int], Statement] = field(default_factory=dict)

    @classmethod
    def of(cls, interaction: Interaction, prior: list[Fact] | None = None, parser: Grammar | None = None,
           limits: ReadingLimits | None = None) -> Conversation:
        limits = limits or ReadingLimits()
        said = [
            Said(interaction, i, turn, s[: limits.sentence_chars])
            for i, turn in enumerate(interaction.turns) if not noise.is_auto_reply(turn.text)
            for s in itertools.islice((s for s in sentences(noise.without_quoted_reply(turn.text))
                                       if not _noise(turn, s)), limits.sentences_per_turn)
        ]
        conversation = cls(interaction, said, prior or [], grammar=parser)
        # One string for the whole interaction, so each pattern runs once per interaction rather than once per
        # sentence (bulk ingest sees tens of thousands of sentences). ".\n" keeps matches inside one sentence.
        parts, position = [], 0
        for n, s in enumerate(said):
            conversation._turns.setdefault(s.index, []).append(s)
            conversation._positions[id(s)] = n
            conversation._starts.append(position)
            parts.append(s.text)
            position += len(s.text) + 2
        conversation._text = ".\n".join(parts)
        lowered = conversation._text.lower()
        conversation._lower = lowered if len(lowered) == len(conversation._text) else ""
        return conversation

    def matching(self, pattern: re.Pattern[str], speaker: str | None = None) -> list[Said]:
        """Sentences in which the pattern matches, in order."""
        key = pattern.pattern
        if key not in self._hits:
            fast = _case_sensitive(pattern) if self._lower else None
            matches = fast.finditer(self._lower) if fast else pattern.finditer(self._text)
            found = {bisect.bisect_right(self._starts, m.start()) - 1 for m in matches}
            self._hits[key] = sorted(found)
        return [self.said[i] for i in self._hits[key] if speaker is None or self.said[i].speaker == speaker]

    def after(self, said: Said, turns: int = 3, speaker: str | None = None) -> list[Said]:
        """Sentences in the next `turns` turns (optionally only one speaker's)."""
        return [s for i in range(said.index + 1, said.index + turns + 1) for s in self.turn(i)
                if speaker is None or s.speaker == speaker]

    def turn(self, index: int) -> list[Said]:
        """The sentences of one turn (none for a turn that does not exist)."""
        return self._turns.get(index, [])

    def turn_sentences(self, said: Said) -> list[Said]:
        return self.turn(said.index)

    def position(self, said: Said) -> int:
        """Where the sentence stands in the whole conversation."""
        return self._positions[id(said)]

    def statement(self, said: Said, at: int | None = None) -> Statement:
        """How the sentence says it (status, negation, whose news), read around the character offset `at`."""
        key = (id(said), -1 if at is None else at)
        if key not in self._statements:
            doc = (self.grammar or grammar()).one(said.text)
            focus = None
            if at is not None:
                focus = next((t.i for t in doc if t.idx <= at < t.idx + max(len(t.text), 1)), None)
            self._statements[key] = read(doc, focus)
        return self._statements[key]

    def parse_ahead(self, sentences_: list[Said]) -> None:
        """Parse the sentences the readers will ask about in one batch (spaCy is much faster that way)."""
        (self.grammar or grammar()).parse([s.text for s in sentences_])

    def similarity(self, said: Said, label: str) -> float:
        return self.gate.get(id(said), {}).get(label, 0.0)

    @property
    def started_at(self) -> datetime:
        return self.interaction.started_at


def _noise(turn: Turn, text: str) -> bool:
    """Menus, hold messages, system lines and bare placeholders are nobody's words; an agent may say "thank you
    for holding" and go on, so only a system line or bare placeholders count as noise in an agent's turn. Text
    addressed to the system (an injection) is never read as a fact, whoever's turn holds it."""
    if addresses_the_system(text):
        return True
    if turn.speaker == "agent":
        return noise.is_system_line(text) or noise.only_placeholders(text)
    return noise.is_noise(text)


_FAST: dict[str, re.Pattern[str] | None] = {}


def _case_sensitive(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """The same pattern without re.I, for lowercased text: Python's re is several times faster that way."""
    key = pattern.pattern
    if key not in _FAST:
        plain = bool(pattern.flags & re.I) and not re.search(r"[A-Z]", re.sub(r"\\[A-Za-z]", "", key))
        _FAST[key] = re.compile(key, pattern.flags & ~re.I) if plain else None
    return _FAST[key]


def is_no_problem(text: str) -> bool:
    return bool(_NO_PROBLEM.search(text))


def make_fact(conversation: Conversation, kind: FactKind, subject: str, text: str, sources: Iterable[Said], *,
              status: str = "", valid_from: datetime | None = None, valid_to: datetime | None = None,
              confidence: float = 1.0, **attributes: Any) -> Fact:
    interaction = conversation.interaction
    turn_ids = sorted({s.turn_id for s in sources}, key=_turn_order(interaction))
    digest = hashlib.sha1("|".join([interaction.interaction_id, kind, subject.lower(), *turn_ids]).encode())
    return Fact(
        kind=kind, text=text, subject=subject, status=status,
        valid_from=valid_from, valid_to=valid_to,
        citations=[Citation(interaction_id=interaction.interaction_id, turn_ids=turn_ids)],
        fact_id=f"f-{digest.hexdigest()[:16]}", customer_id=interaction.customer_id,
        recorded_at=interaction.started_at, confidence=round(float(confidence), 3),
        attributes={k: v for k, v in attributes.items() if v not in (None, "", [])},
    )


def _turn_order(interaction: Interaction):  # type: ignore[no-untyped-def]
    position = {t.turn_id: i for i, t in enumerate(interaction.turns)}
    return lambda turn_id: position.get(turn_id, 10**6)


def merge_same_subject(facts: list[Fact]) -> list[Fact]:
    """Within one interaction, one fact per (kind, subject): the last word on it, citing every turn involved."""
    out: dict[tuple[str, str], Fact] = {}
    for fact in facts:
        key = (fact.kind, fact.subject.lower())
        earlier = out.get(key)
        if earlier is None:
            out[key] = fact
            continue
        turn_ids = list(dict.fromkeys([*earlier.citations[0].turn_ids, *fact.citations[0].turn_ids]))
        merged = fact.model_copy(update={
            "citations": [Citation(interaction_id=fact.citations[0].interaction_id, turn_ids=turn_ids)],
            "attributes": {**earlier.attributes, **fact.attributes},
            "valid_from": fact.valid_from or earlier.valid_from,
            "valid_to": fact.valid_to or earlier.valid_to,
            "fact_id": earlier.fact_id,
        })
        out[key] = merged
    return list(out.values())


def first_person(text: str) -> bool:
    return bool(re.search(r"\b(i|i'm|i've|i'll|i'd|me|my|we|we're|we've|we'll|our|us|mine)\b", text, re.I))
