"""Prompt versions for the greeting draft."""
