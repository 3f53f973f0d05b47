"""PII that has no checksum to find it by: values a key word names ("my PIN is 4321", "passport number 502135326",
"mother's maiden name is Thompson"), dates of birth, street addresses and postcodes, and e-mail addresses said
aloud ("john dot smith at example dot com"). Numbers said aloud are read as figures before these rules run
(ingest/pii_words.py).

Each rule needs its key word or its exact shape, so an order number, a price or a date that is not a birthday
stays readable (tests/data/pii_*.jsonl hold the near misses). Checksums come from python-stdnum where one exists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

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
         rf"\d{{1,2}}(?:st|nd|rd|th) of the \d{{1,2}}(?:st|nd|rd|th),? (?:\d{{4}}|'?\d{{2}})\b|"  # "30th of the 4th"
         rf"\d{{1,2}}(?:st|nd|rd|th)?(?: of)? {_MONTH},? (?:\d{{4}}|'?\d{{2}})\b|"
         rf"{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b|"
         rf"(?:the )?{_ORDINAL_WORD}(?: of)? {_MONTH}(?:,?[ -]{_NUMBER_WORD}){{1,6}}\b)")
# a few words between a key and its value ("on the letter is"), or the customer answering the agent's question
_FILL = r"(?:[^.!?\d\n]|\?(?=\s*(?:customer|caller|it'?s|it is|that'?s|yes|yeah|sure|ok)\b)){0,30}?"


DATE = _DATE


# "cvv no. 129", "passport nbr: ...": the key word's "number", shortened with a dot the filler would stop at
_NUMBER_AFTER_KEY = r"(?:\s*(?:number|no\b\.?|num\b\.?|#))?"


def _keyed(key: str, value: str, fill: str = _FILL, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(rf"(?:{key}){_NUMBER_AFTER_KEY}{fill}(?P<v>{value})", flags)


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
    return re.compile(rf"(?P<v>{value})(?i:{_LINK_BACK}(?:{key})\b|(?:{beside})(?:{key})\b{_NUMBER_AFTER_KEY}"
                      r"(?=\s*(?:$|[.!?,;)]|(?:and|but)\b)))", flags)  # the key ends a clause or a list's item


# Another value of the same kind straight after one: put right ("My PIN is 1234, no sorry, 4321"), someone else's
# ("... and mine is 4 Feb 1978", "and my wife's is 2468"), or offered instead, at the end of the clause ("I set it to
# X when I opened the account, or maybe Y").
_ANOTHER = re.compile(
    r"\s*[?.!,;:—–-]?\s*(?:(?:no|nope|sorry|wait|oops|actually|I mean|I meant|or rather|rather|my mistake|scratch that|"
    r"correction)\b[\s,.!:—–-]*){1,3}"
    r"|\s*,?\s*and\s+(?:mine|his|hers|theirs|ours|yours|(?:my|his|her|their|our|your)\s+\w+'s)(?:'s|\s+is|\s+was)?"
    r"\s*[:,—–-]?\s*"
    r"|[^.!?\n]{0,40}?,?\s+or\s+(?:maybe|perhaps|possibly|probably)\s+(?:it's\s+|it\s+was\s+)?", re.I)


def another(text: str, end: int) -> int | None:
    """Where a second value of the kind just found at ``end`` would start, or None."""
    said = _ANOTHER.match(text, end)
    return said.end() if said else None


_DOB = _keyed(r"\b(?:date of birth|birth ?date|d\.?o\.?b\b\.?|born(?: on)?|birthday)", _DATE)
_SSN = _keyed(r"\b(?:ssn|ss#|social security(?: number| no\.?| card)?|social)\b",
              r"(?<!\d)\d{3}[- .]?\d{2}[- .]?\d{4}(?!\d)")
_SSN_KEY = r"ssn|social security(?: number| no\.?)?|social"
_SSN_BEFORE = before(r"(?<![\d-])\d{3}[- ]?\d{2}[- ]?\d{4}(?![\d-])", _SSN_KEY, number=True)
PASSPORT_KEY = r"passport|photo page"  # "the number on the photo page"
_PASSPORT_KEY = re.compile(rf"\b(?:{PASSPORT_KEY})\b", re.I)
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
_ACCOUNT_BEFORE = before(r"(?<![\w-])\d(?:[ -]?\d){5,16}(?!\d)", r"(?:bank |current |savings )?account", number=True)
_ROUTING = _keyed(r"\b(?:routing|aba|rtn)\b(?:\s*(?:number|no\.?|#))?", r"(?<!\d)\d{9}(?!\d)")
_SORT_VALUE = rf"(?<!\d)\d{{2}}[- ]?\d{{2}}[- ]?\d{{2}}(?![\d-])|{SPOKEN_NUMBER}"
_SORT = _keyed(r"\bsort(?:[ -]?code)?\b", _SORT_VALUE, fill=r"[^.!\d\n]{0,50}?")
_SORT_BEFORE = before(r"(?<![\d-])\d{2}[- ]?\d{2}[- ]?\d{2}(?![\d-])", r"sort[ -]?code", number=True)
_ZIP = _keyed(r"\bzip(?:\+4)?(?: ?code)?\b", r"(?<!\d)\d{5}(?:-\d{4})?(?!\d)")
_STREET = (r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Close|Court|Ct|Way|Place|Pl|Crescent|Cres|Terrace|"
           r"Ter|Grove|Gardens|Gdns|Boulevard|Blvd|Park|Square|Sq|Row|Hill|Mews|Parkway|Pkwy|Circle|Cir|Highway|"
           r"Hwy|Walk|Rise|View|Green|Vale|Parade|Broadway|Trail|Loop|Pike)")
_US_STATE = ("(?:A[KLRSZ]|C[AOT]|D[CE]|FL|G[AU]|HI|I[ADLN]|K[SY]|LA|M[ADEINOPST]|N[CDEHJMVY]|O[HKR]|P[AR]|RI|S[CD]|"
             "T[NX]|UT|V[AIT]|W[AIVY])")
_UNIT = r"(?:Flat|Apartment|Apt|Unit|Suite|Ste)"
_STREET_WORD = r"(?:[A-Z][\w'-]*\.?|\d+(?:st|nd|rd|th))"
_ADDRESS = re.compile(
    rf"(?:{_UNIT}\s+\w+,?\s+)?\b\d{{1,5}}[A-Za-z]?,?\s+(?:{_STREET_WORD}\s+){{1,4}}"
    rf"{_STREET}\b\.?(?:\s+(?:[NS][EW]?|[EW])\b)?(?:,?\s+(?:{_UNIT}|#)\s*\w+)?"
    r"(?:,\s+(?!(?:Thanks|Please|Cheers|Ta|Yes|No|OK|Okay|And|But)\b)[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})?"
    rf"(?:,?\s+{_US_STATE}\b)?")
_UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|(?i:[a-z]{1,2}\d[a-z\d]? \d[a-z]{2}))\b"
# An address written out ends at its postcode: a house number, the street (in capitals, or any case with a street
# word: "3 The Old Forge", "61 ferndale avenue"), then places split by commas up to the postcode or a state's ZIP.
_PLACE = r"(?:[A-Za-z][\w'-]*\.?(?:\s+[A-Za-z][\w'-]*\.?){0,3})"
_ADDRESS_TO_POSTCODE = re.compile(
    rf"(?:\b{_UNIT}\s+\w+,?\s+)?\b\d{{1,5}}[A-Za-z]?,?\s+"
    rf"(?:(?:{_STREET_WORD}\s+){{0,4}}{_STREET_WORD}|(?i:(?:[a-z][\w'-]*\s+){{1,3}}{_STREET}\b\.?))"
    rf"(?:,\s+(?:(?:{_UNIT}|#)\s*\w+|{_PLACE}))+"
    rf"(?=,?\s+{_UK_POSTCODE}|(?<=\b{_US_STATE}),?\s+\d{{5}}\b)")
_UK_POSTCODE_ALONE = re.compile(rf"\b{_UK_POSTCODE}")
_US_ZIP_AFTER_STATE = re.compile(rf"\b{_US_STATE},?\s+(?P<v>\d{{5}}(?:-\d{{4}})?)\b")
# Obfuscated e-mail: "john dot smith at example dot com", "jsmith [at] mail [dot] com", "name(at)mail.com".
_TLD = r"(?:com|net|org|co(?:\s*(?:dot|\[dot\]|\(dot\)|\.)\s*uk)|uk|io|edu|gov|ie|de|fr|info|biz|us|ca|au|me)"
_DOT = r"(?:\s*(?:\(dot\)|\[dot\]|\{dot\}|\.)\s*|\s+dot\s+)"
_SPOKEN_EMAIL = re.compile(
    r"\b[a-z0-9][\w.%+-]*(?:\s+(?:dot|underscore|dash|hyphen)\s+[a-z0-9]+)*"
    r"\s*(?:\(at\)|\[at\]|\{at\}|\s+at\s+)\s*"
    rf"[a-z0-9-]+(?:{_DOT}[a-z0-9-]+)*?{_DOT}(?P<tld>{_TLD}|[a-z]{{2,6}})\b(?!{_DOT}[a-z0-9])", re.I)  # the last label
_SPOKEN_MARK = re.compile(r"\b(?:dot|underscore|dash|hyphen)\b|[\[({]at[\])}]", re.I)
# "(at)" or "[dot]" in brackets is written to dodge a scraper: an address with any top-level domain ("(dot) ru").
# Said aloud, "at ... dot ..." needs a domain from _TLD ("meet at the station dot it" is not an address).
_BRACKETED = re.compile(r"[\[({](?:at|dot)[\])}]", re.I)
_KNOWN_TLD = re.compile(_TLD, re.I)
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


Check = Callable[[str], bool]


def _value(pattern: re.Pattern[str], mask: str, ok: Check = lambda v: True, again: str | None = None,
           key: str | None = None) -> Callable[[str], Iterable[Span]]:
    """The ``v`` group of each match that passes ``ok``; with ``again``, also another value of that shape straight
    after it (put right, someone else's, offered instead: see ``another``). A rule whose value comes first names its
    ``key``, looked for first: a value-first pattern is tried at every position of the text, a key is found at once."""
    fixed = re.compile(again, re.I) if again else None
    hint = re.compile(key, re.I) if key else None

    def find(text: str) -> Iterable[Span]:
        if hint and not hint.search(text):
            return
        for m in pattern.finditer(text):
            if ok(m.group("v")):
                yield m.start("v"), m.end("v"), mask
                at = another(text, m.end("v")) if fixed else None
                put_right = fixed.match(text, at) if fixed and at is not None else None
                if put_right and ok(put_right.group()):
                    yield put_right.start(), put_right.end(), mask
    return find


def _compact(v: str) -> str:
    return re.sub(r"\D", "", v)


def _addresses(text: str) -> Iterable[Span]:
    found = sorted(m.span() for pattern in (_ADDRESS_TO_POSTCODE, _ADDRESS) for m in pattern.finditer(text))
    merged: list[list[int]] = []
    for start, end in found:  # where both rules find a part of one address, it is their union
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in merged:
        yield start, end, "[ADDRESS]"
    for m in _UK_POSTCODE_ALONE.finditer(text):
        yield m.start(), m.end(), "[POSTCODE]"
    for m in _US_ZIP_AFTER_STATE.finditer(text):
        yield m.start("v"), m.end("v"), "[POSTCODE]"


def _emails(text: str) -> Iterable[Span]:
    for m in _SPOKEN_EMAIL.finditer(text):
        # "the help page at example.com" is not an address said aloud: a spoken one spells a dot or brackets the at
        said = m.group()
        if "@" not in said and _SPOKEN_MARK.search(said) and (
                _BRACKETED.search(said) or _KNOWN_TLD.fullmatch(m.group("tld"))):
            yield m.start(), m.end(), "[EMAIL]"


PASSPORT_VALUE = r"\b(?=[A-Za-z0-9]*\d)[A-Z0-9]{6,10}\b"
# ... or six to ten figures in groups ("56 7123 890"), straight after the key: a few words on, they are a date
PASSPORT_GROUPED = r"\b(?=(?:\d ?){5,9}\d\b(?! \d))\d{2,4}(?: \d{2,4})+\b"
_PASSPORT = re.compile(rf"(?i:\b(?:{PASSPORT_KEY})\b(?:\s*(?:number|no\.?|num|#|id))?)[^.!?\n]{{0,25}}?"
                       rf"(?P<v>{PASSPORT_VALUE})"
                       rf"|(?i:\b(?:{PASSPORT_KEY})\b{_NUMBER_AFTER_KEY}(?:\s*[:#=-]|\s+is)?\s*)(?P<g>{PASSPORT_GROUPED})")
_PASSPORT_BEFORE = before(PASSPORT_VALUE, PASSPORT_KEY, flags=0)


def _passports(text: str) -> Iterable[Span]:
    if _PASSPORT_KEY.search(text):
        # the key is matched in any case, the value in capitals and digits ("Passport: C803818YX")
        for pattern in (_PASSPORT, _PASSPORT_BEFORE):
            for m in pattern.finditer(text):
                group = "g" if pattern is _PASSPORT and m.group("g") else "v"
                yield m.start(group), m.end(group), "[PASSPORT]"


def _digits(low: int, high: int) -> Check:
    return lambda v: has_digits(v, low, high)


DETECTORS = (
    _value(_DOB, "[DOB]", again=_DATE),
    _value(_SSN, "[SSN]", lambda v: ssn.is_valid(_compact(v))),
    _value(_SSN_BEFORE, "[SSN]", lambda v: ssn.is_valid(_compact(v)), key=r"\bssn\b|social"),
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
)
