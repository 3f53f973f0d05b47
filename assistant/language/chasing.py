"""A customer chasing us for an answer ("I emailed two weeks ago and nobody answered", "somebody was supposed to
ring me today"): a complaint about our silence, not the problem itself and not a step anyone took. Decided here
once, for the readers that would otherwise take it for one (what was tried, what the problem is)."""

from __future__ import annotations

import re

_CHASE = re.compile(
    r"\b(?:nobody|no one|no-one|noone)\b[^.!?]{0,40}\b(?:answer(?:ed|s)?|(?:got|get|come|came|rung|rang|phoned|"
    r"called|written|wrote) back|call(?:ed)?|rang|replied|respond(?:ed)?|phoned|bothered|contacted|"
    r"e-?mailed)\b|\b(?:nobody|no one|no-one) (?:has|did|ever did)\b\s*(?:[.!,;]|$)|"
    r"\b(?:never|not|haven't|hasn't|didn't) (?:heard|had|got|gotten) (?:anything |a thing |a word )?back\b|"
    r"\bheard nothing\b|\bnot heard a (?:thing|word)\b|"
    r"\b(?:still|been) waiting (?:for|on) (?:a |an |the |your )?(?:reply|answer|response|call ?back|call|e-?mail)\b|"
    r"\b(?:no|never got a|didn't get a|haven't had a|never had a) (?:reply|response|answer|call ?back)\b|"
    r"\b(?:only|just) (?:got|had) (?:an? )?(?:automatic|automated|auto) (?:reply|e-?mail|response|message)\b|"
    r"\ba (?:computer|robot|bot) (?:answered|replied)\b|"
    r"\b(?:was|were) (?:supposed|meant|due) to (?:call|ring|phone|get back to|e-?mail|contact) (?:me|us)\b",
    re.I)


def chases_us(text: str) -> bool:
    """Does the sentence complain that we did not answer, reply or call back?"""
    return bool(_CHASE.search(text))


def chased_about(text: str, pipeline: str | None = None) -> str:
    """What a chase is about, when it says ("I emailed on Tuesday about a bill for £412 and nobody has replied" ->
    "a bill for £412"): the object of its "about", read from the parse, up to a clause joined to it."""
    if not chases_us(text) or " about " not in f" {text.lower()} ":
        return ""
    from assistant.language.grammar import DEFAULT_PIPELINE, grammar

    doc = grammar(pipeline or DEFAULT_PIPELINE).one(text)
    for token in doc:
        if token.lower_ != "about" or token.dep_ != "prep":
            continue
        obj = next((c for c in token.children if c.dep_ == "pobj"), None)
        if obj is None:
            continue
        words = []
        for t in obj.subtree:
            if t.head == obj and (t.dep_ in ("cc", "conj") or t.is_punct):
                break
            words.append(t.text_with_ws)
        about = "".join(words).strip(" ,;")
        if len(about.split()) >= 2:
            return about
    return ""
