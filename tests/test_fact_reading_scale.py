"""Fact reading is linear in text size (issue 16, item 2): a 100 KB turn took 32 s, nearly all in VADER, whose cost
grows with the square of a text's length. Work is counted here, not timed: sentences read per turn, characters per
sentence, and the longest text sentiment scores are all capped (benchmarks/fact_reading_scale.py times it)."""

from __future__ import annotations

from one_contact import one_contact

from assistant.memory.facts import mood
from assistant.memory.facts.base import Conversation, ReadingLimits

SENTENCE = "I am really unhappy that my card was blocked again while I was travelling in Lisbon. "


def _turn(kb: int, sentence: str = SENTENCE) -> str:
    return (sentence * (kb * 1024 // len(sentence) + 1))[: kb * 1024]


class CountingVader:
    """VADER itself, recording the length of every text it is asked to score."""

    def __init__(self) -> None:
        self.inner, self.lengths = mood._vader(), []

    def polarity_scores(self, text: str) -> dict[str, float]:
        self.lengths.append(len(text))
        return self.inner.polarity_scores(text)


def test_a_long_turn_is_read_for_at_most_the_capped_sentences():
    limits = ReadingLimits(sentences_per_turn=50, sentence_chars=300)
    conversation = Conversation.of(one_contact(("agent", "How can I help?"), ("customer", _turn(100))),
                                   limits=limits)
    assert len(conversation.turn(1)) == 50
    unpunctuated = Conversation.of(one_contact(("customer", _turn(100, "word and more words "))), limits=limits)
    assert [len(s.text) for s in unpunctuated.said] == [300]


def test_sentiment_scores_a_long_turn_sentence_by_sentence_within_the_cap():
    limits = ReadingLimits()
    analyzer = CountingVader()
    conversation = Conversation.of(one_contact(("customer", _turn(100))), limits=limits)
    fact = mood.sentiment(conversation, analyzer)[0]
    assert max(analyzer.lengths) <= limits.sentence_chars
    assert len(analyzer.lengths) <= limits.sentences_per_turn
    assert fact.status in {"negative", "frustrated"}  # the mood still comes through


def test_a_short_turn_is_still_scored_whole():
    analyzer = CountingVader()
    text = "My card was blocked again. Nobody called me back, and I am fed up."
    mood.sentiment(Conversation.of(one_contact(("customer", text))), analyzer)
    assert analyzer.lengths == [len(text)]
