"""The ``speechlm-bib`` command line: the group, its commands and the console entry point."""

from __future__ import annotations

from . import commands, discover
from .app import Settings, cli, main

__all__ = ["Settings", "cli", "commands", "discover", "main"]
