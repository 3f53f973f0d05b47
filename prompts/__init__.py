"""Versioned prompt files, shipped as package data: <draft type>/<version>.yaml (see assistant.llm.prompts)."""
