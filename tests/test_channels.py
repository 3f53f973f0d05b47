"""SMS is a channel of its own, and the usual other names for a channel are read as the channel they name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from assistant.drafting.phrasing import CHANNEL_NOUNS, CHANNEL_VERBS, SAID_ON
from assistant.models import CHANNELS, Interaction
from assistant.ui.render import CHANNELS as SHOWN


def record(channel: str) -> dict:
    return {"interaction_id": "i-1", "customer_id": "c-1", "channel": channel,
            "started_at": datetime(2026, 11, 3, 9, tzinfo=UTC).isoformat(),
            "turns": [{"speaker": "customer", "text": "Is my refund on its way?"}]}


def test_a_text_message_is_stored_as_sms_not_refused():
    assert Interaction.model_validate(record("sms")).channel == "sms"


@pytest.mark.parametrize(("given", "stored"), [("SMS", "sms"), ("text", "sms"), ("phone", "voice"),
                                               ("E-mail", "email"), ("webchat", "chat"), ("WhatsApp", "chat")])
def test_other_names_for_a_channel_are_read_as_it(given, stored):
    assert Interaction.model_validate(record(given)).channel == stored


def test_an_unknown_channel_is_still_refused_naming_the_field():
    with pytest.raises(ValidationError, match="channel"):
        Interaction.model_validate(record("carrier pigeon"))


def test_every_channel_has_words_and_an_icon():
    for channel in CHANNELS:
        assert channel in CHANNEL_VERBS and channel in CHANNEL_NOUNS and channel in SAID_ON and channel in SHOWN
    assert CHANNEL_VERBS["sms"] == "texted us"
