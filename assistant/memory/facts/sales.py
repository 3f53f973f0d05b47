"""Sales facts: offers an agent made and how the customer answered (accepted, declined, pending), and
products the customer holds or bought."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from assistant.language.grammar import grammar
from assistant.language.time import fmt_day, put_off_until
from assistant.language.words import a_noun
from assistant.memory.facts import lexicon as lx
from assistant.memory.facts.base import Conversation, Said, make_fact
from assistant.models import Fact

_HOLD_RE = re.compile(r"\b(?:i|we) (?:have|hold|already have|'ve got|have got|'ve had)(?: (?:a|an|the|my|our|your))?"
                      r" (?:\w+ )?$", re.I)  # tested on the words just before the product
_BOUGHT_RE = re.compile(r"(?:\b(?:i|we)(?:'ve| have)? (?:just )?|^just )(?:bought|taken out|took out|opened|"
                        r"signed up for|switched to)(?: (?:a|an|the|my|our|your))?(?: new)? (?:\w+ )?$|"
                        r"\bi've (?:set up|opened|added|activated|arranged) (?:your|a|the)(?: new)? (?:\w+ )?$", re.I)
_READY_RE = re.compile(r"\b(?:is|are|has been|have been) (?:now )?(?:set up|opened|activated|active|in place|live)\b|"
                       r"\b(?:quote accepted|that's all done|all done|all set)\b", re.I)
_CLOSED_RE = re.compile(r"\bi've (?:closed|cancelled) (?:your|the)\b|\b(?:is|has been) (?:now )?(?:closed|cancelled)\b",
                        re.I)
# "Your car loan has been approved": a credit product the customer now has (not "approved in principle").
_CREDIT = {"car loan", "personal loan", "loan", "overdraft"}
_APPROVED_RE = re.compile(r"\s+(?:application\s+)?(?:has been|is|was|'s been)\s+(?:now\s+)?(?:fully\s+)?approved\b"
                          r"(?!\s+in principle)", re.I)
_YES_NO = re.compile(r"^\W*(?:yes|yeah|yep|sure|ok|okay|no|nope|nah|maybe|fine|alright|all right)\b", re.I)
_OFFER_SPEAKERS = ("agent", "system")
# The interaction's recorded outcome, when it states how the sale went, is the last word on the offer.
_OUTCOME_DECLINED = re.compile(r"\b(not interested|declined|refused|no sale|said no|turned down|do not call|"
                               r"opted out)\b", re.I)
_OUTCOME_INELIGIBLE = re.compile(r"\b(ineligible|not eligible|no quote)\b", re.I)
_OUTCOME_ACCEPTED = re.compile(r"^\s*(buy|bought|sold|sale|purchased?|accepted)\b|\b(policy sold|sale made|"
                               r"quote accepted|customer bought|customer purchased)\b", re.I)
_SALES_OUTCOME = re.compile(r"\b(offer|quote|paused|consider)", re.I)
_VEHICLE_RE = re.compile(r"\b(?:car|cars|vehicles?|auto|truck|van|motorbike|motorcycle|suv|driver'?s? licen[cs]e)\b",
                         re.I)
_ADD_ONS = {"roadside assistance", "rental reimbursement", "home and auto bundle", "comprehensive cover",
            "accidental damage cover", "named driver", "no-claims protection", "european cover", "legal expenses cover",
            "home emergency cover"}
_KIND_OF_INSURANCE_RE = re.compile(r"\b(?:" + "|".join(
    re.escape(p) for p in lx.PRODUCTS if p.endswith(("insurance", "cover")) and p not in lx.GENERIC_PRODUCTS
) + r")\b", re.I)
_OUTCOME_PENDING = re.compile(r"\b(paused|call ?back|callback|thinking|consider\w*|more information|follow[- ]up|"
                              r"pending)\b", re.I)


def _names(said: Said) -> list[str]:
    return [_product(m, said.text) for m in lx.PRODUCT_RE.finditer(said.text)]


_NOT_A_KIND = {"home", "auto", "a", "an", "the", "your", "our", "my", "this", "that", "big", "whole", "full", "new",
               "and", "or", "to", "of", "with", "you", "if", "we", "i", "in", "on", "for", "at", "by", "from", "about"}


def _product(m: re.Match[str], text: str) -> str:
    """The product a PRODUCT_RE match names; a plain "bundle" is the insurers' home-and-auto bundle only when
    nothing before it says what is bundled ("the TV bundle", "a landline bundle" are their own)."""
    product = lx.canonical_product(m.group(1))
    if product == "home and auto bundle" and m.group(1).lower().startswith("bundle"):
        kind = re.search(r"([A-Za-z][\w-]*)\s+$", text[:m.start()])
        if kind and kind.group(1).lower() not in _NOT_A_KIND:
            word = kind.group(1)
            return f"{word if word.isupper() else word.lower()} bundle"
    return product


def _offered_product(said: Said, conversation: Conversation) -> str | None:
    """The product the offer names: in its sentence, its turn, or the agent's sentence just before ("Your deal ends
    in March." "Would now be a good time to look at rates?"); "the policy" means the one talked about, and a plain
    "our Premier account" with nothing more specific around is the account."""
    found, looked = _names(said), [said]
    if not [p for p in found if p not in lx.GENERIC_PRODUCTS]:
        looked += conversation.turn_sentences(said)
        if _REFERS_BACK.search(said.text):
            looked += _just_before(said, conversation)
        found += [p for other in looked[1:] for p in _names(other)]
    specific = [p for p in found if p not in lx.GENERIC_PRODUCTS]
    if specific:
        return specific[0]
    if not lx.PRODUCT_RE.search(said.text):  # "Would you like them to text first?" names nothing to sell
        return _thing_offered(looked)
    earlier = [p for s in conversation.said if s.index <= said.index for p in _names(s)]
    earlier = [p for p in earlier if p not in lx.GENERIC_PRODUCTS]
    if earlier:
        return earlier[-1]
    return _thing_offered(looked)


# What an offer is about when the product words do not name it: "our Gold card", "our over-50s plan", and changes
# to what the customer has: "your limit", "your savings" (not "your account": that is servicing it). Only kept when
# the customer answers the offer (see offers()).
_THING_RE = re.compile(r"\b(?:(?:a|an|our|the)\s+((?:[\w'-]+\s+){0,2}?(?:account|card|plan|cover|policy|limit|saver|"
                       r"bond|review|discount|pot|savings|loans?|fix|pack|isa|mortgage|pension))|your\s+((?:[\w'-]+\s+)"
                       r"{0,2}?(?:limit|cover|savings|discount|mortgage|pension|isa|plan)))\b", re.I)


def _thing_offered(sentences: list[Said]) -> str | None:
    if any(lx.SERVICE_STEP_RE.search(s.text) for s in sentences):
        return None
    found = [m.group(1) or m.group(2) for s in sentences for m in _THING_RE.finditer(s.text)]
    return lx.canonical_product(" ".join(found[0].split()).lower()) if found else None


# "Shall I add it?", "We could top that up", "a look at rates": the sentence leans on the one before for its object.
_REFERS_BACK = re.compile(r"\b(?:it|that|this|one|them|those|rates?)\b", re.I)


def _just_before(said: Said, conversation: Conversation) -> list[Said]:
    """The same speaker's previous two sentences, at most two turns back ("Have you got life cover?" "A bit through
    work." "We could top that up for you.")."""
    at = conversation.position(said)
    near = [s for i in (said.index - 2, said.index - 1, said.index) for s in conversation.turn(i)
            if conversation.position(s) < at]
    return [s for s in near if s.speaker == said.speaker][-2:]


_NO_START = re.compile(r"^\W*(?:(?:oh|well|erm|um|honestly|goodness)\W+)?(?:no|nope|nah)\b", re.I)
_YES_START = re.compile(r"^\W*(?:(?:oh|ok|okay|right|well|actually|hello|hi|fine|lovely|great|perfect|brilliant|"
                        r"do you know what)\W+){0,3}(?:yes|yeah|yep|sure|go on|go ahead)\b", re.I)


def reply_status(text: str) -> str | None:
    """What one customer sentence says to an offer, from its words alone: accepted, declined, pending or None."""
    if lx.PENDING_RE.search(text):
        return "pending"
    if lx.DECLINE_RE.search(text) or _NO_START.match(text):
        return "declined"
    if lx.ACCEPT_RE.search(text) or _YES_START.match(text):
        return "accepted"
    return None


def response_to(offer: Said, conversation: Conversation) -> tuple[str, list[Said]]:
    """The customer's answer in the next few turns: accepted, declined, or pending (no clear answer).

    The first reply with clear words decides, and within a reply its first clear sentence ("Yes, all of it. I don't
    need it for anything."). A reply that only asks about the offer ("How much more?") lets the next one decide; a
    reply about something else ends the search, so "No, that's all" to "Anything else?" is never the answer. A
    question with no yes or no is a pending answer; the model's reading of a vaguer first reply comes before it."""
    # Replies end where the agent moves on: another offer, or a question that is not about this offer.
    later = [s.index for s in _offers(conversation) if s.index > offer.index]
    later += [s.index for s in conversation.after(offer, turns=4) if s.speaker in _OFFER_SPEAKERS
              and s.text.rstrip().endswith("?") and not lx.PRODUCT_RE.search(s.text)]
    until = min(later, default=offer.index + 5)
    replies = [s for s in conversation.after(offer, turns=4, speaker="customer") if s.index < until]
    turns: dict[int, list[Said]] = {}
    for said in replies:
        turns.setdefault(said.index, []).append(said)
    asked: list[Said] = []
    for turn in turns.values():
        for said in turn:
            status = _reconciled(reply_status(said.text), conversation.gate.get(id(said), {}))
            if status:
                return status, [said]
        if turn[-1].text.rstrip().endswith("?"):
            asked.append(turn[-1])
        elif sum(len(said.text.split()) for said in turn) > 2:  # "Hmm." waits for the next reply
            break
    for said in replies[:1]:
        scores = conversation.gate.get(id(said), {})
        if "reply:accepted" in scores:  # the classifier trained on everyday replies (language/data)
            label = max(("accepted", "declined", "undecided", "not_an_answer"), key=lambda k: scores[f"reply:{k}"])
            if label != "not_an_answer" and scores[f"reply:{label}"] >= 0.6:
                return {"undecided": "pending"}.get(label, label), [said]
            continue
        if scores:
            label = max(("accept", "decline", "pending"), key=lambda k: scores.get(k, 0.0))
            if scores.get(label, 0.0) >= 0.6:
                return {"accept": "accepted", "decline": "declined", "pending": "pending"}[label], [said]
    if asked:
        return "pending", [asked[0]]
    return "pending", []


def _reconciled(status: str | None, scores: dict[str, float]) -> str | None:
    """The words' reading against the classifier's: a no the words missed or softened ("not right now thanks,
    maybe next year" is no "maybe"; "yes I know, but no thanks" no yes) is a no. Reading a no as a yes would
    sell again to someone who said no, so only the safer way wins."""
    declined = scores.get("reply:declined", 0.0)
    if status in ("pending", "accepted") and declined >= (0.7 if status == "pending" else 0.8):
        return "declined"
    return status


def reply_candidates(conversation: Conversation) -> list[Said]:
    """Customer sentences right after an offer, for the reply classifier (and the prototypes) to read."""
    out: list[Said] = []
    # before the classifier has read them, any sentence it may call an offer counts
    proposals = {id(s): s for s in [*_offers(conversation), *offer_candidates(conversation)]}
    conversation.memo.pop("offers", None)  # read again once the classifier has scored the candidates
    for offer in proposals.values():
        for s in conversation.after(offer, turns=2, speaker="customer")[:2]:
            if len(s.text.split()) >= 2 and s not in out:
                out.append(s)
    return out


def offers(conversation: Conversation, cooldown_days: int) -> list[Fact]:
    facts = []
    for said in _offers(conversation):
        product = _offered_product(said, conversation)
        if product is None and conversation.gate.get(id(said), {}).get("offer:offer", 0.0) >= OFFER_FLOOR:
            product = _offered_thing(said, conversation)
        if product is None:
            continue
        status, reply = response_to(said, conversation)
        if status == "accepted" and not _yes_to_the_thing(said, reply[0], conversation):
            status = "pending"
        if status == "pending" and reply and _put_off_until(reply[0]) is not None:
            status = "declined"  # "maybe after Christmas", "not right now, next year": a no for now, not a maybe
        if not reply and not (lx.OFFER_RE.search(said.text) and product in lx.PRODUCTS_CANONICAL):
            continue  # a wider proposal form, or a thing outside the product words, with no answer: too unsure
        at = reply[0].at if reply else said.at
        day = fmt_day(at)
        text = {"accepted": f"Accepted the {product} offer on {day}",
                "declined": f"Declined the {product} offer on {day}",
                "pending": f"Was offered {a_noun(product)} on {day}; "
                           + ("not decided yet" if reply else "no answer yet")}[status]
        valid_to = at + timedelta(days=cooldown_days) if status == "declined" else None
        if status == "declined" and reply and (later := _put_off_until(reply[0])) is not None:
            valid_to = max(valid_to or later, later)  # not offered again before the time they named
        facts.append(make_fact(
            conversation, "offer", product, text, [said, *reply], status=status, valid_from=at, valid_to=valid_to,
            offer=said.text, response=reply[0].text if reply else None, product=product,
            reply_turns=[s.turn_id for s in reply] or None,
        ))
        if status == "accepted" and lx.ACCEPT_RE.search(reply[0].text) and "quote" not in said.text.lower():
            facts.append(make_fact(conversation, "product", product, f"Bought {product} on {day}", [said, *reply],
                                   status="bought", valid_from=at, source="accepted offer"))
    return _apply_outcome(conversation, facts, cooldown_days)


# "I can post you the figures" ... "Yes please post it": a yes to having the details sent, not to the product.
_SENDING = re.compile(r"\b(?:post|send|e-?mail|text|mail|forward)(?:ing)?\b(?: it| them| those| that| me| over)?", re.I)


def _yes_to_the_thing(offer: Said, reply: Said, conversation: Conversation) -> bool:
    """Whether a yes answers the offer itself. A yes that repeats the sending we proposed takes the details, not the
    product; and an offer only the classifier found (no offer words: "after you qualify we move you to ...") is
    accepted only by plain yes words, never by an "ok cool" the classifier leans on."""
    sending = _SENDING.search(reply.text)
    if sending and re.search(rf"\b{re.escape(sending.group(0).split()[0])}", offer.text, re.I):
        return False
    if lx.OFFER_RE.search(offer.text) or lx.PROPOSAL_RE.search(offer.text):
        return True
    return reply_status(reply.text) == "accepted"


def _put_off_until(reply: Said) -> datetime | None:
    """When a reply puts the offer off to a time still ahead ("maybe after Christmas"), that time; else None."""
    return put_off_until(reply.text, reply.at)


def outcome_status(outcome: str | None) -> tuple[str, str] | None:
    """(status, reason) when the interaction's recorded outcome says how the sale went, else None."""
    if not outcome:
        return None
    if _OUTCOME_INELIGIBLE.search(outcome):
        return "declined", "ineligible"
    if _OUTCOME_DECLINED.search(outcome):
        return "declined", "not interested"
    if _OUTCOME_ACCEPTED.search(outcome):
        return "accepted", "bought"
    if _OUTCOME_PENDING.search(outcome):
        return "pending", "paused"
    return None


def _main_product(conversation: Conversation, facts: list[Fact]) -> str | None:
    """What the call was selling: the specific product named most often (ties: the one offered last), else the
    last offer's product."""
    offered = [f.subject for f in facts if f.kind == "offer"]
    counts: dict[str, int] = {}
    for said in conversation.matching(lx.PRODUCT_RE):
        for product in _named_products(said, conversation):
            if product not in lx.GENERIC_PRODUCTS:
                counts[product] = counts.get(product, 0) + 1
    # An add-on ("roadside assistance", a home-and-auto bundle) rides on the policy the call is about.
    main = {p: n for p, n in counts.items() if p not in _ADD_ONS} or counts
    if main:
        return max(main, key=lambda p: (main[p], p in offered))
    return offered[-1] if offered else None


def _named_products(said: Said, conversation: Conversation) -> list[str]:
    """Products a sentence names. A call about a vehicle that never names a kind of insurance says "insurance"
    and "the policy": read as car insurance, they outweigh the credit card the premium is paid with."""
    if "vehicle" not in conversation.memo:  # a kind named once and not offered ("do you have homeowners?") is an aside
        kinds = sum(len(_KIND_OF_INSURANCE_RE.findall(s.text)) for s in conversation.said)
        offered = any(_KIND_OF_INSURANCE_RE.search(s.text) for s in _offers(conversation))
        conversation.memo["vehicle"] = kinds < 2 and not offered and any(
            _VEHICLE_RE.search(s.text) for s in conversation.said)
    named = [_product(m, said.text) for m in lx.PRODUCT_RE.finditer(said.text)]
    return ["car insurance" if conversation.memo["vehicle"] and p in ("insurance", "policy") else p for p in named]


# An outcome that is the whole call's sales result, as a sales dialler records it.
_WHOLE_CALL_OUTCOME = re.compile(r"^\s*(?:customer not interested|not interested|no quote|buy|bought|sold|sale made|"
                                 r"policy sold|process paused|customer (?:declined|bought|purchased)|declined|accepted)"
                                 r"\b", re.I)


def _apply_outcome(conversation: Conversation, facts: list[Fact], cooldown_days: int) -> list[Fact]:
    """The recorded outcome ("customer not interested", "no quote - ineligible customer", "buy", "process paused")
    overrides what the words seemed to say about the call's main offer."""
    stated = outcome_status(conversation.interaction.outcome)
    if stated is None or not conversation.said:
        return facts
    status, reason = stated
    outcome = conversation.interaction.outcome or ""
    if status == "pending" and not any(f.kind == "offer" for f in facts) and not _SALES_OUTCOME.search(outcome):
        return facts  # "callback requested" about a fixed rate ending is not, by itself, an offer
    if not any(f.kind == "offer" for f in facts) and not _WHOLE_CALL_OUTCOME.match(outcome):
        # A service contact's summary ("Opted out of all marketing; rollover confirmed") names no sale of its own:
        # it may not turn a product mentioned in passing into an offer declined.
        return facts
    # the product in the part of the outcome that says how the sale went ("Car insurance updated; breakdown
    # cover declined" is about breakdown cover)
    pieces = [p for p in re.split(r"[;.]", outcome) if p.strip()]
    if len(pieces) > 1 and not _WHOLE_CALL_OUTCOME.match(outcome):
        # "TV removed; fibre offered (customer to think); extra SIM declined": each result speaks only for the
        # offer it names, and none for the call's main product
        for piece in pieces:
            facts = _apply_part(conversation, facts, piece, cooldown_days)
        return facts
    parts = [p for p in pieces if outcome_status(p) is not None] or [outcome]
    named = [lx.canonical_product(m.group(1)) for m in lx.PRODUCT_RE.finditer(parts[0])]
    product = next((p for p in named if p not in lx.GENERIC_PRODUCTS), None) or _main_product(conversation, facts)
    if product is None:
        return facts
    earlier = [f for f in facts if f.kind == "offer" and f.subject == product]
    sources = [s for s in conversation.matching(lx.PRODUCT_RE) if product in _named_products(s, conversation)][-1:]
    sources.append(conversation.said[-1])
    at = conversation.said[-1].at
    day = fmt_day(at)
    text = {"accepted": f"Accepted the {product} offer on {day}",
            "declined": _declined_text(product, reason, day),
            "pending": f"Was offered {a_noun(product)} on {day}; no answer yet"}[status]
    offer_text = earlier[-1].attributes.get("offer") if earlier else None
    fact = make_fact(conversation, "offer", product, text, sources, status=status, valid_from=at,
                     valid_to=at + timedelta(days=cooldown_days) if status == "declined" else None,
                     offer=offer_text, response=conversation.interaction.outcome, product=product,
                     reason=reason if status == "declined" else None, source="recorded outcome")
    out = [f for f in facts if not (f.kind == "offer" and f.subject == product)]
    if status == "declined":  # "not interested" (or not eligible) ends the whole sale, add-ons included
        out = [_declined(f, conversation, reason, cooldown_days) if f.kind == "offer" and f.status == "pending"
               else f for f in out]
    if status != "accepted":
        out = [f for f in out if not (f.kind == "product" and f.subject == product and f.status == "bought"
                                      and f.attributes.get("source") == "accepted offer")]
    out.append(fact)
    if status == "accepted" and not any(f.kind == "product" and f.subject == product and f.status == "bought"
                                        for f in out):
        out.append(make_fact(conversation, "product", product, f"Bought {product} on {day}", sources,
                             status="bought", valid_from=at, source="recorded outcome"))
    return out


_PART_DECLINED = re.compile(r"\b(?:declined|refused|not interested|turned down|said no)\b", re.I)
_PART_ACCEPTED = re.compile(r"\b(?:accepted|bought|sold|taken|agreed|signed up)\b", re.I)


def _apply_part(conversation: Conversation, facts: list[Fact], piece: str, cooldown_days: int) -> list[Fact]:
    """One result of a listed outcome, applied to the offer it names ("spare SIM declined" to the SIM offered),
    found by a shared word with the offered product; a result naming no offer of the contact changes nothing."""
    status = "declined" if _PART_DECLINED.search(piece) else "accepted" if _PART_ACCEPTED.search(piece) else None
    if status is None:
        return facts
    words = {w for w in re.findall(r"[a-z0-9]+", piece.lower()) if len(w) > 2} - _OUTCOME_WORDS
    matching = [f for f in facts if f.kind == "offer" and words & set(re.findall(r"[a-z0-9]+", f.subject.lower()))]
    if len(matching) != 1 or matching[0].status == status:
        return facts
    offer = matching[0]
    if status == "declined":
        return [_declined(offer, conversation, "not interested", cooldown_days) if f is offer else f for f in facts]
    day = fmt_day(conversation.said[-1].at)
    accepted = offer.model_copy(update={"status": "accepted", "valid_to": None,
                                        "text": f"Accepted the {offer.subject} offer on {day}",
                                        "attributes": {**offer.attributes, "response": piece.strip(),
                                                       "source": "recorded outcome"}})
    return [accepted if f is offer else f for f in facts]


_OUTCOME_WORDS = {"declined", "refused", "interested", "not", "turned", "down", "said", "accepted", "bought",
                  "sold", "taken", "agreed", "signed", "customer", "offer", "offered", "the", "and", "extra", "new"}


def _declined_text(product: str, reason: str, day: str) -> str:
    return f"Not eligible for {product} (no quote) on {day}" if reason == "ineligible" else \
        f"Declined the {product} offer on {day}"


def _declined(offer: Fact, conversation: Conversation, reason: str, cooldown_days: int) -> Fact:
    at = conversation.said[-1].at
    return offer.model_copy(update={
        "status": "declined", "text": _declined_text(offer.subject, reason, fmt_day(at)),
        "valid_to": at + timedelta(days=cooldown_days),
        "attributes": {**offer.attributes, "reason": reason, "response": conversation.interaction.outcome,
                       "source": "recorded outcome"}})


# An agent sentence that may propose something (for the offer classifier to read): it leans on the customer
# ("would you", "interested", "worth"), names a price or a saving, or proposes adding, switching or booking.
_PROPOSING = re.compile(r"\b(?:would|could|can|shall|might|may|want|fancy|interested|worth|consider\w*|thought "
                        r"about|eligible|free|save|saving|discount|deal|offer\w*|upgrade|add|switch|sign|book|also|"
                        r"option|a month|per month|monthly|a year)\b|[£$€]\s?\d", re.I)
OFFER_FLOOR = 0.8  # the offer classifier's probability for an offer no pattern found


def offer_candidates(conversation: Conversation) -> list[Said]:
    """Agent sentences that may be an offer and that the customer answers in the next turn."""
    out = []
    for s in conversation.matching(_PROPOSING, "agent"):
        if 5 <= len(s.text.split()) <= 45 and any(r.speaker == "customer" for r in conversation.turn(s.index + 1)):
            out.append(s)
    return out


def _offers(conversation: Conversation) -> list[Said]:
    """Sentences that offer something: the plain offer phrases, and the wider proposal forms when they name
    something we sell (in the sentence or, for "it", the agent's sentences before it); neither about a service step;
    and those the offer classifier is sure of, whatever their words."""
    if "offers" not in conversation.memo:
        plain = {id(s) for s in conversation.matching(lx.OFFER_RE)}
        wider = {id(s) for s in conversation.matching(lx.PROPOSAL_RE)}
        found = [s for s in conversation.said if s.speaker in _OFFER_SPEAKERS and (
            id(s) in plain and not lx.SERVICE_STEP_RE.search(s.text) or id(s) in wider and _sells(s, conversation)
            or conversation.gate.get(id(s), {}).get("offer:offer", 0.0) >= OFFER_FLOOR
            and not _asked_for(s, conversation))]
        conversation.memo["offers"] = found
    return conversation.memo["offers"]


def _asked_for(said: Said, conversation: Conversation) -> bool:
    """The agent doing what the customer asked ("I want a second savings pot" ... "I can set up a savings pot"),
    or a service step: no sale, whatever the classifier thinks."""
    if lx.SERVICE_STEP_RE.search(said.text):
        return True
    at = conversation.position(said)
    asked = {p for s in conversation.matching(lx.PRODUCT_RE, "customer") if conversation.position(s) < at
             for p in _names(s)}
    return bool(asked & set(_names(said)))


_NOT_A_THING = {"you", "it", "that", "this", "anything", "something", "one", "them", "we", "i", "me", "us", "what",
                "which", "a look", "the moment", "today", "time"}


_WHEN_PREPOSITIONS = {"after", "before", "until", "till", "since", "during", "on", "at", "by", "from"}


def _offered_thing(said: Said, conversation: Conversation) -> str | None:
    """What an offer the classifier found proposes, from the parse: its first noun phrase that names a thing
    ("our Home Care boiler cover", "the Priority Services Register")."""
    doc = (conversation.grammar or grammar()).one(said.text)
    for chunk in doc.noun_chunks:
        words = [t for t in chunk if t.pos_ not in {"DET", "PRON"} and t.lower_ not in {"our", "your", "my"}]
        text = " ".join(t.text for t in words).strip()
        if chunk.root.dep_ == "pobj" and chunk.root.head.lower_ in _WHEN_PREPOSITIONS:
            continue  # "after graduation", "before the move": when, not what
        # a verbless "And a spare SIM for £5 a month?" is the thing itself (ROOT)
        if text and text.lower() not in _NOT_A_THING and any(t.pos_ in {"NOUN", "PROPN"} for t in words) \
                and chunk.root.dep_ in {"dobj", "pobj", "attr", "nsubj", "nsubjpass", "appos", "ROOT"}:
            return text.lower() if not any(t.pos_ == "PROPN" for t in words) else text
    return None


def _sells(said: Said, conversation: Conversation) -> bool:
    """A proposal about something we sell: the sentence, or with "Shall I add it?" the agent's sentence before it,
    names a product, and neither is about a service step."""
    specific = any(p not in lx.GENERIC_PRODUCTS for p in _names(said))
    span = [*_just_before(said, conversation), said] if _REFERS_BACK.search(said.text) and not specific else [said]
    if any(lx.SERVICE_STEP_RE.search(s.text) for s in span):
        return False
    named = {p for s in span for p in _names(s) if p not in lx.GENERIC_PRODUCTS} or set(filter(None, [
        _thing_offered(span)]))
    # "I want to open a savings pot" ... "I can set up a savings pot for you": doing what was asked is not selling.
    at = conversation.position(said)
    asked = {p for s in conversation.matching(lx.PRODUCT_RE, "customer") if conversation.position(s) < at
             for p in _names(s)}
    return bool(named - asked)


def products(conversation: Conversation) -> list[Fact]:
    """Bought ("Just taken out the car insurance", "I've opened your new ISA"), held ("I've got a credit card
    with you") or closed; the verb must come right before the product, not anywhere in the sentence."""
    facts = []
    for said in conversation.matching(lx.PRODUCT_RE):
        for m in lx.PRODUCT_RE.finditer(said.text):
            product = lx.canonical_product(m.group(1))
            if product in lx.GENERIC_PRODUCTS or said.text.rstrip().endswith("?"):
                continue
            before = said.text[max(0, m.start() - 60): m.start()]
            day = fmt_day(said.at)
            if said.speaker == "agent" and _CLOSED_RE.search(said.text):
                facts.append(make_fact(conversation, "product", product, f"Closed {product} on {day}", [said],
                                       status="closed", valid_from=said.at))
            elif said.speaker in ("agent", "system") and product in _CREDIT and _APPROVED_RE.match(
                    said.text[m.end():]):
                facts.append(make_fact(conversation, "product", product, f"{product.capitalize()} approved on {day}",
                                       [said], status="bought", valid_from=said.at, source="approved"))
            elif _BOUGHT_RE.search(before) or said.speaker in ("agent", "system") and _ready(said, conversation):
                facts.append(make_fact(conversation, "product", product, f"Bought {product} on {day}", [said],
                                       status="bought", valid_from=said.at))
            elif said.speaker == "customer" and _HOLD_RE.search(before):
                facts.append(make_fact(conversation, "product", product, f"Has {a_noun(product)}",
                                       [said], status="held", valid_from=said.at))
            break
    return facts


def _ready(said: Said, conversation: Conversation) -> bool:
    """The agent or system says the product is set up, in this sentence or the next one of the turn."""
    follow = [s for s in conversation.turn_sentences(said) if s.index == said.index]
    at = next((i for i, s in enumerate(follow) if s is said), 0)
    return any(_READY_RE.search(s.text) for s in follow[at: at + 2])
