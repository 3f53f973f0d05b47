"""One contact in a few words: its text cleaned, why the customer got in touch (their opening request, or our
outbound call), what was done (the agent's key action, or the customer confirming it worked), each paraphrased
in the third person where the synopsis' rewriter can, and the dated "done" line a handover lists for it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.drafting.context import CustomerContext
from assistant.drafting.guardrails import looks_like_injection
from assistant.drafting.phrasing import CHANNEL_NOUNS, day_month
from assistant.drafting.synopsis import third_person
from assistant.drafting.synopsis.words import IDENTIFICATION, VERIFICATION, VERIFICATION_MAX_WORDS
from assistant.language import noise
from assistant.language.chasing import chases_us
from assistant.language.grammar import DEFAULT_PIPELINE, told_about
from assistant.models import Citation, DraftSentence, Interaction, as_utc

_EMAIL_NOISE = re.compile(
    r"^(?:subject:.*|re:.*|(?:hi|hello|dear)\b[^.!?\n]{0,40},?|(?:kind |best )?regards,?|thanks,?|thank you,?|"
    r"best wishes,?|many thanks,?|cheers,?|[A-Z][a-z]+|[A-Z])$",
    re.I,
)
WRITTEN_NOTES = {"ticket", "other"}  # channels whose agent and system turns are notes, not speech
# Channels where the customer is there while the agent hands over, so an introduction can be said to them.
LIVE_CHANNELS = {"voice", "phone", "chat", "webchat", "branch", "video"}
_SOCIAL_NOISE = re.compile(r"^\s*(?:@\w+\s+)+|\s+\^\w+\s*$")  # a leading @handle, a trailing "^Jo" signature
# a portal's framing of the customer's words: "Message from customer via claims portal:", "Customer upload via...:"
_PORTAL_PREFIX = re.compile(r"^(?:customer |message |upload |reply )[^:]{0,60}:\s*", re.I)
_EMOJI = re.compile(r"\s*[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]+\s*")


def clean_turn_text(text: str, channel: str) -> str:
    """Drop channel furniture (email subject, salutation and sign-off; social handles and signatures; a ticket's
    "Message from customer via the portal:") and any instruction-like sentence."""
    if noise.is_auto_reply(text):
        return ""  # an automatic reply or out-of-office: nobody's words
    if channel == "email":
        text = noise.without_quoted_reply(text)
    lines = text.splitlines() if channel == "email" else [text]
    kept = [ln for ln in (ln.strip() for ln in lines) if ln and not (channel == "email" and _EMAIL_NOISE.match(ln))]
    joined = " ".join(kept)
    if channel == "social":
        joined = _SOCIAL_NOISE.sub("", joined)
    elif channel == "ticket":
        joined = _PORTAL_PREFIX.sub("", joined)
    return " ".join(p for p in re.split(r"(?<=[.!?])\s+", joined)
                    if p and not looks_like_injection(p) and noise.quotable(p))


def _sentences(text: str) -> list[str]:
    """Sentences, each a verbatim piece of the text (so it can be quoted); an emoji run ends a sentence, and a
    sentence too short to stand alone ("They haven't come.") stays with the one before it."""
    out: list[str] = []
    for p in re.split(r"(?<=[.!?])\s+|" + _EMOJI.pattern, text):
        p = (p or "").strip()
        if not p:
            continue
        if out and len(p.split()) < 4 and _PROBLEM.search(p) and f"{out[-1]} {p}" in text:
            out[-1] = f"{out[-1]} {p}"
        else:
            out.append(p)
    return out


@dataclass(frozen=True)
class Said:
    """A sentence from a contact: the words as said, who said them, where, and (when it reads well) the same
    sentence in the third person ("Maria set up a new savings pot and can't see it in the app")."""

    words: str
    turn_id: str
    speaker: str
    reported: str = ""

    def quote(self, max_words: int = 25) -> str:
        words = self.words.split()
        return " ".join(words[:max_words]) + ("\u2026" if len(words) > max_words else "")


# What a sentence may open with before it says anything: "Hi Dan,", "Yes,", "Good news:", "Of course."
_OPENER = re.compile(r"^(?:(?:hi|hello|hiya|hey|morning|afternoon|good (?:morning|afternoon|evening))\b[^,.!?]{0,20}"
                     r"|yes|no|ok|okay|right|great|perfect|lovely|sure|of course|good news|great news|done)"
                     r"\s*[,.!:]\s*", re.I)
_SMALL_TALK = re.compile(r"^(?:thanks|thank you|you're welcome|no problem|is there anything else|anything else|"
                         r"that's (?:all|fine|great|it)|(?:i'm )?sorry (?:to (?:be a nuisance|bother|trouble)"
                         r"|about))\b", re.I)
# An explicit request outranks a problem described, which outranks anything else.
_ASKS = re.compile(
    r"\b(?:want|wanted|need|needs|would like|i'd like|can i|could i|can you|could you|can someone|how (?:do|can)|"
    r"wondering|ask(?:ing)? about|please|planning|thinking (?:of|about)|looking (?:at|for|to|into))\b", re.I)
_PROBLEM = re.compile(
    r"\b(?:can't|cannot|isn't|hasn't|haven't|won't|doesn't|didn't|don't|still|blocked|declined|missing|lost|"
    r"stolen|charged|problem|wrong|stopped|complain\w*|burst|flooded|broken|not (?:showing|working|arrived))\b",
    re.I)
_VAGUE = re.compile(r"\b(?:it|one|that|this|them)\b", re.I)  # "Can you send me one?" says nothing on its own
# "Quick one about my car loan." names the topic of the request that follows
_PREFACE = re.compile(r"^(?:(?:a |just a )?quick (?:one|question)|(?:a |one )?question|it's)\s+about (?:my |the |our )?"
                      r"(?P<what>[\w' -]{3,40}?)[.!]?$", re.I)
# After "The agent says", a clause with no subject of its own is an instruction.
_SUBJECTLESS = re.compile(r"^(?!(?:the|a|an|their|they|we|our|it|its|there|this|that|these|those|some|any|if|when|"
                          r"once|so|no|all|each|every|one|nobody|someone)\b)[a-z]+\b")
# Reported speech reads well for these kinds; "X says ..." reports are left as quotes.
_REPORTED_KINDS = {"first", "request", "question", "note", "suggest", "offer", "thanks"}


def _usable(sentence: str) -> str:
    """The sentence without a greeting or "Yes," in front, or "" when nothing worth quoting is left."""
    s = sentence.strip()
    while (m := _OPENER.match(s)) and m.end() < len(s):
        s = s[m.end():]
    words = len(s.split())
    if (words < 4 or (_SMALL_TALK.match(s) and words <= 7) or s.startswith("[") or IDENTIFICATION.search(s)
            or (VERIFICATION.search(s) and words <= VERIFICATION_MAX_WORDS)):
        return ""
    return s[:1].upper() + s[1:]


def _reported(words: str, speaker: str, listener: str, note: bool = False) -> str:
    """The sentence in the third person when it reads well; an agent's "The agent says X" is just X, with "they"
    (our "we") back to "we"."""
    out = third_person(words, speaker, listener, note=note)
    if out is None or len(out[0].split()) > 35:
        return ""
    text, kind = out
    if kind == "says" and text.startswith("The agent says "):
        text = text[len("The agent says "):]
        if _SUBJECTLESS.match(text):  # an instruction: "Start a chat or give us a call"
            return f"The agent asked {listener} to {text}"
        for they, we in (("they ", "We "), ("their ", "Our ")):
            if text.startswith(they):
                return we + text[len(they):]
        return text[:1].upper() + text[1:]
    return text if kind in _REPORTED_KINDS else ""


# "I did say after Christmas, didn't I?" checks a fact; it asks for nothing
_TAG_QUESTION = re.compile(r",\s*(?:did|do|does|is|was|are|were|have|has|had|will|would|can|could|should)(?:n't| not)?"
                           r"\s+(?:i|you|we|they|it|he|she|there)\s*\?\s*$", re.I)


def opening_request(inter: Interaction, name: str) -> Said | None:
    """Why the customer got in touch: the request or problem in their opening turns (not a later reply, such as
    turning down an offer), with a greeting or their name dropped."""
    best: tuple[float, Said, str] | None = None
    turns = [t for t in inter.turns if t.speaker == "customer"][:3]
    for n, t in enumerate(turns):
        sentences = _sentences(clean_turn_text(t.text, inter.channel))
        preface = next((m.group("what") for m in map(_PREFACE.match, map(_usable_or_self, sentences)) if m), "")
        # "I emailed two weeks ago and nobody answered" is why they are cross, not what they need
        usable = [u for u in map(_usable, sentences) if u and not _PREFACE.match(u) and not chases_us(u)]
        for k, s in enumerate(usable):
            score = (0.0 if _TAG_QUESTION.search(s) else 3.0 if _ASKS.search(s) or s.endswith("?")
                     else 2.0 if _PROBLEM.search(s) else 0.0)
            score += 0.5 * bool(re.search(r"\d", s)) + (k == 0) - 0.5 * k - 1.5 * n
            score -= 1.5 * (len(s.split()) <= 8 and bool(_VAGUE.search(s)))
            if best is None or score > best[0]:
                best = (score, Said(s, t.turn_id or "", "customer"), preface)
        if best is not None and best[0] >= 2.0:
            break  # the first turn with a request is the opening one
    if best is None or (_we_wrote_first(inter) and best[0] < 2.0):
        return None  # a thank-you to our email is a reply, not a reason for getting in touch
    _, said, preface = best
    reported = _reported(said.words, name, "the agent")
    if reported and preface and preface.lower() not in reported.lower():
        reported = f"{reported[:-1]} (about their {preface})."
    return Said(said.words, said.turn_id, said.speaker, reported)


def _we_wrote_first(inter: Interaction) -> bool:
    first = next((t for t in inter.turns if t.speaker != "system"), None)
    return inter.channel == "email" and first is not None and first.speaker == "agent"


def _usable_or_self(sentence: str) -> str:
    return _usable(sentence) or sentence.strip()


_CALLED_ABOUT = re.compile(r"\b(?:calling|ringing|call)\b[^.?!]*?\babout (?P<what>[^.?!]+)", re.I)


def we_started(inter: Interaction) -> bool:
    """We wrote or rang first (a letter, our e-mail, our call): a contact of ours, not the customer getting in
    touch."""
    first = next((t for t in inter.turns if t.speaker in ("agent", "customer") and t.text.strip()), None)
    if first is None or first.speaker != "agent":
        return False
    return inter.channel in ("email", "letter", "sms") or outbound_call(inter, "") is not None


def customer_contacts(story: list[Interaction]) -> list[Interaction]:
    """The contacts the customer started ("in touch three times" counts these, never our letters or calls)."""
    return [i for i in story if not we_started(i)]


def outbound_call(inter: Interaction, name: str, pipeline: str = DEFAULT_PIPELINE) -> Said | None:
    """When we opened the contact by calling the customer: what we called about ("We called Tom about their car
    loan application")."""
    first = next((t for t in inter.turns if t.speaker != "system"), None)
    if first is None or first.speaker != "agent" or inter.channel not in {"voice", "other"}:
        return None
    for s in _sentences(first.text):
        m = _CALLED_ABOUT.search(s)
        if m:
            what = told_about(m.group("what").strip(), None, pipeline)
            return Said(s, first.turn_id or "", "agent", f"We called {name} about {what}.")
    return None


_CONFIRMS = re.compile(r"^\W*(?:yes|yeah|yep|yup|correct|that's (?:right|correct)|right|exactly|uh-huh)\W*"
                       r"(?:(?:yes|correct|that's right)\W*)?$", re.I)
_PURPOSE = re.compile(r"\byou(?:'re| are| were|'ve been)? (?:connected|connecting|put through|transferred|calling|"
                      r"ringing|looking|hoping|wanting|seeking|interested)(?: (?:to |with )?me)? "
                      r"(?P<prep>to|about|for|in) (?P<what>[^,?.]{4,80}?)(?: today| right now| now)?(?=$|[,?.])", re.I)
CONFIRMED = " (as they confirmed at the start)"  # in the written reason; the spoken introduction leaves it out
_PURPOSE_VERB = {"to": "wanted to", "about": "got in touch about", "for": "was looking for", "in": "was interested in"}


def confirmed_purpose(inter: Interaction, name: str, pipeline: str = DEFAULT_PIPELINE) -> Said | None:
    """When the agent opens with the reason ("It looks like you were connected to me to compare rates on auto
    insurance today, correct?") and the customer's first words only confirm it, that reason is theirs."""
    first = next((i for i, t in enumerate(inter.turns) if t.speaker == "customer"), None)
    if not first or not _CONFIRMS.match(inter.turns[first].text.strip()):
        return None
    # The reason may come a turn before its tag question: "...to compare rates on auto insurance today." "Correct?"
    before = [t for t in inter.turns[max(0, first - 2):first] if t.speaker == "agent"]
    said = [(t, s) for t in before for s in _sentences(t.text)][-2:]
    for turn, sentence in reversed(said):
        m = _PURPOSE.search(sentence)
        if m and len(m.group("what").split()) >= 2:  # "connected to me to compare." says too little
            what = told_about(m.group("what").strip(), None, pipeline)
            return Said(sentence, turn.turn_id or "", "agent",
                        f"{name} {_PURPOSE_VERB[m.group('prep').lower()]} {what}{CONFIRMED}.")
    return None


def why_in_touch(inter: Interaction, name: str, pipeline: str = DEFAULT_PIPELINE) -> Said | None:
    """Our call when we rang them; else the reason they confirmed; else the request that opened the contact."""
    return (outbound_call(inter, name, pipeline) or confirmed_purpose(inter, name, pipeline)
            or opening_request(inter, name))


_ACTION = re.compile(
    r"\b(?:i've|i have|i'll|i will|i'm (?:raising|sending|adding|going to|opening)|we've|we'll|we will|done|"
    r"escalat\w*|raised|opened|ordered|sent|sending|booked|added|applied|chased|marked|refund\w*|credit\w*|posted|"
    r"arranged|set up|cancel\w*|approved|reference|paid|completed|requested|quote|moved|updated|urgent|"
    r"give us a call|start a chat|call us)\b",
    re.I,
)
_DONE = re.compile(r"\b(?:i've|i have|we've|we have|has been|have been|is now|now permanent|all done)\b", re.I)
_ANSWER = re.compile(r"\b(?:you can|we can|lets you|there's no|there is no|costs?|fees?|charge|rate|usually|arrive|"
                     r"takes?)\b", re.I)
_WORKS_NOW = re.compile(r"\b(?:(?:it's|is) there now|works now|working now|that's worked|sorted now)\b", re.I)


def key_action(inter: Interaction, name: str) -> Said | None:
    """What was done: the agent's (or a note's) most action-laden sentence, favouring what is already done, or
    the customer saying it works now. Identity checks and questions never count."""
    notes = inter.channel in WRITTEN_NOTES
    best: tuple[float, Said] | None = None
    for i, t in enumerate(inter.turns):
        if t.speaker == "system" and not notes:
            continue  # an app's alert or a branch's visit header is not something we did
        for s in _sentences(clean_turn_text(t.text, inter.channel)):
            s = _usable(s)
            if not s or s.endswith("?"):
                continue
            if t.speaker == "customer":
                score = 2.5 if _WORKS_NOW.search(s) else 0.0
            else:
                score = (len(_ACTION.findall(s)) + 1.0 * bool(_DONE.search(s)) + 0.7 * bool(_ANSWER.search(s))
                         + 0.5 * bool(re.search(r"\d|[A-Z]{2,}-\d", s)) - len(s.split()) / 60)
            score += 0.01 * i  # later is closer to the outcome
            if score > 0.5 and (best is None or score > best[0]):
                best = (score, Said(s, t.turn_id or str(i), t.speaker))
    if best is None:
        return None
    said = best[1]
    if said.speaker == "customer":
        reported = _reported(said.words, name, "the agent")
    else:
        reported = _reported(said.words, "The agent", name, note=notes)
    return Said(said.words, said.turn_id, said.speaker, reported)


def done_line(ctx: CustomerContext, inter: Interaction) -> DraftSentence | None:
    """One dated line per contact: why they got in touch, what we did, and the outcome, in reported speech
    where it reads well and in their own words where it does not."""
    when = as_utc(inter.started_at)
    prefix = f"{day_month(when, ctx.now)}, {CHANNEL_NOUNS.get(inter.channel, inter.channel)}: "
    asked = why_in_touch(inter, ctx.name, ctx.settings.language_pipeline)
    action = key_action(inter, ctx.name)
    parts, turn_ids = [], []
    if asked:
        parts.append(asked.reported or f"{ctx.name}: \u201c{asked.quote()}\u201d")
        turn_ids.append(asked.turn_id)
    if action and (not asked or action.turn_id != asked.turn_id):
        who = "Note" if inter.channel == "ticket" else ctx.name if action.speaker == "customer" else "We"
        parts.append(action.reported or f"{who}: \u201c{action.quote()}\u201d")
        turn_ids.append(action.turn_id)
    if not parts:
        return None
    text = prefix + " ".join(parts) + (f" Outcome: {inter.outcome}." if inter.outcome else "")
    return DraftSentence(text=text, citations=[Citation(interaction_id=inter.interaction_id, turn_ids=turn_ids)])
