"""How people type and say the values and key words PII rules look for: shortened or mistyped key words ("pwd",
"a/c", "pasword", "piin") read as the word they stand for, characters read out one at a time ("3 9 9 1", "five two
one, four four", "L P 1 2 ...") read as the figures they spell, and numbers said as words ("nineteen eighty-eight").

Both are put right in a copy of the text the rules read, with a map back to the original's offsets, so a rule is
written once for the word or the figures and still finds "my passowrd is ..." or "my pin is 4 4 1 2".
"""

from __future__ import annotations

import re
from string import ascii_lowercase

# Shortenings seen in notes and chats, read as the key word they stand for.
_SHORT = {"pw": "password", "pwd": "password", "pswd": "password", "passwd": "password", "p/w": "password",
          "pword": "password", "s/c": "sort code", "a/c": "account", "ccv": "cvv", "cvn": "cvv", "nbr": "number"}
# ... and those that stand for it only before a number: "PP no 209871553" ("pp." is also pages).
_SHORT_BEFORE_NUMBER = {"pp": "passport"}
_NUMBER_NEXT = re.compile(r"\s*(?:no\b|nbr\b|num\b|number\b|#)", re.I)
# Key words long enough that one edit away is a typing slip, not another word.
_LONG = ("password", "passcode", "passport", "security", "maiden", "account", "birthday", "memorable", "verification",
         "signature")
# Short key words have real words one edit away ("pin": "pan", "pig", "in"), so only the slips of a typing hand count:
# a letter doubled, two letters swapped, a letter inside dropped ("piin", "nmae", "srt", "pn").
_SHORT_KEYS = ("pin", "sort", "name", "birth", "number")
# Real words among those slips: left as they are.
_REAL_WORDS = frozenset(("madden", "maidens", "accounts", "passports", "passwords", "passcodes", "birthdays",
                         "signatures", "securely", "memorably", "sot", "nae", "nam"))


def _one_edit(word: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in ascii_lowercase}
            | {a + c + b for a, b in splits for c in ascii_lowercase})


def _hand_slips(word: str) -> set[str]:
    return ({word[:i] + word[i] + word[i:] for i in range(len(word))}
            | {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
            | {word[:i] + word[i + 1:] for i in range(1, len(word) - 1)})


def _slips() -> dict[str, str]:
    out: dict[str, str] = {}
    for key in _LONG:
        for typo in _one_edit(key) - _REAL_WORDS - {key}:
            out.setdefault(typo, key)
    for key in _SHORT_KEYS:
        for typo in _hand_slips(key) - _REAL_WORDS - {key}:
            out.setdefault(typo, key)
    out.update(_SHORT)
    return out


_SLIPS = _slips()
_SLIP_WORDS = frozenset(_SLIPS) | frozenset(_SHORT_BEFORE_NUMBER)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z/]*[A-Za-z]")
_LOWER_TOKEN = re.compile(r"[a-z][a-z/]*[a-z]")

Piece = tuple[int, int, str]  # start, end, what the rules read there instead


def _slip_pieces(text: str) -> list[Piece]:
    pieces: list[Piece] = []
    for m in _TOKEN.finditer(text):
        word = m.group().lower()
        right = _SLIPS.get(word)
        if not right and word in _SHORT_BEFORE_NUMBER and _NUMBER_NEXT.match(text, m.end()):
            right = _SHORT_BEFORE_NUMBER[word]
        if right:
            pieces.append((m.start(), m.end(), right))
    return pieces


# Characters read out one at a time: figures or digit words ("double oh", "nine hundred" for 900) and the letters
# of an identifier ("L P 1 2 0 3 8 4 D", "e c one a, one b b"), in groups split by a comma, a dash or a pause.
_DIGIT_WORDS = {"zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
                "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_DIGIT_WORD = "(?:" + "|".join(_DIGIT_WORDS) + ")"
_READ_CHAR = (rf"(?<![\w'])(?:(?:double|triple)\s+{_DIGIT_WORD}|{_DIGIT_WORD}|hundred|(?![iI]\b)[A-Za-z]|\d)"
              r"(?!\w|'\w)")
_GROUP_BREAK = r"\s*(?:[,–—-]|\.{2,}|…)\s*"
_READ_OUT = re.compile(rf"{_READ_CHAR}(?:(?:{_GROUP_BREAK}|\s+){_READ_CHAR})+", re.I)
_READ_PART = re.compile(rf"(?P<c>{_READ_CHAR})|(?P<b>{_GROUP_BREAK})|\s+", re.I)
_SINGLE_FIGURE = re.compile(r"(?<!\w)\d(?!\w)")


def _spelt(char: str) -> str:
    low = char.lower()
    if low.startswith(("double", "triple")):
        return _DIGIT_WORDS[low.split()[-1]] * (2 if low.startswith("double") else 3)
    return _DIGIT_WORDS.get(low, "00" if low == "hundred" else char)


def _read_out(chars: list[tuple[int, int, str]], gaps: list[str]) -> Piece | None:
    """One value read out: three characters or more, two of them figures. A lone letter at either end is a word
    ("a 4 1 9", "4 1 9 I think"), not part of it; "hundred" only follows a figure ("nine hundred")."""
    letters = [i for i, (_, _, c) in enumerate(chars) if len(c) == 1 and c.isalpha()]
    if letters == [0]:
        chars, gaps, letters = chars[1:], gaps[1:], []
    elif letters == [len(chars) - 1]:
        chars, gaps, letters = chars[:-1], gaps[:-1], []
    if len(letters) == 1 or len(chars) < 3 or chars[0][2].lower() == "hundred":
        return None
    spelt = [_spelt(c) for _, _, c in chars]
    if sum(s[0].isdigit() for s in spelt) < 2:
        return None
    out = spelt[0] + "".join(("-" if "-" in gap else " " if gap else "") + s for gap, s in zip(gaps, spelt[1:],
                                                                                                 strict=True))
    return chars[0][0], chars[-1][1], out


def _read_out_pieces(text: str, words: set[str]) -> list[Piece]:
    if _DIGIT_WORDS.keys().isdisjoint(words) and not _SINGLE_FIGURE.search(text):
        return []
    pieces: list[Piece] = []
    for run in _READ_OUT.finditer(text):
        chars: list[tuple[int, int, str]] = []
        gaps: list[str] = []  # before each character after the first: "" inside a group, else the break
        gap = ""
        for m in _READ_PART.finditer(text, run.start(), run.end()):
            if m.group("c"):
                if chars:
                    gaps.append(gap)
                chars.append((m.start(), m.end(), m.group()))
                gap = ""
            elif m.group("b"):
                gap = m.group().strip() or " "
        groups: list[list[int]] = [[0]]
        for i, gap in enumerate(gaps, 1):
            if gap:
                groups.append([i])
            else:
                groups[-1].append(i)
        # a break joins two groups of two or more ("8 3, 9 1, 4 4"); "one, two, three" counts, it reads nothing out
        values: list[list[int]] = []
        for prev, group in zip([[], *groups], groups, strict=False):
            if values and len(prev) >= 2 and len(group) >= 2:
                values[-1].extend(group)
            else:
                values.append(list(group))
        for v in values:
            piece = _read_out([chars[i] for i in v], gaps[v[0]:v[-1]])
            if piece:
                pieces.append(piece)
    return pieces


def put_right(text: str) -> tuple[str, list[int], list[int]] | None:
    """The text as the rules read it: key words written out, characters read out one at a time written as figures,
    and where each offset came from (one map for span starts, one for span ends); None when nothing needed putting
    right (nearly always)."""
    words = set(_LOWER_TOKEN.findall(text.lower()))
    pieces = _read_out_pieces(text, words)
    if not _SLIP_WORDS.isdisjoint(words):  # a set test in C: nearly every turn skips this
        pieces = sorted(pieces + _slip_pieces(text))
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

