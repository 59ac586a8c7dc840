"""Published versions of arXiv works, purely.

``rule`` confirms a candidate as a work's published version, ``fields`` gives the fields a
version lays over a preprint (or a whole record), ``plan`` is the pure half of looking them
up in sync: what to ask, what a lookup changed.
"""
