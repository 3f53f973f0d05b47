"""Turn windows: consecutive turns of one interaction, the unit that is embedded and retrieved.

The shape was tuned on benchmarks/retrieval.py (BENCHMARKS.md, Retrieval): six turns without overlap retrieve
as well as overlapping four-turn windows and embed about a third fewer tokens. The embedded text carries no
speaker labels ("Customer:" costs tokens and did not help recall); speakers stay in the chunk's metadata and
every view renders them from the turns.
"""

from __future__ import annotations

import hashlib

from assistant.models import Chunk, Interaction, Turn
from assistant.settings import Settings

# Part of each interaction's content hash: a change here re-chunks stored interactions on their next ingest.
CHUNK_FORMAT = 2


def windows(word_counts: list[int], size: int, overlap: int, max_words: int) -> list[tuple[int, int]]:
    """(start, end) of each window: up to `size` turns and `max_words` words (a longer turn stands alone),
    each window sharing `overlap` turns with the one before. Every turn is in a window; no window lies
    wholly inside the one before it. The word cap keeps windows under the embedding model's token limit,
    which would otherwise silently cut the window's last turns out of its vector."""
    size, overlap = max(1, size), max(0, overlap)
    n = len(word_counts)

    def end_from(start: int) -> int:
        end, words = start, 0
        while end < n and end - start < size and (end == start or words + word_counts[end] <= max_words):
            words += word_counts[end]
            end += 1
        return end

    out = [(0, end_from(0))]
    while out[-1][1] < n:
        last_start, last_end = out[-1]
        start = max(last_start + 1, last_end - overlap)
        if end_from(start) <= last_end:  # the overlap leaves no room for a new turn under the cap
            start = last_end
        out.append((start, end_from(start)))
    return out


def chunk_text(turns: list[Turn]) -> str:
    """What is embedded and stored in Chroma: the turns' words, one line per turn."""
    return "\n".join(t.text for t in turns)


def chunk_id(interaction_id: str, position: int, text: str) -> str:
    """Stable across runs (so a redo lands on the same record); store.meta_pos reads the position back."""
    return f"{interaction_id}:{position}:{hashlib.sha1(text.encode('utf-8')).hexdigest()[:12]}"


def chunk_interaction(interaction: Interaction, size: int, overlap: int, max_words: int = 10**9) -> list[Chunk]:
    chunks = []
    counts = [len(t.text.split()) for t in interaction.turns]
    for position, (start, end) in enumerate(windows(counts, size, overlap, max_words)):
        turns = interaction.turns[start:end]
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


def chunks_for(interaction: Interaction, settings: Settings) -> list[Chunk]:
    """The interaction's windows in the configured shape (the one call ingest and the benchmarks make)."""
    return chunk_interaction(interaction, settings.chunk_turns, settings.chunk_overlap, settings.chunk_max_words)
