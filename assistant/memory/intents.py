"""Which facts a question asks about ("what products does she have?", "has she declined any offers?")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language.words import stem, topic_tokens
from assistant.models import Fact


@dataclass(frozen=True)
class FactQuestion:
    kinds: tuple[str, ...]
    statuses: tuple[str, ...] = ()  # only facts with one of these statuses (empty: any)
    intent_words: frozenset[str] = frozenset()  # stems that named the kind, not the topic
    guessed: bool = False  # read by the classifier, not a pattern: never grounds "none on record"


_INTENTS: list[tuple[re.Pattern[str], tuple[str, ...], tuple[str, ...]]] = [
    (re.compile(r"\b(declin\w*|turn\w* (?:\w+ )?down|refus\w*|said no|say no|saying no|reject\w*|not interested|"
                r"knock\w* back|passed on|no thanks)\b", re.I), ("offer",), ("declined",)),
    (re.compile(r"\b(accepted|took up|said yes to)\b.*\boffers?\b|\boffers?\b.*\baccepted\b", re.I), ("offer",),
     ("accepted",)),
    (re.compile(r"\b(pending|still thinking|undecided|open offers?)\b", re.I), ("offer",), ("pending",)),
    (re.compile(r"\b(offers?|offered|pitch(?:ed)?|sales?)\b", re.I), ("offer",), ()),
    (re.compile(r"\b(products?|hold|holds|held|policies|what (?:accounts|cards) does|have with us|bought|"
                r"purchased|signed up)\b", re.I), ("product",), ()),
    (re.compile(r"\b(promis\w*|owe (?:her|him|them)|call (?:her|him|them) back|callbacks?|call-backs?|committed to|"
                r"supposed to (?:call|email|send)|said we(?:'d| would)|follow[- ]ups?|waiting (?:on|for) us|"
                r"get back to (?:her|him|them))\b", re.I), ("promise",), ()),
    (re.compile(r"\b(open (?:issues?|cases?|complaints?|claims?)|unresolved|outstanding|ongoing (?:problems?|issues?)|"
                r"still (?:open|going on|a problem))\b", re.I), ("issue",),
     ("open", "escalated")),
    (re.compile(r"\b(issues?|problems?|complain\w*|cases?|disputes?|escalat\w*)\b", re.I), ("issue",), ()),
    (re.compile(r"\b(family|children|kids|life events?|what's going on in (?:her|his|their) life|personal)\b",
                re.I), ("life_event",), ()),
    (re.compile(r"\b(prefer\w*|how (?:should|do|does|would|can) (?:we|i|she|he|they) (?:\w+ )?(?:contact|reach|get "
                r"hold of|like to be (?:contacted|reached))|best way to (?:reach|contact|get hold)|best time|"
                r"contact (?:method|channel)|like to be contacted|(?:phone|call|email|text|letter)s? or|"
                r"when (?:is it ok(?:ay)? to|can we|should we|to|could we) (?:call|phone|ring|contact)|"
                r"can (?:we|i) (?:call|phone|ring|text|email))\b", re.I),
     ("preference",), ()),
    (re.compile(r"\b(consent|marketing|opted?[ -]?out\w*|unsubscrib\w*|stop (?:contacting|calling|texting|emailing)|"
                r"do not (?:call|contact)|doesn't want (?:to be )?(?:contacted|called|texted|emailed))\b", re.I),
     ("consent", "preference"), ()),
    (re.compile(r"\b(verif\w*|identity|security check|id check|already (?:given|provided|confirmed))\b", re.I),
     ("verification",), ()),
    (re.compile(r"\b(mood|sentiment|frustrat\w*|angry|annoyed|unhappy|cross|upset|happy with us|feeling|feel)\b",
                re.I), ("sentiment",), ()),
]

# Words the intent patterns use, so they are not mistaken for the topic ("any offers" is not about "offer").
_INTENT_VOCAB = frozenset(stem(w) for w in str.split("""
declined decline turned down refused rejected accepted took up offer offers offered pitch pitched sale sales product
products hold holds held policy policies account accounts card cards bought purchased signed promise promised
promises owe callback callbacks committed supposed open issue issues problem problems complaint complaints case
cases dispute disputes escalated escalation unresolved outstanding family children kids life event events personal
prefer prefers preference preferences contact method channel consent marketing opted opt verified verification
identity security check already given provided confirmed mood sentiment frustrated angry upset happy feeling pending
thinking undecided annoyed unhappy cross feel suggest suggested suggestion recommend recommended decline refuse
refusal reject turn say saying said no thanks interested knocked passed opt optout unsubscribe stop contacting calling
texting emailing contacted called texted emailed reach hold like way best time follow waiting broken broke kept
keep ongoing still going ok okay when can could should ring phone call text email
"""))


# The question classifier's labels (language/data/fact_questions.jsonl) -> the facts they ask about
_LABELS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "declined": (("offer",), ("declined",)), "offer": (("offer",), ()), "product": (("product",), ()),
    "promise": (("promise",), ()), "open_issue": (("issue",), ("open", "escalated")), "issue": (("issue",), ()),
    # life events are left to the evidence: a paraphrased event read wrongly is worse than the customer's words
    "preference": (("preference",), ()),
    "consent": (("consent", "preference"), ()), "verification": (("verification",), ()),
    "sentiment": (("sentiment",), ()),
}
QUESTION_FLOOR = 0.35  # the classifier's probability (12 labels) for a wording no pattern knows; set on sets f, h, j


def fact_question(question: str, scores: dict[str, float] | None = None) -> FactQuestion | None:
    """The facts a question asks about: the patterns first; where none matches, the question classifier's
    reading of it (`scores`, label -> probability), when it is sure enough."""
    found = _from_patterns(question)
    if found is not None or not scores:
        return found
    label, p = max(scores.items(), key=lambda kv: kv[1])
    if label not in _LABELS or p < QUESTION_FLOOR:
        return None
    kinds, statuses = _LABELS[label]
    return FactQuestion(kinds, statuses, _INTENT_VOCAB, guessed=True)


def _from_patterns(question: str) -> FactQuestion | None:
    kinds: list[str] = []
    statuses: list[str] = []
    for pattern, k, s in _INTENTS:
        if pattern.search(question):
            for kind in k:
                if kind not in kinds:
                    kinds.append(kind)
            statuses.extend(x for x in s if x not in statuses)
            if s:  # "has she declined any offers?" asks only about declined ones
                break
    if not kinds:
        return None
    return FactQuestion(tuple(kinds), tuple(statuses), _INTENT_VOCAB)


def topic_of(question: str, intent: FactQuestion) -> list[str]:
    return [t for t in topic_tokens(question) if t not in intent.intent_words]


def matching_facts(facts: list[Fact], question: str, intent: FactQuestion) -> list[Fact]:
    """Facts of the asked kinds (and statuses); if the question names a topic, only facts about it."""
    chosen = [f for f in facts if f.kind in intent.kinds and (not intent.statuses or f.status in intent.statuses)]
    topic = topic_of(question, intent)
    if topic:
        about = [f for f in chosen if _mentions(f, topic)]
        return about
    return chosen


def _mentions(fact: Fact, topic: list[str]) -> bool:
    words = {stem(w) for w in re.findall(r"[a-z0-9]+", f"{fact.subject} {fact.text} {fact.status}".lower())}
    return any(t in words for t in topic)
