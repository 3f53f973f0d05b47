"""Finding a customer the way an agent types them: names with typos or in another order, phone numbers in any
format of the configured regions, part of an e-mail or id. Every match says why it matched; the best come first."""

from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import phonenumbers
from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process, utils

from assistant.models import Customer

# Scores (0-100) rank the ways a customer matches; an exact id, e-mail or number beats a name, and an exact name
# beats a close one. Measured on the demo customers (rapidfuzz ratio): "Mria Lopez" → Maria Lopez is 95, "Tim
# Baker" → Tom Becker 74, unrelated names under 45.
NAME_CUTOFF = 80.0  # the whole name, rapidfuzz ratio
WORD_CUTOFF = 80.0  # one typed word against one word of a name, rapidfuzz ratio ("Okafr" → okafor is 91)
MIN_FUZZY_WORD = 4  # shorter words only match the start of a name word: "Al" is no typo of "Ali"
MIN_PHONE_DIGITS = 4  # fewer digits are no phone number (a house number, part of an id)
MIN_PART = 3  # the shortest part of an id or e-mail searched for inside them
_PHONE_TEXT = re.compile(r"\+?[\d\s().\-/]+")

Offer = Callable[[int, float, str], None]


class CustomerDirectory(Protocol):
    """What the search reads from the store."""

    def all_customers(self) -> list[Customer]: ...
    def customers_version(self) -> int: ...


class CustomerMatch(BaseModel):
    """A customer the search found, how well and why."""

    customer: Customer
    score: float = Field(description="0-100: 100 is the same id, e-mail or phone number; 0 when nothing was typed.")
    why: str = Field(description="What matched, in words: \"phone +447700900456\", \"name close to 'Mria Lopez'\"; "
                                 "empty when nothing was typed.")

    def record(self) -> dict[str, Any]:
        """The customer's record with `why` and `score` beside its fields (REST, `rapport customers --json`)."""
        return {**self.customer.model_dump(mode="json"), "why": self.why, "score": self.score}


def no_match(text: str) -> str:
    """What an empty search says, wherever it is shown."""
    return f"no customers match '{text.strip()}'"


@dataclass
class _Column:
    """One text per customer, joined into one string so that a part of any of them is found at C speed."""

    text: str
    starts: list[int]

    @classmethod
    def of(cls, values: Sequence[str]) -> _Column:
        starts, at = [], 0
        for value in values:
            starts.append(at)
            at += len(value) + 1
        return cls("\n".join(v.replace("\n", " ") for v in values), starts)

    def containing(self, part: str) -> list[int]:
        """Positions of the values that contain the part."""
        found, at = [], self.text.find(part)
        while at != -1:
            i = bisect.bisect_right(self.starts, at) - 1
            found.append(i)
            at = self.text.find(part, self.starts[i + 1]) if i + 1 < len(self.starts) else -1
        return found


@dataclass
class _Index:
    version: int
    customers: list[Customer]
    by_name: list[int]  # positions in display-name order, for the listing without a search
    names: list[str]  # folded (lower case, no accents or punctuation)
    phones: list[str]  # what a phone match shows: the number in E.164, else as stored
    ids: _Column
    emails: _Column
    digits: _Column  # each phone number's bare digits, as stored and as E.164
    id_of: dict[str, int] = field(default_factory=dict)
    email_of: dict[str, list[int]] = field(default_factory=dict)
    number_of: dict[str, list[int]] = field(default_factory=dict)  # E.164 -> positions
    name_owners: dict[str, list[int]] = field(default_factory=dict)
    unique_names: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # every name word, sorted (prefix look-up)
    word_owners: dict[str, list[int]] = field(default_factory=dict)


class CustomerSearch:
    """Ranks the customers against what was typed; the index is rebuilt when the customers change."""

    def __init__(self, directory: CustomerDirectory, phone_regions: Sequence[str]) -> None:
        self.directory = directory
        self.regions = tuple(r.upper() for r in phone_regions)
        self._index: _Index | None = None
        self._parsed: dict[str, frozenset[str]] = {}  # phone text -> E.164 forms, kept across rebuilds
        self._lock = threading.Lock()

    def find(self, text: str | None, limit: int = 50) -> list[CustomerMatch]:
        """Best first; nothing typed lists the customers by name."""
        index = self._current()
        query = " ".join((text or "").split())
        if not query:
            return [CustomerMatch(customer=index.customers[i], score=0.0, why="") for i in index.by_name[:limit]]
        best: dict[int, tuple[float, str]] = {}

        def offer(i: int, score: float, why: str) -> None:
            if score > best.get(i, (-1.0, ""))[0]:
                best[i] = (round(score, 1), why)

        _by_id_and_email(index, query, offer)
        self._by_phone(index, query, offer)
        if "@" not in query:  # an e-mail, however like a name it reads ("maria.lopez@exa")
            _by_name(index, query, offer)
        order = sorted(best, key=lambda i: (-best[i][0], index.names[i], index.customers[i].customer_id))
        return [CustomerMatch(customer=index.customers[i], score=best[i][0], why=best[i][1]) for i in order[:limit]]

    def _by_phone(self, index: _Index, query: str, offer: Offer) -> None:
        digits = re.sub(r"\D", "", query)
        if len(digits) < MIN_PHONE_DIGITS or not _PHONE_TEXT.fullmatch(query):
            return
        for number in self._numbers(query):
            for i in index.number_of.get(number, ()):
                offer(i, 100.0, f"phone {number}")
        for part in {p for p in (digits, digits.lstrip("0")) if len(p) >= MIN_PHONE_DIGITS}:  # "07700 9" → 77009
            for i in index.digits.containing(part):
                offer(i, 80.0, f"phone {index.phones[i]} (part)")

    # ---- the index ----------------------------------------------------------------------------
    def _current(self) -> _Index:
        version = self.directory.customers_version()
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = self._build(version)
            return self._index

    def _build(self, version: int) -> _Index:
        customers = self.directory.all_customers()
        names = [_fold(c.name or "") for c in customers]
        stored = [c.contact.phone or "" for c in customers]
        numbers = [self._numbers(p) for p in stored]
        index = _Index(
            version=version, customers=customers,
            by_name=sorted(range(len(customers)), key=[(c.display_name.lower(), c.customer_id) for c in customers]
                           .__getitem__),
            names=names, phones=[min(ns) if ns else p for p, ns in zip(stored, numbers, strict=True)],
            ids=_Column.of([c.customer_id.lower() for c in customers]),
            emails=_Column.of([(c.contact.email or "").lower() for c in customers]),
            digits=_Column.of([" ".join({re.sub(r"\D", "", p), *(n.lstrip("+") for n in ns)} - {""})
                               for p, ns in zip(stored, numbers, strict=True)]),
        )
        for i, c in enumerate(customers):
            index.id_of[c.customer_id.lower()] = i
            if c.contact.email:
                index.email_of.setdefault(c.contact.email.lower(), []).append(i)
            for number in numbers[i]:
                index.number_of.setdefault(number, []).append(i)
            if names[i]:
                index.name_owners.setdefault(names[i], []).append(i)
            for word in set(names[i].split()):
                index.word_owners.setdefault(word, []).append(i)
        index.unique_names = list(index.name_owners)
        index.words = sorted(index.word_owners)
        return index

    def _numbers(self, text: str) -> frozenset[str]:
        """The text as E.164: as written when it starts with + (or 00 where a region dials that), else for each
        configured region it is a possible number in."""
        if text in self._parsed:
            return self._parsed[text]
        found: set[str] = set()
        if len(re.sub(r"\D", "", text)) >= MIN_PHONE_DIGITS:
            for region in (None,) if text.lstrip().startswith("+") else self.regions:
                try:
                    number = phonenumbers.parse(text, region)
                except phonenumbers.NumberParseException:
                    continue
                if phonenumbers.is_possible_number(number):
                    found.add(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
        if len(self._parsed) < 1_000_000:  # what the agents type is parsed too: bounded
            self._parsed[text] = frozenset(found)
        return frozenset(found)


# ---- the ways a customer can match ------------------------------------------------------------
def _by_id_and_email(index: _Index, query: str, offer: Offer) -> None:
    q = query.lower()
    if " " in q:
        return
    if (exact := index.id_of.get(q)) is not None:
        offer(exact, 100.0, "customer id")
    for i in index.email_of.get(q, ()):
        offer(i, 100.0, "e-mail")
    if len(q) < MIN_PART:
        return
    for i in index.ids.containing(q):
        offer(i, 70.0, f"customer id {index.customers[i].customer_id}")
    # "maria.lopez@exa" is plainly an e-mail; "lopez" is more likely a name, which scores on its own
    score = 88.0 if "@" in q or "." in q else 75.0
    for i in index.emails.containing(q):
        offer(i, score, f"e-mail {index.customers[i].contact.email}")


def _by_name(index: _Index, query: str, offer: Offer) -> None:
    q = _fold(query)
    if not q:
        return
    words = q.split()
    # The whole name: a typo anywhere, a missing space ("MariaLopez")
    for name, score, _ in process.extract(q, index.unique_names, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF,
                                          limit=None):
        for i in index.name_owners[name]:
            offer(i, 99.0 if q == name else score * 0.95, "name" if q == name else f"name close to '{query}'")
    # Word by word, in any order: every typed word is the start of a name word, or (4 letters or more) close to one
    per_word = [_word_hits(index, w) for w in words]
    for i in set.intersection(*(set(hits) for hits in per_word)):
        scores = [hits[i] for hits in per_word]
        if all(s == 100.0 for s, _ in scores) and sorted(words) == sorted(index.names[i].split()):
            offer(i, 97.0, "name, words in another order")
            continue
        fuzzy = any(fuzzy for _, fuzzy in scores)
        mean = sum(s for s, _ in scores) / len(scores)
        offer(i, mean * (0.94 if fuzzy else 0.96), f"name {'close to' if fuzzy else 'contains'} '{query}'")


def _word_hits(index: _Index, word: str) -> dict[int, tuple[float, bool]]:
    """Customer position → (best score of one of its name words against this typed word, whether by a typo)."""
    hits: dict[int, tuple[float, bool]] = {}

    def hit(token: str, score: float, fuzzy: bool) -> None:
        for i in index.word_owners[token]:
            if score > hits.get(i, (-1.0, False))[0]:
                hits[i] = (score, fuzzy)

    start = bisect.bisect_left(index.words, word)
    for token in index.words[start:]:
        if not token.startswith(word):
            break
        hit(token, 100.0 if token == word else 92.0, False)
    if len(word) >= MIN_FUZZY_WORD:
        for token, score, _ in process.extract(word, index.words, scorer=fuzz.ratio, score_cutoff=WORD_CUTOFF,
                                               limit=None):
            hit(token, score * 0.98, True)
    return hits


def _fold(text: str) -> str:
    """Lower case, accents and punctuation gone, single spaces: "José  O'Neil," → "jose o neil"."""
    plain = text if text.isascii() else "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return " ".join(utils.default_process(plain).split())
