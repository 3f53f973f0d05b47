"""Verb agreement and question reordering: the grammar third-person reporting needs."""

from __future__ import annotations

import re

from assistant.drafting.synopsis.cleaning import Tok, is_word
from assistant.drafting.synopsis.words import (
    ADVERBS,
    AUX,
    DETS,
    FINITE,
    IRREGULAR_PAST,
    LY_VERBS,
    MODALS,
    NON_REQUEST,
    NOT_VERB,
    PAST_FORMS,
    PRED_ADJ,
    PRONOUN_SUBJ,
    STOP,
    SUBJECTS,
    WH,
)


def is_past(low: str) -> bool:
    return low in PAST_FORMS or (low.endswith("ed") and not low.endswith("eed") and len(low) > 3)


def third_singular(verb: str) -> str:
    low = verb.lower()
    irregular = {"am": "is", "are": "is", "were": "was", "have": "has", "do": "does", "go": "goes",
                 "don't": "doesn't", "haven't": "hasn't", "aren't": "isn't", "weren't": "wasn't",
                 "be": "is"}
    if low in irregular:
        return irregular[low]
    if re.search(r"(?:s|sh|ch|x|z|o)$", low):
        return verb + "es"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ies"
    return verb + "s"


def past_tense(verb: str) -> str:
    low = verb.lower()
    if low in IRREGULAR_PAST:
        return IRREGULAR_PAST[low]
    if low.endswith("e"):
        return verb + "d"
    if re.search(r"[^aeiou]y$", low):
        return verb[:-1] + "ied"
    if len(low) <= 4 and re.search(r"^[^aeiou]*[aeiou][bdgmnprt]$", low):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def conjugate_after(toks: list[Tok], i: int, mode: str = "3sg") -> None:
    """Make the verb after position i agree with a 3rd-person-singular subject (or go to past, or agree with
    "they": mode "plural" turns "am" into "are" and "was" into "were")."""
    j = i + 1
    while j < len(toks):
        tk = toks[j]
        low = tk.low
        if tk.noconj or not is_word(tk.t):
            return
        if low in ADVERBS or (low.endswith("ly") and len(low) > 4 and low not in LY_VERBS):
            j += 1
            continue
        if mode == "plural":
            if low in {"am", "was", "wasn't"}:
                tk.t = {"am": "are", "was": "were", "wasn't": "weren't"}[low]
            return
        if mode == "past":
            if low in MODALS or is_past(low) or low in NOT_VERB:
                return
            tk.t = past_tense(tk.t)
            tk.noconj = True
            return
        if low in MODALS or low in {"is", "was", "has", "does", "doesn't", "isn't", "wasn't", "hasn't"}:
            return
        if low in {"am", "are", "were", "have", "do", "don't", "haven't", "aren't", "weren't"}:
            tk.t = third_singular(tk.t)
            return
        if is_past(low) or low in NOT_VERB or "'" in low:
            return
        if low.endswith("ing"):
            return
        tk.t = third_singular(tk.t)
        tk.noconj = True
        return


def has_finite_verb(toks: list[Tok]) -> bool:
    for i, t in enumerate(toks):
        low = t.low
        if low in FINITE or low.endswith("'s") or low.endswith("n't") or is_past(low):
            return True
        if i > 0 and toks[i - 1].low in SUBJECTS and is_word(t.t) and low not in STOP - FINITE:
            return True
        if (
            0 < i < len(toks) - 1
            and is_word(toks[i - 1].t)
            and toks[i - 1].low not in STOP
            and low.endswith("s")
            and not low.endswith("ss")
            and low not in STOP
            and is_word(toks[i + 1].t)
        ):
            return True  # "the parcel arrives today"
    return False


def subject_span(toks: list[Tok], k: int) -> int:
    """Given the subject starts at k (after an inverted auxiliary), return the end index (exclusive),
    or -1 if no confident subject is found."""
    if k >= len(toks):
        return -1
    low = toks[k].low
    if low in PRONOUN_SUBJ and low not in {"this", "that", "these", "those"}:
        return k + 1
    if low in {"this", "that", "these", "those"}:
        nxt = toks[k + 1].low if k + 1 < len(toks) else ""
        if (nxt and is_word(nxt) and nxt not in STOP and nxt not in PRED_ADJ and not is_past(nxt)
                and not nxt.endswith("ing") and k + 2 < len(toks) and is_word(toks[k + 2].t)):
            return k + 2  # "this seat | taken"
        return k + 1
    if low in DETS:
        end = k + 1
        if end < len(toks) and is_word(toks[end].t) and toks[end].low not in STOP:
            end += 1
            # a longer noun phrase up to a predicate adjective: "the hotel | far", "an international
            # driving license | fine"
            run = end
            while run < len(toks) and is_word(toks[run].t) and toks[run].low not in STOP | PRED_ADJ:
                run += 1
            if run < len(toks) and toks[run].low in PRED_ADJ and run > end:
                return run
            # compound noun before a participle: "your TV set been repaired"
            while (
                end + 1 < len(toks)
                and is_word(toks[end].t)
                and toks[end].low not in STOP
                and not is_past(toks[end].low)
                and (toks[end + 1].low in {"been", "being"} or is_past(toks[end + 1].low)
                     or toks[end + 1].low.endswith("ing"))
            ):
                end += 1
            # allow a compound noun: "your credit card"
            if (end < len(toks) and is_word(toks[end].t) and toks[end].low not in STOP
                    and end + 1 < len(toks) and toks[end + 1].t in {"?", "."}):
                return end
            if end < len(toks) and toks[end].t in {"?", "."}:
                return end
            return end
        return -1
    if toks[k].t[:1].isupper() and low not in STOP:  # a name
        return k + 1
    return -1


def report_question(toks: list[Tok]) -> tuple[str, list[Tok]] | None:
    """Turn an inverted question into (reporting_form, clause tokens). reporting_form in
    {'if', 'wh', 'to', 'suggest', 'suggest_they', 'about'}."""
    if not toks or toks[-1].t != "?":
        return None
    body = toks[:-1]
    if not body:
        return None
    w0 = body[0].low
    w1 = body[1].low if len(body) > 1 else ""
    w2 = body[2].low if len(body) > 2 else ""
    # "How about X?" / "What about X?"
    if w0 in {"how", "what"} and w1 == "about" and len(body) > 2:
        gerund = body[2].low.endswith("ing") or body[2].low in {"we", "you", "i"}
        return ("suggest" if (w0 == "how" and gerund) else "about"), body[2:]
    # "Why don't you / we X?"
    if w0 == "why" and w1 in {"don't", "not"}:
        if w1 == "not":
            return "suggest_base", body[2:]
        if w2 == "we":
            return "suggest_they", body[3:]
        if w2 == "you":
            rest = body[3:]
            return "suggest_you", rest
        return None
    # "Shall we X?" / "Shall I X?"
    if w0 == "shall" and w1 == "we":
        return "suggest_they", body[2:]
    # yes/no: AUX SUBJ REST
    if w0 in AUX:
        end = subject_span(body, 1)
        if end < 0:
            return None
        subj = body[1:end]
        rest = body[end:]
        if not rest:
            return None
        aux = body[0]
        subj_low = subj[0].low
        if (w0 in {"can", "could", "will", "would"} and subj_low == "you" and rest[0].low not in NON_REQUEST
                and not rest[0].low.endswith("ing")):
            return "to", rest  # request: "Could you check X" -> asks Y to check X
        if w0 in {"can", "could", "may"} and subj_low == "i" and rest[0].low in {"have", "get"} and len(rest) > 1:
            return "ask_for", rest[1:]
        return "if", reorder(aux, subj, rest)
    # wh: WH [NP<=3] AUX SUBJ REST
    if w0 in WH:
        j = 1
        while j < len(body) and j <= 4 and body[j].low not in AUX:
            if not is_word(body[j].t):
                return None
            j += 1
        if j >= len(body) or body[j].low not in AUX:
            # the wh-word is the subject: "What happened to you?" -> asks what happened to Y
            return "wh", body
        wh_part = body[:j]
        aux = body[j]
        end = subject_span(body, j + 1)
        if end < 0:
            if aux.low in {"do", "does", "did", "don't", "doesn't", "didn't"}:
                return None
            return "wh", body  # "What is wrong?" / "Who is calling?"
        if aux.low in {"is", "are", "was", "were"} and body[j + 1].low in DETS:
            # "When is the next train to Boston?" -> "when the next train to Boston is"
            return "wh", wh_part + [Tok(t.t, t.sp) for t in body[j + 1 :]] + [Tok(aux.low, True)]
        subj = body[j + 1 : end]
        rest = body[end:]
        return "wh", wh_part + reorder(aux, subj, rest)
    return None


def reorder(aux: Tok, subj: list[Tok], rest: list[Tok]) -> list[Tok]:
    a = aux.low
    subj = [Tok(t.t if (t.t == "I" or (t.t[:1].isupper() and t.low not in STOP)) else t.low, True, t.subj)
            for t in subj]
    first_low = subj[0].low
    person12 = first_low in {"i", "you"}
    if a in {"do", "does"}:
        out = subj + rest
        if (a == "does" or person12) and rest:
            if person12:
                subj[-1].subj = True
            else:
                conjugate_after(out, len(subj) - 1)
        return out
    if a == "did":
        out = subj + rest
        conjugate_after(out, len(subj) - 1, mode="past")
        return out
    if a in {"don't", "doesn't", "didn't"}:
        neg = "didn't" if a == "didn't" else ("doesn't" if (a == "doesn't" or person12) else "don't")
        return subj + [Tok(neg, True, noconj=person12 is False)] + rest
    new_aux = Tok(a, True)
    if person12:
        subj[-1].subj = True
    # be/have/modals: subject + aux + rest; "what is your name" -> "what your name is"
    return subj + [new_aux] + rest

