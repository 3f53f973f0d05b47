"""How the customer wants to be served, beyond channel and time (personal.py): language, how to address them, who
they want to deal with, how things should be explained, and the formats their documents need."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.memory.facts.base import Conversation, make_fact
from assistant.models import Fact

_LANGUAGES = ("welsh|polish|urdu|punjabi|bengali|arabic|spanish|french|portuguese|romanian|gujarati|cantonese|"
              "mandarin|italian|turkish|somali|lithuanian|hindi|tamil|farsi|kurdish|german|greek|russian|ukrainian|"
              "bulgarian|hungarian|czech|slovak|pashto|tigrinya|latvian|albanian|sylheti")
# A language asked for ("anyone who speaks Welsh?", "Polish would be easier for her"), not one merely mentioned
# ("my husband is Polish", "a Polish shop").
_LANGUAGE_RE = re.compile(rf"\b(?:anyone|someone|somebody|anybody|adviser|advisor|staff|colleague)\b[^.?!]{{0,15}}"
                          rf"\bspeaks?\s+({_LANGUAGES})\b|"
                          rf"\b({_LANGUAGES})\b(?: or \w+)? (?:would be|is) (?:much |a lot |far )?(?:easier|better)|"
                          rf"\bmore comfortable (?:in|speaking) ({_LANGUAGES})\b|"
                          rf"\b(?:interpreter|translator) (?:for|in) ({_LANGUAGES})\b|"
                          rf"\b({_LANGUAGES}) (?:interpreter|translator|speaker)\b", re.I)
_NOT_FIRST_LANGUAGE = re.compile(r"\benglish (?:isn't|is not|'s not) (?:my|his|her|their) first language|"
                                 r"\b(?:my|his|her|their) english is (?:limited|not very good|not great|poor)", re.I)
_TITLE = r"(?:Dr|Doctor|Prof|Professor|Mx|Ms|Miss|Mrs|Mr|Reverend|Rev)\.?"
# "Call me Jim", "It's Dr Okafor, not Mrs", "Please address any letters to Mx Taylor", "Just use my first name, Priya".
_NOT_A_NAME = (r"(?:Back|On|After|Before|In|At|Tomorrow|Later|When|If|Any\w*|Monday|Tuesday|Wednesday|Thursday|"
               r"Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|"
               r"November|December)\b")
_ADDRESS_RE = re.compile(rf"\b[Cc]all me (?!{_NOT_A_NAME}|{_TITLE}\s)([A-Z][a-z]+)\b|"
                         rf"\b(?:[Ii]t's|[Ii]t is|I'm|I am) ({_TITLE} [A-Z][\w'-]+),? not (?:{_TITLE})|"
                         rf"\b[Aa]ddress (?:any |all |the |my )?(?:letters|post|mail|me|post to me) (?:to|as) "
                         rf"({_TITLE} [A-Z][\w'-]+)|"
                         rf"\b(?:use|call me by) my first name(?:,? ([A-Z][a-z]+))?|"
                         # a title and surname asked for ("It's Mrs Okonjo, please", "call me Mrs Okonjo"), not
                         # someone else's ("Mrs Okonjo's neighbour"), nor a bare introduction ("I'm Mr Patel, ...")
                         rf"\b(?:[Ii]t's|[Ii]t is|I'm|I am|[Tt]his is) ({_TITLE} [A-Z][\w-]+),? please\b|"
                         rf"\b(?:[Cc]all me|[Aa]ddress me as) ({_TITLE} [A-Z][\w-]+)\b(?!'s|’s|-)")
_PERSON_RE = re.compile(r"\b(?:deal with|speak (?:to|with)|talk (?:to|with)) ([A-Z][a-z]+) again\b|"
                        r"\b(same) (?:adviser|advisor|person|agent|colleague) (?:each|every) time\b|"
                        r"\b(female|woman|lady|male) (?:adviser|advisor|member of staff|colleague)\b")
_EXPLAIN_RE = re.compile(r"\b(step by step)\b|\b(?:avoid|without|no|cut) (?:the |all the )?(jargon)\b|"
                         r"\b(plain english|simple terms|simple english)\b|\bkeep it (short|simple|brief)\b|"
                         r"\b(bottom line)\b", re.I)
_FORMAT_RE = re.compile(r"\b(large print|braille|audio (?:cd|format|version)|accessible (?:documents?|pdfs?|formats?)|"
                        r"plain text emails?|easy read)\b", re.I)
_SUPPORT_RE = re.compile(r"\b(text relay|relay uk|typetalk|bsl interpreter|sign language interpreter|"
                         r"british sign language)\b", re.I)
# Wanting, not just mentioning: "Large print please", "I'd like my statements in Braille", "I use text relay".
_ASKING = re.compile(r"\b(?:please|prefer|rather|like|need|want|use|could|would|can you|if you)\b", re.I)


def _address(m: re.Match[str]) -> str | None:
    name = next((g for g in m.groups() if g), None)
    if name is None:
        return "Prefers to be called by their first name"
    return f"Likes to be called {name}" if m.group(1) or m.group(4) else f"Address as {name}"


def _person(m: re.Match[str]) -> str:
    if m.group(1):
        return f"Prefers to deal with {m.group(1)}"
    if m.group(2):
        return "Prefers the same adviser each time"
    return f"Prefers a {'male' if m.group(3).lower() == 'male' else 'female'} adviser"


def _explain(m: re.Match[str]) -> str:
    word = next(g for g in m.groups() if g).lower()
    if word == "step by step":
        return "Prefers to be taken through things step by step"
    if word in ("short", "brief", "bottom line"):
        return "Prefers it short: the bottom line"
    return "Prefers plain English, no jargon"


def _language(m: re.Match[str]) -> str:
    return f"Prefers to speak {next(g for g in m.groups() if g).capitalize()}"


def _format(m: re.Match[str]) -> str:
    what = m.group(1).lower()
    return f"Needs documents in {'Braille' if what == 'braille' else what}"


def _support(m: re.Match[str]) -> str:
    what = m.group(1).lower()
    return "Uses text relay" if "relay" in what or what == "typetalk" else "Needs a sign language interpreter"


# (pattern, subject, the fact's text, whether the sentence must also ask for it)
_RULES: list[tuple[re.Pattern[str], str, Callable[[re.Match[str]], str | None], bool]] = [
    (_LANGUAGE_RE, "language", _language, False),
    (_NOT_FIRST_LANGUAGE, "language", lambda m: "English is not their first language: keep it plain and slow", False),
    (_ADDRESS_RE, "form of address", _address, False),
    (_PERSON_RE, "who to deal with", _person, False),
    (_EXPLAIN_RE, "explanations", _explain, False),
    (_FORMAT_RE, "document format", _format, True),
    (_SUPPORT_RE, "communication support", _support, False),
]


def manner(conversation: Conversation) -> list[Fact]:
    """One fact per subject per contact: the first thing the customer says about it."""
    facts: dict[str, Fact] = {}
    for pattern, subject, text_of, must_ask in _RULES:
        for said in conversation.matching(pattern, "customer"):  # one pass over the contact, not one per sentence
            m = pattern.search(said.text)
            text = text_of(m) if m and not (must_ask and not _ASKING.search(said.text)) else None
            if text:
                # the name to use, kept on the fact so drafts use it without re-reading the sentence
                called = next((g for g in m.groups() if g), None) if subject == "form of address" and m else None
                facts[subject] = make_fact(conversation, "preference", subject, text, [said], status="stated",
                                           valid_from=said.at, value=said.text, name=called)
                break
    return list(facts.values())
