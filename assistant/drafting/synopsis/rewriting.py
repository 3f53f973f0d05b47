"""One sentence into third-person reported speech: "Can you check my order?" -> "X asks Y to check their order"."""

from __future__ import annotations

import itertools
import re

from assistant.drafting.synopsis.cleaning import (
    Tok,
    detok,
    is_word,
    normalise,
    strip_fillers,
    strip_tag_question,
    tokenize,
)
from assistant.drafting.synopsis.grammar import (
    conjugate_after,
    has_finite_verb,
    is_past,
    report_question,
    third_singular,
)
from assistant.drafting.synopsis.words import (
    ACTIVE_AFTER,
    ADJECTIVE_ED,
    ADVERBS,
    AFTER_OBJECT_YOU,
    AUX,
    BEFORE_OBJECT_YOU,
    BOILERPLATE,
    COORDINATED_VERBS,
    DANGLING,
    FINITE,
    HEDGES,
    IDENTIFICATION,
    IMPERATIVE,
    LOWER_OK,
    PARTICIPLES,
    PHATIC,
    PRONOUN_SUBJ,
    REACTION,
    STOP,
    SUBJ_BEFORE,
    VERIFICATION,
    VERIFICATION_MAX_WORDS,
    WH,
)


class Names:
    def __init__(self, speaker: str, listener: str):
        self.spk = speaker
        self.lst = listener

    @staticmethod
    def mid(name: str) -> str:
        if name[:4] in ("The ", "A ", "An ") or name.split(" ")[0] in ("The", "A", "An"):
            return name[0].lower() + name[1:]
        return name

    @staticmethod
    def poss(name: str) -> str:
        return name + "'s"  # "Miles's", as UK style guides write a name's possessive



def rewrite_pronouns(
    toks: list[Tok], names: Names, at_start: bool, mentioned: set[str] | None = None
) -> list[Tok]:
    """First/second person -> third person; marks subjects and fixes verb agreement.

    ``mentioned``: who the sentence has already named (the reporting clause). A possessive becomes
    "their" when its owner has been named and "their" has not yet been used for the other party;
    otherwise the name is repeated, so one sentence never uses "their" for both.
    """
    spk, lst = names.spk, names.lst
    mentioned = set(mentioned or ())
    subjects = set(mentioned)  # named as a subject (or in the reporting clause): "they" may refer back to them
    their_for: str | None = None
    out: list[Tok] = []
    n = len(toks)
    for i, tk in enumerate(toks):
        low = tk.low
        prev = out[-1].low if out else ""
        nxt = toks[i + 1].low if i + 1 < n else ""
        start = (not out) and at_start
        if low == "i" or (low == "me" and not out):
            compound = prev in {"and", "or"} and nxt in {"are", "were"}  # "my wife and I are"
            if low == "i" and not compound and _same_subject_after_and(out, spk):
                out.append(Tok("", False, subj=True))  # "Maria set up a pot and [Maria] can't see it"
            elif low == "i" and not compound and not start and spk in subjects:
                out.append(Tok("they", tk.sp, subj=True, plural=True))  # "Tom asks if they can add Jess"
            else:
                out.append(Tok(spk if start else Names.mid(spk), tk.sp, subj=not compound))
                subjects.add(spk)
            mentioned.add(spk)
        elif low == "you":
            if nxt in {"two", "three", "both", "all", "guys", "people", "folks"}:
                subj_pos = False  # "you two are": plural, leave the verb alone
            elif tk.subj:
                subj_pos = True  # marked by question reordering
            elif nxt in YOU_BE_HAVE and prev not in BEFORE_OBJECT_YOU:
                subj_pos = True  # "sorry you're stuck abroad" -> "sorry Miles is stuck abroad"
            elif (len(out) >= 2 and out[-2].low in RELATIVE_AFTER and prev not in STOP and is_word(prev)
                  and nxt and nxt not in STOP and is_word(nxt)):
                subj_pos = True  # "the date you move" -> "the date Samuel moves"
            elif nxt in AFTER_OBJECT_YOU or prev in BEFORE_OBJECT_YOU:
                subj_pos = False
            else:
                subj_pos = (not out) or prev in SUBJ_BEFORE or prev in WH
            name = lst
            out.append(Tok(name if start else Names.mid(name), tk.sp, subj=subj_pos))
            mentioned.add(lst)
        elif low == "me":
            out.append(Tok("them" if spk in subjects else Names.mid(spk), tk.sp))  # "take it with them"
            mentioned.add(spk)
        elif low in {"my", "your"}:
            who = spk if low == "my" else lst
            if who in mentioned and not start and their_for in (None, who):
                their_for = who
                out.append(Tok("their", tk.sp))
            else:
                nm = Names.poss(who)
                out.append(Tok(nm if start else Names.mid(nm), tk.sp))
                mentioned.add(who)
        elif low in {"mine", "yours"}:
            who = spk if low == "mine" else lst
            out.append(Tok(Names.mid(Names.poss(who)), tk.sp))
        elif low in {"myself", "yourself"}:
            who = spk if low == "myself" else lst
            # "I'll chase it myself", retold as ours: "we'll chase it ourselves"
            own = "ourselves" if who == "We" else "themselves"
            out.append(Tok(own if who in mentioned or who == "We" else Names.mid(who), tk.sp))
        elif low == "yourselves":
            out.append(Tok("themselves", tk.sp))
        elif low == "we":
            out.append(Tok("They" if start else "they", tk.sp, noconj=True))
        elif low == "us":
            out.append(Tok("them", tk.sp))
        elif low == "our":
            out.append(Tok("Their" if start else "their", tk.sp))
        elif low == "ours":
            out.append(Tok("theirs", tk.sp))
        elif low == "ourselves":
            out.append(Tok("themselves", tk.sp))
        else:
            out.append(Tok(tk.t, tk.sp, tk.subj, tk.noconj))
    for i, tk in enumerate(out):
        if tk.subj and tk.plural:
            conjugate_after(out, i, mode="plural")
        elif tk.subj:
            if (i + 2 < len(out) and out[i + 1].low == "would" and out[i + 2].low == "like"
                    and (i + 3 >= len(out) or out[i + 3].low != "it")):
                out[i + 1 : i + 3] = [Tok("wants", True, noconj=True)]  # "I'd like a refund"
                continue
            conjugate_after(out, i)
    if any(t.subj and not t.plural for t in out):  # "Owen is getting married and want to" -> "and wants to"
        for a, b in itertools.pairwise(out):
            if a.low == "and" and b.low in COORDINATED_VERBS and not b.noconj:
                b.t = third_singular(b.t)
    return [t for t in out if t.t]


YOU_BE_HAVE = frozenset({"are", "were", "have", "haven't", "aren't", "weren't"})
RELATIVE_AFTER = frozenset({"the", "a", "an", "any", "every", "each"})


def _same_subject_after_and(out: list[Tok], speaker: str) -> bool:
    """'<Speaker> ... and I': the sentence opened with the speaker as subject and no other clause came between."""
    return (len(out) >= 3 and out[-1].low == "and" and out[0].subj and out[0].t == speaker
            and not any(t.t == "," for t in out[1:-2]))


def lower_first(toks: list[Tok], proper: tuple[set[str], set[str]]) -> None:
    """Lower-case the first word of an embedded clause unless it looks like a name or acronym."""
    if not toks:
        return
    w = toks[0].t
    if w == "I" or w.startswith("#") or not w[:1].isupper() or any(ch.isupper() for ch in w[1:]):
        return
    if w in proper[0] or (w.lower() not in proper[1] and w.lower() not in STOP and w.lower() not in HEDGES):
        return
    toks[0].t = w[0].lower() + w[1:]


def finish(toks: list[Tok]) -> str:
    s = detok(toks)
    s = s.rstrip(" ,;:-")
    s = re.sub(r"[.!?]+$", "", s).rstrip(" ,;:-") + "."
    s = re.sub(r"\.\.\.\.$", ".", s)
    return s[:1].upper() + s[1:]


NOTE = re.compile(r"^note:\s*", re.I)
_CUSTOMER = re.compile(r"\b(?:[Tt]he )?[Cc]ustomer('s)?\b")
_THANKS_TO = re.compile(r"^(?:shout ?out|big thanks|kudos) to @?\w+", re.I)
_CALLING_ABOUT = re.compile(r"^(?i:(?:hi|hello),? )?(?i:it'?s|this is) [A-Z][a-z]+(?: [A-Z][a-z]+)? "
                            r"(?:calling|ringing)\b[^.?!]*?\b(about .+)$")
_FIELD = re.compile(r"^[A-Z][a-z]+: \S+(?: \S+)?[.]?$")  # a form field in a note: "Card: credit card."
_REPORTING = frozenset({"says", "asks", "tells", "suggests", "offers", "thanks", "calls", "agent", "customer"})
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?|\d+")


def rewrite(sentence: str, names: Names, vocab_lower: tuple[set[str], set[str]], note: bool = False,
            ) -> tuple[str, str] | None:
    """Rewrite one sentence; returns (text, kind) or None when it is not worth keeping.

    Not worth keeping: contact-centre furniture (who is speaking, identity checks), and sentences left with
    fewer than two informative words once names, courtesies and reporting verbs are set aside ("The agent is
    sorry.", "Grace says that sounds nice."). ``note``: the sentence is a written note (a ticket, an agent's
    "Note: ..."), already in the third person.
    """
    if IDENTIFICATION.search(sentence) or (
            VERIFICATION.search(sentence) and len(sentence.split()) <= VERIFICATION_MAX_WORDS):
        return None
    marked = NOTE.match(sentence)
    if note or marked:
        out = _note(sentence[marked.end():] if marked else sentence, names)
    else:
        out = _report(_THANKS_TO.sub("Thanks", sentence), names, vocab_lower)
    return out if out is not None and informative(*out, names) else None


def informative(text: str, kind: str, names: Names) -> bool:
    """Two words that are not names, courtesies or reporting verbs; one is enough for a request
    ("The customer asks for a refund.")."""
    known = set(_WORD.findall(f"{names.spk} {names.lst}".lower())) | _REPORTING
    words = {w for w in _WORD.findall(text.lower()) if w not in STOP and w not in REACTION and w not in known}
    return len(words) >= (1 if kind == "request" else 2)


def _note(text: str, names: Names) -> tuple[str, str] | None:
    """A written note ("Temporary credit applied to the customer's card") is kept as written, naming the customer
    (notes are the agent's, so the customer is the listener)."""
    text = text.strip()
    if len(text.split()) < 3 or text.endswith("?") or _FIELD.match(text):
        return None
    cust = Names.mid(names.lst)
    text = _CUSTOMER.sub(lambda m: Names.poss(cust) if m.group(1) else cust, text)
    return finish([Tok(text[:1].upper() + text[1:], False)]), "note"


def _report(sentence: str, names: Names, vocab_lower: tuple[set[str], set[str]]) -> tuple[str, str] | None:
    toks = tokenize(sentence)
    toks = strip_fillers(toks)
    toks, _ = strip_tag_question(toks)
    polite = any(t.low == "please" for t in toks)
    toks = [t for i, t in enumerate(toks)
            if not (t.low == "please" or (t.t == "," and i + 1 < len(toks) and toks[i + 1].low == "please"))]
    if not toks:
        return None
    toks = [t for i, t in enumerate(toks)
            if not (t.low in HEDGES and i > 0 and i + 1 < len(toks) and is_word(toks[i + 1].t))]
    if len(toks) > 6 and [t.low for t in toks[:5]] == ["i", "was", "wondering", "if", "you"] and toks[5].low in {
        "could", "would", "can", "will"
    }:
        clause = detok(rewrite_pronouns(toks[6:], names, False, {names.spk}))
        return finish([Tok(f"{names.spk} asks {Names.mid(names.lst)} to {clause}")]), "request"
    words = [t for t in toks if is_word(t.t)]
    tail = next((t for t in reversed(toks) if t.t not in {".", ",", "!", "?", ";", ":", "...", "-"}), None)
    if tail is not None and tail.low in DANGLING:
        return None  # cut-off utterance: "My first name is ..."
    if len(words) < 3:
        return None
    plain = " ".join(t.low for t in toks)
    if (PHATIC.match(plain) and len(words) < 8) or BOILERPLATE.search(plain):
        return None
    spk, lst = names.spk, names.lst
    S, L = spk, Names.mid(lst)
    w0 = toks[0].low
    w1 = toks[1].low if len(toks) > 1 else ""

    def body(ts: list[Tok], start: bool = False, both: bool = False) -> str:
        named = {names.spk, names.lst} if both else {names.spk}
        ts = rewrite_pronouns(ts, names, at_start=start, mentioned=named)
        if not start:
            lower_first(ts, vocab_lower)
        return detok(ts).rstrip(" ,;:-")

    comma = next((i for i, t in enumerate(toks) if t.t == ","), 0)
    if toks[-1].t == "?" and w0 in {"if", "when", "once", "after", "before"} and 2 < comma < len(toks) - 3:
        # "If I get my bonus, can I pay some off?" -> "Tom asks if they can pay some off if they get their bonus."
        main = _report(detok(toks[comma + 1:]), names, vocab_lower)
        if main is None or main[1] != "question":
            return None
        return finish([Tok(main[0].rstrip(".") + " " + body(toks[:comma]))]), "question"
    if toks[-1].t == "?":
        q = report_question(toks)
        if q is None:
            # declarative question: "You mean that...?"
            simple = len(toks) <= 14 and not any(t.t == "," for t in toks)
            if w0 in {"you", "i", "we", "it", "there", "they", "he", "she"} and simple:
                return finish([Tok(f"{S} asks if {body(toks[:-1])}")]), "question"
            return None
        form, clause = q
        if len(clause) < 1:
            return None
        if form == "if":
            return finish([Tok(f"{S} asks if {body(clause)}")]), "question"
        if form == "wh":
            who = "" if any(t.low in {"you", "your", "yourself"} for t in clause) else f" {L}"
            return finish([Tok(f"{S} asks{who} {body(clause)}")]), "question"
        if form == "to":
            return finish([Tok(f"{S} asks {L} to {body(clause, both=True)}")]), "request"
        if form == "ask_for":
            return finish([Tok(f"{S} asks for {body(clause)}")]), "request"
        if form == "suggest":
            return finish([Tok(f"{S} suggests {body(clause)}")]), "suggest"
        if form == "about":
            return finish([Tok(f"{S} asks {L} about {body(clause)}")]), "question"
        if form == "suggest_they":
            return finish([Tok(f"{S} suggests that they {body(clause)}")]), "suggest"
        if form == "suggest_you":
            c = [Tok("you", False, subj=True)] + clause
            return finish([Tok(f"{S} suggests that {body(c)}")]), "suggest"
        if form == "suggest_base":
            return finish([Tok(f"{S} suggests that {L} {body(clause)}")]), "suggest"
        return None

    # statements
    calling = _CALLING_ABOUT.match(sentence)
    if calling:  # an outbound call: "It's Dan calling from Northwind Bank about your car loan application"
        return finish([Tok(f"{S} calls {L} {body(tokenize(calling.group(1)), both=True)}")]), "first"
    if (w0 not in STOP or w0 == "just") and is_word(toks[0].t) and toks[-1].t != "?":
        # a sentence without its subject: "Collecting it tomorrow." -> "Tom is collecting it tomorrow.",
        # "Just taken out the insurance." -> "Tom has just taken out the insurance."
        at = next((i for i, t in enumerate(toks) if t.low not in ADVERBS), 0)
        lead = toks[at].low
        clause = list(itertools.takewhile(lambda t: t.t != "," and t.low not in {"and", "but", "so"}, toks[at + 1:]))
        nxt = toks[at + 1].low if at + 1 < len(toks) else ""
        verb = "is" if (lead.endswith("ing") and lead not in STOP) or lead in ADJECTIVE_ED else \
            "has" if (lead in PARTICIPLES or (lead.endswith("ed") and is_past(lead))) and nxt in ACTIVE_AFTER else ""
        if verb and not any(t.low in FINITE or is_past(t.low) for t in clause):
            rest = [Tok(toks[0].low, False), *toks[1:]]
            return finish([Tok(f"{S} {verb} {body(rest)}")]), "first"
    if w0 == "my" and not has_finite_verb(toks):
        return None  # "My credit card, 4111..."
    if w0 in {"i", "my"}:
        return finish(rewrite_pronouns(toks, names, at_start=True)), "first"
    if w0 == "let's" or (w0 == "let" and w1 == "us"):
        rest = toks[1:] if w0 == "let's" else toks[2:]
        if len(rest) < 1:
            return None
        return finish([Tok(f"{S} suggests that they {body(rest)}")]), "suggest"
    if w0 == "let" and w1 == "me" and len(toks) > 3:
        return finish([Tok(f"{S} offers to {body(toks[2:])}")]), "offer"
    if w0 in {"thank", "thanks"}:
        k = 2 if w0 == "thank" else 1
        if len(toks) > k + 1 and toks[k].low == "for":
            return finish([Tok(f"{S} thanks {L} {body(toks[k:])}")]), "thanks"
        return None
    if w0 == "please" and len(toks) > 2 and is_word(toks[1].t):
        rest = [t for t in toks[1:] if t.low != "please"]
        return finish([Tok(f"{S} asks {L} to {body(rest, both=True)}")]), "request"
    if w0 in {"don't", "never"} and len(toks) > 2 and toks[1].low not in PRONOUN_SUBJ:
        rest = [t for t in toks[1:] if t.low != "please"]
        return finish([Tok(f"{S} asks {L} not to {body(rest, both=True)}")]), "request"
    if (w0 in IMPERATIVE and w1 not in AUX and w1 not in {"is", "'s", ",", ".", "like", "who", "at"}
            and len(toks) > 2 and is_word(toks[2].t)):
        rest = [t for t in toks if t.low != "please"]
        rest[0] = Tok(rest[0].low, False)
        return finish([Tok(f"{S} {'asks' if polite else 'tells'} {L} to {body(rest, both=True)}")]), "request"
    if w0 == "you" and len(toks) > 3:
        w2 = toks[2].low
        advice = 2 if w1 == "should" else 3 if (w1, w2) in {("ought", "to"), ("had", "better")} else 0
        duty = 2 if w1 == "must" else 3 if (w1, w2) in {("need", "to"), ("have", "to")} else 0
        if advice:  # "You should restart the router" -> suggests that the customer restart the router
            return finish([Tok(f"{S} suggests that {L} {body(toks[advice:])}")]), "suggest"
        if duty:  # "You need to fill in this form" -> tells the customer to fill in this form
            return finish([Tok(f"{S} tells {L} to {body(toks[duty:], both=True)}")]), "request"
    if w0 == "you":
        c = [Tok("you", False, subj=True)] + toks[1:]
        return finish([Tok(f"{S} says {body(c)}")]), "says"
    if w0 in AUX or w0 in WH or not has_finite_verb(toks):
        return None  # fragments ("reading the paper on the couch") and exclamations
    return finish([Tok(f"{S} says {body(toks)}")]), "says"




def third_person(sentence: str, speaker: str, listener: str, note: bool = False) -> tuple[str, str] | None:
    """One sentence on its own in reported speech, (text, kind), or None when it is not worth reporting."""
    clean = normalise(sentence)
    vocab = (set(), set(re.findall(r"\b[a-z][a-z']*\b", clean)) | LOWER_OK)
    return rewrite(clean, Names(speaker, listener), vocab, note=note)
