"""Adopting an awesome list: a README's tables taken over in place, every cell kept.

The flow, pure from text to plan: ``scan`` finds the README's tables and fenced blocks;
``roles`` gives each column its role (name, title, links, date, venue, or its own);
``repairs`` fixes what a maintainer would (version pins, tracking parameters, http,
mojibake); ``tables`` turns each row into an entry that renders back to the same cells;
``citations`` takes the BibTeX records; ``plan`` wraps each table in markers where it stands
and lists the files to write with the report of everything done; ``history`` dates each row
by the first commit of the README that holds it.
"""
