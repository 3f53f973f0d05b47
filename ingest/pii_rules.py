"""PII that has no checksum to find it by: values a key word names ("my PIN is 4321", "passport number 502135326",
"mother's maiden name is Thompson"), dates of birth, street addresses and postcodes, and numbers or e-mail
addresses said aloud ("four one one one ...", "john dot smith at example dot com").

Each rule needs its key word or its exact shape, so an order number, a price or a date that is not a birthday
stays readable (tests/data/pii_*.jsonl hold the near misses). Checksums come from python-stdnum where one exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from stdnum import luhn
from stdnum.us import rtn, ssn

from ingest.pii_words import SPOKEN_NUMBER, has_digits

Span = tuple[int, int, str]

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_NUMBER_WORD = (r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|"
                r"ninety|hundred|thousand|and)")
_ORDINAL_WORD = (r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
                 r"\w+teenth|twentieth|thirtieth|(?:twenty|thirty)[- ]\w+)")
_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})(?!\d)|\d{{4}}-\d{{2}}-\d{{2}}|"
         rf"\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTH},? (?:\d{{4}}|'?\d{{2}})\b|"
         rf"{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b|"
         rf"(?:the )?{_ORDINAL_WORD}(?: of)? {_MONTH}(?:,?[ -]{_NUMBER_WORD}){{1,6}}\b)")
# a few words between a key and its value ("on the letter is"), or the customer answering the agent's question
_FILL = r"(?:[^.!?\d\n]|\?(?=\s*(?:customer|caller|it'?s|it is|that'?s|yes|yeah|sure|ok)\b)){0,30}?"


DATE = _DATE


def _keyed(key: str, value: str, fill: str = _FILL, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(rf"(?:{key}){fill}(?P<v>{value})", flags)


# A value said before its key word: "8812 is my PIN", "Biscuit, that was the name of my first pet".
_LINK_BACK = (r"\s*(?:[,(—–-]+\s*)?(?:(?:(?:that|this|which|it)(?:'s|\s+is|\s+was|\s+were|\s+will be|\s+should be)"
              r"|is|was|will be|should be|=)\s+(?:my|the|our|his|her|their|your|a)"
              r"|as\s+(?:my|the|our|his|her|their|your))\s+(?:new\s+|old\s+)?(?:[\w']+\s+){0,3}?")
# a number "for" its key ("I always use 1979 for my PIN"); a word before "for my password" is a verb ("asking")
_LINK_FOR = r"\s+for\s+(?:my|the|our|his|her|their|your)\s+(?:[\w']+\s+){0,2}?"
# ... or set beside it at the end of a clause: "it's six one six one, my PIN"
_BESIDE = r"\s*[,—–-]+\s*(?:my|the|our|his|her|their|your)\s+(?:[\w']+\s+){0,2}?"


def before(value: str, key: str, flags: int = re.I, number: bool = False) -> re.Pattern[str]:
    """A value said before its key word; the link and the key are read in any case, the value as ``flags`` say."""
    beside = rf"{_BESIDE}|{_LINK_FOR}" if number else _BESIDE  # these two only where the key ends the clause
    return re.compile(rf"(?P<v>{value})(?i:{_LINK_BACK}(?:{key})\b|(?:{beside})(?:{key})\b(?=\s*(?:$|[.!?,;)])))",
                      flags)


# "My PIN is 1234, no sorry, 4321": the value put right is the same kind.
_CORRECTION = re.compile(r"\s*[?.!,;:—–-]?\s*(?:(?:no|nope|sorry|wait|oops|actually|I mean|I meant|or rather|rather|"
                         r"my mistake|scratch that|correction)\b[\s,.!:—–-]*){1,3}", re.I)


_DOB = _keyed(r"\b(?:date of birth|birth ?date|d\.?o\.?b\b\.?|born(?: on)?|birthday)", _DATE)
_SSN = _keyed(r"\b(?:ssn|ss#|social security(?: number| no\.?| card)?|social)\b",
              r"(?<!\d)\d{3}[- .]?\d{2}[- .]?\d{4}(?!\d)")
_PASSPORT_KEY = re.compile(r"\bpassport\b", re.I)
_CVV_KEY = (r"\b(?:cvv2?|cvc2?|cv2|csc|security (?:code|number)|card verification (?:value|code)|"
            r"(?:three|3|four|4)[- ](?:digits?|numbers?)(?: code)?(?: on the (?:back|front))?|"
            r"(?:digits|numbers?|three|code)(?: printed| written)? on the (?:back|reverse)(?:'s)?|"
            r"back of (?:the|my|your) card|signature (?:strip|panel|box))\b")
_CVV_VALUE = rf"(?<!\d)\d{{3,4}}(?!\d)|{SPOKEN_NUMBER}"
_CVV = _keyed(_CVV_KEY, _CVV_VALUE)
_CVV_BEFORE = before(rf"(?<![\d£$€.,])\d{{3,4}}(?!\d|[.,]\d)|{SPOKEN_NUMBER}", _CVV_KEY, number=True)
_PIN_VALUE = rf"(?<!\d)\d{{4,6}}(?!\d)|{SPOKEN_NUMBER}"
_PIN_BEFORE = before(rf"(?<![\d£$€.,])\d{{4,6}}(?!\d|[.,]\d)|{SPOKEN_NUMBER}", r"pin", number=True)
_DOB_AFTER = re.compile(rf"(?P<v>{_DATE}) (?:as|is|was) (?:my|his|her|their|the) (?:date of birth|dob|birthday)\b",
                        re.I)
_PIN = _keyed(r"\bpin\b(?:\s*(?:number|code|no\.?))?", _PIN_VALUE)
_ACCOUNT_VALUE = rf"(?<![\w-])\d(?:[ -]?\d){{5,16}}(?!\d)|{SPOKEN_NUMBER}"  # not a reference's digits ("WVW-4031")
_ACCOUNT = _keyed(r"\b(?:acc(?:oun)?t|acc|acct)\b(?:\s*(?:number|no\.?|num|#))?", _ACCOUNT_VALUE)
_ACCOUNT_BEFORE = before(r"(?<![\w-])\d(?:[ -]?\d){5,16}(?!\d)", r"(?:bank |current |savings )?account")
_ROUTING = _keyed(r"\b(?:routing|aba|rtn)\b(?:\s*(?:number|no\.?|#))?", r"(?<!\d)\d{9}(?!\d)")
_SORT_VALUE = rf"(?<!\d)\d{{2}}[- ]?\d{{2}}[- ]?\d{{2}}(?![\d-])|{SPOKEN_NUMBER}"
_SORT = _keyed(r"\bsort(?:[ -]?code)?\b", _SORT_VALUE, fill=r"[^.!\d\n]{0,50}?")
_SORT_BEFORE = before(r"(?<![\d-])\d{2}[- ]?\d{2}[- ]?\d{2}(?![\d-])", r"sort[ -]?code")
_ZIP = _keyed(r"\bzip(?:\+4)?(?: ?code)?\b", r"(?<!\d)\d{5}(?:-\d{4})?(?!\d)")
_STREET = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Court|Ct|Way|Place|Pl|Crescent|Cres|Terrace|"
           r"Ter|Grove|Gardens|Gdns|Boulevard|Blvd|Park|Square|Sq|Row|Hill|Mews|Parkway|Pkwy|Circle|Cir|Highway|"
           r"Hwy|Walk|Rise|View|Green|Vale|Parade|Broadway|Trail|Loop|Pike)")
_ADDRESS = re.compile(
    rf"(?:(?:Flat|Apartment|Apt|Unit|Suite)\s+\w+,?\s+)?\b\d{{1,5}}[A-Za-z]?,?\s+"
    rf"(?:(?:[A-Z][\w'-]*\.?|\d+(?:st|nd|rd|th))\s+){{1,4}}"
    rf"{_STREET}\b\.?(?:\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\s*\w+)?"
    r"(?:,\s+(?!(?:Thanks|Please|Cheers|Ta|Yes|No|OK|Okay|And|But)\b)[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})?"
    r"(?:,?\s+[A-Z]{2}\b)?")
_UK_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})\b|(?i:\b[a-z]{1,2}\d[a-z\d]? \d[a-z]{2}\b)")
_US_ZIP_AFTER_STATE = re.compile(r"\b[A-Z]{2},?\s+(?P<v>\d{5}(?:-\d{4})?)\b")
# Obfuscated e-mail: "john dot smith at example dot com", "jsmith [at] mail [dot] com", "name(at)mail.com".
_TLD = r"(?:com|net|org|co(?:\s*(?:dot|\[dot\]|\(dot\)|\.)\s*uk)|uk|io|edu|gov|ie|de|fr|info|biz|us|ca|au|me)"
_SPOKEN_EMAIL = re.compile(
    r"\b[a-z0-9][a-z0-9._%+-]*(?:\s+(?:dot|underscore|dash|hyphen)\s+[a-z0-9]+)*"
    r"\s*(?:\(at\)|\[at\]|\{at\}|\s+at\s+)\s*"
    rf"[a-z0-9-]+(?:\s*(?:\(dot\)|\[dot\]|\{{dot\}}|\s+dot\s+|\.)\s*[a-z0-9-]+)*?\s*(?:\(dot\)|\[dot\]|\s+dot\s+|\.)\s*"
    rf"{_TLD}\b", re.I)
_SPOKEN_MARK = re.compile(r"\b(?:dot|underscore|dash|hyphen)\b|[\[({]at[\])}]", re.I)
_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_SPOKEN_DIGITS = re.compile(
    r"\b(?:(?:double|triple)\s+)?(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b"
    r"(?:[\s,-]+(?:(?:double|triple)\s+)?(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b){6,}", re.I)
# Every rule needs a digit, an @ or one of these words (the key words, and numbers said as words); most turns have
# none. A set of words is tested in C, where a regex of them cost half of all redaction (0.33 s of 0.69 s).
KEY_WORDS = frozenset((
    "password", "passwords", "passcode", "passcodes", "pass", "passphrase", "memorable", "maiden", "pet", "pets",
    "dog", "cat", "school", "birth", "born", "birthday", "birthdate", "birthplace", "dob", "security", "answer",
    "secret", "favourite", "favorite", "car", "primary", "childhood", "teacher", "grew", "middle", "pin", "cvv",
    "cvc", "csc", "signature", "reverse", "account", "acc", "acct", "sort", "sortcode", "routing", "zip", "dot",
    "underscore", "dash", "hyphen", "zero", "oh", "nought", "one", "two", "three", "four", "five", "six", "seven",
    "eight", "nine", "double", "triple", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
    "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
    "ninety"))
KEY_MARKS = ("(at)", "[at]", "{at}", "d.o.b")  # written with brackets or dots, not words


def _spoken_digits(text: str) -> Iterable[Span]:
    for m in _SPOKEN_DIGITS.finditer(text):
        words = re.findall(r"[a-z]+", m.group().lower())
        digits, repeat = "", 1
        for w in words:
            if w in ("double", "triple"):
                repeat = 2 if w == "double" else 3
                continue
            digits += _DIGIT_WORDS[w] * repeat
            repeat = 1
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            yield m.start(), m.end(), f"[CARD ••••{digits[-4:]}]"
        elif 10 <= len(digits) <= 12 and digits.startswith(("0", "44", "1")):
            yield m.start(), m.end(), f"[PHONE ••••{digits[-4:]}]"


Check = Callable[[str], bool]


def _value(pattern: re.Pattern[str], mask: str, ok: Check = lambda v: True, again: str | None = None,
           key: str | None = None) -> Callable[[str], Iterable[Span]]:
    """The ``v`` group of each match that passes ``ok``; with ``again``, also a value of that shape put right
    straight after it ("1234, no sorry, 4321"). A rule whose value comes first names its ``key``, looked for
    first: a value-first pattern is tried at every position of the text, a key is found at once."""
    fixed = re.compile(again, re.I) if again else None
    hint = re.compile(key, re.I) if key else None

    def find(text: str) -> Iterable[Span]:
        if hint and not hint.search(text):
            return
        for m in pattern.finditer(text):
            if ok(m.group("v")):
                yield m.start("v"), m.end("v"), mask
                said = _CORRECTION.match(text, m.end("v")) if fixed else None
                put_right = fixed.match(text, said.end()) if fixed and said else None
                if put_right and ok(put_right.group()):
                    yield put_right.start(), put_right.end(), mask
    return find


def _compact(v: str) -> str:
    return re.sub(r"\D", "", v)


def _addresses(text: str) -> Iterable[Span]:
    for m in _ADDRESS.finditer(text):
        yield m.start(), m.end(), "[ADDRESS]"
    for m in _UK_POSTCODE.finditer(text):
        yield m.start(), m.end(), "[POSTCODE]"
    for m in _US_ZIP_AFTER_STATE.finditer(text):
        yield m.start("v"), m.end("v"), "[POSTCODE]"


def _emails(text: str) -> Iterable[Span]:
    for m in _SPOKEN_EMAIL.finditer(text):
        # "the help page at example.com" is not an address said aloud: a spoken one spells a dot or brackets the at
        if "@" not in m.group() and _SPOKEN_MARK.search(m.group()):
            yield m.start(), m.end(), "[EMAIL]"


_PASSPORT_VALUE = r"\b(?=[A-Za-z0-9]*\d)[A-Z0-9]{6,10}\b"
_PASSPORT = re.compile(r"(?i:\bpassport\b(?:\s*(?:number|no\.?|num|#|id))?)[^.!?\n]{0,25}?"
                       rf"(?P<v>{_PASSPORT_VALUE})")
_PASSPORT_BEFORE = before(_PASSPORT_VALUE, r"passport", flags=0)


def _passports(text: str) -> Iterable[Span]:
    if _PASSPORT_KEY.search(text):
        # the key is matched in any case, the value in capitals and digits ("Passport: C803818YX")
        for pattern in (_PASSPORT, _PASSPORT_BEFORE):
            for m in pattern.finditer(text):
                yield m.start("v"), m.end("v"), "[PASSPORT]"


def _digits(low: int, high: int) -> Check:
    return lambda v: has_digits(v, low, high)


DETECTORS = (
    _value(_DOB, "[DOB]", again=_DATE),
    _value(_SSN, "[SSN]", lambda v: ssn.is_valid(_compact(v))),
    _passports,
    _value(_CVV, "[CVV]", _digits(3, 4), again=_CVV_VALUE),
    _value(_CVV_BEFORE, "[CVV]", _digits(3, 4), key=_CVV_KEY),
    _value(_PIN, "[PIN]", _digits(4, 6), again=_PIN_VALUE),
    _value(_PIN_BEFORE, "[PIN]", _digits(4, 6), key=r"\bpin\b"),
    _value(_DOB_AFTER, "[DOB]", key=r"birth|\bdob\b"),
    _value(_ROUTING, "[ROUTING]", lambda v: rtn.is_valid(v)),
    _value(_ACCOUNT, "[ACCOUNT]", _digits(6, 17), again=_ACCOUNT_VALUE),
    _value(_SORT, "[SORT CODE]", _digits(6, 6)),
    _value(_ACCOUNT_BEFORE, "[ACCOUNT]", key=r"\baccount\b"),
    _value(_SORT_BEFORE, "[SORT CODE]", key=r"\bsort"),
    _value(_ZIP, "[POSTCODE]"),
    _addresses,
    _emails,
    _spoken_digits,
)
