"""Verification: identity checks passed and which details the customer already gave (so nobody asks again).
Values are never stored, only which detail was given and when.

A check is read as the exchange it is: we ask for a security detail ("can I take your date of birth?"), the
customer answers, and our next turn accepts it ("Thanks, that's all fine. The £25 is...") rather than refusing it
("that doesn't match"). A plain confirmation ("you're through security"), a branch ID note ("ID checked -
passport") or a signed-in banking session counts on its own."""

from __future__ import annotations

import re

from assistant.language.time import fmt_day
from assistant.memory.facts.base import Conversation, Said, make_fact
from assistant.models import Fact

# Said outright: "you're through security", "verification complete".
VERIFIED_RE = re.compile(r"\b(you(?:'re| are| have been) (?:now )?(?:verified|through security)|passed security|"
                         r"that's (?:all )?(?:verified|confirmed|matched)|all (?:matched|confirmed)|identified by|"
                         r"that's you (?:verified|through(?: security)?)|(?:you're|you are) all verified|"
                         r"i've (?:confirmed|verified) your|result: match|"
                         r"verification (?:is )?(?:complete|done)|identity (?:is )?(?:confirmed|verified))\b", re.I)
DETAIL_RE = re.compile(
    r"\b(date of birth|dob|birth ?date|post ?code|zip(?: ?code)?|first line of (?:your |the )?address|"
    r"(?:home |service )?address|last (?:four|4)(?: digits)?(?: of (?:your |the )?(?:card|phone(?: number)?|"
    r"ssn|social(?: security(?: number)?)?|(?:account |security )?pin))?|"
    r"security (?:questions?|answers?|details|pin|number|word)|"
    r"characters? (?:of|from) (?:your )?(?:security|memorable) (?:word|answer)|memorable (?:word|information)|"
    r"(?:one-time |one time )?pass ?code|(?:one-time |verification |security |\w+-digit )?code (?:to|sent to|"
    r"texted to|on) (?:your|the) (?:mobile|phone)|verification code|"
    r"registered (?:mobile )?number|(?:account |security )?pin(?: number)?|account number|policy number|"
    r"password|(?<!voice )(?<!caller )(?:some )?ID|passport|driving licen[cs]e|driver'?s licen[cs]e)\b", re.I)
_CANONICAL = {"dob": "date of birth", "birth date": "date of birth", "birthdate": "date of birth",
              "post code": "postcode", "zip": "postcode", "zip code": "postcode", "zipcode": "postcode",
              "home address": "address", "service address": "address", "registered number": "registered mobile number",
              "id": "photo ID", "some id": "photo ID"}
_ASKING = re.compile(r"\?\s*$|^(?:\w+[, ]+)?(?:can|could|may|would) (?:i|you|we)\b|\b(?:let me (?:just )?(?:check|"
                     r"confirm|take)|i(?:'ll| will) (?:just )?need|please (?:confirm|give|tell)|confirm your)\b",
                     re.I)
_SOMEONE_ELSE = re.compile(r"\b(?:his|her|their|(?!holder)\w+'s)\s+(?:full )?(?:name|date of birth|dob)\b", re.I)
_ACCEPTED = re.compile(r"^(?:ok(?:ay)?[, ]+|great[, ]+|right[, ]+)?(?:thanks|thank you|cheers|lovely|perfect|great|"
                       r"brilliant|(?:that's|that) (?:all )?(?:fine|correct|right|great|you|perfect|matched|matches)|"
                       r"all (?:fine|correct|good|matched)|verified|got (?:it|that))\b", re.I)
_REFUSED = re.compile(r"\b(?:doesn't|does not|don't|do not|didn't|did not) (?:quite )?match|not (?:quite )?right|"
                      r"isn't right|incorrect|wrong|(?:can't|cannot|couldn't|unable to) (?:verify|confirm|"
                      r"validate|pass)|try (?:that )?again|not what (?:we|i) have|failed|not (?:the )?(?:one|same) "
                      r"(?:we|i) (?:have|hold)|afraid (?:that|it)|no match|mismatch|not (?:passed|verified)|"
                      r"unsuccessful", re.I)
_OWN_CHECK = re.compile(r"(?<!caller )\b(?:ID|identity)\b[^.;]{0,40}\b(?:checked|seen|matched|verified|confirmed)\b|"
                        r"\b(?:passport|driving licen[cs]e|driver'?s licen[cs]e|photo ID)\b[^.;]{0,40}\b(?:checked|"
                        r"seen|matched|verified)\b|\bknown to (?:the )?branch\b|"
                        r"\b(?:logged|signed) in (?:to|through|via|on) (?:your )?(?:online|mobile|internet) banking\b|"
                        r"\balready verified\b|\b(?:customer|caller) (?:authenticated|verified)\b|"
                        r"^(?:thanks|thank you)[\w ]{0,12}, verified\b", re.I)
_DOCUMENT = re.compile(r"passport|driving licen[cs]e|driver'?s licen[cs]e|photo ID|known to (?:the )?branch|"
                       r"signature|online banking|mobile banking|internet banking", re.I)
# What a telephony or CRM system writes when a check passes ("Voice ID: match, passed.", "Account PIN verified."):
# exact machine output, read only on system lines.
_SYSTEM_CHECK = re.compile(r"\b(?:voice ?ID|ID&V|ID and V|PIN|security(?: check)?|verification|authentication|"
                           r"identity)\b[^.;]{0,40}\b(?:passed|verified|match(?:ed)?|successful|"
                           r"authenticated)\b", re.I)
FIRST_TURNS = 12  # security comes at the start of a contact; a date of birth asked later is about someone else


def _detail(name: str) -> str:
    name = re.sub(r"\s+", " ", name.lower())
    if name.startswith("first line of"):
        return "address"
    if name.startswith("last four") or name.startswith("last 4"):
        if "pin" in name:
            return "account PIN"
        if "phone" in name:
            return "last four of phone number"
        if "ssn" in name or "social" in name:
            return "last four of SSN"
        return "card last four digits"
    if name.startswith(("security", "memorable", "character")):
        return "security PIN" if "pin" in name else "security details"
    if "code" in name and ("pass" in name or "mobile" in name or "phone" in name):
        return "one-time code"
    if name.endswith("pin") or name.endswith("pin number"):
        return "account PIN"
    return _CANONICAL.get(name, name)


def _masked_answers(conversation: Conversation, after: int, before: int) -> list[Said]:
    """The customer's answers between our request and this turn that redaction masked whole ("Two two nine one."
    -> "[PIN]."): no sentence a reader may quote, but an answer given all the same."""
    turns = conversation.interaction.turns
    return [Said(conversation.interaction, i, turns[i], turns[i].text) for i in range(after + 1, before)
            if turns[i].speaker == "customer" and turns[i].text.strip()]


def _checks(conversation: Conversation) -> tuple[Said, list[Said], list[Said]] | None:
    """The first check passed: (our turn accepting it, our requests, the customer's answers)."""
    requests: list[Said] = []
    answers: list[Said] = []
    explicit = [s for s in conversation.matching(VERIFIED_RE) if s.speaker in ("agent", "system")]
    for said in conversation.said:
        if said.index > FIRST_TURNS and not requests:
            break
        if said.speaker == "customer":
            if requests and said.index > requests[-1].index:
                answers.append(said)
            continue
        if said.speaker not in ("agent", "system"):
            continue
        if requests and not answers:
            answers = _masked_answers(conversation, requests[-1].index, said.index)
        if explicit and said is explicit[0] and not _REFUSED.search(said.text):
            return said, requests, answers
        if _OWN_CHECK.search(said.text) and not _REFUSED.search(said.text):
            return said, requests, answers
        if said.speaker == "system" and _SYSTEM_CHECK.search(said.text) and not _REFUSED.search(said.text):
            return said, requests, answers
        asks = DETAIL_RE.search(said.text) and _ASKING.search(said.text) and not _SOMEONE_ELSE.search(said.text)
        if requests and answers and said.index > answers[-1].index:
            first = conversation.turn(said.index)[0]
            if _REFUSED.search(" ".join(s.text for s in conversation.turn(said.index))):
                answers = []  # a wrong answer: the check goes on (or fails) with the next request
            elif said is first and _ACCEPTED.search(said.text):
                if not asks:
                    return said, requests, answers
            elif said is first and not asks:
                requests, answers = [], []  # the answer was neither accepted nor refused: not read as a check
        if asks:
            requests.append(said)
    return None


def verification(conversation: Conversation) -> list[Fact]:
    """An identity fact when we accept the customer's security answers (or confirm them, or check ID in
    branch), plus one fact per detail given in the checks leading up to it."""
    found = _checks(conversation)
    if found is None:
        return []
    done, requests, answers = found
    details: dict[str, list[Said]] = {}
    for said in [*requests, done]:
        for m in DETAIL_RE.finditer(said.text):
            details.setdefault(_detail(m.group(1)), []).append(said)
        if said is done and not requests:
            for m in _DOCUMENT.finditer(said.text):
                details.setdefault(re.sub(r"\s+", " ", m.group(0).lower()), []).append(said)
    channel = conversation.interaction.channel
    facts = [make_fact(
        conversation, "verification", "identity", f"Identity verified on {fmt_day(done.at)} ({channel})"
        + (f": {', '.join(details)}" if details else ""), [*answers[-1:], done], status="verified",
        valid_from=done.at, details=list(details), quote=done.text,
    )]
    for name, sources in details.items():
        facts.append(make_fact(
            conversation, "verification", name, f"{name[:1].upper()}{name[1:]} already given on {fmt_day(done.at)} "
            f"({channel})", [sources[0], *answers[-1:], done], status="verified", valid_from=done.at,
        ))
    return facts
