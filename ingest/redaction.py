"""PII masking before anything is embedded or stored: checksum-validated patterns, no NER.

Why not presidio: its spaCy NER pipeline costs ~35 ms per utterance here (shared notes, FEASIBILITY.md),
about 10 minutes for the 16,823 turns of the insurance calls, several times the cost of embedding them.
The identifiers that do harm when leaked (card numbers, IBANs, bank details, phone numbers, emails,
national insurance and social security numbers) have a fixed shape and most carry a checksum, so
patterns validated by Luhn, mod-97 or libphonenumber find them at a few microseconds per turn, and
a 16-digit order number that fails Luhn stays readable. What patterns cannot find is free-form
identity (names, street addresses); a deployment that needs those masked runs an NER pass upstream.

Masks keep the last four digits where an agent needs them to confirm with the customer
("the card ending 1111"): ``[CARD ••••1111]``, ``[PHONE ••••0123]``, ``[IBAN ••••5432]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher
from stdnum import iban

from assistant.models import Customer, Interaction
from ingest import pii_answers, pii_rules, pii_secrets, pii_words

Span = tuple[int, int, str]  # start, end, replacement

# RFC 5322 lets a local part hold an apostrophe ("chris.o'neill@..."), not start with one.
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# A pause or a slip said inside a number read out ("4000 erm 1234 5678 sorry 9017"); a checksum says it was one number.
_PAUSE = r"(?:erm|um+|uh+|er|sorry)"
_PAUSE_WORD = re.compile(rf"(?<= ){_PAUSE}(?= )", re.I)
# 13-19 digits, optionally grouped by spaces, dashes or pauses; not glued to other digits or a leading '+'.
_CARD = re.compile(rf"(?<![\d+])(?<!\d[ .-])[2-6](?:(?:[ .-]|\s-\s|\s+{_PAUSE},?\s+)?\d){{12,18}}(?![ .-]?\d)", re.I)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b", re.I)
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\d-])")
_NI_NUMBER = re.compile(
    r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]([ -]?)\d{2}\1\d{2}\1\d{2}\1[A-D]\b", re.I
)
# A sort code looks like a date (12-05-24), so it is only masked next to the words or an account number.
_SORT_CODE = re.compile(
    r"(?i:sort[ -]?code)\W{0,5}(?:is\W{1,3})?(\d{2}[- ]?\d{2}[- ]?\d{2})\b"
    r"|(?<![\d-])(\d{2}-\d{2}-\d{2})(?=\D{1,20}\b\d{8}\b)"
)
_ACCOUNT = re.compile(
    r"(?i:account(?:\s+(?:number|no\.?|num))?)\W{0,5}(?:is\W{1,3})?(\d{8})\b"
    r"|(?<=\d{2}-\d{2}-\d{2})(\D{1,20})\b(\d{8})\b"
)
_DIGIT_RUN = re.compile(r"\d")
_DIGIT_OR_AT = re.compile(r"[\d@]")
# Digits joined to more digits, or hyphened to a reference's letters ("CLM-PB-260720-4471"): not a phone.
_GLUED_BEFORE = re.compile(r"(?:\d[ -]?|[A-Za-z0-9]-)$")
_GLUED_AFTER = re.compile(r"[ -]?\d|-[A-Za-z]")
_WORD = re.compile(r"[a-z]+")


def _may_hold_pii(text: str) -> bool:
    """Every mask needs a digit, an @ or one of the key words the keyed rules look for."""
    if _DIGIT_OR_AT.search(text):
        return True
    low = text.lower()
    return not pii_rules.KEY_WORDS.isdisjoint(_WORD.findall(low)) or any(m in low for m in pii_rules.KEY_MARKS)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _last4(digits: str) -> str:
    return digits[-4:]


def _emails(text: str) -> Iterable[Span]:
    for m in _EMAIL.finditer(text):
        yield m.start(), m.end(), "[EMAIL]"


def _cards(text: str) -> Iterable[Span]:
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _luhn_ok(digits):
            yield m.start(), m.end(), f"[CARD ••••{_last4(digits)}]"


def _ibans(text: str) -> Iterable[Span]:
    pos = 0
    while m := _IBAN.search(text, pos):
        found = _iban_at(text, m.start(), m.end())
        if found:
            yield found
        pos = found[1] if found else m.start() + 1  # a second IBAN may start inside the letters the first ran into


def _iban_at(text: str, start: int, end: int) -> Span | None:
    """The longest IBAN from ``start``: the country's length and layout and the mod-97 check (python-stdnum), read
    with pauses left out ("GB29 erm NWBK ..."). The pattern may run into the words after it, in capitals or not."""
    kept = [i for i in range(start, end) if text[i] != " "]
    for pause in _PAUSE_WORD.finditer(text, start, end):
        kept = [i for i in kept if not pause.start() <= i < pause.end()]
    compact = "".join(text[i] for i in kept).upper()
    for n in range(min(len(compact), 34), 14, -1):
        last = kept[n - 1]
        if (last + 1 == end or text[last + 1] == " ") and iban.is_valid(compact[:n], check_country=False):
            return start, last + 1, f"[IBAN ••••{compact[n - 4:n]}]"
    return None


def _ssns(text: str) -> Iterable[Span]:
    for m in _SSN.finditer(text):
        yield m.start(), m.end(), "[SSN]"


def _ni_numbers(text: str) -> Iterable[Span]:
    for m in _NI_NUMBER.finditer(text):
        yield m.start(), m.end(), "[NI NUMBER]"


def _bank_details(text: str) -> Iterable[Span]:
    for m in _SORT_CODE.finditer(text):
        group = 1 if m.group(1) else 2
        yield m.start(group), m.end(group), "[SORT CODE]"
    for m in _ACCOUNT.finditer(text):
        group = 1 if m.group(1) else 3
        yield m.start(group), m.end(group), f"[ACCOUNT ••••{_last4(m.group(group))}]"


def _looks_dialled(raw: str) -> bool:
    """A number written to be dialled: international or trunk prefix, or an area code in brackets.

    libphonenumber calls reserved ranges (the UK's 07700 900xxx, used in examples) invalid; they
    still stand for real numbers in test and demo data, so they are masked when written like one.
    Dates (12.05.2024, 2024-05-12) and amounts (1,250.00) start otherwise or carry '.' or '/'.
    """
    stripped = raw.strip()
    digits = sum(ch.isdigit() for ch in stripped)
    return stripped[:1] in {"+", "0", "("} and digits >= 10 and "." not in stripped and "/" not in stripped


_REFERENCE_BEFORE = re.compile(r"\b(?:claim|reference|ref|policy|case|ticket|job|order|complaint)"
                               r"(?:\s*(?:number|no\.?|num|#))?\s*(?:is|was)?\s*[:#]?\s*$", re.I)


def _phones(regions: Sequence[str]) -> Callable[[str], Iterable[Span]]:
    def find(text: str) -> Iterable[Span]:
        if len(_DIGIT_RUN.findall(text)) < 7:
            return
        for region in regions:
            for m in PhoneNumberMatcher(text, region, leniency=Leniency.POSSIBLE):
                if _GLUED_BEFORE.search(text, 0, m.start) or _GLUED_AFTER.match(text, m.end):
                    continue  # part of a longer run of digit groups (an IBAN, a reference), not a phone
                if _REFERENCE_BEFORE.search(text[max(0, m.start - 40):m.start]):
                    continue  # "claim 0161 552 0947": a case reference written like a phone number, needed as is
                if phonenumbers.is_valid_number(m.number) or _looks_dialled(m.raw_string):
                    national = phonenumbers.national_significant_number(m.number)
                    yield m.start, m.end, f"[PHONE ••••{_last4(national)}]"

    return find


class Redactor:
    """Masks PII in a string; detectors earlier in the list win where two claim the same characters."""

    def __init__(self, phone_regions: Sequence[str] = ("GB", "US")) -> None:
        self._detectors: list[Callable[[str], Iterable[Span]]] = [
            _emails, _ibans, _cards, _ssns, _ni_numbers, _bank_details, _phones(tuple(phone_regions)),
            *pii_rules.DETECTORS, pii_secrets.passwords, pii_secrets.secret_answers,
        ]

    def spans(self, text: str, asked: str = "") -> list[Span]:
        """What would be masked: (start, end, mask), in order, never overlapping. ``asked`` is the agent's turn
        just before, when ``text`` is the customer's answer to it."""
        fixed = pii_words.put_right(text)  # "pasword", "a/c": the rules read the key words written out
        read = fixed[0] if fixed else text
        taken: list[Span] = []

        def take(found: Iterable[Span]) -> None:
            for start, end, mask in found:
                if all(end <= s or start >= e for s, e, _ in taken):
                    taken.append((start, end, mask))

        if fixed or _may_hold_pii(read):  # nearly every turn has nothing to look for
            for detect in self._detectors:
                take(detect(read))
        take(pii_answers.answers(read, asked))
        take(pii_answers.inline_answers(read))
        if fixed:
            _, starts, ends = fixed
            taken = [(starts[s], ends[e], mask) for s, e, mask in taken]
        return sorted(taken)

    def redact(self, text: str, asked: str = "") -> str:
        taken = self.spans(text, asked)
        if not taken:
            return text
        out, pos = [], 0
        for start, end, mask in taken:
            out.append(text[pos:start])
            out.append(mask)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def redact_value(self, value: Any) -> Any:
        """Every string inside nested dicts and lists (metadata), keys left as they are."""
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {k: self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_value(v) for v in value]
        return value


def _asked_before(turns: list[Any]) -> list[str]:
    """Per turn: the agent's turn a customer's turn answers ("" for the agent's own turns)."""
    out, asked, replied = [], "", ""
    for t in turns:
        out.append(asked if t.speaker == "customer" else "")
        if t.speaker == "customer":
            replied += t.text
        else:
            asked, replied = pii_answers.still_asked(asked, replied, t.text), ""
    return out


def redact_interaction(interaction: Interaction, redactor: Redactor) -> Interaction:
    """A masked copy: turn text, outcome, tags and metadata strings. Ids are kept (they join records)."""
    asked = _asked_before(interaction.turns)
    return interaction.model_copy(update={
        "turns": [t.model_copy(update={"text": redactor.redact(t.text, before)})
                  for t, before in zip(interaction.turns, asked, strict=True)],
        "outcome": redactor.redact(interaction.outcome) if interaction.outcome else interaction.outcome,
        "tags": [redactor.redact(tag) for tag in interaction.tags],
        "metadata": redactor.redact_value(interaction.metadata),
    })


def redact_customer(customer: Customer, redactor: Redactor) -> Customer:
    """Free-text metadata is masked; the contact block is the customer's own record and stays (never embedded)."""
    return customer.model_copy(update={"metadata": redactor.redact_value(customer.metadata)})
