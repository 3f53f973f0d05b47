"""Customer memory: scoped retrieval, the fact timeline, the contact timeline and cited answers."""
