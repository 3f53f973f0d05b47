"""Text that addresses the system instead of the person on the other end: role labels ("SYSTEM:",
"Assistant:", "[INST]"), "ignore previous instructions", requests for other customers' data, notes to "the AI
reading this". Such a sentence is never read as a fact, chosen as a reason or quoted in a draft or answer.

The one place that decides it: readers (through `noise.quotable` and the fact reader's sentence filter),
drafting's guardrails and the answerer all ask `addresses_the_system`. These are formulaic texts, so patterns
are the right tool; each pattern is anchored on words a customer talking to a person has no reason to use.
"""

from __future__ import annotations

import re

_AI = r"(?:ai|a\.i\.|assistant|bot|chat ?bot|copilot|co-pilot|model|language model|llm|gpt|rapport|summari[sz]er)"
_PEOPLE = (r"(?:customers?|clients?|members?|users?|account ?holders?|callers?|policy ?holders?|people|"
           r"persons?|borrowers?)")
_PATTERNS = (
    # Role labels and chat-template tokens, at the start of a line or after a quote mark.
    r"(?:^|[\n\"'(>])\s*(?:system|assistant|developer|ai|bot|human|sys|instruction|instructions|admin(?:istrator)?)"
    r"\s*:\s*\S",
    r"\[/?inst\]|<\|[a-z_]+\|>|<<\s*/?sys\s*>>|^\s*#{2,}\s*(?:instruction|system|response|prompt)\b",
    # Overriding what the system was told.
    r"\b(?:ignore|disregard|forget|override|bypass|skip)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules?|"
    r"guidelines?|polic(?:y|ies)|programming|training|guardrails?|filters?|restrictions?|safety)\b",
    r"\bforget (?:everything|all) (?:you|that you)(?:'ve| have| were| had)? (?:been )?(?:told|taught|"
    r"instructed|said)\b",
    r"\b(?:system|hidden|initial|original|secret) prompt\b|\bdeveloper (?:message|mode)\b|\bjailbr[eo]a?k",
    r"\b(?:print|repeat|reveal|output|show|display|recite)\b[^.!?\n]{0,20}\b(?:your|the) (?:instructions|prompt|"
    r"rules|configuration)\b|\bthe words above\b",
    r"\byou are now (?:an? |the )?(?:dan\b|jailbroken|unrestricted|unfiltered|free of|no longer bound|"
    r"in (?:developer|god|admin|debug|unrestricted) mode|a different|an? (?:ai|assistant|model|bot))",
    r"\bpretend (?:that )?you(?:'re| are) (?:an?|the)\b|\bact as (?:an?|the) (?:admin\w*|supervisor|manager|"
    r"system|ai|assistant|bot|developer|unrestricted|different)\b",
    r"\bfrom now on,? you (?:will|must|shall) (?:answer|respond|reply|approve|ignore|act|only|always|obey)\b",
    r"\bnew instructions?\s*[:\-]|\b(?:follow|obey) (?:these|my|the following) (?:new )?instructions\b",
    # Addressing the tool that reads the record.
    rf"\b(?:note|message|instructions?|reminder) (?:to|for) (?:the |any |whatever )?{_AI}\b",
    rf"(?:^|[\n,.!?]\s*)(?:dear|hey|hi|hello|ok|okay|attention)?\s*{_AI}\s*[,:]\s*(?:please\s+)?(?:offer|give|say|"
    r"tell|write|add|mark|approve|list|show|reveal|print|ignore|record|note|recommend|include|state|put|"
    r"summari[sz]e|output|send|delete|change|set)\b",
    rf"\bif you(?:'re| are) (?:an? )?{_AI}\b|\bas an? (?:ai|language model|llm)\b",
    r"\b(?:whoever|whatever|anyone|anything|the (?:system|software|tool|program)) (?:that |which |who )?(?:is )?"
    r"(?:summari[sz]ing|reading|processing|transcribing|analy[sz]ing) (?:this|these)\b",
    r"\b(?:in|into|to) your (?:summary|summaries|draft|output|response|handover notes?)\b",
    # Asking for other people's data.
    r"\b(?:list|show|give|tell|send|reveal|export|dump|print|read out|share|email|e-mail|provide|display|output)\b"
    rf"[^.!?\n]{{0,40}}\b(?:every|all|each|any|the other|other|another|the last|the previous|the next|"
    rf"all (?:of )?the) (?:other )?{_PEOPLE}\b(?!\s+(?:service|services|number|support|team|care|"
    r"department|line|area|portal))",
    rf"\b(?:every|all|other|another|the other|the last|the previous)\s+(?:other )?{_PEOPLE}(?:'s|s'|') "
    r"(?:names?|card|cards|numbers?|details|data|records|accounts?|addresses|address|balances?|passwords?|"
    r"phone|emails?|information|info|dates? of birth|pins?)\b",
    r"\b(?:customer|client|member|user) (?:database|db|list|records|table)\b",
    rf"\b(?:details|data|records|accounts?|balances?|addresses|numbers?|information) (?:of|for|about|on) "
    rf"(?:every|all|each|any|the other|other|another|the last|the previous)\s+(?:other )?{_PEOPLE}\b",
)
_INJECTION = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.I | re.M)
# Every pattern needs one of these words; most sentences have none, so the regex rarely runs.
_CUES = ("system", "assistant", "developer", "admin", "ai", "bot", "human", "inst", "<|", "<<", "##",
         "ignor", "disregard", "forget", "overrid", "bypass", "skip", "prompt", "jailbr", "print", "repeat",
         "reveal", "words above", "you are now", "pretend", "act as", "from now on", "instruction", "note",
         "message", "reminder", "model", "llm", "gpt", "rapport", "copilot", "co-pilot", "summari", "as an",
         "whoever", "whatever", "anyone", "anything", "your", "every", "all", "other", "another", "the last",
         "the previous", "the next", "each", "database", " db", "list", "records", "table", "details", "data")


def addresses_the_system(text: str | None) -> bool:
    """Is this text talking to the assistant or its tools (or fishing for other customers' data)?"""
    lowered = (text or "").lower()
    return any(cue in lowered for cue in _CUES) and bool(_INJECTION.search(text or ""))
