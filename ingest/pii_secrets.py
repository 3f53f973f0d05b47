"""Secrets a customer says in words: passwords and answers to security questions. They have no shape, so each rule
needs a key word beside the value ("my passcode is pancake", "Biscuit, that was my first pet's name") and a value
that is not an ordinary word of the sentence ("my password is on a sticky note" keeps "on")."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.pii_rules import Span, another, before

PASSWORD_KEY = r"(?:password|passcode|pass code|passphrase|pass ?word|memorable (?:word|password))"
_TOKEN = r"[^\s,;]+"
_PASSWORD = re.compile(
    rf"\b{PASSWORD_KEY}"
    r"(?:'s\s+|(?:\s+(?:for|on|of)\s+(?:the|my|your)\s+\w+)?(?:\s+[a-z]+){0,3}?,?\s*"  # "the password, is ..."
    r"(?:\bis\b|\bwas\b|\bwill be\b|[:=])\s*)"
    r"(?:(?:now|currently|still|actually|just|simply|probably)\s+)?"  # "my password is now ..."
    rf"(?P<v>{_TOKEN})"
    r"|\b(?:password|passcode)\s+(?P<w>(?=\S*\d)[^\s,;]{4,})", re.I)
_PASSWORD_CHANGED = re.compile(
    rf"\b(?:reset|changed|set|change|updated|update|switched)\s+(?:my|the|our)\s+(?:[\w']+\s+)?{PASSWORD_KEY}\s+"
    rf"(?:back\s+)?(?:to|as)\s+(?P<v>{_TOKEN})"
    rf"|\b{PASSWORD_KEY}(?:\s+(?:has|have|was|is|got|been|now|just|already)){{0,3}}\s+"
    rf"(?:changed|reset|set|updated|switched)\s+(?:back\s+)?(?:to|as)\s+(?P<w>{_TOKEN})", re.I)
_ANOTHER_PASSWORD = re.compile(r"[^\s,;]+?(?=[.!?]*(?:$|[\s,;]))")
_PASSWORD_BEFORE = before(rf"(?<!\S){_TOKEN}", PASSWORD_KEY)
# "it says wrong password but I'm typing GALAxy_87": a typed value that looks like a password
_TYPED = r"(?:typing|typed|type|entering|entered|enter|using|used|tried|trying|putting in|put in)"
_PASSWORD_TYPED = re.compile(
    rf"\b{PASSWORD_KEY}\b[^.!?\n]{{0,40}}?\b{_TYPED}\s+(?:in\s+)?(?P<v>{_TOKEN})"
    rf"|\b{_TYPED}\s+(?:in\s+)?(?P<w>{_TOKEN})[^.!?\n]{{0,40}}?\b{PASSWORD_KEY}", re.I)
# A note's "passcode lighthouse": the key opens the clause and one word follows it, nothing else.
_PASSWORD_BARE = re.compile(
    rf"(?:^|[,;(]\s*|\band\s+)(?:(?:my|the|new|temp(?:orary)?|old|current)\s+)*{PASSWORD_KEY}\s*[-–—]?\s+"
    r"(?P<v>[^\s,;]+?)(?=[.!]?\s*(?:$|[,;)]))", re.I)
_NOT_A_PASSWORD = frozenset((
    "wrong", "incorrect", "correct", "expired", "not", "too", "the", "a", "an", "my", "your", "fine", "working",
    "locked", "case-sensitive", "reset", "changed", "invalid", "weak", "strong", "different", "same", "required",
    "needed", "sent", "new", "old", "still", "now", "being", "what", "it", "that", "this", "something", "nothing",
    "blocked", "no", "yes", "which", "where", "how", "who", "why", "here", "there", "mine", "yours", "on", "in", "at",
    "written", "saved", "stored", "somewhere", "please", "again", "today", "though", "then", "anymore", "been",
    "also", "and", "but", "or", "so", "just", "only", "really", "very", "all", "ok", "okay", "alright", "gone",
    "forgotten", "complicated", "long", "short", "easy", "hard", "for", "to", "of", "with", "i", "me", "we", "you",
    "is", "was", "one", "sorry", "nope", "yeah", "sure", "pass", "later", "wait", "hang", "hold", "set", "done",
    "right", "thanks", "twice", "once", "why", "pardon", "hi", "hello", "hiya", "morning", "afternoon", "evening"))


def password_ok(v: str) -> bool:
    return v.lower().strip(".!?\"'") not in _NOT_A_PASSWORD and len(v.strip(".")) >= 3


def _looks_made_up(v: str) -> bool:
    """A digit, a symbol or a capital inside a word: what a typed password has and a word of the sentence does not."""
    v = v.strip(".!?,\"'")
    return bool(re.search(r"\d|[^\w\s]|[a-z][A-Z]", v))


_PASSWORD_HINT = re.compile(r"pass|memorable", re.I)  # every password rule needs one (a regex each costs more)
_SECRET_HINT = re.compile(r"maiden|pet|dog|cat|school|birth|born|memorable|favou?rite|car|security|answer|secret|"
                          r"childhood|primary|teacher|grew|middle", re.I)


def passwords(text: str) -> Iterable[Span]:
    if not _PASSWORD_HINT.search(text):
        return
    for pattern, looks in ((_PASSWORD, False), (_PASSWORD_CHANGED, False), (_PASSWORD_BEFORE, False),
                           (_PASSWORD_BARE, False), (_PASSWORD_TYPED, True)):
        for m in pattern.finditer(text):
            group = "v" if m.group("v") else "w"
            v = m.group(group)
            end = m.end(group) - (1 if v.endswith((".", ":")) and len(v) > 1 else 0)
            if password_ok(v) and (not looks or _looks_made_up(v)):
                yield m.start(group), end, "[PASSWORD]"
                at = another(text, end)  # "..., or maybe maisiedog2019"
                second = _ANOTHER_PASSWORD.match(text, at) if at is not None else None
                if second and password_ok(second.group()):
                    yield second.start(), second.end() - (1 if second.group().endswith(".") else 0), "[PASSWORD]"


SECRET_KEY = (
    r"\b(?:mother'?s maiden (?:sur)?name|maiden (?:sur)?name|first pet(?:'s name)?|(?:first|childhood) (?:dog|cat|pet)"
    r"(?:'s name)?|pet's name|first school|primary school|place of birth|"
    r"(?:city|town|place|village|country) (?:where |that )?(?:I|you|he|she|they) (?:was|were) born(?: in)?|"
    r"(?:street|road|city|town|village) (?:where |that )?(?:I|you|we) grew up (?:on|in)|"
    r"(?:father|dad|mother|mum|mom)'?s middle name|"
    r"memorable (?:place|name)|favou?rite (?:teacher|colou?r|food|film|movie|book|place|band|song|singer|sport|team|"
    r"animal|holiday|drink|meal)|first car|"
    r"security (?:question )?answer|answer to (?:my |the |your )?security question|secret answer|childhood "
    r"(?:best friend|hero|nickname))")
_NAME = r"(?:M(?:r|rs|s|iss)\.? )?[A-Z][\w'-]+(?: [A-Z][\w'-]+){0,2}"
_SECRET = re.compile(rf"(?i:{SECRET_KEY})(?:[^.!?A-Z\n]|\?\s*(?:Customer|Caller)\s*:){{0,40}}?(?P<v>{_NAME})")
# A note that names a security question writes its answer straight after it: "Security question - first car? Ford".
_SECRET_NOTED = re.compile(rf"(?i:{SECRET_KEY})[^.!?A-Z\n]{{0,40}}?\?\s*(?P<v>{_NAME})")
# "favourite food - tacos": a value in small letters, straight after the link, ending its clause.
_ENDS_CLAUSE = r"(?=\s*(?:$|[.,;!?—–]|\s-\s|\s(?:and|but|that|which|so)\b))"
_LOWER = r"[a-z][a-z'-]+(?: [a-z][a-z'-]+)?"
_SECRET_LOWER = re.compile(
    rf"(?i:{SECRET_KEY}(?:\s+[a-z]+){{0,2}}?\s*(?:\bis\b|\bwas\b|[:=—–]|\s-))\s*(?P<v>{_LOWER}){_ENDS_CLAUSE}")
# Said before the key: "Biscuit, that was the name of my first pet", "Hillcrest, that's the primary I went to".
_SECRET_BACK_KEY = (rf"{SECRET_KEY}|(?:primary|secondary|junior|infant|first) school|primary|school I went to|"
                    r"first (?:pet|dog|cat|car|teacher)|pet|dog|cat|car|(?:security|secret) (?:question|word)|"
                    r"security answer|answer")
_SECRET_BEFORE = before(rf"{_NAME}|(?:(?<=\bis )|(?<=\bwas )|(?<=\bbe )|(?<=: )|(?<=- )|^){_LOWER}",
                        _SECRET_BACK_KEY, flags=0)
# "Security question: first teacher. Answer: Mrs Patel." - "answer" alone, where a security question is spoken of
_ABOUT_SECURITY = re.compile(r"\b(?:security|secret|memorable)\b", re.I)
_ANSWER = re.compile(rf"(?i:\banswer(?:'s)?\s*(?:is|was|would be|should be|[:=—–-]))\s*"
                     rf"(?P<v>{_NAME}|{_LOWER}{_ENDS_CLAUSE})")
NOT_AN_ANSWER = frozenset((
    "yes", "no", "sorry", "ok", "okay", "right", "well", "thanks", "oh", "it", "it's", "that", "that's", "this",
    "i", "i'm", "great", "sure", "hi", "hello", "the", "a", "an", "my", "your", "on", "in", "at", "not", "what",
    "which", "required", "needed", "wrong", "correct", "incorrect", "different", "same", "unknown", "blank",
    "empty", "missing", "fine", "none", "nothing", "something", "secret", "private", "personal", "changed", "set",
    "easy", "hard", "hmm", "um", "er", "erm", "dunno", "idea", "can't", "cannot", "don't", "remember", "forgot",
    "forgotten", "hang", "hold", "wait", "just", "sec", "moment", "let", "me", "think", "we", "they", "he", "she",
    "you", "there", "here", "pass", "rather", "never", "mind", "please", "thank", "cheers", "good", "bad", "nope",
    "yeah", "yep", "hiya", "morning", "afternoon", "evening", "why", "how", "where", "who", "when", "is", "was",
    "be", "one", "also", "still", "already", "again", "now", "later", "sometimes", "probably", "maybe",
    "definitely", "and", "but", "or", "so", "for", "to", "of", "with", "about", "really", "very", "quite", "all",
    "any", "some", "file", "record"))


def answer_ok(v: str) -> bool:
    return not any(w.lower() in NOT_AN_ANSWER for w in re.findall(r"[\w'-]+", v))


def secret_answers(text: str) -> Iterable[Span]:
    if not _SECRET_HINT.search(text):
        return
    about = _ABOUT_SECURITY.search(text)
    for pattern in (_SECRET, _SECRET_LOWER, _SECRET_BEFORE, *((_ANSWER, _SECRET_NOTED) if about else ())):
        for m in pattern.finditer(text):
            if answer_ok(m.group("v")):
                yield m.start("v"), m.end("v"), "[SECRET ANSWER]"
