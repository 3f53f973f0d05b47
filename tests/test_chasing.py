"""A chase for an answer is told apart from the problem it is about (assistant/language/chasing.py)."""

from __future__ import annotations

import pytest

from assistant.language.chasing import chases_us


@pytest.mark.parametrize("text", [
    "I wrote to you on the 3rd and nobody has come back to me.",
    "Someone was meant to ring me yesterday.",
    "I've still not heard anything back about it.",
    "I emailed twice and only got an automated reply.",
    "I'm still waiting for a call back from your team.",
])
def test_a_chase(text):
    assert chases_us(text)


@pytest.mark.parametrize("text", [
    "I'm still waiting for the refund of forty pounds.",
    "The engineer never came, nobody came at all.",
    "No one has fixed the boiler yet.",
    "Nobody in the house uses the landline.",
])
def test_not_a_chase(text):
    assert not chases_us(text)
