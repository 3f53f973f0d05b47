"""Bundled demo data: a small retail bank + insurer's customers and their contacts."""
