"""Renderers: pure functions from the package's values to the text of generated files."""
