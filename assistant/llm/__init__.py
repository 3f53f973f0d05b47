"""Language models, when one is configured: the chat-model providers, the versioned prompts and the structured
outputs they must return. Below memory and drafting, which both ask a model (facts at ingest, drafts on demand)."""
