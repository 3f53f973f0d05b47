"""What a customer says straight after the agent asks for a secret, or warns them about one, is that secret:
"What's your PIN?" - "It's 4412"; "Never tell anyone your password" - "it's kestrel anyway"; "And the code we just
texted you?" - "552 019". The customer's turn names no key word, so only the agent's turn says what kind it is.

A one-line note can quote the exchange ("Agent: ... Customer: ..."); its agent part is read the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ingest import pii_secrets
from ingest.pii_rules import DATE, PASSPORT_GROUPED, PASSPORT_KEY, PASSPORT_VALUE, Span
from ingest.pii_words import SPOKEN_NUMBER, has_digits

Find = Callable[[str], Iterable[tuple[int, int]]]

# Another number the customer names in the same breath: "my order number is 558120" is not the PIN.
_OTHER_NUMBER = re.compile(r"\b(?:order|ref(?:erence)?|policy|claim|invoice|ticket|case|booking|room|flight|"
                           r"extension|meter|reading|id|phone|mobile|#)\b[^.!?\d]{0,15}$", re.I)
# ... or a number that is an amount, a year or a time: "I paid 450", "since 2019", "at 1530".
_AMOUNT_BEFORE = re.compile(r"\b(?:paid|pay|owe[sd]?|cost|costs|spent|charged?|bill|balance|total|about|around|"
                            r"roughly|nearly|over|under|than|since|in|from|until|till|by|at|after|before)\s+$", re.I)
_MONEY_OR_TIME = re.compile(r"\s*(?:%|pounds?|quid|dollars?|euros?|pence|p\b|am\b|pm\b|per ?cent|minutes?|mins?|"
                            r"hours?|days?|weeks?|months?|years?|miles?|km|o'clock)", re.I)
# Words put right after a first value: the next value is the answer too ("1234, no sorry, 4321").
_PUT_RIGHT = re.compile(r"^\W*(?:(?:no|nope|sorry|wait|actually|I mean|I meant|or|rather|oops)\W+){1,3}$", re.I)


def _numbers(low: int, high: int, figures: str) -> Find:
    shape = re.compile(rf"(?<![\d£$€#,:/-])(?<!\d\.)(?:{figures})(?![\d,:/%-]|\.\d)|{SPOKEN_NUMBER}", re.I)

    def find(reply: str) -> Iterable[tuple[int, int]]:
        last = None
        for m in shape.finditer(reply):
            if not has_digits(m.group(), low, high) or _OTHER_NUMBER.search(reply, 0, m.start()):
                continue
            if _AMOUNT_BEFORE.search(reply, 0, m.start()):
                continue
            if _MONEY_OR_TIME.match(reply, m.end()):
                continue
            if last is not None and not _PUT_RIGHT.match(reply[last:m.start()]):
                return
            yield m.start(), m.end()
            last = m.end()
    return find


def _shapes(pattern: str, flags: int = 0) -> Find:
    shape = re.compile(pattern, flags)

    def find(reply: str) -> Iterable[tuple[int, int]]:
        last = None
        for m in shape.finditer(reply):
            if last is not None and not _PUT_RIGHT.match(reply[last:m.start()]):
                return
            yield m.start(), m.end()
            last = m.end()
    return find


# Where a sentence of the reply opens, and the filler before its value: "Oh, it's ...", "Yes — ...".
_OPENS = r"(?:^|(?<=[.!?…] ))\W*"
_LEAD = (r"(?:(?:oh|um|umm|er|erm|uh|ah|yes|yeah|yep|sure|ok|okay|right|so|well|fine|go on then|of course|"
         r"bit late|too late|it's|it is|its|it was|that's|that is|that'd be|that would be|i think|i believe|"
         r"i set it (?:to|as)|i use|i used|mine's|mine is|the answer's|the answer is|my answer is|should be|"
         r"it should be|it'd be|try)\b[\s,.!—–-]*)*")
_PASSWORD_REPLY = re.compile(rf"^\W*{_LEAD}(?P<v>[^\s,;]+?)[.!]*\s*$"  # the reply is the password alone
                             r"|\b(?:it's|it is|its|it was|use|try|typed|typing|entered|is|was)\s+(?P<w>[^\s,;]+?)"
                             r"(?=[.!]*(?:$|[\s,;]))", re.I)
_SECRET_REPLY = re.compile(
    rf"{_OPENS}(?i:{_LEAD}(?:(?:a|an|the|my)\s+)?)(?P<v>(?:M(?:r|rs|s|iss)\.? )?[\w'-]+(?: [\w'-]+){{0,2}}?)"
    r"(?=[.!]*\s*(?:$|[,;—–-]))"
    r"|\b(?:called|named)\s+(?P<w>(?:M(?:r|rs|s|iss)\.? )?[A-Z][\w'-]+(?: [A-Z][\w'-]+){0,2})"
    r"|(?i:\b(?:it's|it is|it was|that's|that was|was)\s+(?:(?:a|an|my|the)\s+)?)"
    r"(?P<x>(?:M(?:r|rs|s|iss)\.? )?[A-Z][\w'-]+(?: [A-Z][\w'-]+){0,2})")


_SECRET_ASKED = re.compile(rf"(?i:{pii_secrets.SECRET_KEY})|\b(?:security|secret|memorable) (?:question|answer)|"
                           r"first (?:pet|dog|cat|car|school)|maiden|favou?rite \w+", re.I)


def _passwords(reply: str) -> Iterable[tuple[int, int]]:
    for m in _PASSWORD_REPLY.finditer(reply):
        group = "v" if m.group("v") else "w"
        if pii_secrets.password_ok(m.group(group)):
            yield m.start(group), m.end(group)
            return


def _secrets(reply: str) -> Iterable[tuple[int, int]]:
    for m in _SECRET_REPLY.finditer(reply):
        group = next(g for g in ("v", "w", "x") if m.group(g))
        # "Favourite colour." names the question, not its answer
        if pii_secrets.answer_ok(m.group(group)) and not _SECRET_ASKED.search(m.group(group)):
            yield m.start(group), m.end(group)
            return


# What the agent's turn asks for, the mask, and how the value looks in the reply; the first kind asked wins a value.
_KINDS: tuple[tuple[re.Pattern[str], str, Find], ...] = (
    (re.compile(r"\b(?:cvv2?|cvc2?|cv2|csc|security (?:code|number)|card verification|(?:code|digits|numbers?) "
                r"(?:printed |written )?on the (?:back|reverse)|back of (?:the|your) card|signature (?:strip|panel))\b",
                re.I), "[CVV]", _numbers(3, 4, r"\d{3,4}")),
    (re.compile(r"\b(?:pass ?code|one[- ]time (?:pass ?)?code|otp|verification code|security code|"
                r"(?:the|a) code (?:we|I)(?:'ve| have)? (?:just )?(?:sent|texted|emailed)|code on your screen)\b",
                re.I), "[CODE]", _numbers(4, 8, r"\d{3}[ -]\d{3}|\d{4,8}")),
    (re.compile(r"\bpin\b", re.I), "[PIN]", _numbers(4, 6, r"\d{4,6}")),
    (re.compile(r"\bsort ?code\b", re.I), "[SORT CODE]", _numbers(6, 6, r"\d{2}[- ]?\d{2}[- ]?\d{2}")),
    (re.compile(r"\baccount (?:number|no\b|details)|\b(?:which|what) account\b", re.I), "[ACCOUNT]",
     _numbers(6, 17, r"\d(?:[ -]?\d){5,16}")),
    (re.compile(rf"\b(?:{PASSPORT_KEY})\b", re.I), "[PASSPORT]", _shapes(rf"{PASSPORT_VALUE}|{PASSPORT_GROUPED}")),
    (re.compile(r"\b(?:ssn|social security)\b", re.I), "[SSN]", _numbers(9, 9, r"\d{3}[- ]?\d{2}[- ]?\d{4}")),
    (re.compile(r"\bzip\b", re.I), "[POSTCODE]", _numbers(5, 9, r"\d{5}(?:-\d{4})?")),
    (re.compile(r"date of birth|\bdob\b|\bd\.o\.b|birthday|birth ?date|when (?:were|was) you born", re.I), "[DOB]",
     _shapes(DATE, re.I)),
    (re.compile(rf"\b{pii_secrets.PASSWORD_KEY}\b", re.I), "[PASSWORD]", _passwords),
    (_SECRET_ASKED, "[SECRET ANSWER]", _secrets),
)
_CODE_MASK = "[CODE]"
_ASKED_HINT = re.compile(r"pin|pass|code|cv|cs|security|secret|memorable|maiden|first|favou?rite|born|birth|dob|"
                         r"d\.o\.b|sort|account|back|reverse|signature|otp|verification|photo|ssn|social|zip", re.I)


def _asks_for_a_secret(turn: str) -> bool:
    return bool(_ASKED_HINT.search(turn)) and any(key.search(turn) for key, _, _ in _KINDS)


# The customer has not answered yet: they asked back or went to look ("The card one or the app?", "Hang on").
_NOT_YET = re.compile(r"\?|\b(?:hang on|hold on|one (?:sec|second|moment)|just a (?:sec|second|moment)|"
                      r"let me (?:check|look|find|get))\b", re.I)


def still_asked(asked: str, replied: str, agent_turn: str) -> str:
    """What the customer's next turn answers once the agent has said ``agent_turn``: that turn, or what was asked
    before when the customer had not answered it yet (``replied``) and the turn asks nothing new ("The card,
    please.", "Take your time.")."""
    if (asked and _NOT_YET.search(replied) and "?" not in agent_turn and len(agent_turn.split()) <= 8
            and not _asks_for_a_secret(agent_turn)):
        return asked
    return agent_turn


def answers(reply: str, asked: str, offset: int = 0) -> Iterable[Span]:
    """Masks for the values in ``reply`` that answer the agent's turn ``asked``."""
    if not asked or not _ASKED_HINT.search(asked):
        return
    kinds = [(mask, find) for key, mask, find in _KINDS if key.search(asked)]
    if any(mask == _CODE_MASK for mask, _ in kinds):  # a one-time passcode is a code, not the customer's password
        kinds = [(mask, find) for mask, find in kinds if mask != "[PASSWORD]"]
    for mask, find in kinds:
        for start, end in find(reply):
            yield offset + start, offset + end, mask


_LABEL = re.compile(r"(?:^|(?<=[\s.!?]))(?P<who>agent|advisor|adviser|rep|operator|colleague|customer|caller|member|"
                    r"client)\s*:\s*", re.I)
_AGENTS = frozenset(("agent", "advisor", "adviser", "rep", "operator", "colleague"))


def inline_answers(text: str) -> Iterable[Span]:
    """The answers inside one line that quotes an exchange ("Agent: What's your PIN? Customer: 4412"); words before
    the first label are the note's own ("Agent asked for the PIN. Customer: 4412")."""
    if ":" not in text:
        return
    labels = list(_LABEL.finditer(text))
    asked = text[:labels[0].start()] if labels else ""
    replied = ""
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        said = text[m.end():end]
        if m.group("who").lower() in _AGENTS:
            asked, replied = still_asked(asked, replied, said), ""
        else:
            replied += said
            yield from answers(said, asked, m.end())
