"""Person names said in a contact: "this is Marcus", "it's Marcus by the way", "my name's Dana Cole", "Priya
here". The phrase finds where a name may stand; the parser's tag decides whether the word there is a name."""

from __future__ import annotations

import re

from assistant.language.grammar import Grammar, grammar

_INTRO = re.compile(r"\b(?:this is|it's|it is|my name(?:'s| is)|name's|i'm|i am|you're speaking (?:to|with)|"
                    r"you've got)\s+(?:mr\.? |mrs\.? |ms\.? |miss |dr\.? )?(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
                    r"(?P<after>\s+[A-Z][a-z]+)?(?P<tail>'s|\s+(?:from|at|with|calling from)\b)?", re.I)
_HERE = re.compile(r"^\W*(?P<name>[A-Z][a-z]+)(?P<after>\s+[A-Z][a-z]+)?\s+(?:here|speaking)\b")
# Words that can follow "it's" or "I'm" with a capital and are no names.
_NOT_NAMES = frozenset("""
i me you we the a an and but so yes no ok okay oh hi hello hey thanks thank sorry fine good great just only
still not sure afraid here there back monday tuesday wednesday thursday friday saturday sunday january
february march april may june july august september october november december christmas easter today tomorrow
tonight morning evening about over done happy glad calling ringing trying looking phoning writing really very
bank support team customer
""".split())  # noqa: SIM905 - a word list reads better as text


def plausible_name(word: str) -> bool:
    """Whether a capitalised word may be a person's name at all (not "Thursday", "Email", "Hello")."""
    return bool(word[:1].isupper()) and word.lower() not in _NOT_NAMES


def introduced_name(text: str, parser: Grammar | None = None) -> str | None:
    """The first name a speaker gives for themselves in `text`, or None. Not "I'm Jo's husband" (Jo is
    someone else), not "this is Raj from Northwind" in a customer's mouth quoting the agent... callers pass only
    the customer's own sentences."""
    for pattern in (_HERE, _INTRO):
        for m in pattern.finditer(text):
            name = m.group("name")
            if not name[:1].isupper() or name.lower() in _NOT_NAMES or (m.groupdict().get("tail") or "") == "'s":
                continue
            doc = (parser or grammar()).one(text)
            token = next((t for t in doc if t.idx == m.start("name")), None)
            if token is not None and token.pos_ == "PROPN":
                return name
    return None
