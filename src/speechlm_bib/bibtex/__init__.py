"""BibTeX: the value codec, the normalisation middlewares, the hand-record parser, the writer."""
