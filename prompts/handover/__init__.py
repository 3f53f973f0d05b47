"""Prompt versions for the handover draft."""
