"""Prompt versions for the suggestions draft."""
