"""PII masking: what must be masked, and look-alikes (order numbers, dates, amounts) that must not be."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.models import Customer, Interaction
from ingest.redaction import Redactor, redact_customer, redact_interaction


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(("GB", "US"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my card is 4111 1111 1111 1111, expiry 04/27", "my card is [CARD ••••1111], expiry 04/27"),
        ("card 4111-1111-1111-1111", "card [CARD ••••1111]"),
        ("4111111111111111", "[CARD ••••1111]"),
        ("amex 3782 822463 10005 please", "amex [CARD ••••0005] please"),
        ("mail jo.smith+home@example.co.uk now", "mail [EMAIL] now"),
        ("call me on +44 7700 900123 please", "call me on [PHONE ••••0123] please"),
        ("or 07700 900123", "or [PHONE ••••0123]"),
        ("the office is 020 7946 0018", "the office is [PHONE ••••0018]"),
        ("my cell is (415) 555-2671", "my cell is [PHONE ••••2671]"),
        ("US +1 415 555 2671", "US [PHONE ••••2671]"),
        ("IBAN GB82 WEST 1234 5698 7654 32 TO ME", "IBAN [IBAN ••••5432] TO ME"),
        ("iban GB82WEST12345698765432.", "iban [IBAN ••••5432]."),
        ("my NI number is AB 12 34 56 C", "my NI number is [NI NUMBER]"),
        ("SSN 123-45-6789", "SSN [SSN]"),
        ("sort code 20-00-00 account 12345678", "sort code [SORT CODE] account [ACCOUNT ••••5678]"),
        ("pay 20-00-00 41234567 today", "pay [SORT CODE] [ACCOUNT ••••4567] today"),
    ],
)
def test_masks_pii(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 4111111111111112 arrived",  # 16 digits, fails Luhn: an order number, not a card
        "reference 12345678901234",
        "paid £1,250.00 on 12/05/2024",
        "on 2024-05-12 at 10:30",
        "the amount was 1234567.89",
        "policy 12345678",
        "renewal date 12.05.2024",
        "paid on 1985-03-14",  # a date, not a birthday (issue 16: a date of birth is masked)
        "total 1,234,567 dollars",
        "it happened 12-05-24",  # looks like a sort code, but no bank context
        "IBAN GB00 WEST 1234 5698 7654 32",  # wrong mod-97 check digits
        "version 2.13.0",
        "the 555-0100 extension",
        "GB82",
        "email me at home",
        "About $2,500 for 12 months, 300 miles a week",
        "Hi, I'm chasing claim 0161 555 0192",  # a claim number written like a phone number (set o's review)
        "the claim number is 0161 552 0947",
    ],
)
def test_leaves_look_alikes(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_several_kinds_in_one_turn(redactor: Redactor) -> None:
    text = "Card 5555 5555 5555 4444, email a@b.com, phone 07700 900123."
    assert redactor.redact(text) == "Card [CARD ••••4444], email [EMAIL], phone [PHONE ••••0123]."


def test_regions_are_configurable() -> None:
    assert Redactor(("GB",)).redact("call 020 7946 0018") == "call [PHONE ••••0018]"
    assert Redactor(("US",)).redact("call (415) 555-2671") == "call [PHONE ••••2671]"


def test_interaction_masks_turns_and_metadata_not_the_original(redactor: Redactor) -> None:
    original = Interaction(
        interaction_id="i1", customer_id="c1", channel="chat", started_at=datetime(2025, 1, 2, tzinfo=UTC),
        outcome="refund to 4111 1111 1111 1111", tags=["callback 07700 900123"],
        metadata={"note": "reach at a@b.com", "nested": [{"iban": "GB82WEST12345698765432"}], "n": 3},
        turns=[{"speaker": "customer", "text": "my email is a@b.com"}],
    )
    masked = redact_interaction(original, redactor)
    assert masked.turns[0].text == "my email is [EMAIL]"
    assert masked.outcome == "refund to [CARD ••••1111]"
    assert masked.tags == ["callback [PHONE ••••0123]"]
    assert masked.metadata == {"note": "reach at [EMAIL]", "nested": [{"iban": "[IBAN ••••5432]"}], "n": 3}
    assert original.turns[0].text == "my email is a@b.com"  # the caller's object is untouched


def test_customer_metadata_masked_contact_kept(redactor: Redactor) -> None:
    customer = Customer(customer_id="c1", name="Ann Lee", contact={"email": "ann@example.com"},
                        metadata={"note": "old card 4111111111111111"})
    masked = redact_customer(customer, redactor)
    assert masked.metadata == {"note": "old card [CARD ••••1111]"}
    assert masked.contact.email == "ann@example.com"


# Issue 16, item 8: what the probe found left in stored text and quoted in drafts.
@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("card 4111.1111.1111.1111 please", "4111.1111"),
        ("the iban is gb82 west 1234 5698 7654 32", "5698"),
        ("my social is 123456789", "123456789"),
        ("it's john dot smith at example dot com", "smith"),
        ("Casey lives at 12 Baker Street, London NW1 6XE.", "Baker Street"),
        ("Casey lives at 12 Baker Street, London NW1 6XE.", "NW1 6XE"),
        ("Casey's passport number is 502135326.", "502135326"),
        ("my PIN is 4321", "4321"),
        ("the password is Sunflower22!", "Sunflower22"),
        ("the three digits on the back are 737", "737"),
        ("date of birth 3rd March 1984", "1984"),
        ("my mother's maiden name is Thompson", "Thompson"),
    ],
)
def test_masks_what_the_probe_found(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text)


def test_the_labelled_dev_set_meets_the_targets() -> None:
    """The blind dev set (tests/data/pii_dev.jsonl): false masks on near misses stay at or under 2%, and the kinds
    that carry a checksum or an exact shape are found at the issue's 0.99."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "pii.py"
    spec = importlib.util.spec_from_file_location("pii_benchmark", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    result = module.score("dev")
    assert result["false_masks"] <= 0.02
    for kind in ("card", "iban", "email", "phone"):
        assert result["recall"][kind] >= 0.99, (kind, result["recall"])
    assert min(result["recall"].values()) >= 0.88, result["recall"]



def test_a_reference_with_digit_groups_is_not_a_phone(redactor: Redactor) -> None:
    """Set d: a claim reference came out as "CLM-PB-[PHONE ••••4471]", useless to the colleague who needs it."""
    text = "I've opened the claim, reference CLM-PB-260720-4471. Ring me on 07700 900456 if you need me."
    out = redactor.redact(text)
    assert "CLM-PB-260720-4471" in out and "900456" not in out, out


@pytest.mark.parametrize(("asked", "answer", "code"), [
    ("I'll send a passcode to your mobile now, can you read it out to me?", "Yeah. Four seven one... no, 471 928.",
     "471 928"),
    ("Can you tell me the one-time code we just texted you?", "it's 552 019 I think", "552 019"),
    ("What's the verification code on your screen?", "883104", "883104"),
])
def test_a_one_time_code_read_out_is_masked(redactor: Redactor, asked: str, answer: str, code: str) -> None:
    """Set d: the handover quoted the customer's one-time passcode back ("471 928")."""
    call = Interaction.model_validate({
        "interaction_id": "otp-1", "customer_id": "c", "channel": "voice", "started_at": "2026-11-20T10:00:00Z",
        "turns": [{"speaker": "agent", "text": asked}, {"speaker": "customer", "text": answer},
                  {"speaker": "agent", "text": "Thanks, that's matched. You ordered 2 items for 120 dollars."}]})
    masked = redact_interaction(call, redactor)
    assert code not in masked.turns[1].text and "[CODE]" in masked.turns[1].text, masked.turns[1].text
    assert "120" in masked.turns[2].text, "only the answer to the request is a code"


# Issue 16, item 8 (round 2): the classes of wording the held-out set missed, each in new words.
@pytest.mark.parametrize(("text", "gone"), [
    ("Biscuit, that was the name of my first pet.", "Biscuit"),
    ("8812 is my PIN, I think.", "8812"),
    ("Marigold7 is the password I chose.", "Marigold7"),
    ("It'd be Penrose — that was my primary school.", "Penrose"),
    ("517 is the security code on it", "517"),
    ("E44821093 — that's the number in my passport.", "E44821093"),
    ("31207788 is the account I want it paid into", "31207788"),
    ("I always use 1979 for my PIN.", "1979"),
    ("it's six one six one, my PIN", "six one six one"),
    ("40-22-19 is the sort code on my statement", "40-22-19"),
])
def test_a_value_said_before_its_key_word(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("text", "gone"), [
    ("my PIN is nine two zero four", "nine two zero four"),
    ("the security code is five five one", "five five one"),
    ("pin's nineteen eighty-eight, same as my birth year", "eighty-eight"),
    ("account number seven seven one two, four four zero nine", "four four zero nine"),
])
def test_digits_said_as_words_after_a_key(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("text", "gone"), [
    ("The tiny number by the signature panel is 318.", "318"),
    ("The digits printed on the reverse are 402.", "402"),
    ("My password is currently Otter!42.", "Otter!42"),
    ("the site keeps saying wrong password when I enter Maple_2019", "Maple_2019"),
    ("my password has been changed to quartz-river-owl", "quartz-river-owl"),
    ("favourite film: casablanca", "casablanca"),
    ("Place where I was born - Galway", "Galway"),
    ("maiden surname: Okonkwo", "Okonkwo"),
    ("The street I grew up on was Larch Avenue", "Larch"),
    ("dad's middle name — Ebenezer", "Ebenezer"),
    ("Security question: name of first teacher. Answer: Mrs Patel.", "Patel"),
    ("Answer to security question - Harrogate", "Harrogate"),
    ("And the PIN? It is 5511", "5511"),
    ("My PIN is 1234, no sorry, 4321.", "4321"),
    ("born 3 May 1980 — sorry, I mean 5 March 1980", "5 March 1980"),
])
def test_words_between_a_key_and_its_value(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("text", "gone"), [
    ("pwd Heron2020", "Heron2020"),
    ("my pasword is Heron2020", "Heron2020"),
    ("passowrd: heron-twenty", "heron-twenty"),
    ("acount number 55667788", "55667788"),
    ("a/c no 55667788", "55667788"),
    ("s/c 40-11-22", "40-11-22"),
    ("my ccv is 442", "442"),
    ("securty code 442", "442"),
    ("maidan name is Holloway", "Holloway"),
    ("passprot number 120931882", "120931882"),
])
def test_key_words_typed_wrong_or_shortened(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize("text", [
    "My password is on a sticky note somewhere.",
    "my passwrd stopped working yesterday",
    "The PIN is one I chose myself.",
    "Which is my password, the old one?",
    "My mother's maiden name is required for that?",
    "favourite film: the one with the shark, can't remember the name",
    "I typed it twice but it says wrong password.",
    "The pwd reset link never came.",
    "Order 4412 arrived, is that my PIN reset letter?",
    "I called about order 12345, my PIN was blocked after that.",
    "Hi, my password doesn't work.",
    "The website kept prompting for my password again.",
    "We waited 1500 for the PIN letter to come.",
    "The answer is no, I don't want the upgrade.",
])
def test_key_words_without_a_value_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def call(*turns: tuple[str, str]) -> Interaction:
    return Interaction.model_validate({
        "interaction_id": "ctx-1", "customer_id": "c", "channel": "voice", "started_at": "2026-11-20T10:00:00Z",
        "turns": [{"speaker": s, "text": t} for s, t in turns]})


@pytest.mark.parametrize(("asked", "answer", "gone"), [
    ("What's the four-digit PIN on the card?", "Right, it's 2741.", "2741"),
    ("Please don't ever read your PIN out to anyone.", "Bit late, it's 2741 anyway.", "2741"),
    ("And the answer to your security question?", "Blackpool.", "Blackpool"),
    ("Which was your first pet?", "it was a hamster called Nibbles", "Nibbles"),
    ("Could you confirm the password for the portal?", "sure, it's tangerine.", "tangerine"),
    ("What's the three-digit code on the back of the card?", "three one nine", "three one nine"),
    ("Can I take your passport number?", "Yes — K2219034.", "K2219034"),
    ("And your date of birth?", "the 4th of June 1962", "4th of June 1962"),
])
def test_an_answer_to_the_agents_question_is_masked(redactor: Redactor, asked: str, answer: str, gone: str) -> None:
    masked = redact_interaction(call(("agent", asked), ("customer", answer),
                                     ("agent", "Thanks. Your order 2741 ships on the 4th."),
                                     ("customer", "Great, Blackpool it is then, 2741 tangerine.")), redactor)
    assert gone not in masked.turns[1].text, masked.turns[1].text
    assert masked.turns[3].text == "Great, Blackpool it is then, 2741 tangerine.", "only the answer is masked"


@pytest.mark.parametrize(("asked", "answer"), [
    ("I've reset your PIN.", "Thanks, my order number is 558120 by the way."),
    ("What's your PIN?", "I'd rather not say."),
    ("And the answer to your security question?", "Sorry, I can't remember it."),
    ("Could you confirm your password?", "I don't know it, that's why I'm calling."),
    ("What's the security code on the back?", "It's £120 I owe, isn't it?"),
    ("Can you confirm the security code on the back of your card?", "I paid 450 for it last year"),
    ("Please set a password with 8 characters.", "Done, thanks."),
    ("Have you tried resetting your password?", "Yes, twice, it still says error 4032."),
    ("And which security question did you set?", "I think it was my first pet."),
])
def test_a_reply_without_the_value_stays(redactor: Redactor, asked: str, answer: str) -> None:
    masked = redact_interaction(call(("agent", asked), ("customer", answer)), redactor)
    assert masked.turns[1].text == answer


def test_an_inline_exchange_reads_the_agents_part(redactor: Redactor) -> None:
    """Notes and e-mails quote a call as one line: "Agent: ... Customer: ..."."""
    out = redactor.redact("Agent: Never share your PIN with us. Customer: Too late, it's 6203. Agent: Noted.")
    assert "6203" not in out and out.startswith("Agent: Never share your PIN with us. Customer: Too late"), out


def test_an_answer_after_a_clarifying_question_is_still_the_answer(redactor: Redactor) -> None:
    masked = redact_interaction(call(
        ("agent", "Could I take your PIN, please?"), ("customer", "The card one or the app?"),
        ("agent", "The card, please."), ("customer", "Right, 8023."),
        ("agent", "Thanks. What's the order number?"), ("customer", "55123")), redactor)
    assert "8023" not in masked.turns[3].text, masked.turns[3].text
    assert masked.turns[5].text == "55123", "a new question ends the old one"


def test_a_note_that_says_what_the_agent_asked(redactor: Redactor) -> None:
    out = redactor.redact("Agent asked for the memorable word. Customer: marmalade")
    assert "marmalade" not in out, out


# Issue 16, item 8 (round 3): the classes of wording holdout2 missed, each in new words.
@pytest.mark.parametrize(("text", "gone"), [
    ("my pin number is 7 2 6 4 I think", "7 2 6 4"),  # figures read out one at a time
    ("social security is 6 1 2 - 3 4 - 5 5 0 1", "5 5 0 1"),
    ("the cvc: 5 0 2", "5 0 2"),
    ("sort code's 4 0, 2 7, 1 9", "2 7, 1 9"),
    ("ring me on five five five, two six seven, one nine nine three please", "one nine nine three"),  # words
    ("SSN is six one two, three four, five five zero one", "five five zero one"),
    ("mobile is oh seven seven double oh nine hundred, four five six", "four five six"),
    ("card's five five five five... five five five five five five five five four four four four", "four four four"),
    ("NI is J K 4 4 1 2 3 3 A", "4 4 1 2 3 3"),  # letters of an identifier read out too
    ("postcode is s w one a, two a a", "two a a"),
])
def test_characters_read_out_one_at_a_time(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("text", "gone"), [
    ("it's 5555 um 5555 5555 sorry 4444", "5555 sorry 4444"),  # a pause inside a Luhn-checked number
    ("card: 4111 - 1111 - 1111 - 1111", "1111 - 1111"),
    ("the iban is GB82 uh WEST 1234 5698 7654 32", "5698"),
    ("move it from GB82 WEST 1234 5698 7654 32 to DE89 3704 0044 0532 0130 00 tomorrow", "0532 0130"),
])
def test_a_checksummed_number_with_pauses_or_a_second_one(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


def test_a_pause_inside_a_number_that_fails_its_checksum_stays() -> None:
    text = "The reference 4000 1234 5678 9010 sorry, erm 2 is that right"
    assert Redactor(("GB", "US")).redact(text) == text


@pytest.mark.parametrize(("text", "gone"), [
    ("ppin is 5521", "5521"),
    ("my pn: 5521", "5521"),
    ("sotr code 40-11-22", "40-11-22"),
    ("mother's maiden naem - Featherstone", "Featherstone"),
    ("date of brth: 2/9/1966", "2/9/1966"),
    ("PP number K7720391", "K7720391"),
    ("csc no. 771", "771"),
    ("passport numbr: 604412873", "604412873"),
])
def test_short_key_words_typed_wrong_or_shortened(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("text", "gone"), [
    ("write to dara.o'brien@example.com", "dara.o"),
    ("it's kim_lee(at)post(dot)fi", "kim_lee"),
    ("try p.novak [at] seznam [dot] cz", "novak"),
])
def test_email_wordings(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("text", "gone"), [
    ("send it to 7 Mill Cottages, Upper Slaughter, Gloucestershire GL54 2JB", "Mill Cottages"),
    ("Flat 3, 21 Harbourside, Bristol BS1 5TY", "Harbourside"),
    ("it's 14 orchard road, didcot ox11 7qe", "orchard road"),
    ("450 Market St NW, Atlanta, GA 30303", "Atlanta"),
    ("lives at 88 Elm Avenue, Unit 4C, Dayton, OH 45402", "4C"),
])
def test_an_address_up_to_its_postcode(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("text", "kept"), [
    ("the direct debit says DD 40213 TEL on the statement", "DD 40213"),  # DD is no US state
    ("we waited 20 minutes, then 5 more, at the London SW1A 1AA office", "5 more, at the London"),
])
def test_postcode_look_alikes_and_words_before_a_postcode(redactor: Redactor, text: str, kept: str) -> None:
    assert kept in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize("text", [
    "I have one, two, three cars on the policy",  # a count, not characters read out
    "press 1 2 or 3 on the keypad",
    "passport expires on 12 05 2027",  # figures in groups a few words after the key are a date
    "my password is on a sticky note, or maybe in the drawer",
    "my PIN was reset and my wife's is fine",
    "contact support at the help desk dot it",  # said aloud, a domain needs a known ending
    "the pp. 12-14 section covers it",
])
def test_look_alikes_of_the_round_three_rules_stay(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


@pytest.mark.parametrize(("text", "gone"), [
    ("DOB: 2nd of the 11th, 1990", "2nd of the 11th, 1990"),
    ("my son's date of birth is 3 May 2012 and mine is 19 Oct 1981", "19 Oct 1981"),
    ("my PIN is 1357 and my wife's is 2468", "2468"),
    ("I think the password was Tulip44 before the reset, or maybe Tulip45", "Tulip45"),
    ("the banking passcode, is Kiwi#Bird9", "Kiwi#Bird9"),
])
def test_a_second_value_or_a_pause_before_it(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("text", "gone"), [
    ("601225874 is my social security number", "601225874"),
    ("Put 20-44-61 for the sort code and 70412233 for the account number.", "70412233"),
    ("Put 20-44-61 for the sort code and 70412233 for the account number.", "20-44-61"),
    ("passport: 71 2045 338", "2045"),
    ("NINO: JK-44-12-33-A", "44-12-33"),
    ("my first school was Holy Trinity Juniors", "Juniors"),
    ("Secret question - first car? Ford Fiesta", "Fiesta"),
])
def test_key_words_and_values_in_other_orders_and_shapes(redactor: Redactor, text: str, gone: str) -> None:
    assert gone not in redactor.redact(text), redactor.redact(text)


@pytest.mark.parametrize(("asked", "answer", "gone"), [
    ("Could you give me your social security number?", "Sure. 6 0 1 2 2 5 8 7 4", "8 7 4"),
    ("And the zip code on the account?", "4 5 4 0 2", "4 5 4 0 2"),
    ("What's your national insurance number?", "it's J K 4 4 1 2 3 3 A", "4 4 1 2 3 3"),
    ("Now the number on the photo page, please.", "604412873", "604412873"),
    ("Which account should the money go to?", "well the number is 70412233", "70412233"),
    ("And your passport number?", "six oh four, four one two, eight seven three", "eight seven three"),
])
def test_answers_to_the_other_kinds_asked(redactor: Redactor, asked: str, answer: str, gone: str) -> None:
    masked = redact_interaction(call(("agent", asked), ("customer", answer)), redactor)
    assert gone not in masked.turns[1].text, masked.turns[1].text
