"""LaTeX papers: the citations a document makes, read from its .tex sources or .aux files."""
