"""Small text tools shared by retrieval, facts and answers: word tokens for BM25, sentences, quoting."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.models import Turn


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    """nltk's Porter stemmer: pure Python, no downloaded data (nltk arrives with rouge-score). Loaded on the first
    stem: `import nltk` pulls in scipy (seconds), which reading a timeline or a sentence never needs."""
    try:
        from nltk.stem.porter import PorterStemmer
    except ImportError:  # pragma: no cover - a crude fallback keeps BM25 working without nltk
        return lambda word: re.sub(r"(?:ing|ed|es|s)$", "", word) if len(word) > 4 else word
    return PorterStemmer(mode=PorterStemmer.NLTK_EXTENSIONS).stem


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


STOPWORDS = _wordset("""
a about above after again against all am an and any are as at be because been before being below between both but by
can could did do does doing down during each few for from further had has have having he her here hers herself him
himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or
other our ours ourselves out over own same she should so some such than that the their theirs them themselves then
there these they this those through to too under until up very was we were what when where which while who whom why
will with would you your yours yourself yourselves ok okay yeah yes um uh oh hi hello thanks thank please also got
get let us im i'm it's that's dont don't can't cant
""")

# Words a question uses to ask rather than to name a topic: "when did she last call us?" names no topic.
QUESTION_WORDS = STOPWORDS | _wordset("""
tell say said says mention mentioned talk talked discuss discussed happen happened happening customer customers last
latest recent recently first earliest time times ever call called calls phone phoned rang contact contacted contacts
visit visited spoke speak anything something know remember told ask asked she he they them her his him their there
we us our agent agents week month year day today yesterday go went going any touch reach wrote written message
messaged emailed chatted
""")

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer()(word)  # type: ignore[no-any-return]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def tokens(text: str) -> list[str]:
    """Stemmed content words, for BM25."""
    return [stem(w) for w in words(text) if w not in STOPWORDS and len(w) > 1]


def topic_tokens(question: str) -> list[str]:
    """The words of a question that name what it is about (empty for "when did she last call?")."""
    return [stem(w) for w in words(question) if w not in QUESTION_WORDS and len(w) > 1]


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in _SENTENCE.split(text.strip()) if p.strip()]
    return parts or [text.strip()]


def word_count(text: str) -> int:
    return len(text.split())


def speaker_label(turn: Turn) -> str:
    return {"customer": "Customer", "agent": "Agent", "system": "System"}[turn.speaker]


def render_turns(turns: list[Turn]) -> str:
    return "\n".join(f"{speaker_label(t)}: {t.text}" for t in turns)


def normalised(text: str) -> str:
    return " ".join(words(text))


def clip(text: str, max_words: int = 40) -> str:
    parts = text.split()
    return text if len(parts) <= max_words else " ".join(parts[:max_words]) + " …"


_UNCOUNTED = ("insurance", "cover", "protection", "savings", "banking", "transfer")


def a_noun(noun: str) -> str:
    """'a credit card', 'an ISA', but 'car insurance', 'breakdown cover': no article before what is not counted."""
    if noun.lower().endswith(_UNCOUNTED):
        return noun
    return f"{'an' if noun[:1].lower() in 'aeiou' or noun.startswith('ISA') else 'a'} {noun}"


# An anonymiser's placeholder ("[TIME]", "[PERSON_NAME]"), with the preposition that led into it. Masks that keep
# digits, such as "[CARD ••••1111]", are not slots.
SLOT = re.compile(r"(?:\b(?:at|on|in|by|to|for|from|with|about)\s+)?\[[A-Z][A-Z_ ]*\]")
_DANGLING = frozenset({"the", "a", "an", "at", "to", "on", "in", "for", "of", "with", "by", "your", "my", "our",
                       "their", "this", "that", "from", "about", "into", "and", "or", "but", "then", "like", "so"})


def without_slots(text: str) -> str:
    """The words with anonymised slots taken out, and no small word left hanging at the end ("I'll call you back
    at [TIME]" -> "I'll call you back"; a cut-off "I'll text you the" -> "I'll text you")."""
    words = SLOT.sub(" ", text).split()
    while words and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()
    return " ".join(words)
