"""How the customer wants to be served, beyond channel and time (personal.py): language, how to address them, who
they want to deal with, how things should be explained, and the formats their documents need."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.language.names import plausible_name
from assistant.memory.facts.base import Conversation, Said, make_fact
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
_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_TITLED = rf"{_TITLE} [A-Z][\w-]+(?!['’]s)"
# A name offered as the one to use, in the roundabout ways people say it: "everyone calls me Len", "(Tosh to
# everyone)", "Mrs Adebayo is fine", "Sam's fine", "it's Mr Pybus if you don't mind". Only the first two are
# explicit; the others count when the agent then addresses the customer by that name (_addressed_as).
_OFFERED_RE = re.compile(rf"\b(?:[Ee]very(?:one|body)|[Aa]ll my friends|[Mm]y friends|[Pp]eople|[Mm]ost people) "
                         rf"calls? me (?P<explicit>{_NAME})\b|"
                         rf"\b(?:[Ee]very(?:one|body)|[Pp]eople) (?:just )?(?:goes|go) (?:with|by) "
                         rf"(?P<explicit3>{_NAME})\b|"
                         rf"\bI (?:usually |just )?go by (?P<explicit4>{_NAME})\b|"
                         rf"(?:^|[(\n])\s*(?P<explicit2>{_NAME}) to (?:every(?:one|body)|my friends|friends)\b|"
                         rf"\b(?P<fine>{_TITLED}|{_NAME})(?: is|'s|’s) (?:fine|grand|ok|okay|good)\b|"
                         rf"\b(?:[Ii]t's|[Ii]t is|I'm|I am|[Tt]his is) (?P<titled>{_TITLED})\b|"
                         # a correction: "Mrs Adeyemi, please."
                         rf"(?:^|(?<=\n))(?P<bare>{_TITLED}),? (?:please|if you don't mind)\s*[.!]*(?=\n|$)")
# A name the customer does not want: "please don't call me Robert", "nobody's called me Harold since my mother".
_REFUSED_RE = re.compile(rf"\b(?:don't|do not|never|please don't|pls dont|dont) call me (?P<no>{_NAME})\b|"
                         rf"\bnobody(?:'s| has| ever)? call(?:s|ed)? me (?P<no2>{_NAME})\b|"
                         rf"\b(?P<no3>{_NAME}) is (?:for|only for|just for) (?:the taxman|my mother|my mum|my mom|"
                         rf"the bank|official|letters|forms)\b")
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


def _refused(text: str) -> set[str]:
    return {g for m in _REFUSED_RE.finditer(text) for g in m.groups() if g}


def _addressed_as(conversation: Conversation, name: str, after: Said) -> bool:
    """Whether an agent calls the customer `name` later in the contact ("None taken, Mrs Adebayo", "Hi Tosh,")."""
    vocative = re.compile(rf"(?:^|\b(?:hi|hello|hey|dear|morning|afternoon|evening|thanks|thank you|care|bye|"
                          rf"taken|right|sorry|okay|ok|sure|course|cheers)\b,?\s+|,\s*){re.escape(name)}"
                          rf"(?=\s*[,.!?]|\s*$)", re.I)
    start = conversation.position(after)
    return any(conversation.position(s) > start for s in conversation.matching(vocative, "agent"))


def _offered_name(conversation: Conversation) -> Fact | None:
    """The form of address a customer offers without "call me": explicit ("everyone calls me Len"), or confirmed by
    the agent using it. A name the customer refuses is kept too, so the record's name is not used against it."""
    for said in conversation.matching(_OFFERED_RE, "customer"):
        for m in _OFFERED_RE.finditer(said.text):
            name = next(g for g in m.groups() if g)
            single = " " not in name
            if single and not plausible_name(name):
                continue
            explicit = bool(m.group("explicit") or m.group("explicit2") or m.group("explicit3") or m.group("explicit4"))
            if explicit or _addressed_as(conversation, name, said):
                text = f"Likes to be called {name}" if single else f"Address as {name}"
                return make_fact(conversation, "preference", "form of address", text, [said], status="stated",
                                 valid_from=said.at, value=said.text, name=name)
    for said in conversation.matching(_REFUSED_RE, "customer"):
        m = _REFUSED_RE.search(said.text)
        refused = next((g for g in m.groups() if g), None) if m else None
        if refused and plausible_name(refused):
            return make_fact(conversation, "preference", "form of address", f"Does not want to be called {refused}",
                             [said], status="stated", valid_from=said.at, value=said.text, not_name=refused)
    return None


def manner(conversation: Conversation) -> list[Fact]:
    """One fact per subject per contact: the first thing the customer says about it."""
    facts: dict[str, Fact] = {}
    for pattern, subject, text_of, must_ask in _RULES:
        for said in conversation.matching(pattern, "customer"):  # one pass over the contact, not one per sentence
            m = pattern.search(said.text)
            if subject == "form of address" and m and _refused(said.text) & {g for g in m.groups() if g}:
                continue  # "don't call me Robert" is the opposite of "call me Robert"
            text = text_of(m) if m and not (must_ask and not _ASKING.search(said.text)) else None
            if text:
                # the name to use, kept on the fact so drafts use it without re-reading the sentence
                called = next((g for g in m.groups() if g), None) if subject == "form of address" and m else None
                facts[subject] = make_fact(conversation, "preference", subject, text, [said], status="stated",
                                           valid_from=said.at, value=said.text, name=called)
                break
    if "form of address" not in facts and (offered := _offered_name(conversation)) is not None:
        facts["form of address"] = offered
    return list(facts.values())
