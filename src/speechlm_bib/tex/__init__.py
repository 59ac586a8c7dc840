"""LaTeX papers: the citations, inclusions and bibliographies their .tex or .aux files hold."""
