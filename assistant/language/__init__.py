"""The one text toolkit: words and sentences (words), the parser (grammar), how a sentence says what it says
(reading), time expressions anchored to when they were said (time), names (names) and transcript noise (noise)."""
