"""Turn windows: consecutive turns of one interaction, the unit that is embedded and retrieved."""

from __future__ import annotations

import hashlib

from assistant.models import Chunk, Interaction, Turn

SPEAKER_LABELS = {"customer": "Customer", "agent": "Agent", "system": "System"}


def window_starts(n_turns: int, size: int, overlap: int) -> list[int]:
    """Where each window begins: windows of `size` turns, each sharing `overlap` turns with the one before.

    The last window may be shorter; no window lies wholly inside the one before it.
    """
    size = max(1, size)
    step = max(1, size - max(0, overlap))
    return list(range(0, max(n_turns - size + step, 1), step))


def chunk_text(turns: list[Turn]) -> str:
    """One line per turn, "Customer: ..." / "Agent: ...": the text Evidence shows an agent."""
    return "\n".join(f"{SPEAKER_LABELS[t.speaker]}: {t.text}" for t in turns)


def chunk_id(interaction_id: str, position: int, text: str) -> str:
    """Stable across runs (so a redo lands on the same record); store.meta_pos reads the position back."""
    return f"{interaction_id}:{position}:{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


def chunk_interaction(interaction: Interaction, size: int, overlap: int) -> list[Chunk]:
    chunks = []
    for position, start in enumerate(window_starts(len(interaction.turns), size, overlap)):
        turns = interaction.turns[start : start + size]
        text = chunk_text(turns)
        chunks.append(
            Chunk(
                chunk_id=chunk_id(interaction.interaction_id, position, text),
                interaction_id=interaction.interaction_id,
                customer_id=interaction.customer_id,
                channel=interaction.channel,
                started_at=interaction.started_at,
                turn_ids=[t.turn_id or "" for t in turns],
                speakers=[t.speaker for t in turns],
                text=text,
            )
        )
    return chunks
