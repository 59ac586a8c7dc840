"""Metadata sources: the services records are fetched from, each behind the same interface."""
