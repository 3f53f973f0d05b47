"""Rapport: agent assist that remembers the customer as a person, across every channel and contact.

`Assistant` and `Settings` are imported on first use (PEP 562): a command that imports one small module
(`rapport users list`, `rapport eval sets`) does not pay for the whole facade."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.facade import Assistant
    from assistant.settings import Settings

__all__ = ["Assistant", "Settings"]
_WHERE = {"Assistant": "assistant.facade", "Settings": "assistant.settings"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'assistant' has no attribute '{name}'")
