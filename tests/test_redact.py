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
