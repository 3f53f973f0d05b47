"""Small pieces of natural English for the grounded drafter: relative dates, channels, lists, pronouns."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# What the customer did, per channel: "I can see you {verb} {when}".
CHANNEL_VERBS = {
    "chat": "chatted with us", "voice": "spoke to us on the phone", "email": "emailed us", "sms": "texted us",
    "branch": "came into the branch", "app": "got in touch through the app",
    "social": "messaged us on social media", "ticket": "raised a ticket with us", "other": "were in touch",
}
CHANNEL_NOUNS = {
    "chat": "chat", "voice": "phone", "email": "email", "sms": "text", "branch": "branch", "app": "app",
    "social": "social media", "ticket": "ticket", "other": "contact",
}
SAID_ON = {
    "chat": "in a chat", "voice": "on the phone", "email": "by email", "sms": "by text", "branch": "in the branch",
    "app": "in the app",
    "social": "on social media", "ticket": "in a ticket", "other": "in a contact",
}
# Relations that tell a pronoun; anything else gets "their" (or the person's name).
_RELATION_POSSESSIVE = {
    "daughter": "her", "mother": "her", "mum": "her", "wife": "her", "sister": "her", "granddaughter": "her",
    "grandmother": "her", "girlfriend": "her", "niece": "her", "aunt": "her",
    "son": "his", "father": "his", "dad": "his", "husband": "his", "brother": "his", "grandson": "his",
    "grandfather": "his", "boyfriend": "his", "nephew": "his", "uncle": "his",
}
_ORDINAL_WORDS = {2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}


def day_month(when: datetime | date, now: datetime | date | None = None) -> str:
    """'19 November', with the year when it differs from now's."""
    text = f"{when.day} {when.strftime('%B')}"
    if now is not None and when.year != now.year:
        text += f" {when.year}"
    return text


def short_date(when: datetime | date) -> str:
    return f"{when.day} {when.strftime('%b')} {when.year}"


def when_past(when: datetime, now: datetime) -> str:
    """A past time relative to now: 'today', 'yesterday', 'on Monday' (this week), 'on 19 November'. A weekday of
    last week is dated: said on a Wednesday, "on Thursday" reads as tomorrow."""
    days = (now.date() - when.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    if days < 7 and when.weekday() < now.weekday():
        return f"on {_WEEKDAYS[when.weekday()]}"
    return f"on {day_month(when, now)}"


def when_future(when: datetime, now: datetime) -> str:
    """A future time relative to now: 'today', 'tomorrow', 'on Friday', 'next week', 'on 3 December'."""
    days = (when.date() - now.date()).days
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    this_monday = now.date() - timedelta(days=now.weekday())
    week_offset = (when.date() - this_monday).days // 7
    if week_offset == 0:
        return f"on {_WEEKDAYS[when.weekday()]}"
    if week_offset == 1:
        return "next week"
    if days < 7:
        return f"on {_WEEKDAYS[when.weekday()]}"
    return f"on {day_month(when, now)}"


def times(n: int) -> str:
    return "once" if n == 1 else _ORDINAL_WORDS.get(n, f"{n} times")


def join_words(items: list[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def possessive(name: str) -> str:
    """"Amy's", and "Miles's" too, as UK style guides write a name's possessive."""
    return f"{name}'s"


def issue_name(subject: str, spoken: bool = False) -> str:
    """Memory's "<thing>: <detail>" subjects in words: "home insurance claim: burst pipe" -> "home insurance
    claim (burst pipe)", "dispute: credit card" -> "credit card dispute", "complaint: branch opening hours" ->
    "complaint about branch opening hours". Spoken (a greeting), a bracketed detail is left out."""
    head, _, detail = (p.strip() for p in subject.partition(":"))
    if not detail or detail.lower() in head.lower():
        return head
    if head.lower() == "complaint":
        return f"complaint about {detail}"
    if " " not in head:
        return f"{detail} {head.lower()}"
    return head if spoken else f"{head} ({detail})"


def pronoun_for(relation: str | None) -> str:
    """The possessive pronoun a relation tells ('daughter' -> 'her'); 'their' when it tells nothing."""
    return _RELATION_POSSESSIVE.get((relation or "").strip().lower(), "their")


def sentence(text: str) -> str:
    """Capitalise the first letter and end with one full stop (or the question/exclamation mark given)."""
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text[-1] in ".?!" or (text[-1] in "\u201d\"')" and len(text) > 1 and text[-2] in ".?!\u2026"):
        return text
    return text + "."


def years_with_us(since: date | None, now: datetime) -> int:
    if since is None:
        return 0
    years = now.year - since.year - ((now.month, now.day) < (since.month, since.day))
    return max(years, 0)


def with_article(phrase: str) -> str:
    """'blocked debit card' -> 'your blocked debit card' unless it already starts with a determiner or a name."""
    phrase = phrase.strip()
    if not phrase:
        return phrase
    first = phrase.split()[0].lower()
    if first in {"the", "your", "a", "an", "their", "his", "her", "my", "our"} or phrase[0].isupper():
        return phrase[0].lower() + phrase[1:] if first in {"the", "a", "an", "my", "our"} else phrase
    return f"your {phrase}"
