"""The formats the commands' ``--format`` options offer, by name.

Spelled out here so that the command line (and ``--help``) does not load the renderers at
start-up; tests/test_cli_options.py checks that each tuple names its renderers' formats.
"""

from __future__ import annotations

IMPORT_FORMATS = ("text", "json")
"""``render.adoption.IMPORT_FORMATS``."""
CITE_FORMATS = ("bibtex", "biblatex", "csl-json", "text", "markdown")
"""``render.citation.CITE_FORMATS``."""
EXPORT_FORMATS = ("bibtex", "biblatex", "csl-json", "text", "markdown")
"""``render.exports.FORMATS``."""
REPORT_FORMATS = ("text", "json", "github")
"""``render.report.FORMATS``."""
