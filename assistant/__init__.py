"""Rapport: agent assist that remembers the customer as a person, across every channel and contact."""

from assistant.facade import Assistant
from assistant.settings import Settings

__all__ = ["Assistant", "Settings"]
