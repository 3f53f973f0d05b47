"""Words and patterns the fact extractors key on: products, family, life events, issues, offers, promises."""

from __future__ import annotations

import re

# Longest first so "junior savings account" wins over "savings account".
PRODUCTS = sorted([
    "current account", "joint account", "savings account", "easy access savings", "fixed rate bond", "fixed-rate bond",
    "junior savings account", "junior isa", "cash isa", "stocks and shares isa", "isa", "premium account",
    "mortgage", "remortgage", "mortgage holiday", "overdraft", "credit card", "debit card", "personal loan", "car loan",
    "loan", "car insurance", "auto insurance", "home insurance", "contents insurance", "buildings insurance",
    "travel insurance", "life insurance", "pet insurance", "health insurance", "income protection",
    "gadget insurance", "breakdown cover", "pension", "investment account", "business account", "student account",
    "packaged account", "cashback card", "rewards card", "premium card", "platinum card", "travel card",
    "balance transfer", "home insurance policy", "car insurance policy", "notice account", "easy saver",
    "regular saver", "fixed bond", "savings pot", "roadside assistance", "renters insurance", "renter's insurance",
    "homeowners insurance", "homeowner's insurance", "homeowner insurance", "umbrella policy", "umbrella insurance",
    "rental reimbursement", "gap insurance", "motorcycle insurance", "home and auto bundle", "home and auto",
    "bundling", "bundle",
    # Covers and changes sold like products: "add breakdown cover", "raise your credit limit".
    "life cover", "life policy", "joint life policy", "critical illness cover", "legal expenses cover",
    "home emergency cover", "accidental damage cover", "accidental damage", "contents cover", "buildings cover",
    "buildings policy", "pet cover", "travel cover", "european cover", "comprehensive cover", "comprehensive",
    "named driver", "no-claims discount", "no claims discount", "credit limit", "overdraft buffer", "travel pack",
    "fixed-rate saver", "fixed rate saver", "children's savings account", "van insurance", "mortgage review",
    "savings review", "pension review", "financial review", "product transfer", "two-year fix", "five-year fix",
    "tracker rate", "tracker mortgage",
    "policy", "insurance", "account", "card",
], key=len, reverse=True)
GENERIC_PRODUCTS = {"policy", "insurance", "account", "card", "loan"}
PRODUCT_RE = re.compile(r"\b(" + "|".join(re.escape(p) for p in PRODUCTS) + r")s?\b", re.I)

RELATIONS = {
    "daughter": "daughter", "son": "son", "wife": "wife", "husband": "husband", "partner": "partner",
    "mum": "mother", "mom": "mother", "mother": "mother", "dad": "father", "father": "father",
    "sister": "sister", "brother": "brother", "grandson": "grandson", "granddaughter": "granddaughter",
    "nan": "grandmother", "gran": "grandmother", "grandma": "grandmother", "grandad": "grandfather",
    "grandfather": "grandfather", "grandmother": "grandmother", "fiance": "fiancé", "fiancé": "fiancé",
    "fiancée": "fiancée", "girlfriend": "girlfriend", "boyfriend": "boyfriend", "kids": "children",
    "children": "children", "child": "child", "baby": "baby", "twins": "twins", "niece": "niece", "nephew": "nephew",
}
RELATION_RE = re.compile(r"\b(?:my|our|her|his) (?:little |eldest |oldest |youngest |new |twin )?("
                         + "|".join(sorted(RELATIONS, key=len, reverse=True)) + r")\b", re.I)
NAME = r"([A-Z][a-z]{1,15}(?:-[A-Z][a-z]+)?)"
# "my daughter Amy", "Amy, my daughter", "our son, Leo,"
NAMED_RELATION_RES = [
    re.compile(r"\b(?:my|our) (?:little |eldest |oldest |youngest |twin )?(" + "|".join(RELATIONS) + r"),? " + NAME),
    re.compile(NAME + r",? (?:my|our) (?:little |eldest |oldest |youngest |twin )?(" + "|".join(RELATIONS) + r")\b"),
]
NOT_NAMES = {"I", "The", "This", "That", "It", "We", "She", "He", "They", "And", "But", "So", "Yes", "No", "Oh",
             "Well", "Just", "Thanks", "Thank", "Please", "Hi", "Hello", "Okay", "Ok", "Is", "Has", "Was", "Who",
             "What", "When", "Which", "Sorry", "Actually", "Also", "Monday", "Tuesday", "Wednesday", "Thursday",
             "Friday", "Saturday", "Sunday", "Christmas", "Easter", "Mum", "Dad", "Customer", "Agent", "PERSON_NAME"}

# event -> (pattern, noun phrase used in the fact's text)
LIFE_EVENTS: dict[str, tuple[re.Pattern[str], str]] = {
    # First: "he was in hospital and passed away" is a loss, never "a health matter".
    "bereavement": (re.compile(r"\b(passed away|passed on|bereave\w*|funeral|(?:has|had|have) died|died (?:last|this|"
                               r"in|on|a few|\d|suddenly|recently)|lost (?:my|our|her|his) (?:mum|mom|mother|dad|"
                               r"father|husband|wife|partner|son|daughter|brother|sister|gran\w*|grand\w+)|"
                               r"lost (?:my |our )?(?:mum|mom|dad|nan|gran|grandad)|bur(?:ying|ied) (?:my|our|her|his)|"
                               r"died (?:at|over) the weekend)\b", re.I),
                    "loss"),
    # A crash or an injury of theirs, not an underwriting answer ("one accident in 2019"): only words that say
    # it just happened to them.
    "accident": (re.compile(r"\b(prang|had a (?:bit of a )?(?:crash|bump|shunt)|(?:was|were|got) (?:in|into) "
                            r"(?:a|an) (?:car |road |bike )?(?:crash|accident)|accident at work|(?:crashed|wrote off) "
                            r"(?:my|the|our|his|her) (?:car|van|bike)|(?:car|van|bike) (?:was|got) written off)\b",
                            re.I), "accident"),
    "exams": (re.compile(r"\b(exams?|gcses?|a[- ]levels?|finals|sats|mocks|dissertation)\b", re.I), "exams"),
    "graduation": (re.compile(r"\b(graduat\w*)\b", re.I), "graduation"),
    "university": (re.compile(r"\b((?:start(?:s|ed|ing)?|go(?:es|ing)?|went|off) (?:to |at )?(?:the )?"
                              r"(?:uni|university|college)|(?:uni|university) in|got (?:a place )?(?:in)?to (?:uni|"
                              r"university|college)|freshers|halls of residence|got the grades|"
                              r"(?:uni|university|tuition) fees)\b", re.I), "university"),
    "school": (re.compile(r"\b(start(?:s|ed|ing)? (?:at )?(?:school|reception|nursery|secondary|big school|year (?:one|"
                          r"seven|1|7))|first day at (?:school|nursery))\b", re.I), "school"),
    "maternity": (re.compile(r"\b((?:maternity|paternity|parental) leave)\b", re.I), "parental leave"),
    # not "due date" alone: "the email confirming my new due date" is a bill's
    "baby": (re.compile(r"\b(new baby|having a baby|expecting(?: a baby| twins)?|pregnan\w*|"
                        r"baby(?:'s| is)? due|(?:was|were) born|newborn|gave birth|"
                        r"(?:son|daughter|baby) \w+ arrived|(?:i'm|she's|wife's|partner's|girlfriend's|we're) due "
                        r"(?:in|on|at|any)|had a (?:little |baby )?(?:boy|girl|baby)|due any (?:day|minute))\b", re.I),
             "new baby"),
    "move": (re.compile(r"\b(mov(?:e|ed|ing) (?:house|home|flat|in|out|to|abroad)|relocat\w+|new (?:house|home|flat)|"
                        r"(?:bought|buying|buy|get) (?:a|our|my|their) (?:\w+ )?(?:house|flat|home)|"
                        r"first (?:home|house|flat)|sell(?:ing)? (?:up|the house|our house)|(?:we|i) moved here|"
                        r"since (?:we|i) moved|exchang(?:e|ing) (?:on the house|contracts)|complete on the|"
                        r"got the keys|first[- ]time buyers?|our first place|new address is|"
                        r"(?:we|i) complet(?:e|ed) on|"
                        r"(?:we|i)(?:'ve| have)? (?:just |finally |recently )?moved(?=[,.!]|\s+(?:in|house|home|here|"
                        r"out|abroad|last|recently|over|back)\b)|moving into (?:a|the|our|their|her|his|my) (?:new )?"
                        r"(?:flat|house|home|place)|"
                        r"the (?:house )?move(?=(?:'s|\u2019s| is| has| fell| was| went)\b))\b", re.I), "move"),
    "driving_test": (re.compile(r"\b(pass(?:ed|es)? (?:his|her|my|their) (?:driving )?test)\b", re.I), "driving test"),
    "travel": (re.compile(r"\b(holiday|trip|travel(?:l?ing)?|fly(?:ing)? (?:out|to|on)|going abroad|honeymoon|"
                          r"backpacking|vacation|abroad|(?:we're|i'm|we are|i am) off to \w+|"
                          r"going to [\w ]{2,25}? to (?:see|visit)|(?:^|[.!?]\s+)off to \w+|"
                          r"set(?:ting)? off (?:round|around|for|to)|"
                          r"(?:travel|travelling|going|round|around) (?:the world|south america|europe|asia)|"
                          r"to see (?:my|our) "
                          r"(?:grandchildren|grandkids|family|daughter|son|mum|dad))\b", re.I), "trip"),
    "marathon": (re.compile(r"\b((?:half[- ])?marathon|triathlon|ultra|\d+k race)\b", re.I), "marathon"),
    "challenge": (re.compile(r"\b(three peaks|sponsored (?:walk|run|swim|cycle|bike ride|skydive)|charity (?:walk|run|"
                             r"swim|cycle|bike ride|challenge|skydive)|skydive)\b", re.I), "charity challenge"),
    # Before wedding: "the divorce came through" is no wedding, and it is acknowledged gently, never asked about.
    "separation": (re.compile(r"\b(separated|separating|divorc(?:e|ed|ing)|split up|splitting up|broke up|"
                              r"break-up|breakup)\b", re.I), "separation"),
    "wedding": (re.compile(r"\b(wedding|getting married|got married|engaged|marry(?:ing)?|tied the knot|just married|"
                           r"newlyweds?)\b", re.I), "wedding"),
    # Before new_job: losing a job or retiring is not "the new job" anyone should be wished luck with.
    "job_loss": (re.compile(r"\b(made redundant|redundan\w+|lost (?:my|his|her|their) job|laid off|unemploy\w*|"
                            r"out of work|(?:my|his|her) job(?:'s| is) going(?! well)|"
                            r"(?:losing|lose) (?:my|his|her) job)\b", re.I), "job loss"),
    # Someone close retiring ("I'm retiring in March", "my husband retired"), not "people retiring to Spain".
    "retirement": (re.compile(r"\b((?:i|i'm|i am|i've|we|we're|he|he's|she|she's|(?:my|our) \w+(?: is|'s)?) "
                              r"(?:\w+ )?retir(?:e|ed|es|ing)|(?:my|our|his|her) retirement)\b", re.I), "retirement"),
    "new_job": (re.compile(r"\b(new job|start(?:ed|ing)? (?:a |my )?(?:new )?(?:job|role|position)|promot(?:ed|ion)|"
                           r"career|handed (?:my |in my )?notice(?: in)?|new (?:employer|place starts)|"
                           r"first pay ?day|apprenticeship|first (?:proper |full[- ]time )?job)\b", re.I), "new job"),
    "new_car": (re.compile(r"\b(new car|bought a car|buying a (?:new )?car|(?:first|new) van|new motorbike|"
                           r"(?:the|car) dealer(?:ship)? said|(?:collect|pick up) (?:the|my|our) (?:new )?(?:car|van|"
                           r"[a-z]{2,}) (?:on|from|at|this|next|tomorrow)|picked (?:it|the car) up|"
                           r"(?:got|bought|getting) a (?:different|second-hand|used|newer) (?:car|vehicle))\b", re.I),
                "new car"),
    "health": (re.compile(r"\b((?:i'm|i am|i was|i've been|he's|she's|he is|she was|he was|is|was) (?:\w+ ){0,2}(?:in "
                          r"hospital|having (?:an? )?(?:operation|surgery)|diagnosed|recovering)|"
                          r"broke (?:my|her|his) (?:leg|arm|wrist|hip|ankle)|going into hospital|recovering from|"
                          r"(?:knee|hip|heart|back|eye|cataract|shoulder) (?:operation|surgery|replacement)|"
                          r"(?:the|my|an|his|her) op\b|signed off|off (?:work )?sick|off work since|hospital bed|"
                          r"(?:in|at) a&e|(?:had|having|has had) a (?:\w+ )?(?:stroke|heart attack|fall)|chemo\w*|"
                          r"cancer|diagnos\w+|intensive care|rushed (?:in|to hospital|into hospital)|appendicitis|"
                          r"(?:had|having|have) (?:my|his|her|their) "
                          r"(?:gallbladder|appendix|tonsils|wisdom teeth|cataracts?|"
                          r"stitches) (?:out|removed|done)|(?:going|goes|gone|went|moving|moved) into (?:a )?care home|"
                          r"(?:weeks|months) off (?:work )?with (?:my|his|her) \w+|caring for (?:my|our|her|his) "
                          r"(?:mum|mom|mother|dad|father|husband|wife|partner|son|daughter|nan|gran|grandad))\b", re.I),
               "health"),
    "birthday": (re.compile(r"\b(birthday|anniversary|turning \d{2}|turns? (?:eighteen|twenty-one|thirty|forty|fifty|"
                            r"sixty|seventy|eighty|ninety|\d{2,3})|hit (?:forty|fifty|sixty|seventy|eighty|\d{2}))\b",
                            re.I), "birthday"),
}
MONTHS_AND_DAYS = frozenset(str.split("""january february march april may june july august september october november
december monday tuesday wednesday thursday friday saturday sunday christmas easter"""))
PLACE_RE = re.compile(r"\b(?:to|in|from|around) ((?:New |San |Los |Las |Saint |St\.? )?[A-Z][a-z]{2,}"
                      r"(?: [A-Z][a-z]{2,})?)\b")

FUTURE_CUES = re.compile(r"\b(will|'ll|going to|gonna|next|upcoming|soon|coming up|planning|plan to|about to|"
                         r"hop(?:e|ing)|starting|getting|moving|flying|"
                         r"due|expecting|starts?|in \w+ (?:days|weeks|months)|this (?:coming|weekend)|tomorrow|"
                         r"(?:is|are|am|'s|'re|'m) (?:\w+ly |also |still |all |both )?\w+ing|book(?:ed|ing))\b", re.I)
PAST_CUES = re.compile(r"\b(was|were|had|did|went|moved|bought|picked up|collected|passed|finished|last|ago|"
                       r"yesterday|arrived|born|"
                       r"died|passed away|lost|separated|divorced|retired|buried|"
                       r"started|began|joined|qualified|graduated|got married|just|"
                       r"just (?:had|got|moved|bought|finished|came back)|came back|returned|already)\b", re.I)

ISSUE_RE = re.compile(
    r"\b(blocked|frozen|declined|not working|stopped working|doesn't work|won't work|isn't working|can't log ?in|"
    r"locked out|lost|stolen|fraud\w*|scam\w*|charged twice|double charged|overcharged|wrong(?:ly)? charged|"
    r"unauthori[sz]ed|didn't receive|haven't received|hasn't arrived|never arrived|missing|delay(?:ed)?|"
    r"still waiting|complain\w*|dispute|problem|issue|error|mistake|refund|claim|leak\w*|damage[d]?|"
    r"accident|broken|cancel(?:led)?|bounced|late fee|charge[sd]?|twice|duplicate|unblock|not supported|"
    r"failed|failing|burst|flooded|scam|locked|fees? on every|charged (?:me )?(?:a )?fees?|"
    r"(?:don't|do not|didn't) recogni[sz]e|wrong account|(?:nobody|no one|no-one) (?:rang|called|phoned|got back)|"
    r"(?:can't|cannot) see|(?:isn't|not) showing|(?:has|have|'s|'ve) (?:gone up|dropped|doubled)|down for|"
    r"(?:haven't|hasn't|didn't) (?:arrived|come|turned up|gone through))\b|"
    # Problems in everyday words: "it kicks me out", "my wages haven't gone in", "a company I've never heard of",
    # "the machine swallowed my card", "I can't afford this month's payment", "on hold for 55 minutes".
    r"\b(kicks? me out|logs? me out|logging me out|crash(?:es|ed|ing)?|freez(?:es|ing)|won't (?:load|open|let me)|"
    r"stuck (?:at|on)|(?:haven't|hasn't|didn't|not) (?:gone|come|go) (?:in|out|through)|nowhere to be seen|"
    r"never (?:turned up|came through|arrived|came)|never heard of|never signed up|wasn't me|not mine|"
    r"swallowed|retained|can't afford|struggling to pay|behind (?:on|with) (?:my |the )?payments?|"
    r"on hold for|useless|appalling|disgrace\w*|shocking|rude|put the phone down|hung up on me|"
    r"(?:third|fourth|fifth) time|spelt (?:\w+ ){0,3}wrong|wrong (?:name|address|title|details|amount|balance)|"
    r"old address|still taking|still charging|without (?:a word of )?warning|opened [\w ]{2,30}in my name|shut|"
    r"closed early|"
    r"promised|been told|was told|(?:nobody|no one|no-one) ever)\b", re.I)
# A problem named without a product: the problem is the subject ("charged twice" -> "duplicate payment").
PHRASE_TOPICS = [
    (re.compile(r"\b(?:charged twice|double charged|taken twice|duplicate (?:payment|charge))|"
                r"\b(?:taken|charged|paid|debited|gone out)\b[^.?!]{0,25}\btwice\b", re.I), "duplicate payment"),
    (re.compile(r"\b(?:(?:don't|do not|didn't) recogni[sz]e|didn't authori[sz]e|unauthori[sz]ed)|"
                r"\b(?:payment|charge|transaction|debit|subscription|company)s?\b[^.?!]{0,80}\b(?:never heard of|"
                r"never signed up|wasn't me)\b", re.I), "unrecognised payment"),
    (re.compile(r"\b(?:(?:nobody|no one|no-one) (?:rang|called|phoned|got back)\b(?! before| after)|"
                r"(?:nobody|no one|no-one) ever (?:rang|called|phoned|got|came)|"
                r"never (?:rang|called|phoned) (?:me )?back|didn't (?:ring|call|phone) (?:me )?back)", re.I),
     "missed callback"),
    (re.compile(r"\b(?:(?:been|got|was|were) scammed|fraudster|safe account|opened (?:a|an) [\w ]{2,25}in my name)"
                r"\b", re.I), "fraud"),
    (re.compile(r"\b(?:swallowed|retained) (?:my )?card|card (?:got |was )?(?:swallowed|retained)", re.I), "card"),
    (re.compile(r"\b(?:wages|salary|pension|money|transfer|payment|refund|cashback)\b[^.?!]{0,40}(?:(?:haven't|hasn't|"
                r"didn't|not) (?:gone|come) (?:in|through)|nowhere to be seen|never (?:turned up|came through|"
                r"arrived))", re.I), "missing payment"),
    (re.compile(r"\b(?:on hold for|put the phone down|hung up on me|(?:was|were|so|incredibly|really) rude|"
                r"useless|appalling|disgrace\w*|shocking)\b", re.I), "complaint"),
    (re.compile(r"\b(?:spelt (?:\w+ ){0,3}wrong|wrong (?:name|title|details)|says mr\b|says mrs\b)", re.I),
     "mistake in details"),
    (re.compile(r"\b(?:can't afford|struggling to pay|behind (?:on|with) (?:my |the )?payments?)\b", re.I),
     "payment difficulty"),
    (re.compile(r"\bwrong account\b", re.I), "payment to the wrong account"),
    (re.compile(r"\b(?:premium|price|bill|payment|cost)s? (?:has |have |'s )?(?:gone up|increased|risen|doubled)|"
                r"gone up by\b", re.I), "price increase"),
    (re.compile(r"\brate (?:seems to have |has |'s )?(?:dropped|gone down|fallen|been cut)", re.I), "savings rate"),
]


# Problems these phrases name are problems whatever the embedding model makes of the sentence.
UNMISTAKABLE_TOPICS = {"duplicate payment", "unrecognised payment", "missed callback", "fraud", "missing payment",
                       "payment to the wrong account", "complaint", "mistake in details", "payment difficulty"}


def phrase_topic(text: str) -> str | None:
    return next((topic for pattern, topic in PHRASE_TOPICS if pattern.search(text)), None)
# Most specific first: a sentence naming several gets the earliest in this list ("debit card" before "app").
ISSUE_TOPICS = [
    "home insurance claim", "car insurance claim", "travel insurance claim", "pet insurance claim", "complaint",
    "dispute", "claim", "debit card", "credit card", "direct debit", "standing order", "mortgage payment", "refund",
    "transaction fee", "foreign transaction fee", "documents", "branch opening hours", "opening hours", "payment",
    "transfer", "online banking", "login", "password", "statement", "overdraft", "policy", "premium", "renewal",
    "loan", "letter", "pin", "cheque", "chip", "text", "pipe", "card", "app", "fee", "charge", "account",
]
ISSUE_TOPIC_RE = re.compile(r"\b(" + "|".join(re.escape(t) for t in sorted(ISSUE_TOPICS, key=len, reverse=True))
                            + r")s?\b", re.I)


def best_topic(text: str) -> str | None:
    """The most specific issue topic named in the text."""
    found = {m.group(1).lower() for m in ISSUE_TOPIC_RE.finditer(text)}
    ranked = sorted(found, key=lambda t: ISSUE_TOPICS.index(t) if t in ISSUE_TOPICS else len(ISSUE_TOPICS))
    return ranked[0] if ranked else None
ESCALATED_RE = re.compile(r"\b(escalat\w+|complaints? team|formal complaint|raise (?:a|this as a) complaint|"
                          r"ombudsman|speak to (?:a|your) manager|supervisor|passed (?:it|this) (?:on|up))\b", re.I)
RESOLVED_RE = re.compile(r"\b((?:glad (?:that's|it's) sorted)|gone through|(?:that|it) worked|worked first time|"
                         r"(?:that's|it's|all|everything's|this is|that is|it is|it has been|it's been|has been|"
                         r"now) (?:all )?(?:sorted|fixed|resolved|unblocked|working|refunded|reversed|settled|paid)|"
                         r"i've (?:unblocked|fixed|reissued|refunded|reversed|removed|cancelled the|sorted)|"
                         r"(?:issue|problem|complaint|claim) (?:is|has been) (?:resolved|closed|settled|approved)|"
                         # the customer closing it: "I'm happy for the complaint to be closed now"
                         r"(?:happy|fine|ok|okay|content) for (?:the|my|this) (?:complaint|claim|case|issue|query) "
                         r"to be (?:closed|resolved|settled|marked as resolved)|"
                         r"works? (?:fine|again|now)|(?:is|are) working (?:again|now)|problem solved)\b", re.I)
REFERENCE_RE = re.compile(r"\b(?:ref(?:erence)?|case|ticket|complaint|claim|dispute|escalation)"
                          r"(?: (?:number|no\.?|id|ref))?(?: is)?[:#\s]+([A-Z]{1,5}[-/]?\d[\w-]{2,}|\d{5,})\b", re.I)

OFFER_RE = re.compile(
    r"\b(would you (?:like|be interested|want|consider)|are you interested|could i interest you|can i interest you|"
    r"(?:can|could|may) i (?:offer|suggest|recommend)|i (?:can|could) offer|we (?:can|could) offer|we have (?:a|an) "
    r"(?:special|new|great|exclusive)|have you (?:considered|thought about)|you(?:'re| are) (?:pre-?approved|eligible)|"
    r"(?<!after )(?<!when )(?<!once )(?<!if )(?<!until )you qualify|how about (?:a|an|our|upgrading|switching)|"
    r"might (?:suit|be worth)|i(?:'d| would) recommend|"
    r"upgrade (?:you )?to|switch(?:ing)? (?:you )?to (?:our|a|an)|special (?:offer|rate|deal)|is paying \d|"
    r"we (?:also )?(?:do|have|offer) (?:a |an )?(?:\w+ ){0,2}(?:insurance|account|saver|loan|mortgage)s?(?: as well)?|"
    r"have you got (?:\w+ ){0,2}(?:insurance|cover)|offer shown|(?:shall|should) i (?:set|open|start)|"
    r"would you need)\b", re.I)
# Wider ways of putting an offer ("Shall I book you in for a mortgage review?", "I can get you a quote", "it might be
# worth looking at our fixed-rate saver"). Broad on purpose: such a sentence counts as an offer only when it (or its
# turn) names something we sell, is not a service step (SERVICE_STEP_RE), and the customer answers it.
PROPOSAL_RE = re.compile(
    r"\b(shall i|should i|(?:do|would) you want (?:me |us )?to|want me to|would you like (?:me |us )?to|"
    r"if you(?:'d| would)? (?:like|want|wanted|fancy)|would be happy to|(?:have|if) you(?:'ve| have) looked at|"
    r"we (?:also )?do [\w-]+ (?:cover|insurance)|(?:i|we) (?:can|could) (?:also )?(?:get|set|add|switch|move|book|"
    r"arrange|put|raise|increase|upgrade|bump|extend|open|start|cover|top|look at|do|give|bring|transfer)|"
    r"worth (?:looking at|considering|getting|a look|thinking about)|how (?:would|do) you feel about|"
    r"is (?:that|this|it) something you|something you(?:'ve| have)? (?:ever )?thought about|would now be a good time|"
    r"(?:can|could|may) i (?:tell|talk to) you about|would you be up for|you might want to|"
    r"you(?:'d| would) qualify|we(?:'ve| have) got (?:a|an)|we(?:'re| are) running|we (?:also )?do (?:a|an)|"
    r"there(?:'s| is) (?:also )?(?:a|an|the) [\w' -]{0,40}?(?:if you|for £|on your|available)|interested\?|"
    r"(?:can|could) i get you|reply yes|let us know if you would like|would that (?:be helpful|help|suit you))", re.I)
# The same forms about a service step are not offers: "Shall I send you a replacement card?"
SERVICE_STEP_RE = re.compile(
    r"\b(cancel|close|freeze|block|unblock|reset|replace|replacement|copy|statement|password|complaint|"
    r"direct debit|standing order|refund|transfer you|put you through|update|address|reference|payment plan|"
    r"arrears|engineer|documents?|wording|note on|claims? team|the post|by email|by post|pay (?:it|the bill|monthly|"
    r"annually|in full|every)|bill|billed|billing)\b", re.I)
ACCEPT_RE = re.compile(r"\b(yes,? please|yes let's|go ahead|sign me up|i'll take it|let's do it|sounds (?:good|great|"
                       r"perfect|lovely)|that would be (?:great|lovely|good)|set (?:it|that) up|i'd like that|"
                       r"why not|i'll go for it|please do|yes,? i(?:'d| would) like|happy to go ahead|"
                       r"let's go (?:ahead|for it)|i accept|please (?:go ahead|add it)|that's fine,? please|"
                       r"let's see what you(?:'ve)? got|give me (?:a |the )?(?:little |quick )?quote|can i apply|"
                       r"i'll take (?:that|one)|yes,? i (?:would|will|guess so)|let's do that|go on then|"
                       r"put me down for|"
                       r"sounds like a plan|stick it on|(?:add|include|switch|move|put) (?:it|that|her|him|them|me)"
                       r"(?: on| over| across| in)?(?=[,.!]|$| then| please| for me)|sign (?:me|us) up|twist my arm|"
                       r"(?:so|then),? yes|that(?:'d| would) be (?:handy|helpful|perfect|brilliant|ideal)|"
                       r"i(?:'d| would) like to (?:go ahead|proceed)|(?:please )?proceed|open (?:one|it) for me|"
                       r"let's do it|go for it|can we (?:do|increase|start|set) (?:it|that)|"
                       r"(?:do|set|sort) it (?:now|today))\b", re.I)
DECLINE_RE = re.compile(r"\b(no,? thanks?|no thank you|not (?:right )?now|not interested|i'll pass|not for me|"
                        r"i(?:'m| am) (?:fine|ok|okay|good|happy)(?: with what i have| as i am| thanks)?|"
                        r"don't need|do not need|no need|not at the moment|not at this time|i don't want|"
                        r"rather not|no,? i(?:'m| am) not|not looking|already have|leave it(?: where it is| as it is)?|"
                        r"stick with|happy where we are|then no|won't need|"
                        r"not at the (?:present|moment|minute)(?: time)?|"
                        r"i(?:'m| am) (?:okay|ok|good|fine) with (?:the|my|what)|i (?:have|'ve got|already have) "
                        r"(?:that|it|one) (?:with|through|elsewhere)|not today|"
                        r"(?:we|i)(?:'re| are) (?:fine|ok|okay|alright|all right|"
                        r"good|happy|sorted)(?: as (?:we|i) are| thanks| thank you|(?=[,.!]|$))|i(?:'m| am) alright|"
                        r"no ta|leave it|not something (?:i|we) need|(?:there's )?no point|"
                        r"i(?:'d| would) rather you didn't|(?:don't|do not) do (?:credit|loans|that)|not for us|"
                        r"not worth it|too expensive|can't afford|give it a miss|not bothered|don't bother|"
                        r"i'm not (?:moving|changing|switching)|(?:god|oh) no|"
                        r"too (?:long|much|steep|dear|pricey|expensive)|"
                        r"take my chances|(?:won't|will not|not) be taking (?:it|this|that|you) up|don't fancy|"
                        r"rather stay|not really (?:my thing|for me|something))\b", re.I)
PENDING_RE = re.compile(r"\b(think about it|have a think|let me think|sleep on it|send me (?:the |some )?"
                        r"(?:details|information|info)|talk to my|discuss (?:it )?with|check with|maybe later|"
                        r"not sure|get back to you|i'll consider|look into it|call me back about|nearer the time|"
                        r"i'll sort (?:that|it)|ring me about it|someone (?:ring|call) me|possibly|maybe|perhaps|"
                        r"(?:email|send|mail|text) (?:that|it|them|something|me something|the quote)"
                        r"(?: over)?(?: to me)?"
                        r"(?: in the (?:mail|post)| by (?:email|post))?|compare (?:it |them )?(?:before|first)|"
                        r"need to (?:compare|check|confirm)|let me (?:check|compare|see|talk)|"
                        r"i'll have to see|tell me more|run it past|ask (?:my|his|her|our)|let me (?:ask|have a|just)|"
                        r"(?:ring|call) me (?:back|in|"
                        r"next|tomorrow|later)|ring (?:you )?back|(?:email|send) me the|i'll have a look|could be|"
                        r"hang on|i don't know|not (?:till|until)|once we've|i'll dig out|i'll talk to|"
                        r"i(?:'d| would) have to)\b", re.I)

PROMISE_RE = re.compile(
    r"\b(i(?:'ll| will)|we(?:'ll| will)|they(?:'ll| will)|someone(?: from [\w ]{1,30}?)? will|someone'll|"
    r"a colleague will|(?:the|our) [\w ]{1,20}? team(?: lead)? (?:will|says they'll)|"
    r"you(?:'ll| will) (?:get|receive|hear)|(?:can|could) i call you back)\b[^.?!]{0,60}?\b("
    r"call(?:ing)? you(?: back)?|ring you|get back to you|"
    r"email you|send(?: you)?|post|follow(?:ing)? up|update you|be in touch|arrange|refund|credit|reissue|"
    r"look into|chase|contact you|text you|review|hear (?:back|from)|confirm|process)\b", re.I)

CONSENT_OUT_RE = re.compile(r"\b((?:don't|do not|stop|no more|never|take me off|remove me from|opt (?:me )?out of)"
                            r"(?: \w+){0,4} (?:marketing|offers|promotions|sales calls|mailings?)|unsubscribe|"
                            r"opt (?:me )?out|(?:don't|do not) want (?:anyone|you|people) (?:ringing|calling|"
                            r"contacting|emailing) me about)\b", re.I)
CONSENT_IN_RE = re.compile(r"\b(opt (?:me )?(?:back )?in|happy (?:for you )?to (?:receive|hear about|get) "
                           r"(?:offers|marketing|promotions)|(?:you can|feel free to) (?:send|email) me (?:offers|"
                           r"marketing|deals))\b", re.I)

PREFERENCE_RE = re.compile(r"\b(prefer|rather|best (?:way|time) to (?:reach|contact|call)|easier (?:for me )?(?:to|by|"
                           r"if)|(?:please )?(?:don't|do not) (?:call|ring|phone|email|text) (?:me )?|only (?:call|"
                           r"email|text)|call me (?:after|before|in the|on)|email (?:is|works) (?:best|better)|"
                           r"(?:mornings|evenings|afternoons) (?:are|work) (?:best|better)|i like|i don't like|"
                           r"i hate|speak (?:more )?slowly|in writing)\b", re.I)
CHANNEL_WORDS = {"email": "email", "e-mail": "email", "text": "text message", "sms": "text message",
                 "phone": "phone", "call": "phone", "ring": "phone", "post": "post", "letter": "post",
                 "app": "app", "chat": "chat", "branch": "branch", "in person": "branch", "in writing": "post"}
TIME_OF_DAY_RE = re.compile(r"\b(mornings?|afternoons?|evenings?|lunchtime|weekends?|saturdays?|sundays?|"
                            r"after (?:\d|five|six|work)\w*|"
                            r"before (?:\d|nine|ten|work)\w*|weekends?)\b", re.I)

FRUSTRATION_RE = re.compile(r"\b((?:declined|blocked|failed|happened|wrong|down) again|yet again|once again|"
                            r"(?:second|third|fourth|fifth) time|still (?:not|waiting|hasn't|haven't|no|don't|blocked)|"
                            r"nobody has|no one has|(?:it's|this is) a joke|seriously\?|driving me mad|"
                            r"last thing i needed|"
                            r"fed up|ridiculous|unacceptable|frustrat\w+|annoy\w+|nobody (?:called|rang|got back)|"
                            r"no one (?:called|rang|got back)|i've (?:already )?(?:called|rung|been on)|"
                            r"keep (?:calling|having to)|waste of (?:my )?time|useless|disappointed|"
                            r"angry|furious|upset|not ideal|whatever|make a complaint|i'll be waiting)\b", re.I)


_CANONICAL = {
    "auto insurance": "car insurance", "remortgage": "mortgage", "fixed-rate bond": "fixed rate bond", "isa": "ISA",
    "cash isa": "cash ISA", "junior isa": "junior ISA", "stocks and shares isa": "stocks and shares ISA",
    "home insurance policy": "home insurance", "car insurance policy": "car insurance",
    "homeowners insurance": "home insurance", "homeowner's insurance": "home insurance",
    "homeowner insurance": "home insurance", "renter's insurance": "renters insurance",
    "umbrella insurance": "umbrella policy", "home and auto": "home and auto bundle",
    "bundling": "home and auto bundle", "bundle": "home and auto bundle",
    # Covers are the insurance they are part of; reviews, fixes and transfers the product they look at.
    "life cover": "life insurance", "life policy": "life insurance", "joint life policy": "life insurance",
    "contents cover": "contents insurance", "buildings cover": "buildings insurance",
    "buildings policy": "buildings insurance", "pet cover": "pet insurance",
    "accidental damage": "accidental damage cover", "comprehensive": "comprehensive cover",
    "no-claims discount": "no-claims protection", "no claims discount": "no-claims protection",
    "fixed-rate saver": "fixed rate saver", "mortgage review": "mortgage", "product transfer": "mortgage",
    "two-year fix": "mortgage", "five-year fix": "mortgage", "tracker rate": "mortgage", "tracker mortgage": "mortgage",
    "savings review": "savings", "pension review": "pension",
}


def canonical_product(text: str) -> str:
    value = text.lower().rstrip("s") if not text.lower().endswith("ss") else text.lower()
    return _CANONICAL.get(value, value)

PRODUCTS_CANONICAL = frozenset(canonical_product(p) for p in PRODUCTS)
