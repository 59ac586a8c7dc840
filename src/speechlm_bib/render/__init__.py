"""Renderers: the library as references.bib, README blocks, citations, exports, tables, reports.

Each renderer reads the linked library (or findings) and returns text; none imports another.
Two helpers are shared: ``mdtext`` (untrusted text as Markdown) and ``styles`` (a record in
other data models: biblatex, CSL-JSON, an ACL-style reference).
"""
