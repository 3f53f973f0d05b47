"""The case scorer reads a key's promise states in the words key writers use."""

from assistant.evaluation.fresh_cases import promise_state


def test_a_broken_promise_is_open_and_past_due_like_an_overdue_one():
    assert promise_state("broken") == promise_state("overdue") == (True, True)


def test_kept_and_not_a_promise_are_not_open():
    assert promise_state("kept") == (False, False)
    assert promise_state("not a promise") == (False, False)
    assert promise_state("Not yet due") == (True, False)
