"""The customer as a person: preferences (channel, time, pace), consent statements, and details worth keeping
(accessibility needs, work, pets). Life events live in life.py."""

from __future__ import annotations

import re

from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, make_fact
from assistant.models import Fact

_ACCESSIBILITY_RE = re.compile(r"\b(hard of hearing|deaf|hearing aids?|hearing isn't|don't hear well|can't hear|"
                               r"speak up|partially sighted|blind|visually impaired|dyslexi\w+|wheelchair|large print|"
                               r"braille)\b", re.I)
_WORK_RE = re.compile(r"\b(?:i work (?:as an? |at |in |for |nights|shifts|from home|twelve-hour|\d+-hour)"
                      r"(?:(?! and | but |, )[\w -]){0,40}|"
                      r"i(?:'m| am) an? (?:nurse|teacher|doctor|student|driver|engineer|carer|pilot|chef|"
                      r"police officer|firefighter|builder|farmer|self-employed|freelance \w+|freelancer|"
                      r"retired \w+|[a-z]+ by trade))", re.I)
_PET_RE = re.compile(r"\b(?:my|our) (?:new |little )?(dog|cat|puppy|kitten|horse)(?:,? ([A-Z][a-z]+))?")
_ANY_DETAIL = re.compile("|".join(p.pattern for p in (_ACCESSIBILITY_RE, _WORK_RE)) + r"|\b(?:my|our) (?:new |little )?"
                         r"(?:dog|cat|puppy|kitten|horse)\b", re.I)
_ANY_CONSENT = re.compile(f"{lx.CONSENT_OUT_RE.pattern}|{lx.CONSENT_IN_RE.pattern}", re.I)
# Channels named as wanted or unwanted: "only contact me by email, no calls or texts".
_WANTED = re.compile(r"\b(?:only|prefer(?:s)?(?: us to| you to)?|rather|by|best by|(?:ring|call|phone) me|"
                     r"contact me by) (?:contact (?:me|her|him) )?(?:by |on (?:the )?)?"
                     r"(e-?mail|phone|post|letter|text|app|paper|in writing|ring|call)", re.I)
# The words between never open a clause ("I don't know what you call it" is no refusal of calls), and the channel
# word is a noun, not the verb of "call it".
_UNWANTED = re.compile(r"\b(?:no|not|never|don't|do not|can't get on with)(?: (?!know\b|what\b|if\b|whether\b|how\b)"
                       r"\w+){0,3}? (e-?mails?|texts?|calls?|phone calls?|post|letters?|the mobile)\b(?! (?:it|him|her|"
                       r"them|that)\b)", re.I)
_CH = (r"e-?mail|phone|post|letters?|texts?|text messages?|app|chat|branch|landline|mobile|paper|in writing|"
       r"calling|ringing|phoning|calls?")
# "email rather than phone", "in the branch than over the phone", "chat is much better for me than calling"
_COMPARED = re.compile(rf"\b(?:by |in |on |over |via )?(?:the |an? )?(?P<a>{_CH})\b(?: (?!than\b)\w+){{0,5}}? than "
                       rf"(?:by |in |on |over |via )?(?:the |an? )?(?P<b>{_CH})\b", re.I)
_COMPARING = re.compile(r"\b(?:rather|prefer|better|easier)\b", re.I)
_NOT_BY = re.compile(r"\b(?:don't|do not) (?:want|like) (?:anyone|anybody|you|people|them|someone) "
                     r"(?P<b>ringing|calling|phoning|texting|emailing|e-mailing) me\b(?! about)|"
                     r"\b(?:don't|do not|please don't) (?:use|ring|call|text) (?:my |the )?(?P<c>mobile|landline)\b",
                     re.I)
_IN_WRITING = re.compile(r"\bput (?:it|that|this|everything|them) (?:in (?:an |a )?(?P<a>e-?mail|writing|letter)|"
                         r"on (?P<p>paper))\b|\b(?:like|prefer|want) (?:having|getting|to have) (?:it|things|them|"
                         r"everything) (?:on (?P<q>paper)|in (?P<w>writing)|by (?P<r>post))\b", re.I)
_PAYING = re.compile(r"\b(?:rather|prefer to|like to) pay (?P<how>monthly|annually|yearly|quarterly|in full|"
                     r"by direct debit|in one (?:lump sum|go))\b", re.I)
_CHANNEL_NAMES = {"email": "email", "e-mail": "email", "emails": "email", "e-mails": "email", "phone": "phone",
                  "ring": "phone", "call": "phone", "calls": "phone", "phone call": "phone", "phone calls": "phone",
                  "post": "post", "letter": "post", "letters": "post", "paper": "post", "in writing": "post",
                  "text": "text", "texts": "text", "the mobile": "text", "app": "app",
                  "text message": "text", "text messages": "text", "calling": "phone", "ringing": "phone",
                  "phoning": "phone", "texting": "text", "emailing": "email", "e-mailing": "email", "chat": "chat",
                  "branch": "branch", "landline": "landline", "mobile": "mobile"}
_ONLY = re.compile(r"\b(e-?mail|phone|post|text|letters?)(?: (?:or|and) (e-?mail|phone|post|text|letters?))? only\b",
                   re.I)
_AGENT_NOTE = re.compile(r"\b(note|noted|updated your contact preferences|preferences?)\b", re.I)
_TIME_PREF = re.compile(r"\b(?:are|is|would be|works?) (?:best|better|easiest)\b|\bbest (?:time|to call)\b", re.I)


def _channel(word: str) -> str:
    word = word.lower()
    return _CHANNEL_NAMES.get(word, "post" if word == "writing" else word)


def preferences(conversation: Conversation) -> list[Fact]:
    """Contact channel (wanted and unwanted), contact time, and pace, from the customer or an agent's note of it."""
    facts = []
    channel_sources: list = []
    all_wanted: set[str] = set()
    all_unwanted: set[str] = set()
    candidates = [s for s in conversation.said if s.speaker == "customer" or _AGENT_NOTE.search(s.text)]
    for said in candidates:
        text, lowered = said.text, said.text.lower()
        wanted = {_channel(m.group(1)) for m in _WANTED.finditer(text)}
        for m in _ONLY.finditer(text):
            wanted |= {_channel(g) for g in m.groups() if g}
        unwanted = {_channel(m.group(1)) for m in _UNWANTED.finditer(text)}
        if _COMPARING.search(text):
            for m in _COMPARED.finditer(text):
                wanted.add(_channel(m.group("a")))
                unwanted.add(_channel(m.group("b")))
        for m in _NOT_BY.finditer(text):
            unwanted.add(_channel(m.group("b") or m.group("c")))
            if m.group("c"):  # "don't use my mobile, ring the landline instead"
                other = "landline" if m.group("c").lower() == "mobile" else "mobile"
                if re.search(rf"\b{other}\b", lowered):
                    wanted.add(other)
        for m in _IN_WRITING.finditer(text):
            wanted.add(_channel(next(g for g in m.groups() if g)))
        wanted -= unwanted
        paying = _PAYING.search(text) if said.speaker == "customer" else None
        if paying:
            facts.append(make_fact(conversation, "preference", "paying", f"Prefers to pay {paying.group('how')}",
                                   [said], status="stated", valid_from=said.at, value=text))
        if re.search(r"\bslow(?:ly|er| down)\b|speak up", lowered):
            facts.append(make_fact(conversation, "preference", "call pace", "Prefers staff to speak slowly and clearly",
                                   [said], status="stated", valid_from=said.at, value=text))
        if re.search(r"\btext (?:me )?first\b", lowered):
            facts.append(make_fact(conversation, "preference", "text before calling", "Wants a text before a call",
                                   [said], status="stated", valid_from=said.at, value=text))
        if wanted or unwanted:
            channel_sources.append(said)
            all_wanted |= wanted
            all_unwanted |= unwanted
        time_of_day = lx.TIME_OF_DAY_RE.search(text)
        if said.speaker == "customer" and time_of_day and (_TIME_PREF.search(text) or lx.PREFERENCE_RE.search(text)):
            facts.append(make_fact(conversation, "preference", "contact time",
                                   f"Best time to call: {_time_words(text)}", [said], status="stated",
                                   valid_from=said.at, value=text))
    if channel_sources:  # one fact per contact: what they want and what they don't, from all they (and we) said
        all_wanted -= all_unwanted
        parts = [f"Prefers {' and '.join(sorted(all_wanted))}"] if all_wanted else []
        if all_unwanted:
            parts.append(f"{'no' if all_wanted else 'No'} {', '.join(sorted(all_unwanted))}")
        facts.append(make_fact(conversation, "preference", "contact channel", "; ".join(parts), channel_sources,
                               status="stated", valid_from=channel_sources[0].at, wanted=sorted(all_wanted),
                               unwanted=sorted(all_unwanted), value=" ".join(s.text for s in channel_sources)))
    return facts


def _time_words(text: str) -> str:
    found = [m.group(1).lower() for m in lx.TIME_OF_DAY_RE.finditer(text)]
    found += [w.lower() for w in re.findall(r"\b(mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)\b",
                                            text, re.I)]
    return " or ".join(dict.fromkeys(found))


def consent(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(_ANY_CONSENT, "customer"):
        if lx.CONSENT_OUT_RE.search(said.text):
            status, text = "withdrawn", "Asked not to receive marketing"
        elif lx.CONSENT_IN_RE.search(said.text):
            status, text = "granted", "Agreed to receive marketing"
        else:
            continue
        facts.append(make_fact(conversation, "consent", "marketing", text, [said], status=status,
                               valid_from=said.at, quote=said.text))
    return facts


def details(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(_ANY_DETAIL, "customer"):
        for pattern, subject in ((_ACCESSIBILITY_RE, "accessibility"), (_WORK_RE, "work"), (_PET_RE, "pet")):
            m = pattern.search(said.text)
            if m is None:
                continue
            if subject == "accessibility":
                summary = f'Accessibility: "{m.group(0)}"'
            elif subject == "work":
                summary = f'Work: "{m.group(0).strip()}"'
            else:
                name = m.group(2) if m.group(2) and m.group(2) not in lx.NOT_NAMES else None
                summary = f"Has a {m.group(1).lower()}" + (f" called {name}" if name else "")
                subject = f"pet {name}" if name else "pet"
            facts.append(make_fact(conversation, "detail", subject, summary, [said], status="stated",
                                   valid_from=said.at, quote=said.text))
    return facts
