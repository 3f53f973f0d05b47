"""Time expressions: in questions ("what happened in March?", "last week") and in what customers and agents
say ("Amy's exams are next week", "we'll call you back on Friday"), resolved against a reference time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal

Direction = Literal["past", "future"]

MONTHS = {m: i + 1 for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"))}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10, "couple of": 2, "a couple of": 2, "few": 3, "a few": 3}
UNIT_DAYS = {"hour": 1 / 24, "day": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}

_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_NUM = r"(\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|(?:a )?couple of|(?:a )?few)"
SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


@dataclass(frozen=True)
class Span:
    """A stretch of time named in text: [start, end), and the words that named it."""

    start: datetime
    end: datetime
    phrase: str
    precision: Literal["day", "week", "month", "season", "year", "range"] = "day"

    def label(self) -> str:
        """Reads naturally: '16 Nov 2026', 'the week of 16 Nov 2026', 'March 2026'."""
        if self.precision == "day":
            return fmt_day(self.start)
        if self.precision == "week":
            return f"the week of {fmt_day(self.start)}"
        if self.precision == "month":
            return self.start.strftime("%B %Y")
        if self.precision == "year":
            return str(self.start.year)
        if self.precision == "season":
            name = {3: "spring", 6: "summer", 9: "autumn", 12: "winter"}[self.start.month]
            year = f"{self.start.year}-{self.end.year % 100}" if name == "winter" else str(self.start.year)
            return f"{name} {year}"
        return f"{fmt_day(self.start)} to {fmt_day(self.end - timedelta(seconds=1))}"


def fmt_day(value: datetime) -> str:
    return f"{value.day} {value.strftime('%b %Y')}"


def _day(value: datetime) -> datetime:
    return value.replace(hour=0, minute=0, second=0, microsecond=0)


def _week(value: datetime) -> datetime:
    return _day(value) - timedelta(days=value.weekday())


def _month(year: int, month: int, tz: object) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=tz)  # type: ignore[arg-type]
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)  # type: ignore[arg-type]
    return start, end


def _count(word: str) -> int:
    word = word.strip().lower()
    return int(word) if word.isdigit() else NUMBERS.get(word, 1)


def _aware(ref: datetime) -> datetime:
    return ref if ref.tzinfo else ref.replace(tzinfo=UTC)


@lru_cache(maxsize=4096)
def _parse_day(text: str, ref_day: datetime, direction: Direction) -> datetime | None:
    import dateparser

    got = dateparser.parse(text, languages=["en"], settings={
        "RELATIVE_BASE": ref_day.replace(tzinfo=None), "PREFER_DATES_FROM": direction,
        "REQUIRE_PARTS": ["day", "month"], "DATE_ORDER": "DMY",
    })
    return got.replace(tzinfo=ref_day.tzinfo) if got else None


def _relative(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    """'next week', 'last month', 'this year', 'in two weeks', '3 days ago', 'the past 2 months'."""
    g = m.groupdict()
    phrase = m.group(0)
    if g.get("which"):
        which, unit = g["which"].lower(), g["unit"].lower()
        shift = {"this": 0, "next": 1, "last": -1, "past": -1, "previous": -1, "coming": 1, "following": 1}[which]
        if unit == "weekend":
            start = _week(ref) + timedelta(days=5 + 7 * shift)
            return Span(start, start + timedelta(days=2), phrase, "range")
        if unit == "week":
            start = _week(ref) + timedelta(days=7 * shift)
            return Span(start, start + timedelta(days=7), phrase, "week")
        if unit == "month":
            month_index = ref.year * 12 + ref.month - 1 + shift
            start, end = _month(month_index // 12, month_index % 12 + 1, ref.tzinfo)
            return Span(start, end, phrase, "month")
        year = ref.year + shift
        return _year_span(year, ref, phrase)
    n, unit = _count(g["n"]), g["u"].lower()
    days = n * UNIT_DAYS[unit]
    if unit == "hour":  # "within 24 hours": by that moment
        end = ref + timedelta(hours=n)
        return Span(ref if not g.get("ago") else end, end if not g.get("ago") else ref, phrase, "range")
    if unit == "day" and re.search(r"working|business", phrase, re.I):
        days = n + 2 * ((n + ref.weekday()) // 5)  # skip the weekends in between
    if g.get("ago"):
        center = _day(ref) - timedelta(days=days)
        if unit == "day":
            return Span(center, center + timedelta(days=1), phrase, "day")
        if unit in ("week", "fortnight"):
            return Span(_week(center), _week(center) + timedelta(days=7), phrase, "week")
        if unit == "year":  # "six years ago": that year, roughly
            return _year_span(center.year, ref, phrase)
        start, end = _month(center.year, center.month, ref.tzinfo)
        return Span(start, end, phrase, "month")
    if g.get("past"):  # "in the last 2 weeks"
        return Span(_day(ref) - timedelta(days=days), ref + timedelta(seconds=1), phrase, "range")
    if g.get("within"):  # "within 5 days": due by then
        return Span(ref, ref + timedelta(days=days), phrase, "range")
    if not g.get("in_"):
        return None  # a bare duration ("for two weeks") names no time
    target = _day(ref) + timedelta(days=days)
    if unit == "day":
        return Span(target, target + timedelta(days=1), phrase, "day")
    if unit in ("week", "fortnight"):
        return Span(_week(target), _week(target) + timedelta(days=7), phrase, "week")
    return Span(target - timedelta(days=days // 4), target + timedelta(days=days // 4 + 1), phrase, "range")


def _named_day(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    word = m.group("word").lower()
    today = _day(ref)
    offset = {"today": 0, "tonight": 0, "tomorrow": 1, "yesterday": -1}.get(word)
    if offset is None:
        return None
    start = today + timedelta(days=offset)
    return Span(start, start + timedelta(days=1), m.group(0), "day")


def _weekday(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    target = WEEKDAYS[m.group("wd").lower()]
    which = (m.group("which") or "").lower()
    today = _day(ref)
    if which == "last" or (direction == "past" and which != "next"):
        back = (today.weekday() - target) % 7 or 7
        start = today - timedelta(days=back)
    else:
        # "next Friday" said on a Monday usually means the coming Friday, as does plain "Friday".
        ahead = (target - today.weekday()) % 7 or 7
        start = today + timedelta(days=ahead)
    return Span(start, start + timedelta(days=1), m.group(0), "day")


def _absolute_day(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    text = re.sub(r"\b(the|of|on)\b", " ", m.group("date"), flags=re.I)
    got = _parse_day(" ".join(text.split()), _day(ref), direction)
    if got is None:
        return None
    start = _day(got)
    if m.group("weekof"):
        return Span(_week(start), _week(start) + timedelta(days=7), m.group(0), "week")
    return Span(start, start + timedelta(days=1), m.group(0), "day")


def _month_name(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    key = m.group("month").lower()
    month = MONTHS.get(key) or MONTHS[key[:3]]
    if m.group("year"):
        year = int(m.group("year"))
    elif direction == "past":
        year = ref.year if month <= ref.month else ref.year - 1
    else:
        year = ref.year if month >= ref.month else ref.year + 1
    start, end = _month(year, month, ref.tzinfo)
    part = (m.group("part") or "").lower()
    if part == "early" or part.endswith(("start of", "beginning of")):
        end = start + timedelta(days=10)
    elif part in ("mid", "middle of"):
        start, end = start + timedelta(days=10), start + timedelta(days=20)
    elif part in ("late", "end of", "the end of"):
        start = start + timedelta(days=20)
    return Span(start, end, m.group(0), "month" if not part else "range")


def _year(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    return _year_span(int(m.group("y")), ref, m.group(0))


def _year_span(year: int, ref: datetime, phrase: str) -> Span:
    return Span(datetime(year, 1, 1, tzinfo=ref.tzinfo), datetime(year + 1, 1, 1, tzinfo=ref.tzinfo), phrase, "year")


def _end_of(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    unit = m.group("unit").lower()
    if unit == "week":
        start = _week(ref) + timedelta(days=4)
        return Span(start, start + timedelta(days=3), m.group(0), "range")
    if unit == "month":
        month_start, month_end = _month(ref.year, ref.month, ref.tzinfo)
        return Span(month_end - timedelta(days=5), month_end, m.group(0), "range")
    if unit == "day":
        return Span(_day(ref), _day(ref) + timedelta(days=1), m.group(0), "day")
    return Span(datetime(ref.year, 12, 1, tzinfo=ref.tzinfo), datetime(ref.year + 1, 1, 1, tzinfo=ref.tzinfo),
                m.group(0), "range")


def _range_ahead(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    """'in 3 to 5 working days', 'within 7-10 days': until the end of the longer wait (working days as weeks)."""
    most = int(m.group("b"))
    unit = m.group("unit").lower().rstrip("s")
    days = most * 7 if unit == "week" else most * 7 / 5 if m.group("working") else most
    end = _day(ref) + timedelta(days=round(days) + 1)
    return Span(_day(ref), end, m.group(0), "range")


def _season(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    """'next autumn', 'in the spring', 'summer 2025' (UK seasons: Mar-May, Jun-Aug, Sep-Nov, Dec-Feb)."""
    first = SEASONS[m.group("season").lower()]

    def span_of(year: int) -> tuple[datetime, datetime]:
        end_month = first + 3
        return (datetime(year, first, 1, tzinfo=ref.tzinfo),
                datetime(year + (end_month > 12), (end_month - 1) % 12 + 1, 1, tzinfo=ref.tzinfo))

    if m.group("year"):
        start, end = span_of(int(m.group("year")))
    else:
        spans = [span_of(y) for y in (ref.year - 2, ref.year - 1, ref.year, ref.year + 1)]
        current = [x for x in spans if x[0] <= ref < x[1]]
        ahead = [x for x in spans if x[0] > ref]
        behind = [x for x in spans if x[1] <= ref]
        which = (m.group("which") or "").lower()
        if which in ("next", "coming"):
            start, end = ahead[0]
        elif which == "last":
            start, end = behind[-1]
        else:
            start, end = current[0] if current else ahead[0] if direction == "future" else behind[-1]
    return Span(start, end, m.group(0), "season")


def _holiday(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    """Christmas (24-27 Dec) and the new year (its first week), the nearest one in the direction asked."""
    word = m.group("holiday").lower()
    month, day, days = (1, 1, 7) if "new year" in word else (12, 24, 4)
    year = ref.year
    start = datetime(year, month, day, tzinfo=ref.tzinfo)
    if direction == "future" and start + timedelta(days=days) <= ref:
        start = start.replace(year=year + 1)
    elif direction == "past" and start > ref:
        start = start.replace(year=year - 1)
    return Span(start, start + timedelta(days=days), m.group(0), "range")


# Most specific first: "the week of 16 Nov" before "16 Nov", "next Friday" before "Friday".
_PATTERNS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(r"\b(?:in|within) (?P<a>\d{1,2}) ?(?:to|-|–) ?(?P<b>\d{1,2}) (?P<working>working |business )?"
                r"(?P<unit>days?|weeks?)\b", re.I), _range_ahead),
    (re.compile(rf"\b(?P<weekof>(?:the )?week (?:of|commencing|starting) )?(?:on |the )?"
                rf"(?P<date>{_DAY}(?: of)? {_MONTH}(?:,? \d{{4}})?|{_MONTH} (?:the )?{_DAY}(?:,? \d{{4}})?|"
                rf"\d{{4}}-\d\d-\d\d|\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)\b", re.I), _absolute_day),
    (re.compile(r"\b(?:by |at |before )?(?:the )?end of (?:the |this )?(?P<unit>day|week|month|year)\b", re.I),
     _end_of),
    (re.compile(r"\b(?P<which>this|next|last|past|previous|coming|following) (?P<unit>weekend|week|month|year)\b",
                re.I), _relative),
    (re.compile(rf"\b(?:(?P<within>within(?: the next)?|in the next)|"
                rf"(?P<past>(?:in )?the (?:last|past)|over the (?:last|past))|(?P<in_>in))? ?"
                rf"{_NUM.replace('(', '(?P<n>', 1)} (?:working |business )?"
                rf"(?P<u>hour|day|week|fortnight|month|year)s?"
                rf"(?P<ago> ago)?(?: time)?\b", re.I), _relative),
    (re.compile(r"\b(?P<word>today|tonight|tomorrow|yesterday)\b", re.I), _named_day),
    (re.compile(rf"\b(?:(?P<which>next|last|this|on|coming) )?(?P<wd>{_WEEKDAY})\b", re.I), _weekday),
    (re.compile(r"\b(?:(?:in|during|since|before|after|over|from|of|until|by) )?(?:(?P<part>early|mid|late|middle of|"
                r"(?:the )?(?:end|start|beginning) of) )?(?P<month>january|february|march|april|june|july|august|"
                r"september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)"
                r"(?:,? (?P<year>\d{4}))?\b", re.I),
     _month_name),
    # "May" only with a clear cue: "in May", "May 2026" (otherwise it is the verb).
    (re.compile(r"\b(?:(?:in|during|since|before|after|of|until|by) (?P<month>may)(?:,? (?P<year>\d{4}))?|"
                r"(?P<m2>may) (?P<y2>\d{4}))\b", re.I), None),
    (re.compile(r"\b(?:in|during|since|before|after|of) (?P<y>20\d\d|19\d\d)\b", re.I), _year),
    (re.compile(r"\b(?:(?:in|during|by|until|over|since|before|after) )?(?:the )?(?:(?P<which>next|this|last|coming) )?"
                r"(?P<season>spring|summer|autumn|(?<!\ba )(?<!\bany )(?<!\bbad )fall(?! (?:over|down|off|out|behind))|"
                r"winter)(?: (?P<year>20\d\d))?\b", re.I), _season),  # "she had a fall" is no autumn
    (re.compile(r"\b(?:(?:before|after|over|at|by|until|till|for|in) )?(?:the )?"
                r"(?P<holiday>christmas|xmas|new year(?:'s)?)\b", re.I), _holiday),
]


def _may(m: re.Match[str], ref: datetime, direction: Direction) -> Span | None:
    year = m.group("year") or m.group("y2")
    if year:
        y = int(year)
    elif direction == "past":
        y = ref.year if ref.month >= 5 else ref.year - 1
    else:
        y = ref.year if ref.month <= 5 else ref.year + 1
    start, end = _month(y, 5, ref.tzinfo)
    return Span(start, end, m.group(0), "month")


# "within 2 weeks of your readings", "10 days after the engineer's visit": counted from an event, not from when it
# was said, so no date can be read from it
_FROM_AN_EVENT = re.compile(r"\s+(?:of|after|from|following) (?!(?:today|now|this|the date of this|when we spoke)\b)"
                            r"(?:your|the|their|his|her|my|our|us|receiving|getting|when)\b", re.I)


def find_spans(text: str, ref: datetime, direction: Direction = "future") -> list[Span]:
    """Every time expression in text, resolved against ref; overlapping matches keep the most specific. A span
    counted from an event ("within 2 weeks of your readings") is left out: its date is not known."""
    ref = _aware(ref)
    taken: list[tuple[int, int]] = []
    out: list[tuple[int, Span]] = []
    for pattern, handler in _PATTERNS:
        for m in pattern.finditer(text):
            a, b = m.span()
            if any(a < y and x < b for x, y in taken):
                continue
            if handler in (_relative, _range_ahead) and _FROM_AN_EVENT.match(text, b):
                taken.append((a, b))
                continue
            span = (handler or _may)(m, ref, direction)  # type: ignore[operator]
            if span is not None:
                taken.append((a, b))
                out.append((a, span))
    return [s for _, s in sorted(out, key=lambda x: x[0])]


def first_span(text: str, ref: datetime, direction: Direction = "future") -> Span | None:
    spans = find_spans(text, ref, direction)
    return spans[0] if spans else None


Order = Literal["latest", "earliest"]
_LATEST = re.compile(r"\b(?:most recent(?:ly)?|latest|recent(?:ly)?|last (?:time|call(?:ed)?|contact(?:ed)?|spoke|"
                     r"visit(?:ed)?|chat(?:ted)?|e-?mail(?:ed)?|message[ds]?|saw|came in|got in touch|rang|phoned|"
                     r"wrote|interaction|conversation)|(?:did|has|have|was) \w+(?: \w+)? last\b|last\?)", re.I)
_EARLIEST = re.compile(r"\b(?:first (?:time|call(?:ed)?|contact(?:ed)?|spoke|visit(?:ed)?|chat(?:ted)?|e-?mail(?:ed)?|"
                       r"got in touch|interaction|conversation)|earliest|(?:did|has|have|was) \w+(?: \w+)? first\b)",
                       re.I)


@dataclass(frozen=True)
class QuestionTime:
    """What a question says about time: a window to look in, and whether it wants the latest/earliest match."""

    span: Span | None
    order: Order | None
    rest: str  # the question without its time words, for ranking by content


def question_time(question: str, now: datetime) -> QuestionTime:
    spans = find_spans(question, now, "past")
    span = spans[0] if spans else None
    if span is not None:
        lead = span.phrase.split()[0].lower()
        if lead in ("since", "after", "from"):
            span = Span(span.start if lead != "after" else span.end, now + timedelta(days=1), span.phrase, "range")
        elif lead in ("before", "until"):
            span = Span(datetime(1970, 1, 1, tzinfo=span.start.tzinfo), span.start, span.phrase, "range")
    rest = question
    for s in spans:
        rest = rest.replace(s.phrase, " ")
    order: Order | None = None
    if _LATEST.search(rest):
        order = "latest"
    elif _EARLIEST.search(rest):
        order = "earliest"
    return QuestionTime(span, order, " ".join(rest.split()))


# Time words that mean something only on the day they were said ("this morning", "next week", "came in today").
_RELATIVE = re.compile(
    r"\b(?:this (?:morning|afternoon|evening|week|weekend|month)|(?:earlier|later) today|today|tonight|last night|"
    r"yesterday|tomorrow|the day after tomorrow|(?:next|last|this coming) (?:week|weekend|month|year|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)|in a (?:week|fortnight|month)|in (?:\d+|two|three|four|a few|"
    r"a couple of) (?:days|weeks|months)|(?:\d+|two|three|four|a few|a couple of) (?:days|weeks|months) ago|"
    r"a (?:week|fortnight|month) ago)\b", re.I)
_SAME_DAY = re.compile(r"\b(?:this (?:morning|afternoon|evening)|(?:earlier|later) today|today|tonight)\b", re.I)


# Reported speech: the time words belong to when it was first said, which we do not know here
_REPORTED = re.compile(r"\b(?:said|told (?:me|us|him|her|them)|promised|was told|were told|assured)\b[^.!?]*"
                       r"\b(?:would|'d|was going to|were going to|will)\b", re.I)


def reanchor(text: str, said_at: datetime, now: datetime) -> str:
    """Words like "this morning" or "next week", shown on a later day, with the date they meant in brackets:
    "the engineer came this morning" said on 2 Mar reads "the engineer came this morning [2 Mar 2026]"."""
    said_at, now = _aware(said_at), _aware(now)
    if said_at.date() == now.date():
        return text

    def dated(m: re.Match[str]) -> str:
        phrase = m.group(0)
        sentence_before = re.split(r"[.!?]\s", text[:m.start()])[-1]
        if _REPORTED.search(sentence_before):
            return phrase  # "he said someone would call next week": their next week, not the one after we read it
        if _SAME_DAY.fullmatch(phrase):
            return f"{phrase} [{fmt_day(said_at)}]"
        if phrase.lower() == "last night":
            return f"{phrase} [{fmt_day(said_at - timedelta(days=1))}]"
        ago = "ago" in phrase.lower() or phrase.lower().startswith(("last", "yesterday"))
        span = first_span(phrase, said_at, "past" if ago else "future")
        return f"{phrase} [{span.label()}]" if span else phrase

    return _RELATIVE.sub(dated, text)


# Putting something off: "maybe after Christmas", "not right now", "send me something in January, not before".
_PUT_OFF = re.compile(r"\b(?:maybe|perhaps|possibly|not (?:right |just )?now|not at the moment|not yet|"
                      r"not (?:before|until)|ask me (?:again )?|another time|some other time|later on|after|once|"
                      r"when (?:things|we|i))\b", re.I)


def put_off_until(text: str, at: datetime) -> datetime | None:
    """When the words put something off to a time still ahead of `at` ("maybe after Christmas"), the end of that
    time; else None."""
    if not _PUT_OFF.search(text):
        return None
    spans = [s for s in find_spans(text, at, "future") if s.start > at]
    return spans[0].end if spans else None
