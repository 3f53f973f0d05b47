"""A customer turning to another matter in the same contact ("Oh, before I forget, that double direct debit...",
"Also unrelated but can I get a smart meter?", "And the other thing, the letter about the fixed rate"): the
discourse marker that opens it, decided here once. Whether it really is another matter (and not more of the same
problem) is for threading to judge by meaning; this only says where a customer signals a turn."""

from __future__ import annotations

import re

# Markers said at the start of a sentence (after "oh", "and", "ok"...), each one a turn to something else.
_LEAD = r"^(?:(?:oh|ah|and|ok(?:ay)?|right|so|um+|er+|yeah|yes|also|but|sorry|actually|anyway|one)[,.!]?\s+)*"
_MARKER = re.compile(
    _LEAD + r"(?:"
    r"before i forget|while i'?m (?:here|on|at it|on the (?:phone|line))|while i(?:'ve| have) (?:got )?you|"
    r"whilst i(?:'ve| have) got you|whilst i'?m (?:here|on)|"
    r"(?:(?:and|also) )?(?:completely |totally )?(?:unrelated|separately|on (?:a|an) (?:different|separate|other) "
    r"(?:note|matter|subject))|"
    r"(?:the|one|an)?\s*(?:other|another|second|different|separate|last) (?:thing|question|matter|issue|bit)|"
    r"one more (?:thing|question)|something else|"
    r"i (?:also )?(?:meant|wanted|want|need(?:ed)?) to ask(?: you)?(?: about)?|"
    r"can i (?:also )?ask (?:you )?about|(?:could|can) (?:i|you) also|"
    r"also(?=[, ]+(?:can|could|did|do|is|are|have|has|i|my|the|what|when|why|how|u)\b)|"
    r"(?P<carries>now,? (?:the|about (?:the|my))(?= )|there'?s (?:also )?(?:the|my) \w+(?: \w+)? as well)"
    r")[,.:;!?\s-]*", re.I)


def opens_another_matter(sentence: str) -> bool:
    """Does the sentence begin with a turn to another matter?"""
    return bool(_MARKER.match(sentence.strip()))


def matter_words(sentence: str) -> str:
    """The sentence without the marker that turned to it ("Also unrelated but can I get a smart meter?" -> "can
    I get a smart meter?"); the whole sentence when the marker carries the matter ("there's the roof as well")."""
    m = _MARKER.match(sentence.strip())
    if not m or m.group("carries"):
        return sentence.strip()
    rest = re.sub(r"^(?:but|and|so)\s+", "", sentence.strip()[m.end():], flags=re.I).strip()
    return rest if len(rest.split()) >= 3 else sentence.strip()
