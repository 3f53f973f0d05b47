"""What we promised and whether it still needs doing: open or settled, the day it is due, and the promise in
plain words. Shared by the handover's next step and the service suggestions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from assistant.drafting.context import CustomerContext, fact_time, same_matter
from assistant.drafting.phrasing import day_month, possessive, when_future
from assistant.drafting.synopsis import third_person
from assistant.language.words import without_slots
from assistant.models import Fact, as_utc

# Statuses memory gives a promise that leave nothing to do (facts.md: due, overdue, kept; "lapsed" is an undated
# promise too old to chase, e.g. "We'll post updates here" on a fixed outage).
DONE_STATUSES = {"kept", "lapsed", "cancelled", "withdrawn"}


def due_time(fact: Fact) -> datetime | None:
    return as_utc(fact.valid_to) if fact.valid_to else None


def due_day(due: datetime) -> date:
    """The day a deadline falls on. Memory stores "by Friday" as Saturday 00:00; that is still Friday's promise."""
    return (due - timedelta(microseconds=1)).date() if due.time() == time(0) else due.date()


@dataclass(frozen=True)
class PromiseDue:
    """A promise's deadline as every screen says it: `state` is memory's status at `now` ("due today" where that is
    "due" and the deadline falls today), `day` the day the deadline falls on (None when undated)."""

    state: str
    day: date | None

    @property
    def overdue(self) -> bool:
        return self.state == "overdue"


def promise_due(fact: Fact, now: datetime) -> PromiseDue:
    """The one answer to "when is this promise due, and is it late?" for `fact` as memory gives it at `now`:
    overdue is memory's word (not decided again here), and the day is the deadline's own day, so "by Friday"
    (stored as Saturday 00:00) reads as Friday before and after midnight."""
    due = due_time(fact)
    day = due_day(due) if due else None
    state = "due today" if fact.status == "due" and day == as_utc(now).date() else fact.status
    return PromiseDue(state=state, day=day)


def due_words(due: datetime, now: datetime) -> str:
    """'today', 'tomorrow', 'on Friday 20 November', for the day the deadline falls on."""
    day = due_day(due)
    if (day - now.date()).days <= 1:
        return when_future(datetime.combine(day, time(12), tzinfo=UTC), now)
    return f"on {day.strftime('%A')} {day_month(day, now)}"


def is_open(ctx: CustomerContext, fact: Fact) -> bool:
    """Still to do: not kept or lapsed, and not overtaken since by the matter it was made about being resolved
    (the form promised while raising a dispute is moot once the dispute is won)."""
    if fact.status.lower() in DONE_STATUSES or (fact.attributes or {}).get("by") == "customer":
        return False  # the customer's own undertaking is not ours to keep
    made = fact_time(fact, ctx.now)
    where = [i for i in (ctx.by_id.get(c.interaction_id) for c in fact.citations) if i is not None]
    for issue in ctx.of("issue"):
        if issue.status.lower() != "resolved" or fact_time(issue, ctx.now) <= made:
            continue
        later = [i for i in (ctx.by_id.get(c.interaction_id) for c in issue.citations) if i is not None]
        if any(same_matter(a, b) for a in where for b in later):
            return False
    return True


def timing(fact: Fact, now: datetime) -> str:
    """'today' | 'overdue' | 'past' | 'upcoming' | '' (no due date). Whether a promise past its date is overdue is
    memory's call (fact.status): it knows whether the customer has been back since without chasing it."""
    due = due_time(fact)
    if due is None:
        return ""
    if due < now and due_day(due) < now.date():
        return "overdue" if fact.status.lower() == "overdue" else "past"
    if due_day(due) == now.date():
        return "today"
    return "upcoming"


_DUE_WORDS = re.compile(r"\s+(?:by \d{1,2}:\d{2} )?(?:on|by) \d{1,2} [A-Z][a-z]{2} \d{4}")


_ASIDE = re.compile(r",\s*(?:whether|so (?:it|that|you)|because|as soon as)\b", re.I)
_RELATIVE_DAY = re.compile(r"\b(?:today|tomorrow|tonight|this (?:morning|afternoon|evening))\b", re.I)
# "What I'll do is chase the team" promises the chase, not "to do is chase".
_WE_WILL = re.compile(r"\b(?:I'll|I will|we'll|we will)\s+(?:do is,?\s+)?(?P<what>[^.!?]+)", re.I)


def promise_words(fact: Fact, name: str) -> str:
    """The promise in plain words: what the agent said they would do, in the third person ("I'll call you back on
    Friday, after 4pm, about switching your rate" -> "we promised to call Samuel back on Friday, after 4pm, about
    switching their rate"); else memory's summary of it, tidied ("Agent promised to call the customer before
    2pm UK time about the debit card by 14:00 on 20 Nov 2026" -> "we promised to call Miles before 2pm UK time
    about the debit card"; the due day is said separately)."""
    if fact.subject.startswith("said: "):  # kept in the agent's own words: "we said: '...'"
        quote = str((fact.attributes or {}).get("quote") or "").strip()
        return f"we said: \u201c{without_slots(quote)}\u201d" if quote else ""
    m = _WE_WILL.search(str((fact.attributes or {}).get("quote") or ""))
    reported = None
    if m:
        what = _ASIDE.split(m.group("what"))[0]  # "..., whether or not the quote is in" is not the promise
        what = re.sub(r"\bour\b", "the", _RELATIVE_DAY.sub("", without_slots(what)))  # "today": the day it was said
        reported = third_person(f"I will {' '.join(what.split())}.", "We", name)
    if reported and reported[0].startswith("We will "):
        return "we promised to " + reported[0][len("We will "):].rstrip(".")
    text = fact.text.strip().rstrip(".")
    text = re.sub(r"^(?:the )?agent (?:has )?promised to ", "", text, flags=re.I)
    text = re.sub(r"\bthe customer's\b", possessive(name), text, flags=re.I)
    text = re.sub(r"\bthe customer\b", name, text, flags=re.I)
    text = re.sub(r"\byour\b", "their", text)
    text = _DUE_WORDS.sub("", text)
    return f"we promised to {text[:1].lower() + text[1:]}" if text else ""
