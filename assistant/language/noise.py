"""Transcript noise: what a contact's record holds that nobody said to us. Phone-menu prompts and hold messages
(speech-to-text often files them under the customer), redaction placeholders, system lines, and the earlier
message an e-mail quotes below its reply. None of it is ever read as the customer's words.

These are exact, formulaic texts, so patterns are the right tool here (the language layer's grammar is not).
"""

from __future__ import annotations

import re

from assistant.language.injection import addresses_the_system

# Phone menus and hold messages: recorded prompts, always in the company's voice.
_MENU = re.compile(
    r"\b(?:press|say) (?:one|two|three|four|five|six|seven|eight|nine|zero|star|hash|pound|\d)\b|"
    r"\bfor [\w ,]{2,40}(?:,|\.)? (?:please )?press\b|"
    r"\byour call is (?:important|valuable) to us\b|\bthank you for (?:holding|your patience|waiting)\b|"
    r"\b(?:please|kindly) (?:continue to )?hold(?: the line)?\b|\b(?:you are|you're) (?:being )?(?:held )?in a queue\b|"
    r"\ball (?:of )?our (?:agents|advisers|advisors|colleagues|lines|operators) are (?:currently )?(?:busy|engaged)\b|"
    r"\b(?:this call|calls) (?:may|will|are|is) (?:be )?(?:recorded|monitored)\b|\bivr\b|\bmain menu\b|"
    r"\bmenu ?>|"
    r"\byou are (?:caller )?number \w+ in the queue\b|\bestimated wait(?:ing)? time\b|"
    r"\bplease listen carefully as our (?:menu )?options\b|\bto hear these options again\b|"
    # a speech-recognition menu: "To help us direct your call, please say in a few words what you're calling about"
    r"\bto help us (?:direct|route|connect|deal with) your call\b|\b(?:say|tell us),? (?:briefly|in a few words)\b|"
    # the recorded redirect before a queue: "If this is an emergency, please hang up and dial 911"
    r"^if (?:this is an emergency|you(?:'re| are) calling (?:about|to|regarding|from)|you (?:smell|have lost|need "
    r"to report))\b[^.?!]{0,80}\b(?:please )?(?:hang up|stay on the line|press|dial|call|visit)\b|"
    r"\bplease (?:hang up and (?:dial|call)|stay on the line)\b(?![^.?!]*\?)|"
    r"\ban? (?:adviser|advisor|agent|colleague|operator) will be with you (?:shortly|soon|in a moment)\b|"
    r"\bwelcome to [A-Z][\w ]{2,40}(?:\.|,) (?:for|if|please|your)\b|^welcome to [A-Z][\w' ]{2,50}[.!]?$|"
    r"^thank(?:s| you) for calling [A-Z][\w' ]{2,50}[.!]?$|\[(?:hold music|music|ringing|"
    r"silence|inaudible|crosstalk|background noise)\]",
    re.I,
)
# A system's own line in a chat or call record.
_SYSTEM_LINE = re.compile(
    r"^\W*(?:chat|call|conversation|session)s? (?:was |has been )?(?:transferred|ended|closed|started|"
    r"disconnected|timed out|reassigned)\b|^\W*(?:customer|visitor|agent|user|caller) (?:has )?(?:left|joined|"
    r"disconnected|ended|is typing|was transferred|hung up)\b|^\W*(?:agent|adviser|advisor) [\w .-]{1,30} "
    r"(?:joined|left|has joined|has left)\b|^\W*(?:automated message|auto-?reply|system)\s*:|"
    r"^\W*\[(?:system|auto|bot)\]|^\W*(?:attachment|file) (?:uploaded|received|sent)\b",
    re.I,
)
# An anonymiser's placeholder ("[NAME]", "[DURATION]", "[CARD]") and the debris a redactor leaves ("$,", "£.").
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z_ ]*\]|<[A-Z][A-Z_ ]*>|\{\{?[A-Z_]+\}?\}|[$£€][,.]|\*{3,}|#{3,}|X{4,}")
_WORD = re.compile(r"[A-Za-z]{2,}")
# Where an e-mail starts quoting what it replies to.
_QUOTE_HEADER = re.compile(
    r"(?:^|\n)\s*(?:-{2,}\s*(?:original message|forwarded message)\s*-{2,}|on [^\n]{4,80}\bwrote:|"
    r"from: [^\n]+\n\s*sent: |>\s)", re.I)


# An automatic e-mail: an acknowledgement or an out-of-office. Its "we will reply within 5 working days" is nobody's
# promise and its "I'm away until Monday" nobody's news.
_AUTO_REPLY = re.compile(
    # "Automatic reply: ..." heading a line (a subject or first line), not "you'll get an automatic e-mail"
    r"^\W*(?:subject:\s*)?(?:(?:re|fwd?):\s*)?(?:this is an? )?(?:automated|automatic|auto)[- ]?(?:generated )?"
    r"(?:reply|response|message|e-?mail|acknowledge?ment|notification)\b|\bthis is an automated\b|"
    r"\bplease do not reply (?:to|directly to) this\b|"
    r"\bthis (?:mailbox|inbox|address) is not monitored\b|\b(?:i am|i'm) (?:currently )?out of (?:the )?office\b|"
    r"\bthank you for (?:your (?:e-?mail|message|enquiry)|contacting [A-Z][\w ]{1,30})[^.!?]{0,40}[.!]\s+"
    r"(?:we|our team|one of our team|a member of our team) (?:aim|will|endeavour|try) to (?:reply|respond|get back)",
    re.I | re.M)


def is_auto_reply(text: str) -> bool:
    return bool(_AUTO_REPLY.search(text))


def is_menu(text: str) -> bool:
    return bool(_MENU.search(text))


def is_system_line(text: str) -> bool:
    return bool(_SYSTEM_LINE.search(text))


def only_placeholders(text: str) -> bool:
    """Nothing but placeholders and small words once the redactions are taken out ("[NAME] [DURATION] $,")."""
    left = _PLACEHOLDER.sub(" ", text)
    return left != text and len(_WORD.findall(left)) < 2


def without_placeholders(text: str) -> str:
    return " ".join(_PLACEHOLDER.sub(" ", text).split())


def has_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.search(text))


def without_quoted_reply(text: str) -> str:
    """An e-mail's own words, without the earlier message quoted below them."""
    m = _QUOTE_HEADER.search(text)
    kept = text[: m.start()] if m else text
    return "\n".join(line for line in kept.splitlines() if not line.lstrip().startswith(">")).strip()


# The masks Rapport's own redaction writes: they stand for a value the customer did give ("my email is [EMAIL]").
_OWN_MASKS = frozenset({"[EMAIL]", "[SSN]", "[NI NUMBER]", "[SORT CODE]", "[DOB]", "[PASSPORT]", "[CVV]", "[PIN]",
                        "[ROUTING]", "[ACCOUNT]", "[POSTCODE]", "[PASSWORD]", "[SECRET ANSWER]", "[ADDRESS]",
                        "[CODE]"})


_SECURITY_MASKS = ("[DOB]", "[PIN]", "[POSTCODE]", "[PASSWORD]", "[SECRET ANSWER]", "[CODE]", "[CVV]")


def gives_security_answer(text: str) -> bool:
    """A sentence with a security answer masked in it ("[PIN]. zip is [POSTCODE] before you ask"): the check, not
    what the contact is about."""
    return any(m in text for m in _SECURITY_MASKS)


def foreign_placeholders(text: str) -> bool:
    """Placeholders or debris another system's anonymiser left ("[DURATION]", "[NAME]", "$,"): a sentence with
    them has lost words, so it is never quoted as what the customer said."""
    return any(m.group(0) not in _OWN_MASKS for m in _PLACEHOLDER.finditer(text))


# A button pressed in an app ("[Selected: Yes, it was me]"): an answer the readers may use, but nobody's words
_APP_CHOICE = re.compile(r"^\W*\[(?:selected|tapped|clicked|chose|choice|button|option)\b[^\]]*\]\W*$", re.I)


def quotable(text: str) -> bool:
    """May this sentence be shown as someone's words? Not noise, nothing missing from it, not talking to the
    system (an injection is never quoted, even as the customer's own words)."""
    return not is_noise(text) and not foreign_placeholders(text) and not addresses_the_system(text) and \
        not _APP_CHOICE.match(text)


def is_noise(text: str) -> bool:
    """A sentence nobody said to us as themselves: a menu or hold prompt, a system line, only placeholders."""
    return is_menu(text) or is_system_line(text) or only_placeholders(text)
