"""Word lists and patterns the synopsis reads: stop words, verbs, fillers, phatic and boilerplate talk."""

from __future__ import annotations

import re


def word_list(text: str) -> list[str]:
    return text.split()


# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------

STOP = frozenset(
    word_list("""a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't down during each else ever few for from further get gets getting got had hadn't has
    hasn't have haven't having he he'd he'll he's her here here's hers herself him himself his how
    how's i i'd i'll i'm i've if in into is isn't it it's its itself just let let's like lot lots me
    more most much must mustn't my myself no nor not now of off oh ok okay on once only or other ought
    our ours ourselves out over own really right same say says said see shall shan't she she'd
    she'll she's should shouldn't so some such sure than thank thanks that that's the their theirs
    them themselves then there there's these they they'd they'll they're they've thing things think
    this those though through to too um uh under until up us very was wasn't way we we'd we'll we're
    we've well were weren't what what's when when's where where's whether which while who who's whom
    why why's will with won't would wouldn't yeah yes yet you you'd you'll you're you've your yours
    yourself yourselves go going know want mean maybe one could tell good great fine please sorry
    something anything everything nothing come came take make made give gave put still even many
    already another every us ah hmm hey hi hello excuse mr mrs ms dr sir madam ma'am""")
)

MODALS = frozenset(
    word_list("can could will would shall should may might must can't couldn't won't wouldn't shan't "
    "shouldn't mightn't mustn't did didn't had hadn't")
)
AUX = frozenset(
    word_list("do does did are is am was were have has had can could will would should shall may might must "
    "don't doesn't didn't aren't isn't wasn't weren't haven't hasn't hadn't can't couldn't won't "
    "wouldn't shouldn't")
)
ADVERBS = frozenset(
    word_list("""really just also always never still usually often only actually probably definitely even
    already sometimes rarely mostly certainly truly simply hardly seldom generally normally
    personally totally completely absolutely ever nearly almost all both each either sure first once
    then later soon now again finally recently""")
)
IRREGULAR_PAST = {
    "go": "went", "have": "had", "do": "did", "see": "saw", "get": "got", "make": "made",
    "take": "took", "come": "came", "say": "said", "tell": "told", "buy": "bought", "find": "found",
    "give": "gave", "leave": "left", "feel": "felt", "know": "knew", "lose": "lost", "meet": "met",
    "pay": "paid", "send": "sent", "spend": "spent", "hear": "heard", "think": "thought",
    "eat": "ate", "drink": "drank", "sleep": "slept", "write": "wrote", "read": "read", "put": "put",
    "run": "ran", "sit": "sat", "stand": "stood", "win": "won", "begin": "began", "bring": "brought",
    "catch": "caught", "teach": "taught", "break": "broke", "choose": "chose", "drive": "drove",
    "fly": "flew", "forget": "forgot", "grow": "grew", "hold": "held", "keep": "kept", "lend": "lent",
    "let": "let", "ride": "rode", "ring": "rang", "sell": "sold", "shut": "shut", "sing": "sang",
    "speak": "spoke", "steal": "stole", "swim": "swam", "throw": "threw", "understand": "understood",
    "wake": "woke", "wear": "wore", "become": "became", "build": "built", "cut": "cut", "hit": "hit",
    "hurt": "hurt", "set": "set", "mean": "meant", "fall": "fell", "fight": "fought", "draw": "drew",
    "be": "was", "cost": "cost", "forgive": "forgave", "hide": "hid", "light": "lit", "quit": "quit",
    "rise": "rose", "shoot": "shot", "sink": "sank", "stick": "stuck", "strike": "struck",
    "sweep": "swept", "swing": "swung", "feed": "fed", "bite": "bit", "blow": "blew", "deal": "dealt",
    "dig": "dug", "freeze": "froze", "hang": "hung", "lay": "laid", "lead": "led", "lie": "lay",
    "shake": "shook", "show": "showed", "spread": "spread", "upset": "upset",
}
PAST_FORMS = frozenset(IRREGULAR_PAST.values()) | frozenset(
    word_list("been done gone seen taken given known written eaten driven broken chosen forgotten spoken "
    "stolen woken worn fallen flown grown shown")
)
# Tokens after a first/second person subject that are not verbs (do not conjugate, stop looking).
NOT_VERB = STOP - {"think", "want", "go", "going", "know", "mean", "like", "say", "see", "tell",
                     "get", "come", "take", "make", "give", "put", "let", "have", "do", "am", "are",
                     "was", "were", "don't", "haven't", "aren't", "weren't"}
LY_VERBS = frozenset(word_list("apply reply fly rely supply multiply comply ally"))
IMPERATIVE = frozenset(
    word_list("""check look come go take give tell call send try wait stop sign fill put show bring help make
    keep remember be get pick turn follow read write listen sit enjoy hurry hold leave consider
    imagine relax calm forget open close bring press click restart reset enter choose pay find buy
    note use visit contact return bring ask let believe trust hang stand meet watch mind drop grab
    move fix clean lock hand pass count book reserve cancel charge transfer confirm start log""")
)
FILLER_WORDS = frozenset(
    word_list("""well oh um umm uh er erm ah hmm mm yeah yes yep yup no nope ok okay so hey hi hello sure
    right alright actually honey dear darling sir madam ma'am now look listen anyway great good
    fine wow gosh boy man really oops ouch aha hey sweetheart indeed exactly certainly absolutely
    gee pardon see""")
)
BARE_INTERJECTIONS = frozenset(word_list("well oh um umm uh er erm ah hmm mm wow gosh oops aha gee"))
VOCATIVE_TAIL = frozenset(
    word_list("sir madam ma'am doctor honey dear darling sweetheart mom dad man guys buddy pal miss")
)
NON_REQUEST = frozenset(
    word_list("""like mind be have not possibly please also really just the a an this that it to me you
    afford imagine believe remember guess understand hear see find want need know think prefer rather
    care agree say mean expect""")
)
HEDGES = frozenset(
    word_list("really actually just very quite totally absolutely definitely basically literally certainly "
    "surely honestly obviously indeed anyway")
)
LOWER_OK = frozenset(
    word_list("""although though because unless since while whereas perhaps maybe hopefully unfortunately
    luckily fortunately sometimes usually often everyone everybody nobody somebody someone people
    each every most many several both either neither whatever whenever wherever however
    instead nowadays""")
)
PRED_ADJ = frozenset(
    word_list("""far near close open closed available ready free ok okay fine good bad right wrong true possible
    necessary expensive cheap big small new old late early busy full empty safe dangerous serious
    interested included broken finished done sure correct enough hot cold warm nice difficult easy
    hard important useful valid vacant""")
)
DANGLING = frozenset(
    word_list("is are was were am the a an to of and or but my your our their his her for with from by as if "
    "because than can could will would should shall may might must did does")  # "The card team can."
)
AFTER_OBJECT_YOU = frozenset(
    word_list(". ! ? , to for with about and too in on at from all guys know") + [""]
)
BEFORE_OBJECT_YOU = frozenset(
    word_list("thank thanks to for with about at from tell told give ask asked help see meet let send show call")
)
WH = frozenset(word_list("what where when why how who which whose whom"))
PRONOUN_SUBJ = frozenset(word_list("i you we they he she it there this that these those"))
DETS = frozenset(word_list("the a an your my his her their our its this that these those any some"))
SUBJ_BEFORE = frozenset(
    word_list("""and but or so because if when that whether as since while unless before after where what
    how why who which until than though although once think know hope guess believe suppose
    mean , ; : : said whatever whenever wherever""")
)
PHATIC = re.compile(
    r"^(?:hello|hi|hey|good (?:morning|afternoon|evening|night|bye)|goodbye|bye|see you|"
    r"nice to (?:meet|see) you|how are you|how do you do|thank you|thanks|you'?re welcome|"
    r"not at all|no problem|of course|i see|that'?s right|that'?s ok|that'?s fine|"
    r"that'?s (?:great|good|all)|sounds good|all right|what\??$|really\??$|pardon|sorry\??$|"
    r"excuse me|have a (?:nice|good|great)|take care|can i help you|may i help you|"
    r"what can i do for you|how can i help you|here you are|here it is|what'?s up|"
    r"may i take your order|you have reached|this is [a-z]+(?: [a-z]+)? ?[.!]?$|.*\bspeaking ?[.!]?$|"
    r"thank you for calling|i (?:guess|think|hope|suppose|believe|am afraid) (?:so|not)\b)",
    re.I,
)

# call-centre / IVR boilerplate, never worth a synopsis line
BOILERPLATE = re.compile(
    r"\b(?:monitored|recorded) for (?:quality|training)|\bcall (?:may|will|is being) (?:be )?(?:monitored|recorded)|"
    r"\b(?:press|dial) (?:one|two|three|four|five|six|seven|eight|nine|zero|\d|star|pound)\b|, press\b|"
    r"\bthanks? (?:you )?for (?:calling|holding|your patience)|\bplease (?:hold|stay on the line)\b|"
    r"\bpress ?[.!]?$|\bhow (?:can|may) i (?:help|assist) you\b"
)
# Contact-centre furniture, matched on the raw sentence: who is speaking, identity checks. A colleague taking
# over needs none of it ("Good morning, Northwind Bank, you're speaking to Dan", "Is that Tom Becker?").
IDENTIFICATION = re.compile(
    r"(?i:\byou'?re (?:speaking|talking|through) to\b|\byou are (?:speaking|talking|through) to\b"
    r"|\bmy name(?:'s| is)\b)"
    r"|^(?i:hello,? |hi,? )?(?i:is that )(?:(?i:mr|mrs|ms|miss|dr) )?[A-Z][a-z]+(?: [A-Z][a-z]+)?\s*\?$"
    r"|^(?:(?i:hi|hello|morning|afternoon),? )?(?:[A-Z][\w&'-]*(?: [\w&'-]+){0,4}, )?(?i:it'?s|this is) "
    r"[A-Z][a-z]+(?: [A-Z][a-z]+)?"  # "Kestrel technical support, this is Ffion."
    r"(?: here| speaking)?[.!]?$"
    r"|^(?i:it'?s|this is|i'?m) [A-Z][a-z]+, an? [a-z ]+ (?:at|from|with) [A-Za-z ]+[.!]?$"
    r"|^(?i:it'?s|this is|i'?m) [A-Z][a-z]+ (?i:from|at|with) [A-Z][A-Za-z ]+[.!]?$"
)
# Identity checks; only short sentences, so "I've escalated it with everything, and that you've been verified"
# (an action) stays.
VERIFICATION = re.compile(
    r"\bverif(?:y|ied|ication)\b|\bsecurity (?:questions?|pin)\b|\bdate of birth\b|\bpostcode\b|\bkeypad\b"
    r"|\bread it back\b|\bsecure form\b|\blast four digits\b|\bconfirm it'?s you\b|\bsend a code\b",
    re.I,
)
VERIFICATION_MAX_WORDS = 16
# Reactions and courtesies: a sentence made only of these (and names) tells a colleague nothing.
REACTION = frozenset(word_list(
    """sorry understand understood completely totally absolutely fine nice lovely great brilliant perfect fair
    welcome tip fuss problem problems worries course glad happy help helpful hassle idea sounds amazing
    wonderful cheers bye morning afternoon evening patience patient pleased hear news deal enough bother
    nuisance apologise apologies shame awful rest luck exactly definitely certainly honestly joke agree
    agreed noted okay alright thing things bit lot really quite pretty forward weight mind new old other
    another same different""")
)
# Verbs a second clause often shares its subject with: "I'm getting married and want to save" -> "and wants".
COORDINATED_VERBS = frozenset(word_list("want need have like love hope plan think know work live feel wish"))
# After a participle, words that make it active ("Logged out", "Taken the card") rather than passive ("Declined
# at the till").
ACTIVE_AFTER = frozenset(word_list("out up in off on a an the my your it them some this that back over down"))
# -ed words that describe a state, not an action: "Worried about the move." is "X is worried", not "X has worried".
ADJECTIVE_ED = frozenset(word_list(
    """worried tired interested bored excited married stressed scared confused surprised pleased shocked
    disappointed annoyed frustrated relieved engaged retired based located delighted thrilled""")
)
# What an agent did or will do: the sentences a handover most needs, preferred in selection.
ACTION = re.compile(
    r"\b(?:set up|added|moved|opened|raised|escalat\w*|refund\w*|credited|approved|ordered|booked|sent|posted|"
    r"arranged|updated|cancel\w*|applied|marked|chased|call you back|reference|replac\w*|transferred|"
    r"authoris\w*|closed|resolved|accepted|paid|urgent|call you)\b",
    re.I,
)
ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Mt|No|vs|etc|e\.g|i\.e)\.$")
TOKEN = re.compile(
    r"#\w+#(?:'s)?|\b[ap]\.m\.|[A-Za-z]+(?:[-'][A-Za-z]+)*|\d+(?:[.,:]\d+)*(?:st|nd|rd|th|s|am|pm)?|\S"
)
CONTRACTION_FIX = re.compile(r"(\w) ?' ?(s|t|re|ve|ll|d|m)\b", re.I)

# past participles that are not also base forms: "I'd gone" is "I had gone", "I'd put" stays "would"
PARTICIPLES = frozenset(word_list(
    """been done gone seen taken given known written eaten driven broken chosen forgotten spoken stolen woken
    worn fallen flown grown shown had made got found left felt lost met paid sent spent heard thought told
    bought brought caught taught kept held sold slept""")
)

EXPAND = {
    "i'm": ("I", "am"), "i've": ("I", "have"), "i'll": ("I", "will"), "i'd": ("I", "would"),
    "you're": ("you", "are"), "you've": ("you", "have"), "you'll": ("you", "will"),
    "you'd": ("you", "would"), "we're": ("we", "are"), "we've": ("we", "have"),
    "we'll": ("we", "will"), "we'd": ("we", "would"),
}

FILLER_PHRASES: dict[str, list[tuple[str, ...]]] = {}
for _ph in (("you", "know"), ("i", "mean"), ("you", "see"), ("to", "be", "honest"), ("of", "course"),
            ("excuse", "me"), ("i", "see"), ("let", "me", "see"), ("all", "right"), ("well", "then"),
            ("oh", "dear"), ("by", "the", "way"), ("in", "fact"), ("to", "start", "with"),
            ("first", "of", "all"), ("you", "know", "what"), ("guess", "what"),
            ("as", "a", "matter", "of", "fact"), ("to", "tell", "the", "truth"), ("frankly", "speaking"),
            ("that", "is", "right"), ("i", "am", "sorry"), ("sorry",), ("believe", "me"), ("trust", "me"),
            ("good", "news"), ("great", "news")):
    FILLER_PHRASES.setdefault(_ph[0], []).append(_ph)


FINITE = AUX | {"am", "'s", "'re", "'m", "'ve", "'ll", "'d"}
SUBJECTS = frozenset(word_list("i you we they he she it this that there who which everyone everybody nobody people"))

