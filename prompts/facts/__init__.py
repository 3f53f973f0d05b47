"""Prompt versions for fact extraction at ingest (used only when RAPPORT_LLM_FACTS is on)."""
