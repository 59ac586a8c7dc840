"""speechlm-bib: one source of truth for a survey's bibliography."""

__version__ = "0.1.0"
