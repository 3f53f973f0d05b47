"""PII that has no checksum to find it by: values a key word names ("my PIN is 4321", "passport number 502135326",
"mother's maiden name is Thompson"), dates of birth, street addresses and postcodes, and numbers or e-mail
addresses said aloud ("four one one one ...", "john dot smith at example dot com").

Each rule needs its key word or its exact shape, so an order number, a price or a date that is not a birthday
stays readable (tests/data/pii_*.jsonl hold the near misses). Checksums come from python-stdnum where one exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stdnum import luhn
from stdnum.us import rtn, ssn

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
_FILL = r"(?:[^.!?\d\n]|\?(?=\s*(?:customer|caller)\b)){0,30}?"


def _keyed(key: str, value: str, fill: str = _FILL, flags: int = re.I) -> re.Pattern[str]:
    return re.compile(rf"(?:{key}){fill}(?P<v>{value})", flags)


_DOB = _keyed(r"\b(?:date of birth|birth ?date|d\.?o\.?b\b\.?|born(?: on)?|birthday)", _DATE)
_SSN = _keyed(r"\b(?:ssn|ss#|social security(?: number| no\.?| card)?|social)\b",
              r"(?<!\d)\d{3}[- .]?\d{2}[- .]?\d{4}(?!\d)")
_PASSPORT_KEY = re.compile(r"\bpassport\b", re.I)
_CVV = _keyed(r"\b(?:cvv2?|cvc2?|cv2|csc|security code|card verification (?:value|code)|"
              r"(?:three|3|four|4)[- ](?:digits?|numbers?)(?: code)?(?: on the (?:back|front))?|"
              r"(?:digits|numbers|three|code) on the back(?:'s)?)\b",
              r"(?<!\d)\d{3,4}(?!\d)")
_PIN_AFTER = re.compile(r"(?<!\d)(?P<v>\d{4,6})(?!\d) as (?:my|the|a) (?:new )?pin\b", re.I)
_DOB_AFTER = re.compile(rf"(?P<v>{_DATE}) (?:as|is|was) (?:my|his|her|their|the) (?:date of birth|dob|birthday)\b",
                        re.I)
_PIN = _keyed(r"\bpin\b(?:\s*(?:number|code|no\.?))?", r"(?<!\d)\d{4,6}(?!\d)")
_ACCOUNT = _keyed(r"\b(?:acc(?:oun)?t|acc|acct)\b(?:\s*(?:number|no\.?|num|#))?",
                  r"(?<![\w-])\d(?:[ -]?\d){5,16}(?!\d)")  # not the digits of a reference ("WVW-4031")
_ROUTING = _keyed(r"\b(?:routing|aba|rtn)\b(?:\s*(?:number|no\.?|#))?", r"(?<!\d)\d{9}(?!\d)")
_SORT = _keyed(r"\bsort(?:[ -]?code)?\b", r"(?<!\d)\d{2}[- ]?\d{2}[- ]?\d{2}(?![\d-])",
               fill=r"[^.!\d\n]{0,50}?")
_ZIP = _keyed(r"\bzip(?:\+4)?(?: ?code)?\b", r"(?<!\d)\d{5}(?:-\d{4})?(?!\d)")
# A password is one token after its key and a linking verb ("password is ...", "the passcode I used was ...").
_PASSWORD = re.compile(
    r"\b(?:password|passcode|pass code|passphrase|pass ?word|memorable (?:word|password))"
    r"(?:'s\s+|(?:\s+(?:for|on|of)\s+(?:the|my|your)\s+\w+)?(?:\s+[a-z]+){0,3}?\s*"
    r"(?:\bis\b|\bwas\b|\bwill be\b|[:=])\s*)"
    r"(?P<v>[^\s,;]+)"
    r"|\b(?:password|passcode)\s+(?P<w>(?=\S*\d)[^\s,;]{4,})", re.I)
_PASSWORD_SET = re.compile(r"\b(?:reset|changed|set|change) (?:my password|the password|my passcode) to "
                           r"(?P<v>[^\s,;]+)|(?P<w>[^\s,;]+)\s+[—–-]+\s+that'?s (?:my|the) (?:new )?password",
                           re.I)
_NOT_A_PASSWORD = frozenset((
    "wrong", "incorrect", "correct", "expired", "not", "too", "the", "a", "an", "my", "your", "fine", "working",
    "locked", "case-sensitive", "reset", "changed", "invalid", "weak", "strong", "different", "same", "required",
    "needed", "sent", "new", "old", "still", "now", "being", "what", "it", "that", "this", "something", "nothing",
    "blocked", "no", "yes"))
_SECRET = re.compile(
    r"(?i:\b(?:mother'?s maiden name|maiden name|first pet(?:'s name)?|(?:first|childhood) (?:dog|cat|pet)"
    r"(?:'s name)?|pet's name|first school|primary school|place of birth|(?:city|town) I was born in|"
    r"memorable (?:place|name)|favou?rite (?:teacher|colou?r|food|film|book|place|band)|first car|"
    r"security (?:question )?answer|answer to (?:my|the) security question|secret answer|childhood "
    r"(?:best friend|hero|nickname)))"
    r"(?:[^.!?A-Z\n]|\?\s*(?:Customer|Caller)\s*:){0,40}?(?P<v>(?:M(?:r|rs|s|iss)\.? )?[A-Z][\w'-]+(?: [A-Z][\w'-]+)?)")
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
# Every rule above needs one of these (or a digit, checked first); most turns have none.
KEYWORDS = re.compile(
    r"password|passcode|pass word|passphrase|memorable|maiden|pet|dog|cat\b|school|birth|born|security|answer|"
    r"favou?rite|first car|\bat\b|\[at\]|\(at\)|\b(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)\b",
    re.I)


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


def _value(pattern: re.Pattern[str], mask: str, ok=lambda v: True) -> Iterable[Span]:  # type: ignore[no-untyped-def]
    def find(text: str) -> Iterable[Span]:
        for m in pattern.finditer(text):
            if ok(m.group("v")):
                yield m.start("v"), m.end("v"), mask
    return find


def _compact(v: str) -> str:
    return re.sub(r"\D", "", v)


def _password_ok(v: str) -> bool:
    return v.lower().strip(".!?\"'") not in _NOT_A_PASSWORD and len(v.strip(".")) >= 3


def _passwords(text: str) -> Iterable[Span]:
    for pattern in (_PASSWORD, _PASSWORD_SET):
        for m in pattern.finditer(text):
            group = "v" if m.group("v") else "w"
            v = m.group(group)
            end = m.end(group) - (1 if v.endswith(".") and len(v) > 1 else 0)
            if _password_ok(v):
                yield m.start(group), end, "[PASSWORD]"


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


def _passports(text: str) -> Iterable[Span]:
    if _PASSPORT_KEY.search(text):
        # the key is matched in any case, the value in capitals and digits ("Passport: C803818YX")
        for m in re.finditer(r"(?i:\bpassport\b(?:\s*(?:number|no\.?|num|#|id))?)[^.!?\n]{0,25}?"
                             r"(?P<v>\b(?=[A-Za-z0-9]*\d)[A-Z0-9]{6,10}\b)", text):
            yield m.start("v"), m.end("v"), "[PASSPORT]"


DETECTORS = (
    _value(_DOB, "[DOB]"),
    _value(_SSN, "[SSN]", lambda v: ssn.is_valid(_compact(v))),
    _passports,
    _value(_CVV, "[CVV]"),
    _value(_PIN, "[PIN]"),
    _value(_PIN_AFTER, "[PIN]"),
    _value(_DOB_AFTER, "[DOB]"),
    _value(_ROUTING, "[ROUTING]", lambda v: rtn.is_valid(v)),
    _value(_ACCOUNT, "[ACCOUNT]"),
    _value(_SORT, "[SORT CODE]"),
    _value(_ZIP, "[POSTCODE]"),
    _passwords,
    _value(_SECRET, "[SECRET ANSWER]"),
    _addresses,
    _emails,
    _spoken_digits,
)
