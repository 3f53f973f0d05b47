"""Prompt versions for the answer draft."""
