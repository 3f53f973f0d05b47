"""The customer as a person: preferences (channel, time, pace), consent statements, and details worth keeping
(accessibility needs, work, pets). Life events live in life.py."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.language.grammar import grammar
from assistant.language.names import introduced_name, plausible_name
from assistant.language.reading import negation_scope
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, Said, make_fact
from assistant.models import Fact

if TYPE_CHECKING:
    from spacy.tokens import Token

_ACCESSIBILITY_RE = re.compile(r"\b(hard of hearing|deaf|hearing aids?|hearing isn't|don't hear well|can't hear|"
                               r"speak up|partially sighted|blind|visually impaired|dyslexi\w+|wheelchair|large print|"
                               r"braille)\b", re.I)
_WORK_RE = re.compile(r"\b(?:i work (?:as an? |at |in |for |nights|shifts|from home|twelve-hour|\d+-hour)"
                      r"(?:(?! and | but |, )[\w -]){0,40}|"
                      r"i(?:'m| am) an? (?:nurse|teacher|doctor|student|driver|engineer|carer|pilot|chef|"
                      r"police officer|firefighter|builder|farmer|self-employed|freelance \w+|freelancer|"
                      r"retired \w+|[a-z]+ by trade))", re.I)
_PET_RE = re.compile(r"\b(?:my|our) (?:new |little )?(dog|cat|puppy|kitten|horse)(?:,? ([A-Z][a-z]+))?")
_ANY_DETAIL = re.compile("|".join(p.pattern for p in (_ACCESSIBILITY_RE, _WORK_RE)) + r"|\b(?:my|our) (?:new |little )?"
                         r"(?:dog|cat|puppy|kitten|horse)\b", re.I)
_ANY_CONSENT = re.compile(f"{lx.CONSENT_OUT_RE.pattern}|{lx.CONSENT_IN_RE.pattern}", re.I)
# Channels named as wanted or unwanted: "only contact me by email, no calls or texts".
_WANTED = re.compile(r"\b(?:only|prefer(?:s)?(?: us to| you to)?|rather|by|best by|(?:ring|call|phone) me|"
                     r"contact me by) (?:contact (?:me|her|him) )?(?:by |on (?:the )?)?"
                     r"(e-?mail|phone|post|letter|text|app|paper|in writing|ring|call)", re.I)
# The words between never open a clause ("I don't know what you call it" is no refusal of calls), and the channel
# word is a noun, not the verb of "call it".
# "I got no phone call" / "nobody rang, no call, nothing" is a complaint about us, not a wish
_UNWANTED = re.compile(r"(?<!\bgot )(?<!\bhad )(?<!\bgiven )(?<!\breceived )(?<!\bwas )(?<!\bthere's )(?<!\bbut )"
                       r"(?<!\bnobody, )(?<!\bnothing, )"
                       r"\b(?:no|not|never|don't|do not|can't get on with)(?: (?!know\b|what\b|if\b|whether\b|how\b)"
                       r"\w+){0,3}? (e-?mails?|texts?|calls?|phone calls?|phoning|ringing|post|letters?|the mobile)\b"
                       r"(?! (?:it|him|her|them|that|(?:me |us )?(?:about|to|for|because|again|back|from|up|round))\b)",
                       re.I)
_CH = (r"e-?mail|phone|post|letters?|texts?|text messages?|app|chat|branch|landline|mobile|paper|in writing|"
       r"calling|ringing|phoning|calls?")
# The same channels as they come up in wishes: "Email's best for me", "I'd rather sort this over chat", "WhatsApp me
# if you can", "I'm more of a chat person", "I like a proper letter through the door".
_CH_WIDE = (r"e-?mails?|phone(?: calls?)?|post|letters?|texts?|text messages?|app|chat|branch|landline|whatsapp|"
            r"in writing|face to face|calls?")
_GOOD = re.compile(rf"\b({_CH_WIDE})(?:'s| is| are| works?)(?: the| a| much| far| always)? (?:best|better|easier|"
                   rf"easiest|fine|good|preferable|ideal)\b", re.I)
_LEANING = re.compile(rf"\b(?:rather(?! than)|prefer\w*|more comfortable|i like|i'd like|"
                      rf"keep (?:it|things|everything)|more of an?)\b[^.?!,;]{{0,30}}?\b({_CH_WIDE})\b", re.I)
_TELL_ME = re.compile(r"\b(?:just )?(whatsapp|text|e-?mail) me\b(?=[^.?!]{0,40}\b(?:if you can|if u can|instead|"
                      r"rather|only|please|the outcome|first)\b)|\bjust (whatsapp|text|e-?mail|ring|phone) me\b", re.I)
_NO_VOICEMAIL = re.compile(r"\b(?:don't|do not|never|please don't) leave (?:a |any )?(?:voicemails?|messages?)\b|"
                           r"\bno voicemails?\b", re.I)
# The agent asked how to get in touch: a short answer naming a channel is the preference ("Email, please.").
_ASKED_HOW = re.compile(r"\bhow (?:would|should|do) you (?:like|prefer|want)\b[^?]{0,40}\b(?:contact|updates?|send|"
                        r"hear|reach)|\b(?:by|via) (?:text|email|e-mail|post|phone) or (?:by |via )?(?:text|email|"
                        r"e-mail|post|phone)\b", re.I)
# "email rather than phone", "in the branch than over the phone", "chat is much better for me than calling"
# "I'd rather someone phoned me than do these chats": the verbs and plurals people compare with count too
_CH_COMPARED = rf"{_CH}|chats|phoned|rang|emailed|e-mailed|texted|wrote"
_COMPARED = re.compile(rf"\b(?:by |in |on |over |via )?(?:the |an? )?(?P<a>{_CH_COMPARED})\b(?: (?!than\b)\w+){{0,5}}? "
                       rf"than (?:(?:do|doing|use|using|have|having) )?(?:by |in |on |over |via )?"
                       rf"(?:the |an? |these |this |those )?(?P<b>{_CH_COMPARED})\b", re.I)
_COMPARING = re.compile(r"\b(?:rather|prefer|better|easier)\b", re.I)
_NOT_BY = re.compile(r"\b(?:don't|do not) (?:want|like) (?:anyone|anybody|you|people|them|someone) "
                     r"(?P<b>ringing|calling|phoning|texting|emailing|e-mailing) me\b(?! about)|"
                     r"\b(?:don't|do not|please don't) (?:use|ring|call|text) (?:my |the )?(?P<c>mobile|landline)\b",
                     re.I)
_IN_WRITING = re.compile(r"\bput (?:it|that|this|everything|them) (?:in (?:an |a )?(?P<a>e-?mail|writing|letter)|"
                         r"on (?P<p>paper))\b|\b(?:like|prefer|want) (?:having|getting|to have) (?:it|things|them|"
                         r"everything) (?:on (?P<q>paper)|in (?P<w>writing)|by (?P<r>post))\b", re.I)
_PAYING = re.compile(r"\b(?:rather|prefer to|like to) pay (?P<how>monthly|annually|yearly|quarterly|in full|"
                     r"by direct debit|in one (?:lump sum|go))\b", re.I)
_CHANNEL_NAMES = {"email": "email", "e-mail": "email", "emails": "email", "e-mails": "email", "phone": "phone",
                  "ring": "phone", "call": "phone", "calls": "phone", "phone call": "phone", "phone calls": "phone",
                  "post": "post", "letter": "post", "letters": "post", "paper": "post", "in writing": "post",
                  "text": "text", "texts": "text", "the mobile": "text", "app": "app",
                  "text message": "text", "text messages": "text", "calling": "phone", "ringing": "phone",
                  "phoning": "phone", "texting": "text", "emailing": "email", "e-mailing": "email", "chat": "chat",
                  "branch": "branch", "landline": "landline", "mobile": "mobile", "whatsapp": "WhatsApp",
                  "face to face": "branch", "home number": "landline", "work number": "phone", "chats": "chat",
                  "phoned": "phone", "rang": "phone", "emailed": "email", "e-mailed": "email", "texted": "text",
                  "wrote": "post"}
_ONLY = re.compile(r"\b(e-?mail|phone|post|text|letters?)(?: (?:or|and) (e-?mail|phone|post|text|letters?))? only\b",
                   re.I)
_AGENT_NOTE = re.compile(r"\b(note|noted|updated your contact preferences|preferences?)\b", re.I)
_TIME_PREF = re.compile(r"\b(?:are|is|would be|works?) (?:best|better|easiest|fine)\b|\bbest (?:time|to call)\b|"
                        r"\bonly time (?:i|you|we) (?:can|could) (?:take|talk|answer|speak)\b|\bsuits? me\b|"
                        r"\bjust not\b", re.I)
# The agent asked when to call: the days and times in a short answer are the preference ("Any day but Friday").
_ASKED_WHEN = re.compile(r"\b(?:good|best|convenient) time\b|\btime that suits\b|\bwhen(?:'s| is| would be) "
                         r"(?:a )?(?:good|best|convenient)\b", re.I)
# A wish for this contact only ("phone is fine for this one", "that morning"), or a yes to the slot we just offered
# ("8 till 1 is fine" after "the engineer comes between 8 and 1"): no standing preference.
_ONE_OFF = re.compile(r"\b(?:for this one|this one time|this time|just this once|for now|for today|that (?:morning|"
                      r"afternoon|evening|day)|on the day|tomorrow|tonight)\b", re.I)
_SLOT_OFFERED = re.compile(r"\b(?:engineer|appointment|visit|slot|technician|fitter|delivery|courier|surveyor|"
                           r"assessor|will come|between \d{1,2}(?::\d\d)? ?(?:am|pm)? and \d)", re.I)
_ANY_DAY_BUT = re.compile(r"\bany day (?:but|except) (\w+day)s?\b", re.I)
_USE_NUMBER = re.compile(r"\buse (?:the |my )?(landline|mobile|home number|work number)\b", re.I)
_FROM_NOW = re.compile(r"\b(?:from now on|in future|going forward|from here on)\b", re.I)


# A bare "no call" is a wish only said as one ("no calls please", "no calls, just email"); in a story it is what
# did not happen ("he turned up late, no call, nothing").
_BARE_NO = re.compile(r"^no\s+\S+$", re.I)
_WISH_MARK = re.compile(r"\b(?:please|pls|thanks|from now on|in future|going forward|ever|again|just|only|instead|"
                        r"prefer|rather|want|wanted|'d like|would like|more)\b", re.I)


def _telling(m: re.Match[str], text: str) -> bool:
    return bool(_BARE_NO.match(m.group(0))) and not _WISH_MARK.search(text) and len(text.split()) > 3


def _choice_offered(said: Said, conversation: Conversation) -> set[str]:
    """The channels the agent's turn just before offered as a choice for this matter ("bring it into a branch or we
    can go through it on a video call"): picking one of them is about this contact, not a standing wish."""
    out: set[str] = set()
    for s in conversation.turn(said.index - 1):
        if s.speaker == "agent" and re.search(r"\bor\b", s.text, re.I):
            offered = {_channel(m.group(0)) for m in _ANY_CHANNEL.finditer(s.text)}
            if len(offered) >= 2:
                out |= offered
    return out


def _channel(word: str) -> str:
    word = " ".join(word.lower().split())
    if word.startswith("phone call"):
        word = "phone call"
    return _CHANNEL_NAMES.get(word, "post" if word == "writing" else word)


def _wished(said: Said, conversation: Conversation) -> tuple[set[str], set[str]]:
    """Channels wished for (and a voicemail refused) in the wider ways people say it."""
    text = said.text
    wanted = {_channel(m.group(1)) for m in _GOOD.finditer(text)}
    wanted |= {_channel(m.group(1)) for m in _LEANING.finditer(text)}
    wanted |= {_channel(m.group(1) or m.group(2)) for m in _TELL_ME.finditer(text)}
    wanted |= {_channel(m.group(1)) for m in _USE_NUMBER.finditer(text)}
    if _FROM_NOW.search(text) and not wanted and not re.search(r"\b(?:no|not|never|don't)\b", text, re.I):
        # "Could all my statements come on paper from now on?"
        wanted |= {_channel(m.group(1)) for m in re.finditer(rf"\b({_CH_WIDE}|paper)\b", text, re.I)}
    unwanted = {"voicemail"} if _NO_VOICEMAIL.search(text) else set()
    before = [s for s in conversation.turn(said.index - 1) if s.speaker != "customer"]
    if len(text.split()) <= 8 and any(_ASKED_HOW.search(s.text) for s in before):
        wanted |= {_channel(m.group(1)) for m in re.finditer(rf"\b({_CH_WIDE})\b", text, re.I)}
    return wanted, unwanted


# Channel words as the parser sees them (lemma -> channel); verbs count too ("ring me", "email me").
_CHANNEL_LEMMAS = {"email": "email", "e-mail": "email", "mail": "email", "text": "text", "sms": "text",
                   "call": "phone", "ring": "phone", "phone": "phone", "telephone": "phone", "voicemail": "voicemail",
                   "post": "post", "letter": "post", "paper": "post", "app": "app", "chat": "chat",
                   "whatsapp": "WhatsApp", "landline": "landline", "mobile": "mobile", "video": "video",
                   "branch": "branch"}
_ANY_CHANNEL = re.compile(r"\b(?:" + "|".join(sorted(_CHANNEL_LEMMAS, key=len, reverse=True)) + r")", re.I)
_WARM = {"fine", "best", "good", "better", "great", "ok", "okay", "easier", "easiest", "ideal", "preferable", "only",
         "prefer", "rather", "like", "love", "happy"}
# A refusal limited by when or where ("don't call before 10", "don't call me at school") limits the time.
_TIME_PREPS = {"before", "after", "until", "till", "during", "between", "at", "on", "in"}


def _channels_read(said: Said, conversation: Conversation) -> tuple[dict[str, str], list[str]]:
    """Channels and their polarity as the grammar reads them ({channel: "wanted"|"unwanted"}), and time limits
    said in a refusal ("don't call before 10" limits the time, it does not refuse calls). Only a wish counts: a
    refusal addressed to us ("never text me", "no calls", "not by phone"), a channel called fine or best, or one
    preferred; not a complaint ("you never ring back") nor their own doings ("I won't get to the branch")."""
    if not _ANY_CHANNEL.search(said.text):
        return {}, []  # nothing to read: most sentences name no channel, and parsing costs
    doc = (conversation.grammar or grammar()).one(said.text)
    scope = {t.i for t in negation_scope(doc)}
    polarity: dict[str, str] = {}
    limits: list[str] = []
    for t in doc:
        channel = _CHANNEL_LEMMAS.get(t.lemma_.lower()) or _CHANNEL_LEMMAS.get(t.lower_)
        if channel is None or t.pos_ not in {"NOUN", "VERB", "PROPN"}:
            continue
        if t.i in scope:
            if not _refusal(t) or any(c.lower_ in {"about", "regarding"} for c in t.children):
                continue  # "I don't want calls about mortgages" refuses a sale, not the phone
            timed = [c for c in t.children if c.lower_ in _TIME_PREPS]
            if timed and t.pos_ == "VERB":
                noun = {"phone": "calls", "text": "texts", "email": "emails", "post": "letters"}.get(channel, channel)
                limits.append(f"no {noun} " + " ".join(x.text for x in timed[0].subtree
                                                                   if x.lower_ not in {"please", "thanks"}))
                continue
            polarity[channel] = "unwanted"
        elif channel not in polarity and _welcomed(t):
            polarity[channel] = "wanted"
    return polarity, limits


_REACHING = re.compile(r"\b(?:pick up|answer|reach|contact|get hold|available|free to talk|speak|talk)\b", re.I)


def _whole_time(text: str, m: re.Match[str]) -> str:
    """The time words with the minutes the pattern stops short of ("before 3" -> "before 3:30")."""
    tail = re.match(r"[:.]\d\d\s?(?:am|pm)?|\s?(?:am|pm)\b", text[m.end():], re.I)
    return m.group(0) + (tail.group(0) if tail else "")


def _time_refused(said: Said, conversation: Conversation) -> bool:
    """The time words sit under a negation ("can't pick up before 3:30", "not in the mornings"), in a sentence
    about reaching them (not "a company I've never heard of, £240 on Sunday night")."""
    if not (_ANY_CHANNEL.search(said.text) or _REACHING.search(said.text)):
        return False
    doc = (conversation.grammar or grammar()).one(said.text)
    scope = {t.i for t in negation_scope(doc)}
    m = lx.TIME_OF_DAY_RE.search(said.text) or _ANY_DAY_BUT.search(said.text)
    return m is not None and any(t.i in scope for t in doc if m.start() <= t.idx < m.end())


_RECEIVING = {"get", "have", "receive", "be", "hear", "see"}


def _refusal(t: Token) -> bool:
    """A negated channel word that tells us what not to do: an order with no subject ("never text me", "please
    don't ring"), "no calls", "not by phone"."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in t.children):
        # "no calls, please" refuses; "I got no phone call" / "there was no call" complains that none came, as
        # does "no phone call" in a story told in the past ("I sat in all day, nobody, no phone call, nothing")
        return not (t.dep_ in {"dobj", "attr", "nsubj"} and t.head.lemma_ in _RECEIVING or t.sent.root.tag_ == "VBD")
    if t.dep_ == "compound" and any(c.dep_ == "det" and c.lower_ == "no" for c in t.head.children) and (
            t.head.dep_ in {"dobj", "attr", "nsubj"} and t.head.head.lemma_ in _RECEIVING or t.sent.root.tag_ == "VBD"):
        return False  # "no phone call" as above, the channel word a compound
    if t.head.lower_ == "by" and any(c.dep_ == "neg" for c in t.head.head.children) or t.head.lower_ == "by" and \
            any(c.lower_ == "not" for c in t.head.children):
        return True
    verb = t if t.pos_ == "VERB" else t.head
    has_subject = any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children)
    negated = any(c.dep_ == "neg" or c.lower_ == "never" for c in verb.children)
    # "I don't want calls": a wish of theirs, though it has a subject
    wish = verb.lemma_ in {"want", "like"} and any(c.lower_ in {"i", "we"} for c in verb.children)
    if verb.lemma_ in _RECEIVING:
        return False  # "never got the letter", "didn't get a call back": what did not come, not what not to do
    return negated and (not has_subject or wish)


def _welcomed(t: Token) -> bool:
    """'email is fine', 'letters are best', 'I'd rather you emailed', 'I prefer the app', 'post only'."""
    head = t.head
    if "than" in {head.lower_, head.head.lower_} or any(c.lower_ == "than" for c in t.children):
        return False  # "email rather than phone": phone is the one they don't want (the comparison rule reads it)
    if t.dep_ in {"nsubj", "nsubjpass"} and head.lemma_ == "be" and any(
            c.dep_ in {"acomp", "attr"} and c.lower_ in _WARM for c in head.children):
        # "email is fine", "texts would be best" is a wish; "calls have been fine since", "the app was good" is a
        # report on how something went
        return head.tag_ not in {"VBD", "VBN"} and not any(c.dep_ == "aux" and c.lemma_ == "have"
                                                          for c in head.children)  # "phone's been fine": a report
    if any(c.lower_ == "only" for c in t.children):
        return True
    chain = [t, head, head.head]
    return any(x.lemma_.lower() in {"prefer", "rather"} or any(c.lower_ == "rather" for c in x.children)
               for x in chain)


_ASKING_FOR = re.compile(r"\b(?:can|could|would|will) (?:you|someone|somebody|anyone)\b|\bplease\b|\bpls\b|"
                         r"^\W*(?:can|could|would|will|may|is it possible|is there any way)\b|\bfrom now on\b|"
                         r"\binstead\b", re.I)
# "call me Hal", "don't call me Robert", "everyone calls me Len": naming, not phoning
_NAMING = re.compile(r"\bcall(?:s|ed|ing)? me (?:by )?(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor)\.? )?(?P<name>[A-Z][a-z]+)\b")


def _names_only(text: str) -> bool:
    """The sentence's only channel word is a "call me <name>"."""
    named = [m for m in _NAMING.finditer(text) if plausible_name(m.group("name"))]
    if not named:
        return False
    rest = text
    for m in reversed(named):
        rest = rest[:m.start()] + rest[m.end():]
    return not _ANY_CHANNEL.search(rest)


def preferences(conversation: Conversation) -> list[Fact]:
    """Contact channel (wanted and unwanted), contact time, and pace, from the customer or an agent's note of it."""
    facts = []
    channel_sources: list = []
    all_wanted: set[str] = set()
    all_unwanted: set[str] = set()
    candidates = [s for s in conversation.said if s.speaker == "customer" or _AGENT_NOTE.search(s.text)]
    for said in candidates:
        text, lowered = said.text, said.text.lower()
        if _names_only(text):
            continue  # "don't call me Robert" is about a name, not the phone
        if said.speaker == "customer" and text.rstrip().endswith("?") and not _ASKING_FOR.search(text):
            continue  # "By letter or phone?" asks which; "could you email it to me?" asks for one
        wanted = {_channel(m.group(1)) for m in _WANTED.finditer(text)}
        for m in _ONLY.finditer(text):
            wanted |= {_channel(g) for g in m.groups() if g}
        unwanted = {_channel(m.group(1)) for m in _UNWANTED.finditer(text) if not _telling(m, text)}
        if said.speaker == "customer":
            more_wanted, more_unwanted = _wished(said, conversation)
            wanted |= more_wanted
            unwanted |= more_unwanted
        if _COMPARING.search(text):
            for m in _COMPARED.finditer(text):
                wanted.add(_channel(m.group("a")))
                unwanted.add(_channel(m.group("b")))
        for m in _NOT_BY.finditer(text):
            unwanted.add(_channel(m.group("b") or m.group("c")))
            if m.group("c"):  # "don't use my mobile, ring the landline instead"
                other = "landline" if m.group("c").lower() == "mobile" else "mobile"
                if re.search(rf"\b{other}\b", lowered):
                    wanted.add(other)
        for m in _IN_WRITING.finditer(text):
            wanted.add(_channel(next(g for g in m.groups() if g)))
        wanted -= unwanted
        limits: list[str] = []
        if said.speaker == "customer":
            # the grammar has the last word on which way a channel goes ("not by phone, letters are fine")
            read, limits = _channels_read(said, conversation)
            for channel, way in read.items():
                (wanted if way == "wanted" else unwanted).add(channel)
                (unwanted if way == "wanted" else wanted).discard(channel)
            if limits:
                unwanted -= {"phone"} - {c for c, w in read.items() if w == "unwanted"}
            if _COMPARING.search(text):  # "rather A than B" is explicit: B is not wanted, whatever else it says
                for m in _COMPARED.finditer(text):
                    if _channel(m.group("a")) != _channel(m.group("b")):
                        wanted.discard(_channel(m.group("b")))
                        unwanted.add(_channel(m.group("b")))
        for clause in re.split(r"[,;.!?]", text):
            if _ONE_OFF.search(clause):
                one_off = {_channel(m.group(0)) for m in _ANY_CHANNEL.finditer(clause)}
                wanted -= one_off
                unwanted -= one_off
        if said.speaker == "customer" and wanted and not _FROM_NOW.search(text):
            wanted -= _choice_offered(said, conversation)  # "video would be easier" to "branch or video call?"
        for limit in limits:
            facts.append(make_fact(conversation, "preference", "contact time", f"Contact time: {limit}", [said],
                                   status="stated", valid_from=said.at, value=text, quote=text))
        paying = _PAYING.search(text) if said.speaker == "customer" else None
        if paying:
            facts.append(make_fact(conversation, "preference", "paying", f"Prefers to pay {paying.group('how')}",
                                   [said], status="stated", valid_from=said.at, value=text))
        if re.search(r"\b(?:speak|talk|go|explain|say|read)\w* (?:\w+ )?(?:more |a bit |nice and )?slow(?:ly|er)?\b|"
                     r"\bslow down\b|\bspeak up\b", lowered):  # "Better, slowly." is how they are
            facts.append(make_fact(conversation, "preference", "call pace", "Prefers staff to speak slowly and clearly",
                                   [said], status="stated", valid_from=said.at, value=text))
        if re.search(r"\btext (?:me )?first\b|\ba text (?:first|before (?:you|anyone|someone) (?:call|ring|phone))",
                     lowered):
            facts.append(make_fact(conversation, "preference", "text before calling", "Wants a text before a call",
                                   [said], status="stated", valid_from=said.at, value=text))
        if wanted or unwanted:
            channel_sources.append(said)
            all_wanted |= wanted
            all_unwanted |= unwanted
        time_of_day = lx.TIME_OF_DAY_RE.search(text) or _ANY_DAY_BUT.search(text)
        if time_of_day and said.speaker == "customer" and (_ONE_OFF.search(text) or any(
                s.speaker == "agent" and _SLOT_OFFERED.search(s.text) for s in conversation.turn(said.index - 1))):
            time_of_day = None
        if time_of_day and said.speaker == "customer" and not limits and _time_refused(said, conversation):
            # "please don't call me at school, I can't pick up before 3:30": a time to avoid, in their words
            avoid = f"Contact time: not \u201c{_whole_time(text, time_of_day)}\u201d"
            facts.append(make_fact(conversation, "preference", "contact time", avoid, [said], status="stated",
                                   valid_from=said.at, value=text, quote=text))
            time_of_day = None
        asked_when = said.speaker == "customer" and len(text.split()) <= 14 and any(
            _ASKED_WHEN.search(s.text) for s in conversation.turn(said.index - 1))
        if said.speaker == "customer" and time_of_day and not limits and (
                _TIME_PREF.search(text) or lx.PREFERENCE_RE.search(text) or asked_when):
            facts.append(make_fact(conversation, "preference", "contact time",
                                   f"Best time to call: {_time_words(text)}", [said], status="stated",
                                   valid_from=said.at, value=text))
    if channel_sources:  # one fact per contact: what they want and what they don't, from all they (and we) said
        all_wanted -= all_unwanted
        parts = [f"Prefers {' and '.join(sorted(all_wanted))}"] if all_wanted else []
        if all_unwanted:
            parts.append(f"{'no' if all_wanted else 'No'} {', '.join(sorted(all_unwanted))}")
        facts.append(make_fact(conversation, "preference", "contact channel", "; ".join(parts), channel_sources,
                               status="stated", valid_from=channel_sources[0].at, wanted=sorted(all_wanted),
                               unwanted=sorted(all_unwanted), value=" ".join(s.text for s in channel_sources),
                               # the words a draft quotes: the customer's own last word on it, else ours
                               quote=_wish_words(_last_said(channel_sources))))
    return facts


def _last_said(sources: list[Said]) -> str:
    """The customer's own last word on it (else ours): every sentence of that turn that names a channel, so "no
    phoning. Writing's fine, this chat's fine." is quoted whole, not as "this chat's fine"."""
    theirs = [s for s in sources if s.speaker == "customer"] or sources[-1:]
    turn = [s.text for s in theirs if s.index == theirs[-1].index]
    return " ".join(turn)


# What a quote of a wish keeps: the channel words, and the ways of saying them no reader needs ("no phoning")
_QUOTED_CHANNEL = re.compile(_ANY_CHANNEL.pattern + r"|\b(?:phoning|ringing|calling|writing|written)\b", re.I)
_PIECE = re.compile(r"[^,.;!?]+[,.;!?]*")


def _wish_words(text: str) -> str:
    """The part of a sentence that names the channels, cut from the reply around it: "That would be brilliant,
    email's best, yeah." -> "email's best". Contiguous and exact (a draft quotes it as said); at least three words
    where the sentence has them."""
    pieces = [(m.start(), m.end()) for m in _PIECE.finditer(text) if m.group(0).strip()]
    named = [i for i, (a, b) in enumerate(pieces) if _QUOTED_CHANNEL.search(text[a:b])]
    if not named:
        return text
    first, last = named[0], named[-1]
    while len(text[pieces[first][0]:pieces[last][1]].split()) < 3 and (first > 0 or last < len(pieces) - 1):
        first, last = (first, last + 1) if last < len(pieces) - 1 else (first - 1, last)  # an afterthought first
    return text[pieces[first][0]:pieces[last][1]].strip().rstrip(",;")


def _time_words(text: str) -> str:
    found = [f"any day but {m.group(1).capitalize()}" for m in _ANY_DAY_BUT.finditer(text)]
    found += [m.group(1).lower() for m in lx.TIME_OF_DAY_RE.finditer(text)]
    found += [w.lower() for w in re.findall(r"\b(mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|sundays)\b",
                                            text, re.I)]
    return " or ".join(dict.fromkeys(found))


def consent(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(_ANY_CONSENT, "customer"):
        if lx.CONSENT_OUT_RE.search(said.text):
            status, text = "withdrawn", "Asked not to receive marketing"
        elif lx.CONSENT_IN_RE.search(said.text):
            status, text = "granted", "Agreed to receive marketing"
        else:
            continue
        facts.append(make_fact(conversation, "consent", "marketing", text, [said], status=status,
                               valid_from=said.at, quote=said.text))
    return facts


def names(conversation: Conversation) -> list[Fact]:
    """The name a customer gives for themselves ("it's Marcus by the way"), for a record that has none."""
    for said in conversation.said:
        if said.speaker != "customer" or len(said.text) > 300:
            continue
        name = introduced_name(said.text, conversation.grammar)
        if name:
            return [make_fact(conversation, "detail", "name", f"Gave their name as {name}", [said], status="stated",
                              valid_from=said.at, name=name, quote=said.text, confidence=0.9)]
    return []


def details(conversation: Conversation) -> list[Fact]:
    facts = []
    for said in conversation.matching(_ANY_DETAIL, "customer"):
        for pattern, subject in ((_ACCESSIBILITY_RE, "accessibility"), (_WORK_RE, "work"), (_PET_RE, "pet")):
            m = pattern.search(said.text)
            if m is None:
                continue
            if subject == "accessibility":
                summary = f'Accessibility: "{m.group(0)}"'
            elif subject == "work":
                summary = f'Work: "{m.group(0).strip()}"'
            else:
                name = m.group(2) if m.group(2) and m.group(2) not in lx.NOT_NAMES else None
                summary = f"Has a {m.group(1).lower()}" + (f" called {name}" if name else "")
                subject = f"pet {name}" if name else "pet"
            facts.append(make_fact(conversation, "detail", subject, summary, [said], status="stated",
                                   valid_from=said.at, quote=said.text))
    return facts
