"""Drafting: the grounded drafter (greeting, handover, suggestions), policy rules, guardrails, and the LLM path."""
