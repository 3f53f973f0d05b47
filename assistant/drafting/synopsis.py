"""Deterministic, model-free synopsis of one conversation, for the "summary" section of a handover.

Method, in short: every utterance is split into sentences; fillers, vocatives, greetings and IVR
boilerplate are dropped; each remaining sentence is rewritten into third-person reported speech
("I need a refund" -> "The customer needs a refund", "Can you check my order?" -> "The customer asks
the agent to check their order", "Where did you buy it?" -> "The agent asks where the customer bought
it") and scored by lexical centrality (how much of the conversation's recurring vocabulary it
carries), with priors for the opening turns and each party's first substantive sentence, and a
preference for a person's own statements, requests and questions over "X says ..." reports. The best
sentences, within a word budget that grows with the length of the conversation, are kept in
conversation order, after a "A and B talk about <topic>" line when one noun clearly recurs on both
sides. Every sentence cites the turn(s) it was built from; nothing is added but pronoun,
verb-agreement and reporting-verb changes. Pure Python, no models: about 2 ms per short dialogue.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["SynopsisSentence", "synopsis"]


@dataclass(frozen=True)
class SynopsisSentence:
    text: str
    turn_ids: list[str]  # the turns the sentence was built from (its citation)


def _words(text: str) -> list[str]:
    return text.split()


# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------

_STOP = frozenset(
    _words("""a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each else ever few for from further get gets getting got had hadn't has
    hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how
    how's i i'd i'll i'm i've if in into is isn't it it's its itself just let let's like lot lots me
    more most much must mustn't my myself no nor not now of off oh ok okay on once only or other ought
    our ours ourselves out over own really right same say says said see shall shan't she she'd
    she'll she's should shouldn't so some such sure than thank thanks that that's the their theirs
    them themselves then there there's these they they'd they'll they're they've thing things think
    this those though through to too um uh under until up us very was wasn't way we we'd we'll we're
    we've well were weren't what what's when when's where where's whether which while who who's whom
    why why's will with won't would wouldn't yeah yes yet you you'd you'll you're you've your yours
    yourself yourselves go going know want mean maybe one could tell good great fine please sorry
    something anything everything nothing come came take make made give gave put still even many
    already another every us ah hmm hey hi hello excuse mr mrs ms dr sir madam ma'am""")
)

_MODALS = frozenset(
    _words("can could will would shall should may might must can't couldn't won't wouldn't shan't "
    "shouldn't mightn't mustn't did didn't had hadn't")
)
_AUX = frozenset(
    _words("do does did are is am was were have has had can could will would should shall may might must "
    "don't doesn't didn't aren't isn't wasn't weren't haven't hasn't hadn't can't couldn't won't "
    "wouldn't shouldn't")
)
_ADVERBS = frozenset(
    _words("""really just also always never still usually often only actually probably definitely even
    already sometimes rarely mostly certainly truly simply hardly seldom generally normally
    personally totally completely absolutely ever nearly almost all both each either sure first once
    then later soon now again finally recently""")
)
_IRREGULAR_PAST = {
    "go": "went", "have": "had", "do": "did", "see": "saw", "get": "got", "make": "made",
    "take": "took", "come": "came", "say": "said", "tell": "told", "buy": "bought", "find": "found",
    "give": "gave", "leave": "left", "feel": "felt", "know": "knew", "lose": "lost", "meet": "met",
    "pay": "paid", "send": "sent", "spend": "spent", "hear": "heard", "think": "thought",
    "eat": "ate", "drink": "drank", "sleep": "slept", "write": "wrote", "read": "read", "put": "put",
    "run": "ran", "sit": "sat", "stand": "stood", "win": "won", "begin": "began", "bring": "brought",
    "catch": "caught", "teach": "taught", "break": "broke", "choose": "chose", "drive": "drove",
    "fly": "flew", "forget": "forgot", "grow": "grew", "hold": "held", "keep": "kept", "lend": "lent",
    "let": "let", "ride": "rode", "ring": "rang", "sell": "sold", "shut": "shut", "sing": "sang",
    "speak": "spoke", "steal": "stole", "swim": "swam", "throw": "threw", "understand": "understood",
    "wake": "woke", "wear": "wore", "become": "became", "build": "built", "cut": "cut", "hit": "hit",
    "hurt": "hurt", "set": "set", "mean": "meant", "fall": "fell", "fight": "fought", "draw": "drew",
    "be": "was", "cost": "cost", "forgive": "forgave", "hide": "hid", "light": "lit", "quit": "quit",
    "rise": "rose", "shoot": "shot", "sink": "sank", "stick": "stuck", "strike": "struck",
    "sweep": "swept", "swing": "swung", "feed": "fed", "bite": "bit", "blow": "blew", "deal": "dealt",
    "dig": "dug", "freeze": "froze", "hang": "hung", "lay": "laid", "lead": "led", "lie": "lay",
    "shake": "shook", "show": "showed", "spread": "spread", "upset": "upset",
}
_PAST_FORMS = frozenset(_IRREGULAR_PAST.values()) | frozenset(
    _words("been done gone seen taken given known written eaten driven broken chosen forgotten spoken "
    "stolen woken worn fallen flown grown shown")
)
# Tokens after a first/second person subject that are not verbs (do not conjugate, stop looking).
_NOT_VERB = _STOP - {"think", "want", "go", "going", "know", "mean", "like", "say", "see", "tell",
                     "get", "come", "take", "make", "give", "put", "let", "have", "do", "am", "are",
                     "was", "were", "don't", "haven't", "aren't", "weren't"}
_LY_VERBS = frozenset(_words("apply reply fly rely supply multiply comply ally"))
_IMPERATIVE = frozenset(
    _words("""check look come go take give tell call send try wait stop sign fill put show bring help make
    keep remember be get pick turn follow read write listen sit enjoy hurry hold leave consider
    imagine relax calm forget open close bring press click restart reset enter choose pay find buy
    note use visit contact return bring ask let believe trust hang stand meet watch mind drop grab
    move fix clean lock hand pass count book reserve cancel charge transfer confirm""")
)
_FILLER_WORDS = frozenset(
    _words("""well oh um umm uh er erm ah hmm mm yeah yes yep yup no nope ok okay so hey hi hello sure
    right alright actually honey dear darling sir madam ma'am now look listen anyway great good
    fine wow gosh boy man really oops ouch aha hey sweetheart indeed exactly certainly absolutely
    gee pardon see""")
)
_BARE_INTERJECTIONS = frozenset(_words("well oh um umm uh er erm ah hmm mm wow gosh oops aha gee"))
_VOCATIVE_TAIL = frozenset(
    _words("sir madam ma'am doctor honey dear darling sweetheart mom dad man guys buddy pal miss")
)
_NON_REQUEST = frozenset(
    _words("""like mind be have not possibly please also really just the a an this that it to me you
    afford imagine believe remember guess understand hear see find want need know think prefer rather
    care agree say mean expect""")
)
_HEDGES = frozenset(
    _words("really actually just very quite totally absolutely definitely basically literally certainly "
    "surely honestly obviously indeed anyway")
)
_LOWER_OK = frozenset(
    _words("""although though because unless since while whereas perhaps maybe hopefully unfortunately
    luckily fortunately sometimes usually often everyone everybody nobody somebody someone people
    each every most many several both either neither whatever whenever wherever however
    instead nowadays""")
)
_PRED_ADJ = frozenset(
    _words("""far near close open closed available ready free ok okay fine good bad right wrong true possible
    necessary expensive cheap big small new old late early busy full empty safe dangerous serious
    interested included broken finished done sure correct enough hot cold warm nice difficult easy
    hard important useful valid vacant""")
)
_DANGLING = frozenset(
    _words("is are was were am the a an to of and or but my your our their his her for with from by as if "
    "because than")
)
_AFTER_OBJECT_YOU = frozenset(
    _words(". ! ? , to for with about and too in on at from all guys know") + [""]
)
_BEFORE_OBJECT_YOU = frozenset(
    _words("thank thanks to for with about at from tell told give ask asked help see meet let send show call")
)
_WH = frozenset(_words("what where when why how who which whose whom"))
_PRONOUN_SUBJ = frozenset(_words("i you we they he she it there this that these those"))
_DETS = frozenset(_words("the a an your my his her their our its this that these those any some"))
_SUBJ_BEFORE = frozenset(
    _words("""and but or so because if when that whether as since while unless before after where what
    how why who which until than though although once think know hope guess believe suppose
    mean , ; : : said whatever whenever wherever""")
)
_PHATIC = re.compile(
    r"^(?:hello|hi|hey|good (?:morning|afternoon|evening|night|bye)|goodbye|bye|see you|"
    r"nice to (?:meet|see) you|how are you|how do you do|thank you|thanks|you'?re welcome|"
    r"not at all|no problem|of course|i see|that'?s right|that'?s ok|that'?s fine|"
    r"that'?s (?:great|good|all)|sounds good|all right|what\??$|really\??$|pardon|sorry\??$|"
    r"excuse me|have a (?:nice|good|great)|take care|can i help you|may i help you|"
    r"what can i do for you|how can i help you|here you are|here it is|what'?s up|"
    r"may i take your order|you have reached|this is [a-z]+(?: [a-z]+)? ?[.!]?$|.*\bspeaking ?[.!]?$|"
    r"thank you for calling|i (?:guess|think|hope|suppose|believe|am afraid) (?:so|not)\b)",
    re.I,
)

# call-centre / IVR boilerplate, never worth a synopsis line
_BOILERPLATE = re.compile(
    r"\b(?:monitored|recorded) for (?:quality|training)|\bcall (?:may|will|is being) (?:be )?(?:monitored|recorded)|"
    r"\b(?:press|dial) (?:one|two|three|four|five|six|seven|eight|nine|zero|\d|star|pound)\b|, press\b|"
    r"\bthanks? (?:you )?for (?:calling|holding|your patience)|\bplease (?:hold|stay on the line)\b|"
    r"\bpress ?[.!]?$|\bhow (?:can|may) i (?:help|assist) you\b"
)
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Mt|No|vs|etc|e\.g|i\.e)\.$")
_TOKEN = re.compile(
    r"#\w+#(?:'s)?|\b[ap]\.m\.|[A-Za-z]+(?:[-'][A-Za-z]+)*|\d+(?:[.,:]\d+)*(?:st|nd|rd|th|s|am|pm)?|\S"
)
_CONTRACTION_FIX = re.compile(r"(\w) ?' ?(s|t|re|ve|ll|d|m)\b", re.I)

# past participles that are not also base forms: "I'd gone" is "I had gone", "I'd put" stays "would"
_PARTICIPLES = frozenset(_words(
    """been done gone seen taken given known written eaten driven broken chosen forgotten spoken stolen woken
    worn fallen flown grown shown had made got found left felt lost met paid sent spent heard thought told
    bought brought caught taught kept held sold slept""")
)

_EXPAND = {
    "i'm": ("I", "am"), "i've": ("I", "have"), "i'll": ("I", "will"), "i'd": ("I", "would"),
    "you're": ("you", "are"), "you've": ("you", "have"), "you'll": ("you", "will"),
    "you'd": ("you", "would"), "we're": ("we", "are"), "we've": ("we", "have"),
    "we'll": ("we", "will"), "we'd": ("we", "would"),
}


# --------------------------------------------------------------------------------------------
# Text utilities
# --------------------------------------------------------------------------------------------


_AMPM1 = re.compile(r"\b([ap])\. ?m\. ?(?=[?!,])")
_AMPM2 = re.compile(r"\b([ap])\. ?m\.")
_ELLIPSIS = re.compile(r"(?:\s*\.\s*){2,}")
_BRACKETS = re.compile(r"\[[^\]]*\]|\([^)]*\)")
_GLUED = re.compile(r"([a-z]{2}[.!?])([A-Z][a-z])")
_SPACES = re.compile(r"\s+")
_SENT_END = re.compile(r"[.!?]+[\"')]*\s+")
_CONTENT_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+")


def _clean(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    if "'" in text:
        text = _CONTRACTION_FIX.sub(lambda m: m.group(1) + "'" + m.group(2).lower(), text)
    if "m." in text:
        text = _AMPM2.sub(r"\1.m.", _AMPM1.sub(r"\1.m.", text))
    if ".." in text or ". ." in text:
        text = _ELLIPSIS.sub("... ", text)
    if "[" in text or "(" in text:
        text = _BRACKETS.sub(" ", text)
    text = _GLUED.sub(r"\1 \2", text)
    return _SPACES.sub(" ", text).strip()


def _split_sentences(text: str) -> list[str]:
    out: list[str] = []
    start = 0
    for m in _SENT_END.finditer(text):
        piece = text[start : m.end()].strip()
        if _ABBREV.search(text[start : m.start() + 1]):
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


class _Tok:
    __slots__ = ("_t", "low", "sp", "subj", "noconj")

    def __init__(self, t: str, sp: bool = True, subj: bool = False, noconj: bool = False):
        self.t = t
        self.sp = sp
        self.subj = subj  # a first/second person subject that has been (or will be) made 3rd person
        self.noconj = noconj

    @property
    def t(self) -> str:
        return self._t

    @t.setter
    def t(self, value: str) -> None:
        self._t = value
        self.low = value.lower()


def _tokenize(s: str) -> list[_Tok]:
    toks: list[_Tok] = []
    prev_end = 0
    for m in _TOKEN.finditer(s):
        sp = m.start() > prev_end
        prev_end = m.end()
        word = m.group(0)
        exp = _EXPAND.get(word.lower())
        if exp:
            first = exp[0] if word[0].islower() or exp[0] == "I" else exp[0].capitalize()
            toks.append(_Tok(first, sp))
            toks.append(_Tok(exp[1], True))
        else:
            toks.append(_Tok(word, sp))
    for i in range(1, len(toks) - 1):
        if toks[i].t == "would" and toks[i - 1].low in {"i", "you", "we"} and (
            toks[i + 1].low in {"been", "better", "already", "never", "just"} or toks[i + 1].low in _PARTICIPLES
        ):
            toks[i].t = "had"
    if toks:
        toks[0].sp = False
    return toks


def _detok(toks: list[_Tok]) -> str:
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


def _is_word(t: str) -> bool:
    c = t[:1]
    return c == "#" or ("a" <= c.lower() <= "z")


def _is_past(low: str) -> bool:
    return low in _PAST_FORMS or (low.endswith("ed") and not low.endswith("eed") and len(low) > 3)


def _third_sg(verb: str) -> str:
    low = verb.lower()
    irregular = {"am": "is", "are": "is", "were": "was", "have": "has", "do": "does", "go": "goes",
                 "don't": "doesn't", "haven't": "hasn't", "aren't": "isn't", "weren't": "wasn't",
                 "be": "is"}
    if low in irregular:
        return irregular[low]
    if re.search(r"(?:s|sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


def _past(verb: str) -> str:
    low = verb.lower()
    if low in _IRREGULAR_PAST:
        return _IRREGULAR_PAST[low]
    if low.endswith("e"):
        return verb + "d"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ied"
    if len(low) <= 4 and re.search(r"^[^aeiou]*[aeiou][bdgmnprt]$", low):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def _conjugate_after(toks: list[_Tok], i: int, mode: str = "3sg") -> None:
    """Make the verb after position i agree with a 3rd-person-singular subject (or go to past)."""
    j = i + 1
    while j < len(toks):
        tk = toks[j]
        low = tk.low
        if tk.noconj or not _is_word(tk.t):
            return
        if low in _ADVERBS or (low.endswith("ly") and len(low) > 4 and low not in _LY_VERBS):
            j += 1
            continue
        if mode == "past":
            if low in _MODALS or _is_past(low) or low in _NOT_VERB:
                return
            tk.t = _past(tk.t)
            tk.noconj = True
            return
        if low in _MODALS or low in {"is", "was", "has", "does", "doesn't", "isn't", "wasn't", "hasn't"}:
            return
        if low in {"am", "are", "were", "have", "do", "don't", "haven't", "aren't", "weren't"}:
            tk.t = _third_sg(tk.t)
            return
        if _is_past(low) or low in _NOT_VERB or "'" in low:
            return
        if low.endswith("ing"):
            return
        tk.t = _third_sg(tk.t)
        tk.noconj = True
        return


# --------------------------------------------------------------------------------------------
# Rewriting one sentence into third-person reported speech
# --------------------------------------------------------------------------------------------


class _Names:
    def __init__(self, speaker: str, listener: str):
        self.spk = speaker
        self.lst = listener

    @staticmethod
    def mid(name: str) -> str:
        if name[:4] in ("The ", "A ", "An ") or name.split(" ")[0] in ("The", "A", "An"):
            return name[0].lower() + name[1:]
        return name

    @staticmethod
    def poss(name: str) -> str:
        return name + ("'" if name.endswith("s") and not name.endswith("#") else "'s")


_FILLER_PHRASES: dict[str, list[tuple[str, ...]]] = {}
for _ph in (("you", "know"), ("i", "mean"), ("you", "see"), ("to", "be", "honest"), ("of", "course"),
            ("excuse", "me"), ("i", "see"), ("let", "me", "see"), ("all", "right"), ("well", "then"),
            ("oh", "dear"), ("by", "the", "way"), ("in", "fact"), ("to", "start", "with"),
            ("first", "of", "all"), ("you", "know", "what"), ("guess", "what"),
            ("as", "a", "matter", "of", "fact"), ("to", "tell", "the", "truth"), ("frankly", "speaking"),
            ("that", "is", "right"), ("i", "am", "sorry"), ("sorry",), ("believe", "me"), ("trust", "me")):
    _FILLER_PHRASES.setdefault(_ph[0], []).append(_ph)


def _strip_fillers(toks: list[_Tok]) -> list[_Tok]:
    changed = True
    while changed and toks:
        changed = False
        low = toks[0].low
        nxt = toks[1].t if len(toks) > 1 else ""
        # multiword fillers
        for phrase in _FILLER_PHRASES.get(low, ()):
            n = len(phrase)
            if len(toks) > n and tuple(t.low for t in toks[:n]) == phrase and toks[n].t in {",", ".", "!", "..."}:
                toks = toks[n + 1 :]
                changed = True
                break
        if changed:
            continue
        if low in _FILLER_WORDS and nxt in {",", ".", "!", "...", "-", ";"}:
            toks = toks[2:]
            changed = True
        elif toks[0].t in {",", ".", "!", "...", "-", ";", ":"} or (_is_word(nxt) and (
            (low in {"and", "but", "so", "or", "then", "anyway", "besides"} and len(toks) > 3)
            or low in _BARE_INTERJECTIONS
        )):
            toks = toks[1:]
            changed = True
        elif (toks[0].t[:1].isupper() and low not in _PRONOUN_SUBJ and low not in _STOP
              and low not in _WH and low not in _IMPERATIVE and nxt == "," and len(toks) > 3):
            # leading vocative: "Sherry, ..."
            toks = toks[2:]
            changed = True
        elif low in {"mr", "mrs", "ms", "dr"} and len(toks) > 4 and toks[1].t == "." and toks[3].t == ",":
            toks = toks[4:]
            changed = True
    # inner fillers ", you know," / ", I mean," / "um"
    out: list[_Tok] = []
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
        if all((t.t[:1].isupper() and t.low not in _PRONOUN_SUBJ and t.low not in _STOP) or t.low in _VOCATIVE_TAIL
               or t.low in {"please", "mr", "mrs", "ms", "dr", "too", "then"} for t in tail_words) and tail_words:
            if tail_words[0].low in {"too", "then"}:
                break
            toks = toks[:j] + [toks[-1]]
        else:
            break
    return toks


def _strip_tag_question(toks: list[_Tok]) -> tuple[list[_Tok], bool]:
    """'..., right?' / '..., isn't it?' -> statement. Returns (tokens, was_tag)."""
    if len(toks) < 4 or toks[-1].t != "?":
        return toks, False
    for n in (2, 3):
        if len(toks) > n + 2 and toks[-n - 2].t == ",":
            tag = [t.low for t in toks[-n - 1 : -1]]
            if n == 1 and tag[0] in {"right", "huh", "eh", "ok", "okay"}:
                return toks[: -n - 2] + [_Tok(".", False)], True
            if n == 2 and tag[0] in _AUX and tag[0].endswith("n't") and tag[1] in _PRONOUN_SUBJ:
                return toks[: -n - 2] + [_Tok(".", False)], True
            if n == 2 and tag[0] in _AUX and tag[1] in _PRONOUN_SUBJ:
                return toks[: -n - 2] + [_Tok(".", False)], True
    if len(toks) > 3 and toks[-3].t == "," and toks[-2].low in {"right", "huh", "eh", "ok", "okay"}:
        return toks[:-3] + [_Tok(".", False)], True
    return toks, False


_FINITE = _AUX | {"am", "'s", "'re", "'m", "'ve", "'ll", "'d"}
_SUBJECTS = frozenset(_words("i you we they he she it this that there who which everyone everybody nobody people"))


def _has_finite_verb(toks: list[_Tok]) -> bool:
    for i, t in enumerate(toks):
        low = t.low
        if low in _FINITE or low.endswith("'s") or low.endswith("n't") or _is_past(low):
            return True
        if i > 0 and toks[i - 1].low in _SUBJECTS and _is_word(t.t) and low not in _STOP - _FINITE:
            return True
        if (
            0 < i < len(toks) - 1
            and _is_word(toks[i - 1].t)
            and toks[i - 1].low not in _STOP
            and low.endswith("s")
            and not low.endswith("ss")
            and low not in _STOP
            and _is_word(toks[i + 1].t)
        ):
            return True  # "the parcel arrives today"
    return False


def _subject_span(toks: list[_Tok], k: int) -> int:
    """Given the subject starts at k (after an inverted auxiliary), return the end index (exclusive),
    or -1 if no confident subject is found."""
    if k >= len(toks):
        return -1
    low = toks[k].low
    if low in _PRONOUN_SUBJ and low not in {"this", "that", "these", "those"}:
        return k + 1
    if low in {"this", "that", "these", "those"}:
        nxt = toks[k + 1].low if k + 1 < len(toks) else ""
        if (nxt and _is_word(nxt) and nxt not in _STOP and nxt not in _PRED_ADJ and not _is_past(nxt)
                and not nxt.endswith("ing") and k + 2 < len(toks) and _is_word(toks[k + 2].t)):
            return k + 2  # "this seat | taken"
        return k + 1
    if low in _DETS:
        end = k + 1
        if end < len(toks) and _is_word(toks[end].t) and toks[end].low not in _STOP:
            end += 1
            # a longer noun phrase up to a predicate adjective: "the hotel | far", "an international
            # driving license | fine"
            run = end
            while run < len(toks) and _is_word(toks[run].t) and toks[run].low not in _STOP | _PRED_ADJ:
                run += 1
            if run < len(toks) and toks[run].low in _PRED_ADJ and run > end:
                return run
            # compound noun before a participle: "your TV set been repaired"
            while (
                end + 1 < len(toks)
                and _is_word(toks[end].t)
                and toks[end].low not in _STOP
                and not _is_past(toks[end].low)
                and (toks[end + 1].low in {"been", "being"} or _is_past(toks[end + 1].low)
                     or toks[end + 1].low.endswith("ing"))
            ):
                end += 1
            # allow a compound noun: "your credit card"
            if (end < len(toks) and _is_word(toks[end].t) and toks[end].low not in _STOP
                    and end + 1 < len(toks) and toks[end + 1].t in {"?", "."}):
                return end
            if end < len(toks) and toks[end].t in {"?", "."}:
                return end
            return end
        return -1
    if toks[k].t[:1].isupper() and low not in _STOP:  # a name
        return k + 1
    return -1


def _report_question(toks: list[_Tok]) -> tuple[str, list[_Tok]] | None:
    """Turn an inverted question into (reporting_form, clause tokens). reporting_form in
    {'if', 'wh', 'to', 'suggest', 'suggest_they', 'about'}."""
    if not toks or toks[-1].t != "?":
        return None
    body = toks[:-1]
    if not body:
        return None
    w0 = body[0].low
    w1 = body[1].low if len(body) > 1 else ""
    w2 = body[2].low if len(body) > 2 else ""
    # "How about X?" / "What about X?"
    if w0 in {"how", "what"} and w1 == "about" and len(body) > 2:
        gerund = body[2].low.endswith("ing") or body[2].low in {"we", "you", "i"}
        return ("suggest" if (w0 == "how" and gerund) else "about"), body[2:]
    # "Why don't you / we X?"
    if w0 == "why" and w1 in {"don't", "not"}:
        if w1 == "not":
            return "suggest_base", body[2:]
        if w2 == "we":
            return "suggest_they", body[3:]
        if w2 == "you":
            rest = body[3:]
            return "suggest_you", rest
        return None
    # "Shall we X?" / "Shall I X?"
    if w0 == "shall" and w1 == "we":
        return "suggest_they", body[2:]
    # yes/no: AUX SUBJ REST
    if w0 in _AUX:
        end = _subject_span(body, 1)
        if end < 0:
            return None
        subj = body[1:end]
        rest = body[end:]
        if not rest:
            return None
        aux = body[0]
        subj_low = subj[0].low
        if (w0 in {"can", "could", "will", "would"} and subj_low == "you" and rest[0].low not in _NON_REQUEST
                and not rest[0].low.endswith("ing")):
            return "to", rest  # request: "Could you check X" -> asks Y to check X
        if w0 in {"can", "could", "may"} and subj_low == "i" and rest[0].low in {"have", "get"} and len(rest) > 1:
            return "ask_for", rest[1:]
        return "if", _reorder(aux, subj, rest)
    # wh: WH [NP<=3] AUX SUBJ REST
    if w0 in _WH:
        j = 1
        while j < len(body) and j <= 4 and body[j].low not in _AUX:
            if not _is_word(body[j].t):
                return None
            j += 1
        if j >= len(body) or body[j].low not in _AUX:
            # the wh-word is the subject: "What happened to you?" -> asks what happened to Y
            return "wh", body
        wh_part = body[:j]
        aux = body[j]
        end = _subject_span(body, j + 1)
        if end < 0:
            if aux.low in {"do", "does", "did", "don't", "doesn't", "didn't"}:
                return None
            return "wh", body  # "What is wrong?" / "Who is calling?"
        if aux.low in {"is", "are", "was", "were"} and body[j + 1].low in _DETS:
            # "When is the next train to Boston?" -> "when the next train to Boston is"
            return "wh", wh_part + [_Tok(t.t, t.sp) for t in body[j + 1 :]] + [_Tok(aux.low, True)]
        subj = body[j + 1 : end]
        rest = body[end:]
        return "wh", wh_part + _reorder(aux, subj, rest)
    return None


def _reorder(aux: _Tok, subj: list[_Tok], rest: list[_Tok]) -> list[_Tok]:
    a = aux.low
    subj = [_Tok(t.t if (t.t == "I" or (t.t[:1].isupper() and t.low not in _STOP)) else t.low, True, t.subj)
            for t in subj]
    first_low = subj[0].low
    person12 = first_low in {"i", "you"}
    if a in {"do", "does"}:
        out = subj + rest
        if (a == "does" or person12) and rest:
            if person12:
                subj[-1].subj = True
            else:
                _conjugate_after(out, len(subj) - 1)
        return out
    if a == "did":
        out = subj + rest
        _conjugate_after(out, len(subj) - 1, mode="past")
        return out
    if a in {"don't", "doesn't", "didn't"}:
        neg = "didn't" if a == "didn't" else ("doesn't" if (a == "doesn't" or person12) else "don't")
        return subj + [_Tok(neg, True, noconj=person12 is False)] + rest
    new_aux = _Tok(a, True)
    if person12:
        subj[-1].subj = True
    # be/have/modals: subject + aux + rest; "what is your name" -> "what your name is"
    return subj + [new_aux] + rest


def _rewrite_pronouns(
    toks: list[_Tok], names: _Names, at_start: bool, mentioned: set[str] | None = None
) -> list[_Tok]:
    """First/second person -> third person; marks subjects and fixes verb agreement.

    ``mentioned``: who the sentence has already named (the reporting clause). A possessive becomes
    "their" when its owner has been named and "their" has not yet been used for the other party;
    otherwise the name is repeated, so one sentence never uses "their" for both.
    """
    spk, lst = names.spk, names.lst
    mentioned = set(mentioned or ())
    their_for: str | None = None
    out: list[_Tok] = []
    n = len(toks)
    for i, tk in enumerate(toks):
        low = tk.low
        prev = out[-1].low if out else ""
        nxt = toks[i + 1].low if i + 1 < n else ""
        start = (not out) and at_start
        if low == "i" or (low == "me" and not out):
            name = spk
            compound = prev in {"and", "or"} and nxt in {"are", "were"}  # "my wife and I are"
            out.append(_Tok(name if start else _Names.mid(name), tk.sp, subj=not compound))
            mentioned.add(spk)
        elif low == "you":
            if nxt in {"two", "three", "both", "all", "guys", "people", "folks"}:
                subj_pos = False  # "you two are": plural, leave the verb alone
            elif tk.subj:
                subj_pos = True  # marked by question reordering
            elif nxt in _AFTER_OBJECT_YOU or prev in _BEFORE_OBJECT_YOU:
                subj_pos = False
            else:
                subj_pos = (not out) or prev in _SUBJ_BEFORE or prev in _WH
            name = lst
            out.append(_Tok(name if start else _Names.mid(name), tk.sp, subj=subj_pos))
            mentioned.add(lst)
        elif low == "me":
            out.append(_Tok(_Names.mid(spk), tk.sp))
            mentioned.add(spk)
        elif low in {"my", "your"}:
            who = spk if low == "my" else lst
            if who in mentioned and not start and their_for in (None, who):
                their_for = who
                out.append(_Tok("their", tk.sp))
            else:
                nm = _Names.poss(who)
                out.append(_Tok(nm if start else _Names.mid(nm), tk.sp))
                mentioned.add(who)
        elif low in {"mine", "yours"}:
            who = spk if low == "mine" else lst
            out.append(_Tok(_Names.mid(_Names.poss(who)), tk.sp))
        elif low in {"myself", "yourself"}:
            who = spk if low == "myself" else lst
            out.append(_Tok("themselves" if who in mentioned else _Names.mid(who), tk.sp))
        elif low == "yourselves":
            out.append(_Tok("themselves", tk.sp))
        elif low == "we":
            out.append(_Tok("They" if start else "they", tk.sp, noconj=True))
        elif low == "us":
            out.append(_Tok("them", tk.sp))
        elif low == "our":
            out.append(_Tok("Their" if start else "their", tk.sp))
        elif low == "ours":
            out.append(_Tok("theirs", tk.sp))
        elif low == "ourselves":
            out.append(_Tok("themselves", tk.sp))
        else:
            out.append(_Tok(tk.t, tk.sp, tk.subj, tk.noconj))
    for i, tk in enumerate(out):
        if tk.subj:
            if (i + 2 < len(out) and out[i + 1].low == "would" and out[i + 2].low == "like"
                    and (i + 3 >= len(out) or out[i + 3].low != "it")):
                out[i + 1 : i + 3] = [_Tok("wants", True, noconj=True)]  # "I'd like a refund"
                continue
            _conjugate_after(out, i)
    return out


def _lower_first(toks: list[_Tok], proper: tuple[set[str], set[str]]) -> None:
    """Lower-case the first word of an embedded clause unless it looks like a name or acronym."""
    if not toks:
        return
    w = toks[0].t
    if w == "I" or w.startswith("#") or not w[:1].isupper() or any(ch.isupper() for ch in w[1:]):
        return
    if w in proper[0] or (w.lower() not in proper[1] and w.lower() not in _STOP and w.lower() not in _HEDGES):
        return
    toks[0].t = w[0].lower() + w[1:]


def _finish(toks: list[_Tok]) -> str:
    s = _detok(toks)
    s = s.rstrip(" ,;:-")
    s = re.sub(r"[.!?]+$", "", s).rstrip(" ,;:-") + "."
    s = re.sub(r"\.\.\.\.$", ".", s)
    return s[:1].upper() + s[1:]


def _rewrite(sentence: str, names: _Names, vocab_lower: tuple[set[str], set[str]]) -> tuple[str, str] | None:
    """Rewrite one sentence; returns (text, kind) or None when it is not worth keeping."""
    toks = _tokenize(sentence)
    toks = _strip_fillers(toks)
    toks, _ = _strip_tag_question(toks)
    polite = any(t.low == "please" for t in toks)
    toks = [t for i, t in enumerate(toks)
            if not (t.low == "please" or (t.t == "," and i + 1 < len(toks) and toks[i + 1].low == "please"))]
    if not toks:
        return None
    toks = [t for i, t in enumerate(toks)
            if not (t.low in _HEDGES and i > 0 and i + 1 < len(toks) and _is_word(toks[i + 1].t))]
    if len(toks) > 6 and [t.low for t in toks[:5]] == ["i", "was", "wondering", "if", "you"] and toks[5].low in {
        "could", "would", "can", "will"
    }:
        clause = _detok(_rewrite_pronouns(toks[6:], names, False, {names.spk}))
        return _finish([_Tok(f"{names.spk} asks {_Names.mid(names.lst)} to {clause}")]), "request"
    words = [t for t in toks if _is_word(t.t)]
    if words and words[-1].low in _DANGLING:
        return None  # cut-off utterance: "My first name is ..."
    if len(words) < 3:
        return None
    plain = " ".join(t.low for t in toks)
    if (_PHATIC.match(plain) and len(words) < 8) or _BOILERPLATE.search(plain):
        return None
    spk, lst = names.spk, names.lst
    S, L = spk, _Names.mid(lst)
    w0 = toks[0].low
    w1 = toks[1].low if len(toks) > 1 else ""

    def body(ts: list[_Tok], start: bool = False, both: bool = False) -> str:
        named = {names.spk, names.lst} if both else {names.spk}
        ts = _rewrite_pronouns(ts, names, at_start=start, mentioned=named)
        if not start:
            _lower_first(ts, vocab_lower)
        return _detok(ts).rstrip(" ,;:-")

    if toks[-1].t == "?":
        q = _report_question(toks)
        if q is None:
            # declarative question: "You mean that...?"
            simple = len(toks) <= 14 and not any(t.t == "," for t in toks)
            if w0 in {"you", "i", "we", "it", "there", "they", "he", "she"} and simple:
                return _finish([_Tok(f"{S} asks if {body(toks[:-1])}")]), "question"
            return None
        form, clause = q
        if len(clause) < 1:
            return None
        if form == "if":
            return _finish([_Tok(f"{S} asks if {body(clause)}")]), "question"
        if form == "wh":
            who = "" if any(t.low in {"you", "your", "yourself"} for t in clause) else f" {L}"
            return _finish([_Tok(f"{S} asks{who} {body(clause)}")]), "question"
        if form == "to":
            return _finish([_Tok(f"{S} asks {L} to {body(clause, both=True)}")]), "request"
        if form == "ask_for":
            return _finish([_Tok(f"{S} asks for {body(clause)}")]), "request"
        if form == "suggest":
            return _finish([_Tok(f"{S} suggests {body(clause)}")]), "suggest"
        if form == "about":
            return _finish([_Tok(f"{S} asks {L} about {body(clause)}")]), "question"
        if form == "suggest_they":
            return _finish([_Tok(f"{S} suggests that they {body(clause)}")]), "suggest"
        if form == "suggest_you":
            c = [_Tok("you", False, subj=True)] + clause
            return _finish([_Tok(f"{S} suggests that {body(c)}")]), "suggest"
        if form == "suggest_base":
            return _finish([_Tok(f"{S} suggests that {L} {body(clause)}")]), "suggest"
        return None

    # statements
    if w0 in {"i", "my"}:
        return _finish(_rewrite_pronouns(toks, names, at_start=True)), "first"
    if w0 == "let's" or (w0 == "let" and w1 == "us"):
        rest = toks[1:] if w0 == "let's" else toks[2:]
        if len(rest) < 1:
            return None
        return _finish([_Tok(f"{S} suggests that they {body(rest)}")]), "suggest"
    if w0 == "let" and w1 == "me" and len(toks) > 3:
        return _finish([_Tok(f"{S} offers to {body(toks[2:])}")]), "offer"
    if w0 in {"thank", "thanks"}:
        k = 2 if w0 == "thank" else 1
        if len(toks) > k + 1 and toks[k].low == "for":
            return _finish([_Tok(f"{S} thanks {L} {body(toks[k:])}")]), "thanks"
        return None
    if w0 == "please" and len(toks) > 2 and _is_word(toks[1].t):
        rest = [t for t in toks[1:] if t.low != "please"]
        return _finish([_Tok(f"{S} asks {L} to {body(rest, both=True)}")]), "request"
    if w0 in {"don't", "never"} and len(toks) > 2 and toks[1].low not in _PRONOUN_SUBJ:
        rest = [t for t in toks[1:] if t.low != "please"]
        return _finish([_Tok(f"{S} asks {L} not to {body(rest, both=True)}")]), "request"
    if (w0 in _IMPERATIVE and w1 not in _AUX and w1 not in {"is", "'s", ",", ".", "like", "who", "at"}
            and len(toks) > 2 and _is_word(toks[2].t)):
        rest = [t for t in toks if t.low != "please"]
        rest[0] = _Tok(rest[0].low, False)
        return _finish([_Tok(f"{S} {'asks' if polite else 'tells'} {L} to {body(rest, both=True)}")]), "request"
    if w0 == "you" and len(toks) > 3:
        w2 = toks[2].low
        advice = 2 if w1 == "should" else 3 if (w1, w2) in {("ought", "to"), ("had", "better")} else 0
        duty = 2 if w1 == "must" else 3 if (w1, w2) in {("need", "to"), ("have", "to")} else 0
        if advice:  # "You should restart the router" -> suggests that the customer restart the router
            return _finish([_Tok(f"{S} suggests that {L} {body(toks[advice:])}")]), "suggest"
        if duty:  # "You need to fill in this form" -> tells the customer to fill in this form
            return _finish([_Tok(f"{S} tells {L} to {body(toks[duty:], both=True)}")]), "request"
    if w0 == "you":
        c = [_Tok("you", False, subj=True)] + toks[1:]
        return _finish([_Tok(f"{S} says {body(c)}")]), "says"
    if w0 in _AUX or w0 in _WH or not _has_finite_verb(toks):
        return None  # fragments ("reading the paper on the couch") and exclamations
    return _finish([_Tok(f"{S} says {body(toks)}")]), "says"


# --------------------------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _stem(w: str) -> str:
    w = w.lower().strip("'")
    for suf in ("ing", "ed", "es", "s", "'s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def _content(s: str) -> list[str]:
    return [_stem(w) for w in _CONTENT_WORD.findall(s) if len(w) > 1 and w.lower() not in _STOP]


# Selection knobs. The budget grows with the conversation (b0 + b1 * words, clipped to
# [min_budget, max_words]); sentences whose content is a person's own statement, request,
# suggestion or question are preferred over "X says ..." reports (kind_boost).
_P = {
    "len_exp": 0.7,  # centrality is divided by words ** len_exp
    "pos_w": 0.6, "pos_decay": 3.0,  # relative-position prior (first third of the conversation)
    "abs_w": 0.6, "tau": 2.0,  # absolute-position prior (the first few turns)
    "first_boost": 1.6,  # each party's first substantive sentence
    "kind_boost": 2.0,  # own statements, requests, suggestions and questions over "X says ..."
    "min_budget": 12, "b0": 6.0, "b1": 0.14, "slack": 4,  # word budget
    "overlap": 0.7,  # redundancy penalty
    "topic": 1,  # open with "A and B talk about <topic>" when a clear topic recurs
    "min_content": 1,  # content words a sentence needs to be considered
}


_NOUN_CUES = frozenset(_words("the a an my your his her their our this that these those some any of about for new no"))
_GENERIC = frozenset(
    _words("""time times day days today tomorrow tonight yesterday week weeks year years minute minutes hour
    hours moment idea problem kind sort lot bit course way people person man woman guy guys place
    thanks thank yes sir madam miss mister number morning afternoon evening night question help
    sure right wrong next first last little better best much many other money month months name
    new old big small nice same different ref type call calls calling information phone line""")
)


def _topic(sents: list[tuple[int, str, str, str]]) -> tuple[str, list[str]] | None:
    """The conversation's most recurrent noun-like word (or two-word phrase), with the turns using it."""
    turns_of: dict[str, list[str]] = {}
    speakers: dict[str, set[str]] = {}
    cue: dict[str, dict[str, int]] = {}
    surface: dict[str, dict[str, int]] = {}
    bigram: dict[tuple[str, str], int] = {}
    first: dict[str, int] = {}
    right_of: dict[str, dict[str, int]] = {}
    for k, (_pos, tid, spk, sent) in enumerate(sents):
        words = re.findall(r"[A-Za-z][A-Za-z'-]*", sent)
        prev = ""
        for i, w in enumerate(words):
            low = w.lower()
            st = _stem(low)
            if low in _STOP or low in _GENERIC or len(low) < 3 or "'" in low or (w.isupper() and len(w) == 1):
                prev = low
                continue
            if i > 0 or not w[:1].isupper():
                surface.setdefault(st, {}).setdefault(w if (w[:1].isupper() and i > 0) else low, 0)
                surface[st][w if (w[:1].isupper() and i > 0) else low] += 1
            if tid not in turns_of.setdefault(st, []):
                turns_of[st].append(tid)
            speakers.setdefault(st, set()).add(spk)
            first.setdefault(st, k)
            c = cue.setdefault(st, {})
            c[prev] = c.get(prev, 0) + 1
            if i > 0 and prev not in _STOP and prev not in _GENERIC and len(prev) > 2:
                bigram[(_stem(prev), st)] = bigram.get((_stem(prev), st), 0) + 1
            if (i + 1 < len(words) and words[i + 1].lower() not in _STOP and words[i + 1].lower() not in _GENERIC
                    and len(words[i + 1]) > 2):
                right = right_of.setdefault(st, {})
                right[words[i + 1].lower()] = right.get(words[i + 1].lower(), 0) + 1
            prev = low
    best = None
    for st, tids in turns_of.items():
        evidence = sum(n for cw, n in cue[st].items() if cw in _NOUN_CUES)
        if len(tids) < 3 or len(speakers[st]) < 2 or evidence < 2 or not surface.get(st):
            continue
        if re.search(r"(?:ed|ly|ing|ful|ous|ive|able|ible|al|ic)$", st) and not st.endswith(("ical", "tal")):
            continue
        if any(w[:1].isupper() for w in surface[st]) and sum(surface[st].values()) < 3:
            continue
        key = (len(tids) + evidence / 10.0, -first[st])
        if best is None or key > best[0]:
            best = (key, st)
    if best is None:
        return None
    st = best[1]
    word = max(surface[st].items(), key=lambda kv: (kv[1], kv[0]))[0]
    pairs = [(n, b) for b, n in bigram.items() if b[1] == st and n >= 2 and cue.get(b[0]) and
             sum(v for cw, v in cue[b[0]].items() if cw in _NOUN_CUES) >= 2]
    phrase = word
    if pairs:
        _n, (left, _) = max(pairs)
        left_word = max((w for w in surface.get(left, {}) ), key=lambda w: surface[left][w], default=None)
        if left_word:
            phrase = f"{left_word} {word}"
    n_occ = sum(surface[st].values())
    if right_of.get(st):
        rw, rn = max(right_of[st].items(), key=lambda kv: (kv[1], kv[0]))
        if rn * 2 >= n_occ and rn >= 2:  # mostly a modifier: "cell phone", "leather jacket"
            phrase = f"{phrase} {rw}"
    det = max(cue[st].items(), key=lambda kv: kv[1])[0]
    definite = {"the", "my", "your", "his", "her", "their", "our", "this", "that", "a", "an"}
    if det in definite and not word.endswith("s") and not word[:1].isupper():
        phrase = "the " + phrase
    return phrase, turns_of[st][:3]


_MAX_REWRITE = 48


@dataclass
class _Cand:
    idx: int
    turn_pos: int
    turn_id: str
    speaker: str
    raw: str
    text: str
    kind: str
    words: int
    content: list[str]
    first_of_speaker: bool
    score: float = 0.0


def _word_count(s: str) -> int:
    return len(s.split())


def synopsis(
    turns: list[tuple[str, str, str]],
    customer: str = "The customer",
    agent: str = "the agent",
    max_words: int = 40,
) -> list[SynopsisSentence]:
    """turns: (turn_id, speaker in {'customer','agent','system'}, text). Returns a few sentences, third person.

    Deterministic: the same turns always give the same synopsis. Every sentence cites the turn
    it was rewritten from. The total length never exceeds ``max_words`` words.
    """
    if max_words <= 0:
        return []
    cust = customer[:1].upper() + customer[1:] if customer else "The customer"
    agt = agent[:1].upper() + agent[1:] if agent else "The agent"
    names = {"customer": _Names(cust, agt), "agent": _Names(agt, cust)}

    sents: list[tuple[int, str, str, str]] = []  # (turn_pos, turn_id, speaker, sentence)
    all_text: list[str] = []
    for pos, (tid, spk, text) in enumerate(turns):
        if spk not in names or not text or not text.strip():
            continue
        clean = _clean(text)
        all_text.append(clean)
        for s in _split_sentences(clean):
            sents.append((pos, str(tid), spk, s))
    if not sents:
        return []
    # capitalised words seen mid-sentence are taken as names (kept capitalised when quoted)
    vocab_lower = (
        {m.group(1) for s in sents for m in re.finditer(r"(?<=[a-z,;] )([A-Z][a-z]+)", s[3])
         if m.group(1).lower() not in _STOP and m.group(1).lower() not in _LOWER_OK},
        set(re.findall(r"\b[a-z][a-z']*\b", " ".join(all_text))) | _LOWER_OK,
    )
    total_words = sum(_word_count(t) for t in all_text)

    # document frequency of content words over turns -> recurring vocabulary
    turn_sets: dict[int, set[str]] = {}
    for pos, _tid, _spk, s in sents:
        turn_sets.setdefault(pos, set()).update(_content(s))
    df: dict[str, int] = {}
    for st in turn_sets.values():
        for w in st:
            df[w] = df.get(w, 0) + 1
    n_turns = max(1, len(turn_sets))

    contents = [_content(s) for _pos, _tid, _spk, s in sents]
    first_pos = sents[0][0]

    def position_factor(pos: int) -> float:
        rel = (pos - first_pos) / max(1, n_turns)
        f = 1.0 + _P["pos_w"] * max(0.0, 1.0 - _P["pos_decay"] * rel)  # the opening matters
        return f * (1.0 + _P["abs_w"] * math.exp(-(pos - first_pos) / _P["tau"]))

    def centrality(uniq: set[str]) -> float:
        # recurring content words (seen in more turns) weigh more
        return sum(math.log1p(df.get(w, 1)) for w in uniq)

    # Long transcripts: only the most promising sentences (by a cheap pre-score) and each party's
    # opening sentences are rewritten, which keeps the cost linear in the transcript length.
    eligible = [i for i in range(len(sents)) if len(set(contents[i])) >= _P["min_content"]]
    if len(eligible) > _MAX_REWRITE:
        pre = sorted(
            eligible,
            key=lambda i: (-centrality(set(contents[i])) * position_factor(sents[i][0])
                           / max(1, _word_count(sents[i][3])) ** _P["len_exp"], i),
        )
        keep = set(pre[:_MAX_REWRITE])
        for spk in names:
            keep.update([i for i in eligible if sents[i][2] == spk][:8])
        eligible = sorted(keep)

    cands: list[_Cand] = []
    seen_speaker: set[str] = set()
    for idx in eligible:
        pos, tid, spk, s = sents[idx]
        r = _rewrite(s, names[spk], vocab_lower)
        if r is None:
            continue
        text, kind = r
        first = spk not in seen_speaker
        seen_speaker.add(spk)
        cands.append(_Cand(idx, pos, tid, spk, s, text, kind, _word_count(text), contents[idx], first))
    if not cands:
        return []

    for c in cands:
        uniq = set(c.content)
        c.score = centrality(uniq) / (c.words ** _P["len_exp"]) * position_factor(c.turn_pos)
        if c.first_of_speaker:
            c.score *= _P["first_boost"]
        if c.kind in {"first", "request", "suggest", "question"}:
            c.score *= _P["kind_boost"]
        if c.words > 30:
            c.score *= 0.6

    topic = _topic(sents) if _P["topic"] else None
    topic_text = ""
    if topic is not None:
        topic_text = f"{cust} and {_Names.mid(agt)} talk about {topic[0]}."
        if _word_count(topic_text) > max_words // 2:
            topic_text = ""
    cap = max_words - _word_count(topic_text)
    budget = min(cap, max(_P["min_budget"], int(round(_P["b0"] + _P["b1"] * total_words))))
    chosen: list[_Cand] = []
    used_words = 0
    covered: set[str] = set()
    pool = sorted(cands, key=lambda c: (-c.score, c.idx))
    uniq_of = {id(c): set(c.content) for c in pool}
    while pool:
        best = None
        best_val = -1.0
        for c in pool:
            uniq = uniq_of[id(c)]
            overlap = len(uniq & covered) / max(1, len(uniq))
            val = c.score * (1.0 - _P["overlap"] * overlap)
            if val > best_val:
                best_val, best = val, c
        assert best is not None
        pool.remove(best)
        if chosen and used_words + best.words > min(cap, budget + _P["slack"]):
            continue
        chosen.append(best)
        used_words += best.words
        covered |= uniq_of[id(best)]
        if used_words >= budget:
            break
        room = min(cap, budget + _P["slack"]) - used_words
        pool = [c for c in pool if c.words <= room]

    chosen.sort(key=lambda c: c.idx)
    out: list[SynopsisSentence] = []
    remaining = max_words
    if topic_text and topic is not None:
        out.append(SynopsisSentence(text=topic_text, turn_ids=topic[1]))
        remaining -= _word_count(topic_text)
    for c in chosen:
        text = c.text
        if c.words > remaining:  # only possible for a single over-long sentence
            text = _truncate(text, remaining)
        out.append(SynopsisSentence(text=text, turn_ids=[c.turn_id]))
        remaining -= _word_count(text)
    return out


def _truncate(text: str, n: int) -> str:
    """Cut an over-long sentence to n words, at a clause boundary when there is one."""
    words = text.split()[: max(1, n - 1)]
    cut = " ".join(words)
    m = re.match(r"(.*\w)[,;:]\s", cut + " ")
    if m and _word_count(m.group(1)) >= max(4, n // 2):
        return m.group(1) + "."
    return cut.rstrip(" ,;:-.") + " ..."
