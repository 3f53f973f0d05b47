"""How a sentence says what it says: its status (happened, expected, planned, hypothetical...), negation and its
scope, and whose news it is. Read from spaCy's dependency parse, so it holds for wording no rule was written for.

Every fact reader asks this module; none decides tense, negation or subject on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Literal

import yaml

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

Status = Literal["happened", "ongoing", "expected", "planned", "wish", "hypothetical", "question", "cancelled",
                 "habitual", "state"]
About = Literal["customer", "relative", "third_party", "agent", "unknown"]
AHEAD: frozenset[str] = frozenset({"expected", "planned", "wish"})
NOT_NEWS: frozenset[str] = frozenset({"hypothetical", "question", "habitual", "state", "cancelled"})


@dataclass(frozen=True)
class Statement:
    """What one sentence (or clause) says about its main event."""

    text: str
    status: Status
    negated: bool  # the event's own predicate is negated ("we're not moving")
    about: About
    relation: str | None = None  # "daughter", when about a relative
    person: str | None = None  # a name said for them ("Amy")
    negated_words: frozenset[str] = field(default_factory=frozenset)  # lowercased words inside a negation's scope
    confidence: float = 0.9  # how sure the whole reading is (capped when whose news it is stays unknown)
    certainty: float = 0.9  # how sure the status alone is

    @property
    def ahead(self) -> bool:
        return self.status in AHEAD

    @property
    def is_news(self) -> bool:
        """Something that happened, is happening or lies ahead in someone's life, as opposed to a what-if, a
        question, a habit, a long-standing state or a plan called off."""
        return self.status not in NOT_NEWS and not self.negated


@lru_cache(maxsize=1)
def people() -> tuple[dict[str, str], frozenset[str]]:
    """(family word -> relation, words for people who are not family), from data/people.yaml."""
    data = yaml.safe_load(resources.files("assistant.language").joinpath("data/people.yaml").read_text("utf-8"))
    return dict(data["family"]), frozenset(data["others"])


_FIRST_PERSON = {"i", "we", "me", "us", "my", "our", "mine", "ours", "myself", "ourselves"}
_THIRD_PRONOUNS = {"he", "she", "they", "him", "her", "them", "his", "their"}
_CONDITION_MARKS = {"if", "unless", "supposing", "suppose", "whether", "case"}
# The small English model's lemmatiser slips on a few words that matter here ("hoping" -> "hop")
_LEMMA_FIXES = {"hoping": "hope", "hoped": "hope", "hopes": "hope"}
_WISH_HEADS = {"hope", "wish", "want", "like", "love", "dream", "fancy", "rather", "prefer"}
_CANCEL_LEMMAS = {"cancel", "scrap", "postpone", "shelve", "abandon", "drop"}
_HABIT_WORDS = {"whenever", "always", "usually", "normally", "often", "generally", "typically"}
_DURATION_NOUNS = {"year", "years", "decade", "decades", "month", "months", "ages", "forever", "life", "lifetime"}
_CALENDAR = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
             "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
             "tomorrow", "tonight", "weekend", "christmas", "easter"}
_PLAN_HEADS = {"plan", "book", "arrange", "organise", "organize", "intend", "aim", "decide", "prepare", "mean"}
_REPORTING = {"say", "tell", "reckon", "think", "mention", "confirm", "promise", "explain"}
_FUTURE_WORDS = {"tomorrow", "next", "soon", "upcoming", "coming", "later", "tonight"}
_EXPECT_WORDS = {"due", "expecting", "expected", "pregnant"}


def read(doc: Doc | Span, focus: int | None = None) -> Statement:
    """Read the sentence `doc` around the event word at token index `focus` (default: the main verb)."""
    tokens = list(doc)
    if not tokens:
        return Statement(text="", status="state", negated=False, about="unknown", confidence=0.0)
    root = next((t for t in tokens if t.dep_ == "ROOT"), tokens[0])
    word = tokens[focus] if focus is not None and 0 <= focus < len(tokens) else root
    for _ in range(3):  # "new" in "a new job": the event is the noun the words describe
        if word.dep_ in {"amod", "compound", "det", "nummod", "advmod"} and word.head.pos_ in {"NOUN", "PROPN"}:
            word = word.head
    predicate = _predicate(word)
    status, confidence = _status(doc, word, predicate)
    if status != "cancelled" and word.pos_ == "NOUN" and _called_off_again(tokens, word):
        status, confidence = "cancelled", 0.85
    negated = _negated(predicate) or (word.i != predicate.i and _negated(word))
    if negated and status in {"planned", "expected", "happened", "ongoing"}:
        status = "cancelled" if status in {"planned", "expected"} else status
    about, relation, person = _about(word, predicate)
    certainty = confidence
    if about == "unknown":
        confidence = min(confidence, 0.6)
    return Statement(text=doc.text, status=status, negated=negated, about=about, relation=relation, person=person,
                     negated_words=frozenset(t.lower_ for t in negation_scope(doc)), confidence=confidence,
                     certainty=certainty)


_MODALS = {"would", "could", "might", "should"}
_HAVE = {"have", "'ve", "\u2019ve", "of"}  # "would of been" is how it is often typed


def _counterfactual(doc: Doc | Span, verbs: set[int]) -> bool:
    """ "It would've been Mum and Dad's anniversary", "he'd have been 80": what did not happen (often said of
    someone who has died) is no event to ask after."""
    tokens = list(doc)
    for t in tokens:
        if t.lower_ in _MODALS and t.i - tokens[0].i + 1 < len(tokens):
            following = doc[t.i - tokens[0].i + 1]
            if following.lower_ in _HAVE and (t.head.i in verbs or following.head.i in verbs):
                return True
    return False


def _predicate(word: Token) -> Token:
    """The verb (or copula) that carries the word's event: 'exams' in 'Amy's exams are next week' -> 'are'."""
    t = word.head if word.dep_ in {"aux", "auxpass"} else word  # "getting" in "we're getting married"
    for _ in range(6):
        if t.pos_ in {"VERB", "AUX"} or t.dep_ == "ROOT" or t.head.i == t.i or (
                t.lower_ in {"'s", "\u2019s"} and t.dep_ != "case"):  # "'s" mis-tagged as a possessive
            break
        t = t.head
    if t.lemma_.lower() in _REPORTING and word.i != t.i:
        # "The dealer said I can collect it on the 16th": the news is what was said, not the saying
        said = [c for c in t.children if c.dep_ == "ccomp"]
        if said:
            return said[0]
    return t


def _chain(predicate: Token) -> list[Token]:
    """The predicate and the verbs it hangs from, up to the sentence root (xcomp, conj, advcl...)."""
    out, t = [predicate], predicate
    while t.head.i != t.i and len(out) < 8:
        t = t.head
        out.append(t)
    return out


def _children_lower(token: Token) -> set[str]:
    return {c.lower_ for c in token.children}


def _status(doc: Doc | Span, word: Token, predicate: Token) -> tuple[Status, float]:
    lowered = [t.lower_ for t in doc]
    chain = _chain(predicate)
    clause = set(_clause_tokens(predicate))
    # a what-if: a condition marks the event's clause or a clause above it ("if we ever moved abroad, ...")
    for verb in chain:
        if any(c.dep_ == "mark" and c.lower_ in _CONDITION_MARKS for c in verb.children):
            return "hypothetical", 0.9
    if "what" in lowered and "if" in lowered or ("happens" in lowered and "if" in lowered):
        return "hypothetical", 0.85
    verbs = {v.i for v in chain}
    if any(t.lower_ in {"would", "could", "might"} and t.head.i in verbs for t in doc) and "if" in lowered:
        return "hypothetical", 0.8
    if _counterfactual(doc, verbs):
        return "hypothetical", 0.85
    if _question(doc, predicate):
        return "question", 0.85
    if predicate.tag_ == "VBG" and predicate.dep_ == "pcomp" and predicate.head.lower_ in {"about", "regarding"}:
        if predicate.head.head.lemma_ in {"think", "talk", "consider"}:
            return "planned", 0.6  # "we're thinking about moving": a plan, loosely held
        return "question", 0.7  # "I rang in January about moving": what a contact was about, not news
    if any(c.dep_ == "mark" and c.lower_ in {"until", "till", "once"} for c in predicate.children):
        return "expected", 0.75  # "until the baby's here": a time still to come
    if any(t.lower_ in _HABIT_WORDS for t in doc) or ("every" in lowered and "time" in lowered):
        return "habitual", 0.75
    lemmas = {t.lemma_.lower() for t in clause} | {word.lemma_.lower(), predicate.lemma_.lower()}
    if lemmas & _CANCEL_LEMMAS or _called_off(predicate) or "fell" in lowered and "through" in lowered:
        return "cancelled", 0.85
    lasting = _duration(predicate)
    if lasting:
        return lasting, 0.8
    if {t.lower_ for t in clause} & _EXPECT_WORDS or "on the way" in doc.text.lower():
        return "expected", 0.9
    for verb in chain[1:]:
        head = _LEMMA_FIXES.get(verb.lower_, verb.lemma_.lower())
        if head in _WISH_HEADS and head != "like" and predicate.i in {x.i for x in verb.subtree} \
                or verb.lower_ == "like" and any(c.lower_ in {"would", "'d"} for c in verb.children):
            return "wish", 0.75
    aux = {c.lower_ for c in predicate.children if c.dep_ in {"aux", "auxpass"}}
    future_time = bool({t.lower_ for t in doc} & _FUTURE_WORDS)
    if any(c.dep_ == "acl" and c.tag_ == "VBG" and c.lemma_ in {"start", "come", "begin"} for c in word.children):
        return "planned", 0.75  # "I've got a new job there starting in February"
    if predicate.pos_ in {"NOUN", "PROPN"} and predicate.dep_ == "ROOT":
        # a fragment with no verb ("Brighton Marathon in April."): a date said will tell when, else we can't
        return "ongoing", 0.7 if {t.lower_ for t in doc} & _CALENDAR else 0.55
    if aux & {"will", "'ll", "shall", "wo", "gon"} or predicate.head.lemma_ == "go" and predicate.dep_ == "xcomp" \
            and predicate.head.tag_ == "VBG":
        return "planned", 0.85
    if predicate.lemma_ in _PLAN_HEADS and predicate.tag_ != "VBD":
        return "planned", 0.8
    if predicate.dep_ == "xcomp" and predicate.head.lemma_ in _PLAN_HEADS:
        return "planned", 0.8  # "I'm planning to buy a flat"
    progressive = aux & {"'m", "am", "'re", "are", "is", "'s", "was", "were", "m", "re"} and (
        predicate.tag_ == "VBG" or aux & {"getting"})
    if progressive:
        # English says plans in the progressive ("we're getting married in the spring"); "at the moment" is now
        now_words = {t.lower_ for t in doc} & {"currently", "moment", "still", "now", "present", "today"}
        return ("ongoing", 0.7) if now_words and not future_time else ("planned", 0.75)
    if aux & {"can", "could", "should", "must", "need"} and predicate.tag_ == "VB":
        return "planned", 0.7
    if aux & {"may", "might"} and predicate.tag_ == "VB":
        return "planned", 0.55  # "the dealer said I can collect it on the 16th": ahead, if less certain
    if future_time and predicate.lemma_ in {"get", "have"} and (predicate.tag_ != "VBD" or aux & {"'s", "'ve"}):
        return "expected", 0.75  # "she's got her exams next week"
    if predicate.tag_ == "VBD" and predicate.lower_ == predicate.lemma_.lower() and not aux and not (
            {t.lower_ for t in doc} & {"ago", "yesterday", "last", "just", "already"}):
        return "planned", 0.55  # "we set off in March": the same form for now and then; the date will tell
    if predicate.tag_ == "VBD" or predicate.tag_ == "VBN" and aux & {"'ve", "have", "has", "'s", "had", "'d"}:
        return "happened", 0.85
    if predicate.tag_ == "VBN" and aux & {"was", "were", "got"}:
        return "happened", 0.8
    if future_time:
        return "planned", 0.7
    subject = next((c for c in predicate.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    thing = subject is not None and subject.pos_ in {"NOUN", "PROPN"} and subject.lower_ not in people()[0]
    copula = predicate.lower_ in {"'s", "\u2019s"}  # "my birthday's on Thursday", sometimes tagged a possessive
    if (predicate.tag_ in {"VBZ", "VBP"} or copula) and (predicate.lemma_ not in {"be", "have"} or thing) and any(
            t.lower_ in _CALENDAR or t.tag_ == "CD" and t.lower_.endswith(("st", "nd", "rd", "th")) for t in doc):
        return "planned", 0.7  # "I fly on the 8th of December", "my birthday's on Thursday": a timetable
    if predicate.tag_ in {"VBZ", "VBP"}:
        return "ongoing", 0.65
    return "happened", 0.55  # a fragment ("Picked up a new car") tells what was done


def _question(doc: Doc | Span, predicate: Token) -> bool:
    """The event's own clause asks: "Are you moving?", "When's the baby due?", not "We're getting married in the
    spring, can I open a savings pot for it?" (the question is the second clause)."""
    if not doc.text.rstrip().endswith("?"):
        return False
    clause = sorted(_clause_tokens(predicate), key=lambda t: t.i)
    words = [t for t in clause if not t.is_punct]
    if not words:
        return False
    subject = next((t for t in words if t.dep_ in {"nsubj", "nsubjpass", "expl"}), None)
    first = words[0]
    if first.tag_ in {"WDT", "WP", "WP$", "WRB"}:
        return True
    if subject is None:
        return len([t for t in doc if t.dep_ in {"nsubj", "nsubjpass"}]) == 0  # "Moving house?"
    return first.i < subject.i and (first.pos_ in {"AUX", "VERB"} or first.tag_ == "MD")


def _called_off_again(tokens: list[Token], word: Token) -> bool:
    """The same event named again in the sentence and called off there: "the move, forget what I said about
    that, the move's off now" (the first "move" hangs off "forget")."""
    def off_next(be: Token) -> bool:  # "the move's off now" with "off" parsed onto another verb
        return be.lemma_ == "be" and be.i + 1 < len(be.doc) and be.doc[be.i + 1].lower_ == "off" and (
            be.i + 2 >= len(be.doc) or be.doc[be.i + 2].lower_ in {".", ",", "!", ";", "now", "then", "sadly"})

    return any(t.lemma_ == word.lemma_ and t.dep_ in {"nsubj", "nsubjpass"}
               and (t.i != word.i and _called_off(t.head) or off_next(t.head)) for t in tokens)


def _called_off(predicate: Token) -> bool:
    """'the move is off', 'the wedding's not happening', 'we're not going ahead'."""
    kids = _children_lower(predicate)
    if predicate.lemma_ == "be" and "off" in kids:
        # "the move is off (for now)", not "he's off to uni", "I'm off out", "she's off for a week"
        off = next(c for c in predicate.children if c.lower_ == "off")
        doc = off.doc
        after = [t.lower_ for t in doc[off.i + 1: off.i + 3]]
        subject = next((c for c in predicate.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
        person = subject is not None and (subject.pos_ in {"PRON", "PROPN"} or subject.lower_ in people()[0])
        ends = not after or after[0] in {".", ",", "!", ";", "now", "then", "after", "again", "completely", "sadly",
                                         "unfortunately", "too"} or after == ["for", "now"]
        return ends and not person
    if predicate.lemma_ in {"happen", "go"} and any(c.dep_ == "neg" for c in predicate.children):
        return predicate.lemma_ == "happen" or "ahead" in kids
    return predicate.lemma_ == "call" and "off" in kids


_SHORT_SINCE = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday",
                "morning", "weekend", "week", "christmas", "easter", "january", "february", "march", "april", "may",
                "june", "july", "august", "september", "october", "november", "december", "op", "operation",
                "surgery", "accident"}


def _duration(predicate: Token) -> Status | None:
    """'we've lived here since the nineties', 'I've banked with you twenty years': a state, not news ("state");
    'in intensive care since Friday' is a recent start, still going on ("ongoing")."""
    for c in predicate.subtree:
        if c.lower_ == "since" and c.head.i == predicate.i:
            said = {g.lower_ for g in c.subtree}
            return "ongoing" if said & _SHORT_SINCE and not said & {"last", "year", "years"} else "state"
        perfect = predicate.tag_ == "VBN" and any(a.lower_ in {"'ve", "have", "has", "'s", "had", "'d"}
                                                  for a in predicate.children if a.dep_ == "aux")
        if not perfect:  # "we set off round Europe for three months in March" is a plan, not a state
            continue
        if c.lower_ == "for" and c.head.i == predicate.i and any(g.lower_ in _DURATION_NOUNS for g in c.subtree):
            return "state"
        if c.dep_ == "npadvmod" and c.head.i == predicate.i and c.lower_ in _DURATION_NOUNS and any(
                g.dep_ == "nummod" or g.lower_ in {"many", "all", "few", "several"} for g in c.children):
            return "state"  # "twenty years", not "last month"
    return None


def _clause_tokens(head: Token) -> list[Token]:
    """The tokens of head's own clause: its subtree without clauses that hang from it with a subject of their own."""
    out, stack = [], [head]
    while stack:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if c.dep_ in {"advcl", "ccomp", "conj", "parataxis", "relcl"} and any(
                    g.dep_ in {"nsubj", "nsubjpass", "expl"} for g in c.children):
                continue
            stack.append(c)
    return out


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in {"never", "no"} and c.dep_ in {"advmod", "det", "neg"}
               for c in token.children)


def negation_scope(doc: Doc | Span) -> list[Token]:
    """Tokens under a negation: 'never text me, email is fine' -> never, text, me (not email, is, fine); 'no
    calls or texts please' -> no, calls, or, texts."""
    out: list[Token] = []
    for t in doc:
        if t.dep_ == "neg" or t.lower_ in {"never", "no", "not"} and t.dep_ in {"advmod", "det", "neg"}:
            head = t.head
            if t.lower_ == "no" and t.dep_ == "det":
                out.extend(head.subtree)
            else:
                out.extend(_clause_tokens(head))
    return out


def _about(word: Token, predicate: Token) -> tuple[About, str | None, str | None]:
    """Whose event: the owner of the event noun, else the subject of its predicate."""
    family, others = people()
    candidates: list[Token] = []
    if word.pos_ in {"NOUN", "PROPN"}:
        if word.dep_ in {"nsubj", "nsubjpass"} and (word.lower_ in family or word.lower_ in others):
            candidates.append(word)  # "our first grandchild is due": the grandchild's news
        candidates += [c for c in word.children if c.dep_ == "poss"]
    verb = predicate
    for _ in range(3):
        # the subject may hang from an auxiliary in a messy parse ("my colleague got engaged")
        subjects = [c for c in [*verb.children, *(g for a in verb.children if a.dep_ in {"aux", "auxpass"}
                                                    for g in a.children)] if c.dep_ in {"nsubj", "nsubjpass"}]
        if subjects:
            candidates += subjects
            break
        # only "I want to move" (xcomp) and "I sold up and moved" (conj) share a subject with the verb above
        if verb.dep_ not in {"xcomp", "conj"} or verb.head.i == verb.i:
            break
        verb = verb.head
    if not candidates:
        top = _chain(predicate)[-1]
        if top.pos_ in {"NOUN", "PROPN"} and top.i != word.i:
            candidates.append(top)  # "Dad's in hospital" parses with "Dad" as its root
    if word.pos_ in {"NOUN", "PROPN"} and word.dep_ in {"nsubj", "nsubjpass"} and not candidates:
        candidates.append(word)
    found = [f for f in (_owner(s, family, others) for s in candidates) if f is not None]
    if any(f[0] == "third_party" for f in found):  # "my neighbour's daughter has her exams": not theirs
        return next(f for f in found if f[0] == "third_party")
    for f in found:
        if f[0] == "unknown" and f[2] is None:  # "she": the family word the sentence opened with
            lead = _family_lead(predicate.doc)
            if lead is not None:
                return lead
            continue
        return f
    if found:
        return found[0]
    if not candidates and predicate.tag_ != "VB" and _starts_with(predicate):
        # no subject at all, in the customer's own mouth: "Picked up a new car last week", "Brighton in April!"
        return "customer", None, None
    lead = _family_lead(predicate.doc)
    if lead is not None:
        return lead  # "Mam's in hospital, she had a fall": a messy parse, but the sentence opens with who
    return "unknown", None, None


def _starts_with(predicate: Token) -> bool:
    """The sentence opens with the event's own words: a true fragment, not a parse that lost its subject."""
    words = [t for t in predicate.doc if not t.is_punct and t.pos_ not in {"INTJ"}
             and t.lower_ not in {"just", "finally", "so", "well", "oh", "yeah", "and", "also"}]
    return bool(words) and (words[0].i in {x.i for x in predicate.subtree} or words[0].i == predicate.i)


def _family_lead(doc: Doc | Span) -> tuple[About, str | None, str | None] | None:
    family, _ = people()
    words = [t for t in doc if not t.is_punct][:3]
    for n, t in enumerate(words):
        if t.lower_ in family and (n == 0 or words[n - 1].lower_ in {"my", "our"}):
            return "relative", family[t.lower_], None
    return None


def _owner(token: Token, family: dict[str, str], others: frozenset[str]) -> tuple[About, str | None, str | None] | None:
    """Walk 'my neighbour's daughter' outward: any non-family link makes it a third party's news."""
    group = [token, *[c for c in token.children if c.dep_ == "conj"]]
    if any(g.lower_ in {"i", "we", "me", "us"} for g in group):
        return "customer", None, None  # "my wife and I", "we"
    chain, t = [], token
    for _ in range(5):
        chain.append(t)
        poss = [c for c in t.children if c.dep_ == "poss"]
        if not poss:
            break
        t = poss[0]
    words = [c.lower_ for c in chain]
    relation = next((family[w] for w in words if w in family), None)
    name = next((c.text for c in chain if c.pos_ == "PROPN" and c.text[:1].isupper() and c.lower_ not in family
                 and c.lower_ not in others), None)
    if any(w in others for w in words):
        return "third_party", relation, name
    if relation:
        return "relative", relation, name
    if words[-1] in {"our", "my"} and name:
        return "relative", None, name  # "our Rhys has just started at uni": family, named
    if words[-1] in _FIRST_PERSON:
        return "customer", None, None
    if words[-1] == "you" or words[-1] == "your":
        return "agent", None, None
    if name:
        return "unknown", None, name  # a person named: family when memory knows them
    if words[-1] in _THIRD_PRONOUNS:
        return "unknown", None, None
    if token.pos_ in {"NOUN"} and not any(c.dep_ == "poss" for c in token.children):
        return None  # "the move", "the baby": nothing said about whose; look further
    return None
