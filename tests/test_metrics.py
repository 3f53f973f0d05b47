"""Each metric on hand-made drafts: a case where it must pass and one where it must fail."""

from __future__ import annotations

import pytest

from assistant.evaluation.fakes import HashingEmbedder
from assistant.evaluation.metrics import (
    check_citations,
    coverage,
    groundedness,
    is_phatic,
    length,
    llm_judge,
    record_text,
    rouge,
)
from assistant.evaluation.output import CaseOutput, OutputSentence, split_sentences
from assistant.evaluation.sets import RequiredFact
from assistant.models import Citation, Customer, Draft, DraftSentence, Suggestion

TURNS = {
    ("i1", "0"): "My debit card was blocked after a payment in Lisbon.",
    ("i1", "1"): "I have confirmed your identity, you are verified.",
    ("i1", "2"): "Someone from the card team will call you back within 24 hours.",
    ("i2", "0"): "Amy has her exams next week so it is a busy time.",
}
WHOLE = {"i1": ["0", "1", "2"], "i2": ["0"]}
OWNERS = {"i1": "cust-a", "i2": "cust-a", "x9": "cust-b"}
TURN_IDS = {"i1": {"0", "1", "2"}, "i2": {"0"}, "x9": {"0"}}


def cite(iid: str, *turns: str) -> list[Citation]:
    return [Citation(interaction_id=iid, turn_ids=list(turns))]


# ---- groundedness -------------------------------------------------------------------------------------
def test_groundedness_passes_when_sentences_restate_their_evidence():
    sentences = [
        OutputSentence(text="Hello Miles, welcome back."),  # phatic: not counted
        OutputSentence(text="His debit card was blocked after a payment in Lisbon.", citations=cite("i1", "0")),
        OutputSentence(text="The card team will call him back within 24 hours.", citations=cite("i1", "2")),
    ]
    score, detail = groundedness(sentences, TURNS, HashingEmbedder(), 0.45, whole=WHOLE)
    assert score == 1.0
    assert [d.status for d in detail] == ["phatic", "cited", "cited"]
    assert all(d.support and d.support > 0.6 for d in detail[1:])


def test_groundedness_fails_unsupported_and_uncited_claims():
    sentences = [
        OutputSentence(text="He won the lottery and wants a mortgage for a castle.", citations=cite("i1", "0")),
        OutputSentence(text="His refund of 500 pounds has been approved by the manager today."),  # no citation
        OutputSentence(text="His card was blocked in Lisbon.", citations=cite("i1", "0")),
    ]
    score, detail = groundedness(sentences, TURNS, HashingEmbedder(), 0.45, whole=WHOLE)
    assert score == pytest.approx(1 / 3)
    assert detail[0].grounded is False and detail[1].status == "uncited" and detail[2].grounded is True


def test_groundedness_counts_a_citation_to_missing_turns_as_unsupported():
    sentences = [OutputSentence(text="His card was blocked in Lisbon.", citations=cite("i1", "7"))]
    score, _ = groundedness(sentences, TURNS, HashingEmbedder(), 0.45, whole=WHOLE)
    assert score == 0.0


def test_groundedness_whole_interaction_citation_uses_all_turns():
    sentences = [OutputSentence(text="Amy has exams next week.", citations=cite("i2"))]
    score, _ = groundedness(sentences, TURNS, HashingEmbedder(), 0.45, whole=WHOLE)
    assert score == 1.0


def test_uncited_statements_may_rest_on_the_customer_record():
    record = record_text(Customer(customer_id="c", name="Miles Okafor", customer_since="2017-08-21",
                                  products=["current account", "credit card"]))
    sentences = [OutputSentence(text="Miles Okafor, a customer since 2017, holds a current account and a credit card."),
                 OutputSentence(text="Miles was promised a refund of all his fees by the manager.")]
    score, detail = groundedness(sentences, TURNS, HashingEmbedder(), 0.45, record=record)
    assert score == 0.5 and [d.status for d in detail] == ["record", "record"]
    assert detail[0].grounded and not detail[1].grounded


def test_groundedness_is_none_when_nothing_is_checkable():
    score, _ = groundedness([OutputSentence(text="Good morning!")], TURNS, HashingEmbedder(), 0.45)
    assert score is None


def test_llm_judge_decides_cited_sentences():
    calls = []

    def model(prompt: str) -> str:
        calls.append(prompt)
        return "NO." if "castle" in prompt else "Yes, it is supported."

    judge = llm_judge(model)
    sentences = [
        OutputSentence(text="His card was blocked in Lisbon.", citations=cite("i1", "0")),
        OutputSentence(text="His card was blocked in Lisbon castle.", citations=cite("i1", "0")),
    ]
    score, detail = groundedness(sentences, TURNS, HashingEmbedder(), 0.45, judge=judge)
    assert score == 0.5 and [d.judged for d in detail] == [True, False]
    assert "Lisbon" in calls[0] and len(calls) == 2


def test_phatic_sentences():
    assert is_phatic("Hi Maria, welcome back!") and is_phatic("How can I help today?") and is_phatic("Thanks.")
    assert not is_phatic("Maria declined the mortgage offer on 12 November.")


# ---- citations --------------------------------------------------------------------------------------------
def test_citation_validity_passes_for_own_existing_turns():
    check = check_citations(cite("i1", "0", "2") + cite("i2"), "cust-a", OWNERS, TURN_IDS)
    assert check.validity == 1.0 and not check.missing and not check.foreign


def test_citation_validity_fails_for_missing_turns_unknown_and_foreign_interactions():
    cites = cite("i1", "9") + cite("nope", "0") + cite("x9", "0") + cite("i1", "1")
    check = check_citations(cites, "cust-a", OWNERS, TURN_IDS)
    assert check.validity == 0.25
    assert check.missing == ["i1#9", "nope#0"] and check.foreign == ["x9#0"]


def test_citation_validity_is_none_without_citations():
    assert check_citations([], "cust-a", OWNERS, TURN_IDS).validity is None


# ---- required facts, ROUGE, length ------------------------------------------------------------------------
FACTS = [
    RequiredFact(name="escalation reference", any=["ESC-58213"]),
    RequiredFact(name="call back", regex=r"call(?:ed)? (?:him )?back|callback"),
    RequiredFact(name="Lisbon", any=["Lisbon", "£212.60"]),
]


def test_coverage_passes_when_every_fact_is_stated():
    text = "Card blocked after £212.60 in lisbon; escalated as ESC-58213 and the card team will call him back."
    assert coverage(text, FACTS) == (1.0, [])


def test_coverage_fails_and_names_missing_facts():
    score, missing = coverage("The card was blocked. Reference ESC-5821.", FACTS)
    assert score == 0.0 and missing == ["escalation reference", "call back", "Lisbon"]


def test_coverage_matches_whole_words_only():
    assert coverage("Amyot called.", [RequiredFact(name="Amy", any=["Amy"])])[0] == 0.0
    assert coverage("Amy's exams.", [RequiredFact(name="Amy", any=["Amy"])])[0] == 1.0
    assert coverage("anything", []) == (None, [])


def test_rouge_high_for_a_close_summary_and_low_for_an_unrelated_one():
    ref = "The customer has trouble breathing and the doctor will send the customer to a pulmonary specialist."
    close = rouge("The customer has trouble breathing; the doctor sends the customer to a pulmonary specialist.", [ref])
    far = rouge("Card blocked in Lisbon, escalation reference given.", [ref])
    assert close["rouge1"] > 0.7 and close["rougeL"] > 0.6 and close["rouge2"] > 0.4
    assert far["rouge1"] < 0.15 and far["rouge2"] == 0.0
    assert rouge("anything", []) == {}


def test_rouge_takes_the_best_reference():
    refs = ["Completely unrelated words here.", "The card was blocked in Lisbon."]
    assert rouge("The card was blocked in Lisbon.", refs)["rougeL"] == pytest.approx(1.0)


def test_length_counts_words_and_sentences():
    assert length("Hi Maria. Amy's exams are next week! Good luck.") == {"words": 9, "sentences": 3}
    assert length("") == {"words": 0, "sentences": 0}


def test_split_sentences_handles_bullets_and_lines():
    text = "Who: Miles Okafor.\n- Card blocked in Lisbon. Escalated (ESC-58213).\n2. Call back due."
    assert split_sentences(text) == ["Who: Miles Okafor.", "Card blocked in Lisbon.", "Escalated (ESC-58213).",
                                     "Call back due."]


# ---- output normalisation -----------------------------------------------------------------------------------
def test_case_output_from_a_draft_keeps_sentence_citations():
    draft = Draft(text="Hi Maria. Good luck to Amy.", kind="greeting", citations=cite("i2", "0"),
                  sentences=[DraftSentence(text="Hi Maria."), DraftSentence(text="Good luck to Amy.",
                                                                           citations=cite("i2", "0"))])
    out = CaseOutput.from_draft(draft)
    assert [s.text for s in out.sentences] == ["Hi Maria.", "Good luck to Amy."]
    assert [c.key() for c in out.citations()] == [("i2", ("0",))]


def test_case_output_from_a_draft_without_sentences_uses_draft_citations():
    out = CaseOutput.from_draft(Draft(text="Card blocked. Call due.", citations=cite("i1", "0")))
    assert len(out.sentences) == 2 and all(s.citations for s in out.sentences)


def test_case_output_from_suggestions_checks_the_reason():
    s = Suggestion(text="Follow up on the junior savings account", reason="Offered on 13 Nov, she will think",
                   kind="sales", topic="junior savings", citations=cite("i1", "0"))
    out = CaseOutput.from_suggestions([s])
    assert out.sentences[0].checked_text() == "Offered on 13 Nov, she will think"
    assert "[sales] Follow up on the junior savings account" in out.text


def test_rouge_reads_a_handovers_summary_section():
    draft = Draft(text="Who: Amy.\nThis contact: Amy lost her card in Leeds.", kind="handover",
                  sections={"who": ["Amy."], "summary": ["Amy lost her card in Leeds."], "done": []})
    out = CaseOutput.from_draft(draft)
    assert out.summary_text() == "Amy lost her card in Leeds." and out.sections["who"] == "Amy."
    assert CaseOutput.from_draft(Draft(text="Hi Amy.", kind="greeting")).summary_text() == "Hi Amy."
