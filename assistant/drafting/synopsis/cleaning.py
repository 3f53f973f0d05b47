"""Text clean-up before rewriting: normalising, sentence splitting, tokens, fillers and tag questions."""

from __future__ import annotations

import re

from assistant.drafting.synopsis.words import (
    ABBREV,
    AUX,
    BARE_INTERJECTIONS,
    CONTRACTION_FIX,
    EXPAND,
    FILLER_PHRASES,
    FILLER_WORDS,
    IMPERATIVE,
    PARTICIPLES,
    PRONOUN_SUBJ,
    STOP,
    TOKEN,
    VOCATIVE_TAIL,
    WH,
)

AMPM1 = re.compile(r"\b([ap])\. ?m\. ?(?=[?!,])")
AMPM2 = re.compile(r"\b([ap])\. ?m\.")
ELLIPSIS = re.compile(r"(?:\s*\.\s*){2,}")
BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)")
GLUED = re.compile(r"([a-z]{2}[.!?])([A-Z][a-z])")
SPACES = re.compile(r"\s+")
SENT_END = re.compile(r"[.!?]+[\"')]*\s+")
CONTENT_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+")


YOU_LOT = re.compile(r"\byou (?:lot|guys|people|folks)\b", re.I)


def normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    if "'" in text:
        text = CONTRACTION_FIX.sub(lambda m: m.group(1) + "'" + m.group(2).lower(), text)
    if "m." in text:
        text = AMPM2.sub(r"\1.m.", AMPM1.sub(r"\1.m.", text))
    if ".." in text or ". ." in text:
        text = ELLIPSIS.sub("... ", text)
    if "[" in text or "(" in text:
        text = BRACKETS.sub(" ", text)
    text = GLUED.sub(r"\1 \2", text)
    if "you " in text.lower():  # "you lot", "you guys": the company, never "the agent lot" once retold
        text = YOU_LOT.sub("the company", text)
    if not text.isascii():  # an emoji ends a sentence when a capital follows: "came in today 🙌 I want..."
        text = EMOJI.sub(lambda m: ". " if m.group(1) else " ", text)
    return SPACES.sub(" ", text).strip()


EMOJI = re.compile(r"\s*[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]+\s*(?=([A-Z])?)")


def split_sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in SENT_END.finditer(text):
        piece = text[start : m.end()].strip()
        if ABBREV.search(text[start : m.start() + 1]):
            continue
        nxt = text[m.end() : m.end() + 1]
        if nxt and not (nxt.isupper() or nxt.isdigit() or nxt in "\"'#" or nxt.islower()):
            continue
        out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]


class Tok:
    __slots__ = ("_t", "low", "sp", "subj", "noconj", "plural")

    def __init__(self, t: str, sp: bool = True, subj: bool = False, noconj: bool = False, plural: bool = False):
        self.t = t
        self.sp = sp
        self.subj = subj  # a first/second person subject that has been (or will be) made 3rd person
        self.noconj = noconj
        self.plural = plural  # a subject made "they": its verb agrees in the plural

    @property
    def t(self) -> str:
        return self._t

    @t.setter
    def t(self, value: str) -> None:
        self._t = value
        self.low = value.lower()


def tokenize(s: str) -> list[Tok]:
    toks: list[Tok] = []
    prev_end = 0
    for m in TOKEN.finditer(s):
        sp = m.start() > prev_end
        prev_end = m.end()
        word = m.group(0)
        exp = EXPAND.get(word.lower())
        if exp:
            first = exp[0] if word[0].islower() or exp[0] == "I" else exp[0].capitalize()
            toks.append(Tok(first, sp))
            toks.append(Tok(exp[1], True))
        else:
            toks.append(Tok(word, sp))
    for i in range(1, len(toks) - 1):
        if toks[i].t == "would" and toks[i - 1].low in {"i", "you", "we"} and (
            toks[i + 1].low in {"been", "better", "already", "never", "just"} or toks[i + 1].low in PARTICIPLES
        ):
            toks[i].t = "had"
    if toks:
        toks[0].sp = False
    return toks


def detok(toks: list[Tok]) -> str:
    out = []
    for i, tk in enumerate(toks):
        sp = tk.sp and i > 0
        if tk.t in ".,!?;:%)":
            sp = False
        out.append((" " if sp else "") + tk.t)
    s = "".join(out)
    s = re.sub(r"\s+([.,!?;:])", r"\1", s)
    s = re.sub(r",\s*,", ",", s)
    return s.strip()


def is_word(t: str) -> bool:
    c = t[:1]
    return c == "#" or ("a" <= c.lower() <= "z")


def strip_fillers(toks: list[Tok]) -> list[Tok]:
    changed = True
    while changed and toks:
        changed = False
        low = toks[0].low
        nxt = toks[1].t if len(toks) > 1 else ""
        # multiword fillers
        for phrase in FILLER_PHRASES.get(low, ()):
            n = len(phrase)
            if (len(toks) > n and tuple(t.low for t in toks[:n]) == phrase
                    and toks[n].t in {",", ".", "!", "...", ":"}):
                toks = toks[n + 1 :]
                changed = True
                break
        if changed:
            continue
        if low in FILLER_WORDS and nxt in {",", ".", "!", "...", "-", ";"}:
            toks = toks[2:]
            changed = True
        elif toks[0].t in {",", ".", "!", "...", "-", ";", ":"} or (is_word(nxt) and (
            (low in {"and", "but", "so", "or", "then", "anyway", "besides"} and len(toks) > 3)
            or low in BARE_INTERJECTIONS
        )):
            toks = toks[1:]
            changed = True
        elif (toks[0].t[:1].isupper() and low not in PRONOUN_SUBJ and low not in STOP
              and low not in WH and low not in IMPERATIVE and nxt == "," and len(toks) > 3):
            # leading vocative: "Sherry, ..."
            toks = toks[2:]
            changed = True
        elif low in {"mr", "mrs", "ms", "dr"} and len(toks) > 4 and toks[1].t == "." and toks[3].t == ",":
            toks = toks[4:]
            changed = True
    # inner fillers ", you know," / ", I mean," / "um"
    out: list[Tok] = []
    i = 0
    while i < len(toks):
        tk = toks[i]
        if tk.low in {"um", "umm", "uh", "er", "erm"}:
            if i + 1 < len(toks) and toks[i + 1].t == ",":
                i += 1
            i += 1
            continue
        if (tk.t == "," and i + 3 < len(toks) and (toks[i + 1].low, toks[i + 2].low) in
                {("you", "know"), ("i", "mean"), ("you", "see")} and toks[i + 3].t in {",", "."}):
            i += 3
            continue
        out.append(tk)
        i += 1
    toks = out
    # trailing vocatives / politeness: ", sir." ", doctor." ", Mr. White?" ", please."
    while len(toks) >= 3 and toks[-1].t in {".", "!", "?"}:
        k = len(toks) - 2
        j = k
        while j > 0 and toks[j].t != ",":
            j -= 1
        if j <= 0 or k - j > 3:
            break
        tail = toks[j + 1 : k + 1]
        tail_words = [t for t in tail if t.t != "."]
        if all((t.t[:1].isupper() and t.low not in PRONOUN_SUBJ and t.low not in STOP) or t.low in VOCATIVE_TAIL
               or t.low in {"please", "mr", "mrs", "ms", "dr", "too", "then"} for t in tail_words) and tail_words:
            if tail_words[0].low in {"too", "then"}:
                break
            toks = toks[:j] + [toks[-1]]
        else:
            break
    return toks


def strip_tag_question(toks: list[Tok]) -> tuple[list[Tok], bool]:
    """'..., right?' / '..., isn't it?' -> statement. Returns (tokens, was_tag)."""
    if len(toks) < 4 or toks[-1].t != "?":
        return toks, False
    for n in (2, 3):
        if len(toks) > n + 2 and toks[-n - 2].t == ",":
            tag = [t.low for t in toks[-n - 1 : -1]]
            if n == 1 and tag[0] in {"right", "huh", "eh", "ok", "okay"}:
                return toks[: -n - 2] + [Tok(".", False)], True
            if n == 2 and tag[0] in AUX and tag[0].endswith("n't") and tag[1] in PRONOUN_SUBJ:
                return toks[: -n - 2] + [Tok(".", False)], True
            if n == 2 and tag[0] in AUX and tag[1] in PRONOUN_SUBJ:
                return toks[: -n - 2] + [Tok(".", False)], True
    if len(toks) > 3 and toks[-3].t == "," and toks[-2].low in {"right", "huh", "eh", "ok", "okay"}:
        return toks[:-3] + [Tok(".", False)], True
    return toks, False

