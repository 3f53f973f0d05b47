"""Getting interactions in: load → validate → redact → chunk → embed → upsert (ingest.pipeline.run_ingest)."""
