"""Identity checks read as the exchange they are: asked, answered, accepted (not only "you're verified")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from assistant.memory.facts.base import Conversation
from assistant.memory.facts.verification import verification
from assistant.models import Interaction

START = datetime(2026, 10, 6, 9, 30, tzinfo=UTC)


def contact(*turns: tuple[str, str], channel: str = "voice") -> Interaction:
    return Interaction.model_validate({
        "interaction_id": "v-1", "customer_id": "c-1", "channel": channel, "started_at": START.isoformat(),
        "turns": [{"turn_id": str(i), "speaker": who, "text": text, "at": (START + timedelta(seconds=20 * i))
                   .isoformat()} for i, (who, text) in enumerate(turns)]})


def identity(inter: Interaction):  # type: ignore[no-untyped-def]
    return next((f for f in verification(Conversation.of(inter)) if f.subject == "identity"), None)


def test_answers_accepted_with_thanks_are_a_check_passed():
    fact = identity(contact(
        ("agent", "Morning, Harbour Energy, Kit speaking."),
        ("customer", "Hi, it's about my bill again."),
        ("agent", "Sure, can I take your date of birth and postcode first?"),
        ("customer", "Twelfth of March 1980, LS6 2AB."),
        ("agent", "Lovely, that's all fine. So the bill from September was estimated."),
    ))
    assert fact is not None and set(fact.attributes["details"]) == {"date of birth", "postcode"}
    assert fact.citations[0].turn_ids == ["3", "4"]


def test_a_wrong_answer_then_a_right_one_is_passed_on_the_second():
    fact = identity(contact(
        ("agent", "Could you confirm your postcode for me?"),
        ("customer", "BS3 1QQ."),
        ("agent", "I'm afraid that doesn't match what we have. Could you give me the first line of the address?"),
        ("customer", "14 Mill Lane."),
        ("agent", "Thanks, that's you. Now, the refund."),
    ))
    assert fact is not None and "address" in fact.attributes["details"]
    assert fact.citations[0].turn_ids == ["3", "4"]


def test_a_check_refused_is_not_a_verification():
    assert identity(contact(
        ("agent", "Can you tell me your date of birth please?"),
        ("customer", "1 May 1975."),
        ("agent", "Sorry, that's not what we have on file, so I can't go into the account today."),
    )) is None


def test_someone_elses_date_of_birth_is_not_the_customers_check():
    assert identity(contact(
        ("agent", "Of course. What's your son's full name and date of birth, for the named driver?"),
        ("customer", "Oliver Grant, 2 June 2006."),
        ("agent", "Thanks, I've added him."),
    )) is None


def test_the_last_four_of_a_pin_is_the_pin_not_a_card():
    fact = identity(contact(
        ("agent", "Let me verify you quickly, the last 4 of the PIN and your date of birth?"),
        ("customer", "5521. 9 Jan 1990."),
        ("agent", "Thanks, verified. I can see the engineer's notes."),
    ))
    assert fact is not None and set(fact.attributes["details"]) == {"account PIN", "date of birth"}


def test_a_code_texted_to_the_phone_and_read_back_is_a_check():
    fact = identity(contact(
        ("agent", "I'm sending a six-digit code to the mobile on file, can you read it back?"),
        ("customer", "3 9 9 0 1 4."),
        ("agent", "That matches, thank you."),
    ))
    assert fact is not None and fact.attributes["details"] == ["one-time code"]


def test_branch_id_seen_is_a_check_and_caller_id_is_not():
    assert identity(contact(("agent", "Branch note: came in with her sister. ID checked - driving licence, matched."),
                            channel="branch")) is not None
    assert identity(contact(("system", "Caller ID matched to customer profile."),
                            ("agent", "Hello, how can I help?"))) is None


def test_a_reference_that_matches_is_not_a_security_check():
    assert identity(contact(
        ("agent", "Do you have the garage's reference for the job?"),
        ("customer", "Yes, it's GW-5561."),
        ("agent", "Thanks, that matches what the assessor agreed."),
    )) is None


def test_an_answer_redaction_masked_whole_is_still_an_answer():
    # "Two two nine one." is stored as "[PIN].": no sentence to quote, but the check was passed when we said thanks
    fact = identity(contact(
        ("agent", "Hi, it's Carla calling you back from billing."),
        ("customer", "Oh hey."),
        ("agent", "Since I'm calling you, can I verify your account PIN please?"),
        ("customer", "[PIN]."),
        ("agent", "Thanks. The system's back up now."),
        ("agent", "Hi Mike, I have Jake here, already verified by PIN on this call."),
    ))
    assert fact is not None and fact.citations[0].turn_ids == ["3", "4"]
    assert fact.valid_from == START + timedelta(seconds=80)


def test_a_system_line_recording_the_check_passed_is_a_check():
    # Set 2026-12-07-s: the telephony system writes the result, the agent says only "Thank you".
    for line, detail in [("Voice ID: match, passed.", None), ("Account PIN verified.", "account PIN"),
                         ("Caller ID&V passed on own account (DOB, postcode).", "date of birth"),
                         ("Security check passed: address and security answer.", "address")]:
        fact = identity(contact(
            ("agent", "Thanks for calling, can I take you through security first?"),
            ("customer", "Sure, go ahead."),
            ("system", line),
            ("agent", "Thank you. I can see the notes from October."),
        ))
        assert fact is not None, line
        assert detail is None or detail in fact.attributes["details"], (line, fact.attributes["details"])


def test_a_system_line_recording_a_failed_check_is_no_check():
    for line in ["Voice ID: no match.", "Account PIN verification failed.", "Security check not passed."]:
        assert identity(contact(
            ("agent", "Can I take you through security first?"),
            ("customer", "Sure."),
            ("system", line),
            ("agent", "I'll ask you a couple of questions instead."),
        )) is None, line
