"""How people type and say the words PII rules key on: shortened or mistyped key words ("pwd", "a/c", "pasword")
read as the word they stand for, and numbers said as words ("nine two zero four", "nineteen eighty-eight").

Key words are put right in a copy of the text the rules read, with a map back to the original's offsets, so a
rule is written once for the word and still finds "my passowrd is ...". One edit (a letter dropped, added,
changed or two swapped) is allowed in the longer key words only: the short ones have real words one edit away.
"""

from __future__ import annotations

import re
from string import ascii_lowercase

# Shortenings seen in notes and chats, read as the key word they stand for.
_SHORT = {"pw": "password", "pwd": "password", "pswd": "password", "passwd": "password", "p/w": "password",
          "pword": "password", "s/c": "sort code", "a/c": "account", "ccv": "cvv", "cvn": "cvv"}
# Key words long enough that one edit away is a typing slip, not another word.
_LONG = ("password", "passcode", "passport", "security", "maiden", "account", "birthday", "memorable", "verification",
         "signature")
# Real words one edit from a key word: left as they are.
_REAL_WORDS = frozenset(("madden", "maidens", "accounts", "passports", "passwords", "passcodes", "birthdays",
                         "signatures", "securely", "memorably"))


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in ascii_lowercase}
            | {a + c + b for a, b in splits for c in ascii_lowercase})


def _slips() -> dict[str, str]:
    out: dict[str, str] = {}
    for key in _LONG:
        for typo in _one_edit(key) - _REAL_WORDS - {key}:
            out.setdefault(typo, key)
    out.update(_SHORT)
    return out


_SLIPS = _slips()
_SLIP_WORDS = frozenset(_SLIPS)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z/]*[A-Za-z]")
_LOWER_TOKEN = re.compile(r"[a-z][a-z/]*[a-z]")


def put_right(text: str) -> tuple[str, list[int], list[int]] | None:
    """The text with its mistyped or shortened key words written out, and where each offset came from
    (one map for span starts, one for span ends); None when nothing needed putting right (nearly always)."""
    if _SLIP_WORDS.isdisjoint(_LOWER_TOKEN.findall(text.lower())):  # a set test in C: nearly every turn ends here
        return None
    pieces: list[tuple[int, int, str]] = []
    for m in _TOKEN.finditer(text):
        right = _SLIPS.get(m.group().lower())
        if right:
            pieces.append((m.start(), m.end(), right))
    if not pieces:
        return None
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for start, end, right in pieces:
        out.append(text[pos:start])
        starts.extend(range(pos, start))
        ends.extend(range(pos, start))
        out.append(right)
        starts.extend([start] * len(right))
        ends.extend([start] + [end] * (len(right) - 1))
        pos = end
    out.append(text[pos:])
    starts.extend(range(pos, len(text) + 1))
    ends.extend(range(pos, len(text) + 1))
    return "".join(out), starts, ends


# Numbers said as words: digits, "double"/"triple", teens and tens ("forty-four" is 44, "twenty twenty" 2020).
_UNITS = {"zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
          "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_TEENS = {"ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
          "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19"}
_TENS = {"twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7", "eighty": "8",
         "ninety": "9"}
_UNIT = "(?:" + "|".join(_UNITS) + ")"
_WORD = (rf"(?:(?:double|triple)\s+{_UNIT}|(?:{'|'.join(_TENS)})(?:[- ]?(?!oh\b){_UNIT})?|(?:{'|'.join(_TEENS)})"
         rf"|{_UNIT})\b")
# Two or more number words (a regex to build rules with): "nine two zero four", "nineteen eighty-eight"; one
# alone ("oh, it's ...", "the one I chose") is not a number said aloud.
SPOKEN_NUMBER = rf"\b{_WORD}(?:[\s,-]+{_WORD})+"
_PART = re.compile(rf"(double|triple)\s+({_UNIT})|({'|'.join(_TENS)})(?:[- ]?({_UNIT}))?|({'|'.join(_TEENS)})|"
                   rf"({_UNIT})", re.I)


def spoken_digits(said: str) -> str:
    """The digits a run of number words stands for ("double four one two" is "4412")."""
    out = []
    for m in _PART.finditer(said):
        many, unit, tens, tens_unit, teen, single = (g.lower() if g else g for g in m.groups())
        if many:
            out.append(_UNITS[unit] * (2 if many == "double" else 3))
        elif tens:
            out.append(_TENS[tens] + (_UNITS[tens_unit] if tens_unit else "0"))
        elif teen:
            out.append(_TEENS[teen])
        else:
            out.append(_UNITS[single])
    return "".join(out)


def digits_of(value: str) -> str:
    """The digits of a value written in figures or said as words."""
    figures = "".join(ch for ch in value if ch.isdigit())
    return figures or spoken_digits(value)


def has_digits(value: str, low: int, high: int) -> bool:
    return low <= len(digits_of(value)) <= high

